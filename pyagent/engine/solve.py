"""Ground persons into the knowledge base and solve: one call, a frozen model.

Every person of a case is grounded twice, as ``p(I, worst)`` and
``p(I, best)`` (kb/schema.lp, "Persons and worlds"), into one control; the
program is stratified, so the single model is found without search.  Facts are
added through clingo's backend as symbols: a case never reaches clingo as text.

>>> from pyagent.engine.solve import solve
>>> m = solve([[]], [])          # one person with no facts at all
>>> m.atoms_of("answer", 2)
()
"""

from __future__ import annotations

import atexit
import functools
import os
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import clingo
from clingo import Function, Number, Symbol, SymbolType

if TYPE_CHECKING:
    from clingo import ast

from pyagent.errors import TimeLimitError
from pyagent.engine.facts import BEST, BOTH, WORST, Fact
from pyagent.kb import kb_dir
from pyagent.engine.values import (
    Value,
    is_person,
    known_value,
    order_key,
    symbol_key,
    value_of,
)

WORLDS = (WORST, BEST)


class GroundingError(RuntimeError):
    """The knowledge base did not ground cleanly (a bug in kb/, never bad input)."""


@functools.lru_cache(maxsize=4096)
def person_term(index: int, world: str) -> Symbol:
    """``p(index, world)`` (a symbol is a value: made once, three foreign calls saved)."""
    return Function("p", [Number(index), Function(world)])


def is_person_term(symbol: Symbol) -> bool:
    return (
        symbol.type == SymbolType.Function
        and symbol.name == "p"
        and len(symbol.arguments) == 2
        and symbol.arguments[1].type == SymbolType.Function
        and symbol.arguments[1].name in WORLDS
    )


# The name each atom not read yet is filed under, by `symbol_key` (printing a symbol to find
# its name is a foreign call and a copy of its text), for the names no explanation reads.
_NAMES: dict[object, str] = {}
_NAMES_CAP = 200_000


