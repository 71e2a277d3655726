"""The mutants of a knowledge base: small changes of its rules, generated from the parsed rules.

Every file ``main.lp`` includes is parsed with ``clingo.ast``; each rule yields mutants by
these operators (`OPERATORS`), each a copy of the statement with one change:

- ``number``: an integer made one more and one less (``title_rank_order(intermediate, 3)``);
- ``comparison``: a comparison negated (``>=`` to ``<``) and moved across its boundary
  (``>=`` to ``>``), in a body and in the guards of an aggregate;
- ``drop``: a body literal dropped;
- ``negate``: a body atom negated, or its negation dropped;
- ``constant``: a constant replaced by another that stands in the same place of the same
  predicate elsewhere in the knowledge base (``benefit(P, social)`` to ``benefit(P, economic)``);
- ``delete``: a rule deleted, or one value of a pooled fact
  (``reading_option(field_list, (closed; open))`` without ``closed``).

Skipped: the templates and texts that only word explanations (`DOC_PREDICATES`), ``#show``,
``#defined`` and ``#include`` (not rules), and comments and docs (not in the syntax tree).
``whatif.lp``, loaded beside ``main.lp`` by ``what-if`` only, is mutated too: what-if pins
(`pyagent.pins.whatif_pin`) kill its mutants.  A mutant is the statement's text
replaced by its mutated copy as clingo prints it (`Mutant.apply`), at the statement's place.

>>> from pyagent.pins.mutants import mutants
>>> ms = mutants()                                       # doctest: +SKIP
>>> ms[0].where, ms[0].operator, ms[0].before, ms[0].after  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import clingo
from clingo import ast

from pyagent.kb import kb_dir as default_kb_dir

__all__ = ["DOC_PREDICATES", "OPERATORS", "Mutant", "included_files", "mutants"]

OPERATORS = ("number", "comparison", "drop", "negate", "constant", "delete")

# Facts that only word or document explanations: their mutants change no answer by design.
DOC_PREDICATES = frozenset(
    {
        "template",
        "template_term",
        "template_not",
        "template_any",
        "clause_text",
        "clause_wording",
        "clause_sentence",
        "clause_mark",
        "reading_reason",
        "reading_about",
        "reading_words",
        "reading_value_words",
        "not_encoded",
        "not_encoded_words",
    }
)

# How many other constants of the same place replace one constant (the nearest in the
# knowledge base's own order of that place, after it then before it).
CONSTANT_ALTERNATIVES = 2

_CMP = ast.ComparisonOperator
_NEGATED = {
    _CMP.GreaterEqual: _CMP.LessThan,
    _CMP.GreaterThan: _CMP.LessEqual,
    _CMP.LessEqual: _CMP.GreaterThan,
    _CMP.LessThan: _CMP.GreaterEqual,
    _CMP.Equal: _CMP.NotEqual,
    _CMP.NotEqual: _CMP.Equal,
}
_BOUNDARY = {
    _CMP.GreaterEqual: _CMP.GreaterThan,
    _CMP.GreaterThan: _CMP.GreaterEqual,
    _CMP.LessEqual: _CMP.LessThan,
    _CMP.LessThan: _CMP.LessEqual,
}


@dataclass(frozen=True)
class Mutant:
    """One change of one statement of one file of the knowledge base."""

    id: int  # its place in the full list, stable for a knowledge base
    file: str  # relative to the knowledge base directory ("p3_ranks.lp")
    line: int
    operator: str  # one of OPERATORS
    before: str  # the statement as clingo prints it
    after: str  # the mutated statement ("" when deleted)
    start: int  # byte offsets of the statement in the file
    end: int

    @property
    def key(self) -> tuple[str, str, str]:
        """What names it across edits of other lines: (file, before, after)."""
        return (self.file, self.before, self.after)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def apply(self, directory: Path) -> None:
        """Write this mutant into ``directory``, a copy of the knowledge base."""
        path = directory / self.file
        data = path.read_bytes()
        path.write_bytes(data[: self.start] + self.after.encode("utf-8") + data[self.end :])

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "file": self.file,
            "line": self.line,
            "operator": self.operator,
            "before": self.before,
            "after": self.after,
        }


# Files loaded beside main.lp for one command only: mutated as well (their pins: what-if).
BESIDE = ("whatif.lp",)


def included_files(directory: Path) -> list[Path]:
    """``main.lp`` and the files it includes, in order, then the files loaded beside it
    (`BESIDE`: ``whatif.lp``, what-if's abduction) when the knowledge base has them."""
    main = directory / "main.lp"
    files = [main]
    for line in main.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#include"):
            files.append(directory / line.split('"')[1])
    return files + [directory / name for name in BESIDE if (directory / name).is_file()]


# ---------------------------------------------------------------------------
# Walking and editing syntax trees.

_Path = tuple[tuple[str, int | None], ...]
_DELETE = object()


def _children(node: ast.AST) -> Iterator[tuple[str, int | None, ast.AST]]:
    for key in node.child_keys:
        value = getattr(node, key)
        if isinstance(value, ast.AST):
            yield key, None, value
        elif value is not None and not isinstance(value, (str, int)):
            for i, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield key, i, item


def _walk(node: ast.AST, path: _Path = ()) -> Iterator[tuple[_Path, ast.AST]]:
    yield path, node
    for key, i, child in _children(node):
        yield from _walk(child, (*path, (key, i)))


def _replace(node: ast.AST, path: _Path, new: object) -> ast.AST:
    """A copy of ``node`` with the node at ``path`` replaced by ``new`` (or removed:
    `_DELETE`, for an element of a list)."""
    (key, i), rest = path[0], path[1:]
    value = getattr(node, key)
    if i is None:
        # with no further path, ``new`` is the replacing AST (_DELETE only replaces list items)
        return node.update(**{key: _replace(value, rest, new) if rest else cast(ast.AST, new)})
    items = list(value)
    if rest:
        items[i] = _replace(items[i], rest, new)
    elif new is _DELETE:
        del items[i]
    else:
        items[i] = new
    return node.update(**{key: items})


def _head_name(rule: ast.AST) -> str | None:
    head = rule.head
    if head.ast_type == ast.ASTType.Literal and head.atom.ast_type == ast.ASTType.SymbolicAtom:
        symbol = head.atom.symbol
        if symbol.ast_type == ast.ASTType.Function:
            return symbol.name
        if symbol.ast_type == ast.ASTType.SymbolicTerm:
            return symbol.symbol.name
    return None


def _is_constant(node: ast.AST) -> str | None:
    if node.ast_type == ast.ASTType.SymbolicTerm:
        s = node.symbol
        if s.type == clingo.SymbolType.Function and not s.arguments and s.name:
            return s.name
    if (
        node.ast_type == ast.ASTType.Function
        and not node.arguments
        and node.name
        and not node.external
    ):
        return node.name
    return None


def _argument_places(rule: ast.AST) -> Iterator[tuple[_Path, tuple[str, int, int], str]]:
    """Each constant that is an argument of an atom (directly, or in a pool there):
    its path, (predicate, arity, position) and name."""
    for path, node in _walk(rule):
        if (
            node.ast_type != ast.ASTType.SymbolicAtom
            or node.symbol.ast_type != ast.ASTType.Function
        ):
            continue
        fn = node.symbol
        arity = len(fn.arguments)
        for k, arg in enumerate(fn.arguments):
            base = (*path, ("symbol", None), ("arguments", k))
            name = _is_constant(arg)
            if name is not None:
                yield base, (fn.name, arity, k), name
            elif arg.ast_type == ast.ASTType.Pool:
                for j, alt in enumerate(arg.arguments):
                    name = _is_constant(alt)
                    if name is not None:
                        yield (*base, ("arguments", j)), (fn.name, arity, k), name


# ---------------------------------------------------------------------------
# The operators.


def _number_edits(rule: ast.AST) -> Iterator[ast.AST]:
    for path, node in _walk(rule):
        if (
            node.ast_type == ast.ASTType.SymbolicTerm
            and node.symbol.type == clingo.SymbolType.Number
        ):
            n = node.symbol.number
            for m in (n + 1, n - 1):
                yield _replace(rule, path, ast.SymbolicTerm(node.location, clingo.Number(m)))


def _comparison_edits(rule: ast.AST) -> Iterator[ast.AST]:
    for path, node in _walk(rule):
        if node.ast_type == ast.ASTType.Guard:
            for table in (_NEGATED, _BOUNDARY):
                op = table.get(node.comparison)
                if op is not None:
                    yield _replace(rule, path, node.update(comparison=op))


def _body_edits(rule: ast.AST, negate: bool) -> Iterator[ast.AST]:
    for i, lit in enumerate(rule.body):
        if not negate:
            yield _replace(rule, (("body", i),), _DELETE)
        elif lit.ast_type == ast.ASTType.Literal and lit.atom.ast_type == ast.ASTType.SymbolicAtom:
            sign = ast.Sign.NoSign if lit.sign != ast.Sign.NoSign else ast.Sign.Negation
            yield _replace(rule, (("body", i),), lit.update(sign=sign))


def _constant_edits(
    rule: ast.AST, domains: dict[tuple[str, int, int], list[str]]
) -> Iterator[ast.AST]:
    for path, place, name in _argument_places(rule):
        domain = domains.get(place, [])
        if name not in domain:
            continue
        k = domain.index(name)
        others = [d for d in domain[k + 1 :] + domain[:k] if d != name][:CONSTANT_ALTERNATIVES]
        node = rule
        for key, i in path:
            node = getattr(node, key) if i is None else getattr(node, key)[i]
        for other in others:
            yield _replace(rule, path, ast.SymbolicTerm(node.location, clingo.Function(other)))


def _delete_edits(rule: ast.AST) -> Iterator[ast.AST | None]:
    yield None  # the whole rule
    if rule.body:
        return
    for path, node in _walk(rule):
        if node.ast_type == ast.ASTType.Pool and len(node.arguments) > 1:
            for j in range(len(node.arguments)):
                yield _replace(rule, (*path, ("arguments", j)), _DELETE)


# ---------------------------------------------------------------------------
# Generating the mutants of a knowledge base.


@dataclass(frozen=True)
class _Statement:
    file: str
    line: int
    start: int
    end: int
    rule: ast.AST


def _statements(directory: Path) -> list[_Statement]:
    out: list[_Statement] = []
    for path in included_files(directory):
        data = path.read_bytes()
        starts = [0]
        for k, byte in enumerate(data):
            if byte == 0x0A:
                starts.append(k + 1)

        def offset(pos: ast.Position) -> int:
            return starts[pos.line - 1] + pos.column - 1

        found: list[ast.AST] = []
        # #include lines blanked (the included files are parsed in turn), offsets kept
        text = "\n".join(
            " " * len(line) if line.lstrip().startswith("#include") else line
            for line in data.decode("utf-8").split("\n")
        )
        ast.parse_string(text, found.append)
        for stm in found:
            if stm.ast_type != ast.ASTType.Rule:
                continue  # #program, #show, #defined, #include
            if _head_name(stm) in DOC_PREDICATES:
                continue
            loc = stm.location
            end = offset(loc.end)
            if data[end : end + 1] == b".":  # the location may stop before the full stop
                end += 1
            out.append(_Statement(path.name, loc.begin.line, offset(loc.begin), end, stm))
    return out


def mutants(directory: Path | None = None) -> list[Mutant]:
    """Every mutant of the knowledge base in ``directory`` (default: the project's ``kb/``),
    in file, statement and operator order; ids number them from 0."""
    directory = Path(directory or default_kb_dir())
    statements = _statements(directory)
    domains: dict[tuple[str, int, int], list[str]] = {}
    for st in statements:
        for _, place, name in _argument_places(st.rule):
            names = domains.setdefault(place, [])
            if name not in names:
                names.append(name)
    out: list[Mutant] = []
    for st in statements:
        original = _text(directory / st.file, st)
        before = str(st.rule)
        seen = {before}
        edits: list[tuple[str, ast.AST | None]] = []
        edits += [("number", r) for r in _number_edits(st.rule)]
        edits += [("comparison", r) for r in _comparison_edits(st.rule)]
        edits += [("drop", r) for r in _body_edits(st.rule, negate=False)]
        edits += [("negate", r) for r in _body_edits(st.rule, negate=True)]
        edits += [("constant", r) for r in _constant_edits(st.rule, domains)]
        edits += [("delete", r) for r in _delete_edits(st.rule)]
        for operator, rule in edits:
            after = "" if rule is None else str(rule)
            if after in seen:
                continue
            seen.add(after)
            out.append(
                Mutant(len(out), st.file, st.line, operator, original, after, st.start, st.end)
            )
    return out


def _text(path: Path, st: _Statement) -> str:
    """The statement as written, on one line."""
    return " ".join(path.read_bytes()[st.start : st.end].decode("utf-8").split())
