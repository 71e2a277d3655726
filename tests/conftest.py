"""A pytest plugin: every pinned case under ``queries/`` is a test item of its own.

``pytest`` (the README's test command; ``testpaths = ["tests"]``) collects this directory,
and with it this file; the hook below hangs the pin files of ``queries/`` from it, so the
ids read ``queries/p3_s1_assistant/durations.yaml::A 高级工 with ...`` and ``-k`` selects
pins by file or by words of their names.  Plain cases in ``queries/`` (the demo) are not
pins and are passed over.  A malformed pin file is a failing item that names the file, the
place and what is wrong.  Pins are solved in groups (`pyagent.pins.check.prepare`), and the
solves are cached for the tests of ``test_pins.py`` (coverage) to reuse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pyagent.errors import InputError
from pyagent.pins.check import Pin, PinResult, load_pin_file, pin_files, prepare, run_pin

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"


def pytest_configure(config: pytest.Config) -> None:
    """The tests parse many copies of kb/ (mutations, lint): their cached parses go to a
    directory of this run, never to the user's ~/.cache/pyagent (subprocesses inherit it)."""
    import os
    import tempfile

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="pyagent-test-cache-")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path == Path(__file__) and QUERIES.is_dir():
        return PinnedCases.from_parent(parent, path=QUERIES)
    return None


class PinnedCases(pytest.Directory):
    """``queries/``: one collector per pin file."""

    def collect(self):
        for path in pin_files([self.path]):
            yield PinFile.from_parent(self, path=path)


class PinFile(pytest.File):
    def collect(self):
        try:
            pins = load_pin_file(self.path)
        except InputError as err:
            yield MalformedPin.from_parent(self, name="(malformed pin file)", error=err)
            return
        prepare(pins)  # pins asked on the same date under the same readings share one solve
        for pin in pins:
            yield PinItem.from_parent(self, name=pin.name, pin=pin)


class PinItem(pytest.Item):
    def __init__(self, *, pin: Pin, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pin = pin

    def runtest(self) -> None:
        result = run_pin(self.pin)
        if not result.holds:
            raise PinFailed(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, PinFailed):
            return describe(excinfo.value.result)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, (self.pin.line or 1) - 1, f"pin: {self.pin.name}"


class MalformedPin(pytest.Item):
    def __init__(self, *, error: InputError, **kwargs) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise self.error

    def repr_failure(self, excinfo, style=None):
        return f"malformed pin file: {self.error}"

    def reportinfo(self):
        return self.path, 0, "malformed pin file"


class PinFailed(Exception):
    def __init__(self, result: PinResult) -> None:
        super().__init__(result.pin.name)
        self.result = result


def describe(result: PinResult) -> str:
    """Expected against actual for each failing answer, and the actual answer explained."""
    pin = result.pin
    lines = [f"{pin.source}:{pin.line}: {pin.name}"]
    for o in result.failures:
        e = o.expectation
        lines.append(f"  line {e.line}: {e.label()}: expected {e.status}, got {o.status}")
        lines.extend(f"    - {p}" for p in o.problems)
    for o in result.failures:
        if o.explanation:
            lines.append(f"  why {o.expectation.label()} is {o.status}:")
            lines.extend("    " + line for line in o.explanation.splitlines())
    return "\n".join(lines)
