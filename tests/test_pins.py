"""Pinned cases: loading, checking, coverage, the pytest plugin, and `pyagent check/coverage/diff`.

The pins themselves run as test items of their own (pyagent.pins.pytest_plugin); here the machinery
is tested, and the coverage of the notice by the pins is asserted, so that CI fails when an
encoded clause lacks a yes and a no pin, a reading lacks a pin whose answer changes under it,
or a rule never fires.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app
from pyagent.pins.coverage import coverage
from pyagent.pins.diff import reading_diff
from pyagent.errors import InputError
from pyagent.pins.check import load_pin_file, load_pins, pin_files, run_pin, run_pins

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
runner = CliRunner()

# Li's answers with their reasons, as a pin states them.
ASSISTANT = "{status: unknown, clauses: [P2.S2, P2.S3.a, P3.S1], depends_on: ['annual_assessments[2].grade']}"
PARTICIPATE = (
    "{status: unknown, clauses: [P2.S2, P2.S3.a], depends_on: ['annual_assessments[2].grade']}"
)

# A person who passes the P2.S3.a gate: a 高级工 of 2024-07-01, 24 months of work on 2026-07-01.
LI = """\
  id: li
  certificates: [{level: senior_worker, kind: skill_level, obtained: 2024-07-01}]
  technical_work: [{from: 2020-01-01}]
  field: engineering
  current_post: {since: 2020-01-01, occupation: 电工}
  annual_assessments: [{year: 2023, grade: qualified}, {year: 2024, grade: qualified}, {year: 2025, grade: pending}]
"""


def pin_text(
    expect: str, *, name: str = "A pin written for the tests of pins.", extra: str = ""
) -> str:
    return f"name: {name}\nas_of: 2026-07-01\n{extra}person:\n{LI}expect:\n{textwrap.indent(expect, '  ')}"


def write(tmp_path: Path, text: str, name: str = "pin.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the pins of queries/ -------------------------------------------------------------


@pytest.fixture(scope="module")
def pins():
    return load_pins([QUERIES])


def test_there_are_at_least_80_pins_with_sentence_names_organised_by_clause(pins):
    assert len(pins) >= 80
    for pin in pins:
        assert pin.name[0].isupper() or not pin.name[0].isascii(), pin.name
        assert pin.name.endswith("."), f"{pin.id}: a name is a sentence"
    folders = {Path(p.source).parent.name for p in pins}
    assert {
        "p2_s2_fields",
        "p2_s3_a_gate",
        "p3_s1_assistant",
        "p4_s2_green_channel",
        "p5_reverse",
        "readings",
    } <= folders


def test_every_pin_holds(pins):
    report = run_pins(pins)
    assert report.holds, "\n".join(
        f"{r.pin.id}: {[o.problems for o in r.failures]}" for r in report.failed
    )


def test_the_pins_cover_every_clause_every_reading_and_every_rule(pins):
    c = coverage(pins)
    assert c.gaps == (), "\n".join(c.gaps)
    assert c.unfired == (), "rules no pin fires (add a pin that exercises each):\n" + "\n".join(
        f"{u.file}:{u.line} {u.text}" for u in c.unfired
    )
    refs = {k.ref for k in c.clauses}
    assert {
        "P2.S2",
        "P2.S3.a",
        "P2.S3.b",
        "P3.S1",
        "P3.S2",
        "P3.S3",
        "P4.S2",
        "P4.S3",
        "P5.S1.a",
        "P5.S1.b",
        "P5.S1.c",
    } <= refs
    assert len({r.name for r in c.readings}) == 18


def test_coverage_finds_the_gaps_of_a_small_set_of_pins(pins):
    few = [p for p in pins if Path(p.source).parent.name == "p3_s1_assistant"]
    c = coverage(few)
    gaps = "\n".join(c.gaps)
    assert "P4.S2: no pin answered yes" in gaps
    assert "reading field_list: no pin has an answer that changes under open" in gaps
    assert "P3.S1" not in gaps, "the P3.S1 pins have a yes and a no"
    assert any("reading(junior_title_reverse,included)" in u.text for u in c.unfired)


def test_the_demo_case_is_not_a_pin_and_is_passed_over():
    files = pin_files([QUERIES])
    assert QUERIES / "demo.yaml" not in files
    with pytest.raises(InputError, match="not a pin file"):
        load_pin_file(QUERIES / "demo.yaml")


def test_the_readme_example_is_a_pin_that_holds(tmp_path):
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    example = re.search(r"## A pin\n\n```yaml\n(.*?)```", readme, re.DOTALL).group(1)
    result = run_pin(load_pin_file(write(tmp_path, example))[0])
    assert result.holds, [o.problems for o in result.failures]
    assert len(result.outcomes) == 4
    assert {o.status for o in result.outcomes} == {"yes", "no"}


# -- checking -------------------------------------------------------------------------


def test_a_pin_states_statuses_with_yaml_booleans_and_lists_per_reading(tmp_path):
    path = write(
        tmp_path,
        pin_text("""\
