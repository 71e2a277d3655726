"""The command line: each command parses, calls one function of the library, prints.

Exit codes: 0 done; 1 a check failed; 2 bad input or usage (one message on
stderr naming the file, the place and what is wrong; never a traceback);
3 the solver did not finish within ``--timeout`` (one message naming the file).

The answering commands are here; the pin commands in ``cli.pins``, batch in ``cli.batch``,
template, clauses and readings in ``cli.browse``, serve and report in ``cli.web``: each module
is imported when one of its commands runs (``cli.app``), and each command imports the library
modules it calls when it runs, so that ``pyagent why`` does not load batch, pins or what-if.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from collections.abc import Callable
from typing import Annotated, Any

import typer

from pyagent.cli.app import app, main  # noqa: F401 - main: importable from here as before
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
    from pyagent.explain.answers import answer_case

    shown = chosen_format(format_, json_, lang.value)
    with reported(lang.value):
        with deadline(timeout, case):  # the time limit covers reading the case too
            loaded = load(
                case, reading, as_of, max_bytes, person=person, parameter=parameter, lang=lang.value
            )
        if person is not None and len(loaded.persons) > 1:
            loaded = dataclasses.replace(loaded, persons=(loaded.person(person),))
        with persons_bar(len(loaded.persons), lang=lang.value) as advance:
            answers = answer_case(loaded, timeout=timeout, progress=advance, lang=lang.value)
    emit(shown, lambda: _view("answers_table")(answers, lang.value), answers.to_json)


def _view(name: str) -> Callable[..., Any]:
    """A view of ``cli.render``, imported only when text, markdown or html is printed."""
    from pyagent.cli import render

    return getattr(render, name)


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
    from pyagent.explain.why import explain_question

    shown = chosen_format(format_, json_, lang.value)
    with reported(lang.value):
        loaded = load(
            case, reading, as_of, max_bytes, person=person, parameter=parameter, lang=lang.value
        )
        found = explain_question(loaded, question, person=person, lang=lang.value, mode=mode)
    emit(
        shown,
        lambda: _view("explanation_view")(found),
        found.to_json,
        lambda: _view("explanation_markdown")(found),
    )


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
        from pyagent.explain.whatif import what_if

        loaded = load(
            case, reading, as_of, max_bytes, person=person, parameter=parameter, lang=lang.value
        )
        result = what_if(loaded, person, question, max_sets=max_sets, lang=lang.value)
    emit(
        shown,
        lambda: _view("what_if_view")(result, lang.value),
        result.to_json,
        lambda: _view("what_if_markdown")(result, lang.value),
    )
