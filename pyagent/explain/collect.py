"""Fewer runs of Python's cyclic garbage collector while answers are explained.

Explaining answers allocates many small containers (values are tuples, trees are frozen
dataclasses), most of them short-lived, while the model, the program and the parsed rules stay
alive.  With the default thresholds (700, 10, 10) the collector ran so often, each run walking
the young objects and every tenth the older ones, that it took about 15-20 % of
`pyagent.explain.answers.answer_case` with reasons on a varied roster (bench/README.md,
"answer_case with reasons").  Inside `collecting_less` the first generation is collected after
250,000 net allocations instead of 700 (cycles are still collected: a run of the collector
finds them as before, only less often), and the thresholds in force before are restored when
the outermost such block ends.  Nothing that is computed depends on when the collector runs.

The explanations make (almost) no cycles: what a block of 32 persons holds (its model, trees,
sentences; 100,000-160,000 objects at its peak) is freed by reference counting when the block
ends, so a run of the collector inside it would walk live objects only; the threshold is above
that peak.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

THRESHOLDS = (250_000, 100, 100)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None

P = ParamSpec("P")
R = TypeVar("R")


@contextlib.contextmanager
def collecting_less() -> Iterator[None]:
    """Within the block, the collector's thresholds are `THRESHOLDS` (never lower than they
    were; a threshold of 0, automatic collection off, is left as it is); nested and concurrent blocks share one setting, restored by the last to end."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if _saved[0] != 0:  # 0: automatic collection is off, and stays off
                gc.set_threshold(*(max(a, b) for a, b in zip(THRESHOLDS, _saved)))
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None


def collected_less(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` run within `collecting_less`."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collecting_less():
            return fn(*args, **kwargs)

    return run
