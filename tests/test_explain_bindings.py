"""Every binding of a failing condition, and every instance of a rule, shown as it is: a person
with two certificates that both fall short is told of both (not of the first one only, which
reads as if it were the highest held), and a condition a later instance of a rule repeats (the
grade 合格 of each year graded 合格) is referred to, not left out."""

from __future__ import annotations

import dataclasses
import io

import pytest
from rich.console import Console

from pyagent.cli.render import THEME, explanation_view
from pyagent.explain.answers import solve_case
from pyagent.explain.why import WHY_NOT, explain_question, explain_solved
from pyagent.input.case import parse_case

TWO_LEVELS = """\
as_of: 2026-07-01
persons:
  - id: ma
    certificates:
      - {level: 高级工, kind: 职业技能等级, obtained: 2016-04-01, occupation: 焊工}
      - {level: 技师, kind: 职业技能等级, obtained: 2022-03-01, occupation: 焊工}
    technical_work:
      - {from: 2012-09-01}
    field: 工程
    current_post: {since: 2015-09-01, occupation: 焊工}
    annual_assessments:
      - {year: 2023, grade: 合格}
      - {year: 2024, grade: 优秀}
      - {year: 2025, grade: 合格}
    honours: []
    outstanding_contribution: false
    social_benefit: false
    economic_benefit: false
    titles: []
    cumulative_work_years: 14
"""


def _case(text: str = TWO_LEVELS):
    return parse_case(text, "two_levels.yaml")


def rendered(question: str, lang: str, text: str = TWO_LEVELS, **kwargs) -> str:
    found = explain_question(_case(text), question, lang=lang, mode=WHY_NOT, **kwargs)
    out = io.StringIO()
    Console(file=out, width=200, color_system=None, theme=THEME, highlight=False).print(
        explanation_view(found)
    )
    return out.getvalue()


def _block(tree: str, head: str) -> list[str]:
    """The lines of the sub-tree under the first line containing ``head``."""
    lines = tree.splitlines()
    start = next(k for k, line in enumerate(lines) if head in line)
    indent = lines[start].index(head)
    out = []
    for line in lines[start + 1 :]:
        text = line.lstrip("│├└─ ")
        if len(line) - len(text) <= indent - 2:
            break
        out.append(line)
    return out


@pytest.mark.parametrize(
    "lang, year, grade",
    [
        (
            "en",
            "ma's annual assessment of 2023 counts as passed",
            "✓ the grade 合格 (qualified) counts as passed 「考核合格」 (see above)",
        ),
        ("zh", "「ma」2023年度考核合格", "✓ 合格（qualified）计为考核合格（见上文）"),
    ],
)
def test_a_grade_condition_repeated_by_a_later_year_is_referred_to(lang, year, grade) -> None:
    """2025 and 2023 are both graded 合格: the 2023 step shows its grade condition too, as a
    reference to the one said under 2025 (it was left out: the year seemed to lack it)."""
    tree = rendered("title.associate_senior", lang)
    block = _block(tree, year)
    assert any(grade in line for line in block), "\n".join(block)


