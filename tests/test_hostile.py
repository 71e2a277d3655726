"""Hostile case files (issue 7): nothing in a case executes, rewrites the policy or crashes.

A case file comes from outside.  Text that clingo would obey as program text (``#script``,
``#include``, ``#const``, rules, comments) must stay inert data: answered and echoed back
intact, or refused with one clear message.  Sizes are bounded (aliases, nesting, bytes,
list lengths, persons) and a solver time limit ends with one message, never a hang.
"""

from __future__ import annotations

import io
import json
import sys
import unicodedata
from pathlib import Path

import clingo
import clingo.ast
import pytest
import typer
import yaml
from clingo.script import enable_python
from typer.testing import CliRunner

from pyagent.input import case as case_module
from pyagent.cli import commands as cli
from pyagent.explain.answers import answer_case
from pyagent.input.case import MAX_ITEMS, MAX_PERSONS, MAX_TEXT, load_case, parse_case
from pyagent.cli import app
from pyagent.errors import EXIT_TIME_LIMIT, InputError, TimeLimitError
from pyagent.engine.solve import solve

runner = CliRunner()

# If case text ever reached clingo as program text, a #script block would run: make sure
# the embedded Python is there to run it, so that the canary tests below mean something.
enable_python()

AS_OF = "2026-07-01"

# A person with answers of every kind under field_list=open; the payloads go into its text.
BASE_PERSON = {
    "id": "plain",
    "certificates": [
        {
            "level": "technician",
            "kind": "skill_level",
            "obtained": "2019-05-10",
            "occupation": "电工",
        }
    ],
    "technical_work": [{"from": "2014-09-01"}],
    "field": "finance",
    "current_post": {"since": "2014-09-01", "occupation": "电工"},
    "annual_assessments": [
        {"year": 2023, "grade": "qualified"},
        {"year": 2024, "grade": "excellent"},
        {"year": 2025, "grade": "pending"},
    ],
    "honours": ["national_technical_expert"],
    "outstanding_contribution": True,
    "social_benefit": True,
    "economic_benefit": True,
    "titles": [{"rank": "intermediate", "series": "会计", "obtained": "2018-01-01"}],
    "cumulative_work_years": 12,
    "education": "初中",
}

# Every place of a person where free text is kept (and ``id`` is echoed in the JSON).
TEXT_PLACES = (
    ("id",),
    ("certificates", 0, "occupation"),
    ("current_post", "occupation"),
    ("field",),
    ("titles", 0, "series"),
)
NEVER_DECISIVE_PLACES = (("education",), ("papers",), ("foreign_language",), ("computer_skills",))


def canary_script(canary: Path) -> str:
    return f"#script (python) import os; open({str(canary)!r}, 'w').write('ran') #end."


def payloads(canary: Path) -> dict[str, str]:
    """Text that clingo would obey as a program, and text that breaks naive quoting."""
    return {
        "script": canary_script(canary),
        "script_lua": f"#script (lua) io.open({str(canary)!r}, 'w') #end.",
        "rule": "a :- b.",
        "fact_and_show": "answer(p(0,worst),title_participate). #show answer/2.",
        "include": '#include "x".',
        "include_kb": '#include "main.lp".',
        "const": "#const n=1.",
        "constraint": ":- .",
        "program": "#program base. #external e.",
        "quotes": "it's \"quoted\" 'twice'",
        "backslashes": "C:\\cases\\new\\table \\n \\\\",
        "comment": "% a comment %* and a block *% x",
        "close_string": '") :- true. ("',
        "non_bmp": "𠀀𠀁 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧑‍🔧 ꙮ",
        "uyghur_rtl": "ئۇيغۇر تىلى \u200f mixed",
        "rich_markup": "[bold red]alarm[/bold red] [link=http://x]y[/link]",
        "longest": "长" * MAX_TEXT,
        "braces": "{ a(X) : b(X) } = 1. &sum{ x }.",
    }


