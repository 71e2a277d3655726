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
    text = explanation_markdown(found) + "\n" + e.reason
    return re.sub(r"\\([\\`*_\[\]<>#|])", r"\1", text)  # Markdown's escapes


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


# a title holder in an unlisted field (field_list=open): honours and certificates not stated
UNLISTED = """\
as_of: 2026-07-01
readings: {field_list: open}
person:
  id: he_nurse
  field: 卫生
  current_post: {since: 2019-03-01, occupation: 护理员}
  titles: [{rank: intermediate, series: 卫生, obtained: 2021-09-01}]
  cumulative_work_years: 7
"""


def test_values_needed_together_are_only_those_that_make_it_yes_together() -> None:
    """The green channel needs a certificate, the 等 of P2.S2 and an honour together: a national
    contest prize or an allowance of no stated category leave it unknown whatever goes with
    them, so they are not among the honours that make it yes."""
    (person,) = answer_case(parse_case(UNLISTED), lang="en").persons
    (a,) = [a for a in person.answers if a.question == "title.full_senior_recognition"]
    (honours,) = [t for t in a.to_settle if t.path == "honours"]
    assert honours.status == "yes" and honours.together
    values = " ".join(honours.values)
    assert "national_technical_expert" in values and "worldskills_gold" in values
    assert "prize" not in values and "state_council_allowance" not in values
    others = [t for t in a.to_settle if t.path != "honours"]
    assert others and all("prize" not in t.sentence("en") for t in others)


ALLOWANCE = """\
as_of: 2026-07-01
readings: {national_contest_class: i_only}
person:
  id: gu_allowance
  certificates: [{level: senior_technician, kind: vocational_qualification, obtained: 2016-03-01}]
  technical_work: [{from: 2010-01-01}]
  field: engineering
  current_post: {since: 2012-01-01, occupation: 焊工}
  annual_assessments: [{year: 2023, grade: excellent}, {year: 2024, grade: qualified},
                       {year: 2025, grade: qualified}]
  honours: [state_council_allowance, {code: national_contest_silver, class: ii}]
  titles: []
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_constant_equal_to_itself_is_not_a_step(lang) -> None:
    """The rule's ``H = state_council_allowance`` read 「享受国务院政府特殊津贴 = 享受国务院政府特殊津贴」."""
    text = _said(parse_case(ALLOWANCE), "title.full_senior_recognition", lang)
    assert not re.search(r"\(state_council_allowance\)\s*=|（state_council_allowance）\s*=", text)
    assert "state_council_allowance" in text  # the honour itself is still said


def test_what_no_change_decides_is_not_said_as_no_change_settling_it() -> None:
    """A 全国技术能手 would make it yes outright: never 'No change to the person's situation
    settles it' for an allowance whose category no change decides."""
    from pyagent.explain.whatif_phrasing import phrase

    w = what_if(parse_case(ALLOWANCE), None, "title.full_senior_recognition")
    assert w.status == "unknown" and w.size == 0
    head = phrase(w, "en").sets_head
    assert "settles it" not in head and "which no change to the person's situation decides" in head
    assert "无法确定答案" not in phrase(w, "zh").sets_head


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_if_in_an_unlisted_field_never_says_no_change_makes_it_yes(lang) -> None:
    """A 中级 title holder in 卫生 (field_list=open): a 副高级 title leaves 高级技师 unknown through
    the 等 of P2.S2, and a title with a move to a listed field would make it yes: never 'No change
    to the person's situation makes it yes', and what no change decides is the 等, not the
    field (which a move changes)."""
    from pyagent.explain.whatif_phrasing import phrase

    case = parse_case(UNLISTED.replace("cumulative_work_years: 7", "cumulative_work_years: 12"))
    w = what_if(case, None, "skill.senior_technician", lang=lang)
    t = phrase(w, lang)
    text = "\n".join([t.sets_head, *t.after_sets])
    assert w.sets and all(s.status == "unknown" for s in w.sets)
    assert "makes it yes" not in text and "任何改变都不能" not in text
    assert ("covers 「卫生」" if lang == "en" else "是否涵盖现岗位所属领域「卫生」") in text
