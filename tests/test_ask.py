"""`pyagent ask`: the answers of SPEC sections 3, 4 and 8, and bad input (exit 2, one message)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.explain.answers import answer_case, solve_case
from pyagent.input.case import load_case, parse_case
from pyagent.cli import app
from pyagent.engine.questions import QUESTIONS

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "queries" / "demo.yaml"
runner = CliRunner()


def statuses(text: str, **readings: str) -> dict[str, dict[str, str]]:
    case = parse_case(text, "<test>", readings=readings or None)
    return {p.id: {a.question: a.status for a in p.answers} for p in answer_case(case).persons}


def test_demo_json_has_every_person_and_question_and_is_byte_stable():
    first = runner.invoke(app, ["ask", str(DEMO), "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["schema"] == "pyagent.answers/1"
    assert data["as_of"] == "2026-07-01"
    assert (
        set(data["readings"]) >= {"field_list", "notice_in_force"} and len(data["readings"]) == 18
    )
    assert [p["id"] for p in data["persons"]] == [
        "wang_technician",
        "li_senior_worker",
        "zhao_finance",
        "chen_engineer",
    ]
    for person in data["persons"]:
        assert [a["question"] for a in person["answers"]] == list(QUESTIONS)
        for a in person["answers"]:
            assert a["status"] in {"yes", "no", "unknown"}
            assert (a["status"] == "unknown") == bool(a["depends_on"])
    seen = {a["status"] for p in data["persons"] for a in p["answers"]}
    assert seen == {"yes", "no", "unknown"}, "the demo shows all three answers"
    second = subprocess.run(
        [sys.executable, "-m", "pyagent", "ask", str(DEMO), "--json"],
        capture_output=True,
        check=True,
    )
    third = subprocess.run(
        [sys.executable, "-m", "pyagent", "ask", str(DEMO), "--json"],
        capture_output=True,
        check=True,
    )
    assert second.stdout == third.stdout == first.stdout.encode()


def test_demo_answers_as_its_comments_describe_them():
    got = {p.id: {a.question: a for a in p.answers} for p in answer_case(load_case(DEMO)).persons}
    wang = got["wang_technician"]
    assert wang["title.intermediate"].status == "yes"
    assert wang["title.intermediate"].clauses == ("P2.S2", "P2.S3.a", "P3.S2")
    assert wang["title.associate_senior"].status == "no"
    li = got["li_senior_worker"]
    assert li["title.assistant"].status == "no"  # 23 months, one short
    assert li["title.participate"].status == "unknown"
    assert li["title.participate"].depends_on == ("annual_assessments[2].grade",)
    zhao = got["zhao_finance"]
    assert zhao["title.full_senior_recognition"].status == "no"  # finance is not a through-field
    assert zhao["special_talent.apply"].status == "yes"  # P4.S3 is never limited by field
    chen = got["chen_engineer"]
    assert chen["skill.technician"].status == "yes"
    assert chen["skill.senior_worker"].status == "yes"
    assert chen["skill.senior_technician"].status == "no"


def test_unlisted_field_is_no_when_closed_and_unknown_when_open():
    case = load_case(DEMO)
    closed = answer_case(case).persons[2].answers
    opened = answer_case(replace(case, readings={"field_list": "open"})).persons[2].answers
    by_q = lambda answers: {a.question: a for a in answers}  # noqa: E731
    assert by_q(closed)["title.full_senior_recognition"].status == "no"
    assert by_q(opened)["title.full_senior_recognition"].status == "unknown"
    assert by_q(opened)["title.full_senior_recognition"].depends_on == ("field",)


BASE = """
as_of: 2026-07-01
parameters: {application_years.senior_worker: 5, application_years.technician: 5,
             application_years.senior_technician: 5}
persons:
  - id: p
    certificates: [{level: technician, kind: skill_level, obtained: 2020-01-01}]
    technical_work: [{from: 2019-01-01}]
    field: engineering
    current_post: {since: 2019-01-01, occupation: 电工}
    annual_assessments: [{year: 2023, grade: qualified}, {year: 2024, grade: qualified},
                         {year: 2025, grade: qualified}]
    honours: []
    outstanding_contribution: true
    social_benefit: true
    economic_benefit: true
    titles: []
    cumulative_work_years: 10
