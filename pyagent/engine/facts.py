"""A validated person -> the input facts of kb/schema.lp, in its two completions.

Each person is grounded twice (kb/schema.lp, "Persons and worlds"): in the
*worst* and in the *best* completion of what the case leaves unknown.  A fact
here says in which completion it holds and, when it holds in one only, which
input of the case it stands for (its ``path``, relative to the person), so
that an answer can say what it depends on.

This is the one place the case's inputs become facts.  They are built as plain values
(`pyagent.engine.values`: an ``int``, a constant's name, ``("str", text)``, `SUP`), which is
what ``pyagent batch`` keys persons by (`person_values`), and turned into clingo symbols for
``ask``, ``why``, ``what-if`` and the pins (`person_facts`), never as program text.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from clingo import Function, Number, Symbol

from pyagent.engine.values import SUP, symbol_of
from pyagent.input.duration import counted_months
from pyagent.input.model import NO_POST, Person, Post
from pyagent.input.vocab import FIELDS, HONOURS

WORST = "worst"
BEST = "best"
BOTH = "both"

REPORT_DATE = dt.date(2021, 7, 11)

_CONTESTS = tuple(c for c in HONOURS.codes if c.startswith("national_contest_"))
_PRIZES = tuple(c for c in _CONTESTS if c.endswith("_prize"))
_SKILL_PARAMETERS = ("senior_worker", "technician", "senior_technician")
_RANKS = ("junior", "assistant", "intermediate", "associate_senior", "full_senior")

TRUE = "true"
FALSE = "false"
UNSTATED = "post_unstated"  # an assessment whose at_current_post is not stated


@dataclass(frozen=True)
class Fact:
    """One input fact of a person, without the person argument."""

    predicate: str
    arguments: tuple[Symbol, ...]
    world: str = BOTH  # BOTH, WORST or BEST
    path: str | None = None  # the input of the case it stands for, relative to the person


def date_Number(day: dt.date) -> int:
    """A date as the integer YYYYMMDD the knowledge base compares."""
    return day.year * 10000 + day.month * 100 + day.day


ValueFact = tuple  # (predicate, arguments as values, world, path): a `Fact` in values


def _field_term(value: str) -> object:
    return value if value in FIELDS.aliases else ("str", value)


def person_facts(person: Person, as_of: dt.date, parameters: Mapping[str, int]) -> list[Fact]:
    """The input facts of one person, on ``as_of``, as clingo symbols (`person_values`)."""
    return [
        Fact(p, tuple(symbol_of(a) for a in args), w, path)
        for p, args, w, path in person_values(person, as_of, parameters)
    ]


def _fact(
    predicate: str, arguments: tuple, world: str = BOTH, path: str | None = None
) -> ValueFact:
    return (predicate, arguments, world, path)


def person_values(person: Person, as_of: dt.date, parameters: Mapping[str, int]) -> list[ValueFact]:
    """The input facts of one person, on ``as_of``: (predicate, arguments, world, path),
    arguments as values."""
    Fact = _fact  # noqa: N806 - plain tuples, read as the facts they are
    out: list[ValueFact] = [Fact("person", (), path="id")]
    add = out.append
    year_end = dt.date(as_of.year, 12, 31)

    # certificates and the months counted after each.  An unknown date (or an unknown
    # certificate) counts nothing at worst; at best it was obtained before all the technical
    # work, which then counts in full (unbounded when the work is unknown too).
    ends = (("as_of", as_of), ("year_end", year_end))

    def best_months(end: dt.date, counting: str, path: str) -> tuple[object, str]:
        if counting == "elapsed":
            return SUP, path
        if person.technical_work is None:
            return SUP, f"{path}, technical_work"
        return counted_months(dt.date.min, person.technical_work, end), path

    if person.certificates is None:
        for c, level in enumerate(
            (
                "junior_worker",
                "intermediate_worker",
                "senior_worker",
                "technician",
                "senior_technician",
            )
        ):
            add(Fact("certificate", (c, level, "unstated"), BEST, "certificates"))
            for end_name, end in ends:
                for counting in ("technical_work", "elapsed"):
                    value, path = best_months(end, counting, "certificates")
                    add(Fact("certificate_months", (c, end_name, counting, value), BEST, path))
    else:
        for c, cert in enumerate(person.certificates):
            if cert.obtained is not None and cert.obtained > as_of:
                continue  # not yet held on the date asked
            here = f"certificates[{c}]"
            add(Fact("certificate", (c, cert.level, cert.kind or "unstated"), BOTH, here))
            for end_name, end in ends:
                for counting in ("technical_work", "elapsed"):
                    key = (c, end_name, counting)
                    if cert.obtained is None:
                        value, path = best_months(end, counting, f"certificates[{c}].obtained")
                        add(Fact("certificate_months", (*key, 0), WORST, path))
                        add(Fact("certificate_months", (*key, value), BEST, path))
                        continue
                    elapsed = counted_months(cert.obtained, (), end, within_work=False)
                    if counting == "elapsed":
                        add(Fact("certificate_months", (*key, elapsed), BOTH, here))
                    elif person.technical_work is None:
                        add(Fact("certificate_months", (*key, 0), WORST, "technical_work"))
                        add(Fact("certificate_months", (*key, elapsed), BEST, "technical_work"))
                    else:
                        months = counted_months(cert.obtained, person.technical_work, end)
                        add(
                            Fact(
                                "certificate_months", (*key, months), BOTH, f"{here}+technical_work"
                            )
                        )

    # the field of the current post (P2.S2)
    if person.field is None:
        add(Fact("field", ("engineering",), BEST, "field"))
    else:
        add(Fact("field", (_field_term(person.field),), BOTH, "field"))
        if person.field not in FIELDS.aliases:
            add(Fact("unlisted_field_may_be_listed", (), BEST, "field"))

    # the current post
    post = person.current_post
    if post is None:
        add(Fact("current_post", (), BEST, "current_post"))
        add(Fact("post_occupation", (("str", ""),), BEST, "current_post"))
    elif isinstance(post, Post):
        add(Fact("current_post", (), BOTH, "current_post"))
        if post.occupation is not None:
            add(
                Fact(
                    "post_occupation", (("str", post.occupation),), BOTH, "current_post.occupation"
                )
            )
        else:
            add(Fact("post_occupation", (("str", ""),), BEST, "current_post.occupation"))
    else:
        assert post is NO_POST

    out.extend(_assessment_facts(person, as_of))

    # honours (P4.S2)
    if person.honours is None:
        for code in HONOURS.codes:
            add(Fact("honour", (code,), BEST, "honours"))
            if code in _CONTESTS:
                add(Fact("honour_class", (code, "i"), BEST, "honours"))
            if code in _PRIZES:
                add(Fact("prize_may_be_medal", (code,), BEST, "honours"))
        add(Fact("honour_category", ("state_council_allowance", "high_skill"), BEST, "honours"))
    else:
        for k, honour in enumerate(person.honours):
            h = honour.code
            add(Fact("honour", (h,), BOTH, f"honours[{k}]"))
            if honour.code in _CONTESTS:
                if honour.contest_class is not None:
                    add(
                        Fact("honour_class", (h, honour.contest_class), BOTH, f"honours[{k}].class")
                    )
                else:
                    add(Fact("honour_class", (h, "i"), BEST, f"honours[{k}].class"))
            if honour.code in _PRIZES:
                add(Fact("prize_may_be_medal", (h,), BEST, f"honours[{k}]"))
            if honour.code == "state_council_allowance":
                if honour.category is not None:
                    add(
                        Fact(
                            "honour_category", (h, honour.category), BOTH, f"honours[{k}].category"
                        )
                    )
                else:
                    add(Fact("honour_category", (h, "high_skill"), BEST, f"honours[{k}].category"))

    # P4.S3: contribution and benefits
    for name, value, pred, args in (
        (
            "outstanding_contribution",
            person.outstanding_contribution,
            "outstanding_contribution",
            (),
        ),
        ("social_benefit", person.social_benefit, "benefit", ("social",)),
        ("economic_benefit", person.economic_benefit, "benefit", ("economic",)),
    ):
        if value is True:
            add(Fact(pred, args, BOTH, name))
        elif value is None:
            add(Fact(pred, args, BEST, name))

    # titles (P5)
    if person.titles is None:
        for t, rank in enumerate(_RANKS):
            add(Fact("title", (t, rank, "stated"), BEST, "titles"))
    else:
        for t, title in enumerate(person.titles):
            if title.obtained is not None and title.obtained > as_of:
                continue
            series = "unstated" if title.series is None else _field_term(title.series)
            add(Fact("title", (t, title.rank, series), BOTH, f"titles[{t}]"))

    # cumulative work years against the parameters (P5)
    years = person.cumulative_work_years
    if years is None:
        add(Fact("cumulative_work_years", (0,), WORST, "cumulative_work_years"))
        add(Fact("cumulative_work_years", (SUP,), BEST, "cumulative_work_years"))
    else:
        add(Fact("cumulative_work_years", (math.floor(years),), BOTH, "cumulative_work_years"))
    for level in _SKILL_PARAMETERS:
        value = parameters.get(f"application_years.{level}")
        if value is None:
            add(
                Fact("application_years", (level, 0), BEST, f"parameters.application_years.{level}")
            )
        else:
            add(
                Fact(
                    "application_years",
                    (level, value),
                    BOTH,
                    f"parameters.application_years.{level}",
                )
            )

    # P2.S1: before the report date, whether the notice was in force is unknown
    if as_of < REPORT_DATE:
        add(Fact("notice_issued_by_as_of", (), BEST, "notice_in_force"))

    # P2.S3.b: stated, kept, never decisive
    for credential in sorted(person.never_decisive):
        add(Fact("credential", (credential,), BOTH, credential))
    return out


def _assessment_facts(person: Person, as_of: dt.date) -> Iterable[ValueFact]:
    """Annual assessments (P2.S3.a).

    A year missing from a non-empty list, and every year of an absent list, is
    held with an unknown grade: worst, it fails; best, it passes.  A pending
    year likewise, but it stays ``pending`` for the latest_three reading, which
    does not count it as held.  Years after the as_of year are not yet assessed.
    An empty list means that no assessment was held (SPEC section 2, v2).

    Whether a year was at the current post (SPEC section 4, v2): a stated
    ``at_current_post`` is ``true``/``false``; otherwise ``post_unstated``, with
    `_post_facts` saying what the post's start date makes of it.
    """
    Fact = _fact  # noqa: N806
    year = as_of.year
    listed = person.annual_assessments
    if listed is None:
        for y in range(year - 3, year):
            yield Fact("assessment", (y, "unknown", UNSTATED), BOTH, "annual_assessments")
            yield Fact("grade_may_pass", (y,), BEST, "annual_assessments")
            yield from _post_facts(person, y, "annual_assessments")
        return
    if not listed:
        return  # empty means none: no assessment held
    by_year = {a.year: a for a in listed if a.year <= year}
    # Missing years are unknown: every year from three before the earliest that could matter
    # (below the earliest listed year, latest_three may still reach three held years) up to
    # the year before as_of.
    for y in range(min(min(by_year, default=year), year - 3) - 3, year):
        if y not in by_year:
            here = f"annual_assessments.{y}"
            yield Fact("assessment", (y, "unknown", UNSTATED), BOTH, here)
            yield Fact("grade_may_pass", (y,), BEST, here)
            yield from _post_facts(person, y, here)
    index = {a.year: k for k, a in enumerate(listed)}
    for y in sorted(by_year):
        a, here = by_year[y], f"annual_assessments[{index[y]}]"
        flag = UNSTATED if a.at_current_post is None else TRUE if a.at_current_post else FALSE
        yield Fact("assessment", (y, a.grade, flag), BOTH, here)
        if a.grade == "pending":
            yield Fact("grade_may_pass", (y,), BEST, f"{here}.grade")
        if a.at_current_post is None:
            yield from _post_facts(person, y, f"{here}.at_current_post")


def post_start(since: dt.date, year: int) -> str:
    """Where a post's start falls against an assessment year (kb/schema.lp, post_began/3)."""
    if since <= dt.date(year, 1, 1):
        return "by_year_start"
    if since > dt.date(year, 12, 31):
        return "after_year_end"
    return "during_year"


