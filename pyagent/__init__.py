"""pyagent: the 2021 Xinjiang skills/titles through-path notice as an explained ASP knowledge base.

>>> from pyagent import answer_case, load_case
>>> answers = answer_case(load_case("queries/demo.yaml"))      # doctest: +SKIP

The names below are loaded on first use (PEP 562), so that a command imports only what it runs.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Answer": "explain.answers",
    "Answers": "explain.answers",
    "PersonAnswers": "explain.answers",
    "answer_case": "explain.answers",
    "solve_case": "explain.answers",
    "load_case": "input.case",
    "parse_case": "input.case",
    "InputError": "errors",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("xinjiang-guantong")  # the distribution name (pyproject.toml)
        except PackageNotFoundError:  # running from a checkout without installing
            return "0+unknown"
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'pyagent' has no attribute {name!r}")
