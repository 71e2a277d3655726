"""clingo symbols as plain Python values, for the inner loops of the explanation engine.

Reading a `clingo.Symbol` (``.type``, ``.name``, ``.arguments``, ``==``, ``hash``) is a foreign
call each time, and building one (``Function(...)``) is several; explanations ask such
questions hundreds of thousands of times per case.  ``pyagent.engine.evaluate`` and
``pyagent.explain.tree`` therefore work on *values*: hashable Python objects that stand for symbols
one to one, compare equal exactly when the symbols do, print the same and sort the same.

====================  ===========================================================
symbol                value
====================  ===========================================================
``42``                ``42`` (an ``int``)
``worst``             ``"worst"`` (a ``str``: a constant, a positive name without arguments)
``"电工"``             ``("str", "电工")``
``p(3,worst)``        ``("fn", "p", True, 3, "worst")``: name, positive, arguments...
``(1,2)``, ``-a``     ``("fn", "", True, 1, 2)``, ``("fn", "a", False)``
``#sup``, ``#inf``    `SUP`, `INF`
====================  ===========================================================

(the same form ``pyagent.engine.signature`` keys its caches with).  A value is read off a symbol by
parsing its text (one foreign call, `value_of`) and turned back into a symbol only where a
public dataclass hands one out (`symbol_of`); `text` prints a value as clingo prints its
symbol, and `order_key` sorts values in clingo's total order of symbols (#inf < numbers <
constants < negated constants < strings < functions by sign, arity, name and arguments <
#sup).  tests/test_values.py checks all of this against clingo itself.

>>> from clingo import Function, Number
>>> v = value_of(Function("p", [Number(3), Function("worst")]))
>>> v, text(v), symbol_of(v) == Function("p", [Number(3), Function("worst")])
(('fn', 'p', True, 3, 'worst'), 'p(3,worst)', True)
"""

from __future__ import annotations

import operator
import re
from typing import TYPE_CHECKING, Any, TypeGuard

from clingo import Function, Infimum, Number, String, Supremum, Symbol, SymbolType

Value = int | str | tuple

# The functions below tell the kinds of value apart by exact type (``type(v) is int``: faster
# than isinstance, and a bool is never a value); mypy narrows such a test only where it holds,
# so where the test fails it is told the value left is a tuple (``if TYPE_CHECKING``: no cost).

SUP: tuple = ("sup",)
INF: tuple = ("inf",)
WORLDS = ("worst", "best")

# One token of a symbol as clingo prints it: a comma, a number, a string, a name (opening
# its arguments or not, negated or not), a parenthesis, #sup or #inf.  Every token but an
# opening one ends where a comma, a closing parenthesis or the text does.
_END = r"(?=[,)]|$)"
_TOKEN = re.compile(
    r",|-?\d+"
    + _END
    + r'|"(?:[^"\\]|\\.)*"'
    + _END
    + r"|-?_*[a-z][A-Za-z0-9_']*(?:\(|"
    + _END
    + r")|\(|\)"
    + _END
    + r"|#(?:sup|inf)"
    + _END
)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unescape(m: re.Match) -> str:
    c = m.group(1)
    return "\n" if c == "n" else c


# Most atoms of a model are a person's, with numbers and names after the person: read at once.
_NAME = r"_*[a-z][A-Za-z0-9_']*"
_PERSON_ATOM = re.compile(rf"({_NAME})\(p\((-?\d+),(worst|best)\)((?:,(?:-?\d+|{_NAME}))*)\)")


def parse(printed: str) -> Value:
    """The value of a symbol from its text as clingo prints it (``str(symbol)``).

    Raises ValueError for a text that is not such a symbol, or one with a name that is not a
    clingo identifier (`value_of` then reads the symbol attribute by attribute).
    """
    m = _PERSON_ATOM.fullmatch(printed)
    if m is not None:
        name, index, world, rest = m.groups()
        args: list = [("fn", "p", True, int(index), world)]
        if rest:
            for a in rest[1:].split(","):
                args.append(int(a) if a[0].isdigit() or a[0] == "-" else a)
        return ("fn", name, True, *args)
    return _parse(printed)


def _parse(printed: str) -> Value:
    tokens = _TOKEN.findall(printed)
    if sum(map(len, tokens)) != len(printed):
        raise ValueError(f"not a symbol with identifier names: {printed!r}")
    frames: list[tuple[list, str, bool]] = []
    args: list = []
    try:
        for tok in tokens:
            c = tok[0]
            if c == ",":
                continue
            if c == ")":
                outer, name, positive = frames.pop()
                outer.append(("fn", name, positive, *args) if args or not positive else name)
                args = outer
            elif c == '"':
                s = tok[1:-1]
                args.append(("str", _ESCAPE.sub(_unescape, s) if "\\" in s else s))
            elif c == "(":
                frames.append((args, "", True))
                args = []
            elif c.isdigit() or (c == "-" and tok[1].isdigit()):
                args.append(int(tok))
            elif c == "#":
                args.append(SUP if tok == "#sup" else INF)
            elif tok[-1] == "(":
                negated = c == "-"
                frames.append((args, tok[negated:-1], not negated))
                args = []
            elif c == "-":
                args.append(("fn", tok[1:], False))
            else:
                args.append(tok)
    except IndexError:
        frames.append(([], "", True))  # a closing parenthesis too many
    if len(args) != 1 or frames:
        raise ValueError(f"not a symbol as clingo prints one: {printed!r}")
    return args[0]


def convert(symbol: Symbol) -> Value:
    """The value of a symbol, read attribute by attribute (slow: `value_of` parses its text)."""
    t = symbol.type
    if t == SymbolType.Number:
        return symbol.number
    if t == SymbolType.String:
        return ("str", symbol.string)
    if t == SymbolType.Function:
        args = symbol.arguments
        if not args and symbol.positive:
            return symbol.name
        return ("fn", symbol.name, symbol.positive, *(convert(a) for a in args))
    return SUP if t == SymbolType.Supremum else INF


# Symbols read and values turned back, kept: the same few thousand recur across a case, and
# across the solves of a process (`pyagent.engine.solve.Model` looks every atom of a model up).
# A symbol is looked up by `symbol_key`: clingo's own handle of it (``Symbol._rep``, a number:
# clingo keeps one copy of each symbol for the life of the process, so two symbols are equal
# exactly when their handles are) where the binding has one, else the symbol itself (whose
# hash and ``==`` are each a foreign call).
_VALUES: dict[object, Value] = {}
_SYMBOLS: dict[Value, Symbol] = {}
_CAP = 200_000

symbol_key: Any = (
    operator.attrgetter("_rep") if "_rep" in getattr(Symbol, "__slots__", ()) else (lambda s: s)
)


known_value: Any = _VALUES.get  # a symbol's value by its `symbol_key`, if read before (or None)


def value_of(symbol: Symbol, printed: str | None = None) -> Value:
    """The value of a symbol (``printed``: its text, when the caller has it already)."""
    key = symbol_key(symbol)
    v = _VALUES.get(key)
    if v is None:
        try:
            v = parse(str(symbol) if printed is None else printed)
        except ValueError:
            v = convert(symbol)
        if len(_VALUES) >= _CAP:
            _VALUES.clear()
        _VALUES[key] = v
    return v


def symbol_of(v: Value) -> Symbol:
    """The symbol a value stands for."""
    s = _SYMBOLS.get(v)
    if s is None:
        s = _build(v)
        if len(_SYMBOLS) >= _CAP:
            _SYMBOLS.clear()
        _SYMBOLS[v] = s
    return s


def _build(v: Value) -> Symbol:
    if type(v) is int:
        return Number(v)
    if type(v) is str:
        return Function(v)
    if TYPE_CHECKING:
        assert isinstance(v, tuple)
    tag = v[0]
    if tag == "str":
        return String(v[1])
    if tag == "sup":
        return Supremum
    if tag == "inf":
        return Infimum
    return Function(v[1], [symbol_of(a) for a in v[3:]], v[2])


