"""The rules that did not fire, for the explanation trees of `pyagent.explain.tree`: why each
way to a conclusion that fails does, with all its conditions that failed (and, in full trees,
those that held), and the atoms that gave a condition its values.  `Explainer` inherits these
methods from `FailedRules`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple, cast

from pyagent.engine.evaluate import (
    Binding,
    Compared,
    Evaluator,
    Unbound,
    anonymous,
    evaluate,
    render,
    render_literal,
)
from pyagent.engine.program import Program, Rule
from pyagent.engine.facts import BEST, WORST
from pyagent.engine.rules import AGGREGATE, ATOM, COMPARISON, NEGATION, Literal, Var, term_vars
from pyagent.engine.solve import Model
from pyagent.engine.values import Value, is_person, name_of, symbol_of
from pyagent.explain.atoms import (
    at as _at,
    CITATION,
    READING,
    dedupe_bindings as _dedupe,
    failure_order as _failure_order,
    first_value as _first_value,
    negated_atom as _negated_atom,
    partial as _partial,
    swap as _swap,
    parts as _parts,
    strip as _strip,
    symbols as _symbols,
    unique as _unique,
)
from pyagent.explain.nodes import (
    NO,
    UNKNOWN,
    YES,
    Condition,
    Node,
    Part,
    Way,
    operand_node,
    rank,
    replaced,
    weakest,
)

if TYPE_CHECKING:
    from pyagent.explain.tree import _Context


class _Denied(NamedTuple):
    """The atom a negated literal denies: name, arguments after the person (None: any
    value), the person's index, whether it has a person, and its status."""

    name: str
    args: tuple[Value | None, ...]
    person_index: int | None
    person: bool
    status: str


