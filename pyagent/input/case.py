"""Loading and validating case files (SPEC section 2) into the dataclasses of `pyagent.input.model`.

>>> case = parse_case('''
... as_of: 2026-07-01
... person:
...   id: zhang_san
...   certificates: [{level: 技师, obtained: 2021-06-30}]
...   honours: []
... ''')
>>> case.persons[0].certificates[0].level, case.persons[0].honours, case.persons[0].titles
('technician', (), None)

Every problem with the input raises `pyagent.errors.InputError`, whose message names the
file, the place (``persons[1].annual_assessments[0].grade``), the line and column where the
document gives them, and what is wrong, with a suggestion where one is obvious.  No other
exception escapes for bad input, whatever the document holds.

Decisions the SPEC leaves to us
-------------------------------
* **Absent means unknown; empty means none.**  A YAML/JSON ``null`` (``key: null``, ``key: ~``
  or ``key:`` with nothing after it) counts as absent, i.e. unknown: ``honours:`` with no
  value is *not* ``honours: []``.  For a required key (``id``, ``level``, ``rank``, ``from``,
  ``year``, ``grade``, an honour's ``code``) null is an error.
* ``current_post: none`` (or ``无``) is "known to hold no post" (`NO_POST`); ``current_post:
  null`` is unknown, like leaving it out; ``current_post: {}`` is a post whose start and
  occupation are unknown.
* ``outstanding_contribution``, ``social_benefit``, ``economic_benefit``: ``true``/``false``
  (YAML's ``yes``/``no`` too), the strings ``"true"``/``"false"``, or ``unknown``.
* Readings in a file may be written ``rank_needs_gate: no``; YAML reads that as a boolean,
  so ``true``/``false`` are taken as ``yes``/``no``.  Command-line readings override the
  file's reading by reading; ``--as-of`` overrides the file's ``as_of``; with neither the
  date is today.
* ``field`` and a title's ``series``: a code or alias of the eight listed fields becomes the
  code; anything else is an unlisted field kept as written (surrounding spaces removed),
  except a value that differs from a listed code or alias only in letter case, spaces,
  hyphens or underscores (``Engineering``, ``arts and crafts``): that is almost surely the
  listed field mistyped, so it is an error with the suggestion rather than a silent
  "unlisted field".
* Bounds a policy analyst would expect: dates between 1900 and 2100 (ISO ``YYYY-MM-DD``, or
  YAML's own unquoted dates; a time of day is an error), assessment years 1950..2100,
  ``cumulative_work_years`` and parameters between 0 and 100, parameters whole numbers.
* An id is a non-empty string without control characters; a number is rejected with
  "quote it" rather than silently turned into text.  ``persons`` must list at least one.
* A duplicate mapping key (YAML or JSON) is an error, not "the last one wins".  YAML merge
  keys (``<<``), custom tags and complex keys are refused.
* ``class`` is accepted on the contest honours (``*_contest_*``), ``category`` only on
  ``state_council_allowance``.  The same honour may be listed twice (two medals).
* Hostile input: only the safe loader is used; documents nested deeper than 50, with more
  than 1000 aliases, with recursive aliases, or whose aliases expand past 100,000 nodes
  are refused before or while they are built.  Text that is not Unicode (a lone surrogate,
  e.g. JSON's ``"\\ud800"``) is refused wherever it occurs, so that nothing read can fail
  later when it is printed.  A key that is not plain printable text appears in places
  quoted (``persons[0]['a\\nb']``), so a message is always one line of inert text.
* Size limits, so that time and memory stay bounded (each with its own message): a file
  of at most ``max_bytes`` (default 5,000,000; ``--max-bytes``), at most 1,000 persons in
  a case, at most 100 entries in each list of a person (certificates, technical_work,
  annual_assessments, honours, titles), and at most 200 characters in an id, an
  occupation, a field or a series.  A real person comes nowhere near them; a document
  that does is generated or hostile.
* A ``.json`` file must be JSON and gets JSON's syntax positions; other text is tried as
  JSON first and then read as YAML.  For a JSON document the values come from the JSON
  parser and only the line numbers from a YAML reading of the same text (when that fails,
  e.g. JSON indented with tabs, errors carry no line).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import yaml
from yaml.constructor import SafeConstructor

from pyagent.input import vocab
from pyagent.errors import InputError
from pyagent.kb import readings as kb_readings
from pyagent.input.model import (
    NO_POST,
    Assessment,
    Case,
    Certificate,
    Honour,
    NoPost,
    Period,
    Person,
    Post,
    Title,
)

__all__ = [
    "Document",
    "case_in_document",
    "load_case",
    "parse_case",
    "parse_date",
    "parse_person",
    "parse_readings",
    "read_document",
    "readings_in_document",
]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present; safe either way

MAX_DEPTH = 50
MAX_ALIASES = 1000
MAX_EXPANDED = 100_000

MIN_YEAR, MAX_YEAR = 1900, 2100
MIN_ASSESSMENT_YEAR, MAX_ASSESSMENT_YEAR = 1950, 2100
MAX_YEARS = 100  # cumulative_work_years and the application_years parameters

MAX_BYTES = 5_000_000  # the default size limit of a case file
MAX_PERSONS = 1000  # persons in one case
MAX_ITEMS = 100  # entries in each list of a person
MAX_TEXT = 200  # characters in an id, occupation, field or series

TOP_KEYS = ("as_of", "readings", "parameters", "persons", "person")
PERSON_KEYS = (
    "id",
    "certificates",
    "technical_work",
    "field",
    "current_post",
    "annual_assessments",
    "honours",
    "outstanding_contribution",
    "social_benefit",
    "economic_benefit",
    "titles",
    "cumulative_work_years",
    *vocab.NEVER_DECISIVE,
)
PARAMETERS = (
    "application_years.senior_worker",
    "application_years.technician",
    "application_years.senior_technician",
)
NO_POST_WORDS = ("none", "无")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MISSING = object()


# ---------------------------------------------------------------------------
# Context: the source name and, where known, the line:column of every place.


class _Ctx:
    def __init__(
        self,
        source: str,
        marks: Mapping[str, tuple[int, int]] | None = None,
        key_marks: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        self.source = source
        self.marks = marks or {}
        self.key_marks = key_marks or {}

    def error(self, place: str, message: str, *, at_key: bool = False) -> InputError:
        mark = (self.key_marks.get(place) if at_key else None) or self.marks.get(place)
        line, column = mark if mark else (None, None)
        return InputError(self.source, place, message, line, column)

    def fail(self, place: str, message: str, *, at_key: bool = False) -> NoReturn:
        raise self.error(place, message, at_key=at_key)

    def line_of(self, place: str) -> str:
        mark = self.marks.get(place)
        return f", line {mark[0]}" if mark else ""


def _join(place: str, key: str) -> str:
    """The place of ``key`` inside ``place``; a key that is not plain text is quoted."""
    if not key.strip() or not key.isprintable() or len(key) > 60:
        return f"{place}[{_q(key)}]"
    return f"{place}.{key}" if place else key


def _surrogate(text: str) -> int:
    """The index of the first lone surrogate in ``text`` (not Unicode), or -1."""
    for i, ch in enumerate(text):
        if "\ud800" <= ch <= "\udfff":
            return i
    return -1


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _q(value: object) -> str:
    """``repr`` of a value for a message, cut short if the input is long."""
    if isinstance(value, str) and len(value) > 60:
        value = value[:57] + "..."
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiouh" else f"a {kind}"


def _describe(value: object) -> str:
    """What a value is, in words, for messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {_q(value)}"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the text {_q(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a value of type {type(value).__name__}"


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    choices = list(choices)
    folded = {c.casefold(): c for c in choices}
    if value.strip().casefold() in folded:
        return folded[value.strip().casefold()]
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return close[0] if close else None


