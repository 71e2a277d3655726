"""Why, and why not: one answer explained for a reader, as data ready to render.

>>> from pyagent.input.case import load_case
>>> from pyagent.explain.why import explain_question
>>> found = explain_question(load_case("queries/demo.yaml"), "title.assistant",
...                          person="li_senior_worker")
>>> found.explanations[0].status
'no'
>>> found.explanations[0].root.children[0].clause.ref
'P3.S1'

The tree comes from `pyagent.explain.tree` (the rules of ``kb/`` walked against the model), and
every sentence from the template of its predicate (`pyagent.explain.templates`, kept in ``kb/``):

- **yes**: the derivation, from the conclusion down to the person's input facts;
- **no**: for every rule that could have given the conclusion, *all* the conditions that
  failed, comparisons as steps of their own with the actual and the required value, each
  followed down to the inputs;
- **unknown**: the derivation where the answer holds, down to the unknown inputs, and for
  each unknown input that decides it, the answer under each of its values (`Decider`).

Each step names the clause it rests on (`ClauseRef`, with the clause's verbatim text) and
the readings that mattered to it.  For the questions on titles, education, papers, foreign
language and computer skills stated in the case are reported as not counted (P2.S3.b).
"""

from __future__ import annotations

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

from clingo import Function

from pyagent.engine.facts import WORST
from pyagent.engine.questions import QUESTIONS, question_of
from pyagent.engine.solve import person_term
from pyagent.errors import InputError, msg
from pyagent.explain.answers import SolvedCase, resolved_readings, solve_case
from pyagent.explain.collect import collected_less
from pyagent.explain.casedata import case_value, person_data
from pyagent.explain.decide import decide_unknown, phrase_decider, prefetch_many, subject_of
from pyagent.explain.nodes import UNKNOWN, Node
from pyagent.explain.reasons import reason, to_settle
from pyagent.explain.sentences import TEXT, Builder
from pyagent.explain.steps import (
    COMPARE,
    CONCLUSION,
    FACT,
    INPUT,
    MODES,
    P2_S3_B_NOTE,
    SCHEMA,
    WHY,
    WHY_NOT,
    ClauseRef,
    Comparison,
    Decider,
    Explanation,
    Explanations,
    InputRef,
    Outcome,
    Step,
)
from pyagent.input.model import Case
from pyagent.kb import readings as kb_readings


# -- the library calls ------------------------------------------------------------------
@collected_less
def explain_question(
    case: Case,
    question_id: str,
    *,
    person: str | None = None,
    lang: str = "en",
    mode: str = WHY,
    directory: Path | None = None,
) -> Explanations:
    """Explain one question for one person of ``case`` (``person``), or for every person.

    Only the persons explained are solved, so explaining one person of a large case costs
    what one person costs.
    """
    question = question_of(question_id)
    if lang not in TEXT:
        raise InputError(
            "--lang",
            "",
            msg(
                "{v!r} is not a language; use en or zh",
                "「{v}」不是可用语言；请用 en 或 zh",
                v=lang,
            ),
        )
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    persons = (case.person(person),) if person is not None else case.persons
    solved = solve_case(dataclasses.replace(case, persons=persons), directory)
    explanations = tuple(
        explain_solved(solved, p.id, question.id, lang=lang, mode=mode) for p in persons
    )
    readings = resolved_readings(case.readings, directory)
    defaults = {n: r.default for n, r in kb_readings(directory).items()}
    changed = tuple((n, v) for n, v in readings.items() if defaults.get(n) != v)
    return Explanations(case.source, case.as_of, readings, changed, lang, mode, explanations)


