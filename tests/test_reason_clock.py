"""The one-line reason of a no names the duration met beside the failure that the reading's
clock counts: with several qualifying certificates, under certificate_clock=earliest, the
earliest's (the most months), never the first certificate of the case."""

from __future__ import annotations

import dataclasses

import pytest

from pyagent.explain.answers import solve_case
from pyagent.explain.why import explain_solved
from pyagent.input.case import load_case


TWO_CERTIFICATES = """\
as_of: 2025-03-01
persons:
  - id: ma_gate
    certificates:
      - {level: senior_worker, kind: skill_level, obtained: 2022-09-01}
      - {level: senior_worker, kind: vocational_qualification, obtained: 2020-06-01}
    technical_work: [{from: WORK_FROM}]
    field: engineering
    current_post: {since: 2019-01-01, occupation: 电工}
    annual_assessments:
      - {year: 2022, grade: qualified}
      - {year: 2023, grade: qualified}
      - {year: 2024, grade: basically_qualified}
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "work_from, readings, months",
    [
        ("2019-01-01", {}, 57),  # the clock of certificate_clock=earliest: from 2020-06-01
        ("2019-01-01", {"duration_end": "year_end"}, 66),  # to 31 December 2025
        ("2019-01-01", {"work_counting": "elapsed"}, 57),
        ("2023-01-01", {}, 26),  # work after both: equal months, the earliest certificate's
    ],
)
def test_a_duration_met_beside_a_no_is_the_one_the_clock_counts(
    tmp_path, lang, work_from, readings, months
) -> None:
    """Two 高级工 certificates, both long enough for P3.S1, and the gate failing: the reason of
    title.assistant names the time met after the certificate the reading's clock counts from
    (the earliest, which has the most months), never the first certificate of the case
    (2022-09-01, 30 months) merely because it is listed first."""
    path = tmp_path / "two.yaml"
    path.write_text(TWO_CERTIFICATES.replace("WORK_FROM", work_from), encoding="utf-8")
    case = dataclasses.replace(load_case(path), readings=readings)
    x = explain_solved(solve_case(case), "ma_gate", "title.assistant", lang=lang)
    assert x.status == "no"
    held = x.reason.split("已满足：" if lang == "zh" else "holds: ")[1]
    assert "2020-06-01" in held and "2022-09-01" not in held, x.reason
    assert (f"{months}个月" if lang == "zh" else f"{months} months") in held, x.reason