def _post_facts(person: Person, year: int, path: str) -> Iterable[ValueFact]:
    """For a year whose at_current_post is not stated: what the current post's start date says
    (``post_began``), and the unknown ``at_post_may_hold`` where it leaves the year open:
    the post began during the year (``path``, the year's at_current_post), its since is not
    stated (``current_post.since``), or the post itself is not stated (``current_post``).
    A person with no post has neither: no year was at the current post."""
    Fact = _fact  # noqa: N806
    post = person.current_post
    if post is None:
        yield Fact("at_post_may_hold", (year,), BEST, "current_post")
    elif isinstance(post, Post):
        if post.since is None:
            yield Fact("at_post_may_hold", (year,), BEST, "current_post.since")
            return
        when = post_start(post.since, year)
        yield Fact("post_began", (year, when), BOTH, "current_post.since")
        if when == "during_year":
            yield Fact("at_post_may_hold", (year,), BEST, path)


def global_facts(as_of: dt.date, overrides: Mapping[str, str]) -> list[Symbol]:
    """Facts shared by every person: the date asked on and the reading overrides."""
    out = [
        Function("as_of_date", [Number(date_Number(as_of))]),
        Function("as_of_year", [Number(as_of.year)]),
    ]
    for name, value in sorted(overrides.items()):
        out.append(Function("reading_override", [Function(name), Function(value)]))
    return out