class Model:
    """The atoms of one solve, indexed by predicate and by person term.

    Readers get symbols: `atoms`, `atoms_of` and ``in``.  The explanation engine gets the same
    atoms as values (`pyagent.engine.values`): `values_of` and `holds`, with no foreign call per
    question.  A predicate's atoms are read (their text parsed into values) the first time
    it is asked for, and each list is sorted the first time it is asked for: most never are.
    """

    __slots__ = (
        "_atoms",
        "_buckets",
        "_by_name",
        "_keys",
        "_lists",
        "_read",
        "_sets",
        "_symbols",
        "_values",
    )

    def __init__(self, symbols: Iterable[Symbol]) -> None:
        symbols = tuple(symbols)
        self._symbols = symbols
        self._atoms: frozenset[Symbol] | None = None  # `atoms`, made on first use
        self._keys: frozenset | None = None  # `symbol_key` of each atom, made on first use
        # each atom filed under its name: with its value when `value_of` read the symbol
        # before (it keeps them for the process, and most atoms recur from solve to solve:
        # the knowledge base's tables, p(I, W) with the same few values), else with its text,
        # parsed the first time its name is asked for (`_read_name`: a batch's explanations ask
        # for about half of them)
        by_name: dict[str, list[tuple[Value | None, Symbol, str | None]]] = {}
        names = _NAMES
        for s in symbols:
            key = symbol_key(s)
            v = known_value(key)
            printed = None
            if v is not None:
                name = v if type(v) is str else v[1]  # type: ignore[index]
            else:
                name = names.get(key)
                if name is None:
                    printed = str(s)
                    name = printed.partition("(")[0]
                    if name[:1] == "-":  # a classically negated atom is filed under its name
                        name = name[1:]
                    name = sys.intern(name)  # kept once, however many atoms bear it
                    if len(names) >= _NAMES_CAP:
                        names.clear()
                    names[key] = name
            found = by_name.get(name)
            if found is None:
                by_name[name] = [(v, s, printed)]
            else:
                found.append((v, s, printed))
        self._by_name = by_name
        self._read: set[str] = set()
        # (name, arity, person value or None) -> [(value, symbol)], a tuple once sorted
        self._lists: dict[tuple[str, int, Value | None], list | tuple] = {}
        self._values: dict[tuple[str, int, Value | None], tuple[Value, ...]] = {}  # values_of
        self._sets: dict[str, frozenset] = {}  # name -> the values of its atoms, every arity
        self._buckets: dict[tuple, dict[tuple, list[Value]]] = {}  # see `matching`

    def _read_name(self, name: str) -> None:
        """File every atom of a predicate name by arity and person."""
        self._read.add(name)
        # the entries of a name not read before are all lists (sorted into tuples on first use)
        lists = cast("dict[tuple[str, int, Value | None], list[tuple[Value, Symbol]]]", self._lists)
        values = set()  # of every arity: a value has its own
        for v, s, printed in self._by_name.get(name, ()):
            if v is None:
                v = value_of(s, printed)
            pair = (v, s)
            values.add(v)
            if type(v) is str:
                lists.setdefault((name, 0, None), []).append(pair)
                continue
            if TYPE_CHECKING:  # an atom that is not a constant is a function: a tuple
                assert isinstance(v, tuple)
            arity = len(v) - 3 if v[0] == "fn" else 0
            lists.setdefault((name, arity, None), []).append(pair)
            if arity and is_person(v[3]):
                lists.setdefault((name, arity, v[3]), []).append(pair)
        self._sets[name] = frozenset(values)

    def _list(self, name: str, arity: int, person: Value | None) -> tuple:
        key = (name, arity, person)
        found = self._lists.get(key)
        if found is None:
            if name in self._read:
                return ()
            self._read_name(name)
            found = self._lists.get(key)
            if found is None:
                return ()
        if isinstance(found, list):  # sorted on first use, in clingo's order of symbols
            found = self._lists[key] = _sorted(found, person is not None)
        return found

    def atoms_of(self, name: str, arity: int, person: Symbol | None = None) -> tuple[Symbol, ...]:
        """Atoms of a predicate; with ``person``, only that person's (first argument), sorted."""
        found = self._list(name, arity, None if person is None else value_of(person))
        return tuple(s for _, s in found)

    def values_of(self, name: str, arity: int, person: Value | None = None) -> tuple[Value, ...]:
        """`atoms_of` as values (`pyagent.engine.values`), ``person`` a value too."""
        key = (name, arity, person)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = tuple(v for v, _ in self._list(name, arity, person))
        return found

    def matching(
        self, name: str, arity: int, person: Value | None, places: tuple[int, ...], values: tuple
    ) -> Sequence[Value]:
        """`values_of` restricted to the atoms whose arguments at ``places`` (0: the first)
        are ``values``, in the same order; each predicate is hashed on those places once."""
        if not places:
            return self.values_of(name, arity, person)
        key = (name, arity, person, places)
        index = self._buckets.get(key)
        if index is None:
            index = {}
            for v in self.values_of(name, arity, person):
                if TYPE_CHECKING:  # atoms with arguments (places is not empty): tuples
                    assert isinstance(v, tuple)
                index.setdefault(tuple([v[3 + k] for k in places]), []).append(v)
            self._buckets[key] = index
        return index.get(values, ())

    def holds(self, atom: Value) -> bool:
        """Whether an atom, given as a value, is in the model."""
        if type(atom) is str:
            name = atom
        elif type(atom) is tuple and atom[0] == "fn":
            name = atom[1]
        else:
            return False
        found = self._sets.get(name)
        if found is None:
            if name in self._read:
                return False
            self._read_name(name)
            found = self._sets[name]
        return atom in found

    @property
    def atoms(self) -> frozenset[Symbol]:
        """Every atom of the model."""
        if self._atoms is None:
            self._atoms = frozenset(self._symbols)
        return self._atoms

    def __contains__(self, atom: Symbol) -> bool:
        if self._keys is None:
            self._keys = frozenset(map(symbol_key, self._symbols))
        try:
            return symbol_key(atom) in self._keys
        except AttributeError:  # not a symbol: never an atom of the model
            return False


def _simple(a: Value) -> bool:
    return type(a) is int or type(a) is str or (type(a) is tuple and len(a) == 2 and a[0] == "str")


def _sorted(atoms: list[tuple[Value, Symbol]], person: bool) -> tuple:
    """Atoms in clingo's order of their symbols.

    The atoms of one person's predicate share name, arity and first argument; when they are
    all positive and every other argument is a number, a constant or a string, Python's order
    of those arguments is clingo's (numbers by value, names and strings by code point; two
    kinds in one place raise TypeError rather than sort differently).  Otherwise `order_key`.
    """
    if person:  # atoms p(P, ...) of one person: each a tuple
        own = cast("list[tuple[tuple, Symbol]]", atoms)
        if all(v[2] is True and all(_simple(a) for a in v[4:]) for v, _ in own):
            try:
                return tuple(sorted(own, key=lambda pair: pair[0][4:]))
            except TypeError:
                pass
    return tuple(sorted(atoms, key=lambda pair: order_key(pair[0])))