def explain_solved(
    solved: SolvedCase,
    person_id: str,
    question_id: str,
    *,
    lang: str = "en",
    mode: str = WHY,
    decide: bool = True,
    notes: bool = True,
    node: Node | None = None,
) -> Explanation:
    """Explain one answer of a case already solved (the in-process call, e.g. in a notebook).

    ``decide``: for an unknown answer, re-answer the person under each value of each
    unknown input it depends on (one more solve); without it ``decided_by`` is empty.
    ``notes``: the credentials not counted (P2.S3.b) of a title question.
    ``node``: the answer's tree (`_answer_node`) when the caller built it already.
    """
    question = question_of(question_id)
    index = _index(solved, person_id)
    person = solved.case.persons[index]
    if node is None:
        node = _answer_node(solved, index, question_id)
    builder = Builder(solved, index, lang, mode)
    root = builder.step(node)
    assert root is not None
    said: tuple[Step, ...] = ()
    if notes and question.id.startswith("title."):
        said = tuple(builder.notes(P2_S3_B_NOTE))
    deciders: tuple[Decider, ...] = ()
    if decide and node.status == UNKNOWN:
        deciders = decide_unknown(solved, person, question, node, builder, mode)
    clauses = _clauses_in(root, said)
    label = question.zh if lang == "zh" else question.en
    e = Explanation(
        person.id, question.id, label, node.status, mode, lang, root, said, deciders, clauses
    )
    settle = to_settle(e)
    return dataclasses.replace(e, reason=reason(e, settle), to_settle=settle)


@collected_less
def explain_person(
    solved: SolvedCase,
    person_id: str,
    *,
    lang: str = "en",
    mode: str = WHY,
    decide: bool = True,
    notes: bool = True,
) -> tuple[Explanation, ...]:
    """Every question (in the order of QUESTIONS) for one person of a case already solved,
    each explained as `explain_solved` explains it; the re-answering that decides the
    unknown ones is done for all of them at once (`pyagent.explain.decide.prefetch`: two
    solves at most instead of one or two per unknown answer)."""
    return next(
        explain_persons(solved, (person_id,), lang=lang, mode=mode, decide=decide, notes=notes)
    )


def explain_persons(
    solved: SolvedCase,
    person_ids: Sequence[str],
    *,
    lang: str = "en",
    mode: str = WHY,
    decide: bool = True,
    notes: bool = True,
) -> Iterator[tuple[Explanation, ...]]:
    """`explain_person` for each of ``person_ids``, in turn; the unknown answers of all of them
    are decided by two solves in all (`pyagent.explain.decide.prefetch_many`), made before the
    first is explained (the trees of every one of them are built first and kept till then)."""
    indexes = [_index(solved, pid) for pid in person_ids]
    nodes = [[_answer_node(solved, index, q) for q in QUESTIONS] for index in indexes]
    if decide:
        waiting = []
        for index, ns in zip(indexes, nodes):
            unknown = [(q, n) for q, n in zip(QUESTIONS.values(), ns) if n.status == UNKNOWN]
            if unknown:
                builder = Builder(solved, index, lang, mode)
                waiting.append((solved.case.persons[index], unknown, builder))
        if waiting:
            prefetch_many(solved, waiting)
    for person_id, ns in zip(person_ids, nodes):
        yield tuple(
            explain_solved(
                solved, person_id, q, lang=lang, mode=mode, decide=decide, notes=notes, node=n
            )
            for q, n in zip(QUESTIONS, ns)
        )


def _answer_node(solved: SolvedCase, index: int, question_id: str) -> Node:
    """The explanation tree of a person's answer to a question, one derivation of each
    conclusion that holds."""
    question = question_of(question_id)
    atom = Function("answer", [person_term(index, WORST), question.term])
    return solved.explainer.explain(atom, first=True)


def _index(solved: SolvedCase, person_id: str) -> int:
    try:
        return solved.index(person_id)
    except KeyError:
        raise solved.case.no_such_person(person_id) from None


def _clauses_in(root: Step, notes: Sequence[Step]) -> tuple[ClauseRef, ...]:
    seen: dict[str, ClauseRef] = {}
    for top in (root, *notes):
        for s in top.walk():
            if s.clause is not None and s.clause.id not in seen:
                seen[s.clause.id] = s.clause
    return tuple(seen.values())


__all__ = [
    "COMPARE",
    "CONCLUSION",
    "FACT",
    "INPUT",
    "SCHEMA",
    "WHY",
    "WHY_NOT",
    "ClauseRef",
    "Comparison",
    "Decider",
    "Explanation",
    "Explanations",
    "InputRef",
    "Outcome",
    "Step",
    "case_value",
    "decide_unknown",
    "explain_person",
    "explain_persons",
    "explain_question",
    "explain_solved",
    "person_data",
    "phrase_decider",
    "question_of",
    "subject_of",
]
