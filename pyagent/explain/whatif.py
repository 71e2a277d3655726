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

The module is split along its seams: the change model in
:mod:`pyagent.explain.whatif_changes`, the search (abduction with clingo, and time) in
:mod:`pyagent.explain.whatif_search`, the phrasing of what stands in the way in
:mod:`pyagent.explain.whatif_phrasing`; this module holds the result and puts them together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from pyagent.errors import InputError, listed, msg
from pyagent.engine.facts import person_facts
from pyagent.engine.questions import Question, question_of
from pyagent.explain.answers import resolved_readings, solve_case
from pyagent.explain.tree import NO, YES
from pyagent.explain.whatif_changes import (
    KINDS,
    POST_KINDS,
    Candidate,
    apply_changes,
    candidates,
    target_facts,
)
from pyagent.explain.whatif_clauses import clauses_of
from pyagent.explain.whatif_phrasing import Reason, reasons
from pyagent.explain.whatif_search import (
    HORIZON_YEARS,
    _Abduction,
    _groups,
    _horizon,
    _one,
    _status,
    aged,
    breakpoints,
    first_date,
    held_by,
)
from pyagent.input.model import Case, Person

__all__ = [  # the public names, importable from here wherever they are defined
    "HORIZON_YEARS",
    "KINDS",
    "SCHEMA",
    "Candidate",
    "Change",
    "ChangeSet",
    "Earliest",
    "Reason",
    "WhatIf",
    "aged",
    "apply_changes",
    "breakpoints",
    "candidates",
    "first_date",
    "select_person",
    "target_facts",
    "what_if",
]

SCHEMA = "pyagent.whatif/1"
MAX_SLOT_SETS = 64  # optimal sets of slots read per search (each then verified)


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
class Earliest:
    """When the answer becomes yes if nothing changes but time."""

    date: dt.date | None  # None: never, by time alone, up to the horizon
    horizon: dt.date
    possible_from: (
        dt.date | None
    )  # the first date it is at least unknown, when the answer is no now
    reason: tuple[Reason, ...]  # when never: what still stands in the way at the horizon
    # the inputs the date rests on taken at their latest (an undated certificate: as_of)
    assumed: tuple[str, ...] = ()


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
    lang: str = "en"  # the language of the reasons
    record: Person | None = field(default=None, repr=False, compare=False)  # the person as stated

    @property
    def already_yes(self) -> bool:
        return self.status == YES

    def to_json(self) -> dict:
        """The ``pyagent.whatif/1`` document."""
        e = self.earliest
        return {
            "schema": SCHEMA,
            "lang": self.lang,
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
                "assumed": list(e.assumed),
                "reason": [
                    {
                        "clause": r.clause,
                        "condition": r.condition,
                        "inputs": list(r.inputs),
                        "kind": r.kind,
                    }
                    for r in e.reason
                ],
            },
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


# -- the what-if -----------------------------------------------------------------------
def select_person(case: Case, person_id: str | None) -> Person:
    """The person asked about: ``person_id``, or the only person of the case."""
    if person_id is None:
        if len(case.persons) == 1:
            return case.persons[0]
        ids = listed(p.id for p in case.persons)
        raise InputError(
            case.source,
            "",
            msg(
                "the case has {n} persons; choose one with --person ({ids})",
                "案例中有{n}人；请用 --person 选择一人（{ids}）",
                n=len(case.persons),
                ids=ids,
            ),
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
    and the clauses each change satisfies; None when the set does not make it yes.  A post
    change is made last (the grades are read against it) and shown first."""
    group = sorted(group, key=lambda values: values[0].kind in POST_KINDS)
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
    kept = [
        _values_that_do(case, person, question, day, group, i, answer.status)
        for i in range(len(group))
    ]
    changes = tuple(
        Change(
            values[0].kind,
            values[0].place,
            tuple(v.code for v in values),
            clauses_of(solved, node, paths),
        )
        for values, paths in zip(kept, added)
    )
    changes = tuple(sorted(changes, key=lambda c: c.kind not in POST_KINDS))
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


def what_if(
    case: Case, person_id: str | None, question_id: str, *, max_sets: int = 5, lang: str = "en"
) -> WhatIf:
    """What would make ``question_id`` yes for the person: the smallest sets of changes, and
    the earliest date by time alone (module docstring).  ``lang`` (en, zh) is the language
    of the reasons (what stands in the way)."""
    if max_sets < 1:
        raise InputError("--max", str(max_sets), msg("must be at least 1", "至少为1"))
    if lang not in ("en", "zh"):
        raise InputError(
            "--lang",
            "",
            msg(
                "{lang!r} is not a language; use en or zh",
                "{lang!r}不是可用的语言；请用 en 或 zh",
                lang=lang,
            ),
        )
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
            lang=lang,
            record=person,
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

    # yes on a later day is yes whatever the unstated dates: a certificate the case holds
    # without a date was obtained on as_of at the latest, its worst (never "0 months" for ever)
    held, assumed = held_by(person, now)
    yes_statuses: dict[dt.date, str] = {}

    def yes_on_day(day: dt.date) -> bool:
        if not assumed:
            return status_on(day) == YES
        if day not in yes_statuses:
            yes_statuses[day] = _status(case, aged(held, now, day), question, day)
        return yes_statuses[day] == YES or status_on(day) == YES

    yes_on = first_date(yes_on_day, now, points, horizon)
    possible = first_date(lambda d: status_on(d) != NO, now, points, horizon)
    reason: tuple[Reason, ...] = ()
    if yes_on is None:  # why not: what it depends on once possible, else what fails at the end
        then = possible or horizon
        at = solve_case(_one(case, aged(person, now, then), then))
        reason = reasons(at, at.explain(0, question), question.id, lang)
    used = assumed if yes_on is not None and yes_on != now else ()
    earliest = Earliest(yes_on, horizon, possible, reason, used)

    size, sets, more = _change_sets(case, person, question, now, max_sets)
    sets_on: dt.date | None = now
    if size is None:  # nothing today: the first date some set of changes made today does it
        end = yes_on or horizon
        sat: dict[dt.date, bool] = {now: False}

        # on a later day a certificate the case holds without a date was obtained by the date
        # asked (`held`), as for time alone: never "obtained any day up to then", which would
        # leave open what the case already settles
        def feasible(day: dt.date) -> bool:
            if day not in sat:
                sat[day] = _Abduction(aged(held, now, day), case, question, day).satisfiable()
            return sat[day]

        sets_on = first_date(feasible, now, points, end)
        if sets_on is not None:
            size, sets, more = _change_sets(
                case, aged(held, now, sets_on), question, sets_on, max_sets
            )
            if size is None:
                sets_on = None
    return result(sets_on=sets_on, size=size, sets=sets, more=more, earliest=earliest)
