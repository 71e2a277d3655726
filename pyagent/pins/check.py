"""Pinned cases: the agreed interpretation of the notice, as cases with expected answers.

A pin is a case in the very format of SPEC section 2 with a ``name`` (a sentence) and an
``expect`` block: for each person, the status of the questions that matter and, optionally,
the clauses the answer must cite, the unknown inputs it must depend on, and phrases its
explanation must contain.  ``queries/README.md`` is the format; ``pyagent check`` runs them.

>>> from pyagent.pins.check import load_pins, run_pins
>>> report = run_pins(load_pins(["queries"]))                  # doctest: +SKIP
>>> report.holds, len(report.results)                           # doctest: +SKIP
(True, 97)

Every problem with a pin file raises `pyagent.errors.InputError` naming the file, the place
(``[3].expect.li.title.assistant.status``) and its line.  A case is solved once per set of
readings its expectations ask for, and the solve is cached (`solved`), so that the checks,
the coverage and the pytest items share it.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clingo import Symbol

from pyagent.explain.answers import Answer, SolvedCase
from pyagent.input.case import TOP_KEYS, Document, case_in_document, read_document, readings_in_document
from pyagent.errors import InputError
from pyagent.engine.evaluate import symbol_text
from pyagent.explain.tree import Explainer, Node
from pyagent.engine.facts import Fact, global_facts, person_facts
from pyagent.kb import kb_dir as default_kb_dir
from pyagent.input.model import Case, Person
from pyagent.engine.program import load_program
from pyagent.engine.questions import QUESTIONS, Question
from pyagent.engine.solve import Model, person_term, solve
from pyagent.explain.why import Step, explain_solved

__all__ = [
    "Expectation",
    "Outcome",
    "Pin",
    "PinReport",
    "PinResult",
    "explanation_text",
    "load_pin_file",
    "load_pins",
    "pin_files",
    "prepare",
    "register",
    "rule_trace",
    "run_pin",
    "run_pins",
    "solved",
]

PIN_KEYS = ("name", "expect")
EXPECT_KEYS = ("status", "clauses", "depends_on", "explanation_contains", "readings")
STATUSES = ("yes", "no", "unknown")
SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Expectation:
    """What one answer must be: a status and, optionally, its reasons."""

    person: str
    question: str
    status: str
    readings: Mapping[str, str] = field(default_factory=dict)  # on top of the pin's own
    clauses: tuple[str, ...] | None = None  # must all be cited ("P3.S1")
    depends_on: tuple[str, ...] | None = None  # exactly these unknown inputs
    explanation_contains: tuple[str, ...] = ()
    place: str = ""  # where in the file, e.g. "[2].expect.li.title.assistant"
    line: int | None = None

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
            for candidate in sorted(path.rglob("*")):
                if (
                    candidate.suffix in SUFFIXES
                    and candidate.is_file()
                    and _is_pin_data(read_document(candidate).data)
                ):
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


def load_pins(paths: Iterable[str | Path]) -> list[Pin]:
    """Every pin under ``paths`` (files or directories), validated."""
    pins: list[Pin] = []
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
    if len(name.split()) < 3:
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
        known = _clause_refs()
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
    return Expectation(person, question, status, readings, clauses, depends, phrases, place, line)


@functools.cache
def _clause_refs() -> frozenset[str]:
    """The clause references of the knowledge base ("P3.S1"), from kb/clauses.lp."""
    text = (default_kb_dir() / "clauses.lp").read_text(encoding="utf-8")
    return frozenset(re.findall(r'^clause_text\(\s*\w+\s*,\s*"([^"]+)"', text, flags=re.MULTILINE))


# ---------------------------------------------------------------------------
# Running pins.


@dataclass(frozen=True)
class PinSolve:
    """A pin's case inside a solve it shares with other pins: its persons start at ``offset``.

    Pins asked on the same date under the same readings are grounded together, in one
    clingo solve (persons are independent in the knowledge base), which is what keeps
    ``pyagent check`` and the test suite fast.
    """

    solved: SolvedCase
    offset: int
    _answers: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def model(self) -> Model:
        return self.solved.model

    def status(self, index: int, question: Question) -> str:
        return self.solved.status(self.offset + index, question)

    def answer(self, index: int, question: Question) -> Answer:
        """The answer with its clauses and what it depends on (explained once, then kept)."""
        key = (index, question.id)
        if key not in self._answers:
            self._answers[key] = self.solved.answer(self.offset + index, question)
        return self._answers[key]

    def explain(self, index: int, question: Question) -> Node:
        return self.solved.explain(self.offset + index, question)

    def person(self, index: int, world: str) -> Symbol:
        """The term of person ``index`` of the pin in a completion (worst or best)."""
        return person_term(self.offset + index, world)

    def clause_refs(self) -> dict[str, tuple[str, int]]:
        return self.solved.clause_refs()

    def view(self, index: int) -> tuple[SolvedCase, str]:
        """The shared solve as a case in which person ``index`` of the pin is the only one
        with its id (the persons of other pins may share it), and that id."""
        persons = list(self.solved.case.persons)
        me = self.offset + index
        for k, p in enumerate(persons):
            if k != me:
                persons[k] = dataclasses.replace(p, id=f"\x00{k}")
        case = dataclasses.replace(self.solved.case, persons=tuple(persons))
        return dataclasses.replace(self.solved, case=case), persons[me].id

    def clause_kinds(self) -> dict[str, str]:
        return self.solved.clause_kinds()


_CACHE: dict[tuple, PinSolve] = {}
_PENDING: dict[tuple, dict[tuple, Pin]] = {}  # group -> the pins registered to solve together
_CACHE_LIMIT = 4096


def _pin_key(pin: Pin) -> tuple:
    return (pin.source, pin.index, repr(pin.case))


def _group(pin: Pin, readings: Mapping[str, str], kb: Path) -> tuple:
    return (pin.case.as_of, tuple(sorted(readings.items())), str(kb))


def _kb(directory: Path | None) -> Path:
    return (directory or default_kb_dir()).resolve()


def prepare(pins: Iterable[Pin], directory: Path | None = None) -> None:
    """Register pins to be solved together: the first `solved` call of a group solves all its
    pins at once.  Optional: without it every pin is solved on its own."""
    for pin in pins:
        for e in pin.expectations:
            register(pin, pin.readings_of(e), directory)


def register(pin: Pin, readings: Mapping[str, str], directory: Path | None = None) -> None:
    """Register one pin to be solved under ``readings`` with the others of its group."""
    kb = _kb(directory)
    key = (_pin_key(pin), tuple(sorted(readings.items())), str(kb))
    if key not in _CACHE:
        _PENDING.setdefault(_group(pin, readings, kb), {})[_pin_key(pin)] = pin


def solved(pin: Pin, readings: Mapping[str, str], directory: Path | None = None) -> PinSolve:
    """The pin's case solved under these reading overrides (cached per pin, readings, kb)."""
    kb = _kb(directory)
    shown = tuple(sorted(readings.items()))
    key = (_pin_key(pin), shown, str(kb))
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    group = _group(pin, readings, kb)
    members = _PENDING.pop(group, {})
    members[_pin_key(pin)] = pin
    if len(_CACHE) + len(members) > _CACHE_LIMIT:
        _CACHE.clear()
    persons: list[Person] = []
    facts: list[tuple[Fact, ...]] = []
    offsets: dict[tuple, int] = {}
    for member_key, member in members.items():
        offsets[member_key] = len(facts)
        for person in member.case.persons:
            persons.append(person)
            facts.append(tuple(person_facts(person, member.case.as_of, member.case.parameters)))
    as_of = pin.case.as_of
    source = pin.source if len(members) == 1 else "<pinned cases>"
    model = solve(facts, global_facts(as_of, readings), directory=None if directory is None else kb)
    program = load_program(None if directory is None else kb)
    case = Case(source, as_of, dict(readings), {}, tuple(persons))
    shared = SolvedCase(case, program, model, tuple(facts), Explainer(program, model, facts))
    for member_key in members:
        _CACHE[(member_key, shown, str(kb))] = PinSolve(shared, offsets[member_key])
    return _CACHE[key]