li:
  title.intermediate: no
  title.assistant: unknown
  title.participate:
    - {status: unknown, depends_on: ["annual_assessments[2].grade"], clauses: [P2.S2, P2.S3.a]}
    - {status: no, readings: {field_list: open, rank_needs_gate: no}, clauses: [P2.S2, P2.S3.a]}
    - {status: yes, readings: {basically_qualified: passes}, clauses: [P2.S2, P2.S3.a]}
"""),
    )
    (pin,) = load_pin_file(path)
    assert [e.status for e in pin.expectations] == ["no", "unknown", "unknown", "no", "yes"]
    result = run_pin(pin)
    failing = [(o.expectation.label(), o.problems) for o in result.failures]
    # field_list and rank_needs_gate do not touch a pending grade; basically_qualified neither;
    # a bare status states no reasons, which check reports (and --update fills in)
    assert failing == [
        (
            "li title.intermediate",
            ("states no clauses; it cites P3.S2 (pyagent check --update fills them in)",),
        ),
        (
            "li title.assistant",
            (
                "states no clauses; it cites P2.S2, P2.S3.a, P3.S1 (pyagent check --update fills them in)",
                "states no depends_on; it depends on annual_assessments[2].grade (pyagent check --update fills them in)",
            ),
        ),
        (
            "li title.participate [field_list=open] [rank_needs_gate=no]",
            ("expected no, got unknown",),
        ),
        ("li title.participate [basically_qualified=passes]", ("expected yes, got unknown",)),
    ]


def test_a_wrong_pin_reports_expected_against_actual_and_explains_the_actual_answer(tmp_path):
    path = write(
        tmp_path,
        pin_text("""\
li:
  title.assistant: {status: yes, clauses: [P3.S2]}
  title.participate: {status: unknown, depends_on: [field]}
  title.intermediate: {status: no, clauses: [], explanation_contains: ["this phrase is nowhere", "P3.S2"]}
