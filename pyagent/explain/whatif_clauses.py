"""What-if's clause column: the clauses of the rules that use the inputs a change sets, read off
the explanation of the answer after the change (`pyagent.explain.tree`)."""

from __future__ import annotations

from collections.abc import Iterator

from clingo import Symbol

from pyagent.engine.rules import AGGREGATE, NEGATION
from pyagent.engine.solve import WORLDS, person_term
from pyagent.explain.answers import SolvedCase
from pyagent.explain.nodes import Node, Part, Way


def clauses_of(solved: SolvedCase, node: Node, paths: set[str]) -> tuple[str, ...]:
    """The clauses of the rules that use the inputs at ``paths`` in the explanation, those
    inside an aggregate or a negation that holds included (under
    ``assessment_years=latest_three`` the grades reach P2.S3.a only through
    ``#count { Y : among_latest_three(P, Y) }`` and ``not latest_three_fail(P)``)."""
    refs = solved.clause_refs()
    kinds = solved.clause_kinds()
    reached = list(_reached(solved, node))
    leaves = {n.key: n.leaves for n, _ in reached if not n.repeated}
    found: set[str] = set()
    for n, way in reached:
        if way is None or way.clause is None or kinds.get(way.clause) == "contract":
            continue
        if any(leaf.path in paths for leaf in leaves.get(n.key, ())):
            found.add(way.clause)
    return tuple(
        refs[c][0] for c in sorted(found, key=lambda c: (refs[c][1], refs[c][0], c)) if c in refs
    )


def _reached(solved: SolvedCase, node: Node) -> Iterator[tuple[Node, Way | None]]:
    """`walk`, and beyond an aggregate or a negation with no node of its own, the explanation
    of each atom of the person's it ranges over (each once)."""
    seen: set[str] = set()
    stack: list[tuple[Node, Way | None]] = [(node, None)]
    while stack:
        n, w = stack.pop()
        if n.repeated or n.key in seen:
            yield n, w
            continue
        seen.add(n.key)
        yield n, w
        for way in reversed(n.ways):
            for c in reversed(way.conditions):
                if c.node is not None:
                    stack.append((c.node, way))
                elif c.kind in (AGGREGATE, NEGATION):
                    for part in (*c.parts, *((c.atom,) if c.atom is not None else ())):
                        if isinstance(part, Part) and part.person:
                            stack.extend((m, way) for m in _atoms_explained(solved, part))


def _atoms_explained(solved: SolvedCase, part: Part) -> Iterator[Node]:
    """The explanations of the person's atoms (in either completion) that ``part`` matches,
    a variable (a string) or None matching any value."""
    fixed = [(k, a) for k, a in enumerate(part.arguments) if isinstance(a, Symbol)]
    for world in WORLDS:
        for atom in solved.model.atoms_of(part.predicate, part.arity, person_term(0, world)):
            args = atom.arguments[1:]
            if len(args) == len(part.arguments) and all(args[k] == a for k, a in fixed):
                yield solved.explainer.explain(atom, first=True, lean=True)


__all__ = ["clauses_of"]
