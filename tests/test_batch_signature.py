"""Signatures: persons' keys come from the one fact builder, and the analysis is read off the
knowledge base."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pyagent.errors import InputError
from pyagent.engine.signature import analyse

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 7, 1)
spec = importlib.util.spec_from_file_location("bench_roster", ROOT / "bench" / "roster.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)  # type: ignore[union-attr]


ODD_TEXTS = [
    '"id": "a", "id": "b"',
    '"x": NaN',
    '"x": 12345678901234567890123',
    '"x": -9223372036854775809',
    '"x": "\\ud800"',
    '"x" : 1',
    '"x": 1e400',
    '"x": [1, {"y": 2, "y": 3}]',
    '"x": "\\u00e9"',
    '"x": 1.5',
]


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32), odd=st.sampled_from([None, *ODD_TEXTS]))
def test_rows_read_by_orjson_are_what_the_standard_library_reads(
    seed: int, odd: str | None
) -> None:
    """batch's row reader (orjson where it is exact) gives the data or the error message of
    the standard path, whatever the row holds."""
    from pyagent.batch.rows import load_row_checked
    from pyagent.input.roster import load_row_strict

    text = json.dumps(gen.person(random.Random(seed), f"p{seed}"), ensure_ascii=seed % 2 == 0)
    if odd is not None:
        text = text[:-1] + ", " + odd + "}"

    def read(reader):
        try:
            return ("data", reader(text, "r.jsonl", 3))
        except InputError as err:
            return ("error", str(err))

    fast, strict = read(load_row_checked), read(load_row_strict)
    assert fast == strict
    if fast[0] == "data":
        assert json.dumps(fast[1]) == json.dumps(strict[1])  # same types: 1 is not 1.0


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
    assert field("engineering") == field("art") and field(("str", "finance")) == field(
        ("str", "卫生")
    )
    assert field("engineering") != field(("str", "finance"))
    # the cones: the P5 questions never read assessments, the calendar reading only 2023..2025
    assert "assessment" not in a.cones["skill.technician"].inputs
    assert {p[0] for p in a.cones["title.participate"].inputs["assessment"]} == {2023, 2024, 2025}
    latest = analyse(AS_OF, {"assessment_years": "latest_three"}, {})
    assert latest.cones["title.participate"].inputs["assessment"] is None
