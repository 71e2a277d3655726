"""Lean explanation trees (what `ask` and `batch` read answers from) against full ones.

A lean tree skips what only a reader uses (texts, values, comparisons, context nodes) and
shares the sub-trees of one person's answers (pyagent.explain.tree.Explainer._node); the nodes,
statuses, ways, clauses and leaves it reaches must be exactly those of the full tree, built
alone, with nothing shared.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
from pathlib import Path

import pytest
from clingo import Function

from pyagent.explain.answers import solve_case
from pyagent.input.case import parse_person
from pyagent.explain.tree import Node, cited_clauses, unknown_inputs
from pyagent.input.model import Case
from pyagent.engine.questions import QUESTIONS
from pyagent.engine.solve import person_term

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 7, 1)
READING_SETS = [
    {},
    {"field_list": "open", "assessment_years": "latest_three", "rank_needs_gate": "no"},
    {
        "certificate_clock": "latest",
        "green_channel_gate": "yes",
        "notice_in_force": "retroactive",
        "reverse_lower_levels": "no",
        "special_talent_benefits": "either",
    },
]


def _roster(seed: int, n: int) -> list:
    spec = importlib.util.spec_from_file_location("bench_roster", ROOT / "bench" / "roster.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)  # type: ignore[union-attr]
    rng = random.Random(seed)
    return [parse_person(gen.person(rng, f"l{seed}_{i}"), "roster", f"row {i}") for i in range(n)]


def shape(node: Node) -> tuple:
    """Everything of a tree that `walk`, `cited_clauses` and `unknown_inputs` can reach."""
    return (
        node.key,
        node.predicate,
        tuple(map(str, node.arguments)),
        node.status,
        node.derived,
        node.repeated,
        node.person,
        node.leaves,
        tuple(
            (
                w.rule,
                w.clause,
                w.status,
                w.readings,
                tuple(
                    (c.kind, c.status, c.reading, None if c.node is None else shape(c.node))
                    for c in w.conditions
                ),
            )
            for w in node.ways
        ),
    )


@pytest.mark.parametrize("readings", READING_SETS, ids=["defaults", "open-latest", "latest-gate"])
def test_lean_trees_are_the_full_trees_without_the_readers_parts(readings: dict[str, str]) -> None:
    persons = tuple(_roster(len(readings), 25))
    parameters = {"application_years.technician": 8} if readings else {}
    case = Case("roster", as_of=AS_OF, readings=readings, parameters=parameters, persons=persons)
    shared = solve_case(case)  # one explainer: lean sub-trees shared across each person's answers
    alone = solve_case(case)  # full trees, each built on its own
    kinds = shared.clause_kinds()
    statuses = set()
    for i in range(len(persons)):
        for q in QUESTIONS.values():
            lean = shared.explain(i, q, lean=True)
            full = alone.explain(i, q)
            assert shape(lean) == shape(full), (persons[i].id, q.id)
            assert cited_clauses(lean, kinds) == cited_clauses(full, kinds)
            assert unknown_inputs(lean) == unknown_inputs(full)
            assert all(
                c.text == "" and not c.context and c.value is None
                for _, w in _ways(lean)
                for c in w.conditions
            )
            statuses.add(lean.status)
    assert statuses == {"yes", "no", "unknown"}


def _ways(node: Node):
    for w in node.ways:
        yield node, w
        for c in w.conditions:
            if c.node is not None:
                yield from _ways(c.node)


def test_sub_trees_are_shared_only_between_answers_that_would_build_them_alike() -> None:
    """Explaining one person's answers in any order gives the same lean trees."""
    persons = tuple(_roster(7, 6))
    case = Case("roster", as_of=AS_OF, readings={}, parameters={}, persons=persons)
    forward, backward = solve_case(case), solve_case(case)
    questions = list(QUESTIONS.values())
    for i in range(len(persons)):
        ahead = {q.id: shape(forward.explain(i, q, lean=True)) for q in questions}
        behind = {q.id: shape(backward.explain(i, q, lean=True)) for q in reversed(questions)}
        assert ahead == behind
        # and interleaved with another person's, and with full trees in between
        other = (i + 1) % len(persons)
        for q in questions:
            backward.explain(other, q, lean=True)
            backward.explain(i, q)
            assert shape(backward.explain(i, q, lean=True)) == ahead[q.id]


def test_first_derivation_lean_trees_match_too() -> None:
    persons = tuple(_roster(11, 8))
    case = Case("roster", as_of=AS_OF, readings={}, parameters={}, persons=persons)
    shared, alone = solve_case(case), solve_case(case)
    for i in range(len(persons)):
        for q in QUESTIONS.values():
            atom = Function("answer", [person_term(i, "worst"), q.term])
            lean = shared.explainer.explain(atom, first=True, lean=True)
            assert shape(lean) == shape(alone.explainer.explain(atom, first=True))
