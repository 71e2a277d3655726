"""The command line: a thin face that parses arguments, calls one library function, and shows
its result with rich (``render``).  May import every layer; nothing imports it.
"""

from pyagent.cli.commands import app, main
from pyagent.cli import web as _web  # noqa: F401  (registers serve and report on app)

__all__ = ["app", "main"]
