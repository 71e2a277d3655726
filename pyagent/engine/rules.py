"""A small Python form of the knowledge base's rules, converted once from ``clingo.ast``.

Walking ``clingo.ast`` nodes costs a foreign call per attribute; explanations
walk rules thousands of times, so ``program.py`` converts each rule once into
these slotted classes.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from clingo import Symbol, parse_term

from pyagent.engine.values import Value, parse, symbol_of, value_of

if TYPE_CHECKING:
    from clingo import ast


# clingo.ast (about 4 ms to import) is needed only to convert a parse, not to read the cache.
@functools.cache
def _operators() -> tuple[dict, dict, dict]:
    """clingo.ast's comparison, binary operators and aggregate functions -> their names."""
    from clingo import ast

    cmp = {
        ast.ComparisonOperator.Equal: "=",
        ast.ComparisonOperator.NotEqual: "!=",
        ast.ComparisonOperator.LessThan: "<",
        ast.ComparisonOperator.LessEqual: "<=",
        ast.ComparisonOperator.GreaterThan: ">",
        ast.ComparisonOperator.GreaterEqual: ">=",
    }
    binary = {
        ast.BinaryOperator.Plus: "+",
        ast.BinaryOperator.Minus: "-",
        ast.BinaryOperator.Multiplication: "*",
        ast.BinaryOperator.Division: "/",
        ast.BinaryOperator.Modulo: "\\",
    }
    aggregate = {
        ast.AggregateFunction.Count: "count",
        ast.AggregateFunction.Sum: "sum",
        ast.AggregateFunction.SumPlus: "sum",
        ast.AggregateFunction.Min: "min",
        ast.AggregateFunction.Max: "max",
    }
    return cmp, binary, aggregate


ATOM = "atom"
NEGATION = "not"
COMPARISON = "compare"
AGGREGATE = "aggregate"


class Unsupported(ValueError):
    """A construct the explanation evaluator does not support (kept out of kb/ by lint)."""


class Var:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name


class Const:
    """A constant term: its value (`pyagent.engine.values`), and its clingo symbol, built only
    when asked for (`program_cache` reads constants as values, with no foreign call)."""

    __slots__ = ("_symbol", "value")

    def __init__(self, symbol: Symbol | None, value: Value | None = None) -> None:
        self._symbol = symbol
        if value is None:
            assert symbol is not None, "a constant needs its symbol or its value"
            value = value_of(symbol)
        self.value: Value = value  # what pyagent.engine.evaluate computes with

    @property
    def symbol(self) -> Symbol:
        if self._symbol is None:
            self._symbol = symbol_of(self.value)
        return self._symbol

    def __str__(self) -> str:
        return str(self.symbol)

    def __reduce__(self):  # a clingo Symbol does not pickle; its text does (program.py's cache)
        return (_const_of_text, (str(self.symbol),))


def _const_of_text(text: str) -> Const:
    """The constant clingo prints as ``text``: read by `values.parse` where it can (no foreign
    call), else by clingo (RuntimeError when clingo cannot parse it either)."""
    try:
        return Const(None, parse(text))
    except ValueError:
        return Const(parse_term(text))


class Fn:
    __slots__ = ("name", "args")

    def __init__(self, name: str, args: tuple) -> None:
        self.name = name
        self.args = args

    def __str__(self) -> str:
        inner = ",".join(str(a) for a in self.args)
        return f"{self.name}({inner})" if self.args or not self.name else self.name


class BinOp:
    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left, right) -> None:
        self.op, self.left, self.right = op, left, right

    def __str__(self) -> str:
        return f"{self.left}{self.op}{self.right}"


class Minus:
    __slots__ = ("arg",)

    def __init__(self, arg) -> None:
        self.arg = arg

    def __str__(self) -> str:
        return f"-{self.arg}"


Term = Var | Const | Fn | BinOp | Minus


