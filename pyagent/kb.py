"""The one place that locates the knowledge base and reads its static tables.

In a source checkout the knowledge base is ``kb/`` at the top of the
repository; an installed wheel carries the same files as ``pyagent/_kb``.

>>> from pyagent.kb import readings
>>> readings()["field_list"].default
'closed'
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import clingo

_HERE = Path(__file__).resolve().parent


_ACTIVE: ContextVar[Path | None] = ContextVar("pyagent_kb", default=None)


def kb_dir() -> Path:
    """The directory of the knowledge base (``main.lp`` and the files it includes): the one
    `using_kb` made current, else the project's own."""
    active = _ACTIVE.get()
    if active is not None:
        return active
    return _installed_kb()


@functools.cache
def _installed_kb() -> Path:
    """The project's own knowledge base, looked for once (it is asked for by every sentence
    that names a reading); not found, it is looked for again the next time."""
    for candidate in (_HERE.parent / "kb", _HERE / "_kb"):
        if (candidate / "main.lp").is_file():
            return candidate
    raise FileNotFoundError("the knowledge base (kb/main.lp) is not installed beside pyagent")


@contextlib.contextmanager
def using_kb(directory: Path | str | None) -> Iterator[Path]:
    """Within the block, `kb_dir` is ``directory`` (None: unchanged), so that everything read
    from the knowledge base (its reading tables, clause ids, rules) comes from it:
    ``pyagent check --kb DIR``."""
    if directory is None:
        yield kb_dir()
        return
    token = _ACTIVE.set(Path(directory).resolve())
    try:
        yield kb_dir()
    finally:
        _ACTIVE.reset(token)


@dataclass(frozen=True)
class Reading:
    name: str
    default: str
    options: tuple[str, ...]  # the default first, the others in file order
    clauses: tuple[str, ...]
    question: str  # in English
    reason: str  # in English
    # (lang, question, reason) in the other languages (kb/readings.lp's reading_words)
    words: tuple[tuple[str, str, str], ...] = ()
    # (value, lang, words): each value said in words (kb/readings.lp's reading_value_words)
    value_words: tuple[tuple[str, str, str], ...] = ()

    def value_in(self, value: str, lang: str) -> str:
        """The value ``value`` of this reading in words in ``lang``; the code if none is
        written down."""
        return next((t for v, lg, t in self.value_words if v == value and lg == lang), value)

    def question_in(self, lang: str) -> str:
        """The reading's question in ``lang`` (en, zh)."""
        return next((q for lg, q, _ in self.words if lg == lang), self.question)

    def reason_in(self, lang: str) -> str:
        """Why the default was chosen, in ``lang`` (en, zh)."""
        return next((r for lg, _, r in self.words if lg == lang), self.reason)


def _static_model(path: Path) -> list[clingo.Symbol]:
    """The atoms of a table file, grounded with the input schema beside it (schema.lp declares
    the inputs it reads, e.g. reading_override/2); any grounder message is an error."""
    messages: list[str] = []
    ctl = clingo.Control(["--warn=all"], logger=lambda code, msg: messages.append(msg.strip()))
    ctl.load(str(path.parent / "schema.lp"))
    ctl.load(str(path))
    ctl.ground([("base", [])])
    if messages:
        raise RuntimeError(f"{path}: " + "; ".join(messages))
    symbols: list[clingo.Symbol] = []
    ctl.solve(on_model=lambda m: symbols.extend(m.symbols(atoms=True)))
    return symbols


def readings(directory: Path | None = None) -> dict[str, Reading]:
    """Every reading the knowledge base in ``directory`` (default: `kb_dir`) declares, in
    file order."""
    path = directory or kb_dir()
    if not isinstance(path, Path):
        path = Path(path)
    return _readings(_resolved(path) if path.is_absolute() else path.resolve())


@functools.lru_cache(maxsize=64)
def _resolved(directory: Path) -> Path:
    """An absolute ``directory`` with its links followed, once per path (`readings` is asked
    for every sentence that names a reading; a relative path depends on the working
    directory, and is resolved each time)."""
    return directory.resolve()


@functools.cache
def _readings(directory: Path) -> dict[str, Reading]:
    path = directory / "readings.lp"
    text = path.read_text(encoding="utf-8")
    symbols = _static_model(path)
    options: dict[str, list[str]] = {}
    default: dict[str, str] = {}
    about: dict[str, tuple[tuple[str, ...], str]] = {}
    reason: dict[str, str] = {}
    words: dict[str, list[tuple[str, str, str]]] = {}
    value_words: dict[str, list[tuple[str, str, str]]] = {}
    for s in symbols:
        args = s.arguments
        if s.name == "reading_option":
            options.setdefault(args[0].name, []).append(args[1].name)
        elif s.name == "reading_default":
            default[args[0].name] = args[1].name
        elif s.name == "reading_about":
            about[args[0].name] = (tuple(a.string for a in args[1].arguments), args[2].string)
        elif s.name == "reading_reason":
            reason[args[0].name] = args[1].string
        elif s.name == "reading_words":
            words.setdefault(args[0].name, []).append(
                (args[1].name, args[2].string, args[3].string)
            )
        elif s.name == "reading_value_words":
            value_words.setdefault(args[0].name, []).append(
                (args[1].name, args[2].name, args[3].string)
            )
    order = sorted(default, key=lambda n: text.find(f"reading_default({n},"))
    out: dict[str, Reading] = {}
    for name in order:
        opts = options.get(name, [])
        if default[name] not in opts:  # a table that contradicts itself: refuse it
            from pyagent.errors import InputError

            raise InputError(
                str(path),
                f"reading_default({name}, {default[name]})",
                f"the default of reading {name} is not one of its options"
                f" ({', '.join(opts) or 'none declared'}; pyagent lint)",
            )
        opts = [default[name]] + sorted(
            (o for o in opts if o != default[name]), key=lambda o: text.find(o)
        )
        out[name] = Reading(
            name,
            default[name],
            tuple(opts),
            about[name][0],
            about[name][1],
            reason[name],
            tuple(sorted(words.get(name, ()))),
            tuple(sorted(value_words.get(name, ()))),
        )
    return out


def reading_said(name: str, value: str, lang: str) -> str:
    """Reading ``name`` = ``value`` in words in ``lang`` (its code if the KB says none)."""
    r = readings().get(name)
    return r.value_in(value, lang) if r is not None else value
