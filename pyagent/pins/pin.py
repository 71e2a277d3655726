"""Pin files: what a pin is (a named case and the answers it expects) and how one is read.

A pin is a case in the very format of SPEC section 2 with a ``name`` (a sentence) and an
``expect`` block: for each person, the status of the questions that matter and, optionally,
the clauses the answer must cite, the unknown inputs it must depend on, and phrases its
explanation must contain.  ``queries/README.md`` is the format; `pyagent.pins.check` runs them.

>>> from pyagent.pins.pin import load_pins
>>> pins = load_pins(["queries"])                               # doctest: +SKIP

Every problem with a pin file raises `pyagent.errors.InputError` naming the file, the place
(``[3].expect.li.title.assistant.status``) and its line.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyagent.errors import InputError
from pyagent.explain.answers import Answer
from pyagent.input.case import (
    TOP_KEYS,
    Document,
    case_in_document,
    read_document,
    readings_in_document,
)
from pyagent.input.document import walk_files
from pyagent.input.model import Case
from pyagent.engine.questions import QUESTIONS
from pyagent.kb import kb_dir as default_kb_dir
from pyagent.kb import using_kb
from pyagent.pins.whatif_pin import WhatIfExpectation, parse_what_if

__all__ = [
    "Expectation",
    "Outcome",
    "Pin",
    "PinReport",
    "PinResult",
    "load_pin_file",
    "load_pins",
    "pin_files",
]

PIN_KEYS = ("name", "expect")
EXPECT_KEYS = ("status", "clauses", "depends_on", "explanation_contains", "readings", "what_if")
STATUSES = ("yes", "no", "unknown")
SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Expectation:
    """What one answer must be: a status and, optionally, its reasons."""

    person: str
    question: str
    status: str
    readings: Mapping[str, str] = field(default_factory=dict)  # on top of the pin's own
    clauses: tuple[str, ...] | None = None  # exactly the clauses cited, in order ("P3.S1")
    depends_on: tuple[str, ...] | None = None  # exactly these unknown inputs
    explanation_contains: tuple[str, ...] = ()
    place: str = ""  # where in the file, e.g. "[2].expect.li.title.assistant"
    line: int | None = None
    what_if: WhatIfExpectation | None = None  # the what-if result expected (whatif_pin)

    def label(self) -> str:
        shown = "".join(f" [{k}={v}]" for k, v in sorted(self.readings.items()))
        return f"{self.person} {self.question}{shown}"


@dataclass(frozen=True)
class Pin:
    """A named case and what its answers must be."""

    name: str
    source: str  # the file
    index: int | None  # the position in a file that holds a list of pins; None: the only one
    line: int | None
    case: Case
    expectations: tuple[Expectation, ...]

    @property
    def id(self) -> str:
        return f"{self.source}::{self.name}"

    def readings_of(self, expectation: Expectation) -> dict[str, str]:
        """The reading overrides an expectation is computed under: the pin's, then its own."""
        return {**self.case.readings, **expectation.readings}


