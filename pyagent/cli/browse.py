"""Browsing the rules and starting a roster: ``pyagent clauses``, ``readings``, ``template``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from pyagent.cli.app import app
from pyagent.cli.wrap import Wrapped
from pyagent.cli.options import (
    Format,
    FormatOpt,
    JsonOpt,
    Lang,
    LangOpt,
    chosen_format,
    emit,
    reported,
)
from pyagent.errors import InputError, listed, msg

WORDS = {
    "en": {
        "clause": "clause",
        "text": "text",
        "encoded": "encoded by",
        "encoded_by": "encoded by: {rules}",
        "pins": "pins",
        "pins_of": "pins ({n}): {pins}",
        "not_encoded": "not encoded: {why}",
        "reading": "reading",
        "values": "values",
        "default": "default",
        "question": "question",
        "reason": "why the default",
        "clauses_of": "clauses",
        "rules": "{n} rule(s)",
        "none": "none",
        "reading_of": "reading {name}: {question}",
    },
    "zh": {
        "clause": "条款",
        "text": "原文",
        "encoded": "编码规则",
        "encoded_by": "编码规则：{rules}",
        "pins": "固定案例",
        "pins_of": "固定案例（{n}个）：{pins}",
        "not_encoded": "未编码：{why}",
        "reading": "读法",
        "values": "取值",
        "default": "默认",
        "question": "问题",
        "reason": "默认理由",
        "clauses_of": "条款",
        "rules": "{n}条规则",
        "none": "无",
        "reading_of": "读法 {name}：{question}",
    },
}


def clause_rows(wanted: str | None = None, lang: str = "en") -> list[dict]:
    """Every clause of the knowledge base (or the one asked): its text, the rules citing it
    (file:line), the readings of it (name and question, in ``lang``) and the pins in queries/
    that fix it (`pyagent.pins.of_clause`: an answer resting on it, or its directory)."""
    from pyagent.engine.program import load_program
    from pyagent.kb import _static_model, kb_dir, readings
    from pyagent.pins.lint import cited_clauses

    directory = kb_dir()
    atoms = _static_model(directory / "clauses.lp")
    order = {a.arguments[0].name: a.arguments[1].number for a in atoms if a.name == "clause_order"}
    not_encoded = {
        a.arguments[0].string: a.arguments[1].string for a in atoms if a.name == "not_encoded"
    }
    not_encoded.update(  # in the language asked where kb/clauses.lp has it
        (a.arguments[0].string, a.arguments[2].string)
        for a in atoms
        if a.name == "not_encoded_words" and a.arguments[1].name == lang
    )
    cited = cited_clauses(load_program())
    pins = _pins_by_clause()
    rows = []
    for a in sorted(
        (a for a in atoms if a.name == "clause_text"),
        key=lambda a: order.get(a.arguments[0].name, 999),
    ):
        cid, ref, text = a.arguments[0].name, a.arguments[1].string, a.arguments[2].string
        if wanted is not None and wanted.casefold() not in (cid.casefold(), ref.casefold()):
            continue
        rules = [f"{Path(r.file).name}:{r.line}" for r in cited.get(cid, [])]
        rows.append(
            {
                "clause": ref,
                "id": cid,
                "text": text,
                "rules": rules,
                "not_encoded": not_encoded.get(ref),
                "readings": [
                    {"name": r.name, "question": r.question_in(lang)}
                    for r in readings().values()
                    if ref in r.clauses
                ],
                "pins": pins.get(ref, []),
            }
        )
    if wanted is not None and not rows:
        refs = listed(a.arguments[1].string for a in atoms if a.name == "clause_text")
        raise InputError(
            "clauses",
            wanted,
            msg("no such clause; the clauses are: {r}", "没有这一条款；条款有：{r}", r=refs),
        )
    return rows


def _pins_by_clause() -> dict[str, list[str]]:
    """Clause ref -> the pins that fix it (`pyagent.pins.of_clause.pins_by_clause`, as the
    notice page lists them), each as ``queries/FILE::NAME``."""
    from pyagent.pins.of_clause import pins_by_clause

    return {
        ref: [f"queries/{rel}::{name}" for rel, name in pins]
        for ref, pins in pins_by_clause().items()
    }


@app.command()
def clauses(
    clause: Annotated[
        Optional[str],
        typer.Argument(help="A clause (P3.S1 or p3_s1); default: all.", metavar="[ID]"),
    ] = None,
    lang: LangOpt = Lang.en,
    json_: JsonOpt = False,
    format_: FormatOpt = Format.text,
) -> None:
    """The clauses of the notice: the Chinese text, the rules that encode each, its pins.

    Example: pyagent clauses P3.S1 --lang zh
    """
    shown = chosen_format(format_, json_, lang.value)
    with reported(lang.value):
        rows = clause_rows(clause, lang.value)
    w = WORDS[lang.value]

    def view() -> Group:
        def said(text: str, style: str = "") -> Wrapped:
            # wrapped as Chinese and English are read, the lines after the first indented as
            # far, and none ending in spaces (rich's own wrapping leaves one at each break)
            return Wrapped(Text(text, style=style), lang.value, hang="  ")

        zh = lang.value == "zh"
        parts: list = []
        for r in rows:
            parts.append(Text(f"{r['clause']}", style="bold clause"))
            parts.append(said(r["text"]))
            if r["not_encoded"]:
                parts.append(said(w["not_encoded"].format(why=r["not_encoded"]), "muted"))
            rules = listed(r["rules"]).text(lang.value) or w["none"]
            parts.append(said(w["encoded_by"].format(rules=rules), "muted"))
            for reading in r["readings"]:
                parts.append(said(w["reading_of"].format(**reading), "muted"))
            pins = r["pins"]
            if zh:  # a pin's name is English (queries/): under zh its file and how many, as the
                # notice page lists them
                files: dict[str, int] = {}
                for pin in pins:
                    files[pin.split("::")[0]] = files.get(pin.split("::")[0], 0) + 1
                shown_pins = "、".join(f"{f}（{n}个）" for f, n in list(files.items())[:5])
                shown_pins += f"等{len(files)}个文件" if len(files) > 5 else ""
            else:
                shown_pins = "; ".join(pins[:5]) + (f" (+{len(pins) - 5})" if pins[5:] else "")
            parts.append(
                said(w["pins_of"].format(n=len(pins), pins=shown_pins or w["none"]), "muted")
            )
        return Group(*parts)

    emit(shown, view, lambda: {"schema": "pyagent.clauses/1", "clauses": rows})


_TABLE_ROOM = 200  # below this width the readings are listed one under another


class _ReadingsView:
    """The readings as a table where the width leaves the question and the reason room to be
    read, else one under another, each line wrapped as Chinese and English are read (a table of
    six columns at 80 cells cut codes, ``skill_to_title_on`` / ``ly``, and at 20 showed none)."""

    def __init__(self, rows: list, lang: str) -> None:
        self.rows, self.lang = rows, lang

    def _cell(self, text: str, style: str = "", hang: str = "") -> Wrapped:
        return Wrapped(Text(text, style=style), self.lang, hang=hang)

    def _table(self) -> Table:
        w, lang = WORDS[self.lang], self.lang
        table = Table(show_lines=True, expand=False)
        for key in ("reading", "values", "default", "clauses_of"):
            table.add_column(w[key])
        table.add_column(w["question"], ratio=1)
        table.add_column(w["reason"], ratio=1)
        for r in self.rows:
            table.add_row(
                self._cell(r.name, "reading"),
                self._cell(listed(r.options).text(lang)),  # 、 under zh, as every zh list
                self._cell(r.default),
                self._cell(listed(r.clauses).text(lang), "clause"),
                self._cell(r.question_in(lang)),
                self._cell(r.reason_in(lang)),
            )
        return table

    def _listed(self) -> Group:
        w, lang = WORDS[self.lang], self.lang
        colon = "：" if lang == "zh" else ": "
        parts: list = []
        for k, r in enumerate(self.rows):
            if k:
                parts.append(Text(""))
            parts.append(self._cell(r.name, "bold reading"))
            for key, value in (
                ("values", listed(r.options).text(lang)),
                ("default", r.default),
                ("clauses_of", listed(r.clauses).text(lang)),
                ("question", r.question_in(lang)),
                ("reason", r.reason_in(lang)),
            ):
                parts.append(self._cell(f"{w[key]}{colon}{value}", hang="  "))
        return Group(*parts)

    def __rich_console__(self, console, options):
        yield self._table() if options.max_width >= _TABLE_ROOM else self._listed()


@app.command()
def readings(
    lang: LangOpt = Lang.en,
    json_: JsonOpt = False,
    format_: FormatOpt = Format.text,
) -> None:
    """Every reading of an ambiguous clause: its values, the default and why.

    Example: pyagent readings --lang zh
    """
    from pyagent.kb import readings as kb_readings

    shown = chosen_format(format_, json_, lang.value)
    table_rows = list(kb_readings().values())

    def view() -> _ReadingsView:
        return _ReadingsView(table_rows, lang.value)

    emit(
        shown,
        view,
        lambda: {
            "schema": "pyagent.readings/1",
            "readings": [
                {
                    "name": r.name,
                    "values": list(r.options),
                    "default": r.default,
                    "clauses": list(r.clauses),
                    "question": r.question_in(lang.value),
                    "reason": r.reason_in(lang.value),
                }
                for r in table_rows
            ],
        },
    )


EXAMPLE = {
    "id": "650123",
    "cert1_level": "technician",
    "cert1_kind": "skill_level",
    "cert1_obtained": "2021-06-30",
    "cert1_occupation": "电工",
    "work1_from": "2015-03-01",
    "field": "engineering",
    "current_post": "yes",
    "post_since": "2016-03-01",
    "post_occupation": "电工",
    "honours": "none",
    "outstanding_contribution": "unknown",
    "titles": "none",
    "cumulative_work_years": "12",
}


def template_table(
    lang: str = "en", today: dt.date | None = None
) -> tuple[list[str], list[list[object]]]:
    """Every column of a roster and one example row (``--lang zh``: Chinese headers and values)."""
    from pyagent.input.columns import zh_name
    from pyagent.input.rows_out import csv_header
    from pyagent.input.vocab import FIELDS, LEVELS, CERTIFICATE_KINDS, GRADES

    year = (today or dt.date.today()).year
    header = csv_header(certificates=2, periods=2, titles=1, years=range(year - 3, year))
    example = dict(EXAMPLE)
    for y in range(year - 3, year):
        example[f"assessment_{y}"] = "qualified"
    if lang == "zh":
        zh_values = {
            "technician": LEVELS.aliases["technician"],
            "skill_level": CERTIFICATE_KINDS.aliases["skill_level"],
            "engineering": FIELDS.aliases["engineering"],
            "qualified": GRADES.aliases["qualified"],
            "yes": "是",
            "none": "无",
            "unknown": "未知",
        }
        example = {k: zh_values.get(v, v) for k, v in example.items()}
        zh_row: list[object] = [example.get(c, "") for c in header]
        return [zh_name(c) for c in header], [zh_row]
    row: list[object] = [example.get(c, "") for c in header]
    return header, [row]


@app.command()
def template(
    path: Annotated[
        Path, typer.Argument(help="The roster to write: .xlsx or .csv.", metavar="FILE")
    ],
    lang: LangOpt = Lang.en,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Write an empty roster with every column and one example row, for pyagent batch.

    Example: pyagent template roster.xlsx --lang zh
    """
    from pyagent.input.sheets import table_format, write_table

    with reported(lang.value):
        fmt = table_format(path)
        if fmt == "jsonl":
            raise InputError(
                str(path),
                "",
                msg(
                    "a template is a table: name it .xlsx or .csv",
                    "模板是表格：请用.xlsx或.csv作文件名",
                ),
            )
        if path.exists() and not force:
            raise InputError(
                str(path),
                "",
                msg(
                    "exists already; give --force to overwrite it",
                    "文件已存在；如要覆盖请加--force",
                ),
            )
        header, rows = template_table(lang.value)
        write_table(path, header, rows, fmt, sheet="roster")
    said = (
        f"已写出{path}：{len(header)}列及一行示例"
        if lang.value == "zh"
        else f"wrote {path}: {len(header)} columns and one example row"
    )
    typer.echo(said)
