"""The three-valued answers against brute force (SPEC section 4).

pyagent decides yes / no / unknown in one solve, from the worst and the best
completion of what a case leaves open (kb/schema.lp).  Here the same persons
are answered the slow way: every unknown input is replaced by each value of a
small domain that covers its cases, every combination is answered with all
inputs known, and the statuses are combined by the definition: yes when every
completion is yes, no when every completion is no, unknown otherwise.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import replace

import pytest

from pyagent.explain.answers import solve_case
from pyagent.input.model import (
    NO_POST,
    Assessment,
    Case,
    Certificate,
    Honour,
    Period,
    Person,
    Post,
    Title,
)
from pyagent.engine.questions import QUESTIONS

AS_OF = dt.date(2026, 7, 1)
LEVELS = ["intermediate_worker", "senior_worker", "technician", "senior_technician"]
GRADES = ["excellent", "qualified", "basically_qualified", "unqualified", "none"]


def _date(rng: random.Random, low_years: int, high_years: int) -> dt.date:
    return AS_OF - dt.timedelta(days=rng.randint(low_years * 365, high_years * 365))


def known_person(rng: random.Random, pid: str) -> Person:
    """A person with every input known, drawn so that all paths get exercised."""
    certs = tuple(
        Certificate(rng.choice(LEVELS), "skill_level", _date(rng, 0, 7))
        for _ in range(rng.randint(0, 2))
    )
    start = _date(rng, 3, 10)
    work = (
        (Period(start, None),)
        if rng.random() < 0.8
        else (Period(start, start + dt.timedelta(days=400)),)
    )
    # ten years, so that latest_three finds three held years without reaching below the list
    years = [AS_OF.year - k for k in range(1, 11)]
    # every year known (`none`: no assessment that year), so that only what a test blanks is unknown
    # at_current_post stated (mostly true) or, v2, left to the post's start date
    assessments = tuple(
        Assessment(
            y, rng.choice(GRADES[:2] * 3 + GRADES), rng.choice([True] * 6 + [False, None, None])
        )
        for y in years
    )
    honours = tuple(
        Honour(
            code,
            contest_class=rng.choice(["i", "ii"]) if "contest" in code else None,
            category=rng.choice(["high_skill", "professional"])
            if code == "state_council_allowance"
            else None,
        )
        for code in rng.sample(
            [
                "national_technical_expert",
                "worldskills_excellence",
                "national_contest_gold",
                "state_council_allowance",
                "provincial_contest_gold",
                "worldskills_bronze",
            ],
            rng.randint(0, 1),
        )
    )
    titles = tuple(
        Title(rank, "engineering", _date(rng, 0, 8))
        for rank in rng.sample(
            ["junior", "assistant", "intermediate", "associate_senior", "full_senior"],
            rng.randint(0, 1),
        )
    )
    return Person(
        pid,
        certificates=certs,
        technical_work=work,
        field=rng.choice(["engineering", "agriculture", "finance"]),
        # on 1 January, so that every year is known at the post or not (a start during a year
        # leaves it unknown: kb/p2_gate.lp)
        current_post=rng.choice([Post(dt.date(start.year, 1, 1), "电工")] * 2 + [NO_POST]),
        annual_assessments=assessments,
        honours=honours,
        outstanding_contribution=rng.random() < 0.5,
        social_benefit=rng.random() < 0.6,
        economic_benefit=rng.random() < 0.6,
        titles=titles,
        cumulative_work_years=rng.choice([3, 6, 12]),
    )


# Each unknowable input: how to blank it, and the values a completion may give it.
def _blank_assessment_year(p: Person, year: int) -> Person:
    return replace(p, annual_assessments=tuple(a for a in p.annual_assessments if a.year != year))


def _set_assessment(p: Person, year: int, grade: str | None) -> Person:
    kept = tuple(a for a in p.annual_assessments if a.year != year)
    return replace(p, annual_assessments=kept + ((Assessment(year, grade),) if grade else ()))


UNKNOWNS = {
    "field": (
        lambda p: replace(p, field=None),
        lambda p: [replace(p, field=f) for f in ("engineering", "finance")],
    ),
    "current_post": (
        lambda p: replace(p, current_post=None),
        # v2: a post's start decides the years whose at_current_post is not stated
        lambda p: [
            replace(p, current_post=v)
            for v in (NO_POST, Post(AS_OF, "电工"), Post(dt.date(2000, 1, 1), "电工"))
        ],
    ),
    "post_since": (
        lambda p: (
            replace(p, current_post=Post(None, "电工")) if isinstance(p.current_post, Post) else p
        ),
        lambda p: [
            replace(p, current_post=Post(d, "电工")) if isinstance(p.current_post, Post) else p
            for d in (dt.date(2000, 1, 1), dt.date(2024, 1, 1), AS_OF)
        ],
    ),
    "assessment_2025": (
        lambda p: _blank_assessment_year(p, 2025),
        lambda p: [
            _set_assessment(p, 2025, g)
            for g in ("qualified", "basically_qualified", "unqualified", "none")
        ],
    ),
    "pending_2024": (
        lambda p: _set_assessment(p, 2024, "pending"),
        lambda p: [_set_assessment(p, 2024, g) for g in ("qualified", "unqualified")],
    ),
    "honours": (
        lambda p: replace(p, honours=None),
        lambda p: [
            replace(p, honours=h)
            for h in (
                (),
                (Honour("national_technical_expert"),),
                (Honour("worldskills_excellence"),),
            )
        ],
    ),
    "contribution": (
        lambda p: replace(p, outstanding_contribution=None),
        lambda p: [replace(p, outstanding_contribution=v) for v in (True, False)],
    ),
    "economic_benefit": (
        lambda p: replace(p, economic_benefit=None),
        lambda p: [replace(p, economic_benefit=v) for v in (True, False)],
    ),
    "cumulative_work_years": (
        lambda p: replace(p, cumulative_work_years=None),
        lambda p: [replace(p, cumulative_work_years=v) for v in (0, 40)],
    ),
    "titles": (
        lambda p: replace(p, titles=None),
        lambda p: [
            replace(p, titles=t)
            for t in (
                (),
                (Title("intermediate", "engineering", AS_OF),),
                (Title("associate_senior", "engineering", AS_OF),),
                (Title("full_senior", "engineering", AS_OF),),
            )
        ],
    ),
    "certificate_date": (
        lambda p: replace(p, certificates=tuple(replace(c, obtained=None) for c in p.certificates)),
        lambda p: [
            replace(p, certificates=tuple(replace(c, obtained=d) for c in p.certificates))
            for d in (AS_OF, AS_OF - dt.timedelta(days=3 * 366), AS_OF - dt.timedelta(days=6 * 366))
        ],
    ),
    "technical_work": (
        lambda p: replace(p, technical_work=None),
        lambda p: [
            replace(p, technical_work=w) for w in ((), (Period(dt.date(2000, 1, 1), None),))
        ],
    ),
}

PARAMETERS = {
    "application_years.senior_worker": 5,
    "application_years.technician": 8,
    "application_years.senior_technician": 10,
}

READING_SETS = [
    {},
    {"assessment_years": "latest_three", "basically_qualified": "passes"},
    {
        "certificate_clock": "latest",
        "assessment_post": "any_post",
        "special_talent_benefits": "either",
    },
    {"green_channel_gate": "yes", "worldskills_excellence": "included", "reverse_needs_post": "no"},
]


def _completions(person: Person, blanked: list[str]) -> list[Person]:
    people = [person]
    for name in blanked:
        people = [c for p in people for c in UNKNOWNS[name][1](p)]
    return people


@pytest.mark.parametrize(
    "readings", READING_SETS, ids=lambda r: ",".join(f"{k}={v}" for k, v in r.items()) or "defaults"
)
def test_worst_and_best_completions_agree_with_brute_force(readings: dict[str, str]) -> None:
    rng = random.Random(zlib.crc32(repr(sorted(readings.items())).encode()))  # reproducible
    checked = 0
    for n in range(40):
        base = known_person(rng, f"p{n}")
        candidates = sorted(UNKNOWNS)
        if readings.get("assessment_years") == "latest_three":
            candidates.remove("pending_2024")  # latest_three: a pending year is known not held
        blanked = rng.sample(candidates, rng.randint(1, 2))
        unknown = base
        for name in blanked:
            unknown = UNKNOWNS[name][0](unknown)
        completions = _completions(base, blanked)
        persons = (unknown, *(replace(c, id=f"c{k}") for k, c in enumerate(completions)))
        solved = solve_case(Case("<semantics>", AS_OF, readings, PARAMETERS, persons))
        for q in QUESTIONS.values():
            statuses = {solved.status(k, q) for k in range(1, len(persons))}
            assert "unknown" not in statuses, (
                f"a completion with every input known is unknown: {q.id}"
            )
            expected = statuses.pop() if len(statuses) == 1 else "unknown"
            got = solved.status(0, q)
            assert got == expected, (
                f"{q.id}: {got} but the completions give {expected}; blanked {blanked}; person {base}"
            )
            checked += 1
    assert checked == 40 * len(QUESTIONS)


def test_a_person_with_everything_unknown_is_unknown_everywhere_it_could_be_yes() -> None:
    solved = solve_case(Case("<semantics>", AS_OF, {}, {}, (Person("nobody"),)))
    assert {solved.status(0, q) for q in QUESTIONS.values()} == {"unknown"}


def test_known_none_is_no_not_unknown() -> None:
    empty = Person(
        "nothing",
        certificates=(),
        technical_work=(),
        field="engineering",
        current_post=NO_POST,
        annual_assessments=(),
        honours=(),
        outstanding_contribution=False,
        social_benefit=False,
        economic_benefit=False,
        titles=(),
        cumulative_work_years=0,
    )
    solved = solve_case(Case("<semantics>", AS_OF, {}, PARAMETERS, (empty,)))
    assert {solved.status(0, q) for q in QUESTIONS.values()} == {"no"}
