"""The nodes of an explanation tree, and reading a tree: what `pyagent.explain.tree` builds.

A `Node` is a conclusion or an input with its status; its `Way`s are the rules of ``kb/`` tried
for it, each with its `Condition`s evaluated.  `walk`, `cited_clauses` and `unknown_inputs` read
a tree (an answer's ``clauses`` and ``depends_on`` come from them).  Plain frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from clingo import Symbol

from pyagent.engine.evaluate import Compared
from pyagent.engine.rules import term_vars

YES, NO, UNKNOWN = "yes", "no", "unknown"
T = TypeVar("T")
_RANK = {NO: 0, UNKNOWN: 1, YES: 2}

# Predicates that are bookkeeping of the knowledge base, not conditions a reader weighs.


def replaced(obj: T, **changes: object) -> T:
    """`dataclasses.replace` for the plain frozen dataclasses of a tree and of its steps (no
    ``__post_init__``, no field left out of ``__init__``, no slots), which are copied and
    replaced on every node explained: the fields copied, not passed through ``__init__`` again
    (2 us instead of 12).  ``changes`` must name fields of ``obj``."""
    new = object.__new__(type(obj))
    fields = new.__dict__
    fields.update(obj.__dict__)
    fields.update(changes)
    return new


def rank(status: str) -> int:
    return _RANK[status]


def operand_node(term, bound_node: Mapping[str, Node]) -> Node | None:
    """The weakest atom not known to hold that gave an operand of a comparison its value
    (None: the operand is known); ``bound_node`` maps a variable to the atom that bound it."""
    found: Node | None = None
    for v in term_vars(term):
        n = bound_node.get(v)
        if n is not None and (found is None or _RANK[n.status] < _RANK[found.status]):
            found = n
    return found


def weakest(statuses: Iterable[str]) -> str:
    out = YES
    for s in statuses:
        if _RANK[s] < _RANK[out]:
            out = s
    return out


@dataclass(frozen=True)
class InputLeaf:
    """An input fact of the case: where it is in the case file and its value."""

    path: str
    value: str
    unknown: bool  # holds in one completion only: the case leaves it open


@dataclass(frozen=True)
class Part:
    """An atom as a condition names it: its predicate and the arguments after the person.

    An argument is a value, None (any value) or, inside an aggregate, the name of the
    variable it ranges over (a string).
    """

    predicate: str
    arguments: tuple[Symbol | str | None, ...]
    person: bool  # the atom is about the person (its first argument)
    negated: bool = False

    @property
    def arity(self) -> int:
        return len(self.arguments) + self.person


@dataclass(frozen=True)
class Condition:
    """One condition of a rule instance, evaluated.

    ``node`` (what ``walk`` follows) explains the atom a condition tests.  The other fields
    are for readers: ``atom`` names the atom (also when no node is built, e.g. a negated
    atom that fails), ``context`` explains the atoms that held and gave a failed condition,
    or a comparison, its values (``counted_months(P,p3_s1,0,23)`` for ``M >= R``),
    ``reading`` is the reading a way needs and ``value`` the one in force, ``parts`` and
    ``function`` describe an aggregate (its elements' atoms, or comparisons as text).
    """

    kind: str  # atom, not, compare, aggregate
    text: str  # the literal with its values, e.g. counted_months(P,p3_s1,0,23)
    status: str
    node: Node | None = None  # the explanation of the atom it tests
    compared: tuple[Compared, ...] = ()  # comparisons: actual against required, per instance
    value: Symbol | None = None  # aggregates: the value computed; readings: the value in force
    atom: Part | None = None
    context: tuple[Node, ...] = ()
    reading: tuple[str, str] | None = None  # (name, value) a way needs, not the one in force
    parts: tuple[Part | str, ...] = ()
    function: str | None = None  # count, sum, min, max
    # comparisons: per operand (the left term, then each guard's), the node of the weakest atom
    # that bound its variables when that atom is not known to hold (None: the operand is known)
    sides: tuple[Node | None, ...] = ()
    at: int = -1  # its place in the rule's body (full trees only), to show conditions in order


@dataclass(frozen=True)
class Way:
    """One rule of the knowledge base, tried for a conclusion."""

    rule: int  # index in Program.rules
    file: str
    line: int
    clause: str | None  # the clause id the rule cites
    status: str
    conditions: tuple[Condition, ...]
    readings: tuple[tuple[str, str], ...]  # the readings the rule consulted
    # a rule that failed: the conditions of it that hold (full trees only; `walk` does not
    # follow them, so that an answer's clauses stay those of what decided it)
    held: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Node:
    """A conclusion or an input, with its status and the ways it was reached or missed."""

    key: str  # identifies the node in a tree, for "see above"
    predicate: str
    arguments: tuple[Symbol | None, ...]  # without the person; None: any value
    status: str
    derived: bool
    ways: tuple[Way, ...] = ()
    leaves: tuple[InputLeaf, ...] = ()  # input facts this node stands for
    repeated: bool = False  # already explained above in the same tree
    person: bool = False  # the atom is about the person (whose argument ``arguments`` omits)

    @property
    def arity(self) -> int:
        return len(self.arguments) + self.person


# -- walking a tree -------------------------------------------------------------
def walk(node: Node) -> Iterator[tuple[Node, Way | None]]:
    """Every node of a tree, with the way it hangs from (depth first)."""
    stack: list[tuple[Node, Way | None]] = [(node, None)]
    while stack:
        n, w = stack.pop()
        yield n, w
        for way in reversed(n.ways):
            for c in reversed(way.conditions):
                if c.node is not None:
                    stack.append((c.node, way))


def all_nodes(node: Node, *, held: bool = True) -> Iterator[Node]:
    """Every node of a tree, context nodes included (and, with ``held``, the conditions that
    hold in rules that failed)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        for way in n.ways:
            for c in (*way.conditions, *way.held) if held else way.conditions:
                if c.node is not None:
                    stack.append(c.node)
                stack.extend(c.context)


def cited_clauses(node: Node, kinds: Mapping[str, str]) -> set[str]:
    """The clause ids an answer rests on (clause_kind: metadata only where it matters)."""
    out: set[str] = set()
    for n, _ in walk(node):
        for way in n.ways:
            if way.clause is None:
                continue
            kind = kinds.get(way.clause, "normative")
            if kind == "contract":
                continue
            if kind == "metadata" and n.status == YES:
                continue
            out.add(way.clause)
    return out


def unknown_inputs(node: Node) -> set[str]:
    """The paths of the unknown inputs a tree reaches."""
    out: set[str] = set()
    for n, _ in walk(node):
        if n.status != UNKNOWN:
            continue
        for leaf in n.leaves:
            if leaf.unknown:
                out.update(leaf.path.split(", "))  # a fact may stand for several inputs
    return out
