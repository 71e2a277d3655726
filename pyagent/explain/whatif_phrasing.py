"""What-if's phrasing: what stands in the way of yes, and the clauses a change satisfies."""

from __future__ import annotations

from dataclasses import dataclass

from pyagent.explain.answers import SolvedCase
from pyagent.explain.tree import NO, UNKNOWN, Node, unknown_inputs, walk
from pyagent.engine.facts import BEST, WORST
from pyagent.engine.solve import person_term


@dataclass(frozen=True)
class Reason:
    """A condition that stands in the way: the clause and the condition, with its values."""

    clause: str | None  # "P3.S1"; None for what an unknown answer depends on
    condition: str


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
    return tuple(refs[c][0] for c in sorted(found, key=lambda c: (refs[c][1], refs[c][0], c)) if c in refs)

