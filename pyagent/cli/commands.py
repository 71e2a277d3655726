"""The command line: each command parses, calls one function of the library, prints.

Exit codes: 0 done; 1 a check failed; 2 bad input or usage (one message on
stderr naming the file, the place and what is wrong; never a traceback);
3 the solver did not finish within ``--timeout`` (one message naming the file).

The answering commands are here; the pin commands in ``cli.pins``, batch in ``cli.batch``,
template, clauses and readings in ``cli.browse``.  Each command imports the library modules
it calls when it runs, so that ``pyagent why`` does not load batch, pins or what-if.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from pyagent.cli.app import app
from pyagent.cli.options import (
    AsOfOpt,
    CaseArg,
    Format,
    FormatOpt,
    JsonOpt,
    Lang,
    LangOpt,
    MaxBytesOpt,
    ParameterOpt,
    PersonOpt,
    ReadingOpt,
    TimeoutOpt,
    deadline,
    chosen_format,
    emit,
    fail,  # noqa: F401 - importable from here as before
    load,
    out_console,  # noqa: F401
    persons_bar,
    print_json,  # noqa: F401
    reported,
)
from pyagent.input.case import MAX_BYTES

__all__ = ["app", "main"]


@app.command()
def ask(
    case: CaseArg,
    person: PersonOpt = None,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    parameter: ParameterOpt = None,
    json_: JsonOpt = False,
    format_: FormatOpt = Format.text,
    lang: LangOpt = Lang.en,
    timeout: TimeoutOpt = None,
    max_bytes: MaxBytesOpt = MAX_BYTES,
) -> None:
    """Every question for every person of CASE: yes, no or unknown, with the clauses.

    Example: pyagent ask queries/demo.yaml --reading field_list=open --json
    """
    from pyagent.cli.render import answers_table
    from pyagent.explain.answers import answer_case

    shown = chosen_format(format_, json_, lang.value)
    with reported(lang.value):
        with deadline(timeout, case):  # the time limit covers reading the case too
            loaded = load(
                case, reading, as_of, max_bytes, person=person, parameter=parameter, lang=lang.value
            )
        if person is not None and len(loaded.persons) > 1:
            loaded = dataclasses.replace(loaded, persons=(loaded.person(person),))
        with persons_bar(len(loaded.persons)) as advance:
            answers = answer_case(loaded, timeout=timeout, progress=advance, lang=lang.value)
    emit(shown, lambda: answers_table(answers, lang.value), answers.to_json)


QuestionArg = Annotated[
    str,
    typer.Argument(
        help="A question id of SPEC section 3, e.g. title.assistant.", metavar="QUESTION"
    ),
]
WhyJsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the pyagent.explanation/1 JSON document.")
]


def _explain(
    mode: str,
    case: Path,
    question: str,
    person: str | None,
    reading: list[str] | None,
    as_of: str | None,
    parameter: list[str] | None,
    json_: bool,
    lang: Lang,
    format_: Format,
    max_bytes: int,
) -> None:
    from pyagent.cli.render import explanation_markdown, explanation_view
    from pyagent.explain.why import explain_question

    shown = chosen_format(format_, json_, lang.value)
    with reported(lang.value):
        loaded = load(
            case, reading, as_of, max_bytes, person=person, parameter=parameter, lang=lang.value
        )
        found = explain_question(loaded, question, person=person, lang=lang.value, mode=mode)
    emit(shown, lambda: explanation_view(found), found.to_json, lambda: explanation_markdown(found))


@app.command()
def why(
    case: CaseArg,
    question: QuestionArg,
    person: PersonOpt = None,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    parameter: ParameterOpt = None,
    json_: WhyJsonOpt = False,
    lang: LangOpt = Lang.en,
    format_: FormatOpt = Format.text,
    max_bytes: MaxBytesOpt = MAX_BYTES,
) -> None:
    """Why the answer to QUESTION is what it is: for yes the derivation, for no every failed
    condition, for unknown the inputs that decide it; each step cites its clause.

    Example: pyagent why queries/demo.yaml title.intermediate --person wang_technician
    """
    _explain(
        "why", case, question, person, reading, as_of, parameter, json_, lang, format_, max_bytes
    )


@app.command("why-not")
def why_not(
    case: CaseArg,
    question: QuestionArg,
    person: PersonOpt = None,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    parameter: ParameterOpt = None,
    json_: WhyJsonOpt = False,
    lang: LangOpt = Lang.en,
    format_: FormatOpt = Format.text,
    max_bytes: MaxBytesOpt = MAX_BYTES,
) -> None:
    """The same as why, phrased from the negative side: what fails, and what would make it fail.

    Example: pyagent why-not queries/demo.yaml title.assistant --person li_senior_worker
    """
    _explain(
        "why_not",
        case,
        question,
        person,
        reading,
        as_of,
        parameter,
        json_,
        lang,
        format_,
        max_bytes,
    )


@app.command("what-if")
def what_if_command(
    case: CaseArg,
    question: QuestionArg,
    person: PersonOpt = None,
    max_sets: Annotated[
        int,
        typer.Option(
            "--max", help="List at most this many smallest sets of changes (ties).", min=1
        ),
    ] = 5,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    parameter: ParameterOpt = None,
    json_: JsonOpt = False,
    format_: FormatOpt = Format.text,
    lang: LangOpt = Lang.en,
    max_bytes: MaxBytesOpt = MAX_BYTES,
) -> None:
    """What would make the answer yes: the smallest changes, and the earliest date by time alone.

    Example: pyagent what-if queries/demo.yaml title.assistant --person li_senior_worker
    """
    shown = chosen_format(format_, json_, lang.value)
    with reported(lang.value):
        from pyagent.cli.render import what_if_markdown, what_if_view
        from pyagent.explain.whatif import what_if

        loaded = load(
            case, reading, as_of, max_bytes, person=person, parameter=parameter, lang=lang.value
        )
        result = what_if(loaded, person, question, max_sets=max_sets, lang=lang.value)
    emit(
        shown,
        lambda: what_if_view(result, lang.value),
        result.to_json,
        lambda: what_if_markdown(result, lang.value),
    )


def main() -> None:
    """The console script: bad input ends with exit code 2 and one message, never a traceback."""
    from pyagent.__main__ import started

    started()  # from here on Ctrl-C is KeyboardInterrupt, handled by each command
    for stream in (sys.stdout, sys.stderr):  # text the terminal cannot show is escaped, not fatal
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        with reported():
            app(standalone_mode=True)
        sys.stdout.flush()
    except typer.Exit as done:
        _flush_or_fail()
        sys.exit(done.exit_code)
    except OSError as err:  # stdout on a full disk, a closed pipe, ...: one message, exit 1
        _io_failed(err)


def _flush_or_fail() -> None:
    try:
        sys.stdout.flush()
    except OSError as err:
        _io_failed(err)


def _argv_lang() -> str:
    """The --lang of the command line (main() fails before typer has parsed it)."""
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return "en"


def _io_failed(err: OSError) -> NoReturn:
    import errno

    try:  # nothing more goes to the broken stream, not even at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    if err.errno == errno.EPIPE:
        os._exit(1)  # the reader went away (| head): nothing to say
    zh = _argv_lang() == "zh"
    reasons = {
        errno.ENOSPC: ("the disk is full", "磁盘已满"),
        errno.EROFS: ("the file system is read-only", "文件系统为只读"),
        errno.EFBIG: ("the file grew past the size this system allows", "文件超过本系统允许的大小"),
    }
    plain = err.strerror or str(err)
    reason = reasons.get(err.errno or 0, (plain, plain))[zh]
    where = f"{err.filename}{'：' if zh else ': '}" if getattr(err, "filename", None) else ""
    said = f"无法写出输出：{reason}" if zh else f"cannot write the output: {reason}"
    sys.stderr.write(f"{where}{said}\n")
    sys.stderr.flush()
    os._exit(1)


# The other commands register on the same app.
from pyagent.cli import batch as _batch  # noqa: E402,F401
from pyagent.cli import browse as _browse  # noqa: E402,F401
from pyagent.cli import pins as _pins  # noqa: E402,F401
