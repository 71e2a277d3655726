"""Evaluate the knowledge base's rules against a model, in Python, for explanations.

clingo computes the model; this module answers the questions a reader asks of
it: which instances of which rule derived an atom, and, for an atom that does
not hold, which conditions failed and with which values.  It walks the rules
of ``program.Program`` (the parsed ``kb/``), so every rule a maintainer adds
is explained with no change here.

Supported in rule bodies: atoms, negated atoms, comparisons with arithmetic,
and ``#count``/``#sum``/``#min``/``#max`` body aggregates; anything else is
reported by ``pyagent lint``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from clingo import Function, Infimum, Number, Supremum, Symbol, SymbolType, Tuple_

from .program import Program, Rule
from .rules import AGGREGATE, ATOM, COMPARISON, NEGATION, BinOp, Const, Fn, Literal, Minus, Var
from .solve import Model, is_person_term

Binding = dict[str, Symbol]

OPS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class Unbound(Exception):
    """A term has a variable with no value yet."""


def evaluate(term, b: Binding) -> Symbol:
    """The value of a term under a binding (raises Unbound)."""
    if isinstance(term, Var):
        v = b.get(term.name)
        if v is None:
            raise Unbound(term.name)
        return v
    if isinstance(term, Const):
        return term.symbol
    if isinstance(term, Fn):
        args = [evaluate(a, b) for a in term.args]
        return Tuple_(args) if term.name == "" else Function(term.name, args)
    if isinstance(term, BinOp):
        left, right = evaluate(term.left, b), evaluate(term.right, b)
        if left.type != SymbolType.Number or right.type != SymbolType.Number:
            raise Unbound("arithmetic on a non-number")
        x, y, op = left.number, right.number, term.op
        if op == "+":
            return Number(x + y)
        if op == "-":
            return Number(x - y)
        if op == "*":
            return Number(x * y)
        if op == "/" and y:
            return Number(int(x / y))
        if op == "\\" and y:
            return Number(x - y * int(x / y))
        raise Unbound("undefined arithmetic")
    if isinstance(term, Minus):
        v = evaluate(term.arg, b)
        if v.type == SymbolType.Number:
            return Number(-v.number)
    raise Unbound(f"unsupported term {term}")


def match(term, value: Symbol, b: Binding) -> Binding | None:
    """Extend ``b`` so that ``term`` equals ``value``, or None."""
    if isinstance(term, Var):
        if term.name == "_":
            return b
        bound = b.get(term.name)
        if bound is None:
            nb = dict(b)
            nb[term.name] = value
            return nb
        return b if bound == value else None
    if isinstance(term, Const):
        return b if term.symbol == value else None
    if isinstance(term, Fn):
        if value.type != SymbolType.Function or value.name != term.name:
            return None
        vargs = value.arguments
        if len(vargs) != len(term.args):
            return None
        out: Binding | None = b
        for a, v in zip(term.args, vargs):
            out = match(a, v, out)
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
        return str(evaluate(term, b))
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


class Evaluator:
    """Rule bodies evaluated against one model."""

    def __init__(self, program: Program, model: Model) -> None:
        self.program = program
        self.model = model

    def candidates(self, term: Fn, b: Binding) -> tuple[Symbol, ...]:
        arity = len(term.args)
        if arity:
            try:
                first = evaluate(term.args[0], b)
            except Unbound:
                first = None
            if first is not None and is_person_term(first):
                return self.model.atoms_of(term.name, arity, first)
        return self.model.atoms_of(term.name, arity)

    def matches(self, term: Fn, b: Binding) -> Iterator[tuple[Symbol, Binding]]:
        try:
            ground = evaluate(term, b)
        except Unbound:
            ground = None
        if ground is not None:
            if ground in self.model:
                yield ground, b
            return
        for atom in self.candidates(term, b):
            nb = match(term, atom, b)
            if nb is not None:
                yield atom, nb

    def compare(self, lit: Literal, b: Binding) -> list[Compared]:
        """Each link of a comparison chain, evaluated (raises Unbound)."""
        left = evaluate(lit.term, b)
        out = []
        for op, t in lit.guards:
            right = evaluate(t, b)
            holds = OPS[op](left, right)
            out.append(Compared(left, op, right, holds != lit.negated))
            left = right
        return out

    def aggregate_value(self, lit: Literal, b: Binding) -> Symbol:
        tuples: set[tuple[Symbol, ...]] = set()
        for terms, condition in lit.elements:
            for nb in self.solutions(condition, b):
                tuples.add(tuple(evaluate(t, nb) for t in terms))
        if lit.function == "count":
            return Number(len(tuples))
        weights = [t[0] for t in tuples if t]
        if lit.function == "sum":
            return Number(sum(w.number for w in weights if w.type == SymbolType.Number))
        if lit.function == "min":
            return min(weights) if weights else Supremum
        return max(weights) if weights else Infimum

    def aggregate_holds(self, lit: Literal, b: Binding) -> tuple[bool, Symbol, list[Compared]]:
        value = self.aggregate_value(lit, b)
        checks: list[Compared] = []
        if lit.left is not None:
            op, t = lit.left
            bound = evaluate(t, b)
            checks.append(Compared(bound, op, value, OPS[op](bound, value)))
        if lit.right is not None:
            op, t = lit.right
            bound = evaluate(t, b)
            checks.append(Compared(value, op, bound, OPS[op](value, bound)))
        holds = all(c.holds for c in checks) != lit.negated
        return holds, value, checks

    def literal_solutions(self, lit: Literal, b: Binding) -> list[Binding]:
        """The extensions of ``b`` under which ``lit`` holds (raises Unbound)."""
        kind = lit.kind
        if kind == ATOM:
            return [nb for _, nb in self.matches(lit.term, b)]
        if kind == NEGATION:
            return [] if evaluate(lit.term, b) in self.model else [b]
        if kind == COMPARISON:
            if len(lit.guards) == 1 and lit.guards[0][0] == "=" and not lit.negated:
                op, right = lit.guards[0]
                try:
                    value = evaluate(right, b)
                    nb = match(lit.term, value, b)
                except Unbound:
                    value = evaluate(lit.term, b)
                    nb = match(right, value, b)
                return [nb] if nb is not None else []
            return [b] if all(c.holds for c in self.compare(lit, b)) else []
        holds, _, _ = self.aggregate_holds(lit, b)
        return [b] if holds else []

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

    def head_binding(self, rule: Rule, arguments: Sequence[Symbol | None]) -> Binding | None:
        """Bind the rule's head to the known arguments of an atom (None: any value).

        A head argument with arithmetic over a variable (``required_months(S, 12 * N)``)
        cannot be matched before the body binds it; ``instances`` checks it.
        """
        head_args = rule.head.args
        if len(head_args) != len(arguments):
            return None
        b: Binding | None = {}
        for term, value in zip(head_args, arguments):
            if value is None or b is None:
                continue
            if isinstance(term, (BinOp, Minus)):
                continue
            b = match(term, value, b)
        return b

    def instances(self, rule: Rule, atom: Symbol) -> list[Binding]:
        """The bindings under which ``rule`` derives ``atom`` in this model."""
        b = self.head_binding(rule, atom.arguments)
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


def ordered(body: Sequence[Literal]) -> list[Literal]:
    """Positive atoms first (they bind), then `X = term`, then the other tests."""
    atoms = [lit for lit in body if lit.kind == ATOM]
    binds = [lit for lit in body if lit.kind == COMPARISON and len(lit.guards) == 1
             and lit.guards[0][0] == "=" and not lit.negated]
    rest = [lit for lit in body if lit.kind != ATOM and not any(lit is x for x in binds)]
    return atoms + binds + rest


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
    "AGGREGATE", "ATOM", "COMPARISON", "NEGATION", "Binding", "Compared", "Evaluator",
    "Unbound", "evaluate", "match", "ordered", "render", "render_literal", "symbol_text",
]