# Text refused in the text places: one message naming the place, never an answer.
REFUSED = {
    "newline": ("a :- b.\n#const n=1.", "control characters"),
    "script_on_lines": ("#script (python)\nimport os\n#end.", "control characters"),
    "nul": ("a\x00b", "control characters"),
    "escape": ("\x1b[31mred\x1b[0m", "control characters"),
    "too_long": ("x" * (MAX_TEXT + 1), f"longer than {MAX_TEXT}"),
    "very_long": ("#const n=1. " * 20_000, f"longer than {MAX_TEXT}"),
    "blank": ("   ", "is empty"),
}


def put(person: dict, place: tuple, value: object) -> dict:
    """A deep copy of ``person`` with ``value`` at ``place``."""
    person = json.loads(json.dumps(person))
    target = person
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = value
    return person


def place_text(place: tuple, prefix: str = "persons[0]") -> str:
    out = prefix
    for step in place:
        out += f"[{step}]" if isinstance(step, int) else f".{step}"
    return out


def write(tmp_path: Path, name: str, data: dict, fmt: str) -> Path:
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def loaded_person(payload: str) -> dict:
    """The base person with ``payload`` in every text place (the id made unique by it)."""
    person = BASE_PERSON
    for place in TEXT_PLACES + NEVER_DECISIVE_PLACES:
        person = put(person, place, payload)
    return person


def answers_without_id(person_json: dict) -> list:
    return person_json["answers"]


# ---------------------------------------------------------------------------
# No injection


def test_the_canary_is_live_when_clingo_is_given_the_text(tmp_path):
    """The control experiment: the script payload does run when clingo reads it as a program."""
    canary = tmp_path / "ran.txt"
    ctl = clingo.Control()
    ctl.add("base", [], canary_script(canary))
    ctl.ground([("base", [])])
    assert canary.read_text() == "ran"


def test_program_text_in_a_case_is_inert_data_echoed_intact(tmp_path):
    canary = tmp_path / "ran.txt"
    texts = payloads(canary)
    persons = [BASE_PERSON] + [loaded_person(text) for text in texts.values()]
    path = write(tmp_path, "hostile", {"as_of": AS_OF, "persons": persons}, "yaml")
    as_json = write(tmp_path, "hostile", {"as_of": AS_OF, "persons": persons}, "json")
    assert load_case(as_json).persons == load_case(path).persons  # JSON reads the same text

    result = runner.invoke(app, ["ask", str(path), "--json", "--reading", "field_list=open"])

    assert result.exit_code == 0, result.output
    assert not canary.exists(), "a #script block in a case ran"
    data = json.loads(result.stdout)
    assert [p["id"] for p in data["persons"]] == ["plain", *texts.values()]
    baseline = data["persons"][0]["answers"]
    assert {a["status"] for a in baseline} == {"yes", "no", "unknown"}
    for name, person in zip(texts, data["persons"][1:], strict=True):
        # the same answers, clauses and depends_on as the plain person: nothing was obeyed
        # (the one-line reason names the person: the id echoed intact, in place of "plain")
        said = [
            {**a, "reason": a["reason"].replace(person["id"], "plain")} for a in person["answers"]
        ]
        assert said == baseline, name


