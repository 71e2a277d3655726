"""What-if's change model: the changes a person can make, and the facts they give.

The change model
----------------

A change is made *now*, on the date asked (``as_of``); the past is fixed.
Each change settles one input of the person (its *slot*); a slot may take one
of several values, and all values that would do are listed together.

=================  =====================================  =============================================
kind               offered when                           what it does
=================  =====================================  =============================================
certificate        always                                 obtain a certificate of level L (职业技能等级)
                                                          today: 0 months are counted on ``as_of``, so
                                                          the P3 durations need time as well
grade              a year of 近3年 not yet graded         receive grade G (优秀, 合格, 基本合格) for year Y;
                   (pending, missing from a non-empty     only years with no grade given: a grade given
                   list, every year of an absent list;    is the past and never changes; with
                   with an empty list only years from     ``annual_assessments: []`` the past years are
                   the as_of year on)                     known to have had none
field              the field is unknown or unlisted       take up a post in listed field F today (a
                                                          new post: see "A new post" below)
post               no post, unknown post, or a post       with no post or an unknown one: take up a
                   whose occupation is not stated         post with a stated occupation (工种) today
                                                          (a new post); with a post whose occupation
                                                          is not stated: state it (the post stays)
honour             always                                 receive an honour P4.S2 can count (WorldSkills
                                                          and national contest medals, class I; 中华技能
                                                          大奖; 全国技术能手; 国家级技能大师工作室领办人;
                                                          the State Council allowance, 高技能人才类);
                                                          prizes and provincial honours never count for
                                                          certain and are not offered
contribution,      not already true                       establish an outstanding contribution, social
social_benefit,                                           benefit, economic benefit (P4.S3)
economic_benefit
title              always                                 obtain a title of rank R today (P5)
=================  =====================================  =============================================

Fixed, never proposed: a certificate, title or honour already held and its
date, class or category; a grade already given (优秀 … 不合格, 当年无考核);
technical work done; cumulative work years (they grow with time only);
the readings and parameters.

What a change can settle and what it cannot.  The answer is three-valued
(SPEC section 4).  An unknown input that a change settles (a pending grade, an
unknown field, honours or certificates not stated, ...) is taken at its least
favourable value, so the change is proposed; an unknown that no change of the
person's settles (whether 等 covers an unlisted field under ``field_list=open``,
a past date or contest class not stated, whether a prize counts as a medal, the
notice's date, an unset parameter) is taken at its most favourable value,
since changing the person cannot decide it.  A set is therefore smallest for
"yes, or unknown only through what no change can decide": the status after
each set is reported with what it still depends on.  An empty set means no
change of the person's is needed.

A new post.  Taking up a post and moving to a post in a listed field are the
same change to the post: it is held from ``as_of``, and each assessment is
read against that date as SPEC section 4 (v2) reads ``current_post.since``: a
year that ended before it was not at the new post (it fails under
``assessment_post=current_post``), the year it began in would be unknown and
is counted as not at the post (so that the date given is the date it is yes
for certain), later years were at it.  So under the
default reading the three years of 在现工作岗位上近3年 start again, and the
change set also holds the grades of the years to come (e.g. a post taken on
2026-07-01 and 2027-2029 assessed 合格: yes from 2030-01-01); under
``assessment_post=any_post`` the past years still count.  These changes are
*post changes* (`POST_KINDS`): at most one of them is made (kb/whatif.lp),
and they are applied after the others, so that the grades received are read
against the new post.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from clingo import Function, Number, Symbol

from pyagent.engine.facts import BEST, BOTH, WORST, Fact
from pyagent.input.model import Assessment, Certificate, Honour, Person, Post, Title
from pyagent.input.vocab import FIELDS, GRADES, HONOURS, LEVELS, RANKS

# Input predicates a change of the person's can settle: their unknowns are taken at worst.
CHANGEABLE = frozenset(
    {
        "certificate",
        "field",
        "current_post",
        "post_occupation",
        "assessment",
        "grade_may_pass",
        "honour",
        "outstanding_contribution",
        "benefit",
        "title",
    }
)

KINDS = (
    "certificate",
    "grade",
    "field",
    "post",
    "honour",
    "contribution",
    "social_benefit",
    "economic_benefit",
    "title",
)
# Which grades pass and which honours count is the knowledge base's to say (kb/p2_gate.lp,
# kb/p4_green_channel.lp, under the readings in force): every grade that can be given and every
# honour of the vocabulary is a candidate; the solver keeps those that would make the answer
# yes, and `_check` keeps, of those, the values that do so when the set is answered afresh.
GIVEN_GRADES = tuple(g for g in GRADES.codes if g not in ("pending", "none"))
STATED = "stated"  # the occupation of a post taken up by a change: stated, its text unknown
# Changes that set the post (module docstring, "A new post"): one at most, applied last.
POST_KINDS = frozenset({"field", "post"})


# -- the change model ------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """One value of one slot, and how it changes the person."""

    slot: Symbol
    value: Symbol
    kind: str
    place: str
    code: str
    apply: Callable[[Person], Person]


def _add_certificate(level: str, now: dt.date, p: Person) -> Person:
    occupation = p.current_post.occupation if isinstance(p.current_post, Post) else None
    new = Certificate(level, "skill_level", now, occupation)
    return replace(p, certificates=(*(p.certificates or ()), new))


def _grade(year: int, grade: str, now: dt.date, day: dt.date, p: Person) -> Person:
    listed = p.annual_assessments
    if listed is None:
        return replace(p, annual_assessments=(Assessment(year, grade),))
    if not listed:  # the past years are known to have had none
        past = tuple(Assessment(y, "none") for y in range(day.year - 3, now.year))
        return replace(p, annual_assessments=(*past, Assessment(year, grade)))
    out: list[Assessment] = []
    done = False
    for a in listed:
        if a.year == year:  # a pending year: its grade arrives, at the post it was held at
            out.append(replace(a, grade=grade))
            done = True
        else:
            out.append(a)
    if not done:  # at the post as the case leaves it: not stated (a post change restates it)
        out.append(Assessment(year, grade))
    return replace(p, annual_assessments=tuple(out))


def at_post_since(year: int, since: dt.date) -> bool | None:
    """Was ``year``'s assessment at a post held since ``since``?  SPEC section 4 (v2): the
    post began on or before 1 January: yes; after 31 December: no; during the year: None
    (unknown)."""
    if since <= dt.date(year, 1, 1):
        return True
    if since > dt.date(year, 12, 31):
        return False
    return None


def _new_post(now: dt.date, field: str | None, p: Person) -> Person:
    """A post held from ``now`` (in ``field``): each assessment is read against its date."""
    listed = p.annual_assessments
    if listed:  # the year it begins in: unknown by SPEC section 4, counted as not at it
        listed = tuple(replace(a, at_current_post=bool(at_post_since(a.year, now))) for a in listed)
    return replace(p, field=field, current_post=Post(now, STATED), annual_assessments=listed)


def _move_field(field: str, now: dt.date, p: Person) -> Person:
    return _new_post(now, field, p)


def _take_post(now: dt.date, p: Person) -> Person:
    post = p.current_post
    if isinstance(post, Post):  # the post stays; its occupation is stated
        return replace(p, current_post=replace(post, occupation=post.occupation or STATED))
    return _new_post(now, p.field, p)


def _add_honour(code: str, p: Person) -> Person:
    contest_class = "i" if code.startswith("national_contest_") else None
    category = "high_skill" if code == "state_council_allowance" else None
    return replace(p, honours=(*(p.honours or ()), Honour(code, contest_class, category)))


def _set_true(name: str, p: Person) -> Person:
    flag: dict[str, Any] = {name: True}  # one of the person's flags, by name
    return replace(p, **flag)


def _add_title(rank: str, now: dt.date, p: Person) -> Person:
    return replace(p, titles=(*(p.titles or ()), Title(rank, p.field, now)))


def gradeable_years(person: Person, now: dt.date, day: dt.date) -> list[int]:
    """The years a grade can still be received for, answering on ``day``, asked on ``now``."""
    window = set(range(day.year - 3, day.year))
    listed = person.annual_assessments
    if listed is None:
        return sorted(window)
    if not listed:
        return sorted(y for y in window if y >= now.year)
    graded = {a.year for a in listed if a.grade != "pending"}
    pending = {a.year for a in listed if a.grade == "pending" and a.year < day.year}
    return sorted((window - graded) | pending)


def candidates(person: Person, now: dt.date, day: dt.date | None = None) -> list[Candidate]:
    """Every change the change model offers this person (module docstring), in slot order."""
    day = day or now
    out: list[Candidate] = []

    def add(
        slot: Symbol, value: str, kind: str, place: str, apply: Callable[[Person], Person]
    ) -> None:
        out.append(Candidate(slot, Function(value), kind, place, value, apply))

    for level in LEVELS.codes:
        add(
            Function("certificate"),
            level,
            "certificate",
            "certificates",
            partial(_add_certificate, level, now),
        )
    for year in gradeable_years(person, now, day):
        for grade in GIVEN_GRADES:
            add(
                Function("grade", [Number(year)]),
                grade,
                "grade",
                f"annual_assessments.{year}",
                partial(_grade, year, grade, now, day),
            )
    if person.field is None or person.field not in FIELDS.aliases:
        for field in FIELDS.codes:
            add(Function("field"), field, "field", "field", partial(_move_field, field, now))
    post = person.current_post
    if not isinstance(post, Post) or post.occupation is None:
        # a post held whose occupation is not stated: the change states it (the post stays)
        place = "current_post.occupation" if isinstance(post, Post) else "current_post"
        add(Function("post"), "true", "post", place, partial(_take_post, now))
    for code in HONOURS.codes:
        add(Function("honour"), code, "honour", "honours", partial(_add_honour, code))
    for name, kind in (
        ("outstanding_contribution", "contribution"),
        ("social_benefit", "social_benefit"),
        ("economic_benefit", "economic_benefit"),
    ):
        if getattr(person, name) is not True:
            add(Function(kind), "true", kind, name, partial(_set_true, name))
    for rank in RANKS.codes:
        add(Function("title"), rank, "title", "titles", partial(_add_title, rank, now))
    return out


def in_order(chosen: Iterable[Candidate]) -> list[Candidate]:
    """The order changes are applied in: a post change last, so that the grades received
    are read against the new post (module docstring)."""
    return sorted(chosen, key=lambda c: c.kind in POST_KINDS)


def apply_changes(person: Person, chosen: Iterable[Candidate]) -> Person:
    """The person once the chosen changes are made (a post change last)."""
    for c in in_order(chosen):
        person = c.apply(person)
    return person


# -- facts in the target completion ----------------------------------------------
FactKey = tuple[str, tuple[Symbol, ...]]


def target_facts(facts: Iterable[Fact]) -> dict[FactKey, Fact]:
    """The facts of the completion a what-if works in: what a change can settle at its
    least favourable value, what no change can settle at its most favourable."""
    out: dict[FactKey, Fact] = {}
    for f in facts:
        changeable = f.predicate in CHANGEABLE
        if (
            f.world == BOTH
            or (f.world == BEST and not changeable)
            or (f.world == WORST and changeable)
        ):
            out[(f.predicate, f.arguments)] = f
    return out
