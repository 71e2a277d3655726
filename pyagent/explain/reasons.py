"""An answer in one line, and what would settle an unknown one: read off its explanation.

Both come from the explanation (`pyagent.explain.why.explain_solved`), so from the rules of
``kb/``, never from text written per question:

- `reason`: «否：不成立：「wu」2024年度考核合格（P2.S3.a）；已满足：49 ≥ 36（P3.S2）» — for a no,
  where the failure comes down to (the tree followed while a single condition fails) and
  what of that rule holds; for an unknown, the inputs it depends on; for a yes, the clauses.
- `to_settle`: for an unknown answer, each input that decides it (named as an analyst would),
  the values that make the answer yes (or the best it can be by that input alone), and the
  document that usually shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pyagent.explain.inputs import input_document, input_name
from pyagent.explain.nodes import NO, UNKNOWN, YES
from pyagent.explain.steps import COMPARE, READING, WAY, Explanation, Step

WORDS = {
    "en": {
        YES: "yes", NO: "no", UNKNOWN: "unknown", "head": "{status}: ", "sep": "; ", "list": ", ",
        "not": "not so: {s}", "holds": "holds: {s}", "clause": " ({c})", "on": "rests on {c}",
        "depends": "depends on {s}", "settle": "{name}: {values}", "with": "{s} ({c})", "about": "{a}: {s}",
    },
    "zh": {
        YES: "是", NO: "否", UNKNOWN: "未知", "head": "{status}：", "sep": "；", "list": "、",
        "not": "不成立：{s}", "holds": "已满足：{s}", "clause": "（{c}）", "on": "依据{c}",
        "depends": "取决于{s}", "settle": "{name}：{values}", "with": "{s}（{c}）", "about": "{a}——{s}",
    },
}
_RANK = {NO: 0, UNKNOWN: 1, YES: 2}


@dataclass(frozen=True)
class Settle:
    """One input that would settle an unknown answer."""

    path: str  # where it goes in the case file
    name: str  # as an analyst names it
    values: tuple[str, ...]  # the values that make the answer `status`
    status: str  # yes, or unknown when this input alone cannot make it yes
    document: str  # the document that usually shows it ('' when none is obvious)

    def to_json(self) -> dict:
        return {"input": self.path, "name": self.name, "values": list(self.values), "gives": self.status,
                "document": self.document}


def to_settle(e: Explanation) -> tuple[Settle, ...]:
    """What would settle an unknown answer (empty for yes and no)."""
    if e.status != UNKNOWN:
        return ()
    out = []
    for d in e.decided_by:
        if not d.decides:
            continue
        best = max(d.outcomes, key=lambda o: _RANK[o.status])
        if best.status == NO:
            continue
        out.append(Settle(d.path, _named(d.subject, d.path, e.lang), best.values, best.status,
                          input_document(d.path, e.lang)))
    return tuple(out)


def _named(subject: str, path: str, lang: str) -> str:
    """The decider's subject (「2025年度考核」) with the place in the case file, once."""
    head = re.split(r"[.\[]", path)[0]
    if not subject or "（" in subject or "(" in subject or head in subject:  # its place said already
        return subject or input_name(path, lang)
    place = path.split(".grade")[0]
    return f"{subject}（{place}）" if lang == "zh" else f"{subject} ({place})"


def reason(e: Explanation, settle: tuple[Settle, ...] | None = None) -> str:
    """The answer in one line, in the explanation's language."""
    w = WORDS[e.lang]
    head = w["head"].format(status=w[e.status])
    if e.status == UNKNOWN:
        items = settle if settle is not None else to_settle(e)
        if items:
            said = [w["settle"].format(name=s.name, values=" / ".join(s.values)) for s in items]
        else:
            said = [input_name(p, e.lang) for p in _unknown_inputs(e.root)]
        return head + w["depends"].format(s=w["list"].join(said))
    if e.status == YES:
        return head + w["on"].format(c=w["list"].join(c.ref for c in e.clauses if c.kind == "normative"))
    failed, held = _failure(e.root, w, e.person)
    parts = [w["not"].format(s=s.text) + _clause(s, w) for s in failed[:2]]
    parts += [w["holds"].format(s=s.text) + _clause(s, w) for s in held[:1]]
    return head + w["sep"].join(parts)


def _clause(step: Step, w) -> str:
    return w["clause"].format(c=step.clause.ref) if step.clause is not None and step.clause.kind != "contract" else ""


def _failure(root: Step, w, person: str = "") -> tuple[list[Step], list[Step]]:
    """Where a no comes down to: the tree followed from the root while exactly one condition
    fails (readings aside), and there the failing conditions (or the step, when they are
    alternative ways); beside the path, the conditions that hold, each with a comparison of
    its own (a duration met: 49 ≥ 36)."""
    held: list[Step] = []
    step = root
    clause = None
    about: Step | None = None
    while True:
        clause = step.clause or clause
        failing = [c for c in step.children if c.holds == NO and c.kind != READING]
        if step is not root:
            for c in step.children:
                if c.holds == YES and c.kind != WAY and (not person or person in c.text):  # about the person
                    cmp = next(iter(reversed(list(_comparisons(c)))), None)  # the last: a duration
                    if cmp is not None:
                        text = c.text if c.kind != COMPARE else ""
                        said = w["with"].format(s=text, c=cmp.text) if text else cmp.text
                        held.append(Step(said, YES, c.kind, c.clause or cmp.clause))
        if len(failing) != 1:
            break
        if person and person in step.text and step.kind != WAY:
            about = step  # the last step that says whose it is (「wu」2024年度考核合格)
        step = failing[0]
    found = [step]
    if len(failing) > 1 and not all(c.kind == WAY for c in failing):
        found = [c for c in failing if c.kind != WAY][:2]
    out = []
    for s in found:
        if person and person not in s.text and about is not None and about is not step:
            s = Step(w["about"].format(a=about.text, s=s.text), s.holds, s.kind, s.clause or about.clause)
        out.append(s if s.clause is not None or clause is None else Step(s.text, s.holds, s.kind, clause))
    return out, held


def _comparisons(step: Step) -> Iterator[Step]:
    """The comparisons that hold in a sub-tree that holds (a duration met: 49 ≥ 36), with the
    clause of the step above them."""
    stack = [(step, step.clause)]
    while stack:
        s, clause = stack.pop()
        if s.kind == COMPARE and s.holds == YES:
            yield Step(s.text, s.holds, s.kind, clause)
            continue
        for c in reversed(s.children):
            stack.append((c, c.clause or clause))


def _unknown_inputs(step: Step) -> list[str]:
    out: list[str] = []
    for s in step.walk():
        if s.holds == UNKNOWN:
            for i in s.inputs:
                if i.value is None and i.path not in out:
                    out.append(i.path)
    return out


__all__ = ["Settle", "reason", "to_settle"]