# Grounder messages that mean the knowledge base is wrong: fix them, never mute them.
FATAL_MESSAGES = frozenset(
    {
        clingo.MessageCode.AtomUndefined,
        clingo.MessageCode.OperationUndefined,
        clingo.MessageCode.GlobalVariable,
        clingo.MessageCode.RuntimeError,
    }
)


# clingo's wait counts nanoseconds in 64 bits: more than about 9.2e9 s wraps around (1e10 ended
# at once).  Longer than 1e9 s (31 years) is "no limit" in practice.
MAX_WAIT = 1e9


_BUILDING = threading.Lock()  # `control` adding the shared parse of the knowledge base


def control(directory: Path | None = None) -> tuple[clingo.Control, list[str]]:
    """A control with the knowledge base loaded and a logger that keeps fatal messages.

    From a process's second control on, the knowledge base's statements are parsed once per
    content of its files and added to each new control from that parse (`_statements`):
    parsing the text is most of the cost of a control for a few persons, and a web page or an
    unknown answer's explanation makes several (a command that makes one loads the text)."""
    messages: list[str] = []

    def logger(code: clingo.MessageCode, message: str) -> None:
        if code in FATAL_MESSAGES:
            messages.append(message.strip())

    ctl = clingo.Control(["--warn=all"], logger=logger, message_limit=100)
    main = (directory or kb_dir()) / "main.lp"
    statements = _statements(main)
    if statements is not None:
        from clingo import ast

        # one thread at a time: the statements are shared, and clingo reads them without the
        # GIL (a roster job and a page building controls at once read them as invalid, «invalid
        # ast: term expected», or crashed the server)
        with _BUILDING, ast.ProgramBuilder(ctl) as builder:
            for statement in statements:
                builder.add(statement)
        return ctl, messages
    try:
        ctl.load(str(main))
    except RuntimeError:  # a syntax error in the knowledge base: one message, not a traceback
        from pyagent.engine.program import parse_error

        raise parse_error(main, messages) from None
    return ctl, messages


class _Parsed:
    """The parse of kb/'s files.  (A plain class: a dataclass costs every command about a
    millisecond to create at import, and this one is used from a process's second control on.)"""

    __slots__ = ("files", "read_at", "statements")

    def __init__(
        self,
        files: tuple[tuple[Path, bytes, tuple[int, ...]], ...],  # path, bytes, os.stat signature
        read_at: int,  # time.time_ns() when the files were read
        statements: tuple[ast.AST, ...],
    ) -> None:
        self.files, self.read_at, self.statements = files, read_at, statements

    def current(self) -> bool:
        """Every file still has the bytes parsed: its stat signature is unchanged and, when
        its time stamp is too close to the reading to tell a later edit apart (an edit in the
        same clock tick), its bytes are the same."""
        for path, data, signature in self.files:
            now = _signature(path)
            if now != signature:
                return False
            if signature[0] >= self.read_at - _RACY_NS and _bytes(path) != data:
                return False
        return True


_RACY_NS = 2_000_000_000
_PARSED: dict[Path, _Parsed] = {}
_LOADED: dict[Path, int] = {}  # main.lp -> controls loaded from its text in this process


def _signature(path: Path) -> tuple[int, ...]:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def _statements(main: Path) -> tuple[ast.AST, ...] | None:
    """The statements of ``main`` and the files it includes, parsed by clingo, or None when they
    cannot be parsed (`control` then loads the files itself and reports what clingo says).
    The parse is kept while every file read is unchanged (`_Parsed.current`), so a copy of
    kb/ edited in place (lint, mutate) is parsed again."""
    cached = _PARSED.get(main)
    if cached is not None and cached.current():
        return cached.statements
    if _LOADED.get(main, 0) < 1:  # a process's first control loads the text: a command that
        _LOADED[main] = 1  # makes one pays no parse of its own (nor clingo.ast's import)
        return None
    from clingo import ast

    read_at = time.time_ns()
    files = _read_included(main)
    if files is None:
        return None
    statements: list[ast.AST] = []
    try:
        ast.parse_files(
            [str(main)],
            lambda s: statements.append(s) if s.ast_type != ast.ASTType.Comment else None,
            logger=lambda _code, _message: None,
            message_limit=0,
        )
    except RuntimeError:
        return None
    parsed = _Parsed(files, read_at, tuple(statements))
    if not parsed.current():  # changed while being parsed: not kept
        return None
    if len(_PARSED) > 16:
        _PARSED.clear()
    if not _PARSED:  # released before clingo's module is torn down at exit (else each AST
        atexit.register(_PARSED.clear)  # object's finaliser prints an ignored exception)
    _PARSED[main] = parsed
    return parsed.statements


