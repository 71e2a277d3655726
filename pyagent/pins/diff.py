"""What a reading changes: the answers that differ from those under the default readings.

>>> from pyagent.pins.diff import reading_diff
>>> d = reading_diff(["queries/demo.yaml"], {"field_list": "open"})   # doctest: +SKIP
>>> [(c.person, c.question, c.before, c.after) for c in d.changes][:1]  # doctest: +SKIP
[('zhao_finance', 'title.participate', 'no', 'unknown')]

For each case (a case file, or the case of each pin of a pin file; a directory is searched
for both), every answer is computed twice: with the readings named at their default
(whatever the case itself says about them) and with the values given.  Each answer that
differs is listed with the clauses responsible: those of the rules that consult a reading
named, in the explanations of the answer before and after.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pyagent.explain.answers import SolvedCase, solve_case
from pyagent.input.case import load_case, read_document
from pyagent.input.document import walk_files
from pyagent.errors import InputError
from pyagent.explain.tree import Node, walk
from pyagent.kb import readings as kb_readings
from pyagent.input.model import Case
from pyagent.input.sources import is_roster, load_input
from pyagent.pins.check import SUFFIXES, load_pin_file
from pyagent.engine.questions import QUESTIONS

__all__ = ["Change", "ReadingDiff", "reading_diff"]


@dataclass(frozen=True)
class Change:
    source: str  # the file, or file::pin name
    person: str
    question: str
    before: str  # the status under the default readings
    after: str  # the status under the readings given
    clauses: tuple[str, ...]  # the clauses responsible ("P2.S2")
    reason_before: str = ""  # the answer's one-line reason under the default readings
    reason_after: str = ""  # and under the readings given


@dataclass(frozen=True)
class ReadingDiff:
    readings: Mapping[str, str]  # the readings given
    cases: int
    answers: int  # answers compared
    changes: tuple[Change, ...]

    def to_json(self) -> dict:
        return {
            "schema": "pyagent.diff/1",
            "readings": dict(self.readings),
            "cases": self.cases,
            "answers": self.answers,
            "changes": [
                {
                    "case": c.source,
                    "person": c.person,
                    "question": c.question,
                    "default": c.before,
                    "given": c.after,
                    "clauses": list(c.clauses),
                    "reason_default": c.reason_before,
                    "reason_given": c.reason_after,
                }
                for c in self.changes
            ],
        }


def _cases(
    paths: Iterable[str | Path],
    as_of: dt.date | None = None,
    parameters: Mapping[str, int] | None = None,
    person: str | None = None,
) -> Iterator[tuple[str, Case]]:
    for raw in paths:
        path = Path(raw)
        if str(raw) == "-" or is_roster(path):  # a roster (or stdin): one case of its rows
            try:
                yield str(raw), load_input(path, person=person, as_of=as_of, parameters=parameters)
            except InputError as err:
                if person is None or err.place != "--person":
                    raise  # a roster without that id is passed over; reading_diff says if none has it
            continue
        if path.is_dir():
            files = walk_files(path, SUFFIXES)
        elif path.exists():
            files = [path]
        else:
            raise InputError(str(path), "", "no such file or directory")
        for f in files:
            data = read_document(f).data
            if isinstance(data, list) or (isinstance(data, dict) and "expect" in data):
                for pin in load_pin_file(f):
                    yield f"{f}::{pin.name}", _dated(pin.case, as_of, parameters)
            else:
                yield str(f), _dated(load_case(f), as_of, parameters)


def _dated(case: Case, as_of: dt.date | None, parameters: Mapping[str, int] | None) -> Case:
    if as_of is not None:
        case = dataclasses.replace(case, as_of=as_of)
    if parameters:
        case = dataclasses.replace(case, parameters={**case.parameters, **parameters})
    return case


def _with(case: Case, readings: Mapping[str, str]) -> Case:
    return Case(case.source, case.as_of, dict(readings), case.parameters, case.persons)


def reading_diff(
    paths: Iterable[str | Path],
    readings: Mapping[str, str],
    kb: Path | None = None,
    *,
    as_of: dt.date | None = None,
    parameters: Mapping[str, int] | None = None,
    person: str | None = None,
    lang: str = "en",
) -> ReadingDiff:
    """Every answer of the cases under ``paths`` (case files, pin files, rosters) that
    ``readings`` change, each with its reason under both; ``as_of`` and ``parameters``
    override the cases' own."""
    if not readings:
        raise InputError(
            "--reading", "", "name at least one reading to compare: --reading name=value"
        )
    defaults = {n: r.default for n, r in kb_readings(kb).items()}
    changes: list[Change] = []
    cases = answers = 0
    found = False
    wanted = person
    for source, case in _cases(paths, as_of, parameters, wanted):
        if wanted is not None:
            chosen = tuple(p for p in case.persons if p.id == wanted)
            if not chosen:
                continue
            case = dataclasses.replace(case, persons=chosen)
        found = True
        cases += 1
        base = {k: v for k, v in case.readings.items() if k not in readings}
        before = solve_case(_with(case, base), kb)
        after = solve_case(_with(case, {**base, **readings}), kb)
        for i, someone in enumerate(case.persons):
            for question in QUESTIONS.values():
                answers += 1
                old, new = before.status(i, question), after.status(i, question)
                if old == new:
                    continue
                responsible = _responsible(before, after, i, question, readings, defaults)
                changes.append(
                    Change(
                        source,
                        someone.id,
                        question.id,
                        old,
                        new,
                        responsible,
                        _reason(before, i, question, lang),
                        _reason(after, i, question, lang),
                    )
                )
    if wanted is not None and not found:
        raise InputError("--person", wanted, "no case or roster given has a person with this id")
    return ReadingDiff(dict(readings), cases, answers, tuple(changes))


def _reason(solved: SolvedCase, index: int, question, lang: str = "en") -> str:
    """The answer's one-line reason, read off its explanation."""
    return solved.with_reason(index, solved.answer(index, question), lang).reason or ""


def _responsible(
    before: SolvedCase,
    after: SolvedCase,
    index: int,
    question,
    readings: Mapping[str, str],
    defaults: Mapping[str, str],
) -> tuple[str, ...]:
    refs = before.clause_refs()
    found: set[str] = set()
    for s in (before, after):
        node = s.explain(index, question)
        found |= _consulting(node, set(readings))
    if not found:  # fall back on what the readings say they are about
        about = {c for n in readings for c in kb_readings()[n].clauses}
        answer = after.answer(index, question)
        return tuple(c for c in answer.clauses if c in about) or tuple(sorted(about))
    return tuple(ref for _, ref in sorted((refs[c][1], refs[c][0]) for c in found if c in refs))


def _consulting(node: Node, names: set[str]) -> set[str]:
    """The clauses of the rules in a tree that consult one of the readings ``names``."""
    out: set[str] = set()
    for n, _ in walk(node):
        for way in n.ways:
            if way.clause is None:
                continue
            if any(name in names for name, _ in way.readings) or any(
                c.text.startswith(f"reading({name},") for c in way.conditions for name in names
            ):
                out.add(way.clause)
    return out
