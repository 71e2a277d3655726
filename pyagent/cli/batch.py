"""The batch command: a roster answered at scale (pyagent.batch.pipeline)."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from pyagent.cli.app import app
from pyagent.cli.options import (
    AsOfOpt,
    Lang,
    LangOpt,
    ParameterOpt,
    ReadingOpt,
    err_console,
    fail,
    parse_parameters,
    print_json,
    reported,
)
from pyagent.errors import InputError, listed, msg
from pyagent.errors import shown as inert_text
from pyagent.input.case import parse_date, parse_readings


# the progress bar's line per phase of a batch (pyagent.batch.pipeline.Progress): en, zh
PHASES = {
    "reading": ("reading", "读取名单"),
    "answering": ("answering", "作答"),
    "writing": ("writing", "写出答案"),
}


def _answered_what(config, zh: bool) -> str:
    """What phase 2 counts: distinct situations (with reasons, each answered as ``ask``
    answers a person), distinct keys (without), or both (with reasons and a compared
    reading, whose statuses come from keys)."""
    if not config.reasons:
        return "不同答案键" if zh else "distinct keys"
    if config.compare:
        return "不同情形和答案键" if zh else "distinct situations and keys"
    return "不同情形" if zh else "distinct situations"


def _stdin_roster(input_format: str | None) -> tuple[Path, str]:
    """Standard input copied, as it comes and byte for byte, to a temporary file the pipeline
    reads as it reads a roster file (so a CSV in GB18030 is read as from a file); its format
    is ``input_format`` or what its first bytes read as (`pyagent.input.sources.stdin_kind`).
    The caller removes the file."""
    from pyagent.input.sources import spool_stdin, stdin_kind

    stream = sys.stdin.buffer
    head = stream.read(1 << 16)
    kind = input_format or stdin_kind(head)
    if kind not in ("jsonl", "csv", "xlsx"):
        raise InputError(
            "<stdin>",
            "",
            msg(
                "cannot tell the roster's format; give --input-format jsonl, csv or xlsx",
                "无法判断花名册的格式；请给出 --input-format jsonl、csv 或 xlsx",
            ),
        )
    return spool_stdin(head, kind), kind  # no bound: batch streams a roster of any size


@app.command()
def batch(
    roster: Annotated[
        Path,
        typer.Argument(
            help="A roster: JSONL (one SPEC section 2 person a line), CSV or Excel (.xlsx) with the "
            "columns of the README (English or Chinese headers), or - for standard input.",
            metavar="ROSTER",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The answers: OUT.jsonl (SPEC section 8 per person), OUT.csv or "
            "OUT.xlsx (per question: status, reason, clauses, what would settle it); errors and "
            "summary go beside it.",
            metavar="OUT",
        ),
    ],
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    parameter: ParameterOpt = None,
    compare_reading: Annotated[
        Optional[list[str]],
        typer.Option(
            "--compare-reading",
            help="Also answer under this reading and count the answers that "
            "flip, each way (repeatable).",
            metavar="NAME=VALUE",
        ),
    ] = None,
    flips: Annotated[
        Optional[Path],
        typer.Option(
            "--flips",
            help="With --compare-reading: write every answer that flips, by id, with its "
            "status and reason under both readings, to FILE (.csv, .xlsx or .jsonl).",
            metavar="FILE",
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option("--jobs", "-j", min=1, help="Worker processes (default: every core)."),
    ] = None,
    dask: Annotated[
        Optional[str],
        typer.Option(
            "--dask",
            help="Run on Dask: 'local' (a LocalCluster of --jobs workers) or a scheduler's "
            "address, tcp://HOST:8786 (needs the dask extra; the same output).",
            metavar="ADDRESS",
        ),
    ] = None,
    output_format: Annotated[
        Optional[str],
        typer.Option(
            "--format", help="Output format, jsonl, csv or xlsx (default: from OUT's name)."
        ),
    ] = None,
    input_format: Annotated[
        Optional[str],
        typer.Option(
            "--input-format",
            help="Roster format, jsonl, csv or xlsx (default: from ROSTER's name).",
        ),
    ] = None,
    lang: LangOpt = Lang.en,
    reasons: Annotated[
        bool,
        typer.Option(
            "--reasons/--no-reasons",
            help="Each answer's one-line reason and what would settle an unknown, as ask --json "
            "gives them (each distinct situation explained as ask explains a person); "
            "--no-reasons leaves them out (much faster on a roster of varied persons).",
        ),
    ] = True,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="No progress bar (there is none either when stderr is not a terminal).",
        ),
    ] = False,
    json_: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the summary as JSON on stdout (it is always written beside OUT)."
        ),
    ] = False,
) -> None:
    """Every question for every person of a roster, streamed to OUT in input order.

    Bad rows never stop the batch: each is reported on stderr and in OUT.errors.jsonl, and the
    summary checks that persons in = persons out + persons in errors.  OUT is written under a
    .partial name and renamed at the end; OUT.summary.json, written last, marks a complete run.
    Ctrl-C stops it with exit code 130 and removes the partial files.

    Example: pyagent batch roster.xlsx -o answers.xlsx --compare-reading basically_qualified=passes --flips flips.xlsx
    """
    from rich.progress import (
        BarColumn,
        Progress,
        TaskID,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    from pyagent.batch.outputs import OutputError, SideTable
    from pyagent.batch.pipeline import BatchConfig, BatchInterrupted, run_batch
    from pyagent.input.roster import roster_format

    import warnings

    from pyagent.errors import NearMatchWarning

    warnings.simplefilter("ignore", NearMatchWarning)  # not once per row of a large roster
    err = err_console()
    with reported(lang.value), contextlib.ExitStack() as stack:
        if flips is not None:
            if not compare_reading:
                raise InputError(
                    "--flips",
                    "",
                    msg(
                        "needs --compare-reading NAME=VALUE (the reading to compare with)",
                        "需要 --compare-reading 名称=取值（用来比较的读法）",
                    ),
                )
            from pyagent.input.sheets import table_format

            table_format(flips)
        source = None  # the roster's name in messages: its path, or <stdin>
        if str(roster) == "-":
            roster, input_format = _stdin_roster(input_format)
            source = "<stdin>"
            stack.callback(roster.unlink, missing_ok=True)
        roster_format(output, output_format)  # an extension it cannot write is refused now
        flips_file = (  # checked and locked before any work, as OUT is
            SideTable.claim_beside(roster, flips, output, "the flips file", "翻转名单文件")
            if flips is not None
            else None
        )
        config = BatchConfig(
            as_of=parse_date(as_of, "--as-of", "") if as_of is not None else dt.date.today(),
            readings=parse_readings(reading or []),
            parameters=parse_parameters(parameter or []),
            compare=parse_readings(compare_reading, "--compare-reading")
            if compare_reading
            else None,
            jobs=jobs,
            dask=dask,
            output_format=output_format,
            input_format=input_format,
            lang=lang.value,
            reasons=reasons,
        )
        show = sys.stderr.isatty() and not quiet
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not show,
        )
        zh = lang.value == "zh"
        tasks: dict[str, TaskID] = {}
        began: dict[str, float] = {}
        flipped: list[int] = []

        def progress(phase: str, done: int, total: int, persons: int) -> None:
            task = tasks.get(phase)
            if task is None:
                began[phase] = time.perf_counter()
                task = tasks[phase] = bar.add_task(
                    PHASES[phase][zh], total=total or None, detail=""
                )
            seconds = max(time.perf_counter() - began[phase], 1e-9)
            if phase == "reading":
                rate = persons / seconds
                detail = (
                    f"{persons:,}人，每秒{rate:,.0f}人"
                    if zh
                    else f"{persons:,} persons, {rate:,.0f}/s"
                )
            elif phase == "answering":
                what = _answered_what(config, zh)
                detail = f"{what} {done:,}/{total:,}" if zh else f"{done:,} of {total:,} {what}"
            else:
                detail = f"分块 {done:,}/{total:,}" if zh else f"{done:,} of {total:,} parts"
            bar.update(task, completed=done, total=total or None, detail=detail)
            if show:
                bar.refresh()  # each block shows as it comes, not at the next tick only

        def bad_row(e: dict) -> None:
            if lang.value == "zh":
                suffix = f"（该行未作答：{e['id']}）" if e.get("id") else "（该行未作答）"
            else:
                suffix = f" (row not answered: {e['id']})" if e.get("id") else " (row not answered)"
            bar.console.print(e["message"] + suffix, markup=False, highlight=False)

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            with bar:
                summary = run_batch(
                    roster,
                    output,
                    config,
                    progress=progress,
                    on_error=bad_row,
                    source=source,
                    on_flip=lambda line, _pid: flipped.append(line),
                )
            if flips_file is not None and config.compare:
                _write_flips(roster, flips_file, flipped, config, lang.value)
        except BatchInterrupted as stopped:
            fail(stopped.text(lang.value), 130)
        except KeyboardInterrupt:  # while the flips were written: the batch's files are whole
            fail(
                msg(
                    "interrupted while writing {f}; it was not written",
                    "写出 {f} 时被中断；该文件未写出",
                    f=flips,
                ).text(lang.value),
                130,
            )
        except OutputError as broken:  # disk full, read-only, ...: exit 1, nothing left behind
            fail(broken.text(lang.value), 1)
        finally:
            signal.signal(signal.SIGTERM, previous)
            if flips_file is not None:
                flips_file.discard()
    if json_:
        print_json(summary.to_json())
    _summary_table(err, summary, flips, lang.value)


def _write_flips(roster: Path, target, lines: list[int], config, lang: str) -> None:
    """Who flips, with both reasons: the flipped rows answered again and explained, written
    to ``target`` (a `pyagent.batch.outputs.SideTable`) when all are."""
    from pyagent.explain.flips import flips_between, write_flips
    from pyagent.input.case import MAX_PERSONS
    from pyagent.input.sources import load_lines

    found = []
    for start in range(0, len(lines), MAX_PERSONS):
        case = load_lines(
            roster,
            set(lines[start : start + MAX_PERSONS]),
            as_of=config.as_of,
            readings=config.readings,
            parameters=config.parameters,
        )
        found += flips_between(case, config.compare, lang)
    from pyagent.input.sheets import table_format

    fmt = table_format(target.out)
    target.write(lambda temp: write_flips(temp, found, lang, fmt))


def _summary_table(err, summary, flips: Path | None, lang: str = "en") -> None:
    """The summary on stderr, in the language asked for (SPEC 9): per question the counts of each
    status (and of flips under a compared reading), then persons in = out + errors."""
    from rich.table import Table

    from rich.text import Text

    from pyagent.cli.wrap import Tabled, Wrapped
    from pyagent.explain.words import STATUS_TEXT

    zh = lang == "zh"
    words = STATUS_TEXT["zh" if zh else "en"]
    table = Table(title=None, show_edge=False, pad_edge=False)
    table.add_column("问题" if zh else "question", no_wrap=True, min_width=29)
    for s in ("yes", "no", "unknown"):
        table.add_column(words[s], justify="right")
    if summary.flips is not None:
        shown = listed(f"{k}={v}" for k, v in summary.compare.items()).text(lang)
        said = f"改变的答案（{shown}）" if zh else f"flips under {shown}"
        table.add_column(Wrapped(Text(said), lang))  # a reading's code never cut to 「…」
    for q, c in summary.counts.items():
        row = [q, f"{c['yes']:,}", f"{c['no']:,}", f"{c['unknown']:,}"]
        if summary.flips is not None:
            flipped = listed(
                f"{_flip(k, words) if zh else k} {v:,}" for k, v in summary.flips[q].items()
            ).text(lang)
            row.append(flipped or ("无" if zh else "none"))
        table.add_row(*row)
    err.print(Tabled(table, lang))
    rate = summary.persons_in / max(summary.seconds, 1e-9)
    out, errors = inert_text(summary.output, 1000), inert_text(summary.errors_file, 1000)
    line = msg(
        "{n} {persons} in = {o} answered ({out}) + {e} in errors ({errors}); {s} s, {r} persons/s",
        "输入{n}人 = 已作答{o}人（{out}）+ 出错{e}人（{errors}）；用时{s}秒，每秒{r}人",
        n=f"{summary.persons_in:,}",
        persons="person" if summary.persons_in == 1 else "persons",
        o=f"{summary.persons_out:,}",
        out=out,
        e=f"{summary.errors:,}",
        errors=errors,
        s=f"{summary.seconds:,.1f}",
        r=f"{rate:,.0f}",
    )
    err.print(line.text(lang), markup=False)
    if flips is not None:
        said = msg(
            "who flips, with the reasons under both readings: {f}",
            "答案改变的人员及两种读法下的理由：{f}",
            f=str(flips),
        )
        err.print(said.text(lang), markup=False)


def _flip(change: str, words: dict[str, str]) -> str:
    """``no->unknown`` said with the statuses' words: 否→未知."""
    return "→".join(words.get(status, status) for status in change.split("->"))
