"""A batch's answers as a table an analyst opens: CSV (UTF-8 with a BOM) or an Excel workbook.

The pipeline streams JSON lines; a table is written from them when the run is done, a row per
person and, per question, four columns: the status, its one-line reason, the clauses it rests
on and what would settle it when it is unknown.  ``lang="zh"``: Chinese headers and 是/否/未知.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pyagent.engine.questions import QUESTIONS
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


def _settle_text(item: object) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        for key in ("text", "sentence", "what", "document"):
            if isinstance(item.get(key), str):
                return item[key]
    return json.dumps(item, ensure_ascii=False)


def answer_row(line: str, lang: str = "en") -> list[object]:
    data = json.loads(line)
    row: list[object] = [data["id"]]
    for a in data["answers"]:
        status = STATUS_ZH[a["status"]] if lang == "zh" else a["status"]
        settle = a.get("to_settle") or []
        row += [
            status,
            a.get("reason", ""),
            ", ".join(a.get("clauses", [])),
            "; ".join(_settle_text(s) for s in settle) if a["status"] == "unknown" else "",
        ]
    return row


def jsonl_to_table(answers: Path, out: Path, fmt: str, lang: str = "en") -> None:
    """The answers file of a batch (JSON lines) written as a CSV or xlsx table at ``out``."""
    from pyagent.input.sheets import write_table

    def rows() -> Iterator[list[object]]:
        with open(answers, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield answer_row(line, lang)

    write_table(out, answer_header(lang), rows(), fmt)
