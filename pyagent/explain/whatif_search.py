"""What-if's search: the abduction over kb/whatif.lp, and the dates by time alone.

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
from collections.abc import Callable, Sequence
from dataclasses import fields, replace

import clingo
from clingo import Function, Symbol

from pyagent.engine.facts import BEST, REPORT_DATE, WORST, Fact, global_facts, person_facts
from pyagent.engine.questions import Question
from pyagent.engine.solve import GroundingError, add_facts, control, person_term
from pyagent.explain.tree import NO, UNKNOWN, YES
from pyagent.explain.whatif_changes import (
    POST_KINDS,
    Candidate,
    FactKey,
    candidates,
    target_facts,
)
from pyagent.input.duration import calendar_months
from pyagent.input.model import Case, Person, Post
from pyagent.kb import kb_dir

HORIZON_YEARS = 10
MAX_COMBINATIONS = 512  # value combinations read per set of slots


# -- abduction ---------------------------------------------------------------------
def _touched(before: Person, after: Person) -> frozenset[str]:
    """The inputs of the person that a change rewrites."""
    return frozenset(
        f.name for f in fields(Person) if getattr(before, f.name) != getattr(after, f.name)
    )


class _Abduction:
    """One person, one question, one date: the ground program of kb/whatif.lp."""

    def __init__(self, person: Person, case: Case, question: Question, day: dt.date) -> None:
        self.person = person
        self.case = case
        self.question = question
        self.day = day

        def facts(p: Person) -> dict[FactKey, Fact]:
            return target_facts(person_facts(p, day, case.parameters))

        self.base = facts(person)
        self.candidates = candidates(person, case.as_of, day)
        applied = [c.apply(person) for c in self.candidates]
        touched = [_touched(person, after) for after in applied]
        # A post change sets the post: the others' facts are read once without one (None) and,
        # for those touching what it touches (the assessments), once more under each of them.
        self.posts = [k for k, c in enumerate(self.candidates) if c.kind in POST_KINDS]
        self.bases: dict[int | None, set[FactKey]] = {None: set(self.base)}
        for x in self.posts:
            self.bases[x] = set(facts(applied[x]))
        self.deltas: dict[tuple[int | None, int], tuple[set[FactKey], set[FactKey]]] = {}
        for k, c in enumerate(self.candidates):
            if k in self.posts:
                continue
            after = set(facts(applied[k]))
            self.deltas[(None, k)] = (after - self.bases[None], self.bases[None] - after)
            for x in self.posts:
                if touched[k] & touched[x]:
                    both = set(facts(self.candidates[x].apply(applied[k])))
                    self.deltas[(x, k)] = (both - self.bases[x], self.bases[x] - both)
        self.slots: list[Symbol] = []
        for c in self.candidates:
            if c.slot not in self.slots:
                self.slots.append(c.slot)
        self.ctl = self._ground()

    def _delta(self, context: int | None, k: int) -> tuple[set[FactKey], set[FactKey]]:
        return self.deltas.get((context, k)) or self.deltas[(None, k)]

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
            # the post in force: none changed (an atom of its own), or the post change made
            context_lit: dict[int | None, int] = {None: lit()}
            backend.add_rule([context_lit[None]], [-change_lit[x] for x in self.posts])
            for x in self.posts:
                context_lit[x] = change_lit[x]
                backend.add_rule([lit(Function("post_change", [self.candidates[x].slot]))])
            plain = [k for k in range(len(self.candidates)) if k not in self.posts]
            for context, base in self.bases.items():
                taken_by: dict[FactKey, list[int]] = {}
                for k in plain:
                    for key in self._delta(context, k)[1]:
                        taken_by.setdefault(key, []).append(change_lit[k])
                for key in sorted(base):
                    body = [context_lit[context], *[-x for x in taken_by.get(key, [])]]
                    backend.add_rule([lit(atom(*key))], body)
            for k, c in enumerate(self.candidates):
                backend.add_rule([lit(Function("candidate", [c.slot, c.value]))])
            for k in plain:
                if not any((x, k) in self.deltas for x in self.posts):
                    for key in sorted(self.deltas[(None, k)][0]):  # the same under any post
                        backend.add_rule([lit(atom(*key))], [change_lit[k]])
                    continue
                for context in self.bases:
                    for key in sorted(self._delta(context, k)[0]):
                        backend.add_rule([lit(atom(*key))], [change_lit[k], context_lit[context]])
            backend.add_rule([lit(Function("goal", [term, self.question.term]))])
        ctl.ground([("base", [])])
        if messages:
            raise GroundingError("clingo: " + "\n".join(messages))
        return ctl

    def satisfiable(self) -> bool:
        conf = _solve_options(self.ctl)
        conf.opt_mode, conf.models, conf.project = "ignore", "1", "no"
        return bool(self.ctl.solve().satisfiable)

    def slot_sets(self, limit: int) -> list[tuple[Symbol, ...]]:
        """Every optimal set of slots (projected enumeration), up to ``limit``."""
        conf = _solve_options(self.ctl)
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
        conf = _solve_options(self.ctl)
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
    whole months elapsed while the person holds a post or works on (technical work ongoing),
    so a stated 9.5 is 10 half a year on (the rules count the sum in whole years)."""
    years = person.cumulative_work_years
    working = isinstance(person.current_post, Post) or any(
        p.end is None for p in person.technical_work or ()
    )
    if years is None or not working or day <= now:
        return person
    months, _ = calendar_months(now, day)
    return replace(person, cumulative_work_years=(years * 12 + months) / 12)


def held_by(person: Person, now: dt.date) -> tuple[Person, tuple[str, ...]]:
    """The person with each certificate the case holds without a date dated ``now``: held on
    the date asked, so obtained then at the latest, the worst it can be for the time counted
    after it; and the places of those dates (``certificates[0].obtained``)."""
    certificates = person.certificates or ()
    undated = [k for k, c in enumerate(certificates) if c.obtained is None]
    if not undated:
        return person, ()
    dated = tuple(replace(c, obtained=now) if c.obtained is None else c for c in certificates)
    return replace(person, certificates=dated), tuple(
        f"certificates[{k}].obtained" for k in undated
    )


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


def _solve_options(ctl: clingo.Control) -> clingo.Configuration:
    """clingo's solve options (``configuration.solve``, typed ``str | Configuration | None``:
    any key of the configuration may be either)."""
    conf = ctl.configuration.solve
    assert isinstance(conf, clingo.Configuration)
    return conf