@dataclass(frozen=True)
class Outcome:
    """An expectation checked against the actual answer."""

    expectation: Expectation
    readings: Mapping[str, str]  # the overrides in force
    status: str  # the actual status
    answer: Answer | None  # the actual answer with clauses and depends_on, when computed
    problems: tuple[str, ...]  # empty: the expectation holds
    explanation: str | None = None  # the actual answer explained, when it does not hold
    what_if: Mapping[str, object] | None = None  # the actual what-if, when the pin states one

    @property
    def holds(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PinResult:
    pin: Pin
    outcomes: tuple[Outcome, ...]

    @property
    def holds(self) -> bool:
        return all(o.holds for o in self.outcomes)

    @property
    def failures(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.holds)


@dataclass(frozen=True)
class PinReport:
    """The result of running pins against one knowledge base."""

    kb: Path
    results: tuple[PinResult, ...]

    @property
    def holds(self) -> bool:
        return all(r.holds for r in self.results)

    @property
    def failed(self) -> tuple[PinResult, ...]:
        return tuple(r for r in self.results if not r.holds)

    @property
    def expectations(self) -> int:
        return sum(len(r.outcomes) for r in self.results)

    def to_json(self) -> dict:
        """``pyagent check --json``: every pin, and what is wrong with those that fail."""
        return {
            "schema": "pyagent.check/1",
            "holds": self.holds,
            "pins": [
                {
                    "file": r.pin.source,
                    "name": r.pin.name,
                    "line": r.pin.line,
                    "holds": r.holds,
                    "answers": len(r.outcomes),
                    "failures": [
                        {
                            "person": o.expectation.person,
                            "question": o.expectation.question,
                            "readings": dict(o.expectation.readings),
                            "line": o.expectation.line,
                            "expected": o.expectation.status,
                            "actual": o.status,
                            "problems": list(o.problems),
                        }
                        for o in r.failures
                    ],
                }
                for r in self.results
            ],
        }


# ---------------------------------------------------------------------------
# Finding and loading pin files.


def _is_pin_data(data: object) -> bool:
    """A list (of pins) or a mapping with ``expect``; a plain case is not a pin."""
    return isinstance(data, list) or (isinstance(data, dict) and "expect" in data)


def _is_sentence(name: str) -> bool:
    """Three words or more; Chinese, which has no spaces, by its characters (六个汉字 or more:
    「技师满三年可评中级」 is a sentence, 「技师」 is not)."""
    if len(name.split()) >= 3:
        return True
    han = sum(1 for ch in name if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")
    return han >= 6


def pin_files(paths: Iterable[str | Path]) -> list[Path]:
    """The pin files under ``paths``, in a stable order.

    A directory is searched recursively for ``*.yaml``, ``*.yml`` and ``*.json`` files in pin
    form; plain cases in it (such as ``queries/demo.yaml``) are passed over.  A file named
    outright must be a pin file.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in walk_files(path, SUFFIXES):
                if _is_pin_data(read_document(candidate).data):
                    out.append(candidate)
        elif path.exists():
            out.append(path)
        else:
            raise InputError(str(path), "", "no such file or directory")
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def load_pins(paths: Iterable[str | Path], kb_dir: Path | None = None) -> list[Pin]:
    """Every pin under ``paths`` (files or directories), validated against the knowledge
    base in ``kb_dir`` (its readings and clause ids; default: `pyagent.kb.kb_dir`)."""
    pins: list[Pin] = []
    with using_kb(kb_dir):
        for path in pin_files(paths):
            pins.extend(load_pin_file(path))
    return pins


def load_pin_file(path: str | Path) -> list[Pin]:
    """The pins of one file: a single pin mapping, or a list of them."""
    document = read_document(path)
    data = document.data
    if isinstance(data, list):
        if not data:
            raise document.error("", "the list of pins is empty")
        pins = [_pin(document, item, f"[{i}]", i) for i, item in enumerate(data)]
    elif isinstance(data, dict):
        if "expect" not in data:
            raise document.error(
                "", "not a pin file: a pin has 'name', the case, and 'expect' (queries/README.md)"
            )
        pins = [_pin(document, data, "", None)]
    else:
        raise document.error(
            "", "expected a pin (a mapping with 'name' and 'expect') or a list of pins"
        )
    names: dict[str, str] = {}
    for pin in pins:
        if pin.name in names:
            where = f"[{pin.index}].name" if pin.index is not None else "name"
            raise document.error(where, f"the name is used twice (first at {names[pin.name]})")
        names[pin.name] = f"[{pin.index}]" if pin.index is not None else "the top"
    return pins


def _join(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key


def _suggest(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(choices)}"


def _pin(document: Document, data: object, place: str, index: int | None) -> Pin:
    if not isinstance(data, dict):
        raise document.error(place, "expected a pin: a mapping with 'name', the case and 'expect'")
    for key in data:
        if key not in PIN_KEYS and key not in TOP_KEYS:
            raise document.error(
                _join(place, str(key)),
                f"{key!r} is not a key of a pin{_suggest(str(key), PIN_KEYS + TOP_KEYS)}",
                at_key=True,
            )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise document.error(
            _join(place, "name") if "name" in data else place,
            "a pin needs a 'name': a sentence saying what it pins",
        )
    name = " ".join(name.split())
    if not _is_sentence(name):
        raise document.error(
            _join(place, "name"), f"{name!r} is not a sentence; say what the pin pins"
        )
    if "as_of" not in data or data["as_of"] is None:
        raise document.error(
            place, "a pin must set 'as_of' (its answers would change with the date)"
        )
    case = case_in_document(document, data, place, without=PIN_KEYS)
    expect_place = _join(place, "expect")
    expect = data.get("expect")
    if not isinstance(expect, dict) or not expect:
        raise document.error(
            expect_place if "expect" in data else place,
            "'expect' must map each person id to the answers expected of them",
        )
    ids = [p.id for p in case.persons]
    expectations: list[Expectation] = []
    for person, questions in expect.items():
        where = _join(expect_place, str(person))
        if person not in ids:
            raise document.error(
                where,
                f"{person!r} is not a person of this case{_suggest(str(person), ids)}",
                at_key=True,
            )
        if not isinstance(questions, dict) or not questions:
            raise document.error(where, "expected a mapping of question id: expected answer")
        for question, spec in questions.items():
            q_place = _join(where, str(question))
            if question not in QUESTIONS:
                raise document.error(
                    q_place,
                    f"{question!r} is not a question id{_suggest(str(question), list(QUESTIONS))}",
                    at_key=True,
                )
            items = spec if isinstance(spec, list) else [spec]
            if not items:
                raise document.error(q_place, "the list of expectations is empty")
            for k, item in enumerate(items):
                item_place = f"{q_place}[{k}]" if isinstance(spec, list) else q_place
                expectations.append(_expectation(document, person, question, item, item_place))
    missing = [i for i in ids if i not in expect]
    if missing:
        raise document.error(
            expect_place,
            f"no expectation for {', '.join(missing)}: every person of a pin must pin something",
        )
    seen: dict[tuple, str] = {}
    for e in expectations:
        key = (e.person, e.question, tuple(sorted({**case.readings, **e.readings}.items())))
        if key in seen:
            raise document.error(e.place, f"the same answer is pinned twice (first at {seen[key]})")
        seen[key] = e.place
    line = document.marks.get(place, (None, None))[0] if place else 1
    return Pin(name, document.source, index, line, case, tuple(expectations))


def _status(document: Document, value: object, place: str) -> str:
    if value is True:  # YAML reads a bare yes / no as a boolean
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, str) and value.strip() in STATUSES:
        return value.strip()
    raise document.error(place, f"expected yes, no or unknown, found {value!r}")


def _strings(document: Document, value: object, place: str, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise document.error(place, f"expected a list of {what}")
    return tuple(v.strip() for v in value)


def _expectation(
    document: Document, person: str, question: str, spec: object, place: str
) -> Expectation:
    line = document.marks.get(place, (None, None))[0]
    if not isinstance(spec, dict):
        return Expectation(person, question, _status(document, spec, place), place=place, line=line)
    for key in spec:
        if key not in EXPECT_KEYS:
            raise document.error(
                _join(place, str(key)),
                f"{key!r} is not a key of an expectation{_suggest(str(key), EXPECT_KEYS)}",
                at_key=True,
            )
    if "status" not in spec:
        raise document.error(place, "an expectation needs a 'status': yes, no or unknown")
    status = _status(document, spec["status"], _join(place, "status"))
    clauses = None
    if spec.get("clauses") is not None:
        clauses = _strings(
            document, spec["clauses"], _join(place, "clauses"), "clause ids such as P3.S1"
        )
        known = _clause_refs(default_kb_dir().resolve())
        for c in clauses:
            if c not in known:
                raise document.error(
                    _join(place, "clauses"),
                    f"{c!r} is not a clause the answers cite{_suggest(c, sorted(known))}",
                )
    depends = None
    if spec.get("depends_on") is not None:
        if status != "unknown":
            raise document.error(
                _join(place, "depends_on"), "only an unknown answer depends on inputs"
            )
        depends = _strings(document, spec["depends_on"], _join(place, "depends_on"), "input paths")
    elif status == "unknown" and "depends_on" in spec:
        raise document.error(_join(place, "depends_on"), "expected a list of input paths")
    phrases: tuple[str, ...] = ()
    if spec.get("explanation_contains") is not None:
        phrases = _strings(
            document, spec["explanation_contains"], _join(place, "explanation_contains"), "phrases"
        )
    readings = {}
    if spec.get("readings") is not None:
        readings = readings_in_document(document, spec["readings"], _join(place, "readings"))
    what_if = None
    if "what_if" in spec:
        what_if = parse_what_if(document, spec["what_if"], _join(place, "what_if"), _status)
    return Expectation(
        person, question, status, readings, clauses, depends, phrases, place, line, what_if
    )


@functools.cache
def _clause_refs(directory: Path) -> frozenset[str]:
    """The clause references of the knowledge base ("P3.S1"), from its clauses.lp."""
    text = (directory / "clauses.lp").read_text(encoding="utf-8")
    return frozenset(re.findall(r'^clause_text\(\s*\w+\s*,\s*"([^"]+)"', text, flags=re.MULTILINE))
