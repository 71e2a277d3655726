"""满N年 at its boundaries (SPEC section 4), in pyagent.input.duration and through the knowledge base."""

from __future__ import annotations

import datetime as dt

import pytest

from pyagent.explain.answers import solve_case
from pyagent.input.duration import calendar_months, counted_months, merge, stretches_months
from pyagent.input.model import Assessment, Case, Certificate, Period, Person, Post
from pyagent.engine.questions import QUESTIONS

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "months", "days"),
    [
        (D(2020, 9, 1), D(2022, 9, 1), 24, 0),  # SPEC: exactly 24 months, 满2年
        (D(2020, 9, 1), D(2022, 8, 31), 23, 30),  # one day short
        (D(2020, 1, 31), D(2020, 2, 29), 1, 0),  # no 31 February: a month ends on its last day
        (D(2020, 1, 31), D(2020, 3, 1), 1, 1),  # and one day more
        (D(2021, 3, 15), D(2021, 3, 15), 0, 0),
        (D(2021, 3, 15), D(2021, 3, 1), 0, 0),  # end before start counts nothing
    ],
)
def test_one_stretch_counts_by_the_calendar(start, end, months, days):
    assert calendar_months(start, end) == (months, days)


def test_several_stretches_add_whole_months_and_leftover_days_at_thirty_a_month():
    # 5 months 14 days + 5 months 19 days = 10 months + 33 days = 11 months (3 days left)
    stretches = [(D(2020, 1, 1), D(2020, 6, 15)), (D(2021, 1, 1), D(2021, 6, 20))]
    assert stretches_months(stretches) == 11
    # 29 + 0 leftover days stay below a month
    assert stretches_months([(D(2020, 1, 1), D(2020, 1, 30)), (D(2020, 3, 1), D(2020, 4, 1))]) == 1


def test_overlapping_and_touching_periods_merge():
    assert merge([(D(2020, 1, 1), D(2020, 6, 1)), (D(2020, 6, 1), D(2020, 9, 1))]) == [
        (D(2020, 1, 1), D(2020, 9, 1))
    ]
    assert merge([(D(2020, 1, 1), D(2020, 6, 1)), (D(2020, 3, 1), D(2020, 4, 1))]) == [
        (D(2020, 1, 1), D(2020, 6, 1))
    ]
    # merged, they are one stretch counted by the calendar: 8 months, not 5 + 3
    assert stretches_months([(D(2020, 1, 1), D(2020, 6, 1)), (D(2020, 6, 1), D(2020, 9, 1))]) == 8


def test_counting_starts_at_the_certificate_and_stops_at_the_end_date():
    periods = (Period(D(2015, 3, 1), D(2019, 12, 31)), Period(D(2020, 6, 1), None))
    # from 2021-06-30 to 2026-07-01 inside the ongoing period: 60 months
    assert counted_months(D(2021, 6, 30), periods, D(2026, 7, 1)) == 60
    # before the certificate nothing counts, however long the work
    assert counted_months(D(2026, 6, 30), periods, D(2026, 7, 1)) == 0
    # work_counting=elapsed ignores the periods
    assert counted_months(D(2018, 1, 1), (), D(2020, 1, 1), within_work=False) == 24


AS_OF = D(2026, 7, 1)


def _senior_worker(obtained: dt.date, periods: tuple[Period, ...]) -> Person:
    """A 高级工 who meets every condition of P3.S1 except, perhaps, the two years."""
    return Person(
        "x",
        certificates=(Certificate("senior_worker", "skill_level", obtained),),
        technical_work=periods,
        field="engineering",
        current_post=Post(D(2015, 1, 1), "电工"),
        annual_assessments=tuple(Assessment(y, "qualified") for y in (2023, 2024, 2025)),
        honours=(),
        titles=(),
    )


def _assistant(person: Person, as_of: dt.date = AS_OF, **readings: str) -> str:
    solved = solve_case(Case("<duration>", as_of, readings, {}, (person,)))
    return solved.answer(0, QUESTIONS["title.assistant"]).status


ONGOING = (Period(D(2010, 1, 1), None),)


def test_exactly_24_months_is_enough_for_assistant():
    assert _assistant(_senior_worker(D(2024, 7, 1), ONGOING)) == "yes"


def test_one_day_short_of_24_months_is_not():
    assert _assistant(_senior_worker(D(2024, 7, 2), ONGOING)) == "no"


def test_several_stretches_with_leftover_days_reach_24_months():
    # 2024-01-01..2024-12-17 = 11 months 16 days; 2025-01-01..2025-12-17 = 11 months 16 days;
    # 22 months + 32 days = 23 months: not yet.  Add 28 days in 2026: 22 months + 60 days = 24.
    two = (Period(D(2024, 1, 1), D(2024, 12, 17)), Period(D(2025, 1, 1), D(2025, 12, 17)))
    assert _assistant(_senior_worker(D(2024, 1, 1), two)) == "no"
    three = two + (Period(D(2026, 2, 1), D(2026, 3, 1)),)
    assert _assistant(_senior_worker(D(2024, 1, 1), three)) == "yes"


def test_duration_end_year_end_counts_to_31_december():
    # obtained 2024-12-01: 19 months to 2026-07-01, 24 months and 30 days to 2026-12-31
    person = _senior_worker(D(2024, 12, 1), ONGOING)
    assert _assistant(person) == "no"
    assert _assistant(person, duration_end="year_end") == "yes"


def test_work_counting_elapsed_counts_time_without_technical_work():
    person = _senior_worker(D(2023, 1, 1), (Period(D(2023, 1, 1), D(2023, 12, 31)),))
    assert _assistant(person) == "no"
    assert _assistant(person, work_counting="elapsed") == "yes"


def test_one_stretch_is_never_rounded_up_by_its_leftover_days():
    # SPEC: 2020-09-01 to 2022-08-31 is not 满2年 (23 months and 30 days)
    assert stretches_months([(D(2020, 9, 1), D(2022, 8, 31))]) == 23
    person = _senior_worker(D(2024, 8, 1), ONGOING)
    assert _assistant(person, D(2026, 7, 31)) == "no"  # 23 months and 30 days
    assert _assistant(person, D(2026, 8, 1)) == "yes"


def test_an_unknown_certificate_date_cannot_create_technical_work_that_is_not_there():
    person = _senior_worker(D(2024, 1, 1), ())
    undated = Person(
        **{**person.__dict__, "certificates": (Certificate("senior_worker", None, None),)}
    )
    assert _assistant(undated) == "no"  # no technical work at all: no, whatever the date
    short = Person(**{**undated.__dict__, "technical_work": (Period(D(2025, 1, 1), None),)})
    assert _assistant(short) == "no"  # 18 months of work at most
    long = Person(**{**undated.__dict__, "technical_work": (Period(D(2020, 1, 1), None),)})
    assert _assistant(long) == "unknown"
