"""Pinned cases, coverage, lint and reading diffs as rich renderables (`pyagent.pins.check`,
``.coverage``, ``.lint``, ``.diff``); answers and explanations are in `pyagent.cli.render`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from pyagent.cli.render import status_text
from pyagent.cli.wrap import Tabled
from pyagent.engine.questions import QUESTIONS
from pyagent.errors import listed, shown as _inert

if TYPE_CHECKING:  # for annotations only: a command loads only the modules it uses
    from pyagent.pins.check import PinReport
    from pyagent.pins.coverage import Coverage
    from pyagent.pins.diff import ReadingDiff
    from pyagent.pins.lint import LintReport


def pin_report_view(report: PinReport, verbose: bool = False) -> Group:
    """One row per pin file; then every pin that does not hold: expected against actual, and
    the explanation of the actual answer."""
    parts: list = []
    files: dict[str, list] = {}
    for r in report.results:
        files.setdefault(r.pin.source, []).append(r)
    table = Table(title=Text(f"Pinned cases · kb {report.kb}"), expand=False)
    table.add_column("file", no_wrap=True)
    table.add_column("pins", justify="right")
    table.add_column("answers", justify="right")
    table.add_column("result", no_wrap=True)
    for source, results in files.items():
        failed = sum(1 for r in results if not r.holds)
        result = (
            Text("all hold", style="status.yes")
            if not failed
            else Text(f"{failed} fail", style="status.no")
        )
        table.add_row(
            Text(_inert(source, 1000)),
            str(len(results)),
            str(sum(len(r.outcomes) for r in results)),
            result,
        )
        if verbose:
            for r in results:
                mark = Text(
                    "  ✓ " if r.holds else "  ✗ ", style="status.yes" if r.holds else "status.no"
                )
                table.add_row(mark + Text(r.pin.name, style="muted"), "", str(len(r.outcomes)), "")
    parts.append(Tabled(table))
    for r in report.failed:
        where = _inert(f"{r.pin.source}:{r.pin.line}" if r.pin.line else r.pin.source, 1000)
        parts.append(Text.assemble(("✗ ", "status.no"), (r.pin.name, "bold"), f"  ({where})"))
        rows = Table(show_header=True, expand=False, box=None, padding=(0, 2, 0, 2))
        for column in ("answer", "expected", "actual", "what is wrong"):
            rows.add_column(column)
        for o in r.failures:
            rows.add_row(
                Text(o.expectation.label()),
                status_text(o.expectation.status),
                status_text(o.status),
                Text("; ".join(o.problems)),
            )
        parts.append(rows)
        for o in r.failures:
            if o.explanation:
                parts.append(Text(f"  Why {o.expectation.label()} is {o.status}:", style="bold"))
                parts.append(
                    Text(
                        "\n".join("    " + line for line in o.explanation.splitlines()),
                        style="muted",
                    )
                )
    pins, answers = len(report.results), report.expectations
    failed = len(report.failed)
    counted = f"{pins} pin{'s' * (pins != 1)}, {answers} pinned answer{'s' * (answers != 1)}"
    summary = (
        Text(f"{counted}: all hold.", style="status.yes")
        if not failed
        else Text(
            f"{counted}: {failed} {'pins do' if failed != 1 else 'pin does'} not hold.",
            style="status.no",
        )
    )
    parts.append(summary)
    return Group(*parts)


def coverage_view(c: Coverage) -> Group:
    """Per clause and per reading value, the pins exercising it by status; rules never fired."""
    counted = (
        f"{c.pins} pin{'s' * (c.pins != 1)}, {c.answers} pinned answer{'s' * (c.answers != 1)}"
    )
    clauses = Table(title=Text(f"Clauses · {counted}"), expand=False)
    for column in ("clause", "kind", "yes", "no", "unknown", "covered"):
        clauses.add_column(
            column, justify="right" if column in ("yes", "no", "unknown") else "left"
        )
    for k in c.clauses:
        missing = k.missing
        covered = (
            Text("yes", style="status.yes")
            if not missing
            else Text("needs a pin answered " + " and ".join(missing), style="status.no")
        )
        clauses.add_row(
            Text(k.ref, style="clause"),
            k.kind,
            *(str(k.pins[s]) for s in ("yes", "no", "unknown")),
            covered,
        )
    readings = Table(title=Text("Readings"), expand=False)
    for column in ("reading", "value", "yes", "no", "unknown", "changes an answer in"):
        readings.add_column(
            column, justify="right" if column in ("yes", "no", "unknown") else "left"
        )
    for r in c.readings:
        label = Text(r.value) + (Text(" (default)", style="muted") if r.default else Text(""))
        if r.default:
            decisive = Text("")
        elif r.decisive:
            decisive = Text(
                f"{len(r.decisive)} pin{'s' * (len(r.decisive) != 1)}", style="status.yes"
            )
        else:
            decisive = Text("no pin", style="status.no")
        readings.add_row(
            Text(r.name, style="reading"),
            label,
            *(str(r.pins[s]) for s in ("yes", "no", "unknown")),
            decisive,
        )
    parts: list = [Tabled(clauses), Tabled(readings)]
    if c.unfired:
        parts.append(
            Text(
                f"Rules that never fired in any pin ({len(c.unfired)} of {c.rules}):", style="bold"
            )
        )
        for u in c.unfired:
            parts.append(Text(f"  {u.file}:{u.line}  {u.text}"))
    else:
        parts.append(
            Text(f"Every one of the {c.rules} rules fired in some pin.", style="status.yes")
        )
    if c.gaps:
        parts.append(Text(f"{len(c.gaps)} gaps:", style="status.no"))
        parts.extend(Text(f"  {g}") for g in c.gaps)
    else:
        parts.append(
            Text(
                "No gaps: every encoded clause has a yes and a no pin, every reading a pin "
                "whose answer changes under it.",
                style="status.yes",
            )
        )
    return Group(*parts)


def lint_view(report: LintReport) -> Group:
    parts: list = [
        Text(f"{p.where}: ", style="clause")
        + Text(f"[{p.check}] ", style="status.no")
        + Text(p.message)
        for p in report.problems
    ]
    parts.extend(Text(f"note: {n}", style="muted") for n in report.notes)
    if report.holds:
        parts.append(
            Text(
                f"lint: {report.rules} rules (with a body, as coverage counts them) of "
                f"{report.kb}: no problems.",
                style="status.yes",
            )
        )
    else:
        parts.append(
            Text(f"lint: {len(report.problems)} problems in {report.kb}.", style="status.no")
        )
    return Group(*parts)


def reading_diff_view(d: ReadingDiff, lang: str = "en") -> Group:
    zh = lang == "zh"
    given = listed(f"{n}={v}" for n, v in d.readings.items()).text(lang)
    title = f"在读法 {given} 下改变的答案" if zh else f"Answers that change under {given}"
    table = Table(title=Text(title), expand=False)
    columns = (
        ("案例", "人员", "问题", "默认读法", given, "相关条款")
        if zh
        else ("case", "person", "question", "default", given, "clauses responsible")
    )
    for column in columns:
        table.add_column(column, overflow="fold")
    for ch in d.changes:
        label = Text(ch.question)
        if zh:
            label.append(f" {QUESTIONS[ch.question].zh}", style="muted")
        table.add_row(
            Text(_inert(ch.source, 1000)),
            Text(_inert(ch.person, 200)),
            label,
            status_text(ch.before, lang),
            status_text(ch.after, lang),
            Text(listed(ch.clauses).text(lang), style="clause"),
        )
    summary = Text(
        f"{d.cases}个案例的{d.answers}个答案中，{len(d.changes)}个改变。"
        if zh
        else f"{len(d.changes)} of {d.answers} answers in {d.cases} case{'s' * (d.cases != 1)} change."
    )
    return Group(Tabled(table, lang), summary) if d.changes else Group(summary)