def function(name: str, args: tuple | list) -> Value:
    """The value of ``Function(name, args)`` (positive) for argument values ``args``."""
    return ("fn", name, True, *args) if args else name


def name_of(v: Value) -> str:
    """The name of a function or constant (``Symbol.name``)."""
    if type(v) is str:
        return v
    if type(v) is tuple and v[0] == "fn":
        return v[1]
    raise TypeError(f"{text(v)} is not a function")


def arguments_of(v: Value) -> tuple:
    """The arguments of a function (``Symbol.arguments``); () for a constant."""
    return v[3:] if type(v) is tuple and v[0] == "fn" else ()


def is_function(v: Value) -> bool:
    return type(v) is str or (type(v) is tuple and v[0] == "fn")


def is_string(v: Value) -> TypeGuard[tuple]:
    return type(v) is tuple and v[0] == "str"


def person(index: int, world: str) -> Value:
    """The value of ``solve.person_term(index, world)``."""
    return ("fn", "p", True, index, world)


def is_person(v: Value) -> TypeGuard[tuple]:
    """``solve.is_person_term`` on values: ``p(_, W)`` with W named worst or best."""
    return (
        type(v) is tuple
        and len(v) == 5
        and v[1] == "p"
        and v[0] == "fn"
        and (v[4] in WORLDS if type(v[4]) is str else is_function(v[4]) and v[4][1] in WORLDS)
    )


def _quote(s: str) -> str:
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def text(v: Value) -> str:
    """``str(symbol)``: the value as clingo prints its symbol."""
    if type(v) is int:
        return str(v)
    if type(v) is str:
        return v or "()"
    if TYPE_CHECKING:
        assert isinstance(v, tuple)
    tag = v[0]
    if tag == "str":
        return f'"{_quote(v[1])}"'
    if tag == "sup":
        return "#sup"
    if tag == "inf":
        return "#inf"
    sign = "" if v[2] else "-"
    args = v[3:]
    if not args:
        return sign + (v[1] or "()")
    inner = ",".join([text(a) for a in args])
    if len(args) == 1 and not v[1]:
        inner += ","
    return f"{sign}{v[1]}({inner})"


def order_key(v: Value) -> tuple:
    """A key that sorts values as clingo orders their symbols."""
    if type(v) is int:
        return (1, v)
    if type(v) is str:
        return (2, v)
    if TYPE_CHECKING:
        assert isinstance(v, tuple)
    tag = v[0]
    if tag == "str":
        return (4, v[1])
    if tag == "sup":
        return (7,)
    if tag == "inf":
        return (0,)
    args = v[3:]
    if not args:
        return (3, v[1])  # a negated constant
    return (5, not v[2], len(args), v[1], tuple([order_key(a) for a in args]))


def less(a: Value, b: Value) -> bool:
    """``a < b`` in clingo's order."""
    if type(a) is int and type(b) is int:
        return a < b
    return a != b and order_key(a) < order_key(b)


def compare(op: str, a: Value, b: Value) -> bool:
    """``a op b`` for a comparison operator of the knowledge base (=, !=, <, <=, >, >=)."""
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    x: Any = a  # two ints, or two keys of clingo's order (tuples): comparable either way
    y: Any = b
    if type(a) is not int or type(b) is not int:
        x, y = order_key(a), order_key(b)
    if op == "<":
        return x < y
    if op == "<=":
        return x <= y
    if op == ">":
        return x > y
    if op == ">=":
        return x >= y
    raise ValueError(f"unknown comparison {op!r}")


__all__ = [
    "INF",
    "SUP",
    "Value",
    "arguments_of",
    "compare",
    "convert",
    "function",
    "is_function",
    "is_person",
    "is_string",
    "less",
    "name_of",
    "order_key",
    "parse",
    "person",
    "symbol_of",
    "text",
    "value_of",
]
