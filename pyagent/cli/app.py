"""The typer application every command module registers on (``pyagent.cli.commands`` imports
them all).  Shell completion: ``pyagent --install-completion`` (bash, zsh, fish, PowerShell)."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="pyagent",
    help="Ask the 2021 Xinjiang skills/titles through-path notice 'why?' and 'why not?'.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def version_callback(value: bool) -> None:
    if value:
        from pyagent import __version__

        typer.echo(f"pyagent {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Ask the 2021 Xinjiang skills/titles through-path notice 'why?' and 'why not?'."""
