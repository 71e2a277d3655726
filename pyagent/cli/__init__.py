"""The command line: a thin face that parses arguments, calls one library function, and shows
its result with rich (``render``).  May import every layer; nothing imports it.
"""

import os as _os
import sys as _sys

if _os.path.basename(_sys.argv[0] if _sys.argv else "") == "pyagent":  # the console script
    from pyagent.__main__ import guard_start as _guard_start

    _guard_start()  # Ctrl-C while the commands import: one line, no traceback

from pyagent.cli.commands import app, main
from pyagent.cli import web as _web  # noqa: F401  (registers serve and report on app)

__all__ = ["app", "main"]