"""


def test_unknown_inputs_give_unknown_with_what_they_depend_on():
    text = BASE.replace("    economic_benefit: true\n", "").replace(
        "{year: 2024, grade: qualified},", ""
    )
    case = parse_case(text, "<t>")
    answers = {a.question: a for a in answer_case(case).persons[0].answers}
    assert answers["special_talent.apply"].status == "unknown"
    assert answers["special_talent.apply"].depends_on == ("economic_benefit",)
    assert answers["title.intermediate"].status == "unknown"
    assert answers["title.intermediate"].depends_on == ("annual_assessments.2024",)
    assert answers["title.participate"].depends_on == ("annual_assessments.2024",)


def test_known_inputs_make_an_unknown_irrelevant():
    # economic benefit unknown, but no outstanding contribution: no, whatever it is
    text = BASE.replace("    economic_benefit: true\n", "").replace(
        "outstanding_contribution: true", "outstanding_contribution: false"
    )
    assert statuses(text)["p"]["special_talent.apply"] == "no"
    # under `either`, social benefit alone is enough: yes, whatever the economic benefit
    text = BASE.replace("    economic_benefit: true\n", "")
    assert statuses(text, special_talent_benefits="either")["p"]["special_talent.apply"] == "yes"
    # the 2024 assessment unknown, but rank_needs_gate=no: 中级 rests on P3.S2 alone
    text = BASE.replace("{year: 2024, grade: qualified},", "")
    assert statuses(text, rank_needs_gate="no")["p"]["title.intermediate"] == "yes"
    # honours unknown, but not 高技能人才 (no certificate): the green channel is no
    text = BASE.replace("    honours: []\n", "").replace(
        "certificates: [{level: technician, kind: skill_level, obtained: 2020-01-01}]",
        "certificates: []",
    )
    assert statuses(text)["p"]["title.full_senior_recognition"] == "no"


@pytest.mark.parametrize(
    "extra",
    [
        "    education: 初中\n",
        "    education: 博士\n    papers: 12\n",
        "    foreign_language: none\n    computer_skills: none\n",
        "    education: 小学\n    papers: 0\n    foreign_language: 不会\n    computer_skills: 不会\n",
    ],
)
def test_education_papers_language_and_computer_skills_never_change_an_answer(extra):
    """P2.S3.b: 不将学历、论文、外语、计算机等作为参加职称评审的限制性条件."""
    for variant in (BASE, BASE.replace("{year: 2024, grade: qualified},", "")):
        for readings in ({}, {"rank_needs_gate": "no", "green_channel_gate": "yes"}):
            without = statuses(variant, **readings)
            with_extra = statuses(
                variant.replace("    titles: []\n", "    titles: []\n" + extra), **readings
            )
            assert with_extra == without


def test_the_explanation_data_records_what_p2_s3_b_does_not_count():
    text = BASE.replace("    titles: []\n", "    titles: []\n    education: 初中\n")
    solved = solve_case(parse_case(text, "<t>"))
    assert any(a.arguments[1].name == "education" for a in solved.model.atoms_of("not_counted", 2))


# -- bad input ----------------------------------------------------------------------------


@pytest.fixture()
def case_file(tmp_path: Path):
    def write(text: str, name: str = "case.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


BAD = {
    "bad yaml": ("persons: [\n  - id: a\n", "case.yaml:"),
    "unknown field": (
        BASE.replace("field: engineering", "feild: engineering"),
        "did you mean 'field'",
    ),
    "level not in vocabulary": (
        BASE.replace("level: technician", "level: tecnician"),
        "'tecnician' is not a skill level; did you mean 'technician'?",
    ),
    "grade not in vocabulary": (
        BASE.replace("grade: qualified}, {year: 2024", "grade: good}, {year: 2024"),
        "grade",
    ),
    "date that is not a date": (
        BASE.replace("obtained: 2020-01-01", "obtained: 2020-02-30"),
        "obtained",
    ),
    "to before from": (
        BASE.replace(
            "technical_work: [{from: 2019-01-01}]",
            "technical_work: [{from: 2019-01-01, to: 2018-01-01}]",
        ),
        "technical_work[0]",
    ),
    "duplicate person id": (BASE + "  - id: p\n", "persons[1].id"),
    "unknown reading": ("readings: {feild_list: open}\n" + BASE, "feild_list"),
    "unknown reading value": ("readings: {field_list: ajar}\n" + BASE, "ajar"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_input_exits_2_with_one_message_naming_file_and_place(kind, case_file):
    text, expected = BAD[kind]
    path = case_file(text)
    result = runner.invoke(app, ["ask", str(path), "--json"])
    assert result.exit_code == 2, (kind, result.output)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_command_line_readings_and_dates_exit_2(case_file):
    path = case_file(BASE)
    for args, expected in (
        (["--reading", "field_list"], "--reading"),
        (["--reading", "nope=1"], "nope"),
        (["--as-of", "2026-13-01"], "--as-of"),
        (["--lang", "fr"], "fr"),
    ):
        result = runner.invoke(app, ["ask", str(path), *args])
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.stderr
        assert "Traceback" not in result.stderr


def test_a_missing_file_exits_2(tmp_path):
    result = runner.invoke(app, ["ask", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr


def test_the_console_script_never_prints_a_traceback(case_file):
    path = case_file(BASE.replace("level: technician", "level: tecnician"))
    done = subprocess.run(
        [sys.executable, "-m", "pyagent", "ask", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "did you mean 'technician'" in done.stderr


def test_the_as_of_option_overrides_the_case(case_file):
    path = case_file(BASE)
    result = runner.invoke(app, ["ask", str(path), "--json", "--as-of", "2021-07-01"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["as_of"] == "2021-07-01"
    # before the report date, a yes becomes unknown (notice_in_force=from_report_date)
    answers = {a["question"]: a for a in data["persons"][0]["answers"]}
    assert answers["special_talent.apply"]["status"] == "unknown"
    assert answers["special_talent.apply"]["depends_on"] == ["notice_in_force"]
    assert "P2.S1" in answers["special_talent.apply"]["clauses"]


def test_a_long_case_shows_a_progress_bar_on_a_terminal_and_keeps_stdout_clean(tmp_path):
    import os
    import pty

    import yaml

    persons = yaml.safe_load(DEMO.read_text(encoding="utf-8"))["persons"]
    doc = {
        "as_of": "2026-07-01",
        "persons": [dict(p, id=f"{p['id']}_{k}") for k in range(6) for p in persons],
    }
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")

    def on_terminal(*args: str) -> tuple[subprocess.CompletedProcess, str]:
        """The command run with stderr on a pseudo-terminal: its result and what the
        terminal got (escape sequences taken out)."""
        main, secondary = pty.openpty()
        done = subprocess.run(
            [sys.executable, "-m", "pyagent", "ask", str(path), "--json", *args],
            stdout=subprocess.PIPE,
            stderr=secondary,
        )
        os.close(secondary)
        chunks = []
        while True:  # everything the terminal got, up to the end of the child's output
            try:
                chunk = os.read(main, 1 << 16)
            except OSError:  # EIO: no writer left
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(main)
        shown = b"".join(chunks).decode("utf-8", "replace")
        return done, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)

    done, shown = on_terminal()
    assert done.returncode == 0
    assert "answering" in shown and "/24 persons" in shown
    assert len(json.loads(done.stdout)["persons"]) == 24
    zh, shown_zh = on_terminal("--lang", "zh")  # the bar's words in the language asked
    assert zh.returncode == 0 and "作答" in shown_zh and "/24 人" in shown_zh
    assert "answering" not in shown_zh and "persons" not in shown_zh
    # not a terminal: no bar at all
    quiet = subprocess.run(
        [sys.executable, "-m", "pyagent", "ask", str(path), "--json"], capture_output=True
    )
    assert quiet.stderr == b""