def test_the_table_prints_hostile_ids_literally(tmp_path):
    markup = "[bold red]alarm[/bold red]"
    path = write(
        tmp_path, "markup", {"as_of": AS_OF, "person": put(BASE_PERSON, ("id",), markup)}, "yaml"
    )
    result = runner.invoke(app, ["ask", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert markup in result.stdout


@pytest.mark.parametrize("args", [["--json"], []], ids=["json", "table"])
def test_a_terminal_that_cannot_show_the_text_gets_escapes_not_a_traceback(
    tmp_path, monkeypatch, args
):
    person_id = "张三😀 #const n=1."
    path = write(
        tmp_path, "zh", {"as_of": AS_OF, "person": put(BASE_PERSON, ("id",), person_id)}, "yaml"
    )
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "argv", ["pyagent", "ask", str(path), *args])
    with pytest.raises(SystemExit) as done:
        cli.main()
    assert done.value.code in (0, None)
    out.flush()
    text = out.buffer.getvalue().decode("ascii")
    if args:
        assert json.loads(text)["persons"][0]["id"] == person_id  # the same JSON, escaped
    else:
        assert "\\u5f20\\u4e09\\U0001f600" in text


def test_case_text_never_reaches_clingo_as_program_text(tmp_path, monkeypatch):
    """Spy on every way a text becomes a program: none of them sees the case's text."""
    marker = "zz_marker_zz"
    seen: list[str] = []
    for owner, name in ((clingo.Control, "add"), (clingo.ast, "parse_string")):
        original = getattr(owner, name)

        def spy(*args, _original=original, **kwargs):
            seen.append(repr((args, kwargs)))
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, name, spy)
    loads: list[str] = []
    original_load = clingo.Control.load

    def load_spy(self, path):
        loads.append(str(path))
        return original_load(self, path)

    monkeypatch.setattr(clingo.Control, "load", load_spy)
    original_parse_files = clingo.ast.parse_files

    def parse_files_spy(files, *args, **kwargs):
        loads.extend(str(f) for f in files)
        return original_parse_files(files, *args, **kwargs)

    monkeypatch.setattr(clingo.ast, "parse_files", parse_files_spy)
    built: list[str] = []  # statements of kb/ parsed once, added to each control (engine/solve)
    original_add = clingo.ast.ProgramBuilder.add

    def add_spy(self, statement):
        built.append(str(statement))
        return original_add(self, statement)

    monkeypatch.setattr(clingo.ast.ProgramBuilder, "add", add_spy)
    person = loaded_person(f"{marker} a :- b. #const n=1.")
    path = write(tmp_path, "spy", {"as_of": AS_OF, "person": person}, "yaml")
    answer_case(load_case(path))
    assert not [s for s in seen + built if marker in s]
    assert loads or built
    assert all(Path(p).suffix == ".lp" and marker not in p for p in loads)


@pytest.mark.parametrize("kind", sorted(REFUSED))
@pytest.mark.parametrize("place", TEXT_PLACES, ids=lambda p: ".".join(map(str, p)))
def test_text_that_is_not_plain_text_is_refused_at_its_place(tmp_path, kind, place):
    text, expected = REFUSED[kind]
    document = {"as_of": AS_OF, "persons": [put(BASE_PERSON, place, text)]}
    with pytest.raises(InputError) as info:
        parse_case(json.dumps(document), "hostile.json")
    err = info.value
    assert err.place == place_text(place)
    assert expected in err.message
    assert err.line is not None
    one_message(str(err), "hostile.json")


def test_never_decisive_fields_keep_any_text_verbatim():
    text = "#script (python)\nimport os\n#end.\n% \x1b[2J"
    person = put(put(BASE_PERSON, ("education",), text), ("papers",), [text, {"k": text}])
    case = parse_case(json.dumps({"as_of": AS_OF, "person": person}), "c.json")
    assert case.persons[0].never_decisive == {"education": text, "papers": [text, {"k": text}]}


@pytest.mark.parametrize(
    "key",
    [
        "#script (python) import os #end.",
        "a :- b.",
        '#include "x".',
        "line\nbreak",
        "\x1b[2J\x1b[31mred",
        "tab\there",
        "k" * 5000,
        "𠀀",
    ],
)
@pytest.mark.parametrize("where", ["top", "person", "certificate", "readings", "parameters"])
def test_hostile_keys_are_refused_with_one_inert_line(key, where):
    person = json.loads(json.dumps(BASE_PERSON))
    document: dict = {"as_of": AS_OF, "person": person}
    target = {
        "top": document,
        "person": person,
        "certificate": person["certificates"][0],
        "readings": document.setdefault("readings", {}) if where == "readings" else None,
        "parameters": document.setdefault("parameters", {}) if where == "parameters" else None,
    }[where]
    target[key] = "x"
    for fmt, text in (
        ("json", json.dumps(document)),
        ("yaml", yaml.safe_dump(document, allow_unicode=True)),
    ):
        with pytest.raises(InputError) as info:
            parse_case(text, f"k.{fmt}")
        message = str(info.value)
        one_message(message, f"k.{fmt}")
        assert "\x1b" not in message and "\t" not in message
        assert len(message) < 600


