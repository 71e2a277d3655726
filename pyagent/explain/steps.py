"""An explanation as data: steps, clauses, inputs, comparisons, and what decides an unknown.

`pyagent.explain.why` builds these (`pyagent.explain.sentences` writes the steps'
sentences); ``to_json`` gives the ``pyagent.explanation/1`` document; the faces draw them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pyagent.explain.nodes import NO, YES

SCHEMA = "pyagent.explanation/1"
WHY, WHY_NOT = "why", "why_not"
MODES = (WHY, WHY_NOT)

# Step kinds
CONCLUSION = "conclusion"  # a derived atom of the knowledge base
INPUT = "input"  # an input fact of the case
FACT = "fact"  # a fact of the knowledge base itself (a table: level_rank, rank_clause ...)
COMPARE = "comparison"
COUNT = "count"
NOT = "not"
WAY = "way"  # one of several rules for a conclusion
READING = "reading"  # a rule that applies under another reading only
SEE_ABOVE = "see_above"

OPS = {">=": "≥", "<=": "≤", "!=": "≠", "=": "=", "<": "<", ">": ">"}
P2_S3_B_NOTE = ("not_counted", 2)  # P2.S3.b: stated credentials are not counted


# -- the data ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ClauseRef:
    """A clause of the notice: its id, its reference and its verbatim text."""

    id: str  # p3_s1
    ref: str  # P3.S1
    text: str  # the whole sentence, verbatim (a contract: SPEC's wording in the language asked)
    kind: str = "normative"  # normative, metadata, contract (kb/clauses.lp)
    marks: tuple[str, ...] = ()  # the words of the sentence that matter (their first place)

    def spans(self) -> list[tuple[str, bool]]:
        """The text in pieces, each marked or not: ``[("…取得助理级、", False), ("中级", True), ...]``."""
        places = sorted((self.text.find(m), m) for m in self.marks if m and m in self.text)
        out: list[tuple[str, bool]] = []
        at = 0
        for start, m in places:
            if start < at:
                continue
            if start > at:
                out.append((self.text[at:start], False))
            out.append((m, True))
            at = start + len(m)
        if at < len(self.text):
            out.append((self.text[at:], False))
        return out


@dataclass(frozen=True)
class InputRef:
    """An input of the case: its path in the case file (relative to the person, or to the
    case for ``as_of`` and ``parameters...``) and its value there (None: not stated)."""

    path: str
    value: object


@dataclass(frozen=True)
class Comparison:
    """A comparison evaluated: the actual value against the required one."""

    actual: object  # a number, a text, or None (unknown)
    op: str  # >=, <, ...
    required: object  # None: unknown (a parameter not set, an input not stated)
    holds: object  # True, False, or "unknown" (an operand the case leaves open)
    actual_text: str = ""
    required_text: str = ""


@dataclass(frozen=True)
class Step:
    """One step of an explanation: a sentence, whether it holds, and what it rests on."""

    text: str
    holds: str  # yes / no / unknown
    kind: str  # conclusion, input, fact, comparison, count, not, way, reading, see_above
    clause: ClauseRef | None = None
    readings: tuple[tuple[str, str], ...] = ()  # the readings the step's rule consulted
    inputs: tuple[InputRef, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    children: tuple[Step, ...] = ()
    negated: str = ""  # a failing step, said in the negative (its predicate's template_not), or ""
    # a failed comparison of two levels said by name (``negated``): the one compared and the
    # one required, for a reason that names every level that falls short once
    short: tuple[str, str] | tuple[()] = ()

    def walk(self) -> Iterator[Step]:
        """The step and every step under it, depth first, in order (a stack, not nested
        generators: those cost a frame per level for every step yielded)."""
        stack = [self]
        while stack:
            step = stack.pop()
            yield step
            stack.extend(reversed(step.children))


@dataclass(frozen=True)
class Outcome:
    """The answer when a deciding input takes one of ``values``."""

    values: tuple[str, ...]  # the values, as a reader sees them
    status: str


@dataclass(frozen=True)
class Decider:
    """An unknown input the answer depends on, and the answer under each of its values."""

    path: str
    subject: str  # how the input reads ("the 2025 assessment")
    value: object  # its value in the case (None: not stated)
    outcomes: tuple[Outcome, ...]
    together: tuple[
        str, ...
    ] = ()  # the other inputs it needs (it cannot make the answer yes alone)
    jointly: bool = False  # together, each at its best value, they make the answer yes
    jointly_values: tuple[str, ...] = ()  # its values that, with the others at their best, do
    condition: bool = False  # the values are conditions to meet (「…满36个月」), not values to take
    claim: str = (
        ""  # a yes-or-no input: what it states when yes (`pyagent.explain.inputs.input_claim`)
    )

    @property
    def decides(self) -> bool:
        return len({o.status for o in self.outcomes}) > 1


@dataclass(frozen=True)
class Explanation:
    """Why one person's answer to one question is what it is."""

    person: str
    question: str
    question_text: str
    status: str
    mode: str  # why, why_not
    lang: str
    root: Step
    notes: tuple[Step, ...] = ()
    decided_by: tuple[Decider, ...] = ()
    clauses: tuple[ClauseRef, ...] = ()  # cited in the tree, in the notice's order
    reason: str = ""  # the answer in one line (`pyagent.explain.reasons.reason`)
    to_settle: tuple = ()  # unknown: what would settle it (`pyagent.explain.reasons.Settle`)


