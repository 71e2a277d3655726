"""Atoms and bindings as the explanation walk reads them (`pyagent.explain.tree`).

Small helpers on values (`pyagent.engine.values`): an atom split into predicate, arguments and
person; the order in which a failed rule's body is examined; partial groundings of a literal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, cast

from clingo import Symbol

from pyagent.engine.evaluate import (
    Binding,
    Compared,
    Evaluator,
    Unbound,
    anonymous,
    dedupe,
    evaluate,
    ordered,
    render_literal,
)
from pyagent.engine.facts import BEST, WORST
from pyagent.engine.program import Rule
from pyagent.engine.rules import ATOM, NEGATION, Fn, Literal
from pyagent.engine.values import SUP, Value, is_person, is_string, name_of, symbol_of, text
from pyagent.engine.values import person as person_value
from pyagent.explain.nodes import Part

CITATION = ("clause", 1)
READING = ("reading", 2)
MAX_BINDINGS = 64  # partial bindings kept while a failed rule is followed


def strip(atom: Value) -> tuple[str, tuple[Value, ...], tuple | None]:
    """An atom's predicate, its arguments after the person, and the person (a ``p(I, W)``
    function, or None)."""
    if type(atom) is str:
        return atom, (), None
    if TYPE_CHECKING:  # an atom is a constant (str) or a function (tuple); see engine.values
        assert isinstance(atom, tuple)
    args = atom[3:]
    if args and is_person(args[0]):
        return atom[1], args[1:], args[0]
    return atom[1], args, None


def negated_atom(term, b: Binding) -> tuple[str, tuple[Value | None, ...], tuple | None]:
    """The atom of a negated literal under ``b``, split as `strip` splits one, an argument
    with ``_`` in it None (any value): `not p(X, _)` is about every atom ``p(X, ...)``, as in
    clingo.  Raises Unbound for a named variable ``b`` does not bind."""
    if not anonymous(term):
        return strip(evaluate(term, b))
    args = [None if anonymous(a) else evaluate(a, b) for a in term.args]
    if args and args[0] is not None and is_person(args[0]):
        return term.name, tuple(args[1:]), cast(tuple, args[0])
    return term.name, tuple(args), None


def with_person(name: str, args: Sequence[Value], person: Value | None) -> Value:
    """The atom ``name(person, args...)`` (``name(args...)`` without a person), as a value."""
    if person is not None:
        return ("fn", name, True, person, *args)
    return ("fn", name, True, *args) if args else name


def symbols(args: Sequence[Value | None]) -> tuple[Symbol | None, ...]:
    return tuple([None if a is None else symbol_of(a) for a in args])


def parts(literal: Literal, b: Binding) -> tuple[Part | str, ...]:
    """The atoms and tests of an aggregate's elements, with the values ``b`` gives."""
    out: list[Part | str] = []
    for _, condition in literal.elements:
        for lit in condition:
            if lit.kind in (ATOM, NEGATION) and isinstance(lit.term, Fn):
                values: list[Symbol | str] = []
                person = False
                for k, a in enumerate(lit.term.args):
                    try:
                        v = evaluate(a, b)
                    except Unbound:
                        values.append(str(a))  # the variable it ranges over
                        continue
                    person = person or (k == 0 and is_person(v))
                    values.append(symbol_of(v))
                out.append(
                    Part(
                        lit.term.name, tuple(values[1:] if person else values), person, lit.negated
                    )
                )
            else:
                out.append(render_literal(lit, b))
    return tuple(out)


def at(rule, literal: Literal) -> int:
    """The place of ``literal`` in ``rule``'s body."""
    return next((k for k, lit in enumerate(rule.body) if lit is literal), -1)


def first_value(citation, bindings: list[Binding]) -> str | None:
    for cb in bindings:
        try:
            return name_of(cast(tuple, evaluate(citation, cb))[3])  # clause(C): a function
        except Unbound:
            continue
    return None