def one_message(message: str, source: str) -> None:
    """One line, starting with the file, of printable text."""
    assert message.startswith(source)
    assert "\n" not in message and "\r" not in message
    assert not [c for c in message if unicodedata.category(c) in ("Cc", "Cs")]


# ---------------------------------------------------------------------------
# Text that is not Unicode


@pytest.mark.parametrize(
    "text, place",
    [
        ('{"person": {"id": "a\\ud800b"}}', "person.id"),
        ('{"person": {"id": "x", "education": ["\\udfff"]}}', "person.education[0]"),
        (
            '{"person": {"id": "x", "current_post": {"occupation": "\\udc00"}}}',
            "person.current_post.occupation",
        ),
        ('{"person": {"id": "x", "\\ud83d": 1}}', "person"),
    ],
)
def test_json_lone_surrogates_are_refused_with_place_and_line(tmp_path, text, place):
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["ask", str(path), "--json"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{path}:1:")
    assert f": {place}: " in result.stderr
    assert "lone surrogate" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("source", ["s.yaml", "s.json"])
def test_text_with_raw_surrogates_is_refused(source):
    with pytest.raises(InputError) as info:
        parse_case('{"person": {"id": "a\udc80"}}', source)
    assert "lone surrogate" in info.value.message
    assert (info.value.line, info.value.column) == (1, 21)


# ---------------------------------------------------------------------------
# Limits


def cli_refuses(path: Path, *args: str) -> str:
    result = runner.invoke(app, ["ask", str(path), "--json", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(str(path))
    return result.stderr


def test_an_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 10):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]")
    lines.append("person: {id: p, papers: *a9}")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert "too many aliases" in cli_refuses(path)


@pytest.mark.parametrize(
    "name, text",
    [
        ("deep.yaml", "person: {id: p, papers: " + "[" * 100_000 + "]" * 100_000 + "}"),
        (
            "deep_block.yaml",
            "person:\n  id: p\n  papers:\n" + "".join("  " * (k + 2) + "-\n" for k in range(200)),
        ),
        ("deep.json", '{"person": {"id": "p", "papers": ' + "[" * 100_000 + "]" * 100_000 + "}}"),
        (
            "deep_maps.json",
            '{"person": {"id": "p", "papers": ' + '{"a":' * 5000 + "1" + "}" * 5000 + "}}",
        ),
    ],
)
def test_absurdly_deep_documents_are_refused(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    assert "nest" in cli_refuses(path)  # ours: "too deeply nested"; libyaml: "nesting depth"


def test_a_file_over_max_bytes_is_refused_and_accepted_under_a_larger_limit(tmp_path):
    path = write(tmp_path, "big", {"as_of": AS_OF, "person": BASE_PERSON}, "yaml")
    size = path.stat().st_size
    message = cli_refuses(path, "--max-bytes", str(size - 1))
    assert f"larger than {size - 1:,} bytes" in message
    assert runner.invoke(app, ["ask", str(path), "--max-bytes", str(size)]).exit_code == 0
    assert "--max-bytes" in runner.invoke(app, ["ask", "--help"]).stdout


def test_the_default_size_limit_is_enforced_without_reading_the_whole_file(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"person: {id: p, papers: '")
        handle.seek(case_module.MAX_BYTES + 10)
        handle.write(b"'}\n")
    assert "larger than" in cli_refuses(path)


@pytest.mark.parametrize(
    "key, item",
    [
        ("certificates", {"level": "technician", "obtained": "2019-05-10"}),
        ("technical_work", {"from": "2014-09-01"}),
        ("honours", "national_technical_expert"),
        ("titles", {"rank": "junior"}),
        ("annual_assessments", None),
    ],
)
def test_thousands_of_entries_are_refused_and_the_limit_itself_is_answered(key, item):
    def items(n: int) -> list:
        if key == "annual_assessments":
            return [{"year": 2100 - k, "grade": "qualified"} for k in range(n)]
        return [item] * n

    too_many = put(BASE_PERSON, (key,), items(3000))
    with pytest.raises(InputError) as info:
        parse_case(json.dumps({"as_of": AS_OF, "person": too_many}), "many.json")
    assert info.value.place == f"person.{key}"
    assert "3,000 " in info.value.message and f"at most {MAX_ITEMS}" in info.value.message
    at_limit = put(BASE_PERSON, (key,), items(MAX_ITEMS))
    case = parse_case(json.dumps({"as_of": AS_OF, "person": at_limit}), "ok.json")
    assert len(getattr(case.persons[0], key)) == MAX_ITEMS
    if key == "certificates":  # the costliest list to answer: answered all the same
        assert len(answer_case(case).persons[0].answers) == 9


def test_more_persons_than_a_case_may_hold_are_refused(tmp_path):
    persons = [{"id": f"p{k}"} for k in range(MAX_PERSONS + 1)]
    path = write(tmp_path, "crowd", {"as_of": AS_OF, "persons": persons}, "json")
    message = cli_refuses(path)
    assert f"{MAX_PERSONS + 1:,} persons" in message and "persons:" in message
    assert len(parse_case(json.dumps({"persons": persons[:MAX_PERSONS]})).persons) == MAX_PERSONS


# ---------------------------------------------------------------------------
# The solver time limit


@pytest.fixture
def slow_kb(tmp_path: Path) -> Path:
    """A knowledge base whose search takes far longer than any test: pigeon-hole 13 in 12."""
    directory = tmp_path / "slow_kb"
    directory.mkdir()
    (directory / "main.lp").write_text(
        "pigeon(1..13). hole(1..12).\n"
        "1 { in(P,H) : hole(H) } 1 :- pigeon(P).\n"
        ":- hole(H), #count { P : in(P,H) } > 1.\n"
    )
    return directory


def test_solve_stops_at_the_time_limit(slow_kb):
    with pytest.raises(TimeLimitError) as info:
        solve([[], []], [], directory=slow_kb, timeout=0.2, source="c.yaml")
    assert str(info.value) == (
        "c.yaml: the solver did not finish within 0.2 s (--timeout); "
        "nothing was answered for its 2 persons"
    )


def test_ask_timeout_ends_with_one_message_and_exit_3(tmp_path, slow_kb, monkeypatch):
    monkeypatch.setattr("pyagent.engine.solve.kb_dir", lambda: slow_kb)
    path = write(tmp_path, "slow", {"as_of": AS_OF, "person": BASE_PERSON}, "yaml")
    result = runner.invoke(app, ["ask", str(path), "--json", "--timeout", "0.2"])
    assert result.exit_code == EXIT_TIME_LIMIT == 3
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"{path}: the solver did not finish within 0.2 s (--timeout); "
        "nothing was answered for its person"
    )


def test_a_generous_timeout_changes_nothing(tmp_path):
    path = write(tmp_path, "ok", {"as_of": AS_OF, "person": BASE_PERSON}, "yaml")
    plain = runner.invoke(app, ["ask", str(path), "--json"])
    limited = runner.invoke(app, ["ask", str(path), "--json", "--timeout", "60"])
    assert plain.exit_code == limited.exit_code == 0
    assert plain.stdout == limited.stdout


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_timeout_must_be_a_positive_number_of_seconds(tmp_path, value):
    path = write(tmp_path, "ok", {"as_of": AS_OF, "person": BASE_PERSON}, "yaml")
    result = runner.invoke(app, ["ask", str(path), "--timeout", value])
    assert result.exit_code == 2
    assert "--timeout" in result.stderr
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------
# Every command that reads a case: the same guarantees as ask.

CASE_COMMANDS = {  # command -> the arguments after CASE
    "ask": ["--json"],
    "why": ["title.participate", "--json"],
    "why-not": ["title.participate", "--json"],
    "what-if": ["title.associate_senior", "--json"],
    "diff": ["--reading", "field_list=open", "--json"],
}
REGISTERED = typer.main.get_command(app).commands  # type: ignore[attr-defined]
PRESENT = [name for name in CASE_COMMANDS if name in REGISTERED]


def hostile_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, what its one message must say)."""
    out = {}

    def put_file(name: str, content: bytes | str, expected: str) -> None:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        out[name] = (path, expected)

    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 10)
    ]
    put_file("bomb.yaml", "\n".join(bomb) + "\nperson: {id: p, papers: *a9}\n", "too many aliases")
    put_file(
        "deep.json", '{"person": {"id": "p", "papers": ' + "[" * 5000 + "]" * 5000 + "}}", "nest"
    )
    put_file("surrogate.json", '{"person": {"id": "p\\udfff"}}', "lone surrogate")
    put_file("latin1.yaml", "person: {id: caf\xe9}\n".encode("latin-1"), "not UTF-8")
    put_file("python_tag.yaml", "person: !!python/object/apply:os.system ['true']\n", "tag")
    put_file(
        "many.json",
        json.dumps({"person": {"id": "p", "honours": ["national_technical_expert"] * 5000}}),
        "at most",
    )
    return out


@pytest.mark.parametrize("command", PRESENT)
def test_every_command_refuses_hostile_files_with_one_message(tmp_path, command):
    for name, (path, expected) in hostile_files(tmp_path).items():
        result = runner.invoke(app, [command, str(path), *CASE_COMMANDS[command]])
        assert result.exit_code == 2, (command, name, result.output)
        assert result.stdout == "", (command, name)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(str(path)), (command, name, result.stderr)
        assert expected in lines[0], (command, name, lines[0])


@pytest.mark.parametrize("command", PRESENT)
def test_every_command_keeps_program_text_inert(tmp_path, command):
    canary = tmp_path / "ran.txt"
    person = put(
        put(BASE_PERSON, ("id",), canary_script(canary)), ("current_post", "occupation"), "a :- b."
    )
    path = write(tmp_path, "script", {"as_of": AS_OF, "person": person}, "yaml")
    result = runner.invoke(app, [command, str(path), *CASE_COMMANDS[command]])
    assert result.exit_code == 0, (command, result.output)
    assert not canary.exists()
    json.loads(result.stdout)


@pytest.mark.parametrize(
    "command", [c for c in PRESENT if "max_bytes" in {p.name for p in REGISTERED[c].params}]
)
def test_every_command_honours_max_bytes(tmp_path, command):
    path = write(tmp_path, "ok", {"as_of": AS_OF, "person": BASE_PERSON}, "yaml")
    result = runner.invoke(app, [command, str(path), *CASE_COMMANDS[command], "--max-bytes", "10"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{path}: the file is larger than 10 bytes"


def test_batch_keeps_program_text_inert_and_names_each_row_not_answered(tmp_path):
    canary = tmp_path / "ran.txt"
    texts = list(payloads(canary).values())
    rows = [json.dumps(loaded_person(text), ensure_ascii=False) for text in texts]
    bad = {
        2: '{"id": "x", "certificates": [{"level": "tecnician"}]}',
        4: '{"id": "#const n=1.", "current_post": {"occupation": "a :- b.\\n"}}',
        6: '{"id": "s\\ud800"}',
        8: "#script (python) import os #end.",
    }
    for line, text in sorted(bad.items()):
        rows.insert(line - 1, text)
    roster = tmp_path / "roster.jsonl"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    result = runner.invoke(
        app, ["batch", str(roster), "-o", str(out), "--as-of", AS_OF, "-j", "1", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert not canary.exists()
    answered = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in answered] == texts  # echoed intact, in input order
    # nothing was obeyed: the same answers (the reasons quote each person's own texts)
    keyed = {
        json.dumps([[a[k] for k in ("status", "clauses", "depends_on")] for a in p["answers"]])
        for p in answered
    }
    assert len(keyed) == 1
    assert all(a["reason"] for p in answered for a in p["answers"])
    messages = [m for m in result.stderr.splitlines() if m.startswith(str(roster))]
    assert [m.split(":")[1] for m in messages] == [str(n) for n in sorted(bad)]
    assert all("not answered" in m for m in messages)


def roster_hostile_files(tmp_path: Path) -> dict[str, tuple[Path, str, str]]:
    """name -> (roster, what its one message says in en, in zh): asked about its row p."""
    out = {}
    long_cell = tmp_path / "long.csv"  # a cell past the CSV reader's limit: was a traceback
    long_cell.write_text("id,cert1_occupation\np," + "x" * 1_100_000 + "\n", encoding="utf-8")
    out["long cell"] = (
        long_cell,
        "a cell is longer than the limit of 1,048,576 characters (no other row has the id 'p'",
        "有单元格超过 1,048,576 个字符的上限（其他行都没有编号「p」",
    )
    named_xlsx = tmp_path / "csv.xlsx"  # a CSV named .xlsx: was openpyxl's English in zh
    named_xlsx.write_text("id,cert1_level\np,technician\n", encoding="utf-8")
    out["csv named xlsx"] = (
        named_xlsx,
        "not an Excel workbook (.xlsx): the file is not the zip archive a workbook is; it reads "
        "as a CSV file: name it .csv",
        "不是 Excel 工作簿（.xlsx）：文件不是工作簿应有的 zip 压缩包；其内容是 CSV 文件：请改用 .csv",
    )
    header_only = tmp_path / "header.csv"  # its ids were '(none)', 「（无）」: it has no person
    header_only.write_text("id,cert1_level\n", encoding="utf-8")
    out["header only"] = (
        header_only,
        "the roster has no persons: a header row and no row under it",
        "名册中没有人员：只有表头，表头下没有任何一行",
    )
    return out


@pytest.mark.parametrize("command", [c for c in PRESENT if c != "diff"])  # diff: many files
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_command_refuses_a_hostile_roster_with_one_message(tmp_path, command, lang):
    for name, (path, en, zh) in roster_hostile_files(tmp_path).items():
        args = [command, str(path), *CASE_COMMANDS[command], "-p", "p", "--lang", lang]
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (command, name, result.output)
        assert result.stdout == "" and result.exception.__class__ is SystemExit, (command, name)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(str(path)), (command, name, result.stderr)
        assert (zh if lang == "zh" else en) in lines[0], (command, name, lines[0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_file_this_user_may_not_read_is_one_message(tmp_path, monkeypatch, lang):
    """A case or roster that cannot be opened (permission denied: not reproducible as root, so
    the system's refusal is stood in for): one message in the language asked, exit 2; batch
    said 'cannot write the output' with exit 1 (its roster's PermissionError went up)."""
    import builtins
    import errno
    import os

    case = write(tmp_path, "c", {"as_of": AS_OF, "person": BASE_PERSON}, "yaml")
    roster = tmp_path / "r.csv"
    roster.write_text("id,cert1_level\nplain,technician\n", encoding="utf-8")
    denied = {str(case), str(roster)}
    real_os_open, real_open = os.open, builtins.open

    def refuse(path: object) -> None:
        if str(path) in denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(
        os, "open", lambda path, *a, **k: refuse(path) or real_os_open(path, *a, **k)
    )
    monkeypatch.setattr(
        builtins, "open", lambda path, *a, **k: refuse(path) or real_open(path, *a, **k)
    )
    said = (
        "无法读取文件：没有读取权限（当前用户不可读取）"
        if lang == "zh"
        else "cannot read the file: permission denied (this user may not read it)"
    )
    for args in (
        ["ask", str(case)],
        ["why", str(roster), "title.participate", "-p", "plain"],
        ["batch", str(roster), "-o", str(tmp_path / "o.jsonl"), "-j", "1"],
    ):
        result = runner.invoke(app, [*args, "--lang", lang])
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert result.stderr.strip().endswith(said) and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "o.jsonl").exists()