@dataclass(frozen=True)
class Explanations:
    """The explanations of one question for one or more persons of a case."""

    source: str
    as_of: dt.date
    readings: Mapping[str, str]  # every reading, with the value in force
    changed: tuple[tuple[str, str], ...]  # the readings that differ from the defaults
    lang: str
    mode: str
    explanations: tuple[Explanation, ...]

    def to_json(self) -> dict:
        """The ``pyagent.explanation/1`` document."""
        return {
            "schema": SCHEMA,
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "readings": dict(self.readings),
            "lang": self.lang,
            "mode": self.mode,
            "explanations": [_explanation_json(e) for e in self.explanations],
        }


def _holds_json(status: str) -> object:
    return True if status == YES else False if status == NO else "unknown"


def _step_json(step: Step) -> dict:
    out: dict[str, object] = {
        "text": step.text,
        "holds": _holds_json(step.holds),
        "kind": step.kind,
    }
    if step.clause is not None:
        out["clause"] = step.clause.ref
        out["quote"] = step.clause.text
        if step.clause.marks:
            out["marks"] = list(step.clause.marks)
    if step.readings:
        out["readings"] = dict(step.readings)
    if step.inputs:
        out["inputs"] = [{"path": i.path, "value": i.value} for i in step.inputs]
    if step.comparisons:
        out["comparisons"] = [
            {"actual": c.actual, "op": c.op, "required": c.required, "holds": c.holds}
            for c in step.comparisons
        ]
    out["children"] = [_step_json(c) for c in step.children]
    return out


def _explanation_json(e: Explanation) -> dict:
    return {
        "person": e.person,
        "question": e.question,
        "question_text": e.question_text,
        "status": e.status,
        "reason": e.reason,
        "to_settle": [t.to_json() for t in e.to_settle],
        "clauses": [
            {"clause": c.ref, "quote": c.text, **({"marks": list(c.marks)} if c.marks else {})}
            for c in e.clauses
        ],
        "tree": _step_json(e.root),
        "notes": [_step_json(n) for n in e.notes],
        "decided_by": [
            {
                "path": d.path,
                "subject": d.subject,
                "value": d.value,
                "outcomes": [{"values": list(o.values), "status": o.status} for o in d.outcomes],
            }
            for d in e.decided_by
        ],
    }
