"""Explanations as data: why a conclusion holds, fails, or is unknown.

The tree is built from the rules of ``kb/`` (``program.Program``) and the model
clingo computed, never from text written per conclusion:

- a conclusion that holds (``yes``) is explained by the rule instances that
  derive it in the worst completion, down to the person's input facts;
- one that fails (``no``) by every rule that could derive it, each with *all* its conditions
  that failed in the best completion (comparisons with their actual and required values),
  followed down to the inputs, and (full trees) the conditions of it that hold (``Way.held``);
- one that is ``unknown`` by the instances that derive it in the completion
  where it holds, down to the unknown inputs it depends on.

Nodes are frozen dataclasses (``nodes.py``).  The walk runs on values (``pyagent.engine.values``),
not on clingo symbols, which cost a foreign call per attribute.  A *lean* tree (``explain(..., lean=True)``) is what an
answer's ``clauses`` and ``depends_on`` are read from: the same nodes, ways and leaves without
the parts only a reader sees.  The trees of one person share sub-trees (lean and full ones
alike, context nodes included): a sub-tree built for one answer is reused in another wherever
every key it looked up is seen or not seen as when it was built (`Explainer._node`); a
sub-tree of no person (the knowledge base's tables, the readings) is shared so by the trees
of every person of the case.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import cast

from clingo import Symbol

from pyagent.engine.evaluate import Binding, Evaluator, Unbound, anonymous, render, render_literal
from pyagent.engine.facts import BEST, BOTH, WORST, Fact
from pyagent.engine.program import Program, Rule
from pyagent.engine.rules import AGGREGATE, ATOM, COMPARISON, NEGATION
from pyagent.engine.solve import Model
from pyagent.engine.values import Value, name_of, symbol_of, text, value_of
from pyagent.engine.values import person as person_value
from pyagent.explain.atoms import (
    first_instance,
    other_world_match,
    pattern_instances,
    swap,
    CITATION,
    READING,
    parts as _parts,
    string as _string,
    strip as _strip,
    symbols as _symbols,
    leaf_text as _text,
    with_person as _with_person,
)
from pyagent.explain.failed import FailedRules
from pyagent.explain.nodes import (
    NO,
    UNKNOWN,
    YES,
    Condition,
    InputLeaf,
    Node,
    Part,
    Way,
    operand_node,
    rank,
    weakest,
)
from pyagent.explain.nodes import cited_clauses, unknown_inputs, walk  # re-exported (see __all__)


def _functions(values: tuple[Value, ...]) -> tuple[tuple, ...]:
    """The values of a predicate with arguments: each a function (a tuple)."""
    return cast("tuple[tuple, ...]", values)


MAX_DEPTH = 24
MAX_WAYS = 12


class _Shared:
    """What a tree's contexts share, so that a sub-tree can be reused (Explainer._node): every
    key looked up in a context's ``seen``, in order, as (the context's level, key, whether it
    was there), and the deepest node built so far.  (Plain classes, not dataclasses: creating
    a dataclass costs every command about a millisecond at import.)"""

    __slots__ = ("trail", "deepest")

    def __init__(self) -> None:
        self.trail: list[tuple[int, str, bool]] = []
        self.deepest = 0


class _Context:
    """``seen``: the keys of the nodes built so far in this context; ``aside``: the context of
    the context nodes, so that they never hide the tree's own; ``first``: one derivation per
    conclusion that holds, not all of them; ``lean``: only what `walk` reaches (see
    Explainer.explain); ``level``: 0 for the tree's own context, n for the n-th aside of it."""

    __slots__ = ("seen", "aside", "first", "lean", "level", "shared")

    def __init__(
        self,
        *,
        first: bool = False,
        lean: bool = False,
        level: int = 0,
        shared: _Shared | None = None,
    ) -> None:
        self.seen: set[str] = set()
        self.aside: _Context | None = None
        self.first = first
        self.lean = lean
        self.level = level
        self.shared = _Shared() if shared is None else shared

    def side(self) -> _Context:
        if self.aside is None:
            self.aside = _Context(
                first=self.first, lean=self.lean, level=self.level + 1, shared=self.shared
            )
        return self.aside

    def at(self, levels: int) -> _Context:
        """The context ``levels`` asides from this one."""
        ctx = self
        for _ in range(levels):
            ctx = ctx.side()
        return ctx


