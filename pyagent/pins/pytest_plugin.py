"""A pytest plugin (entry point ``pytest11``): every pinned case is a test item of its own.

Installed with the package, so any repository's pins run under plain ``pytest``: pin files
(``queries/README.md`` has their format) under the directories the ini option
``pyagent_pins`` names (default: ``queries``, relative to the rootdir) are collected when
pytest walks them (``pytest queries/``, or ``testpaths = ["tests", "queries"]``).  The ids
read ``queries/p3_s1_assistant/durations.yaml::A 高级工 with ...`` and ``-k`` selects pins by
file or by words of their names.  Plain cases among them (the demo) are passed over; a
malformed pin file is a failing item that names the file, the place and what is wrong.  Pins
are solved in groups (`pyagent.pins.solved.prepare`) and the solves cached for reuse.

Nothing heavy is imported until a pin file is collected: the plugin loads in every pytest
run of an environment that has pyagent installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "pyagent_pins",
        "directories of pyagent pin files collected as tests",
        type="paths",
        default=["queries"],
    )


def _pin_dirs(config: pytest.Config) -> list[Path]:
    dirs = config.getini("pyagent_pins")
    return [Path(config.rootpath, d).resolve() for d in dirs]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml", ".json"):
        return None
    resolved = file_path.resolve()
    if not any(resolved.is_relative_to(d) for d in _pin_dirs(parent.config)):
        return None
    from pyagent.errors import InputError
    from pyagent.input.case import read_document
    from pyagent.pins.pin import _is_pin_data

    try:
        if not _is_pin_data(read_document(file_path).data):
            return None  # a plain case (the demo), not a pin file
    except InputError:
        pass  # malformed: collected, and reported as a failing item
    return PinFile.from_parent(parent, path=file_path)


class PinFile(pytest.File):
    def collect(self):
        from pyagent.errors import InputError
        from pyagent.pins.check import load_pin_file, prepare

        try:
            pins = load_pin_file(self.path)
        except InputError as err:
            yield MalformedPin.from_parent(self, name="(malformed pin file)", error=err)
            return
        prepare(pins)  # pins asked on the same date under the same readings share one solve
        for pin in pins:
            yield PinItem.from_parent(self, name=pin.name, pin=pin)


class PinItem(pytest.Item):
    def __init__(self, *, pin: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pin = pin

    def runtest(self) -> None:
        from pyagent.pins.check import run_pin

        result = run_pin(self.pin)
        if not result.holds:
            raise PinFailed(result)

    def repr_failure(self, excinfo, style=None):  # type: ignore[no-untyped-def]
        if isinstance(excinfo.value, PinFailed):
            return describe(excinfo.value.result)
        return super().repr_failure(excinfo)

    def reportinfo(self):  # type: ignore[no-untyped-def]
        return self.path, (self.pin.line or 1) - 1, f"pin: {self.pin.name}"


class MalformedPin(pytest.Item):
    def __init__(self, *, error: Exception, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise self.error

    def repr_failure(self, excinfo, style=None):  # type: ignore[no-untyped-def]
        return f"malformed pin file: {self.error}"

    def reportinfo(self):  # type: ignore[no-untyped-def]
        return self.path, 0, "malformed pin file"


class PinFailed(Exception):
    def __init__(self, result: Any) -> None:
        super().__init__(result.pin.name)
        self.result = result


def describe(result: Any) -> str:
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
