"""Explanations an analyst pastes into a memo unedited: every sentence true as written, in one
language (SPEC 9).  Each test here failed before the mechanism it names was fixed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pyagent.cli.render import explanation_markdown
from pyagent.explain.answers import answer_case
from pyagent.explain.whatif import what_if
from pyagent.explain.why import explain_question
from pyagent.input.case import parse_case

# a 中级 title holder whose stated work years are not whole (kb/schema.lp counts whole years)
WORK_YEARS = """\
as_of: 2026-07-01
parameters:
  application_years.technician: 8
  application_years.senior_technician: 10
person:
  id: ma_titled
  certificates: [{level: technician, kind: skill_level, obtained: 2019-05-10}]
  technical_work: [{from: 2015-09-01}]
  field: engineering
  current_post: {since: 2015-09-01, occupation: 电工}
  annual_assessments: [{year: 2023, grade: qualified}, {year: 2025, grade: qualified}]
  honours: []
  titles: [{rank: associate_senior, series: engineering, obtained: 2020-01-01}]
  cumulative_work_years: YEARS
"""


def _case(years: str):
    return parse_case(WORK_YEARS.replace("YEARS", years))


def _said(case, question: str, lang: str, mode: str = "why") -> str:
    found = explain_question(case, question, lang=lang, mode=mode)
    (e,) = found.explanations
    return explanation_markdown(found) + "\n" + e.reason


@pytest.mark.parametrize(
    "lang, whole, stated",
    [
        ("en", "9 in whole years (9.5 stated)", "cumulative work years: 9 years"),
        ("zh", "9年（按整年计；填报9.5年）", "累计工作年限：9年"),
    ],
)
def test_work_years_not_whole_are_said_as_counted_whole(lang, whole, stated) -> None:
    """9.5 stated, 9 counted: never 'cumulative work years: 9 years', which the case contradicts;
    in the tree, the comparison and the reason alike."""
    text = _said(_case("9.5"), "skill.senior_technician", lang, "why_not")
    assert not re.search(re.escape(stated) + "(?!（按整年计)", text)
    lines = [line for line in text.splitlines() if whole in line]
    assert len(lines) >= 3  # the input, the comparison, the reason
    assert any("9 < 10" in line for line in lines)
    reasons = answer_case(_case("9.5"), lang=lang).persons[0].answers
    (r,) = [a.reason for a in reasons if a.question == "skill.senior_technician"]
    assert whole in r


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_whole_work_years_say_nothing_extra(lang) -> None:
    text = _said(_case("9"), "skill.senior_technician", lang, "why_not")
    assert ("9 years" if lang == "en" else "累计工作年限：9年") in text
    assert "whole years" not in text and "按整年计" not in text


def test_time_adds_to_work_years_by_the_month() -> None:
    """9.5 years on 2026-07-01 are 10 whole years on 2027-01-01, not a year later."""
    w = what_if(_case("9.5"), None, "skill.senior_technician")
    assert w.earliest.date == dt.date(2027, 1, 1)


# grades that decide P2.S3.a: 2024 基本合格 among the latest three, whatever the reading
GRADES = """\
as_of: 2026-07-01
person:
  id: zhou
  certificates: [{level: technician, kind: skill_level, obtained: 2018-05-10}]
  technical_work: [{from: 2015-09-01}]
  field: engineering
  current_post: {since: 2015-09-01, occupation: 电工}
  annual_assessments:
    - {year: 2022, grade: qualified}
    - {year: 2023, grade: qualified}
    - {year: 2024, grade: basically_qualified}
    - {year: 2025, grade: qualified}
  honours: []
  titles: []
  cumulative_work_years: 11
"""


@pytest.mark.parametrize("reading", ["calendar", "latest_three"])
def test_what_if_names_the_clause_of_each_change_under_every_reading(reading) -> None:
    """Under latest_three the grades reach P2.S3.a through an aggregate and a negation, which
    the clause column did not follow: it was empty."""
    case = parse_case(GRADES, readings={"assessment_years": reading})
    w = what_if(case, None, "title.intermediate")
    changes = [c for s in w.sets for c in s.changes]
    assert changes and all(c.kind == "grade" for c in changes)
    assert all(c.clauses == ("P2.S3.a",) for c in changes), changes


NO_ASSESSMENTS = GRADES.replace(
    """  annual_assessments:
    - {year: 2022, grade: qualified}
    - {year: 2023, grade: qualified}
    - {year: 2024, grade: basically_qualified}
    - {year: 2025, grade: qualified}
""",
    "",
)


@pytest.mark.parametrize(
    "reading, lang, said",
    [
        ("calendar", "en", "yes if it is all three 合格 (qualified) or better"),
        ("latest_three", "en", "yes if it is all three 合格 (qualified) or better"),
        ("calendar", "zh", "若为三年均不低于合格（qualified），则为是"),
    ],
)
def test_an_unstated_record_of_assessments_is_settled_by_grades_that_pass(
    reading, lang, said
) -> None:
    """'yes if it is all three 合格; otherwise: no' was false (three 优秀 give yes too) and, in
    English, left 合格 unglossed."""
    case = parse_case(NO_ASSESSMENTS, readings={"assessment_years": reading})
    (answers,) = answer_case(case, lang=lang).persons
    (a,) = [a for a in answers.answers if a.question == "title.participate"]
    assert a.status == "unknown" and said in a.reason
    excellent = NO_ASSESSMENTS.replace(
        "  honours: []",
        "  annual_assessments: [{year: 2023, grade: excellent}, {year: 2024, grade: excellent},"
        " {year: 2025, grade: excellent}]\n  honours: []",
    )
    (done,) = answer_case(parse_case(excellent, readings={"assessment_years": reading})).persons
    assert {a.question: a.status for a in done.answers}["title.participate"] == "yes"
