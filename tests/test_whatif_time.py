"""What-if by time alone says the truth about what the case leaves out (issue 10).

- a certificate the case holds without a date was obtained on as_of at the latest: by time
  alone it has its months by as_of plus the months required, never "0 months for ever";
- what still fails at the horizon names every year of a kind the case leaves out (the
  assessments of 2033–2035), not the last one alone, in the language asked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from pyagent.cli.render import what_if_markdown
from pyagent.explain.whatif import what_if
from pyagent.input.case import load_case

UNDATED = """\
as_of: 2026-07-01
readings: {rank_needs_gate: "no"}
person:
  id: li_si
  certificates: [{level: technician, kind: vocational_qualification, occupation: 焊工}]
  technical_work: [{from: 2010-01-01}]
  field: engineering
  current_post: {since: 2010-01-01, occupation: 焊工}
  annual_assessments: [{year: 2025, grade: qualified}, {year: 2024, grade: excellent},
                       {year: 2023, grade: qualified}]
  honours: []
  titles: []
"""

NO_POST = """\
as_of: 2026-07-01
person:
  id: zhao_liu
  certificates: [{level: technician, kind: skill_level, obtained: 2018-05-01}]
  technical_work: [{from: 2012-01-01, to: 2025-12-31}]
  field: engineering
  current_post: none
  annual_assessments: [{year: 2025, grade: qualified}, {year: 2024, grade: qualified},
                       {year: 2023, grade: qualified}]
  titles: []
"""


def _case(tmp_path, text: str):
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return load_case(path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_undated_certificate_is_held_on_as_of_at_the_latest(tmp_path, lang) -> None:
    """P3.S1 without the gate: an undated 技师 certificate held on 2026-07-01 has its 24 months
    of technical work by 2028-07-01 whatever its date, so time alone makes it yes then at the
    latest; the sentence says the date was taken at its latest."""
    case = _case(tmp_path, UNDATED)
    w = what_if(case, "li_si", "title.assistant", lang=lang)
    assert w.status == "unknown"
    assert w.earliest.date == dt.date(2028, 7, 1)
    assert w.earliest.assumed == ("certificates[0].obtained",)
    assert w.to_json()["earliest"]["assumed"] == ["certificates[0].obtained"]
    text = what_if_markdown(w, lang)
    assert ("最迟" if lang == "zh" else "at the latest") in text, text
    assert "2026-07-01" in text.split("2028-07-01", 1)[1], text
    # with the date stated late enough, the same search gives the later date: nothing assumed
    late = dataclasses.replace(
        case.persons[0],
        certificates=(dataclasses.replace(case.persons[0].certificates[0], obtained=case.as_of),),
    )
    w2 = what_if(dataclasses.replace(case, persons=(late,)), "li_si", "title.assistant")
    assert w2.earliest.date == dt.date(2028, 7, 1) and w2.earliest.assumed == ()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_still_fails_is_the_post_and_years_are_named_together(tmp_path, lang) -> None:
    """No post, three 合格 years: by 2036-07-01 the latest three years are 2033–2035, none
    stated.  What still fails then is the post: a year the case does not state is not a
    failure (its placeholder grade is never said to fail, 「未注明不计为考核合格」), and a
    year said at all is said with every year like it (2033–2035, not 2035 alone); no other
    language."""
    w = what_if(_case(tmp_path, NO_POST), "zhao_liu", "title.participate", lang=lang)
    assert w.earliest.date is None
    said = [r.condition for r in w.earliest.reason]
    assert not any(("不计为考核合格" if lang == "zh" else "does not count") in s for s in said)
    assert all("2033–2035" in s for s in said if "2035" in s), said
    assert any(("没有现工作岗位" if lang == "zh" else "holds no current post") in s for s in said)
    bare = [re.sub(r"（[^）]*）|\([^)]*\)|「[^」]*」", "", s) for s in said]
    other = r"[A-Za-z]{2,}" if lang == "zh" else r"[\u3400-\u9fff]"
    assert not any(re.search(other, b) for b in bare), said


TITLES_OPEN = """\
as_of: 2026-07-01
person:
  id: "652201"
  certificates: [{level: 高级工, kind: 职业技能等级, occupation: 车工}]
  technical_work: [{from: 2018-09-01}]
  field: 农业
  current_post: {since: 2018-09-01, occupation: 车工}
  annual_assessments: [{year: 2025, grade: 合格}, {year: 2024, grade: 合格}, {year: 2023, grade: 合格}]
