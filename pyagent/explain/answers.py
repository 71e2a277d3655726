"""Answer a case: every person, every question, yes / no / unknown (SPEC sections 3, 4, 8).

>>> from pyagent.input.case import load_case
>>> from pyagent.explain.answers import answer_case
>>> result = answer_case(load_case("queries/demo.yaml"))       # doctest: +SKIP
>>> result.persons[0].answers[0].status                          # doctest: +SKIP
'yes'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from clingo import Function

from pyagent.explain.collect import collected_less
from pyagent.explain.tree import Explainer, Node, cited_clauses, unknown_inputs
from pyagent.engine.facts import Fact, global_facts, person_facts
from pyagent.kb import readings as kb_readings
from pyagent.input.model import Case
from pyagent.engine.program import Program, load_program
from pyagent.engine.questions import QUESTIONS, Question
from pyagent.engine.solve import Model, person_term, solve


@dataclass(frozen=True)
class Answer:
    question: str
    status: str  # yes / no / unknown
    clauses: tuple[str, ...]  # clause refs ("P3.S1"), in the notice's order
    depends_on: tuple[str, ...]  # unknown inputs that decide it; empty unless unknown
    reason: str | None = (
        None  # the answer in one line, in the language asked (`pyagent.explain.reasons`)
    )
    to_settle: tuple | None = (
        None  # what would settle it, when unknown (`pyagent.explain.reasons.Settle`)
    )


@dataclass(frozen=True)
class PersonAnswers:
    id: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Answers:
    source: str
    as_of: dt.date
    readings: Mapping[str, str]  # every reading, with the value in force
    persons: tuple[PersonAnswers, ...]

    def to_json(self) -> dict:
        """SPEC section 8."""
        return {
            "schema": "pyagent.answers/1",
            "as_of": self.as_of.isoformat(),
            "readings": dict(self.readings),
            "persons": [
                {
                    "id": p.id,
                    "answers": [
                        {
                            "question": a.question,
                            "status": a.status,
                            "clauses": list(a.clauses),
                            "depends_on": list(a.depends_on),
                            **(
                                {}
                                if a.reason is None
                                else {
                                    "reason": a.reason,
                                    "to_settle": [t.to_json() for t in a.to_settle or ()],
                                }
                            ),
                        }
                        for a in p.answers
                    ],
                }
                for p in self.persons
            ],
        }


def resolved_readings(
    overrides: Mapping[str, str], directory: Path | None = None
) -> dict[str, str]:
    """Every reading of the knowledge base with the value in force."""
    return {name: overrides.get(name, r.default) for name, r in kb_readings(directory).items()}


def clause_refs(model: Model) -> dict[str, tuple[str, int]]:
    """Clause id -> (its reference, e.g. "P3.S1", and its place in the notice's order)."""
    order = {a.arguments[0].name: a.arguments[1].number for a in model.atoms_of("clause_order", 2)}
    return {
        a.arguments[0].name: (a.arguments[1].string, order.get(a.arguments[0].name, 99))
        for a in model.atoms_of("clause_text", 3)
    }


def clause_kinds(model: Model) -> dict[str, str]:
    """Clause id -> its kind (normative, metadata, contract ...)."""
    return {a.arguments[0].name: a.arguments[1].name for a in model.atoms_of("clause_kind", 2)}


def answer_of(
    question: Question, node: Node, refs: Mapping[str, tuple[str, int]], kinds: Mapping[str, str]
) -> Answer:
    """The answer an explanation tree gives: its status, the clauses it rests on (in the
    notice's order) and, when unknown, the unknown inputs that decide it (SPEC section 8)."""
    ids = sorted(
        cited_clauses(node, kinds), key=lambda c: (refs[c][1], refs[c][0], c)
    )  # a tie never depends on hashing
    depends = sorted(unknown_inputs(node)) if node.status == "unknown" else []
    return Answer(question.id, node.status, tuple(refs[c][0] for c in ids), tuple(depends))


def status_of(model: Model, index: int, question: Question) -> str:
    """yes when the answer holds in the worst completion, no when it fails in the best,
    unknown otherwise (kb/schema.lp, "Persons and worlds")."""
    if Function("answer", [person_term(index, "worst"), question.term]) in model:
        return "yes"
    if Function("answer", [person_term(index, "best"), question.term]) in model:
        return "unknown"
    return "no"


# Persons whose unknown answers are decided together when a case is answered with reasons
# (`pyagent.explain.why.explain_persons`): two solves for the block instead of two per person;
# their trees wait in memory till each is explained, so a block is kept small.
EXPLAIN_BLOCK = 32


@dataclass(frozen=True)
class SolvedCase:
    """A case grounded and solved: answers and explanations are read from it."""

    case: Case
    program: Program
    model: Model
    facts: tuple[tuple[Fact, ...], ...]
    explainer: Explainer

    def index(self, person_id: str) -> int:
        for i, p in enumerate(self.case.persons):
            if p.id == person_id:
                return i
        raise KeyError(person_id)

    def explain(self, index: int, question: Question, *, lean: bool = False) -> Node:
        """The explanation tree of an answer; ``lean``: only what `answer_of` reads
        (`pyagent.explain.tree.Explainer.explain`)."""
        atom = Function("answer", [person_term(index, "worst"), question.term])
        return self.explainer.explain(atom, lean=lean)

    def clause_refs(self) -> dict[str, tuple[str, int]]:
        return clause_refs(self.model)

    def clause_kinds(self) -> dict[str, str]:
        return clause_kinds(self.model)

    def status(self, index: int, question: Question) -> str:
        """yes / no / unknown read off the model alone (no explanation)."""
        return status_of(self.model, index, question)

    @functools.cached_property
    def _clauses(self) -> tuple[dict[str, tuple[str, int]], dict[str, str]]:
        return clause_refs(self.model), clause_kinds(self.model)

    def answer(self, index: int, question: Question) -> Answer:
        node = self.explain(index, question, lean=True)
        return answer_of(question, node, *self._clauses)

    @collected_less
    def answers(
        self, progress: Callable[[int, int], None] | None = None, *, lang: str | None = None
    ) -> Answers:
        """Every question for every person; ``progress(done, total)`` after each person.

        ``lang`` (en, zh): each answer also gets its one-line ``reason`` and, when unknown, what
        would settle it (`with_reason`), in that language.
        """
        refs, kinds = self._clauses
        persons = []
        total = len(self.case.persons)
        explained: Iterator[tuple] = iter(())
        for i, p in enumerate(self.case.persons):
            answers = tuple(
                answer_of(q, self.explain(i, q, lean=True), refs, kinds) for q in QUESTIONS.values()
            )
            if lang is not None:  # each with_reason, the unknown ones decided together
                if i % EXPLAIN_BLOCK == 0:  # the unknown answers of a block decided together
                    from pyagent.explain.why import explain_persons

                    ids = [x.id for x in self.case.persons[i : i + EXPLAIN_BLOCK]]
                    explained = explain_persons(self, ids, lang=lang, notes=False)
                answers = tuple(
                    dataclasses.replace(a, reason=e.reason, to_settle=e.to_settle)
                    for a, e in zip(answers, next(explained))
                )
            persons.append(PersonAnswers(p.id, answers))
            if progress is not None:
                progress(i + 1, total)
        return Answers(
            self.case.source, self.case.as_of, resolved_readings(self.case.readings), tuple(persons)
        )

    def with_reason(self, index: int, answer: Answer, lang: str = "en") -> Answer:
        """``answer`` with its one-line reason and what would settle it, read off its explanation."""
        from pyagent.explain.why import explain_solved

        e = explain_solved(
            self,
            self.case.persons[index].id,
            answer.question,
            lang=lang,
            decide=answer.status == "unknown",
            notes=False,
        )
        return dataclasses.replace(answer, reason=e.reason, to_settle=e.to_settle)


@collected_less
def solve_case(
    case: Case, directory: Path | None = None, *, timeout: float | None = None
) -> SolvedCase:
    """Ground every person of ``case`` into the knowledge base and solve once.

    ``timeout``: seconds the solver may search (`pyagent.errors.TimeLimitError` after).
    """
    facts = tuple(tuple(person_facts(p, case.as_of, case.parameters)) for p in case.persons)
    model = solve(
        facts,
        global_facts(case.as_of, case.readings),
        directory=directory,
        timeout=timeout,
        source=case.source,
    )
    program = load_program(directory)
    return SolvedCase(case, program, model, facts, Explainer(program, model, facts))


@collected_less
def answer_case(
    case: Case,
    directory: Path | None = None,
    *,
    timeout: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    lang: str | None = None,
) -> Answers:
    """Every question of SPEC section 3 for every person of ``case``, each with its one-line
    reason and, when unknown, what would settle it, in ``lang`` (None: without them).

    ``progress(done, total)`` is called after each person's answers (a long case shows a bar).
    """
    return solve_case(case, directory, timeout=timeout).answers(progress, lang=lang)