def _bytes(path: Path) -> bytes | None:
    """The bytes of a regular file (never opens a FIFO), or None."""
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _read_included(main: Path) -> tuple[tuple[Path, bytes, tuple[int, ...]], ...] | None:
    """``main`` and every file its ``#include`` lines name (followed recursively), with their
    bytes and stat signatures; None when one cannot be read or an include is not a plain
    quoted path."""
    out: dict[Path, tuple[bytes, tuple[int, ...]]] = {}
    todo = [main]
    while todo:
        path = todo.pop(0)
        if path in out:
            continue
        signature = _signature(path)
        data = _bytes(path)
        if data is None or not signature:
            return None
        out[path] = (data, signature)
        for line in data.decode("utf-8", "replace").splitlines():
            line = line.strip()
            if line.startswith("#include"):
                parts = line.split('"')
                if len(parts) < 3:
                    return None
                todo.append(path.parent / parts[1])
    return tuple((p, d, sig) for p, (d, sig) in out.items())


# The atoms `add_facts` made, by (predicate, person, world, `symbol_key` of each argument): a
# batch adds the same few thousand person atoms to every control (p(I, W) with the same few
# values), and ``Function`` is several foreign calls where a look-up is none.
_ATOMS: dict[tuple, Symbol] = {}
_ATOMS_CAP = 200_000


def add_facts(
    ctl: clingo.Control, persons: Sequence[Sequence[Fact]], shared: Sequence[Symbol]
) -> None:
    """Add the shared facts and each person's facts, in its worlds, through the backend:
    symbols, never program text.  Person ``i`` is ``p(i, worst)`` and ``p(i, best)``."""
    atoms = _ATOMS
    with ctl.backend() as backend:

        def fact(symbol: Symbol) -> None:
            backend.add_rule([backend.add_atom(symbol)])

        for s in shared:
            fact(s)
        for i, facts in enumerate(persons):
            for f in facts:
                worlds = WORLDS if f.world == BOTH else (f.world,)
                for w in worlds:
                    key = (f.predicate, i, w, *map(symbol_key, f.arguments))
                    atom = atoms.get(key)
                    if atom is None:
                        if len(atoms) >= _ATOMS_CAP:
                            atoms.clear()
                        atom = atoms[key] = Function(f.predicate, [person_term(i, w), *f.arguments])
                    fact(atom)


def solve(
    persons: Sequence[Sequence[Fact]],
    shared: Sequence[Symbol],
    *,
    directory: Path | None = None,
    timeout: float | None = None,
    source: str = "<case>",
) -> Model:
    """Ground the knowledge base with these persons' facts and return its model.

    ``persons[i]`` are the facts of person ``i``; ``shared`` the facts every
    person shares (kb/schema.lp: as_of, reading overrides).  With ``timeout``
    (seconds), a search still running after it is cancelled and `TimeLimitError`
    names ``source``; grounding cannot be interrupted, so case.py bounds the input.
    """
    ctl, messages = control(directory)
    add_facts(ctl, persons, shared)
    ctl.ground([("base", [])])
    if messages:
        raise GroundingError("clingo: " + "\n".join(messages))
    atoms: list[Symbol] = []

    def on_model(m: clingo.Model) -> None:
        atoms.extend(m.symbols(atoms=True))

    if timeout is None:
        result = ctl.solve(on_model=on_model)
    else:
        with ctl.solve(on_model=on_model, async_=True) as handle:  # type: ignore[union-attr]
            if not handle.wait(min(timeout, MAX_WAIT)):
                handle.cancel()
                raise TimeLimitError(timeout, source, len(persons))
            result = handle.get()
    if not result.satisfiable:
        raise GroundingError("the knowledge base has no model for this case (a bug in kb/)")
    return Model(atoms)
