"""The answers of the variants of a person that decide an unknown answer
(`pyagent.explain.decide`): solved together, several persons to one clingo control, and kept,
so that the other unknown answers of the person reuse them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from clingo import Function, Symbol

from pyagent.engine.facts import BEST, BOTH, WORST, Fact, global_facts
from pyagent.engine.questions import Question
from pyagent.engine.solve import GroundingError, control, person_term
from pyagent.explain.nodes import NO, UNKNOWN, YES
from pyagent.input.model import Case


class Facts(tuple):
    """A variant's facts, hashed once: a variant is looked up in `_ANSWERED` several times
    per page, and hashing its facts (clingo symbols) is not cheap."""

    def __hash__(self) -> int:
        h = self.__dict__.get("_hash")
        if h is None:
            h = self.__dict__["_hash"] = tuple.__hash__(self)
        return h


_ANSWERED: dict[
    tuple, frozenset[tuple[str, Symbol]]
] = {}  # a variant -> its answers (world, question)


def statuses(
    persons: Sequence[Sequence[Fact]], case: Case, question: Question, directory
) -> list[str]:
    """The status of ``question`` for each of these variants of a person.  Every question's
    answers of a variant are kept (a variant's facts, the date, readings and knowledge base are
    the key), so that the other unknown answers of the person, as `pyagent ask` explains them
    one after another, reuse the solve."""
    out = []
    for answered in answer_all(persons, case, directory):
        worst = (WORST, question.term) in answered
        best = (BEST, question.term) in answered
        out.append(YES if worst else UNKNOWN if best else NO)
    return out


def answer_all(
    persons: Sequence[Sequence[Fact]], case: Case, directory
) -> list[frozenset[tuple[str, Symbol]]]:
    """Every question's answers, (world, question), of each of these variants of a person,
    kept in `_ANSWERED`; those not kept yet are solved together in one control."""
    shared = (case.as_of, tuple(sorted(case.readings.items())), str(directory))
    keys = [(shared, f if isinstance(f, Facts) else Facts(f)) for f in persons]
    # one .get per key: a page served on another thread may clear the cache between a test of
    # membership and a read
    known = {k: v for k in keys if (v := _ANSWERED.get(k)) is not None}
    todo = [k for k in dict.fromkeys(keys) if k not in known]
    if todo:
        shown = _shown_answers([facts for _, facts in todo], case, directory)
        found: dict[int, set[tuple[str, Symbol]]] = {i: set() for i in range(len(todo))}
        for atom in shown:
            if atom.name == "answer" and len(atom.arguments) == 2:
                p, q = atom.arguments
                found.setdefault(p.arguments[0].number, set()).add((p.arguments[1].name, q))
        if len(_ANSWERED) > 4096:
            _ANSWERED.clear()
        for i, k in enumerate(todo):
            known[k] = _ANSWERED[k] = frozenset(found[i])
    return [known[k] for k in keys]


def _shown_answers(
    persons: Sequence[Sequence[Fact]], case: Case, directory: Path | None
) -> frozenset[Symbol]:
    """The answers (the shown atoms, kb/show.lp) of these persons: `pyagent.engine.solve.solve`
    without reading the whole model, which is most of its cost for a handful of persons."""
    ctl, messages = control(directory)
    with ctl.backend() as backend:

        def fact(symbol: Symbol) -> None:
            backend.add_rule([backend.add_atom(symbol)])

        for g in global_facts(case.as_of, case.readings):
            fact(g)
        for i, facts in enumerate(persons):
            terms = {w: person_term(i, w) for w in (WORST, BEST)}
            for f in facts:
                for w in (WORST, BEST) if f.world == BOTH else (f.world,):
                    fact(Function(f.predicate, [terms[w], *f.arguments]))
    ctl.ground([("base", [])])
    if messages:
        raise GroundingError("clingo: " + "\n".join(messages))
    shown: set[Symbol] = set()
    ctl.solve(on_model=lambda m: shown.update(m.symbols(shown=True)))
    return frozenset(shown)
