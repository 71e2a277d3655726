"""Evaluate the knowledge base's rules against a model, in Python, for explanations.

clingo computes the model; this module answers the questions a reader asks of
it: which instances of which rule derived an atom, and, for an atom that does
not hold, which conditions failed and with which values.  It walks the rules
of ``program.Program`` (the parsed ``kb/``), so every rule a maintainer adds
is explained with no change here.

Terms evaluate to *values* (`pyagent.engine.values`: ints, constant names, tuples), not to
`clingo.Symbol`: matching, arithmetic, comparisons and model look-ups are then plain
Python, where a symbol would cost a foreign call for every attribute read.  Bindings map
variable names to values; `Compared` hands its two sides out as symbols again.

Supported in rule bodies: atoms, negated atoms, comparisons with arithmetic,
and ``#count``/``#sum``/``#min``/``#max`` body aggregates; anything else is
reported by ``pyagent lint``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from clingo import Symbol, SymbolType

from pyagent.engine.program import Program, Rule
from pyagent.engine.rules import (
    AGGREGATE,
    ATOM,
    COMPARISON,
    NEGATION,
    BinOp,
    Const,
    Fn,
    Literal,
    Minus,
    Var,
)
from pyagent.engine.solve import Model
from pyagent.engine.values import INF, SUP, Value, compare, is_person, order_key, symbol_of, text

Binding = dict[str, Value]


class Unbound(Exception):
    """A term has a variable with no value yet."""


def evaluate(term, b: Binding) -> Value:
    """The value of a term under a binding (raises Unbound)."""
    t = type(term)
    if t is Var:
        v = b.get(term.name)
        if v is None:
            raise Unbound(term.name)
        return v
    if t is Const:
        return term.value
    if t is Fn:
        args = term.args
        if not args:
            return term.name
        return ("fn", term.name, True, *[evaluate(a, b) for a in args])
    if t is BinOp:
        x, y = evaluate(term.left, b), evaluate(term.right, b)
        if type(x) is not int or type(y) is not int:
            raise Unbound("arithmetic on a non-number")
        op = term.op
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/" and y:
            return int(x / y)
        if op == "\\" and y:
            return x - y * int(x / y)
        raise Unbound("undefined arithmetic")
    if t is Minus:
        v = evaluate(term.arg, b)
        if type(v) is int:
            return -v
    raise Unbound(f"unsupported term {term}")


def match(term, value: Value, b: Binding) -> Binding | None:
    """Extend ``b`` so that ``term`` equals ``value``, or None."""
    t = type(term)
    if t is Var:
        name = term.name
        if name == "_":
            return b
        bound = b.get(name)
        if bound is None:
            nb = dict(b)
            nb[name] = value
            return nb
        return b if bound == value else None
    if t is Const:
        return b if term.value == value else None
    if t is Fn:
        args = term.args
        if type(value) is str:  # a constant: a function without arguments
            return b if not args and value == term.name else None
        if type(value) is not tuple or value[0] != "fn" or value[1] != term.name:
            return None
        if len(value) - 3 != len(args):
            return None
        out: Binding | None = b
        for a, v in zip(args, value[3:]):
            out = match(a, v, out)  # type: ignore[arg-type]
            if out is None:
                return None
        return out
    try:
        return b if evaluate(term, b) == value else None
    except Unbound:
        return None


def render(term, b: Binding) -> str:
    """A term with its bound variables replaced by their values."""
    try:
        return text(evaluate(term, b))
    except Unbound:
        pass
    if isinstance(term, Fn):
        inner = ",".join(render(a, b) for a in term.args)
        return f"{term.name}({inner})" if term.args else term.name
    return str(term)


def render_literal(lit: Literal, b: Binding) -> str:
    if lit.kind in (ATOM, NEGATION):
        return ("not " if lit.negated else "") + render(lit.term, b)
    if lit.kind == COMPARISON:
        parts = [render(lit.term, b)]
        for op, t in lit.guards:
            parts += [op, render(t, b)]
        return ("not " if lit.negated else "") + " ".join(parts)
    return lit.text


@dataclass(frozen=True)
class Compared:
    """A comparison evaluated under a binding: ``left op right``."""

    left: Symbol
    op: str
    right: Symbol
    holds: bool


def _compared(left: Value, op: str, right: Value, holds: bool) -> Compared:
    return Compared(symbol_of(left), op, symbol_of(right), holds)


def _is_binding(lit: Literal) -> bool:
    """``X = term``: a comparison that binds a variable rather than tests."""
    return (
        lit.kind == COMPARISON
        and len(lit.guards) == 1
        and lit.guards[0][0] == "="
        and not lit.negated
    )


class Evaluator:
    """Rule bodies evaluated against one model."""

    def __init__(self, program: Program, model: Model) -> None:
        self.program = program
        self.model = model
        self._constants: dict[Fn, tuple[Value, bool]] = {}  # atoms of constants: held or not

    def candidates(self, term: Fn, b: Binding) -> tuple[Value, ...]:
        arity = len(term.args)
        if arity:
            try:
                first = evaluate(term.args[0], b)
            except Unbound:
                first = None
            if first is not None and is_person(first):
                return self.model.values_of(term.name, arity, first)
        return self.model.values_of(term.name, arity)

    def matches(self, term: Fn, b: Binding) -> list[tuple[Value, Binding]]:
        """The atoms of the model that ``term`` matches under ``b``, each with ``b`` extended
        by the match, in the model's order: `match` against `candidates`, with the arguments
        ``b`` already fixes looked up in a hash index rather than compared atom by atom."""
        found_plan = _PLANS.get(term)
        if found_plan is None:
            found_plan = _PLANS[term] = _plan(term)
        plan, constant, simple = found_plan
        if constant:  # a ground atom of constants (a citation, a reading...): one look-up
            held = self._constants.get(term)
            if held is None:
                ground = ("fn", term.name, True, *(x for _, x in plan)) if plan else term.name
                held = self._constants[term] = (ground, self.model.holds(ground))
            return [(held[0], b)] if held[1] else []
        if simple:  # variables and constants only
            values: list[Value | None] = [b.get(x) if tag == _VAR else x for tag, x in plan]
        else:
            values = []
            for tag, x in plan:
                if tag == _VAR:
                    v = b.get(x)
                elif tag == _CONST:
                    v = x
                elif tag == _ANY:
                    v = None
                else:
                    try:
                        v = evaluate(x, b)
                    except Unbound:
                        v = None
                values.append(v)
        name = term.name
        if None not in values:
            ground = ("fn", name, True, *values) if values else name
            return [(ground, b)] if self.model.holds(ground) else []
        first = values[0]  # not None: the term has arguments, one of them unbound
        person = first if first is not None and is_person(first) else None
        # Places the index can fix: a bound variable or a constant matches by equality.  The
        # first argument of a person's atom is that person already.
        places = tuple(
            k
            for k, (tag, _) in enumerate(plan)
            if values[k] is not None and (tag == _VAR or tag == _CONST) and (k or person is None)
        )
        found = cast(  # atoms with arguments: each a tuple
            "Sequence[tuple]",
            self.model.matching(name, len(plan), person, places, tuple(values[k] for k in places)),
        )
        if not found:
            return []
        how = (term, places, person is not None)
        rest = _REST.get(how)
        if rest is None:
            rest = _REST[how] = _rest(plan, places, person is not None)
        binds, others = rest
        if others is None:  # only distinct variables left to bind: no test can fail
            out: list[tuple[Value, Binding]] = []
            for atom in found:
                extended = b.copy()
                for k, var in binds:
                    extended[var] = atom[k]
                out.append((atom, extended))
            return out
        out = []
        for atom in found:
            nb: Binding | None = b
            for k, tag, x in others:
                v = atom[k]
                if tag == _VAR:
                    bound = nb.get(x)  # type: ignore[union-attr]
                    if bound is None:
                        nb = dict(nb)  # type: ignore[arg-type]
                        nb[x] = v
                    elif bound != v:
                        nb = None
                        break
                else:
                    nb = match(x, v, nb)  # type: ignore[arg-type]
                    if nb is None:
                        break
            if nb is not None:
                out.append((atom, nb))
        return out

    def compare(self, lit: Literal, b: Binding) -> list[Compared]:
        """Each link of a comparison chain, evaluated (raises Unbound)."""
        left = evaluate(lit.term, b)
        out = []
        for op, t in lit.guards:
            right = evaluate(t, b)
            holds = compare(op, left, right)
            out.append(_compared(left, op, right, holds != lit.negated))
            left = right
        return out

    def comparison_holds(self, lit: Literal, b: Binding) -> bool:
        """Whether every link of a comparison chain holds (raises Unbound): `compare`, fast."""
        left = evaluate(lit.term, b)
        negated = lit.negated
        holds = True
        for op, t in lit.guards:  # every link evaluated, as `compare` does (Unbound alike)
            right = evaluate(t, b)
            if compare(op, left, right) == negated:
                holds = False
            left = right
        return holds

    def aggregate_value(self, lit: Literal, b: Binding) -> Value:
        tuples: set[tuple[Value, ...]] = set()
        for terms, condition in lit.elements:
            for nb in self.solutions(condition, b):
                tuples.add(tuple(evaluate(t, nb) for t in terms))
        if lit.function == "count":
            return len(tuples)
        weights = [t[0] for t in tuples if t]
        if lit.function == "sum":
            return sum(w for w in weights if type(w) is int)
        if lit.function == "min":
            return min(weights, key=order_key) if weights else SUP
        return max(weights, key=order_key) if weights else INF

    def aggregate_holds(self, lit: Literal, b: Binding) -> tuple[bool, Value, list[Compared]]:
        """Whether an aggregate holds, its value, and its guards as comparisons."""
        value = self.aggregate_value(lit, b)
        checks: list[Compared] = []
        if lit.left is not None:
            op, t = lit.left
            bound = evaluate(t, b)
            checks.append(_compared(bound, op, value, compare(op, bound, value)))
        if lit.right is not None:
            op, t = lit.right
            bound = evaluate(t, b)
            checks.append(_compared(value, op, bound, compare(op, value, bound)))
        holds = all(c.holds for c in checks) != lit.negated
        return holds, value, checks

    def aggregate_test(self, lit: Literal, b: Binding) -> bool:
        """`aggregate_holds` without building the comparisons."""
        value = self.aggregate_value(lit, b)
        holds = True
        if lit.left is not None:
            op, t = lit.left
            holds = compare(op, evaluate(t, b), value)
        if lit.right is not None:
            op, t = lit.right
            right = compare(op, value, evaluate(t, b))
            holds = holds and right
        return holds != lit.negated

    def literal_solutions(self, lit: Literal, b: Binding) -> list[Binding]:
        """The extensions of ``b`` under which ``lit`` holds (raises Unbound)."""
        kind = lit.kind
        if kind == ATOM:
            return [nb for _, nb in self.matches(lit.term, b)]
        if kind == NEGATION:
            if anonymous(lit.term):  # `not p(X, _)`: no atom of p(X, ...) at all, as in clingo
                if not lit.vars <= b.keys():
                    raise Unbound(next(iter(lit.vars - b.keys())))
                return [] if self.matches(lit.term, b) else [b]
            return [] if self.model.holds(evaluate(lit.term, b)) else [b]
        if kind == COMPARISON:
            if _is_binding(lit):
                _, right = lit.guards[0]
                try:
                    value = evaluate(right, b)
                    nb = match(lit.term, value, b)
                except Unbound:
                    value = evaluate(lit.term, b)
                    nb = match(right, value, b)
                return [nb] if nb is not None else []
            return [b] if self.comparison_holds(lit, b) else []
        return [b] if self.aggregate_test(lit, b) else []

    def solutions(self, body: Sequence[Literal], b: Binding) -> list[Binding]:
        """Every binding extending ``b`` under which the whole body holds."""
        current = [b]
        for lit in ordered(body):
            nxt: list[Binding] = []
            for cb in current:
                nxt.extend(self.literal_solutions(lit, cb))
            current = nxt
            if not current:
                break
        return current

    def head_binding(self, rule: Rule, arguments: Sequence[Value | None]) -> Binding | None:
        """Bind the rule's head to the known arguments of an atom (None: any value).

        A head argument with arithmetic over a variable (``required_months(S, 12 * N)``)
        cannot be matched before the body binds it; ``instances`` checks it.
        """
        head = rule.head
        found = _HEADS.get(id(head))
        if found is None or found[0] is not head:
            found = _HEADS[id(head)] = (head, _plan(head)[0])  # the head kept: its id its own
        plan = found[1]
        if len(plan) != len(arguments):
            return None
        b: Binding | None = {}
        for (tag, x), value in zip(plan, arguments):
            if value is None:
                continue
            if tag == _VAR:  # as `match` binds or compares a variable
                bound = b.get(x)  # type: ignore[union-attr]
                if bound is None:
                    b[x] = value  # type: ignore[index]
                elif bound != value:
                    return None
            elif tag == _CONST:
                if x != value:
                    return None
            elif tag == _TERM and not isinstance(x, (BinOp, Minus)):
                b = match(x, value, b)  # type: ignore[arg-type]
                if b is None:
                    return None
        return b

    def instances(self, rule: Rule, atom: Value) -> list[Binding]:
        """The bindings under which ``rule`` derives ``atom`` (a value) in this model."""
        if type(atom) is tuple and atom[0] == "fn":
            arguments = atom[3:]
        elif type(atom) is str:
            arguments = ()
        else:
            return []
        b = self.head_binding(rule, arguments)
        if b is None:
            return []
        out = []
        for nb in self.solutions(rule.body, b):
            try:
                if evaluate(rule.head, nb) == atom:
                    out.append(nb)
            except Unbound:
                continue
        return out


_ANONYMOUS: dict[int, tuple[object, bool]] = {}  # id(term) -> term, whether it has a `_`


def anonymous(term) -> bool:
    """Whether ``term`` has an anonymous variable ``_`` (at any depth): a negated literal
    with one (`not p(X, _)`) holds when no atom matches it, ``_`` standing for any value."""
    found = _ANONYMOUS.get(id(term))
    if found is not None and found[0] is term:
        return found[1]
    t = type(term)
    if t is Var:
        out = term.name == "_"
    elif t is Fn:
        out = any(anonymous(a) for a in term.args)
    elif t is BinOp:
        out = anonymous(term.left) or anonymous(term.right)
    elif t is Minus:
        out = anonymous(term.arg)
    else:
        out = False
    if len(_ANONYMOUS) < 100_000:
        _ANONYMOUS[id(term)] = (term, out)  # the term kept: its id stays its own
    return out


_VAR, _ANY, _CONST, _TERM = 0, 1, 2, 3
# An argument's plan is (tag, what): what is a variable's name, None for ``_``, a constant's
# value or the term itself, as the tag says (Any: the tag, not the type, tells them apart).
_Step = tuple[int, Any]
_Plan = tuple[tuple[_Step, ...], bool, bool]
_PLANS: dict[Fn, _Plan] = {}  # by identity: the program's own terms


def _plan(term: Fn) -> _Plan:
    """How each argument of an atom's term matches: a variable (its name), ``_``, a constant
    (its value) or any other term (itself, through `evaluate` and `match`); whether they are
    all constants, and whether they are all variables or constants."""
    out: list[_Step] = []
    for a in term.args:
        if type(a) is Var:
            out.append((_ANY, None) if a.name == "_" else (_VAR, a.name))
        elif type(a) is Const:
            out.append((_CONST, a.value))
        else:
            out.append((_TERM, a))
    return (
        tuple(out),
        all(tag == _CONST for tag, _ in out),
        all(tag in (_VAR, _CONST) for tag, _ in out),
    )


_HEADS: dict[int, tuple[Fn, tuple[_Step, ...]]] = {}  # id(head) -> head, plan
_REST: dict[tuple[Fn, tuple[int, ...], bool], tuple] = {}


def _rest(plan: tuple, places: tuple[int, ...], person: bool) -> tuple:
    """What is left to match once the index has fixed ``places`` (and, for ``person``, the
    first argument): ``(binds, None)`` when it is only distinct unbound variables, each
    bound from its place in the atom's value; else ``((), others)``, each (place in the
    value, tag, variable or term), matched in order."""
    others = [
        (3 + k, tag, x)
        for k, (tag, x) in enumerate(plan)
        if k not in places and not (k == 0 and person) and tag != _ANY
    ]
    names = [x for _, tag, x in others if tag == _VAR]
    if len(names) == len(others) and len(set(names)) == len(names):
        return tuple((k, x) for k, _, x in others), None
    return (), tuple(others)


_ORDERED: dict[int, tuple[Sequence[Literal], tuple[Literal, ...]]] = {}


def dedupe(bindings: list[Binding], cap: int | None = None) -> list[Binding]:
    """The distinct bindings, in order; at most ``cap`` of them."""
    seen: set[tuple] = set()
    out = []
    for b in bindings:
        key = tuple(sorted(b.items()))
        if key not in seen:
            seen.add(key)
            out.append(b)
            if cap is not None and len(out) >= cap:
                break
    return out


def ordered(body: Sequence[Literal]) -> tuple[Literal, ...]:
    """Positive atoms first (they bind), then `X = term`, then the other tests."""
    found = _ORDERED.get(id(body))
    if found is not None and found[0] is body:
        return found[1]
    atoms = [lit for lit in body if lit.kind == ATOM]
    binds = [lit for lit in body if _is_binding(lit)]
    rest = [lit for lit in body if lit.kind != ATOM and not any(lit is x for x in binds)]
    out = tuple(atoms + binds + rest)
    if len(_ORDERED) < 100_000:
        _ORDERED[id(body)] = (body, out)  # the body kept: its id stays its own
    return out


def symbol_text(s: Symbol) -> str:
    """A symbol as a reader sees it: strings without quotes, #sup as 'unbounded'."""
    if s.type == SymbolType.String:
        return s.string
    if s.type == SymbolType.Supremum:
        return "unbounded"
    if s.type == SymbolType.Infimum:
        return "none"
    return str(s)


__all__ = [
    "AGGREGATE",
    "ATOM",
    "COMPARISON",
    "NEGATION",
    "Binding",
    "Compared",
    "Evaluator",
    "Unbound",
    "anonymous",
    "evaluate",
    "match",
    "ordered",
    "render",
    "render_literal",
    "symbol_text",
]
