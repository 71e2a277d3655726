"""``python -m pyagent`` (the ``pyagent`` console script starts the same way, from
`pyagent.cli`).

Ctrl-C or SIGTERM while the command line is still starting (importing typer, rich, clingo)
ends it with one line and exit code 130, never a traceback: nothing has been done yet.  Once
started (`pyagent.cli.commands.main`), each command handles them itself (``pyagent batch``
stops its workers and removes its temporary files).
"""

from __future__ import annotations

import os
import signal


def _starting(signum: int, frame: object) -> None:
    os.write(2, b"interrupted while starting; nothing was done\n")
    os._exit(130)


_starting.pyagent_start_guard = True  # type: ignore[attr-defined]  # (also when run as __main__)


def guard_start() -> None:
    """Until `started`: Ctrl-C and SIGTERM end the process with one line, exit code 130."""
    signal.signal(signal.SIGINT, _starting)
    signal.signal(signal.SIGTERM, _starting)


def started() -> None:
    """The usual handlers back (KeyboardInterrupt for Ctrl-C), if `guard_start` set ours."""
    if getattr(signal.getsignal(signal.SIGINT), "pyagent_start_guard", False):
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if getattr(signal.getsignal(signal.SIGTERM), "pyagent_start_guard", False):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


if __name__ == "__main__":
    guard_start()
    from pyagent.cli import main

    main()
