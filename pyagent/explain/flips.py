"""Who flips: the answers that differ between the readings asked under and a reading compared,
by person, each with its status and one-line reason under both (``pyagent batch
--compare-reading ... --flips FILE`` and ``pyagent diff ... --flips FILE``).

A table has a row per person and question that flips, and a status and a reason column per
reading compared (``--lang zh``: Chinese headers, 是/否/未知).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyagent.engine.questions import QUESTIONS
from pyagent.errors import listed
from pyagent.explain.answers import Answer, solve_case
from pyagent.explain.reasons import notice_order
from pyagent.input.model import Case

STATUS_ZH = {"yes": "是", "no": "否", "unknown": "未知"}


@dataclass(frozen=True)
class Flip:
    id: str
    question: str
    under: tuple[tuple[str, str, str], ...]  # (readings label, status, reason), asked first
    clauses: tuple[str, ...]
    source: str = ""


def reason_of(answer: Answer) -> str:
    """The answer's one-line reason, where the library gives one."""
    return str(getattr(answer, "reason", "") or "")


def readings_label(readings: Mapping[str, str], lang: str = "en") -> str:
    if not readings:
        return "默认读法" if lang == "zh" else "default readings"
    return ", ".join(f"{k}={v}" for k, v in readings.items())


def flips_between(case: Case, compare: Mapping[str, str], lang: str = "en") -> list[Flip]:
    """Every answer of ``case`` that ``compare`` changes, with both reasons."""
    base = solve_case(case)
    alt = solve_case(dataclasses.replace(case, readings={**case.readings, **compare}))
    first, second = readings_label(case.readings, lang), readings_label(compare, lang)
    out = []
    for i, person in enumerate(case.persons):
        for question in QUESTIONS.values():
            a, b = base.answer(i, question), alt.answer(i, question)
            if a.status == b.status:
                continue
            a, b = base.with_reason(i, a, lang), alt.with_reason(i, b, lang)
            clauses = tuple(sorted(set(a.clauses) | set(b.clauses), key=notice_order))
            out.append(
                Flip(
                    person.id,
                    question.id,
                    ((first, a.status, reason_of(a)), (second, b.status, reason_of(b))),
                    clauses,
                    case.source,
                )
            )
    return out


def flip_table(flips: Sequence[Flip], lang: str = "en") -> tuple[list[str], list[list[object]]]:
    zh = lang == "zh"
    labels = list(dict.fromkeys(label for f in flips for label, _, _ in f.under))
    header = ["编号", "问题"] if zh else ["id", "question"]
    for label in labels:
        header += (
            [f"答案（{label}）", f"理由（{label}）"]
            if zh
            else [f"status ({label})", f"reason ({label})"]
        )
    header.append("条款" if zh else "clauses")
    rows: list[list[object]] = []
    for f in flips:
        row: list[object] = [f.id, f.question]
        by_label = {label: (status, reason) for label, status, reason in f.under}
        for label in labels:
            status, reason = by_label.get(label, ("", ""))
            row += [STATUS_ZH.get(status, status) if zh else status, reason]
        row.append(listed(f.clauses).text(lang))
        rows.append(row)
    return header, rows


def write_flips(
    path: str | Path, flips: Iterable[Flip], lang: str = "en", fmt: str | None = None
) -> None:
    """The table of who flips, as ``fmt`` (csv, xlsx, jsonl; default: by ``path``'s name)."""
    from pyagent.input.sheets import write_table

    header, rows = flip_table(list(flips), lang)
    write_table(path, header, rows, fmt, sheet="flips")
