"""What would change the answer: the smallest changes, and the earliest date.

>>> from pyagent.input.case import load_case
>>> from pyagent.explain.whatif import what_if
>>> w = what_if(load_case("queries/demo.yaml"), "li_senior_worker", "title.participate")
>>> w.status, w.size, [(c.kind, c.place, c.values) for c in w.sets[0].changes]
('unknown', 1, [('grade', 'annual_assessments.2025', ('excellent', 'qualified'))])
>>> w.earliest.date is None          # 2025 stays pending: time alone never makes it yes
True

For an answer that is no or unknown, `what_if` finds

- **the smallest sets of changes** to the person's situation that would make it
  yes, by abduction with clingo: the person is grounded into ``kb/main.lp``
  together with ``kb/whatif.lp``, every change the change model offers becomes a
  choice whose facts are added (and whose superseded facts are taken away)
  through the backend, the answer is required, and the number of inputs changed
  is minimised; every optimal set is enumerated (the ties), up to ``max_sets``.
  Each set is then applied to the person and answered afresh, which confirms it
  and gives, from the explanation of that answer, the clauses each change
  satisfies;
- **the earliest date** on which the answer becomes yes if nothing changes but
  time, or ``None`` ("never, by time alone") with the reason.

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
field              the field is unknown or unlisted       move to a post in listed field F (the field
                                                          fact is replaced; the assessments are taken
                                                          to carry over, see below)
post               no post, unknown post, or a post       hold a post with a stated occupation (工种);
                   whose occupation is not stated         from ``current_post: none`` the past years
                                                          were not at that post
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

Moving to a post in another field: the three assessment years are taken to
carry over (as under ``assessment_post=any_post``, or a post whose field is
re-designated); a move that restarts 在现工作岗位上近3年 is not modelled.

Time.  "Nothing changes but time": the person is answered again on later
dates; technical work that is ongoing continues, ``cumulative_work_years``
grows by the whole years elapsed when the person holds a post or works on,
years not yet graded stay pending (unknown).  Between two consecutive
*breakpoints* (1 January of each year, the report date, the dates on which a
stated certificate or title is obtained) nothing but the months and years
counted changes, and they only grow, so the answer can only improve: the
search answers the last day before each breakpoint and, in the first stretch
that reaches yes, finds the day by bisection.  The horizon is
`HORIZON_YEARS` years after ``as_of``.  When no change makes the answer yes
today, the same search finds the first date on which some set of changes made
today does, and the sets are given for that date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial

import clingo
from clingo import Function, Number, Symbol

from pyagent.explain.answers import SolvedCase, resolved_readings, solve_case
from pyagent.input.duration import calendar_months
from pyagent.errors import InputError
from pyagent.explain.tree import NO, UNKNOWN, YES, Node, walk
from pyagent.engine.facts import BEST, BOTH, REPORT_DATE, WORST, Fact, global_facts, person_facts
from pyagent.kb import kb_dir
from pyagent.input.model import (
    NO_POST,
    Assessment,
    Case,
    Certificate,
    Honour,
    Person,
    Post,
    Title,
)
from pyagent.engine.questions import Question, question_of
from pyagent.engine.solve import GroundingError, add_facts, control, person_term
from pyagent.input.vocab import FIELDS, GRADES, HONOURS, LEVELS, RANKS

SCHEMA = "pyagent.whatif/1"
HORIZON_YEARS = 10
MAX_SLOT_SETS = 64  # optimal sets of slots read per search (each then verified)
MAX_COMBINATIONS = 512  # value combinations read per set of slots

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


# -- the result ------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One change of a set: an input of the person and the values, each of which would do."""

    kind: str  # one of KINDS
    place: str  # the input it settles, relative to the person: "annual_assessments.2025"
    values: tuple[str, ...]  # codes (a level, a grade, a field, ...); "true" for a proposition
    clauses: tuple[str, ...]  # the clauses the change satisfies ("P2.S3.a"), in the notice's order


@dataclass(frozen=True)
class ChangeSet:
    """A smallest set of changes and the answer once they are made."""

    changes: tuple[Change, ...]
    status: str  # yes, or unknown (only through what no change can decide)
    depends_on: tuple[str, ...]  # unknown inputs the answer still depends on


