"""The commands on pinned cases and readings: check, coverage, lint, diff."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from pyagent.cli.app import app
from pyagent.cli.options import (
    AsOfOpt,
    Format,
    FormatOpt,
    JsonOpt,
    Lang,
    LangOpt,
    ParameterOpt,
    PersonOpt,
    ReadingOpt,
    as_of_date,
    fail,
    chosen_format,
    emit,
    near_matches,
    parse_parameters,
    reported,
)
from pyagent.errors import InputError, msg
from pyagent.input.case import parse_readings

PinPathsArg = Annotated[
    Optional[list[Path]],
    typer.Argument(
        help="Pin files or directories of them (default: queries/).", metavar="[PATH]..."
    ),
]
KbOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--kb",
        help="Check against the knowledge base in DIR instead of the project's.",
        metavar="DIR",
    ),
]


def _kb_dir(kb: Optional[Path]) -> Optional[Path]:
    if kb is not None and not (kb / "main.lp").is_file():
        raise InputError(
            str(kb),
            "",
            msg(
                "not a knowledge base directory (it has no main.lp)",
                "不是知识库目录（其中没有 main.lp）",
            ),
        )
    return kb


@app.command()
def check(
    paths: PinPathsArg = None,
    kb: KbOpt = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every pin, not only those that fail.")
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Write the clauses (and depends_on) the answers give into the pins whose status holds; print the diff.",
        ),
    ] = False,
    json_: JsonOpt = False,
    format_: FormatOpt = Format.text,
) -> None:
    """Run the pinned cases: exit 1 if any answer, or any reason pinned, is not what it must be.

    Everything read from the knowledge base (rules, reading tables, clause ids) comes from
    --kb DIR when given.  Example: pyagent check queries/p3_s1_assistant --kb /tmp/kb-copy
    """
    shown = chosen_format(format_, json_)
    with reported():
        directory = _kb_dir(kb)
        from pyagent.cli.options import err_console
        from pyagent.cli.render_pins import pin_report_view
        from pyagent.kb import using_kb
        from pyagent.pins.check import load_pins, run_pins

        with using_kb(directory):
            pins = load_pins(paths or [Path("queries")])
            if update:
                from pyagent.pins.update import update_pins

                change = update_pins(pins, directory)
                change.write()
                sys.stdout.write(change.diff)
                for line in change.skipped:
                    err_console().print(
                        f"left alone (its status does not hold): {line}", markup=False
                    )
                err_console().print(
                    f"{change.changed} pinned answer{'s' * (change.changed != 1)} rewritten in "
                    f"{len(change.texts)} file{'s' * (len(change.texts) != 1)}: read the diff before committing.",
                    markup=False,
                )
                pins = load_pins(paths or [Path("queries")])
            report = run_pins(pins, directory)
            emit(shown, lambda: pin_report_view(report, verbose), report.to_json)
    if not report.holds:
        raise typer.Exit(1)


@app.command()
def mutate(
    kb: KbOpt = None,
    pins: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--pins",
            help="Pin files or directories (default: queries/ beside the knowledge base).",
            metavar="PATH",
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option("--jobs", "-j", help="Worker processes (default: every core).", min=1),
    ] = None,
    sample: Annotated[
        Optional[int],
        typer.Option(
            "--sample", help="Run N mutants drawn with --seed, not all.", min=1, metavar="N"
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="The seed of --sample.", metavar="S")] = 0,
    search: Annotated[
        bool,
        typer.Option(
            "--search/--no-search",
            help="Search a case that tells each survivor apart (--no-search: survivors not listed as equivalent fail).",
        ),
    ] = True,
    record: Annotated[
        Optional[Path],
        typer.Option(
            "--record",
            help="Append each result to FILE (JSON lines) and take the mutants it already holds from it: a long run resumes where it stopped.",
            metavar="FILE",
        ),
    ] = None,
    rerun: Annotated[
        Optional[list[str]],
        typer.Option(
            "--rerun",
            help="With --record: run again the recorded mutants of this verdict (e.g. survived, equivalent after adding pins).",
            metavar="VERDICT",
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Mutation testing of the knowledge base against the pins: exit 1 if a mutant survives
    that a case tells apart from the original (the case is printed, ready to become a pin).

    Example: pyagent mutate --sample 40 --seed 1; the full run, resumable:
    pyagent mutate --jobs 2 --record run.jsonl
    """
    with reported():
        directory = _kb_dir(kb)
        from pyagent.cli.options import out_console, print_json
        from pyagent.cli.render_mutate import mutation_view
        from pyagent.pins.mutate import mutate as run_mutate

        with _mutation_bar() as progress:
            report = run_mutate(
                directory,
                pins,
                jobs=jobs,
                sample=sample,
                seed=seed,
                search=search,
                progress=progress,
                record=record,
                rerun=rerun or (),
            )
    if json_:
        print_json(report.to_json())
    else:
        out_console().print(mutation_view(report))
    if not report.holds:
        raise typer.Exit(1)


