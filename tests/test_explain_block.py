"""Answering a case with reasons, block by block (issue 14, fast4): the persons of a block have
their unknown answers decided by solves shared between them (`why.explain_persons`,
`decide.prefetch_many`), which must decide exactly what each person decided alone does; and the
garbage collector's thresholds raised while answering are put back (`explain/collect.py`)."""

from __future__ import annotations

import contextlib
import gc
import weakref
from collections.abc import Iterator

import pytest
from clingo import Function

from pyagent.engine.questions import QUESTIONS
from pyagent.engine.solve import person_term
from pyagent.explain import answered, decide
from pyagent.explain.answers import solve_case
from pyagent.explain.collect import THRESHOLDS, collecting_less
from pyagent.explain.nodes import UNKNOWN
from pyagent.explain.why import explain_person, explain_persons
from pyagent.input.case import parse_case

CASE = """\
as_of: 2026-07-01
persons:
  - id: two_grades
    certificates: [{level: senior_worker, kind: skill_level, obtained: 2020-01-01}]
    technical_work: [{from: 2019-01-01}]
    field: engineering
    current_post: {since: 2019-01-01, occupation: 电工}
    annual_assessments: [{year: 2023, grade: qualified}]
  - id: undated
    certificates: [{level: technician, kind: skill_level}]
    technical_work: [{from: 2015-01-01}]
    field: engineering
    current_post: {since: 2015-01-01, occupation: 钳工}
    annual_assessments: [{year: 2023, grade: qualified}, {year: 2024, grade: pending}, {year: 2025, grade: qualified}]
  - id: plain_no
    certificates: [{level: junior_worker, kind: skill_level, obtained: 2025-01-01}]
  - id: honoured
    certificates: [{level: senior_technician, kind: skill_level, obtained: 2010-05-01}]
    technical_work: [{from: 2008-01-01}]
    honours: [{code: national_technical_expert}]
    outstanding_contribution: true
"""


def _forget() -> None:
    answered._ANSWERED.clear()
    decide._PLANNED.clear()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_block_explains_each_person_as_alone(lang: str) -> None:
    case = parse_case(CASE, "block.yaml")
    ids = [p.id for p in case.persons]
    _forget()
    together = list(explain_persons(solve_case(case), ids, lang=lang, notes=False))
    alone = []
    for pid in ids:
        _forget()  # nothing solved for the block is there to be reused
        alone.append(explain_person(solve_case(case), pid, lang=lang, notes=False))
    assert sum(e.status == UNKNOWN for es in alone for e in es) >= 2  # something to decide
    assert any(e.decided_by for es in alone for e in es)
    assert together == alone


def test_collecting_less_restores_the_thresholds() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(900, 11, 12)
        with collecting_less():
            inside = gc.get_threshold()
            with collecting_less():
                assert gc.get_threshold() == inside
            assert gc.get_threshold() == inside  # the inner block does not restore early
        assert inside == tuple(max(a, b) for a, b in zip(THRESHOLDS, (900, 11, 12)))
        assert gc.get_threshold() == (900, 11, 12)
        with pytest.raises(ZeroDivisionError), collecting_less():
            1 / 0
        assert gc.get_threshold() == (900, 11, 12)
        gc.set_threshold(0, 10, 10)  # automatic collection off: a block never turns it on
        with collecting_less():
            assert gc.get_threshold()[0] == 0
        assert gc.get_threshold() == (0, 10, 10)
    finally:
        gc.set_threshold(*before)


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_explanation_trees_make_no_reference_cycles() -> None:
    """Lean, full and first-derivation trees, once dropped, are freed by reference counting:
    nothing is left for the collector (a cycle per rule instance tried made a block's garbage
    wait for it: bench/README.md, perf5)."""
    case = parse_case(CASE, "block.yaml")
    with _collector_off():
        solved = solve_case(case)
        for i in range(len(case.persons)):
            for q in QUESTIONS.values():
                atom = Function("answer", [person_term(i, "worst"), q.term])
                for first, lean in ((False, False), (False, True), (True, False)):
                    assert solved.explainer.explain(atom, first=first, lean=lean) is not None
        del solved
        assert gc.collect() == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_case_answered_with_reasons_is_freed_without_the_collector(lang: str) -> None:
    """Nothing the explanations keep (a person's phrasing, kept by the case's explainer)
    refers back to the case: its model and trees go when the last reference does."""
    case = parse_case(CASE, "block.yaml")
    with _collector_off():
        solved = solve_case(case)
        answers = solved.answers(lang=lang)
        assert any(a.reason for p in answers.persons for a in p.answers)
        freed = weakref.ref(solved)
        del solved
        assert freed() is None


class _ClearedAfterAsking(dict):
    """The cache as another thread may leave it: cleared between a test and a read."""

    def __contains__(self, key: object) -> bool:
        found = dict.__contains__(self, key)
        self.clear()
        return found


def test_a_cache_cleared_on_another_thread_is_never_a_key_error(monkeypatch) -> None:
    case = parse_case(CASE, "t.yaml")
    _forget()
    solved = solve_case(case)
    first = explain_person(solved, "two_grades", lang="en")  # fills the cache
    monkeypatch.setattr(answered, "_ANSWERED", _ClearedAfterAsking(answered._ANSWERED))
    decide._PLANNED.clear()
    again = explain_person(solve_case(case), "two_grades", lang="en")
    assert [e.reason for e in again] == [e.reason for e in first]