@dataclass(frozen=True)
class Reason:
    """A condition that stands in the way: the clause and the condition, with its values."""

    clause: str | None  # "P3.S1"; None for what an unknown answer depends on
    condition: str


@dataclass(frozen=True)
class Earliest:
    """When the answer becomes yes if nothing changes but time."""

    date: dt.date | None  # None: never, by time alone, up to the horizon
    horizon: dt.date
    possible_from: (
        dt.date | None
    )  # the first date it is at least unknown, when the answer is no now
    reason: tuple[Reason, ...]  # when never: what still stands in the way at the horizon


@dataclass(frozen=True)
class WhatIf:
    source: str
    as_of: dt.date
    readings: Mapping[str, str]
    person: str
    question: str
    status: str  # the answer now
    clauses: tuple[str, ...]
    depends_on: tuple[str, ...]
    sets_on: dt.date | None  # the date on which the sets make it yes (as_of, or later: time too)
    size: int | None  # changes in each smallest set; None: no set within the horizon
    sets: tuple[ChangeSet, ...]
    more: bool  # more smallest sets than max_sets
    earliest: Earliest

    @property
    def already_yes(self) -> bool:
        return self.status == YES

    def to_json(self) -> dict:
        """The ``pyagent.whatif/1`` document."""
        e = self.earliest
        return {
            "schema": SCHEMA,
            "as_of": self.as_of.isoformat(),
            "readings": dict(self.readings),
            "person": self.person,
            "question": self.question,
            "status": self.status,
            "clauses": list(self.clauses),
            "depends_on": list(self.depends_on),
            "already_yes": self.already_yes,
            "changes": {
                "on": _iso(self.sets_on),
                "size": self.size,
                "sets": [
                    {
                        "changes": [
                            {
                                "kind": c.kind,
                                "place": c.place,
                                "values": list(c.values),
                                "clauses": list(c.clauses),
                            }
                            for c in s.changes
                        ],
                        "status": s.status,
                        "depends_on": list(s.depends_on),
                    }
                    for s in self.sets
                ],
                "more": self.more,
            },
            "earliest": {
                "date": _iso(e.date),
                "horizon": e.horizon.isoformat(),
                "possible_from": _iso(e.possible_from),
                "reason": [{"clause": r.clause, "condition": r.condition} for r in e.reason],
            },
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


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
    at_post = p.current_post is not NO_POST
    listed = p.annual_assessments
    if listed is None:
        return replace(p, annual_assessments=(Assessment(year, grade, at_post),))
    if not listed:  # the past years are known to have had none
        past = tuple(Assessment(y, "none") for y in range(day.year - 3, now.year))
        return replace(p, annual_assessments=(*past, Assessment(year, grade, at_post)))
    out: list[Assessment] = []
    done = False
    for a in listed:
        if a.year == year:  # a pending year: its grade arrives, at the post it was held at
            out.append(Assessment(year, grade, a.at_current_post))
            done = True
        else:
            out.append(a)
    if not done:
        out.append(Assessment(year, grade, at_post))
    return replace(p, annual_assessments=tuple(out))


def _move_field(field: str, p: Person) -> Person:
    return replace(p, field=field)


def _take_post(now: dt.date, p: Person) -> Person:
    post = p.current_post
    if isinstance(post, Post):
        return replace(p, current_post=replace(post, occupation=post.occupation or STATED))
    listed = p.annual_assessments
    if post is NO_POST and listed:  # the years before were not at the post taken up now
        listed = tuple(replace(a, at_current_post=False) for a in listed)
    return replace(p, current_post=Post(now, STATED), annual_assessments=listed)


def _add_honour(code: str, p: Person) -> Person:
    contest_class = "i" if code.startswith("national_contest_") else None
    category = "high_skill" if code == "state_council_allowance" else None
    return replace(p, honours=(*(p.honours or ()), Honour(code, contest_class, category)))


def _set_true(name: str, p: Person) -> Person:
    return replace(p, **{name: True})


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
            add(Function("field"), field, "field", "field", partial(_move_field, field))
    post = person.current_post
    if not isinstance(post, Post) or post.occupation is None:
        add(Function("post"), "true", "post", "current_post", partial(_take_post, now))
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


def apply_changes(person: Person, chosen: Iterable[Candidate]) -> Person:
    """The person once the chosen changes are made (in slot order)."""
    for c in chosen:
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


# -- abduction ---------------------------------------------------------------------
class _Abduction:
    """One person, one question, one date: the ground program of kb/whatif.lp."""

    def __init__(self, person: Person, case: Case, question: Question, day: dt.date) -> None:
        self.person = person
        self.case = case
        self.question = question
        self.day = day
        self.base = target_facts(person_facts(person, day, case.parameters))
        self.candidates = candidates(person, case.as_of, day)
        self.added: list[set[FactKey]] = []
        self.removed: list[set[FactKey]] = []
        for c in self.candidates:
            changed = target_facts(person_facts(c.apply(person), day, case.parameters))
            self.added.append(set(changed) - set(self.base))
            self.removed.append(set(self.base) - set(changed))
        self.slots: list[Symbol] = []
        for c in self.candidates:
            if c.slot not in self.slots:
                self.slots.append(c.slot)
        self.ctl = self._ground()

    def _ground(self) -> clingo.Control:
        ctl, messages = control()
        ctl.load(str(kb_dir() / "whatif.lp"))
        term = person_term(0, WORST)

        def atom(name: str, args: Sequence[Symbol]) -> Symbol:
            return Function(name, [term, *args])

        with ctl.backend() as backend:
            lit = backend.add_atom
            for s in global_facts(self.day, self.case.readings):
                backend.add_rule([lit(s)])
            change_lit = [lit(Function("change", [c.slot, c.value])) for c in self.candidates]
            taken_by: dict[FactKey, list[int]] = {}
            for k, keys in enumerate(self.removed):
                for key in keys:
                    taken_by.setdefault(key, []).append(change_lit[k])
            for key in self.base:
                head = [lit(atom(*key))]
                backend.add_rule(head, [-x for x in taken_by.get(key, [])])
            for k, c in enumerate(self.candidates):
                backend.add_rule([lit(Function("candidate", [c.slot, c.value]))])
                for key in sorted(self.added[k]):
                    backend.add_rule([lit(atom(*key))], [change_lit[k]])
            backend.add_rule([lit(Function("goal", [term, self.question.term]))])
        ctl.ground([("base", [])])
        if messages:
            raise GroundingError("clingo: " + "\n".join(messages))
        return ctl

    def satisfiable(self) -> bool:
        conf = self.ctl.configuration.solve
        conf.opt_mode, conf.models, conf.project = "ignore", "1", "no"
        return bool(self.ctl.solve().satisfiable)

    def slot_sets(self, limit: int) -> list[tuple[Symbol, ...]]:
        """Every optimal set of slots (projected enumeration), up to ``limit``."""
        conf = self.ctl.configuration.solve
        conf.opt_mode, conf.models, conf.project = "optN", "0", "project"
        found: list[tuple[Symbol, ...]] = []
        with self.ctl.solve(yield_=True) as handle:  # type: ignore[union-attr]
            for m in handle:
                if not m.optimality_proven:
                    continue
                chosen = {s.arguments[0] for s in m.symbols(shown=True) if s.name == "changed"}
                found.append(tuple(s for s in self.slots if s in chosen))
                if len(found) >= limit:
                    break
        order = {s: i for i, s in enumerate(self.slots)}
        return sorted(set(found), key=lambda t: (len(t), [order[s] for s in t]))

    def combinations(self, slots: tuple[Symbol, ...]) -> list[tuple[Candidate, ...]]:
        """Every choice of values for exactly these slots that makes the answer yes."""
        conf = self.ctl.configuration.solve
        conf.opt_mode, conf.models, conf.project = "ignore", "0", "no"
        assumptions = [(Function("changed", [s]), s in slots) for s in self.slots]
        out: list[tuple[Candidate, ...]] = []
        with self.ctl.solve(yield_=True, assumptions=assumptions) as handle:  # type: ignore[union-attr]
            for m in handle:
                chosen = {
                    (s.arguments[0], s.arguments[1])
                    for s in m.symbols(shown=True)
                    if s.name == "change"
                }
                out.append(tuple(c for c in self.candidates if (c.slot, c.value) in chosen))
                if len(out) >= MAX_COMBINATIONS:
                    break
        order = {id(c): i for i, c in enumerate(self.candidates)}
        return sorted(set(out), key=lambda t: [order[id(c)] for c in t])

    def forbid(self, chosen: tuple[Candidate, ...]) -> None:
        """A combination that failed its check is not proposed again."""
        with self.ctl.backend() as backend:
            backend.add_rule(
                [], [backend.add_atom(Function("change", [c.slot, c.value])) for c in chosen]
            )


def _groups(combos: list[tuple[Candidate, ...]]) -> list[list[list[Candidate]]]:
    """Combinations of values for the same slots as groups: one group with every value per
    slot when they combine freely (a product), else one group per combination."""
    if not combos:
        return []
    if not combos[0]:
        return [[]]
    per_slot: list[list[Candidate]] = [[] for _ in combos[0]]
    for combo in combos:
        for i, c in enumerate(combo):
            if all(c is not x for x in per_slot[i]):
                per_slot[i].append(c)
    if len(combos) == math.prod(len(v) for v in per_slot):
        return [per_slot]
    return [[[c] for c in combo] for combo in combos]


# -- answering one person on one date -----------------------------------------------
def _one(case: Case, person: Person, day: dt.date) -> Case:
    return replace(case, as_of=day, persons=(person,))


def _status(case: Case, person: Person, question: Question, day: dt.date) -> str:
    """The answer to one question for one person on ``day``, read off the model directly."""
    ctl, messages = control()
    add_facts(ctl, [person_facts(person, day, case.parameters)], global_facts(day, case.readings))
    ctl.ground([("base", [])])
    if messages:
        raise GroundingError("clingo: " + "\n".join(messages))
    worst = Function("answer", [person_term(0, WORST), question.term])
    best = Function("answer", [person_term(0, BEST), question.term])
    found: list[bool] = []

    def on_model(m: clingo.Model) -> None:
        found[:] = [m.contains(worst), m.contains(best)]

    ctl.solve(on_model=on_model)
    if not found:
        raise GroundingError("the knowledge base has no model for this case (a bug in kb/)")
    return YES if found[0] else UNKNOWN if found[1] else NO


def aged(person: Person, now: dt.date, day: dt.date) -> Person:
    """The person on ``day`` if nothing changes but time: cumulative work years grow by the
    whole years elapsed while the person holds a post or works on (technical work ongoing)."""
    years = person.cumulative_work_years
    working = isinstance(person.current_post, Post) or any(
        p.end is None for p in person.technical_work or ()
    )
    if years is None or not working or day <= now:
        return person
    months, _ = calendar_months(now, day)
    return replace(person, cumulative_work_years=years + months // 12)


def breakpoints(person: Person, now: dt.date, end: dt.date) -> list[dt.date]:
    """The dates after ``now`` on which more than the months counted may change."""
    points = {dt.date(y, 1, 1) for y in range(now.year + 1, end.year + 1)}
    points.add(REPORT_DATE)
    for c in person.certificates or ():
        if c.obtained is not None:
            points.add(c.obtained)
    for t in person.titles or ():
        if t.obtained is not None:
            points.add(t.obtained)
    return sorted(d for d in points if now < d <= end)


def first_date(
    holds: Callable[[dt.date], bool], start: dt.date, points: Sequence[dt.date], end: dt.date
) -> dt.date | None:
    """The first day in [start, end] on which ``holds``, for a ``holds`` that, once true,
    stays true up to the next of ``points`` (a monotone stretch).  Answers the last day of
    each stretch and bisects the first stretch that holds."""
    if holds(start):
        return start
    bounds = [start, *[p for p in points if start < p <= end]]
    one = dt.timedelta(days=1)
    for i, lo in enumerate(bounds):
        hi = bounds[i + 1] - one if i + 1 < len(bounds) else end
        if hi < lo or not holds(hi):
            continue
        a, b = (lo + one if i == 0 else lo), hi
        while a < b:
            mid = a + (b - a) // 2
            if holds(mid):
                b = mid
            else:
                a = mid + one
        return b
    return None


def _horizon(now: dt.date) -> dt.date:
    try:
        return now.replace(year=now.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        return now.replace(year=now.year + HORIZON_YEARS, day=28)


# -- reasons ---------------------------------------------------------------------------
def _reasons(solved: SolvedCase, node: Node) -> tuple[Reason, ...]:
    """What stands in the way: for no, the failed conditions that rest on no other
    conclusion (tests, inputs); for unknown, the unknown inputs."""
    refs = solved.clause_refs()
    term_texts = [str(person_term(0, w)) for w in (WORST, BEST)]

    def clean(text: str) -> str:
        for t in term_texts:
            text = text.replace(t, "P")
        return text

    out: list[Reason] = []
    if node.status == UNKNOWN:
        from pyagent.explain.tree import unknown_inputs

        return tuple(Reason(None, f"depends on {p}") for p in sorted(unknown_inputs(node)))
    for n, _ in walk(node):
        for way in n.ways:
            if way.status != NO:
                continue
            for c in way.conditions:
                if c.status != NO or (c.node is not None and c.node.derived and c.node.ways):
                    continue  # explained further down the tree
                if c.kind == "atom" and c.text.startswith("reading("):
                    continue  # a reading not in force: that rule does not apply
                clause = refs[way.clause][0] if way.clause in refs else None
                r = Reason(clause, clean(c.text))
                if r not in out:
                    out.append(r)
    return tuple(out)


def _clauses_of(solved: SolvedCase, node: Node, paths: set[str]) -> tuple[str, ...]:
    """The clauses of the rules that use the inputs at ``paths`` in the explanation."""
    refs = solved.clause_refs()
    kinds = solved.clause_kinds()
    leaves = {n.key: n.leaves for n, _ in walk(node) if not n.repeated}
    found: set[str] = set()
    for n, way in walk(node):
        if way is None or way.clause is None or kinds.get(way.clause) == "contract":
            continue
        if any(leaf.path in paths for leaf in leaves.get(n.key, ())):
            found.add(way.clause)
    return tuple(refs[c][0] for c in sorted(found, key=lambda c: refs[c][1]) if c in refs)


# -- the what-if -----------------------------------------------------------------------
def select_person(case: Case, person_id: str | None) -> Person:
    """The person asked about: ``person_id``, or the only person of the case."""
    if person_id is None:
        if len(case.persons) == 1:
            return case.persons[0]
        ids = ", ".join(p.id for p in case.persons)
        raise InputError(
            case.source,
            "",
            f"the case has {len(case.persons)} persons; choose one with --person ({ids})",
        )
    return case.person(person_id)


def _change_sets(
    case: Case, person: Person, question: Question, day: dt.date, max_sets: int
) -> tuple[int | None, tuple[ChangeSet, ...], bool]:
    """The smallest sets of changes (made on as_of) that make the answer yes on ``day``."""
    ab = _Abduction(person, case, question, day)
    accepted: list[ChangeSet] = []
    more = False
    size: int | None = None
    for _ in range(8):  # a set that fails its check is forbidden and the search repeated
        slot_sets = ab.slot_sets(max(MAX_SLOT_SETS, max_sets + 1))
        if not slot_sets:
            return size, tuple(accepted), more
        size = len(slot_sets[0])
        rejected = False
        for slots in slot_sets:
            for group in _groups(ab.combinations(slots)):
                if len(accepted) >= max_sets:
                    return size, tuple(accepted), True
                checked = _check(case, person, question, day, group)
                if checked is None:
                    ab.forbid(tuple(values[0] for values in group))
                    rejected = True
                    continue
                accepted.append(checked)
        if accepted or not rejected:
            break
    return (size if accepted else None), tuple(accepted), more


def _check(
    case: Case,
    person: Person,
    question: Question,
    day: dt.date,
    group: list[list[Candidate]],
) -> ChangeSet | None:
    """Apply a set (its first values) to the person and answer afresh: the status after it,
    and the clauses each change satisfies; None when the set does not make it yes."""
    changed = person
    before = set(target_facts(person_facts(changed, day, case.parameters)))
    added: list[set[str]] = []  # the inputs each change adds, made one after the other
    for values in group:
        changed = values[0].apply(changed)
        after = target_facts(person_facts(changed, day, case.parameters))
        added.append({f.path or f.predicate for key, f in after.items() if key not in before})
        before = set(after)
    solved = solve_case(_one(case, changed, day))
    answer = solved.answer(0, question)
    if answer.status == NO:
        return None
    node = solved.explain(0, question)
    kept = [_values_that_do(case, person, question, day, group, i, answer.status) for i in range(len(group))]
    changes = tuple(
        Change(
            values[0].kind,
            values[0].place,
            tuple(v.code for v in values),
            _clauses_of(solved, node, paths),
        )
        for values, paths in zip(kept, added)
    )
    return ChangeSet(changes, answer.status, answer.depends_on)


def _values_that_do(
    case: Case,
    person: Person,
    question: Question,
    day: dt.date,
    group: list[list[Candidate]],
    slot: int,
    status: str,
) -> list[Candidate]:
    """The values of one change that give the set's status when answered afresh, the other
    changes at their first values: a value the abduction accepted only through an unknown no
    change can settle (a prize that may or may not count as a medal) is not listed."""
    values = group[slot]
    out = [values[0]]
    for v in values[1:]:
        changed = person
        for i, vs in enumerate(group):
            changed = (v if i == slot else vs[0]).apply(changed)
        if _status(case, changed, question, day) == status:
            out.append(v)
    return out


def what_if(case: Case, person_id: str | None, question_id: str, *, max_sets: int = 5) -> WhatIf:
    """What would make ``question_id`` yes for the person: the smallest sets of changes, and
    the earliest date by time alone (module docstring)."""
    if max_sets < 1:
        raise InputError("--max", str(max_sets), "must be at least 1")
    question = question_of(question_id)
    person = select_person(case, person_id)
    now = case.as_of
    horizon = _horizon(now)
    solved = solve_case(_one(case, person, now))
    answer = solved.answer(0, question)
    readings = resolved_readings(case.readings)

    def result(**kw) -> WhatIf:
        return WhatIf(
            case.source,
            now,
            readings,
            person.id,
            question.id,
            answer.status,
            answer.clauses,
            answer.depends_on,
            **kw,
        )

    if answer.status == YES:
        return result(
            sets_on=now, size=0, sets=(), more=False, earliest=Earliest(now, horizon, now, ())
        )

    points = breakpoints(person, now, horizon)
    statuses: dict[dt.date, str] = {now: answer.status}

    def status_on(day: dt.date) -> str:
        if day not in statuses:
            statuses[day] = _status(case, aged(person, now, day), question, day)
        return statuses[day]

    yes_on = first_date(lambda d: status_on(d) == YES, now, points, horizon)
    possible = first_date(lambda d: status_on(d) != NO, now, points, horizon)
    reason: tuple[Reason, ...] = ()
    if yes_on is None:  # why not: what it depends on once possible, else what fails at the end
        then = possible or horizon
        at = solve_case(_one(case, aged(person, now, then), then))
        reason = _reasons(at, at.explain(0, question))
    earliest = Earliest(yes_on, horizon, possible, reason)

    size, sets, more = _change_sets(case, person, question, now, max_sets)
    sets_on: dt.date | None = now
    if size is None:  # nothing today: the first date some set of changes made today does it
        end = yes_on or horizon
        sat: dict[dt.date, bool] = {now: False}

        def feasible(day: dt.date) -> bool:
            if day not in sat:
                sat[day] = _Abduction(aged(person, now, day), case, question, day).satisfiable()
            return sat[day]

        sets_on = first_date(feasible, now, points, end)
        if sets_on is not None:
            size, sets, more = _change_sets(
                case, aged(person, now, sets_on), question, sets_on, max_sets
            )
            if size is None:
                sets_on = None
    return result(sets_on=sets_on, size=size, sets=sets, more=more, earliest=earliest)
