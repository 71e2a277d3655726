"""Abstraction: which values of a person's input facts the rules can tell apart.

Some input values only meet thresholds.  ``certificate_months`` flows into ``counted_months``
and is only compared, with ``>=`` and ``<``, against ``required_months`` (24, 36, 48 in the
static model); a value between two thresholds can be replaced by any other value between the
same two, which keeps every comparison, and so every answer and explanation, as it is.  A
position that is only tested for equality with constants of the knowledge base (the ``Series
!= unstated`` of a title, a field's membership of ``through_field``) keeps those constants and
merges every other value; a position no rule reads (a certificate's kind, the post's
occupation) merges all.  The analysis follows a value through rule heads and gives up (keeps
the value) on anything else: arithmetic, aggregates, joins with other person atoms.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping

from pyagent.engine.cones import CITATION, READING, _body_literals
from pyagent.engine.program import Program
from pyagent.engine.rules import (
    AGGREGATE,
    ATOM,
    COMPARISON,
    NEGATION,
    Const,
    Fn,
    Literal,
    Var,
    term_vars,
)
from pyagent.engine.solve import Model
from pyagent.engine.values import INF, SUP
from pyagent.engine.values import convert as native

MERGED = ("str", "*")  # the one value that stands for every merged value


def _all_vars(lit: Literal) -> set[str]:
    """Every variable of a literal, those inside an aggregate's elements included."""
    out = set(lit.vars)
    if lit.kind == AGGREGATE:
        for terms, condition in lit.elements:
            for t in terms:
                out |= term_vars(t)
            for c in condition:
                out |= _all_vars(c)
    return out


# ---------------------------------------------------------------------------
# Abstraction.


class Abstraction:
    """Per input predicate and argument position (without the person), how values may be
    replaced: ``classes`` maps a value to its representative (a value not listed merges into
    `MERGED`); ``points`` are the thresholds numbers are compared with.  A position with no
    entry keeps every value."""

    def __init__(
        self,
        classes: Mapping[tuple[str, int], Mapping[object, object]],
        points: Mapping[tuple[str, int], tuple[int, ...]],
    ) -> None:
        self.classes = {k: dict(v) for k, v in classes.items()}
        self.points = dict(points)

    def positions(self) -> list[tuple[str, int]]:
        return sorted(self.classes)

    def common(self, other: "Abstraction") -> "Abstraction":
        """The abstraction both allow: two values merge only where both merge them (one key
        then serves two runs, e.g. the readings compared by ``--compare-reading``)."""
        classes: dict[tuple[str, int], dict] = {}
        points: dict[tuple[str, int], tuple[int, ...]] = {}
        for key in set(self.classes) & set(other.classes):
            mine, theirs = self.classes[key], other.classes[key]
            groups: dict[tuple, list] = {}
            for v in set(mine) | set(theirs):
                groups.setdefault((mine.get(v, MERGED), theirs.get(v, MERGED)), []).append(v)
            out: dict[object, object] = {}
            for pair, members in groups.items():
                rep = MERGED if pair == (MERGED, MERGED) else min(members, key=repr)
                for v in members:
                    out[v] = rep
            classes[key] = out
            points[key] = tuple(sorted(set(self.points[key]) | set(other.points[key])))
        return Abstraction(classes, points)

    def mapper(self, name: str, pos: int) -> Callable[[object], object] | None:
        """The function that replaces a value by its representative; None: keep every value."""
        key = (name, pos)
        if key not in self.classes:
            return None
        classes = self.classes[key]
        points = sorted(set(self.points[key]) | {v for v in classes if isinstance(v, int)})
        cache: dict[object, object] = {}

        def representative(v: object) -> object:
            hit = classes.get(v)
            if hit is not None:
                return hit
            if v == SUP or v == INF:
                return v
            if isinstance(v, int):
                hit = cache.get(v)
                if hit is None:
                    i = bisect.bisect_left(points, v)
                    if i < len(points) and points[i] == v:
                        hit = v
                    elif i == 0:
                        hit = points[0] - 1 if points else 0
                    else:
                        hit = points[i - 1] + 1
                    if len(cache) < 4096:
                        cache[v] = hit
                return hit
            return MERGED

        return representative


class _Uses:
    """How the rules use the values of one argument position."""

    def __init__(self) -> None:
        self.equal: set = set()  # constants it is tested against for equality: kept as they are
        self.order: set = set()  # numbers it is compared with by order
        self.tables: set[tuple[str, int]] = set()  # static atoms it is joined with (pred, position)

    def merge(self, other: "_Uses") -> None:
        self.equal |= other.equal
        self.order |= other.order
        self.tables |= other.tables