@pytest.mark.parametrize(
    "lang, first, second",
    [
        (
            "en",
            [
                "✗ a certificate of 高级工 (senior_worker) meets the certificate condition of P3.S3",
                "✓ ma holds the certificate of 2016-04-01: level 高级工 (senior_worker)",
                "← certificates[0]",
                "✗ 高级工 (senior_worker) is below 高级技师 (senior_technician)",
            ],
            [
                "✗ a certificate of 技师 (technician) meets the certificate condition of P3.S3",
                "✓ ma holds the certificate of 2022-03-01: level 技师 (technician)",
                "← certificates[1]",
                "✗ 技师 (technician) is below 高级技师 (senior_technician)",
            ],
        ),
        (
            "zh",
            [
                "✗ 高级工（senior_worker）证书满足P3.S3的证书条件",
                "✓ 「ma」持有2016-04-01取得的证书",
                "← certificates[0]",
                "✗ 高级工（senior_worker）低于高级技师（senior_technician）",
            ],
            [
                "✗ 技师（technician）证书满足P3.S3的证书条件",
                "✓ 「ma」持有2022-03-01取得的证书",
                "← certificates[1]",
                "✗ 技师（technician）低于高级技师（senior_technician）",
            ],
        ),
    ],
)
def test_why_not_shows_every_certificate_that_falls_short(lang, first, second) -> None:
    """高级工 of 2016 and 技师 of 2022, neither 高级技师: the certificate condition of P3.S3 is
    shown failing for each certificate, each with its own sub-tree and its place in the case
    (it was shown for certificates[0] alone), and the time after each certificate beside."""
    tree = rendered("title.associate_senior", lang)
    text = " ".join(line.strip("│├└─ ") for line in tree.splitlines())
    at = 0
    for said in (*first, *second):
        found = text.find(said, at)
        assert found >= 0, f"{said!r} not after {text[at - 200 : at]!r}"
        at = found
    months = ["123 months", "52 months"] if lang == "en" else ["123个月", "52个月"]
    assert all(m in text for m in months), text


@pytest.mark.parametrize(
    "lang, said",
    [
        (
            "en",
            "no: neither 高级工 (senior_worker) nor 技师 (technician) reaches the 高级技师 "
            "(senior_technician) required (P3.S3)",
        ),
        (
            "zh",
            "否：高级工（senior_worker）、技师（technician）均未达到所要求的高级技师（senior_technician）（P3.S3）",
        ),
    ],
)
def test_the_reason_names_every_level_that_falls_short(lang, said) -> None:
    """The one-line reason (why-not's 'In short', ask's Reasons, batch's reason column) is true
    of a person holding 高级工 and 技师: it named 高级工 alone, as if it were the highest held."""
    solved = solve_case(_case())
    e = explain_solved(solved, "ma", "title.associate_senior", lang=lang, mode=WHY_NOT)
    assert e.reason == said


THREE_LEVELS = TWO_LEVELS.replace(
    "      - {level: 技师",
    "      - {level: 中级工, kind: 职业资格, obtained: 2010-01-01}\n      - {level: 技师",
)


@pytest.mark.parametrize(
    "lang, said",
    [
        (
            "en",
            "no: none of 高级工 (senior_worker), 中级工 (intermediate_worker) and 技师 (technician) "
            "reaches the 高级技师 (senior_technician) required (P3.S3)",
        ),
        (
            "zh",
            "否：高级工（senior_worker）、中级工（intermediate_worker）、技师（technician）"
            "均未达到所要求的高级技师（senior_technician）（P3.S3）",
        ),
    ],
)
def test_three_levels_short_are_said_in_one_sentence(lang, said) -> None:
    """In the case's order, as the tree shows them."""
    solved = solve_case(_case(THREE_LEVELS))
    e = explain_solved(solved, "ma", "title.associate_senior", lang=lang, mode=WHY_NOT)
    assert e.reason == said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_level_short_is_said_as_before(lang) -> None:
    one = TWO_LEVELS.replace(
        "      - {level: 技师, kind: 职业技能等级, obtained: 2022-03-01, occupation: 焊工}\n", ""
    )
    solved = solve_case(_case(one))
    e = explain_solved(solved, "ma", "title.associate_senior", lang=lang, mode=WHY_NOT)
    assert e.reason == (
        "no: 高级工 (senior_worker) falls short of the 高级技师 (senior_technician) required (P3.S3)"
        if lang == "en"
        else "否：高级工（senior_worker）未达到所要求的高级技师（senior_technician）（P3.S3）"
    )


@pytest.mark.parametrize(
    "lang, said", [("en", "the class of the contest of"), ("zh", "的赛事类别符合要求")]
)
def test_values_of_the_knowledge_base_tried_for_a_person_are_not_each_a_failure(lang, said):
    """A person with no honours: the ways to the green channel are tried with each kind of
    medal or prize of the knowledge base's tables.  Those are not the person's values, so a
    failed condition is not shown once per kind (it was, after the split by binding: three
    medals and three prizes, each 'the class of the contest of …' failing); nor once per way
    (the first medal, as if ma held it: below)."""
    tree = rendered("title.full_senior_recognition", lang)
    assert sum(said in line for line in tree.splitlines()) == 0, tree


