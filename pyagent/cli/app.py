"""The typer application every command module registers on, and the console script's entry.

A command is registered by importing its module (`COMMANDS`: command name -> module of
``pyagent.cli``), and the modules are imported only when a command of theirs is asked for:
the click group's table of commands (`LazyCommands`) imports the module of the name looked
up, and every module when it is listed (``pyagent --help``, shell completion, a mistyped
name's suggestions).  So ``pyagent why`` neither imports batch, pins, browse nor the web face,
nor builds their click commands.  Shell completion: ``pyagent --install-completion`` (bash,
zsh, fish, PowerShell).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, MutableMapping
from typing import Annotated, Any, NoReturn

import typer
import typer.core
import typer.main

# Every command, in the order ``pyagent --help`` lists them, and the module that registers it.
COMMANDS: dict[str, str] = {
    "ask": "commands",
    "why": "commands",
    "why-not": "commands",
    "what-if": "commands",
    "batch": "batch",
    "clauses": "browse",
    "readings": "browse",
    "template": "browse",
    "check": "pins",
    "mutate": "pins",
    "coverage": "pins",
    "lint": "pins",
    "diff": "pins",
    "serve": "web",
    "report": "web",
}


class LazyCommands(MutableMapping[str, Any]):
    """The click group's commands, each built from its typer registration the first time it is
    looked up; listing them (iterating) imports every command module, in `COMMANDS` order."""

    def __init__(self, built: dict[str, Any]) -> None:
        self._built = dict(built)
        self._all = False

    def _build(self, wanted: str | None) -> None:
        for info in app.registered_commands:
            assert info.callback is not None
            name = info.name or typer.main.get_command_name(info.callback.__name__)
            if name not in self._built and (wanted is None or name == wanted):
                self._built[name] = typer.main.get_command_from_info(
                    info,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                )

    def _load(self, name: str) -> None:
        if name not in self._built and name in COMMANDS:
            importlib.import_module(f"pyagent.cli.{COMMANDS[name]}")
            self._build(name)

    def _load_all(self) -> None:
        if not self._all:
            for module in dict.fromkeys(COMMANDS.values()):
                importlib.import_module(f"pyagent.cli.{module}")
            self._build(None)
            order = {name: i for i, name in enumerate(COMMANDS)}
            self._built = dict(
                sorted(self._built.items(), key=lambda item: order.get(item[0], len(order)))
            )
            self._all = True

    def __getitem__(self, name: str) -> Any:
        self._load(name)
        return self._built[name]

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self._load(name)
        return name in self._built

    def __iter__(self) -> Iterator[str]:
        self._load_all()
        return iter(list(self._built))

    def __len__(self) -> int:
        self._load_all()
        return len(self._built)

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]


class CommandGroup(typer.core.TyperGroup):
    """typer's group with `LazyCommands` for its table of commands, whose usage errors (a
    missing option, an unknown one, a value refused) are said in the language of ``--lang``
    (`pyagent.cli.usage`)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(dict(self.commands))
        self.lang = "en"

    def main(self, args: Any = None, *rest: Any, **extra: Any) -> Any:
        from pyagent.cli.usage import argv_lang

        args = list(sys.argv[1:] if args is None else args)
        self.lang = argv_lang(args)
        return super().main(args, *rest, **extra)

    def make_context(self, *args: Any, **extra: Any) -> Any:
        try:
            return super().make_context(*args, **extra)
        except _click().exceptions.UsageError as err:
            raise _localized(err, self.lang) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _click().exceptions.UsageError as err:
            raise _localized(err, self.lang) from None


def _click() -> Any:
    from pyagent.cli.usage import click

    return click


def _localized(err: Exception, lang: str) -> Exception:
    from pyagent.cli.usage import localized

    return localized(err, lang)


app = typer.Typer(
    name="pyagent",
    help="Ask the 2021 Xinjiang skills/titles through-path notice 'why?' and 'why not?'.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=CommandGroup,
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


def main() -> None:
    """The console script: bad input ends with exit code 2 and one message, never a traceback."""
    from pyagent.__main__ import started
    from pyagent.cli.options import reported

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
    from pyagent.cli.usage import argv_lang

    return argv_lang(sys.argv[1:])


def _io_failed(err: OSError) -> NoReturn:
    import errno
    import os

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
