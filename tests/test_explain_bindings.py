"""Every binding of a failing condition, and every instance of a rule, shown as it is: a person
with two certificates that both fall short is told of both (not of the first one only, which
reads as if it were the highest held), and a condition a later instance of a rule repeats (the
grade 合格 of each year graded 合格) is referred to, not left out."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from pyagent.cli.render import THEME, explanation_view
from pyagent.explain.why import WHY_NOT, explain_question
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
