"""A comparison of two values of the knowledge base's own tables (the ranks of two skill levels,
3 ≥ 3) said by what they rank: 「高级工（senior_worker）不低于高级工（senior_worker）」.

The rank numbers are rule machinery, not facts an analyst reads.  A side of a comparison is
named by a table fact of two arguments that holds it beside another value (``level_rank(L, R)``:
R is the rank of L), one the rule's conditions bound, or, for a number written in the rule (the
3 of ``R >= 3``), the one fact of that table with the number in the same place.  The table
facts used so are then said by the comparison and not shown on their own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from clingo import Symbol, SymbolType

from pyagent.engine.rules import ATOM, COMPARISON
from pyagent.explain.nodes import Condition, Node
from pyagent.explain.steps import OPS, Step

# the comparison as it came out (a failed ``>=`` reads ``<``) -> the words
_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "=": "!=", "!=": "="}
WORDS = {
    "en": {
        ">=": "{a} is not below {b}",
        ">": "{a} is above {b}",
        "<=": "{a} is not above {b}",
        "<": "{a} is below {b}",
        "=": "{a} is {b}",
        "!=": "{a} is not {b}",
    },
    "zh": {
        ">=": "{a}不低于{b}",
        ">": "{a}高于{b}",
        "<=": "{a}不高于{b}",
        "<": "{a}低于{b}",
        "=": "{a}即{b}",
        "!=": "{a}不是{b}",
    },
}


def ranked(
    builder, c: Condition, every: Sequence[Condition]
) -> tuple[str, set[str], list[tuple[str, str]]] | None:
    """The comparison ``c`` of a rule whose conditions are ``every`` said by what its two sides
    rank, the keys of the table facts that said so, and each instance's two sides by their
    codes (``senior_worker``, for the comparisons of ``--json``); None when a side is not a
    table's."""
    if c.kind != COMPARISON or not c.compared or any(x.op not in OPS for x in c.compared):
        return None
    program = builder.solved.program
    tables: list[Node] = [
        n
        for n in (*c.context, *(x.node for x in every if x.kind == ATOM and x.node is not None))
        if n is not None
        and not n.person
        and len(n.arguments) == 2
        and None not in n.arguments
        and program.is_table(n.predicate, n.arity)
    ]
    if not tables:
        return None

    def bound(value: Symbol) -> tuple[Symbol, Node, int] | None:
        for n in tables:
            if value in n.arguments:
                at = n.arguments.index(value)
                other = n.arguments[1 - at]
                return (other, n, at) if other is not None else None
        return None

    def written(value: Symbol, like: tuple[Symbol, Node, int]) -> Symbol | None:
        """A number of the rule named by the one fact of the other side's table holding it."""
        _, n, at = like
        found = [
            a.arguments[1 - at]
            for a in builder.solved.model.atoms_of(n.predicate, n.arity)
            if a.arguments[at] == value
        ]
        return found[0] if len(found) == 1 else None

    said: list[str] = []
    keys: set[str] = set()
    sides: list[tuple[str, str]] = []
    for x in c.compared:  # one per instance: two certificates, each below the level required
        left, right = bound(x.left), bound(x.right)
        if left is None and right is None:
            return None
        a = left[0] if left is not None else written(x.left, right)  # type: ignore[arg-type]
        b = right[0] if right is not None else written(x.right, left)  # type: ignore[arg-type]
        if a is None or b is None:
            return None
        op = x.op if x.holds else _NEGATED[x.op]
        if not x.holds and x.left.type == x.right.type == SymbolType.Number:  # as it came out
            n, m = x.left.number, x.right.number
            op = "<" if n < m else "=" if n == m else ">"
        words = WORDS[builder.lang][op]
        said.append(words.format(a=builder.phrasing.term(a), b=builder.phrasing.term(b)))
        sides.append((str(a), str(b)))
        keys |= {s[1].key for s in (left, right) if s is not None}
    return ("、" if builder.lang == "zh" else "; ").join(dict.fromkeys(said)), keys, sides


def by_rank(
    builder, every: Sequence[Condition]
) -> tuple[dict[int, tuple[str, list[tuple[str, str]]]], set[int]]:
    """For the conditions ``every`` of one rule: the words of each comparison said by what it
    ranks and its sides' codes, by ``id``, and the ``id`` of each table fact said by such a
    comparison, not shown on its own.  (A failed rule's held conditions about none of the
    person's values never reach here: `pyagent.explain.failed` leaves them out.)"""
    words: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    keys: set[str] = set()
    for c in every:
        found = ranked(builder, c, every)
        if found is not None:
            words[id(c)] = (found[0], found[2])
            keys |= found[1]
    hidden = {
        id(c)
        for c in every
        if c.kind == ATOM and c.node is not None and c.node.key in keys and c.status != "no"
    }
    return words, hidden


def as_levels(step: Step, text: str, sides: list[tuple[str, str]]) -> Step:
    """A comparison step said by the levels it ranks, its comparisons (``--json``) carrying the
    levels' codes, not their ranks."""
    return dataclasses.replace(
        step,
        text=text,
        comparisons=tuple(
            dataclasses.replace(x, actual=a, required=b, actual_text=a, required_text=b)
            for x, (a, b) in zip(step.comparisons, sides)
        ),
    )


def short_of(phrasing, c: Condition) -> tuple[str, str] | tuple[()]:
    """A failed comparison of two table values (the ranks of two levels), said by what they
    rank: (技师（technician）, 高级技师（senior_technician）), for 「技师（technician）未达到所要求的
    高级技师（senior_technician）」; () otherwise."""
    if len(c.compared) != 1 or not c.context or any(n.person for n in c.context):
        return ()
    x = c.compared[0]
    if x.op not in (">=", ">"):
        return ()

    def named(value) -> str:
        for n in c.context:
            others = [a for a in n.arguments if a is not None and a != value]
            if value in n.arguments and len(others) == 1:
                return phrasing.term(others[0])
        return ""

    a, b = named(x.left), named(x.right)
    return (a, b) if a and b else ()
