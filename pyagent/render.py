"""Answers and explanations as rich renderables.  Only this module and cli.py import rich.

Text from cases and from the notice is passed as ``Text``, never as markup:
legal text is full of brackets.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from .answers import Answers
from .kb import readings as kb_readings
from .questions import QUESTIONS

THEME = Theme(
    {
        "status.yes": "bold green",
        "status.no": "bold red",
        "status.unknown": "bold yellow",
        "clause": "cyan",
        "depends": "yellow",
        "muted": "dim",
        "reading": "magenta",
    }
)

STATUS_ZH = {"yes": "是", "no": "否", "unknown": "未知"}


def status_text(status: str, lang: str = "en") -> Text:
    label = STATUS_ZH[status] if lang == "zh" else status
    return Text(label, style=f"status.{status}")


def readings_note(answers: Answers, lang: str = "en") -> Text | None:
    """The readings that differ from the defaults, or None."""
    defaults = {n: r.default for n, r in kb_readings().items()}
    changed = [(n, v) for n, v in answers.readings.items() if defaults.get(n) != v]
    if not changed:
        return None
    head = "读法（非默认）: " if lang == "zh" else "Readings (not the default): "
    text = Text(head, style="bold")
    text.append(", ".join(f"{n}={v}" for n, v in changed), style="reading")
    return text


def answers_table(answers: Answers, lang: str = "en") -> Group:
    """A row per person and question: status, clauses, what an unknown depends on."""
    zh = lang == "zh"
    title = f"{answers.source} · as of {answers.as_of.isoformat()}"
    table = Table(title=Text(title), show_lines=False, expand=False)
    table.add_column("人员" if zh else "person", no_wrap=True)
    table.add_column("问题" if zh else "question", no_wrap=True)
    table.add_column("答案" if zh else "answer", no_wrap=True)
    table.add_column("条款" if zh else "clauses", style="clause", overflow="fold")
    table.add_column("取决于" if zh else "depends on", style="depends", overflow="fold")
    for p in answers.persons:
        for k, a in enumerate(p.answers):
            label = Text(a.question)
            if zh:
                label.append(f" {QUESTIONS[a.question].zh}", style="muted")
            table.add_row(
                Text(p.id) if k == 0 else Text(""),
                label,
                status_text(a.status, lang),
                Text(", ".join(a.clauses)),
                Text(", ".join(a.depends_on)),
                end_section=k == len(p.answers) - 1,
            )
    note = readings_note(answers, lang)
    return Group(*(x for x in (note, table) if x is not None))