class Explainer(FailedRules):
    """Builds explanation trees for the persons of one solved case.

    It works on values (`pyagent.engine.values`), not on clingo symbols; the trees it returns hold
    symbols, as before.  The rules that failed are explained by the methods of
    `pyagent.explain.failed.FailedRules`.
    """

    def __init__(self, program: Program, model: Model, facts: Sequence[Sequence[Fact]]) -> None:
        self.program = program
        self.model = model
        self.ev = Evaluator(program, model)
        self.facts = facts
        self._inputs: dict[int, dict[Value, tuple[str, bool]]] = {}  # per person, on first use
        self._clause_kind = {
            name_of(a[3]): name_of(a[4]) for a in _functions(model.values_of("clause_kind", 2))
        }
        self._clauses: dict[str, tuple[str, str, str, int]] | None = None
        # sub-trees of one person: (index, key, first, lean) -> (node, keys looked up, height)
        self._memo: dict[tuple, tuple[Node, tuple[tuple[int, str, bool], ...], int]] = {}
        self._memo_person: int | None = None
        # sub-trees of no person (the knowledge base's tables, the readings): the same for
        # every person of the case, so shared by all of them (built with no person's term)
        self._memo_common: dict[tuple, tuple[Node, tuple[tuple[int, str, bool], ...], int]] = {}
        # what the readers of this case's trees read once per person and language
        # (`pyagent.explain.sentences.Builder`)
        self.readers: dict[tuple, tuple] = {}

    def inputs(self, index: int) -> dict[Value, tuple[str, bool]]:
        """Person ``index``'s input atoms (both worlds) -> (path in the case, left unknown)."""
        found = self._inputs.get(index)
        if found is None:
            found = self._inputs[index] = {}
            for f in self.facts[index]:
                args = [value_of(a) for a in f.arguments]
                worlds = (WORST, BEST) if f.world == BOTH else (f.world,)
                for w in worlds:
                    atom = ("fn", f.predicate, True, person_value(index, w), *args)
                    found[atom] = (f.path or f.predicate, f.world != BOTH)
        return found

    def clause_table(self) -> dict[str, tuple[str, str, str, int]]:
        """Every clause of the model: id -> (reference, verbatim text, kind, place in the notice)."""
        if self._clauses is None:
            order = {
                name_of(a[3]): a[4] for a in _functions(self.model.values_of("clause_order", 2))
            }
            self._clauses = {
                name_of(a[3]): (
                    _string(a[4]),
                    _string(a[5]),
                    self._clause_kind.get(name_of(a[3]), "normative"),
                    order.get(name_of(a[3]), 99),
                )
                for a in _functions(self.model.values_of("clause_text", 3))
            }
        return self._clauses

    # -- status ------------------------------------------------------------
    def status(self, name: str, args: Sequence[Value | None], index: int | None) -> str:
        """yes: holds in both completions; no: in neither; unknown: in one."""
        if index is None:
            return YES if self._holds(name, args, None) else NO
        worst = self._holds(name, args, person_value(index, WORST))
        best = self._holds(name, args, person_value(index, BEST))
        if worst and best:
            return YES
        if worst or best:
            return UNKNOWN
        return NO

    def _holds(self, name: str, args: Sequence[Value | None], person: Value | None) -> bool:
        if None not in args:
            return self.model.holds(_with_person(name, cast("Sequence[Value]", args), person))
        arity = len(args) + (person is not None)
        for atom in self.model.values_of(name, arity, person):
            _, have, _ = _strip(atom)
            if all(w is None or w == h for w, h in zip(args, have)):
                return True
        return False

    # -- nodes -------------------------------------------------------------
    def explain(self, atom: Symbol, *, first: bool = False, lean: bool = False) -> Node:
        """The explanation of a ground atom of the model's vocabulary (any world).

        ``first``: a conclusion that holds gets one derivation, not every one (MAX_WAYS); a
        reader needs one, and `cited_clauses` wants them all.

        ``lean``: the same tree as far as `walk` reaches it (every node, its status, ways,
        clauses and leaves, in the same order), without what only a reader uses: conditions
        keep their kind, status and node, but no text, atom, values, comparisons or context
        nodes (those are built in a context of their own, so leaving them out changes nothing
        that `walk` sees).  `cited_clauses` and `unknown_inputs` of a lean tree are those of
        the full one, for a fraction of the work.
        """
        name, args, person = _strip(value_of(atom))
        index = person[3] if person is not None else None
        ctx = _Context(first=first, lean=lean)
        if index != self._memo_person:
            self._memo.clear()  # sub-trees are shared between the trees of one person
            self._memo_person = index
        return self._node(name, args, index, ctx, 0)

    def _key(self, name: str, args: Sequence[Value | None], index: int | None) -> str:
        shown = ",".join(["_" if a is None else text(a) for a in args])
        inner = ",".join(x for x in ("P" if index is not None else "", shown) if x)
        return f"{name}({inner})"

    def _node(
        self,
        name: str,
        args: tuple[Value | None, ...],
        index: int | None,
        ctx: _Context,
        depth: int,
    ) -> Node:
        key = self._key(name, args, index)
        seen, shared, level = ctx.seen, ctx.shared, ctx.level
        trail = shared.trail
        if key in seen:
            trail.append((level, key, True))
            status = self.status(name, args, index)
            derived = self._derived(name, len(args) + (index is not None))
            return Node(
                key, name, _symbols(args), status, derived, repeated=True, person=index is not None
            )
        # A sub-tree depends only on which of the keys it looks up are seen already, in its
        # context and in the contexts aside of it (context nodes, full trees), and on
        # MAX_DEPTH: built once, it is reused wherever those are the same.
        memo_key = (index, key, ctx.first, ctx.lean)
        memo = self._memo if index is not None else self._memo_common
        entry = memo.get(memo_key)
        if entry is not None:
            node, looked_up, height = entry
            if depth + height <= MAX_DEPTH and all(
                (k in (ctx.at(rel).seen if rel else seen)) == was for rel, k, was in looked_up
            ):
                seen.add(key)
                for rel, k, was in looked_up:
                    if not was:
                        (ctx.at(rel).seen if rel else seen).add(k)
                trail.append((level, key, False))
                trail.extend((level + rel, k, was) for rel, k, was in looked_up)
                shared.deepest = max(shared.deepest, depth + height)
                return node
        trail.append((level, key, False))
        start = len(trail)
        outer = shared.deepest
        shared.deepest = depth
        seen.add(key)
        node = self._build(key, name, args, index, ctx, depth)
        height = shared.deepest - depth
        if depth + height <= MAX_DEPTH:
            first_looks: dict[tuple[int, str], bool] = {}
            for lv, k, was in trail[start:]:
                if lv != level or k != key:
                    first_looks.setdefault((lv - level, k), was)
            memo[memo_key] = (
                node,
                tuple((rel, k, was) for (rel, k), was in first_looks.items()),
                height,
            )
        shared.deepest = max(outer, shared.deepest)
        return node

    def _derived(self, name: str, arity: int) -> bool:
        return self.program.is_derived(name, arity) and (name, arity) != READING

    def _build(
        self,
        key: str,
        name: str,
        args: tuple[Value | None, ...],
        index: int | None,
        ctx: _Context,
        depth: int,
    ) -> Node:
        """The node of an atom not seen yet in the tree: a leaf, or the ways to it."""
        has_person = index is not None
        arity = len(args) + has_person
        status = self.status(name, args, index)
        derived = self._derived(name, arity)
        if not derived or depth > MAX_DEPTH:
            leaves = tuple(self._leaves(name, args, index))
            return Node(
                key, name, _symbols(args), status, derived, leaves=leaves, person=has_person
            )
        if status == NO:
            world = BEST
        elif status == YES:
            world = WORST
        else:
            world = WORST if self._holds(name, args, self._person(index, WORST)) else BEST
        person = self._person(index, world)
        ways: list[Way] = []
        for rule in self.program.rules_for(name, arity):
            if status == NO:
                way = self._failed_way(rule, args, person, index, ctx, depth)
                if way is not None:
                    ways.append(way)
            elif ctx.first:
                b = first_instance(self.ev, rule, args, person)
                if b is not None and status == YES and not self._solid(rule, b):
                    # a conclusion that holds in both completions, shown by an instance that
                    # holds in both where there is one: not by an undated certificate too short
                    # in the worst completion only, when a dated one is too short in both
                    b = next(
                        (
                            x
                            for x in pattern_instances(self.ev, rule, args, person)
                            if self._solid(rule, x)
                        ),
                        b,
                    )
                if b is not None:
                    ways.append(self._fired_way(rule, b, index, ctx, depth))
            elif None not in args:
                atom = _with_person(name, cast("Sequence[Value]", args), person)
                for b in self.ev.instances(rule, atom)[:MAX_WAYS]:
                    ways.append(self._fired_way(rule, b, index, ctx, depth))
            else:
                for b in pattern_instances(self.ev, rule, args, person)[:MAX_WAYS]:
                    ways.append(self._fired_way(rule, b, index, ctx, depth))
            if len(ways) >= MAX_WAYS or (ctx.first and ways and status != NO):
                break
        return Node(key, name, _symbols(args), status, True, tuple(ways), person=has_person)

    def _solid(self, rule: Rule, b: Binding) -> bool:
        """Whether the rule instance ``b`` (found in the worst completion) holds in the best
        completion too, with the same values."""
        best = {k: swap(v, BEST) for k, v in b.items()}
        try:
            return all(self.ev.literal_solutions(lit, best) for lit in rule.body)
        except Unbound:
            return False

    def _person(self, index: int | None, world: str) -> Value | None:
        return None if index is None else person_value(index, world)

    def _leaves(
        self, name: str, args: Sequence[Value | None], index: int | None
    ) -> Iterator[InputLeaf]:
        if index is None:
            return
        seen: set[tuple[str, str]] = set()
        inputs = self.inputs(index)
        for world in (WORST, BEST):
            person = person_value(index, world)
            arity = len(args) + 1
            for atom in self.model.values_of(name, arity, person):
                _, have, _ = _strip(atom)
                if not all(w is None or w == h for w, h in zip(args, have)):
                    continue
                path, unknown = inputs.get(atom, (name, False))
                value = ", ".join(_text(a) for a in have) or "true"
                if (path, value) not in seen:
                    seen.add((path, value))
                    yield InputLeaf(path, value, unknown)

    # -- a rule that fired -------------------------------------------------------
    def _fired_way(
        self, rule: Rule, b: Binding, index: int | None, ctx: _Context, depth: int
    ) -> Way:
        """The conditions of a rule instance that holds: ``b`` is a solution of its whole body
        (in one of the completions), so every comparison and aggregate of it holds."""
        conditions: list[Condition] = []
        clause = None
        readings: list[tuple[str, str]] = []
        bound_by: dict[str, str] = {}  # variable -> status of the atom that bound it
        bound_node: dict[str, Node] = {}  # variable -> the weakest atom that bound it
        lean = ctx.lean
        for literal in rule.body:
            kind = literal.kind
            if kind == ATOM:
                term = literal.term
                sig = literal.signature
                found = [g for g, _ in self.ev.matches(term, b)]
                if not found:  # holds in the other completion only
                    found = [other_world_match(self.ev, term, b)]
                ground = found[0]
                if sig == CITATION:  # clause(C) and reading(N, V): functions
                    clause = name_of(cast(tuple, ground)[3])
                    continue
                if sig == READING:
                    readings.append(
                        (name_of(cast(tuple, ground)[3]), name_of(cast(tuple, ground)[4]))
                    )
                    continue
                # `benefit(P, _)`: each atom it matches is a way it holds (each unknown one is
                # something an unknown answer depends on), not only the first
                for ground in found if len(found) > 1 and anonymous(term) else found[:1]:
                    name, args, person = _strip(ground)
                    idx = index if person is not None else None
                    node = self._node(name, args, idx, ctx, depth + 1)
                    for v in literal.vars:
                        bound_by[v] = weakest([bound_by.get(v, YES), node.status])
                        if node.status != YES and (
                            v not in bound_node or rank(node.status) < rank(bound_node[v].status)
                        ):
                            bound_node[v] = node
                    if lean:
                        conditions.append(Condition(ATOM, "", node.status, node))
                        continue
                    part = Part(name, _symbols(args), person is not None)
                    conditions.append(
                        Condition(ATOM, render(term, b), node.status, node, atom=part)
                    )
            elif kind == NEGATION:
                d = self._denied(literal, b, index)
                status = {YES: NO, NO: YES, UNKNOWN: UNKNOWN}[d.status]
                negated = (
                    self._node(d.name, d.args, d.person_index, ctx, depth + 1)
                    if d.status != NO
                    else None
                )
                if lean:
                    conditions.append(Condition(NEGATION, "", status, negated))
                    continue
                part = Part(d.name, _symbols(d.args), d.person, negated=True)
                conditions.append(
                    Condition(NEGATION, render_literal(literal, b), status, negated, atom=part)
                )
            elif kind == COMPARISON:
                if lean:  # it holds under b: its status is that of the atoms that bound it
                    basis = weakest(bound_by.get(v, YES) for v in literal.vars)
                    conditions.append(Condition(COMPARISON, "", basis if basis != NO else UNKNOWN))
                    continue
                try:
                    compared = tuple(self.ev.compare(literal, b))
                except Unbound:
                    continue
                holds = all(c.holds for c in compared)
                basis = weakest(bound_by.get(v, YES) for v in literal.vars)
                status = (basis if basis != NO else UNKNOWN) if holds else NO
                # the atoms that gave its values are conditions of this way already
                sides = tuple(
                    operand_node(t, bound_node)
                    for t in (literal.term, *(g for _, g in literal.guards))
                )
                conditions.append(
                    Condition(
                        COMPARISON, render_literal(literal, b), status, None, compared, sides=sides
                    )
                )
            else:
                if lean:
                    basis = weakest(bound_by.get(v, YES) for v in literal.vars)
                    conditions.append(Condition(AGGREGATE, "", basis if basis != NO else UNKNOWN))
                    continue
                holds, value, checks = self.ev.aggregate_holds(literal, b)
                basis = weakest(bound_by.get(v, YES) for v in literal.vars)
                status = (basis if basis != NO else UNKNOWN) if holds else NO
                conditions.append(
                    Condition(
                        AGGREGATE,
                        literal.text,
                        status,
                        None,
                        tuple(checks),
                        symbol_of(value),
                        parts=_parts(literal, b),
                        function=literal.function,
                    )
                )
        status = weakest(c.status for c in conditions)
        return Way(
            rule.index, rule.file, rule.line, clause, status, tuple(conditions), tuple(readings)
        )


__all__ = [
    "AGGREGATE",
    "COMPARISON",
    "NEGATION",
    "NO",
    "UNKNOWN",
    "YES",
    "Condition",
    "Explainer",
    "InputLeaf",
    "Node",
    "Part",
    "Way",
    "cited_clauses",
    "unknown_inputs",
    "walk",
    "weakest",
]