class Literal:
    """A body literal: an atom, a negated atom, a comparison or an aggregate."""

    __slots__ = (
        "kind",
        "negated",
        "term",
        "guards",
        "function",
        "elements",
        "left",
        "right",
        "vars",
        "text",
    )

    def __init__(
        self,
        kind: str,
        *,
        negated: bool = False,
        term=None,
        guards=(),
        function=None,
        elements=(),
        left=None,
        right=None,
        text: str = "",
    ) -> None:
        self.kind = kind
        self.negated = negated
        self.term = term  # the atom's Fn; a comparison's left term
        self.guards = guards  # comparison: ((op, term), ...)
        self.function = function  # aggregate: count, sum, min, max
        self.elements = elements  # aggregate: ((terms, (Literal, ...)), ...)
        self.left = left  # aggregate: (op, term) or None, read `term op value`
        self.right = right  # aggregate: (op, term) or None, read `value op term`
        self.vars = frozenset(_vars_of(self))
        self.text = text

    @property
    def signature(self) -> tuple[str, int]:
        t = self.term
        return (t.name, len(t.args)) if isinstance(t, Fn) else ("", 0)

    def __str__(self) -> str:
        return self.text


def term_vars(t) -> set[str]:
    if isinstance(t, Var):
        return set() if t.name == "_" else {t.name}
    if isinstance(t, Fn):
        out: set[str] = set()
        for a in t.args:
            out |= term_vars(a)
        return out
    if isinstance(t, BinOp):
        return term_vars(t.left) | term_vars(t.right)
    if isinstance(t, Minus):
        return term_vars(t.arg)
    return set()


def _vars_of(lit: Literal) -> set[str]:
    out = term_vars(lit.term) if lit.term is not None else set()
    for _, g in lit.guards:
        out |= term_vars(g)
    for guard in (lit.left, lit.right):
        if guard is not None:
            out |= term_vars(guard[1])
    return out


def convert_term(node: ast.AST):
    from clingo import ast

    _CMP, _BIN, _AGG = _operators()
    t = node.ast_type
    if t == ast.ASTType.Variable:
        return Var(node.name)
    if t == ast.ASTType.SymbolicTerm:
        return Const(node.symbol)
    if t == ast.ASTType.Function:
        return Fn(node.name, tuple(convert_term(a) for a in node.arguments))
    if t == ast.ASTType.BinaryOperation and node.operator_type in _BIN:
        return BinOp(_BIN[node.operator_type], convert_term(node.left), convert_term(node.right))
    if t == ast.ASTType.UnaryOperation and node.operator_type == ast.UnaryOperator.Minus:
        return Minus(convert_term(node.argument))
    raise Unsupported(f"term {node}")


def convert_literal(node: ast.AST) -> Literal:
    from clingo import ast

    _CMP, _BIN, _AGG = _operators()
    if node.ast_type != ast.ASTType.Literal:
        raise Unsupported(f"literal {node}")
    atom = node.atom
    negated = node.sign != ast.Sign.NoSign
    text = str(node)
    if node.sign == ast.Sign.DoubleNegation:
        raise Unsupported(f"double negation {node}")
    if atom.ast_type == ast.ASTType.SymbolicAtom:
        term = convert_term(atom.symbol)
        if isinstance(term, Const):
            term = Fn(term.symbol.name, ())
        return Literal(NEGATION if negated else ATOM, negated=negated, term=term, text=text)
    if atom.ast_type == ast.ASTType.Comparison:
        guards = tuple((_CMP[g.comparison], convert_term(g.term)) for g in atom.guards)
        return Literal(
            COMPARISON, negated=negated, term=convert_term(atom.term), guards=guards, text=text
        )
    if atom.ast_type == ast.ASTType.BodyAggregate:
        if atom.function not in _AGG:
            raise Unsupported(f"aggregate {node}")
        elements = tuple(
            (
                tuple(convert_term(t) for t in e.terms),
                tuple(convert_literal(c) for c in e.condition),
            )
            for e in atom.elements
        )
        left = (
            (_CMP[atom.left_guard.comparison], convert_term(atom.left_guard.term))
            if atom.left_guard
            else None
        )
        right = (
            (_CMP[atom.right_guard.comparison], convert_term(atom.right_guard.term))
            if atom.right_guard
            else None
        )
        return Literal(
            AGGREGATE,
            negated=negated,
            function=_AGG[atom.function],
            elements=elements,
            left=left,
            right=right,
            text=text,
        )
    if atom.ast_type == ast.ASTType.BooleanConstant:
        raise Unsupported(f"boolean constant {node}")
    raise Unsupported(f"literal {node}")
