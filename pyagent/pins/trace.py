"""The explanation of an answer as plain text: what a pin's ``explanation_contains`` matches.

Two texts: the explanation as `pyagent why` gives it (`explanation_text`), and the tree of
`pyagent.explain.tree` at the level of the rules (`rule_trace`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pyagent.engine.evaluate import symbol_text
from pyagent.engine.questions import QUESTIONS
from pyagent.explain.answers import SolvedCase
from pyagent.explain.tree import Node, walk
from pyagent.explain.why import Step, explain_solved
from pyagent.pins.solved import PinSolve

__all__ = ["explanation_text", "rule_trace"]


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
    out: list[str] = []
    for n, _ in walk(node):
        for w in n.ways:
            if w.clause and w.clause not in out:
                out.append(w.clause)
    return out