"""),
    )
    result = run_pin(load_pin_file(path)[0])
    problems = {o.expectation.question: o.problems for o in result.outcomes}
    assert problems["title.assistant"][0] == "expected yes, got unknown"
    assert problems["title.assistant"][1] == "cites P2.S2, P2.S3.a, P3.S1, expected P3.S2"
    assert problems["title.participate"] == (
        "states no clauses; it cites P2.S2, P2.S3.a (pyagent check --update fills them in)",
        "depends on annual_assessments[2].grade, expected field",
    )
    assert problems["title.intermediate"] == (
        "cites P3.S2, expected nothing",
        "the explanation does not contain 'this phrase is nowhere'",
    )
    explained = {o.expectation.question: o.explanation for o in result.outcomes}
    assert "annual_assessments[2].grade" in explained["title.assistant"]
    assert "P3.S1" in explained["title.assistant"]


def test_pins_in_one_file_and_across_files_share_solves_and_agree_with_one_by_one(tmp_path):
    one = write(
        tmp_path,
        f"- {pin_text('li: {title.assistant: ' + ASSISTANT + '}', name='First pin of a list.')}".replace(
            "\n", "\n  "
        ),
        "a.yaml",
    )
    two = write(
        tmp_path,
        pin_text(
            "li: {title.participate: " + PARTICIPATE + "}", name="A second pin in its own file."
        ),
        "b.yaml",
    )
    together = run_pins(load_pins([tmp_path]))
    assert together.holds and len(together.results) == 2
    assert [r.pin.source for r in together.results] == [str(one), str(two)]


# -- malformed pins: file, place, line -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            pin_text("li: {title.asistant: yes}"),
            "expect.li.title.asistant",
            "did you mean 'title.assistant'",
        ),
        (
            pin_text("li: {title.assistant: maybe}"),
            "expect.li.title.assistant",
            "expected yes, no or unknown",
        ),
        (pin_text("wang: {title.assistant: yes}"), "expect.wang", "is not a person of this case"),
        (
            pin_text("li: {title.assistant: {status: yes, depends_on: [field]}}"),
            "depends_on",
            "only an unknown answer",
        ),
        (
            pin_text("li: {title.assistant: {status: no, clauses: [P3.S9]}}"),
            "clauses",
            "'P3.S9' is not a clause",
        ),
        (pin_text("li: {title.assistant: {statu: no}}"), "statu", "did you mean 'status'"),
        (
            pin_text("li: {title.assistant: {status: no, readings: {field_list: opne}}}"),
            "readings.field_list",
            "did you mean 'open'",
        ),
        (
            pin_text("li: {title.assistant: [no, {status: yes}]}"),
            "title.assistant[1]",
            "pinned twice",
        ),
        (pin_text("li: {}"), "expect.li", "expected a mapping of question id"),
        (pin_text("li: {title.assistant: no}", name="Too short"), "name", "not a sentence"),
        (
            pin_text("li: {title.assistant: no}").replace("name:", "nmae:"),
            "nmae",
            "did you mean 'name'",
        ),
        (
            pin_text("li: {title.assistant: no}").replace("as_of: 2026-07-01\n", ""),
            "",
            "must set 'as_of'",
        ),
        (
            pin_text("li: {title.assistant: no}").replace("senior_worker", "senoir_worker"),
            "person.certificates[0].level",
            "did you mean 'senior_worker'",
        ),
        ("- 3\n", "[0]", "expected a pin"),
        ("[]\n", "", "the list of pins is empty"),
    ],
)
def test_a_malformed_pin_is_one_error_naming_the_file_the_place_and_the_line(
    tmp_path, text, where, message
):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_pin_file(path)
    err = info.value
    assert err.source == str(path)
    assert err.place.endswith(where), err
    assert message in err.message, err
    assert err.line is not None or where == ""


def test_an_error_in_the_case_of_a_listed_pin_names_the_pin_and_the_line(tmp_path):
    good = pin_text("li: {title.assistant: unknown}", name="The first pin is fine.")
    bad = pin_text("li: {title.assistant: unknown}", name="The second pin is not.").replace(
        "2024-07-01", "2024-13-01"
    )
    text = "- " + good.replace("\n", "\n  ") + "\n- " + bad.replace("\n", "\n  ")
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_pin_file(path)
    assert info.value.place == "[1].person.certificates[0].obtained"
    line = text.splitlines()[info.value.line - 1]
    assert "2024-13-01" in line


def test_a_person_with_no_expectation_is_an_error(tmp_path):
    text = (
        "name: Two persons of whom only one is pinned.\nas_of: 2026-07-01\n"
        "persons: [{id: li}, {id: wang}]\nexpect: {li: {title.assistant: unknown}}\n"
    )
    with pytest.raises(InputError, match="no expectation for wang"):
        load_pin_file(write(tmp_path, text))


# -- the pytest plugin ----------------------------------------------------------------


def test_the_plugin_is_a_pytest11_entry_point_of_the_package():
    from importlib.metadata import entry_points

    found = {e.name: e.value for e in entry_points(group="pytest11")}
    assert found.get("pyagent") == "pyagent.pins.pytest_plugin"


def test_another_repositorys_pins_run_under_plain_pytest(tmp_path):
    """No conftest.py, no configuration: the installed plugin collects queries/ by itself,
    each pin an item, and passes over plain cases."""
    queries = tmp_path / "queries" / "p3"
    queries.mkdir(parents=True)
    (tmp_path / "queries" / "demo.yaml").write_text(
        (QUERIES / "demo.yaml").read_text(encoding="utf-8")
    )
    write(
        queries,
        pin_text(
            "li: {title.assistant: " + ASSISTANT + "}", name="A holding pin of the plugin test."
        ),
        "good.yaml",
    )
    write(
        queries,
        pin_text("li: {title.assistant: yes}", name="A failing pin of the plugin test."),
        "bad.yaml",
    )
    write(queries, pin_text("li: {title.asistant: yes}"), "malformed.yaml")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "queries"],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "2 failed, 1 passed" in out
    assert "FAILED queries/p3/bad.yaml::A failing pin of the plugin test." in out
    assert "FAILED queries/p3/malformed.yaml::(malformed pin file)" in out
    assert "expected yes, got unknown" in out and "why li title.assistant is unknown" in out
    assert "did you mean 'title.assistant'" in out
    assert "demo.yaml" not in out


# -- the command line -------------------------------------------------------------------


def test_check_exits_0_when_all_hold_and_lists_pins_with_verbose():
    result = runner.invoke(app, ["check", str(QUERIES / "p3_s1_assistant"), "--verbose"])
    assert result.exit_code == 0, result.output
    assert "all hold" in result.stdout
    assert "exactly 24 months" in result.stdout


def test_check_exits_1_on_a_mismatch_with_expected_actual_and_the_explanation(tmp_path):
    path = write(tmp_path, pin_text("li: {title.intermediate: yes}"))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "expected yes, got no" in result.stdout
    assert "Why li title.intermediate is no" in result.stdout
    data = json.loads(runner.invoke(app, ["check", str(path), "--json"]).stdout)
    assert data["schema"] == "pyagent.check/1" and data["holds"] is False
    (failure,) = data["pins"][0]["failures"]
    assert (failure["expected"], failure["actual"], failure["line"]) == ("yes", "no", 11)


def test_check_exits_2_on_a_malformed_pin_or_a_missing_path_or_kb(tmp_path):
    bad = write(tmp_path, pin_text("li: {title.assistant: maybe}"))
    for args, message in (
        ([str(bad)], f"{bad}:11:"),
        ([str(tmp_path / "nothing.yaml")], "no such file or directory"),
        ([str(bad), "--kb", str(tmp_path)], "not a knowledge base directory"),
    ):
        result = runner.invoke(app, ["check", *args])
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert "Traceback" not in result.output


def test_coverage_command_reports_and_fails_on_gaps():
    ok = runner.invoke(app, ["coverage", str(QUERIES)])
    assert ok.exit_code == 0, ok.stdout
    assert "No gaps" in ok.stdout and "P3.S1" in ok.stdout
    some = runner.invoke(app, ["coverage", str(QUERIES / "p4_s3_special_talent")])
    assert some.exit_code == 1
    assert "no pin answered yes exercises this clause" in some.stdout


def test_diff_lists_the_answers_a_reading_changes_with_the_clause_responsible():
    d = reading_diff([QUERIES / "demo.yaml"], {"field_list": "open"})
    assert d.cases == 1 and d.answers == 36
    assert {(c.person, c.before, c.after) for c in d.changes} == {("zhao_finance", "no", "unknown")}
    assert {c.clauses for c in d.changes} == {("P2.S2",)}
    result = runner.invoke(
        app, ["diff", str(QUERIES / "readings"), "-r", "rank_needs_gate=no", "--json"]
    )
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    assert {(c["person"], c["question"], c["default"], c["given"]) for c in changes} >= {
        ("bad_2024", "title.assistant", "no", "yes")
    }
    assert all("P2.S3.a" in c["clauses"] or "P3.S1" in c["clauses"] for c in changes)


def test_diff_needs_a_reading_and_a_known_one():
    for args, message in (
        ([], "name at least one reading"),
        (["-r", "field_lst=open"], "did you mean 'field_list'"),
    ):
        result = runner.invoke(app, ["diff", str(QUERIES / "demo.yaml"), *args])
        assert result.exit_code == 2
        assert message in result.stderr


def test_a_pin_may_be_named_by_a_chinese_sentence(tmp_path):
    pins = load_pin_file(
        write(tmp_path, pin_text("li: {title.assistant: unknown}", name="高级工满两年可申报助理级"))
    )
    assert [p.name for p in pins] == ["高级工满两年可申报助理级"]
    with pytest.raises(InputError, match="not a sentence"):
        load_pin_file(write(tmp_path, pin_text("li: {title.assistant: unknown}", name="技师")))