"""


@pytest.mark.parametrize(
    "lang, promise",
    [("en", "The fewest changes that make it yes ("), ("zh", "使答案为“是”的最少改变")],
)
def test_sets_that_leave_it_unknown_are_not_headed_as_making_it_yes(tmp_path, lang, promise):
    """Titles, work years and the parameter not given: a title is the fewest change, and after
    it the answer still depends on what no change settles; the heading does not promise yes."""
    w = what_if(_case(tmp_path, TITLES_OPEN), "652201", "skill.technician", lang=lang)
    assert w.status == "unknown" and w.sets and all(s.status == "unknown" for s in w.sets)
    text = what_if_markdown(w, lang)
    assert promise not in text, text
    assert ("无法确定" if lang == "zh" else "no change settles") in text, text


TECHNICIAN_2024 = """\
as_of: 2026-07-01
person:
  id: "651002"
  certificates: [{level: 技师, kind: 职业技能等级, obtained: 2024-03-15, occupation: 焊工}]
  technical_work: [{from: 2016-06-01}]
  field: 工程
  current_post: {since: 2016-06-01, occupation: 焊工}
  annual_assessments: [{year: 2025, grade: 合格}, {year: 2024, grade: 合格}, {year: 2023, grade: 合格}]
  honours: []
  titles: []
"""


@pytest.mark.parametrize(
    "lang, said", [("en", "on 2027-03-15 it depends on"), ("zh", "2027-03-15时取决于")]
)
def test_what_it_depends_on_is_said_of_the_day_it_holds(tmp_path, lang, said):
    """36 months on 2027-03-15, when the latest three years include 2026, not graded by time: what
    it depends on is said of that day, not 'from then' (later it depends on later years)."""
    w = what_if(_case(tmp_path, TECHNICIAN_2024), "651002", "title.intermediate", lang=lang)
    assert w.earliest.date is None and w.earliest.possible_from == dt.date(2027, 3, 15)
    assert said in what_if_markdown(w, lang)


NONE_HELD = """\
as_of: 2026-07-01
person:
  id: "650123"
  certificates: []
  technical_work: [{from: 2010-01-01}]
  field: engineering
  current_post: {since: 2023-05-01, occupation: 电工}
  annual_assessments: []
  titles: [{rank: intermediate, series: engineering, obtained: 2019-01-01}]
  honours: []
"""


@pytest.mark.parametrize(
    "lang, said", [("en", "2033–2035 on record"), ("zh", "没有2033–2035年度考核的记录")]
)
def test_a_failure_of_several_years_names_them_all(tmp_path, lang, said):
    """No assessment held (an empty list): at the horizon none of 2033–2035 is on record, and
    the reason names the three years, not 2035 alone."""
    w = what_if(_case(tmp_path, NONE_HELD), "650123", "title.participate", lang=lang)
    conditions = [r.condition for r in w.earliest.reason]
    assert any(said in c for c in conditions), conditions
    assert not any("2035" in c and "2033" not in c for c in conditions), conditions


def test_sets_that_work_later_take_an_undated_certificate_as_held_by_the_date_asked() -> None:
    """Changes made today that make it yes only later: a certificate the case holds without a
    date was obtained by the date asked, as for time alone, so the sets make it yes on the
    date said, never "yes from 2030-01-01" beside "after set 1 it is still unknown: it depends
    on the date the certificate was obtained"."""
    from pyagent.input.case import parse_case

    case = parse_case(
        """
as_of: 2026-07-01
persons:
  - id: p
    certificates: [{level: technician, kind: skill_level, occupation: 电工}]
    technical_work: [{from: 2014-01-01, to: 2020-12-31}, {from: 2022-03-01}]
    current_post: {since: 2023-06-15}
    annual_assessments: [{year: 2025, grade: qualified}]
""",
        "t.yaml",
    )
    w = what_if(case, "p", "title.intermediate")
    assert w.sets_on is not None and w.sets_on > w.as_of and w.sets
    assert all(s.status == "yes" for s in w.sets), [s.status for s in w.sets]
    text = what_if_markdown(w, "en")
    assert "still unknown" not in text, text


NO_WORK = """\
as_of: 2026-07-01
persons:
  - id: no_work
    certificates: [{level: technician, kind: skill_level, obtained: 2021-03-01}]
    current_post: {since: 2015-01-01, occupation: 车工}
    annual_assessments: [{year: 2023, grade: excellent}, {year: 2024, grade: qualified},
                         {year: 2025, grade: qualified}]
    honours: [{code: national_contest_silver}]
    titles: []
"""


@pytest.mark.parametrize(
    "lang, promise, hedged",
    [
        ("en", "made today, it is yes from", "as far as a change can"),
        ("zh", "自2030-01-01起为“是”", "在改变所及范围内为“是”"),
    ],
)
def test_sets_that_work_later_but_leave_it_open_do_not_promise_yes(tmp_path, lang, promise, hedged):
    """Changes made today that make it yes only later, with the periods of technical work not
    stated (no change settles them): the heading says as far as a change can, never "it is yes
    from 2030-01-01" beside "after set 1 it is still unknown"."""
    w = what_if(_case(tmp_path, NO_WORK), "no_work", "title.intermediate", lang=lang)
    assert w.sets_on is not None and w.sets_on > w.as_of and w.sets
    assert any(s.status != "yes" for s in w.sets)
    text = what_if_markdown(w, lang)
    assert promise not in text and hedged in text, text
