"""``pyagent mutate`` on a terminal: the figures, each surviving mutant with the case that
tells it apart (as YAML ready to become a pin) and the answers under both, then the score."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from pyagent.cli.wrap import Tabled

from pyagent.pins.mutate import VERDICTS, MutationReport


def _answer(a) -> str:
    out = a.status
    if a.clauses:
        out += f"  clauses: {', '.join(a.clauses)}"
    if a.depends_on:
        out += f"  depends_on: {', '.join(a.depends_on)}"
    return out


def mutation_view(report: MutationReport) -> Group:
    parts: list = []
    ran = len(report.results)
    if report.sample:
        what = f"{ran} of {report.total} mutants (sample, seed {report.seed})"
    elif report.full:
        what = f"all {ran} mutants"
    else:
        what = f"{ran} of {report.total} mutants"
    if report.resumed:
        what += f", {report.resumed} of them from the record"

    table = Table(
        title=Text(f"Mutation testing · kb {report.kb} · {report.pins} pins · {what}"), expand=False
    )
    table.add_column("operator")
    for v in VERDICTS:
        table.add_column(v, justify="right")
    for op in sorted({r.mutant.operator for r in report.results}):
        rows = [r for r in report.results if r.mutant.operator == op]
        table.add_row(op, *(str(sum(1 for r in rows if r.verdict == v)) for v in VERDICTS))
    table.add_row(
        Text("all", style="bold"), *(Text(str(report.count(v)), style="bold") for v in VERDICTS)
    )
    parts.append(Tabled(table))
    for r in report.survivors:
        m, d = r.mutant, r.distinction
        parts.append(
            Text.assemble(("✗ survived ", "status.no"), (f"{m.where} ({m.operator})", "bold"))
        )
        parts.append(Text(f"    before: {m.before}"))
        parts.append(Text(f"    after:  {m.after or '(deleted)'}"))
        if d is not None:
            parts.append(
                Text(f"  A case that tells them apart ({d.candidate.origin}):", style="bold")
            )
            parts.append(Text("\n".join("    " + line for line in d.yaml().splitlines())))
            parts.append(Text(f"    {d.question} of {d.candidate.person.id}:"))
            parts.append(Text(f"      original: {_answer(d.original)}"))
            parts.append(Text(f"      mutant:   {_answer(d.mutant)}"))
    equivalents = [r for r in report.results if r.verdict == "equivalent"]
    if equivalents:
        parts.append(
            Text(
                f"Probably equivalent (no case within the bounds of the search answers differently): {len(equivalents)}",
                style="muted",
            )
        )
        for r in equivalents:
            parts.append(
                Text(
                    f"  {r.mutant.where} ({r.mutant.operator}): {r.mutant.before}  →  {r.mutant.after or '(deleted)'}",
                    style="muted",
                )
            )
    score = report.score
    shown = "n/a" if score is None else f"{100 * score:.1f} %"
    c = report.counts
    parts.append(
        Text(
            f"Mutation score {shown}: killed {c['killed']} ÷ (all {ran} − invalid {c['invalid']} − guarded "
            f"{c['guarded']} − equivalent {c['equivalent']}); {c['survived']} survived; "
            f"{report.seconds:.0f} s ({report.mutant_seconds:.0f} s of mutants summed).",
            style="status.yes" if report.holds else "status.no",
        )
    )
    return Group(*parts)
