"""The test suite's own set-up.  The pinned cases of ``queries/`` are collected by the plugin
the package ships (`pyagent.pins.pytest_plugin`, entry point ``pytest11``), because
``testpaths`` includes ``queries``."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """The tests parse many copies of kb/ (mutations, lint): their cached parses go to a
    directory of this run, never to the user's ~/.cache/pyagent (subprocesses inherit it)."""
    import os
    import tempfile

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="pyagent-test-cache-")
