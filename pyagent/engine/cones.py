"""Cones: the input facts an answer, and its explanation, can reach, read off the rules.

Starting from ``answer(P, Q)`` for a question, every rule whose head unifies is followed into
its body, as ``pyagent.explain.tree`` walks it: reading and table atoms that cannot match under
this run's readings end a rule the way they end it for the explainer; any other atom is
followed with the arguments known at that point (others left open), so a cone is never
narrower than what the explainer can visit.  An input atom reached is kept as a pattern:
``assessment(P, 2025, _, _)`` under the calendar reading in 2026.  `pyagent.engine.signature`
keys persons by the part of their facts each question's cone reaches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from clingo import Symbol

from pyagent.engine.evaluate import Evaluator, Unbound, dedupe, evaluate
from pyagent.engine.facts import WORST, global_facts
from pyagent.engine.program import Program, Rule
from pyagent.engine.rules import AGGREGATE, ATOM, NEGATION, Fn, Literal, Var
from pyagent.engine.solve import Model, person_term
from pyagent.engine.values import convert as native
from pyagent.kb import readings as kb_readings

CITATION = ("clause", 1)
READING = ("reading", 2)


# ---------------------------------------------------------------------------
# The knowledge base: person predicates, static model.


def _body_literals(rule_body: Sequence[Literal]) -> Iterable[Literal]:
    """Every atom-like literal of a body, aggregate conditions included."""
    for lit in rule_body:
        if lit.kind == AGGREGATE:
            for _, condition in lit.elements:
                yield from _body_literals(condition)
        else:
            yield lit


def _global_predicates(as_of: dt.date) -> frozenset[tuple[str, int]]:
    every = {name: r.default for name, r in kb_readings().items()}
    return frozenset((s.name, len(s.arguments)) for s in global_facts(as_of, every))


def person_predicates(program: Program, as_of: dt.date) -> frozenset[tuple[str, int]]:
    """Predicates whose atoms depend on a person: person inputs and what rules derive from them."""
    out = set(program.defined_inputs - _global_predicates(as_of))
    changed = True
    while changed:
        changed = False
        for rule in program.rules:
            key = (rule.name, rule.arity)
            if key in out:
                continue
            if any(
                lit.term is not None and isinstance(lit.term, Fn) and lit.signature in out
                for lit in _body_literals(rule.body)
                if lit.kind in (ATOM, NEGATION)
            ):
                out.add(key)
                changed = True
    return frozenset(out)


def person_inputs(program: Program, as_of: dt.date) -> tuple[str, ...]:
    """The names of the person input predicates (kb/schema.lp), sorted: the slots of a key."""
    names = {name for name, _ in program.defined_inputs - _global_predicates(as_of)}
    return tuple(sorted(names))


# ---------------------------------------------------------------------------
# Cones.

Pattern = tuple  # native values or None (any), without the person argument


@dataclass(frozen=True)
class Cone:
    """The input facts one question's answer can reach: per predicate, None for every fact
    of it, or the patterns a fact must match."""

    question: str
    inputs: Mapping[str, tuple[Pattern, ...] | None]


def _partial(term: Fn, b: dict) -> tuple[object, ...]:
    """The term's arguments as values (`pyagent.engine.values`, the form of `native`), None unbound."""
    out: list[object] = []
    for a in term.args:
        try:
            out.append(evaluate(a, b))
        except Unbound:
            out.append(None)
    return tuple(out)


def _has_anonymous(term) -> bool:
    if isinstance(term, Var):
        return term.name == "_"
    if isinstance(term, Fn):
        return any(_has_anonymous(a) for a in term.args)
    return False


def _failure_order(body: Sequence[Literal]) -> list[Literal]:
    """The order in which pyagent.explain.tree examines a rule's body (explain._failure_order)."""
    first = [lit for lit in body if lit.kind == ATOM and lit.signature in (CITATION, READING)]
    rest = [lit for lit in body if not any(lit is f for f in first)]
    return (
        first
        + [lit for lit in rest if lit.kind == ATOM]
        + [lit for lit in rest if lit.kind != ATOM]
    )


class _ConeBuilder:
    def __init__(
        self, program: Program, static: Model, person_preds: frozenset, inputs: Iterable[str]
    ):
        self.program = program
        self.ev = Evaluator(program, static)
        self.person_preds = person_preds
        self.input_names = set(inputs)
        self.p0 = person_term(0, WORST)

    def cone(self, question: str, term: Symbol) -> Cone:
        found: dict[str, set[Pattern]] = {}
        seen: set[tuple] = set()
        # patterns of values (pyagent.engine.evaluate works on them: the form of `native`)
        todo: list[tuple[str, tuple[object, ...]]] = [("answer", (native(self.p0), native(term)))]
        while todo:
            name, pattern = todo.pop()
            key = (name, pattern)
            if key in seen:
                continue
            seen.add(key)
            arity = len(pattern)
            if (name, arity) not in self.person_preds:
                continue
            if name in self.input_names and not self.program.is_derived(name, arity):
                found.setdefault(name, set()).add(tuple(pattern[1:]))
                continue
            for rule in self.program.rules_for(name, arity):
                todo.extend(self._body_goals(rule, pattern))
        inputs: dict[str, tuple[Pattern, ...] | None] = {}
        for name, patterns in found.items():
            if any(all(v is None for v in p) for p in patterns):
                inputs[name] = None
            else:
                inputs[name] = tuple(sorted(patterns, key=repr))
        return Cone(question, inputs)

    def _body_goals(self, rule: Rule, pattern: tuple) -> list[tuple[str, tuple]]:
        b0 = self.ev.head_binding(rule, pattern)
        if b0 is None:
            return []
        bindings: list[dict] = [b0]
        goals: list[tuple[str, tuple]] = []
        for lit in _failure_order(rule.body):
            if lit.kind == ATOM and lit.signature == CITATION:
                continue  # the explainer does not bind from the citation
            if lit.kind == ATOM and lit.signature == READING:
                solutions = [nb for cb in bindings for nb in self.ev.literal_solutions(lit, cb)]
                if not solutions:
                    return goals  # a reading not in force: the explainer stops at it
                bindings = _dedupe(solutions)
                continue
            if lit.kind == ATOM and lit.signature not in self.person_preds:
                solutions = [nb for cb in bindings for nb in self.ev.literal_solutions(lit, cb)]
                if solutions:
                    bindings = _dedupe(solutions)
                elif self.program.is_table(*lit.signature) and _has_anonymous(lit.term):
                    return goals  # no entry of the table fits: the explainer drops the rule
                continue
            for inner in _body_literals([lit]):
                if inner.kind not in (ATOM, NEGATION) or not isinstance(inner.term, Fn):
                    continue
                if inner.signature not in self.person_preds:
                    continue
                for cb in bindings:
                    goals.append((inner.term.name, _partial(inner.term, cb)))
        return goals


def _dedupe(bindings: list[dict]) -> list[dict]:
    return dedupe(bindings)  # no cap: every fact a question can read