# ---------------------------------------------------------------------------
# Reading the text: YAML (with marks) or JSON.


class _Tree:
    def __init__(self, data: object, marks: dict, key_marks: dict) -> None:
        self.data = data
        self.marks = marks
        self.key_marks = key_marks


def _yaml_error(source: str, err: yaml.YAMLError, text: str) -> InputError:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if isinstance(err, yaml.reader.ReaderError):
        position = err.position if isinstance(err.position, int) else 0
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        char = err.character
        shown = f"{char:#x}" if isinstance(char, int) else repr(char)
        return InputError(
            source, "", f"invalid YAML: the character {shown} is not allowed", line, column
        )
    parts = [p for p in (getattr(err, "context", None), getattr(err, "problem", None)) if p]
    message = "invalid YAML: " + ("; ".join(parts) if parts else str(err).splitlines()[0])
    if mark is not None:
        return InputError(source, "", message, mark.line + 1, mark.column + 1)
    return InputError(source, "", message)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Plain Python data from composed YAML nodes, recording the line:column of each place."""

    _SEQ = "tag:yaml.org,2002:seq"
    _MAP = "tag:yaml.org,2002:map"
    _TIMESTAMP = "tag:yaml.org,2002:timestamp"
    _MERGE = "tag:yaml.org,2002:merge"

    def __init__(self, source: str) -> None:
        self.source = source
        self.marks: dict[str, tuple[int, int]] = {}
        self.key_marks: dict[str, tuple[int, int]] = {}
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.expanded = 0
        self.constructor = SafeConstructor()

    def fail(self, node: yaml.Node, place: str, message: str) -> NoReturn:
        line, column = _mark(node)
        raise InputError(self.source, place, message, line, column)

    def build(self, node: yaml.Node, place: str, depth: int) -> object:
        if depth > MAX_DEPTH:
            self.fail(node, place, f"too deeply nested (more than {MAX_DEPTH} levels)")
        key = id(node)
        if key in self.open:
            self.fail(node, place, "a recursive alias (an alias inside its own anchor)")
        if key in self.seen:
            self.expanded += 1
            if self.expanded > MAX_EXPANDED:
                self.fail(node, place, f"too many aliases (they expand past {MAX_EXPANDED} values)")
        self.seen.add(key)
        self.marks[place] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, place)
        self.open.add(key)
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != self._SEQ:
                    self.fail(node, place, f"the tag {_q(node.tag)} is not supported")
                return [
                    self.build(item, f"{place}[{i}]", depth + 1)
                    for i, item in enumerate(node.value)
                ]
            if isinstance(node, yaml.MappingNode):
                if node.tag != self._MAP:
                    self.fail(node, place, f"the tag {_q(node.tag)} is not supported")
                return self.mapping(node, place, depth)
            self.fail(node, place, "an unsupported kind of YAML node")  # pragma: no cover
        finally:
            self.open.discard(key)

    def mapping(self, node: yaml.MappingNode, place: str, depth: int) -> dict:
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(
                    key_node, place, "a mapping key must be plain text, not a list or mapping"
                )
            if key_node.tag == self._MERGE:
                self.fail(key_node, place, "merge keys (<<) are not supported; write the keys out")
            key = self.scalar(key_node, place)
            if not isinstance(key, str):
                self.fail(
                    key_node,
                    place,
                    f"the key {_q(key_node.value)} is read as {_describe(key)}, not text; quote it",
                )
            child = _join(place, key)
            if key in out:
                first = self.key_marks.get(child)
                where = f" (first at line {first[0]})" if first else ""
                self.fail(key_node, child, f"the key {_q(key)} is given twice{where}")
            self.key_marks[child] = _mark(key_node)
            out[key] = self.build(value_node, child, depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode, place: str) -> object:
        if node.tag == self._TIMESTAMP:
            try:
                return self.constructor.construct_object(node)
            except Exception:  # e.g. 2021-02-30: keep the text, parse_date says what is wrong
                return node.value
        try:
            value = self.constructor.construct_object(node)
        except yaml.constructor.ConstructorError:
            self.fail(node, place, f"the tag {_q(node.tag)} is not supported")
        except Exception as err:  # noqa: BLE001 - any constructor failure is bad input
            self.fail(node, place, f"cannot read {_q(node.value)}: {_q(str(err))[1:-1]}")
        if isinstance(value, str) and _has_surrogate(value):  # only the pure-Python reader
            self.fail(node, place, f"{_q(value)} holds a lone surrogate, not a Unicode character")
        return value


def _at_event(source: str, event: yaml.Event, message: str) -> InputError:
    mark = event.start_mark
    return InputError(source, "", message, mark.line + 1, mark.column + 1)


def _read_yaml(text: str, source: str) -> _Tree:
    depth = aliases = 0
    try:
        # First pass over the events (the parser is iterative): refuse deep nesting and alias
        # floods before the (recursive) composer sees them.
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _at_event(source, event, f"too deeply nested (more than {MAX_DEPTH} levels)")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _at_event(source, event, f"too many aliases (more than {MAX_ALIASES})")
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as err:
        raise _yaml_error(source, err, text) from None
    except RecursionError:  # pragma: no cover - the first pass bounds the depth
        raise InputError(source, "", "too deeply nested") from None
    if node is None:
        return _Tree(None, {}, {})
    builder = _Builder(source)
    data = builder.build(node, "", 0)
    return _Tree(data, builder.marks, builder.key_marks)


class DuplicateKey(Exception):
    """A key given twice in one JSON object (json_object, for json.loads; roster rows too)."""

    def __init__(self, key: str) -> None:
        self.key = key


def json_object(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object as a dict, refusing a key given twice (json.loads' object_pairs_hook)."""
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def json_constant(name: str) -> NoReturn:
    """NaN and Infinity are not JSON numbers (json.loads' parse_constant)."""
    raise ValueError(f"{name} is not a number JSON allows")


