"""Lean explanation trees (what `ask` and `batch` read answers from) against full ones.

A lean tree skips what only a reader uses (texts, values, comparisons, context nodes); the
nodes, statuses, ways, clauses and leaves it reaches must be exactly those of the full tree,
built alone, with nothing shared.  The trees of one person, lean and full, share sub-trees
(pyagent.explain.tree.Explainer._node): a tree so built must equal, field by field, the one
an explainer of its own builds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import random
from pathlib import Path

import pytest
from clingo import Function

from pyagent.explain.answers import solve_case
from pyagent.input.case import parse_person
from pyagent.explain.nodes import Condition, replaced
from pyagent.explain.steps import Step
from pyagent.explain.tree import Explainer, Node, cited_clauses, unknown_inputs
from pyagent.explain.why import explain_solved
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
    kinds = shared.clause_kinds()
    statuses = set()
    for i in range(len(persons)):
        for q in QUESTIONS.values():
            lean = shared.explain(i, q, lean=True)
            full = _alone(shared, i, q)
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


def _alone(solved, i: int, q, *, first: bool = False) -> Node:
    """The full tree of an answer from an explainer of its own (nothing shared)."""
    atom = Function("answer", [person_term(i, "worst"), q.term])
    return Explainer(solved.program, solved.model, solved.facts).explain(atom, first=first)


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
    shared = solve_case(case)
    for i in range(len(persons)):
        for q in QUESTIONS.values():
            atom = Function("answer", [person_term(i, "worst"), q.term])
            lean = shared.explainer.explain(atom, first=True, lean=True)
            assert shape(lean) == shape(_alone(shared, i, q, first=True))


@pytest.mark.parametrize("readings", READING_SETS[:2], ids=["defaults", "open-latest"])
def test_full_trees_sharing_sub_trees_equal_trees_built_alone(readings: dict[str, str]) -> None:
    """Full trees (texts, values, comparisons, context nodes and the conditions that held in
    rules that failed) reuse sub-trees across a person's answers, in whatever order they are
    asked for, mixed with lean ones: each equals the tree an explainer of its own builds."""
    persons = tuple(_roster(13 + len(readings), 12))
    case = Case("roster", as_of=AS_OF, readings=readings, parameters={}, persons=persons)
    shared = solve_case(case)
    rng = random.Random(len(readings))
    asked = [(i, q, first) for i in range(len(persons)) for q in QUESTIONS for first in (0, 1)]
    rng.shuffle(asked)  # persons interleaved too: a person's sub-trees are kept while it lasts
    asked.sort(key=lambda t: t[0] % 3)
    contexts = 0
    for i, qid, first in asked:
        q = QUESTIONS[qid]
        if rng.random() < 0.3:
            shared.explain(i, q, lean=True)
        atom = Function("answer", [person_term(i, "worst"), q.term])
        tree = shared.explainer.explain(atom, first=bool(first))
        assert tree == _alone(shared, i, q, first=bool(first)), (persons[i].id, qid, first)
        contexts += sum(1 for _, w in _ways(tree) for c in w.conditions if c.context)
    assert contexts > 0  # context nodes were built, and shared


@pytest.mark.parametrize("cls", [Condition, Step])
def test_replaced_is_dataclasses_replace_for_trees_and_steps(cls) -> None:
    """`nodes.replaced` copies fields instead of calling ``__init__``: right only for a frozen
    dataclass with every field in ``__init__``, no ``__post_init__`` and no slots."""
    assert all(f.init for f in dataclasses.fields(cls))
    assert not hasattr(cls, "__post_init__") and "__slots__" not in cls.__dict__
    persons = tuple(_roster(5, 4))
    case = Case("roster", as_of=AS_OF, readings={}, parameters={}, persons=persons)
    shared = solve_case(case)
    seen = 0
    for i in range(len(persons)):
        for q in QUESTIONS:
            e = explain_solved(shared, persons[i].id, q, decide=False)
            if cls is Step:
                items = list(e.root.walk())
                change = {"negated": "x", "children": ()}
            else:
                items = [c for n in walk_nodes(shared, i, q) for w in n.ways for c in w.conditions]
                change = {"at": 7}
            for x in items:
                before = dict(vars(x))
                copy = replaced(x, **change)
                assert copy == dataclasses.replace(x, **change) and type(copy) is cls
                assert vars(x) == before  # the original is left as it was
                seen += 1
    assert seen > 100


def walk_nodes(solved, i: int, q: str):
    atom = Function("answer", [person_term(i, "worst"), QUESTIONS[q].term])
    stack = [solved.explainer.explain(atom)]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(c.node for w in n.ways for c in (*w.conditions, *w.held) if c.node)
