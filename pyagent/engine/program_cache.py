"""The parse of the knowledge base cached on disk as plain JSON data, never as pickles.

Converting kb/'s syntax trees into Python costs more than the rest of a `pyagent why`
together, so `pyagent.engine.program` keeps the result on disk.  What is read back cannot run
code: it is JSON (strings, numbers, lists), checked node by node against the shapes below,
and any doubt (a file too big, not JSON, a shape or type off, a constant clingo will not
parse) means "not cached": the program is parsed again.

Where: ``platformdirs.user_cache_dir("pyagent")`` (``$XDG_CACHE_HOME/pyagent`` or
``~/.cache/pyagent`` on Linux).  The directory is created only when the directory above it
exists and is writable (``HOME=/nonexistent`` leaves the file system alone); an unusable
directory means no cache.  ``PYAGENT_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import stat
import tempfile
from pathlib import Path

from pyagent.engine.rules import BinOp, Const, Fn, Literal, Minus, Var, _const_of_text

__all__ = ["CACHE_FILES", "cache_dir", "decode", "encode", "read", "write"]

CACHE_FILES = 32
MAX_CACHE_BYTES = 64 << 20
FORMAT = "pyagent.program/2"


def cache_dir() -> Path | None:
    """The cache directory, or None when there is no usable place for one."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "pyagent"
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("pyagent", appauthor=False))
    except Exception:  # noqa: BLE001 - no platformdirs or no home: no cache
        try:
            return Path.home() / ".cache" / "pyagent"
        except RuntimeError:
            return None


def _usable(folder: Path) -> bool:
    """Make ``folder`` if its parent (or the parent's parent, e.g. ~/.cache) is a writable
    directory that exists; never create a home."""
    if folder.is_dir():
        return os.access(folder, os.W_OK | os.X_OK)
    for ancestor in (folder.parent, folder.parent.parent):
        if ancestor.is_dir():
            if not os.access(ancestor, os.W_OK | os.X_OK):
                return False
            if ancestor == folder.parent.parent and ancestor == Path("/"):
                return False
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                return False
            return True
    return False


# -- encoding: rules as nested lists of strings, numbers and booleans ----------------------


def _term(t) -> list:
    if isinstance(t, Var):
        return ["V", t.name]
    if isinstance(t, Const):
        return ["C", str(t.symbol)]
    if isinstance(t, Fn):
        return ["F", t.name, [_term(a) for a in t.args]]
    if isinstance(t, BinOp):
        return ["B", t.op, _term(t.left), _term(t.right)]
    if isinstance(t, Minus):
        return ["M", _term(t.arg)]
    raise TypeError(f"not a term: {type(t).__name__}")


def _opt(t) -> list | None:
    return None if t is None else _term(t)


def _pair(p) -> list | None:
    return None if p is None else [p[0], _term(p[1])]


def _literal(lit: Literal) -> list:
    return [
        lit.kind,
        lit.negated,
        _opt(lit.term),
        [[op, _term(t)] for op, t in lit.guards],
        lit.function,
        [[[_term(t) for t in terms], [_literal(x) for x in lits]] for terms, lits in lit.elements],
        _pair(lit.left),
        _pair(lit.right),
        lit.text,
    ]