def _json_check(data: object, source: str, text: str) -> None:
    """Refuse JSON nested too deeply or holding text that is not Unicode (``"\\ud800"``)."""
    stack: list[tuple[object, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, place = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(source, "", f"too deeply nested (more than {MAX_DEPTH} levels)")
        if isinstance(value, dict):
            for key, item in value.items():
                if _has_surrogate(key):
                    _lone_surrogate(source, place, text, key, "key")
                stack.append((item, depth + 1, _join(place, key)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1, f"{place}[{i}]") for i, v in enumerate(value))
        elif isinstance(value, str) and _has_surrogate(value):
            _lone_surrogate(source, place, text, value, "text")


def _lone_surrogate(source: str, place: str, text: str, value: str, what: str) -> NoReturn:
    code = ord(value[_surrogate(value)])
    escape = re.search(rf"\\u{code:04x}", text, re.IGNORECASE)
    line = column = None
    if escape:
        line, column = _line_column(text, escape.start())
    raise InputError(
        source,
        place,
        f"the {what} {_q(value)} holds \\u{code:04x}, a lone surrogate, which is not a "
        "Unicode character",
        line,
        column,
    )


def _line_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _read_json(text: str, source: str, strict: bool) -> _Tree | None:
    """The JSON reading of the text; None when it is not JSON and ``strict`` is off."""
    try:
        data = json.loads(text, object_pairs_hook=json_object, parse_constant=json_constant)
    except json.JSONDecodeError as err:
        if not strict:
            return None
        raise InputError(source, "", f"invalid JSON: {err.msg}", err.lineno, err.colno) from None
    except DuplicateKey as err:
        try:  # the YAML reading of the same text knows where the second key is
            _read_yaml(text, source)
        except InputError as located:
            if "given twice" in located.message:
                raise located from None
        except Exception:  # noqa: BLE001 - only a best effort at a line number
            pass
        raise InputError(
            source, "", f"the key {_q(err.key)} is given twice in one object"
        ) from None
    except RecursionError:
        raise InputError(source, "", f"too deeply nested (more than {MAX_DEPTH} levels)") from None
    except ValueError as err:
        if not strict:
            return None
        raise InputError(source, "", f"invalid JSON: {err}") from None
    _json_check(data, source, text)
    try:
        located = _read_yaml(_yaml_view(text), source)
        marks, key_marks = located.marks, located.key_marks
    except Exception:  # noqa: BLE001 - e.g. a key over 1024 characters; errors carry no line
        marks, key_marks = {}, {}
    return _Tree(data, marks, key_marks)


# Characters JSON allows that YAML refuses or reads as a line break, and the \u escapes of
# surrogate pairs, which JSON joins and YAML does not.
_NOT_YAML = re.compile("[\t\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_JSON_ESCAPE = re.compile(r"\\(u[dD][89a-fA-F][0-9a-fA-F]{2}|.)", re.DOTALL)


def _yaml_view(text: str) -> str:
    """JSON text that YAML reads with the same structure, lines and columns (for the marks)."""
    text = _NOT_YAML.sub(" ", text)
    return _JSON_ESCAPE.sub(lambda m: r"\u0020" if len(m.group(1)) > 1 else m.group(0), text)


def _read_text(text: str, source: str) -> _Tree:
    if not isinstance(text, str):
        raise InputError(source, "", f"expected text, got {type(text).__name__}")
    if text.startswith("\ufeff"):
        text = text[1:]
    if _has_surrogate(text):
        at = _surrogate(text)
        line, column = _line_column(text, at)
        raise InputError(
            source,
            "",
            f"the character {ord(text[at]):#x} is a lone surrogate, not Unicode text",
            line,
            column,
        )
    is_json = source.lower().endswith(".json")
    tree = _read_json(text, source, strict=is_json) if text.strip() else None
    if tree is None:
        tree = _read_yaml(text, source)
    return tree


# ---------------------------------------------------------------------------
# Scalars.


def _date(ctx: _Ctx, value: object, place: str) -> dt.date:
    if isinstance(value, dt.datetime):
        ctx.fail(place, f"{value.isoformat(sep=' ')} has a time of day; give a date YYYY-MM-DD")
    if isinstance(value, dt.date):
        result = value
    elif isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE.fullmatch(text):
            ctx.fail(place, f"{_q(value)} is not a date; write YYYY-MM-DD, e.g. 2021-06-30")
        try:
            result = dt.date.fromisoformat(text)
        except ValueError as err:
            ctx.fail(place, f"{_q(value)} is not a real date ({err})")
    else:
        ctx.fail(place, f"expected a date YYYY-MM-DD, found {_describe(value)}")
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        ctx.fail(place, f"{result.isoformat()} is outside {MIN_YEAR}..{MAX_YEAR}; a typo?")
    return result


def parse_date(value: object, source: str, place: str) -> dt.date:
    """An ISO ``YYYY-MM-DD`` string or a `datetime.date` (not a datetime) as a date.

    >>> parse_date("2021-06-30", "--as-of", "")
    datetime.date(2021, 6, 30)
    """
    return _date(_Ctx(source), value, place)


def _text(ctx: _Ctx, value: object, place: str, what: str = "text") -> str:
    if isinstance(value, str):
        if not value.strip():
            ctx.fail(place, "is empty")
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            ctx.fail(place, f"{_q(value)} contains control characters")
        if _has_surrogate(value):
            ctx.fail(place, f"{_q(value)} holds a lone surrogate, which is not a Unicode character")
        if len(value.strip()) > MAX_TEXT:
            ctx.fail(place, f"is longer than {MAX_TEXT} characters ({len(value.strip()):,})")
        return value.strip()
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        shown = value.isoformat() if isinstance(value, dt.date) else value
        ctx.fail(place, f"expected {what}, found {_describe(value)}; quote it: '{shown}'")
    ctx.fail(place, f"expected {what}, found {_describe(value)}")


def _code(ctx: _Ctx, vocabulary: vocab.Vocabulary, value: object, place: str) -> str:
    if not isinstance(value, str):
        ctx.fail(
            place,
            f"expected {_a(vocabulary.kind)}, found {_describe(value)}; "
            f"one of: {_listing(vocabulary)}",
        )
    code = vocabulary.code(value)
    if code is not None:
        return code
    guess = _suggest(value, vocabulary.choices())
    if guess is not None:
        ctx.fail(place, f"{_q(value)} is not {_a(vocabulary.kind)}; did you mean {guess!r}?")
    ctx.fail(
        place, f"{_q(value)} is not {_a(vocabulary.kind)}; expected one of: {_listing(vocabulary)}"
    )


def _listing(vocabulary: vocab.Vocabulary) -> str:
    return ", ".join(f"{c} ({a})" for c, a in vocabulary.aliases.items())


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).casefold()


def _field(ctx: _Ctx, value: object, place: str) -> str:
    """A FIELDS code, or an unlisted field kept as written."""
    text = _text(ctx, value, place, "a field")
    code = vocab.FIELDS.code(text)
    if code is not None:
        return code
    for code, alias in vocab.FIELDS.aliases.items():
        for spelling in (code, alias):
            if _squash(text) == _squash(spelling):
                ctx.fail(
                    place,
                    f"{_q(text)} is not how a listed field is written; did you mean {spelling!r}? "
                    "(any other value is taken as an unlisted field)",
                )
    return text


def _int(ctx: _Ctx, value: object, place: str, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        ctx.fail(place, f"expected {what}, found {_describe(value)}")
    if isinstance(value, str):
        ctx.fail(place, f"expected {what}, found {_describe(value)}; write it without quotes")
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            ctx.fail(place, f"expected {what}, found {_describe(value)}")
        ctx.fail(place, f"expected {what}, found {_describe(value)}; write {int(value)}")
    if not low <= value <= high:
        ctx.fail(place, f"{value} is outside {low}..{high}")
    return value


def _bool(ctx: _Ctx, value: object, place: str) -> bool:
    if isinstance(value, bool):
        return value
    ctx.fail(place, f"expected true or false, found {_describe(value)}")


def _tristate(ctx: _Ctx, value: object, place: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in vocab.TRISTATE:
        return vocab.TRISTATE[value.strip().lower()]
    ctx.fail(place, f"expected true, false or unknown, found {_describe(value)}")


# ---------------------------------------------------------------------------
# Structure.


def _mapping(ctx: _Ctx, value: object, place: str, keys: Iterable[str], what: str) -> dict:
    """A mapping with only the known keys; a misspelt key is an error with a suggestion."""
    if not isinstance(value, dict):
        ctx.fail(place, f"expected {what}, found {_describe(value)}")
    allowed = tuple(keys)
    for key in value:
        if not isinstance(key, str):  # only reachable through parse_person on foreign data
            ctx.fail(place, f"the key {_q(key)} is not text")
        if key not in allowed:
            guess = _suggest(key, allowed)
            hint = f"did you mean {guess!r}?" if guess else f"expected one of: {', '.join(allowed)}"
            ctx.fail(_join(place, key), f"unknown key {_q(key)}; {hint}", at_key=True)
    return value


def _list(ctx: _Ctx, value: object, place: str, what: str) -> list | None:
    """None for absent/null (unknown); the list otherwise."""
    if value is None or value is _MISSING:
        return None
    if not isinstance(value, list):
        ctx.fail(place, f"expected a list of {what}, found {_describe(value)}; write [] for none")
    return value


def _required(ctx: _Ctx, data: dict, key: str, place: str) -> object:
    value = data.get(key)
    if value is None:
        if key in data:
            ctx.fail(_join(place, key), f"{_q(key)} is required and cannot be null")
        ctx.fail(place, f"missing the required key {_q(key)}")
    return value


def _certificate(ctx: _Ctx, item: object, place: str) -> Certificate:
    item = _mapping(
        ctx,
        item,
        place,
        ("level", "kind", "obtained", "occupation"),
        "a certificate mapping {level, kind, obtained, occupation}",
    )
    level = _code(ctx, vocab.LEVELS, _required(ctx, item, "level", place), _join(place, "level"))
    kind = item.get("kind")
    obtained = item.get("obtained")
    occupation = item.get("occupation")
    return Certificate(
        level=level,
        kind=None
        if kind is None
        else _code(ctx, vocab.CERTIFICATE_KINDS, kind, _join(place, "kind")),
        obtained=None if obtained is None else _date(ctx, obtained, _join(place, "obtained")),
        occupation=None
        if occupation is None
        else _text(ctx, occupation, _join(place, "occupation"), "an occupation"),
    )


def _period(ctx: _Ctx, item: object, place: str) -> Period:
    item = _mapping(ctx, item, place, ("from", "to"), "a period mapping {from, to}")
    start = _date(ctx, _required(ctx, item, "from", place), _join(place, "from"))
    end = item.get("to")
    if end is not None:
        end = _date(ctx, end, _join(place, "to"))
        if end < start:
            ctx.fail(
                _join(place, "to"), f"{end.isoformat()} is before 'from' ({start.isoformat()})"
            )
    return Period(start=start, end=end)


def _post(ctx: _Ctx, value: object, place: str) -> Post | NoPost | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in NO_POST_WORDS:
        return NO_POST
    if not isinstance(value, dict):
        ctx.fail(
            place, f"expected a mapping {{since, occupation}} or 'none', found {_describe(value)}"
        )
    value = _mapping(ctx, value, place, ("since", "occupation"), "a post")
    since = value.get("since")
    occupation = value.get("occupation")
    return Post(
        since=None if since is None else _date(ctx, since, _join(place, "since")),
        occupation=None
        if occupation is None
        else _text(ctx, occupation, _join(place, "occupation"), "an occupation"),
    )


def _assessment(ctx: _Ctx, item: object, place: str) -> Assessment:
    item = _mapping(
        ctx,
        item,
        place,
        ("year", "grade", "at_current_post"),
        "an assessment mapping {year, grade, at_current_post}",
    )
    year = _int(
        ctx,
        _required(ctx, item, "year", place),
        _join(place, "year"),
        MIN_ASSESSMENT_YEAR,
        MAX_ASSESSMENT_YEAR,
        "a year (a whole number)",
    )
    grade = _code(ctx, vocab.GRADES, _required(ctx, item, "grade", place), _join(place, "grade"))
    at_post = item.get("at_current_post")
    return Assessment(
        year=year,
        grade=grade,
        at_current_post=True
        if at_post is None
        else _bool(ctx, at_post, _join(place, "at_current_post")),
    )


def _is_contest(code: str) -> bool:
    return "_contest_" in code


def _honour(ctx: _Ctx, item: object, place: str) -> Honour:
    if isinstance(item, str):
        return Honour(code=_code(ctx, vocab.HONOURS, item, place))
    if not isinstance(item, dict):
        ctx.fail(
            place,
            "expected an honour code or a mapping {code, class, category}, "
            f"found {_describe(item)}",
        )
    item = _mapping(ctx, item, place, ("code", "class", "category"), "an honour")
    code = _code(ctx, vocab.HONOURS, _required(ctx, item, "code", place), _join(place, "code"))
    contest_class = item.get("class")
    category = item.get("category")
    if contest_class is not None:
        if not _is_contest(code):
            ctx.fail(
                _join(place, "class"),
                f"'class' is only for contest honours, not {code!r}",
                at_key=True,
            )
        if (
            isinstance(contest_class, int)
            and not isinstance(contest_class, bool)
            and contest_class in (1, 2)
        ):
            ctx.fail(
                _join(place, "class"), f"write the class as {'i' if contest_class == 1 else 'ii'!r}"
            )
        contest_class = _code(ctx, vocab.CONTEST_CLASSES, contest_class, _join(place, "class"))
    if category is not None:
        if code != "state_council_allowance":
            ctx.fail(
                _join(place, "category"),
                f"'category' is only for state_council_allowance, not {code!r}",
                at_key=True,
            )
        category = _code(ctx, vocab.ALLOWANCE_CATEGORIES, category, _join(place, "category"))
    return Honour(code=code, contest_class=contest_class, category=category)


def _title(ctx: _Ctx, item: object, place: str) -> Title:
    item = _mapping(
        ctx, item, place, ("rank", "series", "obtained"), "a title mapping {rank, series, obtained}"
    )
    rank = _code(ctx, vocab.RANKS, _required(ctx, item, "rank", place), _join(place, "rank"))
    series = item.get("series")
    obtained = item.get("obtained")
    return Title(
        rank=rank,
        series=None if series is None else _field(ctx, series, _join(place, "series")),
        obtained=None if obtained is None else _date(ctx, obtained, _join(place, "obtained")),
    )


def _years(ctx: _Ctx, value: object, place: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = "; write it without quotes" if isinstance(value, str) else ""
        ctx.fail(place, f"expected a number of years, found {_describe(value)}{hint}")
    if not math.isfinite(value):
        ctx.fail(place, f"expected a number of years, found {_describe(value)}")
    if not 0 <= value <= MAX_YEARS:
        ctx.fail(place, f"{value} is outside 0..{MAX_YEARS}")
    return float(value)


def _items(ctx: _Ctx, data: dict, key: str, place: str, what: str, parse) -> tuple | None:
    where = _join(place, key)
    items = _list(ctx, data.get(key), where, what)
    if items is None:
        return None
    if len(items) > MAX_ITEMS:
        ctx.fail(
            where,
            f"{len(items):,} {what} are more than a person can have here (at most {MAX_ITEMS})",
        )
    return tuple(parse(ctx, item, f"{where}[{i}]") for i, item in enumerate(items))


def _person(ctx: _Ctx, data: object, place: str) -> Person:
    data = _mapping(ctx, data, place, PERSON_KEYS, "a person mapping (with at least an 'id')")
    raw_id = _required(ctx, data, "id", place)
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        ctx.fail(
            _join(place, "id"), f"the id {raw_id} is a number; ids are text, quote it: '{raw_id}'"
        )
    person_id = _text(ctx, raw_id, _join(place, "id"), "an id (text)")

    assessments = _items(ctx, data, "annual_assessments", place, "assessments", _assessment)
    if assessments is not None:
        first: dict[int, int] = {}
        for i, a in enumerate(assessments):
            if a.year in first:
                ctx.fail(
                    f"{_join(place, 'annual_assessments')}[{i}].year",
                    f"the year {a.year} is given twice "
                    f"(first at {_join(place, 'annual_assessments')}[{first[a.year]}])",
                )
            first[a.year] = i

    field_value = data.get("field")
    return Person(
        id=person_id,
        certificates=_items(ctx, data, "certificates", place, "certificates", _certificate),
        technical_work=_items(ctx, data, "technical_work", place, "periods", _period),
        field=None if field_value is None else _field(ctx, field_value, _join(place, "field")),
        current_post=_post(ctx, data.get("current_post"), _join(place, "current_post")),
        annual_assessments=assessments,
        honours=_items(ctx, data, "honours", place, "honours", _honour),
        outstanding_contribution=_tristate(
            ctx, data.get("outstanding_contribution"), _join(place, "outstanding_contribution")
        ),
        social_benefit=_tristate(ctx, data.get("social_benefit"), _join(place, "social_benefit")),
        economic_benefit=_tristate(
            ctx, data.get("economic_benefit"), _join(place, "economic_benefit")
        ),
        titles=_items(ctx, data, "titles", place, "titles", _title),
        cumulative_work_years=_years(
            ctx, data.get("cumulative_work_years"), _join(place, "cumulative_work_years")
        ),
        never_decisive={k: data[k] for k in vocab.NEVER_DECISIVE if k in data},
    )


def parse_person(data: object, source: str, place: str) -> Person:
    """Validate one person mapping (already-parsed data, e.g. a JSONL row) into a `Person`."""
    return _person(_Ctx(source), data, place)


# ---------------------------------------------------------------------------
# Readings and parameters.


def _reading(ctx: _Ctx, name: object, value: object, place: str) -> tuple[str, str]:
    known = kb_readings()
    if not isinstance(name, str) or name not in known:
        guess = _suggest(str(name), known)
        hint = f"did you mean {guess!r}?" if guess else f"the readings are: {', '.join(known)}"
        ctx.fail(place, f"{_q(name)} is not a reading; {hint}", at_key=True)
    reading = known[name]
    options = reading.options
    valid = ", ".join(f"{o} (default)" if o == reading.default else o for o in options)
    if isinstance(value, bool) and {"yes", "no"} <= set(options):
        value = "yes" if value else "no"  # YAML reads an unquoted yes/no as a boolean
    if not isinstance(value, str):
        ctx.fail(place, f"expected one of: {valid}; found {_describe(value)}")
    text = value.strip()
    if text not in options:
        guess = _suggest(text, options)
        hint = f"did you mean {guess!r}? " if guess else ""
        ctx.fail(
            place,
            f"{_q(value)} is not a value of the reading {_q(name)}; {hint}expected one of: {valid}",
        )
    return name, text


def _readings_mapping(ctx: _Ctx, value: object, place: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        ctx.fail(place, f"expected a mapping of reading: value, found {_describe(value)}")
    out: dict[str, str] = {}
    for name, choice in value.items():
        key, text = _reading(ctx, name, choice, _join(place, str(name)))
        out[key] = text
    return out


def parse_readings(pairs: Iterable[str], source: str = "--reading") -> dict[str, str]:
    """``name=value`` strings from the command line, validated against the knowledge base.

    >>> parse_readings(["field_list=open", "duration_end = year_end"])
    {'field_list': 'open', 'duration_end': 'year_end'}
    """
    ctx = _Ctx(source)
    out: dict[str, str] = {}
    if isinstance(pairs, str):  # one pair given on its own
        pairs = [pairs]
    for pair in pairs:
        if not isinstance(pair, str) or "=" not in pair:
            ctx.fail(str(pair), "expected NAME=VALUE, e.g. field_list=open")
        name, _, value = pair.partition("=")
        name = name.strip()
        if not name or not value.strip():
            ctx.fail(pair, "expected NAME=VALUE, e.g. field_list=open")
        key, text = _reading(ctx, name, value, name)
        if key in out and out[key] != text:
            ctx.fail(key, f"given twice, as {out[key]!r} and as {_q(text)}")
        out[key] = text
    return out


def _parameters(ctx: _Ctx, value: object, place: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        ctx.fail(place, f"expected a mapping of parameter: number, found {_describe(value)}")
    out: dict[str, int] = {}

    def put(name: str, number: object, where: str) -> None:
        if name not in PARAMETERS:
            guess = _suggest(name, PARAMETERS)
            hint = (
                f"did you mean {guess!r}?" if guess else f"expected one of: {', '.join(PARAMETERS)}"
            )
            ctx.fail(where, f"{_q(name)} is not a parameter; {hint}", at_key=True)
        if name in out:
            ctx.fail(where, f"the parameter {_q(name)} is given twice", at_key=True)
        if number is None:
            ctx.fail(where, "has no value; leave the parameter out if it is unknown")
        out[name] = _int(ctx, number, where, 0, MAX_YEARS, "a whole number of years")

    for key, number in value.items():
        where = _join(place, str(key))
        if key == "application_years" and isinstance(number, dict):
            for sub, sub_number in number.items():
                put(f"application_years.{sub}", sub_number, _join(where, str(sub)))
        else:
            put(str(key), number, where)
    return out


# ---------------------------------------------------------------------------
# The case.


def _case(
    tree: _Tree,
    source: str,
    as_of: dt.date | None,
    readings: Mapping[str, str],
) -> Case:
    """The case in ``tree``; ``as_of`` and ``readings`` are the validated command-line ones."""
    ctx = _Ctx(source, tree.marks, tree.key_marks)
    data = tree.data
    if data is None:
        ctx.fail("", "the case is empty; expected a mapping with 'persons' (a list) or 'person'")
    if not isinstance(data, dict):
        ctx.fail(
            "", f"expected a mapping with 'persons' (a list) or 'person', found {_describe(data)}"
        )
    _mapping(ctx, data, "", TOP_KEYS, "a mapping")

    if "persons" in data and "person" in data:
        ctx.fail(
            "person",
            "give either 'persons' (a list) or 'person' (one mapping), not both",
            at_key=True,
        )
    if "persons" in data:
        rows = data["persons"]
        if not isinstance(rows, list):
            hint = "; for one person write 'person:'" if isinstance(rows, dict) else ""
            ctx.fail("persons", f"expected a list of persons, found {_describe(rows)}{hint}")
        if not rows:
            ctx.fail("persons", "the list is empty; a case needs at least one person")
        if len(rows) > MAX_PERSONS:
            ctx.fail(
                "persons",
                f"{len(rows):,} persons are more than one case may hold (at most {MAX_PERSONS:,});"
                " split the case",
            )
        places = [f"persons[{i}]" for i in range(len(rows))]
    elif "person" in data:
        rows = [data["person"]]
        if isinstance(data["person"], list):
            ctx.fail(
                "person", "expected one person mapping, found a list; for several write 'persons:'"
            )
        places = ["person"]
    else:
        ctx.fail("", "missing 'persons' (a list of persons) or 'person' (a single one)")

    file_as_of = data.get("as_of")
    if as_of is not None:
        when = as_of
    elif file_as_of is not None:
        when = _date(ctx, file_as_of, "as_of")
    else:
        when = dt.date.today()
    merged = _readings_mapping(ctx, data.get("readings"), "readings")
    parameters = _parameters(ctx, data.get("parameters"), "parameters")

    persons = []
    seen: dict[str, str] = {}
    for row, place in zip(rows, places, strict=True):
        person = _person(ctx, row, place)
        if person.id in seen:
            first = seen[person.id]
            ctx.fail(
                _join(place, "id"),
                f"the id {_q(person.id)} is used twice (first at {first}{ctx.line_of(first)})",
            )
        seen[person.id] = _join(place, "id")
        persons.append(person)

    merged.update(readings)
    return Case(
        source=source, as_of=when, readings=merged, parameters=parameters, persons=tuple(persons)
    )


def parse_case(
    text: str,
    source: str = "<case>",
    *,
    as_of: dt.date | None = None,
    readings: Mapping[str, str] | None = None,
) -> Case:
    """A case from YAML or JSON text; ``as_of`` and ``readings`` override the file's."""
    cli_as_of, cli_readings = _overrides(as_of, readings)
    return _case(_read_text(text, source), source, cli_as_of, cli_readings)


def _overrides(
    as_of: object, readings: Mapping[str, str] | None
) -> tuple[dt.date | None, dict[str, str]]:
    """The command-line overrides, checked before the file is read."""
    when = None if as_of is None else _date(_Ctx("--as-of"), as_of, "")
    if readings is not None and not isinstance(readings, Mapping):
        raise InputError("--reading", "", f"expected a mapping, found {_describe(readings)}")
    chosen = _readings_mapping(_Ctx("--reading"), readings, "") if readings else {}
    return when, chosen


def load_case(
    path: str | Path,
    *,
    as_of: dt.date | None = None,
    readings: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
) -> Case:
    """A case from a YAML or JSON file (UTF-8, at most ``max_bytes``)."""
    source = str(path)
    cli_as_of, cli_readings = _overrides(as_of, readings)
    text = _read_file(path, max_bytes, "a case file")
    return _case(_read_text(text, source), source, cli_as_of, cli_readings)


def _read_file(path: str | Path, max_bytes: int, what: str = "a file") -> str:
    """The UTF-8 text of a file of at most ``max_bytes`` (no more is read), or InputError."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(source, "", "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "", f"is a directory, not {what}") from None
    except OSError as err:
        raise InputError(source, "", f"cannot read the file: {err.strerror or err}") from None
    if len(raw) > max_bytes:
        raise InputError(source, "", f"the file is larger than {max_bytes:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(
            source,
            "",
            f"not UTF-8 text (byte {raw[err.start]:#04x} cannot be decoded)",
            line,
            column,
        ) from None


# ---------------------------------------------------------------------------
# Documents that hold a case among other keys (the pinned cases of pyagent/pins/check.py).


@dataclass(frozen=True)
class Document:
    """A YAML or JSON document as read, with the line:column of every place in it."""

    source: str
    data: object
    marks: Mapping[str, tuple[int, int]]
    key_marks: Mapping[str, tuple[int, int]]

    def error(self, place: str, message: str, *, at_key: bool = False) -> InputError:
        """An InputError at ``place`` (``[2].expect.li``), with its line and column."""
        return _Ctx(self.source, self.marks, self.key_marks).error(place, message, at_key=at_key)


def read_document(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Document:
    """A UTF-8 YAML or JSON file of at most ``max_bytes``, read but not yet validated."""
    source = str(path)
    tree = _read_text(_read_file(path, max_bytes), source)
    return Document(source, tree.data, tree.marks, tree.key_marks)


def _below(marks: Mapping[str, tuple[int, int]], place: str) -> dict[str, tuple[int, int]]:
    """The marks of the places under ``place``, relative to it."""
    if not place:
        return dict(marks)
    out = {}
    for key, mark in marks.items():
        if key == place:
            out[""] = mark
        elif key.startswith(place + "."):
            out[key[len(place) + 1 :]] = mark
    return out


def case_in_document(
    document: Document, data: Mapping[str, object], place: str = "", *, without: Iterable[str] = ()
) -> Case:
    """The case held by the mapping ``data`` found at ``place`` in ``document``.

    The keys ``without`` (e.g. a pin's ``name`` and ``expect``) are left out before the
    case is validated; errors name the place in the whole document, with its line.
    """
    skip = set(without)
    tree = _Tree(
        {k: v for k, v in data.items() if k not in skip},
        _below(document.marks, place),
        _below(document.key_marks, place),
    )
    try:
        return _case(tree, document.source, None, {})
    except InputError as err:
        if not place:
            raise
        raise InputError(
            err.source,
            _join(place, err.place) if err.place else place,
            err.message,
            err.line,
            err.column,
        ) from None


def readings_in_document(document: Document, value: object, place: str) -> dict[str, str]:
    """A ``readings:`` mapping found at ``place`` in ``document``, validated."""
    return _readings_mapping(_Ctx(document.source, document.marks, document.key_marks), value, place)
