"""Pins solved together: the cases of pins asked on the same date under the same readings are
grounded in one clingo solve (persons are independent in the knowledge base), which is what
keeps `pyagent check` and the test suite fast.  The solve is cached (`solved`), so that the
checks, the coverage and the pytest items share it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from clingo import Symbol

from pyagent.engine.facts import Fact, global_facts, person_facts
from pyagent.engine.program import load_program
from pyagent.engine.questions import Question
from pyagent.engine.solve import Model, person_term, solve
from pyagent.explain.answers import Answer, SolvedCase
from pyagent.explain.tree import Explainer, Node
from pyagent.input.model import Case, Person
from pyagent.kb import kb_dir as default_kb_dir
from pyagent.pins.pin import Pin

__all__ = ["PinSolve", "prepare", "register", "solved"]


@dataclass(frozen=True)
class PinSolve:
    """A pin's case inside a solve it shares with other pins: its persons start at ``offset``.

    Pins asked on the same date under the same readings are grounded together, in one
    clingo solve (persons are independent in the knowledge base), which is what keeps
    ``pyagent check`` and the test suite fast.
    """

    solved: SolvedCase
    offset: int
    _answers: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def model(self) -> Model:
        return self.solved.model

    def status(self, index: int, question: Question) -> str:
        return self.solved.status(self.offset + index, question)

    def answer(self, index: int, question: Question) -> Answer:
        """The answer with its clauses and what it depends on (explained once, then kept)."""
        key = (index, question.id)
        if key not in self._answers:
            self._answers[key] = self.solved.answer(self.offset + index, question)
        return self._answers[key]

    def explain(self, index: int, question: Question) -> Node:
        return self.solved.explain(self.offset + index, question)

    def person(self, index: int, world: str) -> Symbol:
        """The term of person ``index`` of the pin in a completion (worst or best)."""
        return person_term(self.offset + index, world)

    def clause_refs(self) -> dict[str, tuple[str, int]]:
        return self.solved.clause_refs()

    def view(self, index: int) -> tuple[SolvedCase, str]:
        """The shared solve as a case in which person ``index`` of the pin is the only one
        with its id (the persons of other pins may share it), and that id."""
        persons = list(self.solved.case.persons)
        me = self.offset + index
        for k, p in enumerate(persons):
            if k != me:
                persons[k] = dataclasses.replace(p, id=f"\x00{k}")
        case = dataclasses.replace(self.solved.case, persons=tuple(persons))
        return dataclasses.replace(self.solved, case=case), persons[me].id

    def clause_kinds(self) -> dict[str, str]:
        return self.solved.clause_kinds()


_CACHE: dict[tuple, PinSolve] = {}
_PENDING: dict[tuple, dict[tuple, Pin]] = {}  # group -> the pins registered to solve together
_CACHE_LIMIT = 4096


def _pin_key(pin: Pin) -> tuple:
    return (pin.source, pin.index, repr(pin.case))


def _group(pin: Pin, readings: Mapping[str, str], kb: Path) -> tuple:
    return (pin.case.as_of, tuple(sorted(readings.items())), str(kb))


def _kb(directory: Path | None) -> Path:
    return (directory or default_kb_dir()).resolve()


def prepare(pins: Iterable[Pin], directory: Path | None = None) -> None:
    """Register pins to be solved together: the first `solved` call of a group solves all its
    pins at once.  Optional: without it every pin is solved on its own."""
    for pin in pins:
        for e in pin.expectations:
            register(pin, pin.readings_of(e), directory)


def register(pin: Pin, readings: Mapping[str, str], directory: Path | None = None) -> None:
    """Register one pin to be solved under ``readings`` with the others of its group."""
    kb = _kb(directory)
    key = (_pin_key(pin), tuple(sorted(readings.items())), str(kb))
    if key not in _CACHE:
        _PENDING.setdefault(_group(pin, readings, kb), {})[_pin_key(pin)] = pin


def solved(pin: Pin, readings: Mapping[str, str], directory: Path | None = None) -> PinSolve:
    """The pin's case solved under these reading overrides (cached per pin, readings, kb)."""
    kb = _kb(directory)
    shown = tuple(sorted(readings.items()))
    key = (_pin_key(pin), shown, str(kb))
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    group = _group(pin, readings, kb)
    members = _PENDING.pop(group, {})
    members[_pin_key(pin)] = pin
    if len(_CACHE) + len(members) > _CACHE_LIMIT:
        _CACHE.clear()
    persons: list[Person] = []
    facts: list[tuple[Fact, ...]] = []
    offsets: dict[tuple, int] = {}
    for member_key, member in members.items():
        offsets[member_key] = len(facts)
        for person in member.case.persons:
            persons.append(person)
            facts.append(tuple(person_facts(person, member.case.as_of, member.case.parameters)))
    as_of = pin.case.as_of
    source = pin.source if len(members) == 1 else "<pinned cases>"
    model = solve(facts, global_facts(as_of, readings), directory=None if directory is None else kb)
    program = load_program(None if directory is None else kb)
    case = Case(source, as_of, dict(readings), {}, tuple(persons))
    shared = SolvedCase(case, program, model, tuple(facts), Explainer(program, model, facts))
    for member_key in members:
        _CACHE[(member_key, shown, str(kb))] = PinSolve(shared, offsets[member_key])
    return _CACHE[key]
