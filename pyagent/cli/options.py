"""What every command shares: its options (the same names and meanings everywhere), the one
way errors end a command, the input loader, and the output formats.

Output: ``--format text`` (rich, the default), ``markdown``, ``html`` (rich's export of the
same view) or ``json`` (``--json`` is the same as ``--format json``).
"""

from __future__ import annotations

import io
import json
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from pyagent.errors import EXIT_TIME_LIMIT, InputError, TimeLimitError, msg
from pyagent.input.case import MAX_BYTES, parse_date, parse_readings


if TYPE_CHECKING:
    from rich.console import Console

# rich's Console and the theme (cli.render) are imported when text is printed, not for --json.


def _console(**options: Any) -> Console:
    from rich.console import Console

    from pyagent.cli.render import THEME

    return Console(theme=THEME, highlight=False, **options)


class Lang(str, Enum):
    en = "en"
    zh = "zh"


class Format(str, Enum):
    text = "text"
    tree = "tree"  # the name of text before --format html and json existed
    markdown = "markdown"
    html = "html"
    json = "json"


ReadingOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--reading", "-r", help="Override a reading: name=value (repeatable).", metavar="NAME=VALUE"
    ),
]
AsOfOpt = Annotated[
    Optional[str], typer.Option("--as-of", help="The date asked on (YYYY-MM-DD).", metavar="DATE")
]
ParameterOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--parameter",
        help="A parameter of SPEC section 6: name=years (repeatable).",
        metavar="NAME=VALUE",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (the same as --format json).")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the output: en or zh.")]
FormatOpt = Annotated[
    Format, typer.Option("--format", help="text (default), markdown, html or json.")
]
PersonOpt = Annotated[
    Optional[str],
    typer.Option(
        "--person", "-p", help="The person (id) asked about; for a roster, its row.", metavar="ID"
    ),
]
CaseArg = Annotated[
    Path,
    typer.Argument(
        help="A case file (YAML or JSON, SPEC section 2), a roster (.csv, .xlsx, "
        ".jsonl) with --person, or - for standard input.",
        metavar="CASE",
    ),
]


MAX_TIMEOUT = 1e9  # seconds (31 years): more is "no limit", and clingo's wait overflows past ~9e9


def _seconds(value: Optional[float]) -> Optional[float]:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(
            msg(
                "{v} is not a number of seconds greater than 0",
                "{v} 不是大于0的秒数",
                v=value,
            )
        )
    return None if value is None else min(value, MAX_TIMEOUT)


@contextmanager
def deadline(seconds: Optional[float], source: object) -> Iterator[None]:
    """``--timeout`` also bounds reading and parsing the case: TimeLimitError when it runs out."""
    import signal
    import threading

    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TimeLimitError(seconds, str(source))

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


MAX_MAX_BYTES = 1 << 31  # --max-bytes: a case file is read whole into memory


def _max_bytes(value: int) -> int:
    if value > MAX_MAX_BYTES:
        raise InputError(
            "--max-bytes",
            "",
            msg(
                "{v} is more than a case file may hold (at most {m:,} bytes)",
                "{v} 超过案例文件的上限（至多 {m:,} 字节）",
                v=_cut(str(value)),
                m=MAX_MAX_BYTES,
            ),
        )
    return value


