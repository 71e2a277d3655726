"""Ground persons into the knowledge base and solve: one call, a frozen model.

Every person of a case is grounded twice, as ``p(I, worst)`` and
``p(I, best)`` (kb/schema.lp, "Persons and worlds"), into one control; the
program is stratified, so the single model is found without search.  Facts are
added through clingo's backend as symbols: a case never reaches clingo as text.

>>> from pyagent.solve import solve
>>> m = solve([[]], [])          # one person with no facts at all
>>> m.atoms_of("answer", 2)
()
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import clingo
from clingo import Function, Number, Symbol, SymbolType

from .errors import TimeLimitError
from .facts import BEST, BOTH, WORST, Fact
from .kb import kb_dir

WORLDS = (WORST, BEST)


class GroundingError(RuntimeError):
    """The knowledge base did not ground cleanly (a bug in kb/, never bad input)."""


def person_term(index: int, world: str) -> Symbol:
    return Function("p", [Number(index), Function(world)])


def is_person_term(symbol: Symbol) -> bool:
    return (
        symbol.type == SymbolType.Function
        and symbol.name == "p"
        and len(symbol.arguments) == 2
        and symbol.arguments[1].type == SymbolType.Function
        and symbol.arguments[1].name in WORLDS
    )


@dataclass(frozen=True)
class Model:
    """The atoms of one solve, indexed by predicate and by person term."""

    atoms: frozenset[Symbol]
    _index: dict = field(repr=False)  # (name, arity, person or None) -> atoms

    def atoms_of(self, name: str, arity: int, person: Symbol | None = None) -> tuple[Symbol, ...]:
        """Atoms of a predicate; with ``person``, only that person's (first argument), sorted."""
        key = (name, arity, person)
        found = self._index.get(key, ())
        if isinstance(found, list):  # sorted on first use: most keys are never asked for
            found = self._index[key] = tuple(sorted(found))
        return found

    def __contains__(self, atom: Symbol) -> bool:
        return atom in self.atoms


def _index(atoms: Iterable[Symbol]) -> dict:
    index: dict[tuple[str, int, Symbol | None], list[Symbol]] = {}
    persons: dict[Symbol, bool] = {}  # is_person_term, asked once per first argument
    for a in atoms:
        args = a.arguments
        name, arity = a.name, len(args)
        index.setdefault((name, arity, None), []).append(a)
        if args:
            first = args[0]
            is_person = persons.get(first)
            if is_person is None:
                is_person = persons[first] = is_person_term(first)
            if is_person:
                index.setdefault((name, arity, first), []).append(a)
    return index


# Grounder messages that mean the knowledge base is wrong: fix them, never mute them.
FATAL_MESSAGES = frozenset(
    {
        clingo.MessageCode.AtomUndefined,
        clingo.MessageCode.OperationUndefined,
        clingo.MessageCode.GlobalVariable,
        clingo.MessageCode.RuntimeError,
    }
)


def control(directory: Path | None = None) -> tuple[clingo.Control, list[str]]:
    """A control with the knowledge base loaded and a logger that keeps fatal messages."""
    messages: list[str] = []

    def logger(code: clingo.MessageCode, message: str) -> None:
        if code in FATAL_MESSAGES:
            messages.append(message.strip())

    ctl = clingo.Control(["--warn=all"], logger=logger, message_limit=100)
    ctl.load(str((directory or kb_dir()) / "main.lp"))
    return ctl, messages


def solve(
    persons: Sequence[Sequence[Fact]],
    shared: Sequence[Symbol],
    *,
    directory: Path | None = None,
    timeout: float | None = None,
    source: str = "<case>",
) -> Model:
    """Ground the knowledge base with these persons' facts and return its model.

    ``persons[i]`` are the facts of person ``i``; ``shared`` the facts every
    person shares (kb/schema.lp: as_of, reading overrides).  With ``timeout``
    (seconds), a search still running after it is cancelled and `TimeLimitError`
    names ``source``; grounding cannot be interrupted, so case.py bounds the input.
    """
    ctl, messages = control(directory)
    with ctl.backend() as backend:

        def fact(symbol: Symbol) -> None:
            backend.add_rule([backend.add_atom(symbol)])

        for s in shared:
            fact(s)
        for i, facts in enumerate(persons):
            terms = {w: person_term(i, w) for w in WORLDS}
            for f in facts:
                worlds = WORLDS if f.world == BOTH else (f.world,)
                for w in worlds:
                    fact(Function(f.predicate, [terms[w], *f.arguments]))
    ctl.ground([("base", [])])
    if messages:
        raise GroundingError("clingo: " + "\n".join(messages))
    atoms: list[Symbol] = []

    def on_model(m: clingo.Model) -> None:
        atoms.extend(m.symbols(atoms=True))

    if timeout is None:
        result = ctl.solve(on_model=on_model)
    else:
        with ctl.solve(on_model=on_model, async_=True) as handle:  # type: ignore[union-attr]
            if not handle.wait(timeout):
                handle.cancel()
                raise TimeLimitError(timeout, source, len(persons))
            result = handle.get()
    if not result.satisfiable:
        raise GroundingError("the knowledge base has no model for this case (a bug in kb/)")
    return Model(frozenset(atoms), _index(atoms))
