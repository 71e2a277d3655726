"""Signatures: the fast path agrees with pyagent.input.case + pyagent.engine.facts, and the analysis is
read off the knowledge base."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyagent.input.case import parse_person
from pyagent.errors import InputError
from pyagent.engine.signature import FastFacts, Keys, _Slow, analyse, slow_signature

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 7, 1)
spec = importlib.util.spec_from_file_location("bench_roster", ROOT / "bench" / "roster.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def paths() -> dict[str, tuple[Keys, FastFacts]]:
    out = {}
    for name, as_of, readings, parameters in (
        ("default", AS_OF, {}, {"application_years.technician": 8}),
        ("before the report", dt.date(2021, 3, 1), {"assessment_years": "latest_three"}, {}),
    ):
        keys = Keys(analyse(as_of, readings, parameters))
        out[name] = (keys, FastFacts(keys))
    return out


# Mutations that a roster may hold: other spellings, odd types, unknown keys, big lists.
MUTATIONS = [
    lambda p, r: p.update(field=r.choice(["工程", " engineering ", "Engineering", "finance", "", 3, None])),
    lambda p, r: p.update(cumulative_work_years=r.choice([0, 100, 101, -1, 7.99, "7", True, float("nan")])),
    lambda p, r: p.update(current_post=r.choice(["none", "无", " None ", "yes", {}, {"since": "2020-02-30"}, []])),
    lambda p, r: p.update(honours=r.choice([[], ["全国技术能手"], [{"code": "national_contest_gold", "class": "一类"}],
                                          [{"code": "china_skills_award", "class": "i"}], ["x"], "none",
                                          [{"code": "state_council_allowance"}]])),
    lambda p, r: p.update(annual_assessments=r.choice([[], [{"year": 2025, "grade": "合格"}],
                                                       [{"year": 2025.0, "grade": "qualified"}],
                                                       [{"year": 2024, "grade": "pending", "at_current_post": False}],
                                                       [{"year": 2027, "grade": "excellent"}],
                                                       [{"year": 2024, "grade": "qualified", "at_current_post": "no"}]])),
    lambda p, r: p.update(certificates=r.choice([[], [{"level": "技师", "kind": "职业资格"}],
                                                 [{"level": "technician", "obtained": "2026-07-02"}],
                                                 [{"level": "technician", "obtained": "2021-6-30"}],
                                                 [{"level": "senior_worker", "obtained": "1899-12-31"}],
                                                 [{"level": "senior_worker", "occupation": "\t"}],
                                                 [{"level": "technician"}] * 101])),
    lambda p, r: p.update(technical_work=r.choice([[], [{"from": "2010-01-01", "to": "2009-01-01"}],
                                                   [{"from": "2010-01-01", "to": "2010-01-01"}],
                                                   [{"from": "2019-05-31"}, {"from": "2016-01-01", "to": "2019-06-01"}]])),
    lambda p, r: p.update(titles=r.choice([[], [{"rank": "正高级"}], [{"rank": "intermediate", "series": "卫生"}],
                                           [{"rank": "junior", "obtained": "2030-01-01"}], [{"series": "art"}]])),
    lambda p, r: p.update(id=r.choice(["  spaced  ", "x" * 201, "tab\tid", 42, "", "中文编号"])),
    lambda p, r: p.update(r.choice([{"honors": []}, {"education": None}, {"papers": {"n": 3}}])),
    lambda p, r: p.pop(r.choice(list(p)), None),
]


@settings(max_examples=400, deadline=None)
@given(seed=st.integers(0, 2**32), n=st.integers(0, 3))
def test_fast_path_agrees_with_case_and_facts(paths, seed: int, n: int) -> None:
    rng = random.Random(seed)
    row = gen.person(rng, f"p{seed}")
    for _ in range(n):
        rng.choice(MUTATIONS)(row, rng)
    for keys, fast in paths.values():
        data = copy.deepcopy(row)
        try:
            person = parse_person(data, "r", "")
        except InputError:
            with pytest.raises(_Slow):
                fast.key(data)
            continue
        try:
            pid, full, _ = fast.key(data)
        except _Slow:
            continue  # the slow path answers it
        assert pid == person.id
        assert full == slow_signature(keys, person)


def test_the_fast_path_takes_the_generated_rows(paths) -> None:
    keys, fast = paths["default"]
    assert fast.enabled
    rng = random.Random(0)
    taken = 0
    for i in range(300):
        try:
            fast.key(gen.person(rng, f"p{i}"))
            taken += 1
        except _Slow:
            pass
    assert taken >= 295


def test_thresholds_and_classes_come_from_the_knowledge_base() -> None:
    a = analyse(AS_OF, {}, {"application_years.technician": 8})
    assert a.abstraction.points[("certificate_months", 3)] == (24, 36, 48)  # required_months
    assert 8 in a.abstraction.points[("cumulative_work_years", 0)]
    months = a.abstraction.mapper("certificate_months", 3)
    assert [months(m) for m in (0, 23, 24, 25, 35, 36, 60)] == [23, 23, 24, 25, 25, 36, 49]
    grade = a.abstraction.mapper("assessment", 1)
    assert grade("excellent") == grade("qualified") != grade("unqualified")
    assert grade("basically_qualified") == "basically_qualified"  # a rule names it
    field = a.abstraction.mapper("field", 0)
    assert field("engineering") == field("art") and field(("str", "finance")) == field(("str", "卫生"))
    assert field("engineering") != field(("str", "finance"))
    # the cones: the P5 questions never read assessments, the calendar reading only 2023..2025
    assert "assessment" not in a.cones["skill.technician"].inputs
    assert {p[0] for p in a.cones["title.participate"].inputs["assessment"]} == {2023, 2024, 2025}
    latest = analyse(AS_OF, {"assessment_years": "latest_three"}, {})
    assert latest.cones["title.participate"].inputs["assessment"] is None