class FailedRules:
    """The part of `pyagent.explain.tree.Explainer` that explains rules that failed."""

    if TYPE_CHECKING:  # provided by Explainer
        program: Program
        model: Model
        ev: Evaluator

        def _node(
            self,
            name: str,
            args: tuple[Value | None, ...],
            index: int | None,
            ctx: _Context,
            depth: int,
        ) -> Node: ...

        def status(self, name: str, args: Sequence[Value | None], index: int | None) -> str: ...

        def _key(self, name: str, args: Sequence[Value | None], index: int | None) -> str: ...

    # -- what gave a condition its values ----------------------------------------------
    def _context(
        self,
        rule: Rule,
        literal: Literal,
        bindings: Sequence[Binding],
        index: int | None,
        ctx: _Context,
        depth: int,
        *,
        person_only: bool = False,
    ) -> tuple[Node, ...]:
        """The atoms of the rule that held and bound the variables ``literal`` tests.

        Variables the head binds, and those holding the person, are given, not found; the
        citation and the readings are bookkeeping.  Context nodes are explained in a context
        of their own, so that they never make the tree's own nodes "repeated".
        """
        head = term_vars(rule.head)
        binder: dict[str, Literal] = {}  # variable -> the first atom that binds it
        for other in rule.body:
            if other.kind == ATOM and other.signature not in (CITATION, READING):
                for v in other.vars:
                    binder.setdefault(v, other)
        out: list[Node] = []
        keys: set[str] = set()
        for b in bindings:
            wanted = {v for v in literal.vars if v not in head and not (v in b and is_person(b[v]))}
            binders = [
                binder[v] for v in sorted(wanted) if v in binder and binder[v] is not literal
            ]
            for other in (lit for lit in rule.body if any(lit is x for x in binders)):
                # the atom it matched (``certificate(P, C, L, _)``: the one of certificate C)
                found = self.ev.matches(other.term, b)
                if not found:
                    continue
                name, args, person = _strip(found[0][0])
                if person_only and person is None:
                    continue
                idx = index if person is not None else None
                key = self._key(name, args, idx)
                if key in keys:
                    continue
                keys.add(key)
                out.append(self._node(name, args, idx, ctx.side(), depth + 1))
        return tuple(out)

    def _denied(self, literal: Literal, b: Binding, index: int | None) -> _Denied:
        """The atom a negated literal denies under ``b`` (`negated_atom`: a ``_`` of it any
        value) and its status.  A ``_`` inside an argument (``not p(X, f(_))``) is matched
        as written for the status, not as any value."""
        name, args, person = _negated_atom(literal.term, b)
        idx = index if person is not None else None
        term = literal.term
        if not any(type(a) is not Var and anonymous(a) for a in term.args):
            return _Denied(name, args, idx, person is not None, self.status(name, args, idx))
        held = [
            bool(self.ev.matches(term, {k: _swap(v, w) for k, v in b.items()}))
            for w in (WORST, BEST)
        ]
        status = YES if all(held) else UNKNOWN if any(held) else NO
        return _Denied(name, args, idx, person is not None, status)

    # -- a rule that failed ------------------------------------------------------
    def _failed_way(
        self,
        rule: Rule,
        args: tuple[Value | None, ...],
        person: Value | None,
        index: int | None,
        ctx: _Context,
        depth: int,
    ) -> Way | None:
        full = (person, *args) if person is not None else tuple(args)
        b0 = self.ev.head_binding(rule, full)
        if b0 is None:
            return None  # the rule concludes something else
        bindings = [b0]
        conditions: list[Condition] = []
        held: list[Condition] = []  # full trees: the conditions that hold, for a reader
        # full trees: the atoms that hold, with their bindings; a failed atom shown for several
        # of its bindings (`_groups`) has the atoms that hold shown for each of them too
        held_atoms: list[tuple[Literal, list[Binding]]] = []
        split = False
        mine: set[str] = set()  # the variables an atom of the person's that holds binds
        # the variables an atom of the person's that fails leaves open (the honour of
        # ``honour(P, H)``, for a person with none), and those a table then binds from them (each
        # kind of medal of ``national_contest_medal(H)``): values tried, not the person's, so a
        # condition on them is not said (it read 'the class of the contest of ma's 国家级技能大赛
        # 铜牌 counts' of a person with no honours, the table's first medal)
        left_open: set[str] = set()
        tried: set[str] = set()
        bound_node: dict[str, Node] = {}
        clause = None
        readings: list[tuple[str, str]] = []
        citation = None
        for literal in _failure_order(rule.body):
            kind = literal.kind
            solutions: list[Binding] = []
            unbound = False
            for cb in bindings:
                try:
                    solutions.extend(self.ev.literal_solutions(literal, cb))
                except Unbound:
                    unbound = True
            if kind == ATOM:
                term = literal.term
                sig = literal.signature
                if sig == CITATION:
                    citation = term
                    continue
                if sig == READING:
                    if solutions:
                        in_force = cast(tuple, evaluate(term, solutions[0]))  # reading(N, V)
                        readings.append((name_of(in_force[3]), name_of(in_force[4])))
                        bindings = _dedupe(solutions)
                        continue
                    # a reading not in force: this way does not apply under the readings chosen
                    g = _partial(term, bindings[0])
                    wanted = None
                    if len(g) == 2 and g[0] is not None and g[1] is not None:
                        wanted = (name_of(g[0]), name_of(g[1]))
                    if ctx.lean:
                        conditions.append(Condition(ATOM, "", NO, reading=wanted))
                    else:
                        value = self._reading_value(g[0]) if g and g[0] is not None else None
                        conditions.append(
                            Condition(
                                ATOM,
                                render(term, bindings[0]),
                                NO,
                                None,
                                (),
                                None if value is None else symbol_of(value),
                                reading=wanted,
                            )
                        )
                    if citation is not None:
                        clause = _first_value(citation, bindings)
                    return Way(
                        rule.index,
                        rule.file,
                        rule.line,
                        clause,
                        NO,
                        tuple(conditions),
                        tuple(readings),
                    )
            if solutions:
                before = bindings[0]
                bindings = _dedupe(solutions)
                if kind == ATOM and _of_person(literal, bindings[0]):
                    mine |= literal.vars
                    tried -= literal.vars
                elif (
                    literal.vars & tried
                    or kind == ATOM
                    and literal.vars & left_open
                    and self.program.is_table(*literal.signature)
                ):
                    tried |= {v for v in literal.vars if v not in before and v not in mine}
                if literal.vars & tried:
                    continue  # a fact of a value tried (国家级技能大赛铜牌 is a medal): not said
                if not ctx.lean:
                    c = self._held_condition(literal, bindings[0], bound_node, index, ctx, depth)
                    if c is not None:
                        held.append(replaced(c, at=_at(rule, literal)))
                        if kind == ATOM:
                            held_atoms.append((literal, bindings))
                continue
            if unbound and kind in (COMPARISON, NEGATION, AGGREGATE):
                continue  # depends on a condition that already failed
            if kind == ATOM and self.program.is_table(*literal.signature):
                if any(_partial(literal.term, cb).count(None) for cb in bindings):
                    return None  # no entry of the table fits: the rule concludes something else
            if literal.vars & tried:
                continue  # a condition on a value tried, not the person's: not said
            groups = _groups(literal, bindings, mine) if kind == ATOM else [bindings]
            split = split or len(groups) > 1
            for group in groups:
                failed = self._failed_condition(rule, literal, kind, group, index, ctx, depth)
                conditions.append(failed if ctx.lean else replaced(failed, at=_at(rule, literal)))
            if (
                kind == ATOM
                and failed.node is not None
                and failed.node.status == NO
                and _of_person(literal, bindings[0])
            ):
                left_open |= {v for v in literal.vars if v not in bindings[0]}
        for cb in bindings:
            try:
                clause = name_of(cast(tuple, evaluate(citation, cb))[3])  # clause(C)
                break
            except Unbound:
                continue
        if clause is None and not conditions:
            return None
        if split:  # the atoms that hold for each binding (the time after each certificate)
            said = {c.text for c in held}
            for literal, found in held_atoms:
                for b in found[1:]:
                    c = self._held_condition(literal, b, bound_node, index, ctx, depth)
                    if c is not None and c.text not in said and len(said) < 4 * MAX_GROUPS:
                        said.add(c.text)
                        held.append(replaced(c, at=_at(rule, literal)))
        status = NO if conditions else YES
        return Way(
            rule.index,
            rule.file,
            rule.line,
            clause,
            status,
            tuple(conditions),
            tuple(readings),
            _relevant(held, self.program) if conditions else (),
        )

    def _held_condition(
        self,
        literal: Literal,
        b: Binding,
        bound_node: dict[str, Node],
        index: int | None,
        ctx: _Context,
        depth: int,
    ) -> Condition | None:
        """A condition of a failed rule that holds (in the completion the rule was tried in)."""
        kind = literal.kind
        try:
            if kind == ATOM:
                if literal.signature in (CITATION, READING):
                    return None
                name, args, person = _strip(evaluate(literal.term, b))
                idx = index if person is not None else None
                node = self._node(
                    name, args, idx, ctx.side(), depth + 1
                )  # never hides the tree's own
                for v in literal.vars:
                    if node.status != YES and (
                        v not in bound_node or rank(node.status) < rank(bound_node[v].status)
                    ):
                        bound_node[v] = node
                part = Part(name, _symbols(args), person is not None)
                return Condition(ATOM, render(literal.term, b), node.status, node, atom=part)
            sides = (
                tuple(
                    operand_node(t, bound_node)
                    for t in (literal.term, *(g for _, g in literal.guards))
                )
                if kind == COMPARISON
                else ()
            )
            basis = weakest([YES, *(n.status for n in sides if n is not None)])
            if kind == COMPARISON:
                compared = tuple(self.ev.compare(literal, b))
                return Condition(
                    COMPARISON, render_literal(literal, b), basis, None, compared, sides=sides
                )
            if kind == NEGATION:
                d = self._denied(literal, b, index)
                status = {YES: NO, NO: YES, UNKNOWN: UNKNOWN}[d.status]
                part = Part(d.name, _symbols(d.args), d.person, negated=True)
                return Condition(NEGATION, render_literal(literal, b), status, None, atom=part)
            _, value, checks = self.ev.aggregate_holds(literal, b)
            return Condition(
                AGGREGATE,
                literal.text,
                YES,
                None,
                tuple(checks),
                symbol_of(value),
                parts=_parts(literal, b),
                function=literal.function,
            )
        except Unbound:
            return None

    def _reading_value(self, name: Value) -> Value | None:
        for atom in cast("tuple[tuple, ...]", self.model.values_of("reading", 2)):
            if atom[3] == name:
                return atom[4]
        return None

    def _failed_condition(
        self,
        rule: Rule,
        literal,
        kind: str,
        bindings: list[Binding],
        index: int | None,
        ctx: _Context,
        depth: int,
    ) -> Condition:
        b = bindings[0]
        lean = ctx.lean
        if kind == ATOM:
            term = literal.term
            given = _partial(term, b)
            name = term.name
            person = given[0] if given and given[0] is not None and is_person(given[0]) else None
            rest = tuple(given[1:] if person is not None else given)
            idx = index if person is not None else None
            node = self._node(name, rest, idx, ctx, depth + 1)
            if lean:
                return Condition(ATOM, "", NO, node)
            context = self._context(rule, literal, bindings, index, ctx, depth, person_only=True)
            part = Part(name, _symbols(rest), person is not None)
            return Condition(ATOM, render(term, b), NO, node, atom=part, context=context)
        if kind == NEGATION:
            d = self._denied(literal, b, index)
            node = self._node(d.name, d.args, d.person_index, ctx, depth + 1)
            status = {YES: NO, NO: YES, UNKNOWN: UNKNOWN}[d.status]
            if lean:
                return Condition(NEGATION, "", status, node)
            part = Part(d.name, _symbols(d.args), d.person, negated=True)
            return Condition(NEGATION, render_literal(literal, b), status, node, atom=part)
        if lean:  # a comparison or an aggregate: no node
            return Condition(kind, "", NO)
        if kind == COMPARISON:
            compared: list[Compared] = []
            for cb in bindings:
                try:
                    compared.extend(self.ev.compare(literal, cb))
                except Unbound:
                    continue
            context = self._context(rule, literal, bindings, index, ctx, depth)
            return Condition(
                COMPARISON,
                render_literal(literal, b),
                NO,
                None,
                tuple(_unique(compared)),
                context=context,
            )
        try:
            _, value, checks = self.ev.aggregate_holds(literal, b)
        except Unbound:
            return Condition(
                AGGREGATE, literal.text, NO, parts=_parts(literal, b), function=literal.function
            )
        return Condition(
            AGGREGATE,
            literal.text,
            NO,
            None,
            tuple(checks),
            symbol_of(value),
            parts=_parts(literal, b),
            function=literal.function,
        )


