"""Answers and explanations as rich renderables (pinned cases and the like: `pyagent.cli.render_pins`).

Text from cases and from the notice is passed as ``Text``, never as markup:
legal text is full of brackets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import ConsoleRenderable, Group
from rich.text import Text
from rich.tree import Tree
from rich.theme import Theme

from pyagent.cli.wrap import Branches, Wrapped
from pyagent.errors import listed as errors_listed, shown as _inert
from pyagent.explain.drawn import (
    drawn as _drawn,
    input_value_text as _input_value_text,
    inputs_shown as _inputs_shown,
    readings_shown,
    sentences_listed as _clauses_listed,
    suffix,
)
from pyagent.kb import reading_said, readings as kb_readings
from pyagent.engine.questions import QUESTIONS

if TYPE_CHECKING:  # for annotations only: a command loads only the modules it uses
    from pyagent.explain.answers import Answers
    from pyagent.explain.whatif import WhatIf

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


def listed(items, lang: str = "en") -> str:
    """Items of a list (clause ids, inputs, readings): zh joins them with 、, en with a comma
    (`pyagent.errors.listed`, which the batch's tables use too)."""
    return errors_listed(items).text(lang)


def status_text(status: str, lang: str = "en") -> Text:
    label = STATUS_ZH[status] if lang == "zh" else status
    return Text(label, style=f"status.{status}")


def readings_note(answers: Answers, lang: str = "en") -> Text | None:
    """The readings that differ from the defaults, or None."""
    defaults = {n: r.default for n, r in kb_readings().items()}
    changed = [(n, v) for n, v in answers.readings.items() if defaults.get(n) != v]
    if not changed:
        return None
    head = "读法（非默认）：" if lang == "zh" else "Readings (not the default): "
    text = Text(head, style="bold")
    text.append(
        _clauses_listed((_reading_named(n, v, lang) for n, v in changed), lang), style="reading"
    )
    return text


def _reading_named(name: str, value: str, lang: str) -> str:
    """A reading chosen on the command line: in words, with the id it was chosen by."""
    said = reading_said(name, value, lang)
    return f"{said}（{name}={value}）" if lang == "zh" else f"{said} ({name}={value})"


def answers_table(answers: Answers, lang: str = "en") -> Group:
    """A row per person and question: status, clauses, what an unknown depends on, and the
    one-line reason: a column where the width leaves it room (`_AnswersView`), else one line
    per question under the table."""
    settle = [x for x in (_settle_items(p, lang) for p in answers.persons) if x is not None]
    note = readings_note(answers, lang)
    return Group(*(x for x in (note, _AnswersView(answers, lang), *settle) if x is not None))


_REASON_ROOM = 40  # the narrowest reason column worth reading; below it the reasons follow
_NARROW = 60  # below it a table's columns are too narrow to read: one item a line instead


class _AnswersView:
    """The answers' table, its reasons a column when the table leaves `_REASON_ROOM` cells for
    them, else listed under it (a reason squeezed into a column of a few cells is unreadable)."""

    def __init__(self, answers: Answers, lang: str) -> None:
        self.answers, self.lang = answers, lang
        self.reasons = any(a.reason is not None for p in answers.persons for a in p.answers)

    def _table(self, reasons: bool):
        from rich.table import Table  # not for an explanation (`pyagent why`): imported when asked

        answers, zh = self.answers, self.lang == "zh"
        day = answers.as_of.isoformat()
        title = f"{_inert(answers.source, 1000)} · {'查询日' if zh else 'as of'} {day}"
        table = Table(title=Text(title), show_lines=False, expand=False)
        table.add_column("人员" if zh else "person", no_wrap=True)
        table.add_column("问题" if zh else "question", overflow="fold")
        table.add_column("答案" if zh else "answer", no_wrap=True, min_width=4 if zh else 7)
        table.add_column("条款" if zh else "clauses", style="clause", min_width=7)
        table.add_column("取决于" if zh else "depends on", style="depends")
        if reasons:
            table.add_column("理由" if zh else "reason", ratio=1)
        for p in answers.persons:
            for k, a in enumerate(p.answers):
                label = Text(a.question)
                if zh:  # the question in words under its id
                    label.append(f"\n{QUESTIONS[a.question].zh}", style="muted")
                row: list[ConsoleRenderable] = [
                    Text(p.id) if k == 0 else Text(""),
                    Wrapped(label, self.lang),
                    status_text(a.status, self.lang),
                    Wrapped(Text(listed(a.clauses, self.lang)), self.lang),
                    Text("\n".join(a.depends_on), overflow="fold"),
                ]
                if reasons:
                    row.append(Wrapped(Text(a.reason or ""), self.lang))
                table.add_row(*row, end_section=k == len(p.answers) - 1)
        return table

    def _listed(self) -> Tree:
        zh = self.lang == "zh"
        tree = Tree(Text("理由" if zh else "Reasons", style="bold"), guide_style="muted")
        for p in self.answers.persons:
            person = tree.add(Text(f"「{p.id}」" if zh else p.id))
            for a in p.answers:
                if a.reason is not None:
                    person.add(
                        Wrapped(Text(f"{a.question}{'：' if zh else ': '}{a.reason}"), self.lang)
                    )
        return tree

    def _narrow(self) -> Group:
        """One answer a line under its person, wrapped however narrow (a table of five columns
        at 20 cells had dropped the question column, and at 4 showed nothing but borders)."""
        zh, lang = self.lang == "zh", self.lang
        colon = "：" if zh else ": "
        answers = self.answers
        day = answers.as_of.isoformat()
        title = f"{_inert(answers.source, 1000)} · {'查询日' if zh else 'as of'} {day}"
        parts: list = [Wrapped(Text(title), lang)]
        for p in answers.persons:
            parts.append(Wrapped(Text(f"「{p.id}」" if zh else p.id, style="bold"), lang))
            for a in p.answers:
                line = Text(a.question)
                if zh:
                    line.append(f"（{QUESTIONS[a.question].zh}）", style="muted")
                line.append(colon)
                if a.reason:  # it begins with the status and names the clauses
                    line.append(a.reason)
                    parts.append(Wrapped(line, lang, hang="  • "))
                    continue
                line.append_text(status_text(a.status, lang))
                if a.clauses:
                    clauses = listed(a.clauses, lang)
                    line.append(f"（{clauses}）" if zh else f" ({clauses})", style="clause")
                if a.depends_on:
                    said = ("；取决于" if zh else "; depends on ") + listed(a.depends_on, lang)
                    line.append(said, style="depends")
                parts.append(Wrapped(line, lang, hang="  • "))
        return Group(*parts)

    def __rich_console__(self, console, options):
        from rich.measure import Measurement

        bare = self._table(False)
        fits = Measurement.get(console, options, bare).minimum <= options.max_width
        if options.max_width < _NARROW or not fits:
            yield self._narrow()
            return
        if not self.reasons:
            yield bare
            return
        width = Measurement.get(console, options, bare).maximum
        if options.max_width - width >= _REASON_ROOM + 3:
            yield self._table(True)
        else:
            yield bare
            yield Branches(self._listed())


def _settle_items(person, lang: str) -> Branches | None:
    """Under the table, per person: what would settle each unknown answer (SPEC 9)."""
    zh = lang == "zh"
    unknown = [a for a in person.answers if a.status == "unknown" and a.to_settle]
    if not unknown:
        return None
    head = Text(f"「{person.id}」待核实事项" if zh else f"To settle for {person.id}", style="bold")
    tree = Tree(head, guide_style="muted")
    seen: dict[str, Tree] = {}
    for a in unknown:
        for t in a.to_settle:
            branch = seen.get(t.path)
            if branch is None:
                line = Text(t.name, style="depends")
                if t.document:
                    line.append(
                        f"（{t.document}）" if zh else f" (document: {t.document})", style="muted"
                    )
                branch = seen[t.path] = tree.add(Wrapped(line, lang))
            label = f"{a.question}（{QUESTIONS[a.question].zh}）" if zh else a.question
            said = f"{label}：{t.sentence(lang)}" if zh else f"{label}: {t.sentence(lang)}"
            branch.add(Wrapped(Text(said), lang))
    return Branches(tree)


# -- explanations (pyagent why / why-not) ---------------------------------------------------
# pyagent.explain.why is imported where it is used, so that the other commands do not load it.
if TYPE_CHECKING:
    from pyagent.explain.why import Explanation, Explanations, Step

MARKS = {"yes": "✓", "no": "✗", "unknown": "?"}
_WHY_WORDS = {
    "en": {
        "why": "Why?",
        "why_not": "Why not?",
        "as_of": "as of {date}",
        "readings_default": "readings: the defaults",
        "readings_changed": "readings (not the default): {list}",
        "notes": "Not counted (P2.S3.b)",
        "decides": "What decides it",
        "now": "now: {value}",
        "now_sep": "; ",
        "in_short": "In short: {reason}",
        "nothing_fails": "nothing stands in the way: the answer is yes",
    },
    "zh": {
        "why": "为什么？",
        "why_not": "为什么不？",
        "as_of": "查询日 {date}",
        "readings_default": "读法：默认",
        "readings_changed": "读法（非默认）：{list}",
        "notes": "不作为限制性条件（P2.S3.b）",
        "decides": "取决于",
        "now": "目前：{value}",
        "now_sep": "；",
        "in_short": "小结：{reason}",
        "nothing_fails": "没有任何条件不满足：答案为是",
    },
}


def _explanation_head(e: Explanation, lang: str) -> Text:
    w = _WHY_WORDS[lang]
    space = " " if lang == "en" else ""
    text = Text(w["why_not" if e.mode == "why_not" else "why"] + space, style="bold")
    # zh: the id set apart as what-if sets it (「he_pending」), no space before 「（」
    who = f"{e.person} · {e.question} " if lang == "en" else f"「{e.person}」· {e.question}"
    text.append(who, style="bold")
    text.append(f"({e.question_text})" if lang == "en" else f"（{e.question_text}）", style="muted")
    text.append(": " if lang == "en" else "：")
    text.append_text(status_text(e.status, lang))
    if e.mode == "why_not" and e.status == "yes":
        text.append(" — " + w["nothing_fails"], style="muted")
    return text


def _step_label(step: Step, lang: str, quoted: set[str]) -> Text:
    label = Text()
    label.append(MARKS[step.holds] + " ", style=f"status.{step.holds}")
    label.append(step.text)
    label.append(suffix(step, lang), style="muted")
    if step.clause is not None:
        label.append(f" [{step.clause.ref}]", style="clause")
    label.append(readings_shown(step, lang), style="reading")
    inputs = _inputs_shown(step, lang)
    if inputs:
        label.append(" ← " + listed(inputs, lang), style="muted")
    if step.clause is not None and step.clause.id not in quoted:
        quoted.add(step.clause.id)
        label.append("\n")
        label.append_text(_quote(step.clause, lang))
    return label


def _quotes(clause, lang: str) -> tuple[str, str]:
    """The notice is quoted in 「」; SPEC's own wording in the quotation marks of the language."""
    if clause.kind == "contract" and lang == "en":
        return "“", "”"
    return "「", "」"


def _quote(clause, lang: str) -> Text:
    """A clause's whole sentence, its marked words underlined."""
    left, right = _quotes(clause, lang)
    text = Text(left, style="muted")
    for piece, marked in clause.spans():
        text.append(piece, style="bold underline" if marked else "muted")
    text.append(right, style="muted")
    return text


def _quote_markdown(clause, lang: str) -> str:
    left, right = _quotes(clause, lang)
    return left + "".join(f"**{_md(p)}**" if m else _md(p) for p, m in clause.spans()) + right


def _add_steps(tree: Tree, steps: Sequence[Step], lang: str, quoted: set[str]) -> None:
    for step in _drawn(steps):
        branch = tree.add(Wrapped(_step_label(step, lang, quoted), lang))
        _add_steps(branch, step.children, lang, quoted)


def _readings_text(found: Explanations) -> Text:
    w = _WHY_WORDS[found.lang]
    head = w["as_of"].format(date=found.as_of.isoformat()) + " · "
    if not found.changed:
        return Text(head + w["readings_default"], style="muted")
    shown = _clauses_listed(
        (_reading_named(n, v, found.lang) for n, v in found.changed), found.lang
    )
    return Text(head + w["readings_changed"].format(list=shown), style="reading")


def explanation_view(found: Explanations) -> Group:
    """The explanations as rich trees: each step marked ✓ ✗ ?, its clause, quoted once."""
    lang = found.lang
    w = _WHY_WORDS[lang]
    parts: list = []
    for k, e in enumerate(found.explanations):
        if k:
            parts.append(Text(""))
        quoted: set[str] = set()
        parts.append(_explanation_head(e, lang))
        parts.append(Wrapped(_readings_text(found), lang))
        tree = Tree(Wrapped(_step_label(e.root, lang, quoted), lang), guide_style="muted")
        _add_steps(tree, e.root.children, lang, quoted)
        parts.append(Branches(tree))
        if e.notes:
            notes = Tree(Text(w["notes"], style="bold"), guide_style="muted")
            _add_steps(notes, e.notes, lang, quoted)
            parts.append(Branches(notes))
        if e.decided_by:
            decides = Tree(Text(w["decides"], style="bold"), guide_style="muted")
            for d in e.decided_by:
                line = Text(_phrase_decider(d, lang))
                if d.value is not None:
                    value = _input_value_text(d.value, lang, named=True)
                    if value is not None:
                        line.append(w["now_sep"] + w["now"].format(value=value), style="muted")
                decides.add(Wrapped(line, lang))
            parts.append(Branches(decides))
        if e.reason:
            parts.append(Wrapped(Text(w["in_short"].format(reason=e.reason), style="bold"), lang))
    return Group(*parts)


def _phrase_decider(d, lang: str) -> str:
    from pyagent.explain.why import phrase_decider

    return phrase_decider(d, lang)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def explanation_markdown(found: Explanations) -> str:
    """The explanations as Markdown, for pasting into a report: nested lists, clause quotes
    as block quotes under the first step that cites them."""
    lang = found.lang
    w = _WHY_WORDS[lang]
    status = {"en": {"yes": "yes", "no": "no", "unknown": "unknown"}, "zh": STATUS_ZH}[lang]
    out: list[str] = []

    def steps(items: Sequence[Step], depth: int, quoted: set[str]) -> None:
        pad = "  " * depth
        for s in _drawn(items):
            line = f"{pad}- {MARKS[s.holds]} {_md(s.text)}"
            line += _md(suffix(s, lang))
            if s.clause is not None:
                line += f" **{_md(s.clause.ref)}**"
            line += _md(readings_shown(s, lang))
            shown = _inputs_shown(s, lang)
            if shown:
                line += " ← " + listed((f"`{x}`" for x in shown), lang)
            out.append(line)
            if s.clause is not None and s.clause.id not in quoted:
                quoted.add(s.clause.id)
                out.append(f"{pad}  > {_quote_markdown(s.clause, lang)}")
            steps(s.children, depth + 1, quoted)

    for k, e in enumerate(found.explanations):
        if k:
            out.append("")
        head = w["why_not" if e.mode == "why_not" else "why"]
        if lang == "zh":  # as the text's head: 「zhou」· title.assistant：否
            out.append(f"### {head}「{_md(e.person)}」· {_md(e.question)}：{status[e.status]}")
        else:
            out.append(f"### {head} {_md(e.person)} · {_md(e.question)}: {status[e.status]}")
        out.append("")
        out.append(f"*{_md(e.question_text)}* · {_md(_readings_text(found).plain)}")
        out.append("")
        quoted: set[str] = set()
        steps([e.root], 0, quoted)
        if e.notes:
            out.append("")
            out.append(f"**{_md(w['notes'])}**")
            out.append("")
            steps(e.notes, 0, quoted)
        if e.decided_by:
            out.append("")
            out.append(f"**{_md(w['decides'])}**")
            out.append("")
            for d in e.decided_by:
                out.append(f"- {_md(_phrase_decider(d, lang))}")
        if e.reason:
            out.append("")
            out.append(f"**{_md(w['in_short'].format(reason=e.reason))}**")
    return "\n".join(out) + "\n"


# -- what-if (pyagent.explain.whatif; sentences from pyagent.explain.whatif_phrasing) -------------
def what_if_view(w: WhatIf, lang: str = "en") -> Group:
    """A what-if: the answer now, the smallest sets of changes, and the earliest date."""
    from pyagent.explain.whatif_phrasing import phrase

    t = phrase(w, lang, listed=True)

    def said(text: str, style: str = "") -> Wrapped:  # broken as Chinese and English are read
        return Wrapped(Text(text, style=style), lang)

    parts: list = [said(t.title, "bold"), said(t.readings, "muted"), said(t.now)]
    parts.append(said(t.sets_head, "bold" if t.rows else ""))
    if t.rows:
        parts.append(_ChangesView(t, lang))
    parts.extend(said(line, "depends") for line in t.after_sets)
    if t.time:
        parts.append(said(t.time, "bold"))
    # a bullet a line, its text wrapped beside it (no line padded with spaces to the width)
    parts.extend(Wrapped(Text(line), lang, hang="  • ") for line in t.reasons)
    return Group(*parts)


class _ChangesView:
    """The sets of changes of a what-if: a table where it can be read, else one change a line
    under its set's number (at 4 cells the table's cells were empty)."""

    def __init__(self, t, lang: str) -> None:
        self.t, self.lang = t, lang

    def _table(self):
        from rich.table import Table

        t, lang = self.t, self.lang
        table = Table(show_lines=False, expand=False, show_header=True)
        table.add_column(t.columns[0], no_wrap=True)
        table.add_column(t.columns[1], overflow="fold")
        table.add_column(t.columns[2], style="clause")
        for i, (k, change, clauses) in enumerate(t.rows):
            table.add_row(
                Text(k),
                Wrapped(Text(change), lang),
                Wrapped(Text(clauses), lang),
                end_section=i in t.set_ends,
            )
        return table

    def _narrow(self) -> Group:
        t, lang = self.t, self.lang
        parts: list = []
        for k, change, clauses in t.rows:
            if k:  # the set's number
                parts.append(Text(f"第{k}组" if lang == "zh" else f"set {k}", style="bold"))
            line = Text(change)
            if clauses:
                line.append(f"（{clauses}）" if lang == "zh" else f" ({clauses})", style="clause")
            parts.append(Wrapped(line, lang, hang="  • "))
        return Group(*parts)

    def __rich_console__(self, console, options):
        yield self._table() if options.max_width >= _NARROW else self._narrow()


def what_if_markdown(w: WhatIf, lang: str = "en") -> str:
    """A what-if as Markdown, for pasting into a report: the same sentences, the changes as a
    table."""
    from pyagent.explain.whatif_phrasing import phrase

    t = phrase(w, lang)
    out = [f"### {_md(t.title)}", "", _md(t.readings), "", _md(t.now), "", _md(t.sets_head)]
    if t.rows:
        out += ["", "| " + " | ".join(t.columns) + " |", "|---|---|---|"]
        out += [f"| {k} | {_md(c)} | {_md(cl)} |" for k, c, cl in t.rows]
    if t.after_sets:
        out += [""] + [_md(line) for line in t.after_sets]
    if t.time:
        out += ["", _md(t.time)]
    if t.reasons:
        out += [""] + [f"- {_md(line)}" for line in t.reasons]
    return "\n".join(out) + "\n"