def encode(program) -> str:
    return json.dumps(
        {
            "format": FORMAT,
            "directory": str(program.directory),
            "files": [str(f) for f in program.files],
            "rules": [
                [r.index, _term(r.head), [_literal(x) for x in r.body], r.file, r.line, r.text]
                for r in program.rules
            ],
            "defined": sorted([n, a] for n, a in program.defined_inputs),
            "unsupported": list(program.unsupported),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


# -- decoding: every value checked, anything else is ValueError ----------------------------


def _str(v) -> str:
    if type(v) is not str:
        raise ValueError("expected a string")
    return v


def _int(v) -> int:
    if type(v) is not int:
        raise ValueError("expected an integer")
    return v


def _list(v, n: int | None = None) -> list:
    if type(v) is not list or (n is not None and len(v) != n):
        raise ValueError("expected a list")
    return v


def _read_term(v):
    # the hottest function of reading the cache (about 3,000 terms): checks written inline,
    # the commonest kinds of term first
    if type(v) is not list or not v:
        raise ValueError("not a term")
    tag = v[0]
    n = len(v)
    if tag == "C" and n == 2:
        text = v[1]
        if type(text) is not str:
            raise ValueError("expected a string")
        return _const(text)
    if tag == "F" and n == 3:
        name, args = v[1], v[2]
        if type(name) is not str or type(args) is not list:
            raise ValueError("not a term")
        return Fn(name, tuple([_read_term(a) for a in args]))
    if tag == "V" and n == 2:
        return Var(_str(v[1]))
    if tag == "B" and n == 4:
        return BinOp(_str(v[1]), _read_term(v[2]), _read_term(v[3]))
    if tag == "M" and n == 2:
        return Minus(_read_term(v[1]))
    raise ValueError("not a term")


@functools.lru_cache(maxsize=4096)
def _const(text: str) -> Const:
    """One constant per text (a third of kb/'s constants are distinct); constants are never
    changed once made, so rules may share them."""
    try:
        return _const_of_text(text)
    except RuntimeError as err:  # clingo's parse error
        raise ValueError(str(err)) from None


def _read_pair(v):
    if v is None:
        return None
    v = _list(v, 2)
    return (_str(v[0]), _read_term(v[1]))


def _read_literal(v) -> Literal:
    kind, negated, term, guards, function, elements, left, right, text = _list(v, 9)
    if type(negated) is not bool or (function is not None and type(function) is not str):
        raise ValueError("not a literal")
    return Literal(
        _str(kind),
        negated=negated,
        term=None if term is None else _read_term(term),
        guards=tuple(_read_pair(g) for g in _list(guards)),
        function=function,
        elements=tuple(
            (
                tuple(_read_term(t) for t in _list(_list(e, 2)[0])),
                tuple(_read_literal(x) for x in _list(e[1])),
            )
            for e in _list(elements)
        ),
        left=_read_pair(left),
        right=_read_pair(right),
        text=_str(text),
    )


def decode(text: str, directory: Path):
    """The Program in ``text``, or ValueError."""
    # Thousands of objects, none in a cycle: the cyclic garbage collector, which would walk
    # every object of the process a few times meanwhile, is paused (about a fifth of the time).
    paused = gc.isenabled()
    gc.disable()
    try:
        return _decode(text, directory)
    finally:
        if paused:
            gc.enable()


def _decode(text: str, directory: Path):
    from pyagent.engine.program import Program, Rule

    data = json.loads(text)
    if type(data) is not dict or data.get("format") != FORMAT:
        raise ValueError("not a cached program")
    if _str(data.get("directory")) != str(directory):
        raise ValueError("another directory's program")
    rules = []
    for i, r in enumerate(_list(data.get("rules"))):
        index, head, body, file, line, rule_text = _list(r, 6)
        head = _read_term(head)
        if _int(index) != i or not isinstance(head, Fn):
            raise ValueError("not a rule")
        rules.append(
            Rule(
                i,
                head,
                head.name,
                len(head.args),
                tuple(_read_literal(x) for x in _list(body)),
                _str(file),
                _int(line),
                _str(rule_text),
            )
        )
    by_head: dict[tuple[str, int], list] = {}
    for r in rules:
        by_head.setdefault((r.name, r.arity), []).append(r)
    defined = frozenset((_str(_list(d, 2)[0]), _int(d[1])) for d in _list(data.get("defined")))
    return Program(
        directory,
        tuple(Path(_str(f)) for f in _list(data.get("files"))),
        tuple(rules),
        {k: tuple(v) for k, v in by_head.items()},
        defined,
        tuple(_str(u) for u in _list(data.get("unsupported"))),
    )


def _path(folder: Path, key: str) -> Path:
    return folder / f"program-{key}.json"


def read(key: str, directory: Path):
    """The cached program of ``key``, or None (absent, unreadable, or in any doubt)."""
    if os.environ.get("PYAGENT_NO_CACHE"):
        return None
    folder = cache_dir()
    if folder is None:
        return None
    try:
        fd = os.open(
            _path(folder, key),
            os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0),
        )
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
                return None
            text = handle.read(MAX_CACHE_BYTES + 1).decode("utf-8")
        return decode(text, directory)
    except (OSError, ValueError, TypeError, RecursionError, UnicodeDecodeError):
        return None


def write(key: str, program) -> None:
    if os.environ.get("PYAGENT_NO_CACHE"):
        return
    folder = cache_dir()
    if folder is None or not _usable(folder):
        return
    try:
        text = encode(program)
        handle = tempfile.NamedTemporaryFile(
            dir=folder, prefix=".program-", suffix=".tmp", delete=False
        )
        with handle:
            handle.write(text.encode("utf-8"))
        os.replace(handle.name, _path(folder, key))
        old = sorted(folder.glob("program-*.json"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-CACHE_FILES]:
            stale.unlink(missing_ok=True)
        for pickled in folder.glob("program-*.pickle"):  # the old format is never read again
            pickled.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        return