def _index(case: Case, person: str) -> int:
    return next(i for i, p in enumerate(case.persons) if p.id == person)


def check_expectation(pin: Pin, e: Expectation, directory: Path | None = None) -> Outcome:
    """One expectation against the actual answer."""
    readings = pin.readings_of(e)
    s = solved(pin, readings, directory)
    index = _index(pin.case, e.person)
    question = QUESTIONS[e.question]
    status = s.status(index, question)
    needs_reasons = e.clauses is not None or e.depends_on is not None or e.explanation_contains
    answer = s.answer(index, question) if needs_reasons or status != e.status else None
    problems: list[str] = []
    if status != e.status:
        problems.append(f"expected {e.status}, got {status}")
    text = None
    if answer is not None:
        if e.clauses is not None:
            missing = [c for c in e.clauses if c not in answer.clauses]
            if missing:
                problems.append(
                    f"does not cite {', '.join(missing)} (cites: {', '.join(answer.clauses) or 'nothing'})"
                )
        if (
            e.depends_on is not None
            and status == "unknown"
            and set(e.depends_on) != set(answer.depends_on)
        ):
            problems.append(
                f"depends on {', '.join(answer.depends_on) or 'nothing'}, "
                f"expected {', '.join(e.depends_on)}"
            )
        if e.explanation_contains:
            text = explanation_text(s, index, e.question)
            trace = rule_trace(s, index, e.question)
            for phrase in e.explanation_contains:
                if phrase not in text and phrase not in trace:
                    problems.append(f"the explanation does not contain {phrase!r}")
    if problems and text is None:
        text = explanation_text(s, index, e.question)
    return Outcome(e, readings, status, answer, tuple(problems), text if problems else None)


