"""A batch's answers as a table an analyst opens: CSV (UTF-8 with a BOM) or an Excel workbook.

The pipeline streams JSON lines; a table is written from them when the run is done, a row per
person and, per question, four columns: the status, its one-line reason, the clauses it rests
on and what would settle it when it is unknown.  ``lang="zh"``: Chinese headers and 是/否/未知.

The reason and what would settle an unknown are the JSON lines' own, ``pyagent ask``'s for
each distinct situation (`pyagent.batch.shapes`); ``reasons=False`` (``batch --no-reasons``)
leaves those two columns empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pyagent.engine.questions import QUESTIONS
from pyagent.errors import listed
from pyagent.explain.flips import STATUS_ZH

COLUMNS_EN = ("", " reason", " clauses", " to settle")
COLUMNS_ZH = ("：答案", "：理由", "：条款", "：待查明")


def answer_header(lang: str = "en") -> list[str]:
    zh = lang == "zh"
    header = ["编号" if zh else "id"]
    for q in QUESTIONS.values():
        name = f"{q.id}（{q.zh}）" if zh else q.id
        header += [name + suffix for suffix in (COLUMNS_ZH if zh else COLUMNS_EN)]
    return header


def settle_text(item: Any, lang: str = "en") -> str:
    """One thing that would settle an unknown, as a cell shows it: its name, the sentence of
    what it takes (`pyagent.explain.reasons.Settle.sentence`, carried in the JSON line), the
    document that shows it; worded as ``pyagent ask`` words it."""
    if isinstance(item, str):
        return item
    get = item.get if isinstance(item, dict) else lambda k, d=None: getattr(item, k, d)
    name = get("name") or get("path") or ""
    sentence = get("sentence") or ""
    if not isinstance(sentence, str):  # a Settle: its method
        sentence = item.sentence(lang)
    document = get("document") or ""
    zh = lang == "zh"
    said = f"{name}：{sentence}" if zh else f"{name}: {sentence}"
    if document:
        said += f"（材料：{document}）" if zh else f" (document: {document})"
    return said


def answer_row(
    line: str, lang: str = "en", reasons: Mapping[str, tuple[str, str]] | None = None
) -> list[object]:
    """A JSON line of the answers as a table row; ``reasons``: question -> (reason, to settle)."""
    data = json.loads(line)
    row: list[object] = [data["id"]]
    for a in data["answers"]:
        status = STATUS_ZH[a["status"]] if lang == "zh" else a["status"]
        reason, settle = (reasons or {}).get(a["question"], ("", ""))
        if not reason and a.get("reason"):
            reason = a["reason"]
        if not settle and a.get("to_settle"):
            settle = ("；" if lang == "zh" else "; ").join(
                settle_text(s, lang) for s in a["to_settle"]
            )
        row += [
            status,
            reason,
            listed(a.get("clauses", [])).text(lang),  # zh: P2.S2、P3.S1, as every zh list
            settle if a["status"] == "unknown" else "",
        ]
    return row


def jsonl_to_table(answers: Path, out: Path, fmt: str, lang: str = "en") -> None:
    """The answers file of a batch (JSON lines) written as a CSV or xlsx table at ``out``, with
    each answer's reason and what would settle it where the lines carry them."""
    from pyagent.input.sheets import write_table

    def rows() -> Iterator[list[object]]:
        with open(answers, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield answer_row(line, lang)

    write_table(out, answer_header(lang), rows(), fmt)