def swap(v: Value, world: str) -> Value:
    if is_person(v):
        return person_value(v[3], world)
    return v


FAILURE_ORDER_CACHE: dict[int, tuple[Sequence[Literal], tuple[Literal, ...]]] = {}


def failure_order(body: Sequence[Literal]) -> tuple[Literal, ...]:
    """Citation and readings first (they say whether the rule applies), then the atoms
    in source order (they bind), then the tests."""
    found = FAILURE_ORDER_CACHE.get(id(body))
    if found is not None and found[0] is body:
        return found[1]
    first = [lit for lit in body if lit.kind == ATOM and lit.signature in (CITATION, READING)]
    rest = [lit for lit in body if not any(lit is f for f in first)]
    atoms = [lit for lit in rest if lit.kind == ATOM]
    others = [lit for lit in rest if lit.kind != ATOM]
    out = tuple(first + atoms + others)
    if len(FAILURE_ORDER_CACHE) < 100_000:
        FAILURE_ORDER_CACHE[id(body)] = (body, out)  # the body kept: its id stays its own
    return out


def partial(term, b: Binding) -> list[Value | None]:
    out: list[Value | None] = []
    for a in term.args:
        try:
            out.append(evaluate(a, b))
        except Unbound:
            out.append(None)
    return out


def dedupe_bindings(bindings: list[Binding]) -> list[Binding]:
    return dedupe(bindings, MAX_BINDINGS)


def unique(items: Iterable[Compared]) -> list[Compared]:
    out: list[Compared] = []
    for c in items:
        if c not in out:
            out.append(c)
    return out


def string(v: Value) -> str:
    """The text of a string value (``Symbol.string``)."""
    if not is_string(v):
        raise TypeError(f"{text(v)} is not a string")
    return v[1]


def leaf_text(v: Value) -> str:
    """An input's value as a leaf shows it: strings without quotes, #sup as 'unbounded'."""
    if is_string(v):
        return v[1]
    if v == SUP:
        return "unbounded"
    return text(v)


# -- rule instances, as the walk looks for them ---------------------------------------------
def first_instance(
    ev: Evaluator, rule: Rule, args: Sequence[Value | None], person: Value | None
) -> Binding | None:
    """The first binding under which ``rule`` derives the atom (depth first: no more work
    than one derivation needs)."""
    full = (person, *args) if person is not None else tuple(args)
    b = ev.head_binding(rule, full)
    if b is None:
        return None
    body = ordered(rule.body)
    full_args = cast("Sequence[Value]", args)  # used only when None is not among them
    want = with_person(rule.name, full_args, person) if None not in args else None
    try:
        return _extend(ev, body, rule.head, want, 0, b)
    except Unbound:
        return None


def _extend(
    ev: Evaluator, body: tuple[Literal, ...], head: Fn, want: Value | None, k: int, cb: Binding
) -> Binding | None:
    """`first_instance` from the ``k``-th literal of ``body`` on (a function of its own, not a
    closure that calls itself: such a closure is a reference cycle, left for the collector)."""
    if k == len(body):
        if want is None:
            return cb
        try:
            return cb if evaluate(head, cb) == want else None
        except Unbound:
            return None
    for nb in ev.literal_solutions(body[k], cb):
        found = _extend(ev, body, head, want, k + 1, nb)
        if found is not None:
            return found
    return None


def pattern_instances(
    ev: Evaluator, rule: Rule, args: Sequence[Value | None], person: Value | None
) -> list[Binding]:
    full = (person, *args) if person is not None else tuple(args)
    b = ev.head_binding(rule, full)
    if b is None:
        return []
    return ev.solutions(rule.body, b)


def other_world_match(ev: Evaluator, term, b: Binding) -> Value:
    for world in (WORST, BEST):
        swapped = {k: swap(v, world) for k, v in b.items()}
        found = next((g for g, _ in ev.matches(term, swapped)), None)
        if found is not None:
            return found
    raise Unbound(str(term))
