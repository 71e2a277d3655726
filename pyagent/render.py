"""Answers and explanations as rich renderables.  Only this module and cli.py import rich.

Text from cases and from the notice is passed as ``Text``, never as markup:
legal text is full of brackets.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from .answers import Answers
from .kb import readings as kb_readings
from .questions import QUESTIONS
from .vocab import FIELDS, GRADES, HONOURS, LEVELS, RANKS
from .whatif import Change, WhatIf

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


# -- what-if (pyagent.whatif) ------------------------------------------------------------
_CHANGE_TEXT = {
    # kind: (English, Chinese)
    "certificate": ("obtain a skill certificate (职业技能等级) today, of level", "今日取得职业技能等级证书，等级"),
    "grade": ("receive the {year} annual assessment grade", "{year}年度考核获得"),
    "field": ("move to a post in a through-field", "转到贯通领域的岗位"),
    "post": ("hold a post with a stated occupation (工种)", "在职业（工种）明确的岗位上工作"),
    "honour": ("receive an honour P4.S2 counts", "获得第四段所列荣誉"),
    "contribution": ("make an outstanding contribution (有突出贡献)", "有突出贡献"),
    "social_benefit": ("bring social benefit (社会效益)", "带来社会效益"),
    "economic_benefit": ("bring economic benefit (经济效益)", "带来经济效益"),
    "title": ("obtain a professional title today, of rank", "今日取得职称，级别"),
}


def _value_label(kind: str, code: str) -> str:
    vocabulary = {"certificate": LEVELS, "grade": GRADES, "field": FIELDS, "honour": HONOURS,
                  "title": RANKS}.get(kind)
    if vocabulary is None:
        return "" if code == "true" else code
    alias = vocabulary.alias(code)
    return code if alias == code else f"{code} {alias}"


def change_text(change: Change, lang: str = "en") -> Text:
    """One change: what to do, and the values each of which would do."""
    en, zh = _CHANGE_TEXT.get(change.kind, (change.kind, change.kind))
    year = change.place.rpartition(".")[2]
    text = Text((zh if lang == "zh" else en).format(year=year))
    values = [v for v in (_value_label(change.kind, c) for c in change.values) if v]
    if values:
        text.append(": " if len(values) == 1 else (" — 任一：" if lang == "zh" else " — any of: "))
        text.append(" / ".join(values), style="bold")
    return text


def _readings_line(readings: Mapping[str, str], lang: str) -> Text | None:
    defaults = {n: r.default for n, r in kb_readings().items()}
    changed = [(n, v) for n, v in readings.items() if defaults.get(n) != v]
    if not changed:
        return None
    text = Text("读法（非默认）: " if lang == "zh" else "Readings (not the default): ", style="bold")
    text.append(", ".join(f"{n}={v}" for n, v in changed), style="reading")
    return text


def what_if_view(w: WhatIf, lang: str = "en") -> Group:
    """A what-if: the answer now, the smallest sets of changes, and the earliest date."""
    zh = lang == "zh"
    q = QUESTIONS[w.question]
    parts: list = []
    head = Text(f"{w.person} · {w.question} ", style="bold")
    head.append(q.zh if zh else q.en, style="muted")
    head.append(f" · {'日期' if zh else 'as of'} {w.as_of.isoformat()}")
    parts.append(head)
    note = _readings_line(w.readings, lang)
    if note is not None:
        parts.append(note)
    now = Text("现在：" if zh else "Now: ")
    now.append_text(status_text(w.status, lang))
    if w.clauses:
        now.append(f"  ({', '.join(w.clauses)})", style="clause")
    if w.depends_on:
        now.append(("  取决于 " if zh else "  depends on ") + ", ".join(w.depends_on), style="depends")
    parts.append(now)
    if w.already_yes:
        parts.append(Text("已经是“是”：无需任何改变。" if zh else "Already yes: nothing needs to change."))
        return Group(*parts)

    # the smallest sets of changes
    if w.size is None:
        parts.append(Text(
            f"到 {w.earliest.horizon.isoformat()} 为止，变化模型中的任何变化组合都不能使答案为“是”。" if zh
            else f"No set of changes in the change model makes it yes by {w.earliest.horizon.isoformat()}."
        ))
    else:
        assert w.sets_on is not None
        later = w.sets_on != w.as_of
        if w.size == 0:
            line = ("无需改变本人情况" if zh else "No change to the person's situation is needed")
            line += (f"，自 {w.sets_on.isoformat()} 起" if zh else f", from {w.sets_on.isoformat()}") if later else ""
            parts.append(Text(line + ("。" if zh else ".")))
        else:
            if later:
                line = (f"今天的任何变化都不够；今天做出以下变化，自 {w.sets_on.isoformat()} 起为“是”" if zh else
                        f"No change makes it yes today; with these changes made today it is yes from "
                        f"{w.sets_on.isoformat()}")
            else:
                line = "使答案为“是”的最少变化" if zh else "The smallest changes that would make it yes"
            count = f"（每组 {w.size} 项）" if zh else f" ({w.size} change{'s' if w.size != 1 else ''} each)"
            parts.append(Text(line + count + ("：" if zh else ":"), style="bold"))
            table = Table(show_lines=False, expand=False, show_header=True)
            table.add_column("#", no_wrap=True)
            table.add_column("变化" if zh else "change", overflow="fold")
            table.add_column("条款" if zh else "clauses", style="clause", no_wrap=True)
            for k, s in enumerate(w.sets, 1):
                for i, c in enumerate(s.changes):
                    table.add_row(Text(str(k) if i == 0 else ""), change_text(c, lang),
                                  Text(", ".join(c.clauses)), end_section=i == len(s.changes) - 1)
            parts.append(table)
            if w.more:
                parts.append(Text("还有更多同样小的组合（--max）。" if zh else
                                  "There are more sets as small (--max).", style="muted"))
        for k, s in enumerate(w.sets, 1):
            if s.status != "yes":
                line = Text(f"{'第' if zh else 'Set '}{k}{'组' if zh else ''}: " if w.size else "")
                line.append_text(status_text(s.status, lang))
                line.append(("  仍取决于 " if zh else "  still depends on ") + ", ".join(s.depends_on),
                            style="depends")
                parts.append(line)

    # the earliest date, by time alone
    e = w.earliest
    line = Text("仅凭时间：" if zh else "By time alone: ", style="bold")
    if e.date is not None:
        line.append_text(status_text("yes", lang))
        line.append(f" {'自' if zh else 'from'} {e.date.isoformat()}")
        parts.append(line)
    else:
        line.append(f"{'永远不会' if zh else 'never'} ({'至' if zh else 'up to'} {e.horizon.isoformat()})")
        if e.possible_from is not None:
            line.append(f"; {'自' if zh else 'unknown from'} {e.possible_from.isoformat()}"
                        f"{'起为未知' if zh else ''}", style="depends")
        parts.append(line)
        for r in e.reason:
            row = Text("  • ")
            if r.clause:
                row.append(f"{r.clause} ", style="clause")
            row.append(r.condition)
            parts.append(row)
    return Group(*parts)