@pytest.mark.parametrize(
    "lang, way, kinds",
    [
        ("en", "way 3 of 6", "way 4 of 6"),
        ("zh", "途径3（共6条）", "途径4（共6条）"),
    ],
)
def test_a_value_tried_for_an_honour_not_held_is_not_said_as_the_persons(lang, way, kinds):
    """A person with no honours: each way to the green channel fails on 'ma holds an honour of
    the kind asked', and the medal a table gave the rule to try is not the person's: it read
    'the class of the contest of ma's 国家级技能大赛铜牌 counts' (and 'ma holds the honour
    国家级技能大赛铜牌' under it, 'an evaluator counts ma's prize 国家级技能大赛一等奖 as a
    medal'), the table's first medal or prize, as if ma held it."""
    tree = rendered("title.full_senior_recognition", lang)
    held = "ma holds an honour of the kind asked" if lang == "en" else "「ma」获得所需荣誉"
    for head in (way, kinds):
        block = _block(tree, head)
        assert [line.lstrip("│├└─ ") for line in block] == [f"✗ {held} ← honours"], tree
    for code in ("national_contest_", "worldskills_bronze", "china_skills_award"):
        assert code not in tree, tree  # no medal, prize or honour of a table named
    # the short reason is as it was
    solved = solve_case(_case())
    e = explain_solved(solved, "ma", "title.full_senior_recognition", lang=lang, mode=WHY_NOT)
    assert e.reason == (
        "no: ma does not hold any honour (P4.S2)"
        if lang == "en"
        else "否：「ma」未获得任何荣誉（P4.S2）"
    )


HONOURS = """\
as_of: 2026-07-01
readings: {national_contest_class: i_only}
persons:
  - id: bai
    certificates:
      - {level: 技师, kind: 职业技能等级, obtained: 2020-03-01, occupation: 焊工}
    technical_work:
      - {from: 2012-09-01}
    field: 工程
    current_post: {since: 2015-09-01, occupation: 焊工}
    annual_assessments:
      - {year: 2025, grade: 合格}
    honours:
      - {code: national_contest_bronze, class: ii}
    titles: []
    cumulative_work_years: 14
"""

EXCELLENCE = HONOURS.replace(
    "national_contest_class: i_only", "worldskills_excellence: excluded"
).replace("national_contest_bronze, class: ii", "worldskills_excellence")


@pytest.mark.parametrize(
    "lang, text, said",
    [
        (
            "en",
            HONOURS,
            "✗ the contest of bai's 国家级技能大赛铜牌 (national_contest_bronze) is of class 一类 (i)",
        ),
        ("zh", HONOURS, "「bai」所获国家级技能大赛铜牌（national_contest_bronze）"),
        (
            "en",
            EXCELLENCE,
            "✗ 世界技能大赛优胜奖 (worldskills_excellence) is a WorldSkills gold, silver or bronze medal",
        ),
        (
            "zh",
            EXCELLENCE,
            "✗ 世界技能大赛优胜奖（worldskills_excellence）是世界技能大赛金、银、铜牌",
        ),
    ],
)
def test_an_honour_held_still_shows_its_own_failing_conditions(lang, text, said) -> None:
    """A person who holds an honour: the conditions on it are the person's and are said (a
    class II contest under national_contest_class=i_only; a WorldSkills excellence)."""
    tree = rendered("title.full_senior_recognition", lang, text)
    assert said in tree, tree


SAME_LEVEL = TWO_LEVELS.replace(
    "{level: 高级工, kind: 职业技能等级, obtained: 2016-04-01",
    "{level: 技师, kind: 职业资格, obtained: 2019-05-01",
).replace("obtained: 2022-03-01", "obtained: 2024-11-01")


