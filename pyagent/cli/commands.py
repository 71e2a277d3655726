"""The command line: each command parses, calls one function of the library, prints.

Exit codes: 0 done; 1 a check failed; 2 bad input or usage (one message on
stderr naming the file, the place and what is wrong; never a traceback);
3 the solver did not finish within ``--timeout`` (one message naming the file).
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console

from pyagent.input.case import MAX_BYTES, load_case, parse_date, parse_readings
from pyagent.errors import EXIT_TIME_LIMIT, InputError, TimeLimitError
from pyagent.cli.render import THEME

# Each command imports the library modules it calls when it runs, so that `pyagent why`
# does not load batch, pins or what-if (whole-process time is part of the brief).

app = typer.Typer(
    name="pyagent",
    help="Ask the 2021 Xinjiang skills/titles through-path notice 'why?' and 'why not?'.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Lang(str, Enum):
    en = "en"
    zh = "zh"


ReadingOpt = Annotated[
    Optional[list[str]],
    typer.Option("--reading", "-r", help="Override a reading: name=value (repeatable).", metavar="NAME=VALUE"),
]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="The date asked on (YYYY-MM-DD).", metavar="DATE")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of labels: en or zh.")]
CaseArg = Annotated[Path, typer.Argument(help="A case file (YAML or JSON, SPEC section 2).", metavar="CASE")]


def _seconds(value: Optional[float]) -> Optional[float]:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"{value} is not a number of seconds greater than 0")
    return value


TimeoutOpt = Annotated[
    Optional[float],
    typer.Option(
        "--timeout",
        help="Stop with exit code 3 if the solver has not finished after SECONDS.",
        metavar="SECONDS",
        callback=_seconds,
    ),
]
MaxBytesOpt = Annotated[
    int,
    typer.Option("--max-bytes", help="Refuse a case file larger than this.", metavar="BYTES", min=1),
]


def out_console() -> Console:
    """stdout: the terminal's width, or 120 columns when it is a file or a pipe (rich's 80
    would fold clause ids and paths in the answer table)."""
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 120
    return Console(theme=THEME, highlight=False, soft_wrap=False, width=width)


def fail(message: str, code: int = 2) -> NoReturn:
    """The single exit path for errors: one message on stderr, no traceback."""
    Console(stderr=True, highlight=False, soft_wrap=True).print(message, markup=False)
    raise typer.Exit(code)


@contextmanager
def reported(lang: str = "en") -> Iterator[None]:
    """Bad input anywhere in a command: its one message (in ``lang``), exit code 2."""
    try:
        yield
    except InputError as err:
        fail(err.text(lang))
    except TimeLimitError as err:
        fail(err.text(lang), EXIT_TIME_LIMIT)


@contextmanager
def persons_bar(total: int, least: int = 20) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for a case of many persons, when stderr is a terminal."""
    if total < least or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    err = Console(stderr=True, highlight=False)
    with Progress(
        TextColumn("answering"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True,
    ) as bar:
        task = bar.add_task("persons", total=total)
        yield lambda done, _total: bar.update(task, completed=done)


def print_json(data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):  # e.g. PYTHONIOENCODING=ascii: the same JSON, escaped
        text = json.dumps(data, ensure_ascii=True, indent=2, sort_keys=False) + "\n"
    sys.stdout.write(text)


def load(case: Path, reading: list[str] | None, as_of: str | None, max_bytes: int = MAX_BYTES):
    """The case with the command line's overrides applied."""
    overrides = parse_readings(reading or [])
    day = parse_date(as_of, "--as-of", "") if as_of is not None else None
    return load_case(case, as_of=day, readings=overrides, max_bytes=max_bytes)


@app.command()
def ask(
    case: CaseArg,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    json_: JsonOpt = False,
    lang: LangOpt = Lang.en,
    timeout: TimeoutOpt = None,
    max_bytes: MaxBytesOpt = MAX_BYTES,
) -> None:
    """Every question for every person of CASE: yes, no or unknown, with the clauses.

    Example: pyagent ask queries/demo.yaml --reading field_list=open --json
    """
    from pyagent.explain.answers import answer_case
    from pyagent.cli.render import answers_table

    with reported(lang.value):
        loaded = load(case, reading, as_of, max_bytes)
        with persons_bar(len(loaded.persons)) as advance:
            answers = answer_case(loaded, timeout=timeout, progress=advance)
    if json_:
        print_json(answers.to_json())
    else:
        out_console().print(answers_table(answers, lang.value))


class Format(str, Enum):
    tree = "tree"
    markdown = "markdown"


QuestionArg = Annotated[
    str, typer.Argument(help="A question id of SPEC section 3, e.g. title.assistant.", metavar="QUESTION")
]
PersonOpt = Annotated[
    Optional[str],
    typer.Option("--person", "-p", help="The person to explain (default: every person of CASE).", metavar="ID"),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", help="tree (default) or markdown, for pasting into a report.")
]
WhyJsonOpt = Annotated[bool, typer.Option("--json", help="Print the pyagent.explanation/1 JSON document.")]


def _explain(
    mode: str, case: Path, question: str, person: str | None, reading: list[str] | None,
    as_of: str | None, json_: bool, lang: Lang, format_: Format, max_bytes: int,
) -> None:
    from pyagent.cli.render import explanation_markdown, explanation_view
    from pyagent.explain.why import explain_question

    if json_ and format_ is not Format.tree:
        fail("--json 与 --format markdown 只能选其一" if lang.value == "zh" else "--json and --format markdown: choose one")
    with reported(lang.value):
        found = explain_question(
            load(case, reading, as_of, max_bytes), question, person=person, lang=lang.value, mode=mode
        )
    if json_:
        print_json(found.to_json())
    elif format_ is Format.markdown:
        sys.stdout.write(explanation_markdown(found))
    else:
        out_console().print(explanation_view(found))


@app.command()
def why(
    case: CaseArg,
    question: QuestionArg,
    person: PersonOpt = None,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    json_: WhyJsonOpt = False,
    lang: LangOpt = Lang.en,
    format_: FormatOpt = Format.tree,
    max_bytes: MaxBytesOpt = MAX_BYTES,
) -> None:
    """Why the answer to QUESTION is what it is: for yes the derivation, for no every failed
    condition, for unknown the inputs that decide it; each step cites its clause.

    Example: pyagent why queries/demo.yaml title.intermediate --person wang_technician
    """
    _explain("why", case, question, person, reading, as_of, json_, lang, format_, max_bytes)


@app.command("why-not")
def why_not(
    case: CaseArg,
    question: QuestionArg,
    person: PersonOpt = None,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    json_: WhyJsonOpt = False,
    lang: LangOpt = Lang.en,
    format_: FormatOpt = Format.tree,
    max_bytes: MaxBytesOpt = MAX_BYTES,
) -> None:
    """The same as why, phrased from the negative side: what fails, and what would make it fail.

    Example: pyagent why-not queries/demo.yaml title.assistant --person li_senior_worker
    """
    _explain("why_not", case, question, person, reading, as_of, json_, lang, format_, max_bytes)


@app.command("what-if")
def what_if_command(
    case: CaseArg,
    question: Annotated[
        str, typer.Argument(help="A question id (SPEC section 3), e.g. title.assistant.", metavar="QUESTION")
    ],
    person: Annotated[
        Optional[str],
        typer.Option("--person", "-p", help="The person asked about (needed when CASE has several).", metavar="ID"),
    ] = None,
    max_sets: Annotated[
        int, typer.Option("--max", help="List at most this many smallest sets of changes (ties).", min=1)
    ] = 5,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    json_: JsonOpt = False,
    lang: LangOpt = Lang.en,
    max_bytes: MaxBytesOpt = MAX_BYTES,
) -> None:
    """What would make the answer yes: the smallest changes, and the earliest date by time alone.

    Example: pyagent what-if queries/demo.yaml title.assistant --person li_senior_worker
    """
    with reported(lang.value):
        from pyagent.cli.render import what_if_view
        from pyagent.explain.whatif import what_if

        result = what_if(load(case, reading, as_of, max_bytes), person, question, max_sets=max_sets)
    if json_:
        print_json(result.to_json())
    else:
        out_console().print(what_if_view(result, lang.value))


PinPathsArg = Annotated[
    Optional[list[Path]],
    typer.Argument(help="Pin files or directories of them (default: queries/).", metavar="[PATH]..."),
]
KbOpt = Annotated[
    Optional[Path],
    typer.Option("--kb", help="Check against the knowledge base in DIR instead of the project's.", metavar="DIR"),
]


def _kb_dir(kb: Optional[Path]) -> Optional[Path]:
    if kb is not None and not (kb / "main.lp").is_file():
        raise InputError(str(kb), "", "not a knowledge base directory (it has no main.lp)")
    return kb


@app.command()
def check(
    paths: PinPathsArg = None,
    kb: KbOpt = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every pin, not only those that fail.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Run the pinned cases: exit 1 if any answer, or any reason pinned, is not what it must be.

    Example: pyagent check queries/p3_s1_assistant --kb /tmp/kb-copy
    """
    with reported():
        directory = _kb_dir(kb)
        from pyagent.pins.check import load_pins, run_pins
        from pyagent.cli.render import pin_report_view

        report = run_pins(load_pins(paths or [Path("queries")]), directory)
    if json_:
        print_json(report.to_json())
    else:
        out_console().print(pin_report_view(report, verbose))
    if not report.holds:
        raise typer.Exit(1)


@app.command()
def coverage(paths: PinPathsArg = None, kb: KbOpt = None) -> None:
    """What the pins cover: per clause and reading value, pins by status; rules never fired.

    Exit 1 when an encoded clause lacks a yes or a no pin, or a reading lacks a pin whose
    answer changes under it.  Example: pyagent coverage queries/
    """
    with reported():
        directory = _kb_dir(kb)
        from pyagent.pins.coverage import coverage as pin_coverage
        from pyagent.pins.check import load_pins
        from pyagent.cli.render import coverage_view

        report = pin_coverage(load_pins(paths or [Path("queries")]), directory)
    out_console().print(coverage_view(report))
    if report.gaps:
        raise typer.Exit(1)


@app.command()
def lint(
    kb: KbOpt = None,
    notice: Annotated[
        Optional[Path],
        typer.Option("--notice", help="The notice's clause table (default: ../shared/notice/clauses.md).", metavar="FILE"),
    ] = None,
) -> None:
    """Check the knowledge base's conventions: citations, clauses, grounding, readings, docs.

    Exit 1 on any problem.  Example: pyagent lint
    """
    with reported():
        if notice is not None and not notice.is_file():
            raise InputError(str(notice), "", "no such file")
        from pyagent.pins.lint import lint as lint_kb
        from pyagent.cli.render import lint_view

        report = lint_kb(_kb_dir(kb), notice)
    out_console().print(lint_view(report))
    if not report.holds:
        raise typer.Exit(1)


@app.command()
def diff(
    paths: Annotated[
        list[Path], typer.Argument(help="Case or pin files, or directories of them.", metavar="CASE-OR-DIR...")
    ],
    reading: ReadingOpt = None,
    kb: KbOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Which answers the readings given change against the defaults, with the clause responsible.

    Example: pyagent diff queries/demo.yaml --reading field_list=open
    """
    with reported():
        from pyagent.pins.diff import reading_diff
        from pyagent.cli.render import reading_diff_view

        result = reading_diff(paths, parse_readings(reading or []), _kb_dir(kb))
    if json_:
        print_json(result.to_json())
    else:
        out_console().print(reading_diff_view(result))


@app.command()
def batch(
    roster: Annotated[Path, typer.Argument(
        help="A roster: JSONL (one SPEC section 2 person a line) or CSV (columns in the README).",
        metavar="ROSTER")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The answers: OUT.jsonl (SPEC section 8 per person) or OUT.csv "
        "(a status column per question); errors and summary go beside it.", metavar="OUT")],
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    parameter: Annotated[Optional[list[str]], typer.Option(
        "--parameter", help="A parameter of SPEC section 6: name=years (repeatable).",
        metavar="NAME=VALUE")] = None,
    compare_reading: Annotated[Optional[list[str]], typer.Option(
        "--compare-reading", help="Also answer under this reading and count the answers that "
        "flip, each way (repeatable).", metavar="NAME=VALUE")] = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: every core).")] = None,
    output_format: Annotated[Optional[str], typer.Option(
        "--format", help="Output format, jsonl or csv (default: from OUT's name).")] = None,
    input_format: Annotated[Optional[str], typer.Option(
        "--input-format", help="Roster format, jsonl or csv (default: from ROSTER's name).")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar (there is none either when stderr is not a terminal).")] = False,
    json_: Annotated[bool, typer.Option(
        "--json", help="Print the summary as JSON on stdout (it is always written beside OUT).")] = False,
) -> None:
    """Every question for every person of a roster, streamed to OUT in input order.

    Bad rows never stop the batch: each is reported on stderr and in OUT.errors.jsonl, and the
    summary checks that persons in = persons out + persons in errors.  OUT is written under a
    .partial name and renamed at the end; OUT.summary.json, written last, marks a complete run.
    Ctrl-C stops it with exit code 130 and removes the partial files.

    Example: pyagent batch roster.jsonl -o answers.jsonl --as-of 2026-07-01 --compare-reading basically_qualified=passes
    """
    import datetime as _dt
    import signal as _signal
    import time as _time

    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from pyagent.batch.pipeline import BatchConfig, BatchInterrupted, parse_parameters, run_batch

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with reported():
        config = BatchConfig(
            as_of=parse_date(as_of, "--as-of", "") if as_of is not None else _dt.date.today(),
            readings=parse_readings(reading or []),
            parameters=parse_parameters(parameter or []),
            compare=parse_readings(compare_reading, "--compare-reading") if compare_reading else None,
            jobs=jobs,
            output_format=output_format,
            input_format=input_format,
        )
        show = sys.stderr.isatty() and not quiet
        bar = Progress(
            TextColumn("answering"), BarColumn(), TaskProgressColumn(),
            TextColumn("{task.fields[persons]:,} persons, {task.fields[rate]:,.0f}/s"),
            TimeRemainingColumn(), console=err, transient=True, disable=not show,
        )
        task = bar.add_task("batch", total=None, persons=0, rate=0.0)
        began = _time.perf_counter()

        def progress(persons: int, done: int, total: int) -> None:
            rate = persons / max(_time.perf_counter() - began, 1e-9)
            bar.update(task, completed=done, total=total, persons=persons, rate=rate)

        def bad_row(e: dict) -> None:
            suffix = f" (row not answered: {e['id']})" if e.get("id") else " (row not answered)"
            bar.console.print(e["message"] + suffix, markup=False, highlight=False)

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        previous = _signal.signal(_signal.SIGTERM, stop)
        try:
            with bar:
                summary = run_batch(roster, output, config, progress=progress, on_error=bad_row)
        except BatchInterrupted as stopped:
            fail(str(stopped), 130)
        finally:
            _signal.signal(_signal.SIGTERM, previous)
    if json_:
        print_json(summary.to_json())
    table = Table(title=None, show_edge=False, pad_edge=False)
    table.add_column("question", no_wrap=True, min_width=29)
    for s in ("yes", "no", "unknown"):
        table.add_column(s, justify="right")
    if summary.flips is not None:
        shown = ", ".join(f"{k}={v}" for k, v in summary.compare.items())
        table.add_column(f"flips under {shown}")
    for q, c in summary.counts.items():
        row = [q, f"{c['yes']:,}", f"{c['no']:,}", f"{c['unknown']:,}"]
        if summary.flips is not None:
            row.append(", ".join(f"{k} {v:,}" for k, v in summary.flips[q].items()) or "none")
        table.add_row(*row)
    err.print(table)
    err.print(
        f"{summary.persons_in:,} persons in = {summary.persons_out:,} answered ({summary.output}) "
        f"+ {summary.errors:,} in errors ({summary.errors_file}); "
        f"{summary.seconds:,.1f} s, {summary.persons_in / max(summary.seconds, 1e-9):,.0f} persons/s",
        markup=False,
    )


def version_callback(value: bool) -> None:
    if value:
        from pyagent import __version__

        typer.echo(f"pyagent {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Ask the 2021 Xinjiang skills/titles through-path notice 'why?' and 'why not?'."""


def main() -> None:
    """The console script: bad input ends with exit code 2 and one message, never a traceback."""
    for stream in (sys.stdout, sys.stderr):  # text the terminal cannot show is escaped, not fatal
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        with reported():
            app(standalone_mode=True)
    except typer.Exit as done:
        sys.exit(done.exit_code)