def _value_uses(
    program: Program,
    static: Model,
    person_preds: frozenset,
    constants: Mapping[str, set[tuple]],
    name: str,
    pos: int,
    arity: int,
    visiting: frozenset,
) -> _Uses | None:
    """How argument ``pos`` (counting the person) of ``name/arity`` is used, or None when a
    rule uses it in a way the abstraction does not cover (arithmetic, aggregates, a join with
    another person atom, a reading)."""
    key = (name, pos, arity)
    uses = _Uses()
    if key in visiting:
        return uses
    visiting = visiting | {key}

    def static_use(lit: Literal, k: int) -> bool:
        """Record a join with a static atom (or a run constant); False: not static."""
        sig = lit.signature
        if sig not in person_preds:
            rules = program.rules_for(*sig)
            if all(not r.body or isinstance(r.head.args[k], Const) for r in rules):
                # facts, and rules for one named value each: join by the facts' rows
                uses.tables.add((sig[0], k))
                for rule in rules:
                    if rule.body:
                        uses.equal.add(native(rule.head.args[k].symbol))  # singled out
            else:
                # derived by rules over a variable here: every value it holds, and every value
                # a rule's head names, stays itself
                uses.equal |= {native(a.arguments[k]) for a in static.atoms_of(*sig)}
                uses.equal |= {
                    native(r.head.args[k].symbol)
                    for r in rules
                    if isinstance(r.head.args[k], Const)
                }
            return True
        if lit.term.name in constants:
            values = {row[k - 1] for row in constants[lit.term.name]}
            uses.equal |= values
            return True
        return False

    for rule in program.rules:
        top = list(rule.body)
        for lit in _body_literals(top):
            if lit.kind not in (ATOM, NEGATION) or not isinstance(lit.term, Fn):
                continue
            if (lit.term.name, len(lit.term.args)) != (name, arity):
                continue
            arg = lit.term.args[pos]
            if isinstance(arg, Var) and arg.name == "_":
                continue
            if isinstance(arg, Const):
                uses.equal.add(native(arg.symbol))
                continue
            if not isinstance(arg, Var) or lit.kind != ATOM or not any(lit is t for t in top):
                return None
            var = arg.name
            if sum(var in term_vars(a) for a in lit.term.args) != 1:
                return None
            for j, h in enumerate(rule.head.args):
                if var in term_vars(h):
                    if not (isinstance(h, Var) and h.name == var):
                        return None
                    inner = _value_uses(
                        program, static, person_preds, constants, rule.name, j, rule.arity, visiting
                    )
                    if inner is None:
                        return None
                    uses.merge(inner)
            for other in top:
                if other is lit or var not in _all_vars(other):
                    continue
                if other.kind == ATOM and other.signature in (CITATION, READING):
                    return None
                if other.kind in (ATOM, NEGATION):
                    places = [k for k, a in enumerate(other.term.args) if var in term_vars(a)]
                    if len(places) != 1 or not isinstance(other.term.args[places[0]], Var):
                        return None
                    if not static_use(other, places[0]):
                        return None
                elif other.kind == COMPARISON:
                    if len(other.guards) != 1:
                        return None
                    op, right = other.guards[0]
                    left = other.term
                    if isinstance(left, Var) and left.name == var:
                        partner = right
                    elif isinstance(right, Var) and right.name == var:
                        partner = left
                    else:
                        return None
                    if isinstance(partner, Const):
                        values = {native(partner.symbol)}
                    elif isinstance(partner, Var):
                        binders = [
                            (b, k)
                            for b in top
                            if b.kind == ATOM and isinstance(b.term, Fn)
                            for k, a in enumerate(b.term.args)
                            if isinstance(a, Var) and a.name == partner.name
                        ]
                        if len(binders) != 1:
                            return None
                        b, k = binders[0]
                        if b.signature not in person_preds:
                            values = {native(a.arguments[k]) for a in static.atoms_of(*b.signature)}
                        elif b.term.name in constants:
                            values = {row[k - 1] for row in constants[b.term.name]}
                        else:
                            return None
                    else:
                        return None
                    if op in ("=", "!="):
                        uses.equal |= values
                    elif all(isinstance(v, int) or v in (SUP, INF) for v in values):
                        uses.order |= {v for v in values if isinstance(v, int)}
                    else:
                        return None
                else:
                    return None
    return uses


def _classes(uses: _Uses, static: Model) -> dict[object, object] | None:
    """Value -> representative: values in ``equal`` stand for themselves; the others are
    grouped by the rows of the static atoms they are joined with (two values in exactly the
    same rows are interchangeable), a group standing for all its members by its least one;
    a value in no row at all is left out (it merges into `MERGED`).  None when numbers are
    joined with tables (they are kept as they are)."""
    columns: dict[tuple[str, int], dict[object, frozenset]] = {}
    members: set = set()
    for q, k in sorted(uses.tables):
        rows: dict[object, set] = {}
        arity = next((len(a.arguments) for a in static.atoms if a.name == q), None)
        for atom in static.atoms_of(q, arity) if arity is not None else ():
            args = [native(a) for a in atom.arguments]
            rows.setdefault(args[k], set()).add(tuple(args[:k] + args[k + 1 :]))
        columns[(q, k)] = {v: frozenset(r) for v, r in rows.items()}
        members |= set(rows)
    if uses.tables and any(isinstance(v, int) for v in members):
        return None
    out: dict[object, object] = {v: v for v in uses.equal}
    groups: dict[tuple, list] = {}
    for v in members - uses.equal:
        signature = tuple(columns[c].get(v, frozenset()) for c in sorted(columns))
        groups.setdefault(signature, []).append(v)
    for group in groups.values():
        rep = min(group, key=repr)
        for v in group:
            out[v] = rep
    if MERGED in out and out[MERGED] != MERGED:
        return None  # the stand-in would collide with a real value
    return out


def abstraction(
    program: Program,
    static: Model,
    person_preds: frozenset,
    constants: Mapping[str, set[tuple]],
    arities: Mapping[str, int],
) -> Abstraction:
    """The abstraction of every person input position the rules allow (see the docstring)."""
    classes: dict[tuple[str, int], dict] = {}
    points: dict[tuple[str, int], tuple[int, ...]] = {}
    for name, arity in sorted(arities.items()):
        if name in constants:
            continue
        for pos in range(1, arity):
            uses = _value_uses(
                program, static, person_preds, constants, name, pos, arity, frozenset()
            )
            if uses is None:
                continue
            mapping = _classes(uses, static)
            if mapping is None:
                continue
            classes[(name, pos - 1)] = mapping
            points[(name, pos - 1)] = tuple(sorted(uses.order))
    return Abstraction(classes, points)