def run_pin(pin: Pin, kb_dir: Path | None = None) -> PinResult:
    """Check every expectation of one pin."""
    return PinResult(pin, tuple(check_expectation(pin, e, kb_dir) for e in pin.expectations))


def run_pins(pins: Iterable[Pin], kb_dir: Path | None = None) -> PinReport:
    """Check every expectation of every pin against the knowledge base in ``kb_dir``."""
    directory = Path(kb_dir) if kb_dir is not None else None
    if directory is not None and not (directory / "main.lp").is_file():
        raise InputError(str(directory), "", "not a knowledge base directory (no main.lp)")
    pins = list(pins)
    prepare(pins, directory)
    results = tuple(run_pin(p, directory) for p in pins)
    return PinReport(directory or default_kb_dir(), results)


# ---------------------------------------------------------------------------
# The explanation of an answer as plain text (what ``explanation_contains`` matches).


def explanation_text(s: PinSolve, index: int, question: str) -> str:
    """The explanation of one answer as `pyagent why` gives it, as plain text: one line per
    step with its status, its sentence, the clause it cites ("P3.S1") with the clause's text
    the first time, the readings it consulted and the inputs it rests on."""
    view, person = s.view(index)
    found = explain_solved(view, person, question, decide=False)
    lines: list[str] = []
    quoted: set[str] = set()

    def add(step: Step, depth: int) -> None:
        line = f"[{step.holds}] {step.text}"
        if step.clause is not None:
            line += f" [{step.clause.ref}]"
        if step.readings and step.kind != "reading":
            line += " (reading: " + ", ".join(f"{n}={v}" for n, v in step.readings) + ")"
        if step.inputs:
            line += " <- " + ", ".join(
                r.path
                + ("" if r.value is None or isinstance(r.value, (dict, list)) else f": {r.value}")
                for r in step.inputs
            )
        lines.append("  " * depth + line)
        if step.clause is not None and step.clause.id not in quoted:
            quoted.add(step.clause.id)
            lines.append("  " * depth + f"  「{step.clause.text}」")
        for child in step.children:
            add(child, depth + 1)

    add(found.root, 0)
    for note in found.notes:
        add(note, 0)
    return "\n".join(lines)


def rule_trace(s: SolvedCase | PinSolve, index: int, question: str) -> str:
    """The explanation tree of `pyagent.explain.tree` at the level of the rules, one line per
    node: the conclusion or condition with its values (``23 >= 24``), its status, the clause
    it cites ("P3.S1"), the readings it consulted, and the inputs of the case it rests on
    (``certificates[0]``); the text of every clause cited at the end."""
    node = s.explain(index, QUESTIONS[question])
    refs = s.clause_refs()
    texts = {a.arguments[0].name: a.arguments[2].string for a in s.model.atoms_of("clause_text", 3)}
    lines: list[str] = []
    quoted: set[str] = set()
    for depth, line in _lines(node, 0):
        lines.append("  " * depth + line)
    for clause in _clauses_of(node):
        if clause in refs and clause not in quoted:
            quoted.add(clause)
            lines.append(f"{refs[clause][0]}: {texts.get(clause, '')}")
    out = "\n".join(lines)
    for cid, (ref, _) in refs.items():
        out = out.replace(f"[{cid}]", f"[{ref}]")
    return out


def _lines(node: Node, depth: int) -> Iterator[tuple[int, str]]:
    head = f"{node.key}: {node.status}"
    if node.repeated:
        yield depth, head + " (see above)"
        return
    yield depth, head
    for leaf in node.leaves:
        mark = " (unknown)" if leaf.unknown else ""
        yield depth + 1, f"input {leaf.path} = {leaf.value}{mark}"
    for way in node.ways:
        where = f"{Path(way.file).name}:{way.line}"
        readings = "".join(f" {n}={v}" for n, v in way.readings)
        cite = f"[{way.clause}] " if way.clause else ""
        yield (
            depth + 1,
            f"{cite}rule {where}: {way.status}{' readings' + readings if readings else ''}",
        )
        for c in way.conditions:
            detail = ""
            if c.compared:
                detail = (
                    " ("
                    + "; ".join(
                        f"{symbol_text(x.left)} {x.op} {symbol_text(x.right)}: {'holds' if x.holds else 'fails'}"
                        for x in c.compared
                    )
                    + ")"
                )
            if c.value is not None:
                detail += f" = {symbol_text(c.value)}"
            if c.node is not None and not c.compared:
                yield from _lines(c.node, depth + 2)
            else:
                yield depth + 2, f"{c.text}: {c.status}{detail}"


def _clauses_of(node: Node) -> list[str]:
    from pyagent.explain.tree import walk

    out: list[str] = []
    for n, _ in walk(node):
        for w in n.ways:
            if w.clause and w.clause not in out:
                out.append(w.clause)
    return out
