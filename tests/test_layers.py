"""The layers of the package are its folders, and imports point one way only.

Each module may import from the foundation (``pyagent.errors``, ``pyagent.kb``, ``pyagent``
itself for its version) and from the layers below its own; never from its own layer's
neighbours above or from a face.  The layers, bottom up, are listed in ``LAYERS``; each
subpackage's ``__init__`` docstring says the same in words.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pyagent"

# layer -> the layers it may import (besides its own and the foundation)
LAYERS: dict[str, set[str]] = {
    "input": set(),
    "engine": {"input"},
    "explain": {"input", "engine"},
    "pins": {"input", "engine", "explain"},
    "batch": {"input", "engine", "explain"},
    "cli": {"input", "engine", "explain", "pins", "batch", "web"},  # web: serve and report
    "web": {"input", "engine", "explain", "pins", "batch"},
}
FOUNDATION = {"errors", "kb"}


def layer_of(module: str) -> str:
    """``pyagent.engine.solve`` -> ``engine``; a foundation module -> ``foundation``."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in FOUNDATION or parts[1].startswith("_"):
        return "foundation"
    return parts[1]


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def imports_of(module: str, source: str) -> list[tuple[int, str]]:
    """Every module of the package that ``source`` (the text of ``module``) imports, with its
    line, relative imports resolved."""
    package = module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if (PACKAGE.parent / target.replace(".", "/")).is_dir():
                # `from pyagent.engine import solve` imports the submodule engine.solve
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return [(line, name) for line, name in found if name.split(".")[0] == "pyagent"]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_sits_in_a_known_layer():
    stray = [
        p.relative_to(PACKAGE).as_posix()
        for p in MODULES
        if p.parent != PACKAGE and p.relative_to(PACKAGE).parts[0] not in LAYERS
    ]
    top = {p.stem for p in MODULES if p.parent == PACKAGE} - FOUNDATION - {"__init__", "__main__"}
    assert not stray and not top, (stray, top)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_imports_from_a_layer_above_its_own(path: Path):
    own = layer_of(module_of(path))
    if own == "foundation" and path.stem in {"__init__", "__main__"}:
        return  # the package's entry points: lazy exports and `python -m pyagent`
    allowed = {own, "foundation"} | LAYERS.get(own, set())
    upward = [
        f"line {line}: {name}"
        for line, name in imports_of(module_of(path), path.read_text("utf-8"))
        if layer_of(name) not in allowed
    ]
    assert not upward, f"{path.relative_to(PACKAGE)} imports from a layer above its own: {upward}"


def test_the_layer_check_resolves_every_form_of_import():
    """The checker itself: absolute, relative and package-level imports are all resolved."""
    source = (
        "import pyagent.cli.render\n"
        "from ..explain.why import explain_question\n"
        "from pyagent.pins import check\n"
        "from . import facts\n"
        "    from pyagent.errors import InputError\n".replace("    ", "if 1:\n    ")
    )
    names = [name for _, name in imports_of("pyagent.engine.solve", source)]
    assert names == [
        "pyagent.cli.render",
        "pyagent.explain.why",
        "pyagent.pins.check",
        "pyagent.engine.facts",
        "pyagent.errors",
    ]
    assert [layer_of(n) for n in names] == ["cli", "explain", "pins", "engine", "foundation"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_is_over_600_lines(path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 600, f"{path.relative_to(PACKAGE)} has {lines} lines: split it along its seams"
