"""The command line: a thin face that parses arguments, calls one library function, and shows
its result with rich (``render``).  May import every layer; nothing imports it.

``app`` (typer) imports a command's module only when that command runs (``cli.app``).
"""

import os as _os
import sys as _sys

if _os.path.basename(_sys.argv[0] if _sys.argv else "") == "pyagent":  # the console script
    from pyagent.__main__ import guard_start as _guard_start

    _guard_start()  # Ctrl-C while the commands import: one line, no traceback

from pyagent.cli.app import app, main

__all__ = ["app", "main"]