@pytest.mark.parametrize(
    "lang, said",
    [
        (
            "en",
            "no: ma's latest certificate of 技师 (technician) falls short of the months P3.S2 "
            "requires: technical work after the certificate of 2024-11-01, counted for P3.S2: "
            "20 months (20 < 36) (P3.S2)",
        ),
        (
            "zh",
            "否：「ma」最近取得的技师（technician）证书未满足P3.S2的年限要求：2024-11-01取得的证书"
            "之后可计入P3.S2的技术技能工作时间：20个月（20 < 36）（P3.S2）",
        ),
    ],
)
def test_under_the_latest_clock_a_no_names_the_certificate_found_too_short(lang, said) -> None:
    """Two 技师 certificates, of 2019 and of 2024-11, under certificate_clock=latest: the 2024
    one restarts the clock, 20 months, short of the 36 P3.S2 requires.  The reason names that
    certificate and its months, the binding the rule found too short (it said only that the
    latest 技师 falls short, with no duration: under this reading none was ever named)."""
    case = dataclasses.replace(_case(SAME_LEVEL), readings={"certificate_clock": "latest"})
    e = explain_solved(solve_case(case), "ma", "title.intermediate", lang=lang, mode=WHY_NOT)
    assert e.reason == said


UNDATED = """\
as_of: 2026-07-01
persons:
  - id: wang
    certificates:
      - {level: 高级工, kind: 职业技能等级, occupation: 钳工}
      - {level: 高级工, kind: 职业资格, obtained: 2025-01-01, occupation: 钳工}
    technical_work:
      - {from: 2014-03-01}
    field: 农业
    current_post: {since: 2020-01-01, occupation: 钳工}
    annual_assessments:
      - {year: 2023, grade: 合格}
      - {year: 2024, grade: 合格}
      - {year: 2025, grade: 合格}
    honours: []
    titles: []
    cumulative_work_years: 12
"""


@pytest.mark.parametrize(
    "lang, short, garbled",
    [
        (
            "en",
            "✓ technical work after the certificate of 2025-01-01, counted for P3.S1: 18 months",
            "not known (the certificate obtained on an unknown date to the certificate of",
        ),
        (
            "zh",
            "✓ 2025-01-01取得的证书之后可计入P3.S1的技术技能工作时间：18个月",
            "未确定（取得日期不详的证书",
        ),
    ],
)
def test_what_holds_in_both_completions_is_shown_by_an_instance_holding_in_both(
    lang, short, garbled
) -> None:
    """Under certificate_clock=latest the certificate of 2025-01-01 (18 months) is too short
    in both completions, the undated one in the worst only.  The latest 高级工 falling short
    (which holds) was shown by the undated certificate, marked ?, and said as a garbled range
    of two certificates; it is shown by the dated one, which holds in both."""
    case = dataclasses.replace(_case(UNDATED), readings={"certificate_clock": "latest"})
    found = explain_question(case, "title.assistant", lang=lang, mode=WHY_NOT)
    out = io.StringIO()
    Console(file=out, width=200, color_system=None, theme=THEME, highlight=False).print(
        explanation_view(found)
    )
    tree = out.getvalue()
    assert short in tree and garbled not in tree, tree
    assert ("18 months (18 < 24)" if lang == "en" else "18个月（18 < 24）") in found.explanations[
        0
    ].reason


def test_no_level_whose_latest_certificate_is_long_enough_reads_as_english() -> None:
    """The negative of level_clock_met read 'no latest certificate of ma's of a level that
    qualifies for P3.S3 has the months P3.S3 requires'."""
    case = dataclasses.replace(_case(SAME_LEVEL), readings={"certificate_clock": "latest"})
    e = explain_solved(solve_case(case), "ma", "title.associate_senior", mode=WHY_NOT)
    assert e.reason == (
        "no: ma holds no level qualifying for P3.S3 whose latest certificate has the months "
        "P3.S3 requires: 技师 (technician) falls short of the 高级技师 (senior_technician) "
        "required (P3.S3)"
    )