MAX_GROUPS = 8  # the atoms a failed condition is shown for, one per value its bindings give


def _of_person(literal: Literal, b: Binding) -> bool:
    """An atom about the person (its first argument the person's term under ``b``)."""
    first = literal.term.args[0] if literal.term.args else None
    value = b.get(first.name) if type(first) is Var else None
    return value is not None and is_person(value)


def _groups(literal: Literal, bindings: Sequence[Binding], mine: set[str]) -> list[list[Binding]]:
    """The bindings of a failed atom, grouped by the values of the person's own atoms it is
    tried with: a certificate condition that fails for each of two certificates (高级工 and
    技师, neither 高级技师) is two failed conditions, each with its own sub-tree, not the first
    certificate's alone.  Values of the knowledge base's tables (each kind of medal, tried
    for a person who holds none) are not the person's: those bindings stay one group."""
    wanted = sorted(v for v in literal.vars if v in mine)
    if not wanted:
        return [list(bindings)]
    groups: dict[tuple, list[Binding]] = {}
    for b in bindings:
        key = tuple(b.get(v) for v in wanted)
        if key in groups:
            groups[key].append(b)
        elif len(groups) < MAX_GROUPS:
            groups[key] = [b]
    return list(groups.values())


def _relevant(held: Sequence[Condition], program: Program) -> tuple[Condition, ...]:
    """The conditions of a failed rule that hold and say something of the person: not a table
    fact nor a comparison about none of the person's values (the rule tried with the values
    its failing condition would have bound: 「5 ≥ 3」 beside no certificate).  A table fact
    of two values is the person's when it holds one of them (the rank of the person's level);
    a comparison, when a side is the person's value or a value of such a fact (that rank)."""
    mine = {
        a
        for c in held
        if c.status == YES and c.node is not None and c.node.person
        for a in c.node.arguments
        if a is not None
    }

    def table(c: Condition) -> bool:
        return (
            c.kind == ATOM
            and c.node is not None
            and not c.node.person
            and len(c.node.arguments) == 2
            and program.is_table(c.node.predicate, c.node.arity)
        )

    facts = [c for c in held if table(c) and mine.intersection(c.node.arguments)]  # type: ignore[union-attr]
    known = mine | {a for c in facts for a in c.node.arguments if a is not None}  # type: ignore[union-attr]
    return tuple(
        c
        for c in held
        if not (table(c) and not mine.intersection(c.node.arguments))  # type: ignore[union-attr]
        and not (
            c.kind == COMPARISON
            and c.compared
            and not any(x.left in known or x.right in known for x in c.compared)
        )
    )