def _cut(text: str, limit: int = 40) -> str:
    """Echoed user text, cut short: a 100,000-character value is not printed in full."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    typer.Option(
        "--max-bytes",
        help="Refuse a case file larger than this.",
        metavar="BYTES",
        min=1,
        callback=_max_bytes,
    ),
]


def out_console(record: bool = False) -> Console:
    """stdout: the terminal's width, or 120 columns when it is a file or a pipe (rich's 80
    would fold clause ids and paths in the answer table)."""
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 120
    return _console(soft_wrap=False, width=width, record=record)


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """The single exit path for errors: one message on stderr, no traceback."""
    err_console().print(message, markup=False)
    raise typer.Exit(code)


def warn(message: str) -> None:
    err_console().print(message, markup=False, style="yellow")


@contextmanager
def reported(lang: str = "en") -> Iterator[None]:
    """Bad input anywhere in a command: its one message (in ``lang``), exit code 2."""
    try:
        yield
    except InputError as err:
        fail(err.text(lang))
    except TimeLimitError as err:
        fail(err.text(lang), EXIT_TIME_LIMIT)


def print_json(data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):  # e.g. PYTHONIOENCODING=ascii: the same JSON, escaped
        text = json.dumps(data, ensure_ascii=True, indent=2, sort_keys=False) + "\n"
    sys.stdout.write(text)


def chosen_format(format_: Format, json_: bool, lang: str = "en") -> Format:
    if json_ and format_ not in (Format.text, Format.tree, Format.json):
        fail(
            f"--json 与 --format {format_.value} 只能选其一"
            if lang == "zh"
            else f"--json and --format {format_.value}: choose one"
        )
    if json_:
        return Format.json
    return Format.text if format_ is Format.tree else format_


def emit(
    format_: Format,
    view: Callable[[], object],
    to_json: Callable[[], object],
    markdown: Callable[[], str] | None = None,
) -> None:
    """Print a result in the format asked for.  ``view`` builds the rich renderable (text
    and html), ``to_json`` the JSON data; without a ``markdown`` of its own, markdown is the
    text view in a fenced block."""
    if format_ is Format.json:
        print_json(to_json())
    elif format_ is Format.markdown:
        if markdown is not None:
            sys.stdout.write(markdown())
        else:
            console = _console(
                soft_wrap=False, width=120, record=True, file=io.StringIO(), color_system=None
            )
            console.print(view())
            sys.stdout.write("```text\n" + console.export_text().rstrip() + "\n```\n")
    elif format_ is Format.html:
        console = _console(soft_wrap=False, width=120, record=True, file=io.StringIO())
        console.print(view())
        sys.stdout.write(console.export_html(inline_styles=True))
    else:
        out_console().print(view())


def as_of_date(as_of: str | None):
    return parse_date(as_of, "--as-of", "") if as_of is not None else None


def load(
    case: Path,
    reading: list[str] | None,
    as_of: str | None,
    max_bytes: int = MAX_BYTES,
    *,
    person: str | None = None,
    parameter: list[str] | None = None,
    lang: str = "en",
):
    """The case (a case file, a roster row with ``person``, or stdin) with the command
    line's overrides; warnings about likely slips (a field near a listed one) go to stderr,
    each once, in ``lang``."""
    from pyagent.input.sources import load_input

    overrides = parse_readings(reading or [])
    params = parse_parameters(parameter or []) if parameter else None
    with near_matches(lang):
        return load_input(
            case,
            person=person,
            as_of=as_of_date(as_of),
            readings=overrides,
            parameters=params,
            max_bytes=max_bytes,
        )


@contextmanager
def near_matches(lang: str = "en") -> Iterator[None]:
    """Input accepted but close to something listed (`NearMatchWarning`): each such warning
    once on stderr, in ``lang``, after the block (even when it ends in an error)."""
    import warnings

    from pyagent.errors import NearMatchWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NearMatchWarning)
        try:
            yield
        finally:
            shown: set[str] = set()
            for w in caught:
                if isinstance(w.message, NearMatchWarning):
                    text = w.message.text(lang)
                    if text not in shown:
                        shown.add(text)
                        warn(("提示：" if lang == "zh" else "warning: ") + text)


def parse_parameters(pairs: list[str]) -> dict[str, int]:
    from pyagent.batch.pipeline import parse_parameters as parse

    return parse(pairs)


@contextmanager
def persons_bar(
    total: int, least: int = 20, lang: str = "en"
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for a case of many persons, when stderr is a terminal; its
    words in ``lang``."""
    if total < least or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    err = Console(stderr=True, highlight=False)
    # drawn when a person is done, not by a timer: a slow person writes nothing meanwhile
    with Progress(
        TextColumn("作答" if lang == "zh" else "answering"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("人" if lang == "zh" else "persons"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task("persons", total=total)
        yield lambda done, _total: bar.update(task, completed=done, refresh=True)
