"""Pinned cases: the agreed interpretation of the notice, as cases with expected answers.

A pin (`pyagent.pins.pin`) is a case with a ``name`` and an ``expect`` block; this module
checks its expectations against a knowledge base.  ``queries/README.md`` is the format;
``pyagent check`` runs them.

>>> from pyagent.pins.check import load_pins, run_pins
>>> report = run_pins(load_pins(["queries"]))                  # doctest: +SKIP
>>> report.holds, len(report.results)                           # doctest: +SKIP
(True, 97)

A case is solved once per set of readings its expectations ask for, together with the other
pins of its date and readings (`pyagent.pins.solved`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyagent.engine.questions import QUESTIONS
from pyagent.errors import InputError
from pyagent.input.model import Case
from pyagent.kb import kb_dir as default_kb_dir
from pyagent.pins.pin import (
    EXPECT_KEYS,
    PIN_KEYS,
    STATUSES,
    SUFFIXES,
    Expectation,
    Outcome,
    Pin,
    PinReport,
    PinResult,
    load_pin_file,
    load_pins,
    pin_files,
)
from pyagent.pins import whatif_pin
from pyagent.pins.solved import PinSolve, prepare, register, solved
from pyagent.pins.trace import explanation_text, rule_trace

__all__ = [
    "EXPECT_KEYS",
    "PIN_KEYS",
    "STATUSES",
    "SUFFIXES",
    "Expectation",
    "Outcome",
    "Pin",
    "PinReport",
    "PinResult",
    "PinSolve",
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


def _index(case: Case, person: str) -> int:
    return next(i for i, p in enumerate(case.persons) if p.id == person)


def check_expectation(pin: Pin, e: Expectation, directory: Path | None = None) -> Outcome:
    """One expectation against the actual answer."""
    readings = pin.readings_of(e)
    s = solved(pin, readings, directory)
    index = _index(pin.case, e.person)
    question = QUESTIONS[e.question]
    status = s.status(index, question)
    answer = s.answer(index, question)  # a pin states its reasons: clauses, depends_on
    problems: list[str] = []
    if status != e.status:
        problems.append(f"expected {e.status}, got {status}")
    text = None
    if answer is not None:
        if e.clauses is None:
            problems.append(
                f"states no clauses; it cites {', '.join(answer.clauses) or 'nothing'}"
                " (pyagent check --update fills them in)"
            )
        elif tuple(e.clauses) != tuple(answer.clauses):
            problems.append(
                f"cites {', '.join(answer.clauses) or 'nothing'}, expected {', '.join(e.clauses) or 'nothing'}"
            )
        if status == "unknown" and e.status == "unknown":
            if e.depends_on is None:
                problems.append(
                    f"states no depends_on; it depends on {', '.join(answer.depends_on) or 'nothing'}"
                    " (pyagent check --update fills them in)"
                )
            elif set(e.depends_on) != set(answer.depends_on):
                problems.append(
                    f"depends on {', '.join(answer.depends_on) or 'nothing'}, "
                    f"expected {', '.join(e.depends_on) or 'nothing'}"
                )
        if e.explanation_contains:
            text = explanation_text(s, index, e.question)
            trace = rule_trace(s, index, e.question)
            for phrase in e.explanation_contains:
                if phrase not in text and phrase not in trace:
                    problems.append(f"the explanation does not contain {phrase!r}")
    actual_what_if = None
    if e.what_if is not None:
        try:
            actual_what_if = whatif_pin.actual_what_if(
                pin.case, e.person, e.question, readings, directory
            )
        except (RuntimeError, InputError):  # clingo, or a knowledge base the tools refuse
            raise
        except Exception as err:  # the what-if breaks on this knowledge base: the pin fails
            problems.append(f"what-if fails: {type(err).__name__}: {err}")
        else:
            problems.extend(whatif_pin.compare_what_if(e.what_if, actual_what_if))
    if problems and text is None:
        text = explanation_text(s, index, e.question)
    return Outcome(
        e, readings, status, answer, tuple(problems), text if problems else None, actual_what_if
    )


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
