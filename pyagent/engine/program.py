"""The knowledge base as rules a Python evaluator can walk (for explanations).

clingo grounds and solves the knowledge base; this module parses the same
files with ``clingo.ast`` and keeps each rule's head, body and the clause it
cites, so that explanations come from the rules themselves: a maintainer who
adds a rule gets its explanation with no Python change.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import clingo

from pyagent.errors import InputError, msg
from pyagent.kb import kb_dir
from pyagent.engine.rules import Fn, Literal, Unsupported, convert_literal, convert_term


@dataclass(frozen=True)
class Rule:
    """One (unpooled) rule of the knowledge base."""

    index: int
    head: Fn  # the head atom
    name: str
    arity: int
    body: tuple[Literal, ...]
    file: str
    line: int
    text: str


@dataclass(frozen=True)
class Program:
    directory: Path
    files: tuple[Path, ...]
    rules: tuple[Rule, ...]
    by_head: dict[tuple[str, int], tuple[Rule, ...]]
    defined_inputs: frozenset[tuple[str, int]]  # #defined predicates: the input schema
    unsupported: tuple[str, ...]  # rules the evaluator cannot walk (lint reports them)

    def rules_for(self, name: str, arity: int) -> tuple[Rule, ...]:
        return self.by_head.get((name, arity), ())

    def is_derived(self, name: str, arity: int) -> bool:
        return (name, arity) in self.by_head

    def is_table(self, name: str, arity: int) -> bool:
        """Defined by facts only (``through_field(engineering; ...)``)."""
        rules = self.by_head.get((name, arity), ())
        return bool(rules) and all(not r.body for r in rules)


def _included(main: Path) -> list[Path]:
    files = [main]
    for line in main.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#include"):
            files.append(main.parent / line.split('"')[1])
    return files


def parse_error(main: Path, messages: list[str]) -> InputError:
    """A syntax error in the knowledge base: one message (clingo's first), not a traceback."""
    first = " ".join(messages[0].split()) if messages else "parsing failed"
    return InputError(
        str(main),
        "",
        msg(
            "clingo cannot parse the knowledge base: {m}",
            "clingo 无法解析知识库：{m}",
            m=first[:300],
        ),
    )


def load_program(directory: Path | None = None) -> Program:
    """Parse every file ``main.lp`` includes (or read the parse from the cache, below)."""
    return _load((directory or kb_dir()).resolve())


def reload_program(directory: Path) -> Program:
    """The program past the in-process cache (from disk, or parsed): for a copy of kb/ that
    may have been edited since this process first read it (lint)."""
    return _load.__wrapped__(directory.resolve())


@functools.cache
def _load(directory: Path) -> Program:
    from pyagent.engine import program_cache

    key = _fingerprint(directory)
    cached = program_cache.read(key, directory)
    if cached is not None:
        return cached
    program = _parse(directory)
    program_cache.write(key, program)
    return program


# The parse is cached on disk (pyagent.engine.program_cache: plain JSON, checked when read,
# never unpickled).  The key covers the directory, every .lp file's bytes and the code that
# converts them, so an edit to either is never served stale.


def kb_files(directory: Path) -> list[tuple[Path, bytes]]:
    """Every ``.lp`` file under ``directory`` with its bytes; a file or subdirectory that
    cannot be read, or one that is not a regular file (a FIFO would hang clingo), is an
    InputError naming it."""
    from pyagent.input.document import walk_files

    out = []
    for path in walk_files(directory, (".lp",)):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                out.append((path, handle.read()))
        except OSError as err:
            raise InputError(
                str(path),
                "",
                msg("cannot read the file: {r}", "无法读取文件：{r}", r=err.strerror or str(err)),
            ) from None
    return out


def _fingerprint(directory: Path) -> str:
    digest = hashlib.sha256(str(directory).encode())
    for path, data in kb_files(directory):
        digest.update(str(path.relative_to(directory)).encode() + b"\0" + data)
    for module in ("program.py", "program_cache.py", "rules.py", "values.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    digest.update(clingo.__version__.encode())
    return digest.hexdigest()[:32]


def _parse(directory: Path) -> Program:
    from clingo import ast  # only here: reading the cache needs no clingo.ast

    files = tuple(_included(directory / "main.lp"))
    rules: list[Rule] = []
    defined: set[tuple[str, int]] = set()
    unsupported: list[str] = []

    def collect(stm: ast.AST) -> None:
        if stm.ast_type == ast.ASTType.Defined:
            defined.add((stm.name, stm.arity))
            return
        if stm.ast_type != ast.ASTType.Rule:
            return
        for rule in stm.unpool():
            head = rule.head
            if head.ast_type != ast.ASTType.Literal:
                continue  # no choice or disjunction in this knowledge base
            loc = rule.location.begin
            try:
                term = convert_term(head.atom.symbol)
                if not isinstance(term, Fn):
                    term = Fn(term.symbol.name, ())
                body = tuple(convert_literal(lit) for lit in rule.body)
            except Unsupported as err:
                unsupported.append(f"{loc.filename}:{loc.line}: {err}")
                continue
            rules.append(
                Rule(
                    len(rules),
                    term,
                    term.name,
                    len(term.args),
                    body,
                    loc.filename,
                    loc.line,
                    str(rule),
                )
            )

    messages: list[str] = []
    try:  # follows the #include lines
        ast.parse_files(
            [str(directory / "main.lp")],
            collect,
            logger=lambda _code, text: messages.append(" ".join(text.split())),
            message_limit=5,
        )
    except RuntimeError:
        raise parse_error(directory / "main.lp", messages) from None
    by_head: dict[tuple[str, int], list[Rule]] = {}
    for r in rules:
        by_head.setdefault((r.name, r.arity), []).append(r)
    return Program(
        directory,
        files,
        tuple(rules),
        {k: tuple(v) for k, v in by_head.items()},
        frozenset(defined),
        tuple(unsupported),
    )
