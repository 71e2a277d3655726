"""`pyagent serve` and `pyagent report`: the command line's doors to the web face.

Kept apart from ``commands.py``; they register on the same typer app.  Both need the optional
extra ``web`` (``pip install -e '.[web]'``); without it they say so (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pyagent.cli.app import app
from pyagent.cli.options import (
    AsOfOpt,
    CaseArg,
    Lang,
    MaxBytesOpt,
    ParameterOpt,
    ReadingOpt,
    fail,
    load,
    reported,
)
from pyagent.input.case import MAX_BYTES


def _need_web() -> None:
    try:
        import jinja2  # noqa: F401
        import starlette  # noqa: F401
    except ImportError:
        fail(
            "the web face needs its extra: pip install 'xinjiang-guantong[web]' (Starlette, Jinja2, uvicorn)"
        )


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="The address to bind (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="The port.", min=1, max=65535)] = 8000,
    open_: Annotated[bool, typer.Option("--open", help="Open the page in the browser.")] = False,
) -> None:
    """Serve the page: one person's answers explained, rosters, the notice, the JSON API.

    Example: pyagent serve --open
    """
    _need_web()
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        fail("pyagent serve needs uvicorn: pip install 'xinjiang-guantong[web]'")
    from pyagent.web.app import serve as run

    run(host, port, open_)


@app.command()
def report(
    case: CaseArg,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The HTML file to write.", metavar="FILE")
    ],
    person: Annotated[
        Optional[str],
        typer.Option(
            "--person",
            "-p",
            help="One person's report (default: the only person, or every person as a roster).",
            metavar="ID",
        ),
    ] = None,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Language of the report: zh or en.")
    ] = Lang.zh,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    parameter: ParameterOpt = None,
    max_bytes: MaxBytesOpt = MAX_BYTES,
) -> None:
    """A decision report of CASE as one self-contained HTML file (inline CSS, no script): the
    answers, reasons, explanation trees, readings, as_of and the knowledge base's version.

    Example: pyagent report queries/demo.yaml --person li_senior_worker --lang zh -o report.html
    """
    _need_web()
    from pyagent.web.report import case_report

    with reported(lang.value):
        loaded = load(case, reading, as_of, max_bytes, person=person, parameter=parameter)
        html = case_report(loaded, person, lang.value)
    zh = lang.value == "zh"  # said in the language of the report, as its errors are
    if not output.parent.is_dir():
        fail(
            f"{output}：目录{output.parent}不存在"
            if zh
            else f"{output}: the directory {output.parent} does not exist"
        )
    try:
        output.write_text(html, encoding="utf-8")
    except OSError as err:
        plain = err.strerror or str(err)  # the system's words: quoted apart under zh
        fail(
            f"{output}：无法写出文件；系统原文：「{plain}」"
            if zh
            else f"{output}: cannot write the file: {plain}"
        )
