"""What a command imports: only what it runs (issue 13's whole-process bar, bench/bench_why.py).

Not timed: each test runs a command in a fresh interpreter and lists the modules it ended
with, so that an edit that puts a heavy import back on the way of ``pyagent why`` (the web
face, batch, pins, openpyxl, Dask, ...) fails here instead of slowing every command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Run as the console script does (pyagent.cli:main), then print every module imported.
PROBE = """
import atexit, json, sys
sys.argv = ["pyagent", *json.loads(sys.argv[1])]
atexit.register(lambda: sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n"))
from pyagent.cli import main
main()
"""

# Never needed to answer or explain one case.
HEAVY = (
    "pyagent.batch",
    "pyagent.pins",
    "pyagent.web",
    "pyagent.cli.batch",
    "pyagent.cli.browse",
    "pyagent.cli.pins",
    "pyagent.cli.web",
    "openpyxl",
    "orjson",
    "jsonschema",
    "dask",
    "distributed",
    "starlette",
    "jinja2",
    "uvicorn",
    "pydantic",
    "multiprocessing",
    # a case file is not a roster: the roster's readers and column tables stay out
    "pyagent.input.columns",
    "pyagent.input.roster",
)
WHY = ["why", "queries/demo.yaml", "title.assistant", "--person", "li_senior_worker"]


def modules_of(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=None if env is None else {**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = done.stderr.rpartition("\nMODULES ")[2]
    return set(json.loads(line))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The names among ``modules``, a package counting with its submodules."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.mark.parametrize(
    "args, also_absent",
    [
        (WHY, ("pyagent.explain.whatif", "rich.table")),  # a tree, no table
        # JSON needs neither rich's console nor the text views
        ([*WHY, "--json"], ("rich.console", "pyagent.cli.render", "pyagent.explain.whatif")),
        (["ask", "queries/demo.yaml", "--json"], ("rich.console", "pyagent.cli.render")),
    ],
    ids=["why", "why-json", "ask-json"],
)
def test_answering_one_case_imports_nothing_heavy(args: list[str], also_absent: tuple) -> None:
    modules = modules_of(args)
    assert "pyagent.explain.why" in modules or args[0] == "ask"  # the probe did run the command
    assert loaded(modules, HEAVY + also_absent) == []


def test_a_roster_is_told_by_the_suffixes_the_roster_reader_knows() -> None:
    """`input.sources` tells a roster from a case file by its suffix without importing the
    roster's readers: its list must be theirs."""
    from pyagent.input.roster import SUFFIXES
    from pyagent.input.sources import ROSTER_SUFFIXES

    assert ROSTER_SUFFIXES == set(SUFFIXES)


def test_the_parse_cache_is_read_without_clingo_ast(tmp_path: Path) -> None:
    """The first run parses kb/ (clingo.ast) and caches the parse; the next reads the cache
    without importing clingo.ast at all."""
    env = {"XDG_CACHE_HOME": str(tmp_path), "PYAGENT_NO_CACHE": ""}
    assert "clingo.ast" in modules_of([*WHY, "--json"], env)
    assert list((tmp_path / "pyagent").glob("program-*.json"))
    assert "clingo.ast" not in modules_of([*WHY, "--json"], env)


def test_help_lists_every_command_without_importing_the_library() -> None:
    modules = modules_of(["--help"])
    assert {"pyagent.cli.batch", "pyagent.cli.pins", "pyagent.cli.web"} <= modules
    assert loaded(modules, ("pyagent.explain", "pyagent.engine", "pyagent.batch")) == []
    assert loaded(modules, HEAVY[7:]) == []  # nor openpyxl, Dask, the web libraries...


def test_every_command_is_registered_by_the_module_cli_app_names() -> None:
    """cli.app.COMMANDS (name -> module) is what lets a command be imported alone: a command
    missing from it would never be found; one under the wrong module, not registered."""
    import importlib

    import typer.main

    from pyagent.cli.app import COMMANDS, app

    for module in set(COMMANDS.values()):
        importlib.import_module(f"pyagent.cli.{module}")
    registered = {
        info.name or typer.main.get_command_name(info.callback.__name__): info.callback.__module__
        for info in app.registered_commands
        if info.callback is not None
    }
    assert registered == {name: f"pyagent.cli.{module}" for name, module in COMMANDS.items()}