@contextmanager
def _mutation_bar() -> Iterator[Callable[[int, int], None] | None]:
    """Mutants done / all on stderr, when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("mutants", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@app.command()
def coverage(
    paths: PinPathsArg = None,
    kb: KbOpt = None,
    json_: JsonOpt = False,
    format_: FormatOpt = Format.text,
) -> None:
    """What the pins cover: per clause and reading value, pins by status; rules never fired.

    Exit 1 when an encoded clause lacks a yes or a no pin, or a reading lacks a pin whose
    answer changes under it.  Example: pyagent coverage queries/
    """
    shown = chosen_format(format_, json_)
    with reported():
        directory = _kb_dir(kb)
        from pyagent.cli.render_pins import coverage_view
        from pyagent.pins.check import load_pins
        from pyagent.pins.coverage import coverage as pin_coverage

        report = pin_coverage(load_pins(paths or [Path("queries")]), directory)
    emit(shown, lambda: coverage_view(report), lambda: plain(report, "pyagent.coverage/1"))
    if report.gaps:
        raise typer.Exit(1)


@app.command()
def lint(
    kb: KbOpt = None,
    notice: Annotated[
        Optional[Path],
        typer.Option(
            "--notice",
            help="The notice's clause table (default: ../shared/notice/"
            "clauses.md in a source checkout; an installed copy checks the verbatim "
            "text kb/clauses.lp carries).",
            metavar="FILE",
        ),
    ] = None,
    json_: JsonOpt = False,
    format_: FormatOpt = Format.text,
) -> None:
    """Check the knowledge base's conventions: citations, clauses, grounding, readings, docs.

    Exit 1 on any problem.  Example: pyagent lint
    """
    shown = chosen_format(format_, json_)
    with reported():
        if notice is not None and not notice.is_file():
            raise InputError(str(notice), "", msg("no such file", "文件不存在"))
        from pyagent.cli.render_pins import lint_view
        from pyagent.pins.lint import lint as lint_kb

        report = lint_kb(_kb_dir(kb), notice)
    emit(shown, lambda: lint_view(report), lambda: plain(report, "pyagent.lint/1"))
    if not report.holds:
        raise typer.Exit(1)


@app.command()
def diff(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Case files, pin files, rosters (.csv, .xlsx, .jsonl), "
            "directories of cases or pins, or - for standard input.",
            metavar="CASE-OR-DIR...",
        ),
    ],
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    parameter: ParameterOpt = None,
    kb: KbOpt = None,
    person: PersonOpt = None,
    flips: Annotated[
        Optional[Path],
        typer.Option(
            "--flips",
            help="Also write every answer that flips, by id, with its reason under both "
            "readings, to FILE (.csv, .xlsx or .jsonl).",
            metavar="FILE",
        ),
    ] = None,
    json_: JsonOpt = False,
    format_: FormatOpt = Format.text,
    lang: LangOpt = Lang.en,
) -> None:
    """Which answers the readings given change against the defaults, by person, with the reason
    under each and the clause responsible.

    Example: pyagent diff roster.csv --reading basically_qualified=passes --flips flips.xlsx
    """
    shown = chosen_format(format_, json_, lang.value)
    with reported(lang.value), near_matches(lang.value):
        from pyagent.batch.outputs import OutputError, SideTable
        from pyagent.cli.render_pins import reading_diff_view
        from pyagent.explain.flips import write_flips
        from pyagent.input.sheets import table_format
        from pyagent.pins.diff import reading_diff

        side = None
        if flips is not None:
            fmt = table_format(flips)  # refused before any work when it cannot be written
            # checked against every input and locked before any work, written whole or not at all
            side = SideTable.claim_apart(
                paths or [Path("queries")], flips, "the flips file", "翻转名单文件"
            )
        try:
            result = reading_diff(
                paths,
                parse_readings(reading or []),
                _kb_dir(kb),
                as_of=as_of_date(as_of),
                parameters=parse_parameters(parameter) if parameter else None,
                person=person,
                lang=lang.value,
            )
            if side is not None:
                changes = diff_flips(result, lang.value)
                side.write(lambda temp: write_flips(temp, changes, lang.value, fmt))
        except OutputError as broken:  # disk full, read-only, ...: exit 1, nothing left behind
            fail(broken.text(lang.value), 1)
        finally:
            if side is not None:
                side.discard()
    emit(shown, lambda: reading_diff_view(result, lang.value), result.to_json)


def diff_flips(result, lang: str = "en") -> list:
    """The changes of a reading diff as flips (a row per person and question)."""
    from pyagent.explain.flips import Flip, readings_label

    given = readings_label(result.readings, lang)
    default = readings_label({}, lang)
    return [
        Flip(
            c.person,
            c.question,
            ((default, c.before, c.reason_before), (given, c.after, c.reason_after)),
            c.clauses,
            c.source,
        )
        for c in result.changes
    ]


def plain(report: object, schema: str) -> dict:
    """A report dataclass as JSON data (paths as text, tuples as lists), with its schema."""
    import dataclasses

    def walk(value: object) -> object:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: walk(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, dict):
            return {str(k): walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return [walk(v) for v in value]
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        return str(value)

    data = walk(report)
    assert isinstance(data, dict)
    for name in ("gaps", "holds"):  # properties worth having in the JSON too
        if hasattr(report, name) and name not in data:
            data[name] = walk(getattr(report, name))
    return {"schema": schema, **data}
