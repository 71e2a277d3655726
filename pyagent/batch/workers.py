"""The worker processes of a batch: how many, and how they behave under signals.

* **How many**: ``--jobs`` is capped at the CPUs this process may use (`worker_count`), and
  the pipeline never starts more workers than there are blocks to answer.
* **Ctrl-C and SIGTERM reach the parent only**: workers ignore SIGINT (they are started with
  it ignored, so even a Ctrl-C during start-up finds no handler), and the parent stops them.
* **They die with their parent**: on Linux the kernel sends them SIGKILL when the parent dies
  (``prctl(PR_SET_PDEATHSIG)``); elsewhere a watchdog thread polls the parent's pid.
* **They print nothing**: their stderr is /dev/null.  What a worker has to say (a bad row, a
  failure) travels to the parent with its result.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["MAX_JOBS", "init_worker_process", "no_sigint", "worker_count"]

MAX_JOBS = 64  # even on a larger machine: the parent merges in order and would not keep up


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def worker_count(jobs: int | None) -> int:
    """``--jobs`` capped at the CPUs available (and MAX_JOBS); None: every CPU."""
    limit = min(cpus(), MAX_JOBS)
    if jobs is None:
        return limit
    return max(1, min(int(jobs), limit))


_PARENT: int | None = None  # the pid that started the workers (set by no_sigint)


@contextmanager
def no_sigint() -> Iterator[None]:
    """SIGINT ignored while the block runs (in the main thread only), then restored.

    Start the workers inside it: they are forked with SIGINT ignored and know their parent.
    """
    global _PARENT
    _PARENT = os.getpid()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(0)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="pyagent-parent-watchdog").start()


def init_worker_process() -> None:
    """In a worker, first thing: SIGINT ignored, SIGTERM default, die with the parent, silent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(_PARENT if _PARENT is not None else os.getppid())
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass
