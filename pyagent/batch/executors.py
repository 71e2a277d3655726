"""Where the tasks of `pyagent.batch.phases` run: in this process, in worker processes
(`pyagent.batch.workers`: how many, and how they behave under signals), or on a Dask cluster (``--dask local`` starts a LocalCluster, ``--dask tcp://HOST:8786`` uses a
running scheduler).  Every executor hands results back in the order the tasks were given,
with a bounded number in flight, so the output does not depend on where they ran.

On Dask every worker needs this package installed (the same version) and the roster, and the
directory of ``OUT``, at the same path (a shared file system): phase 1 reads its byte range
of the roster itself, and the partitions' row files live beside ``OUT`` between phases.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pyagent.batch import phases
from pyagent.batch.workers import init_worker_process, no_sigint, worker_count
from pyagent.errors import InputError, msg

_TASKS: dict[str, Callable[..., object]] = {
    "key_part": phases.key_part,
    "answer_keys": phases.answer_keys,
    "ask_shapes": phases.ask_shapes,
    "join_part": phases.join_part,
}


def call(name: str, args: tuple, *task: object) -> object:
    """Run one task (the function a worker is handed)."""
    return _TASKS[name](args, *task)


def start_method() -> str:
    """fork where it is safe (Linux); elsewhere forkserver or spawn (macOS, Windows), whose
    workers build their context from the pickled arguments.  PYAGENT_START_METHOD overrides."""
    import multiprocessing
    import sys

    methods = multiprocessing.get_all_start_methods()
    chosen = os.environ.get("PYAGENT_START_METHOD")
    if chosen in methods:
        return chosen  # type: ignore[return-value]
    if sys.platform.startswith("linux") and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _in_order(
    tasks: Iterable[tuple], submit: Callable[[tuple], Any], width: int
) -> Iterator[tuple[tuple, object]]:
    """Each task submitted (``submit`` gives a future), its result handed back in the order
    the tasks were given, with at most ``2 * width`` in flight."""
    pending: deque = deque()
    for task in tasks:
        pending.append((task, submit(task)))
        while len(pending) >= 2 * width:
            task_, future = pending.popleft()
            yield task_, future.result()
    while pending:
        task_, future = pending.popleft()
        yield task_, future.result()


class _Inline:
    def __init__(self, args: tuple) -> None:
        self.args = args

    def ordered(self, name: str, tasks: Iterable[tuple]) -> Iterator[tuple[tuple, object]]:
        for task in tasks:
            yield task, call(name, self.args, *task)


class WorkerLost(Exception):
    """A worker process ended without handing back its result (killed by the system, e.g. out
    of memory, or by a signal): the batch cannot be completed."""


class _Pool:
    """Worker processes of `concurrent.futures.ProcessPoolExecutor`, not `multiprocessing.Pool`:
    a worker that dies fails its task (`WorkerLost`) instead of leaving it pending for ever, and
    stopping early kills the workers and lets the executor's own thread mark the pool broken,
    where ``Pool.terminate`` could deadlock on a queue lock held by a worker it had just
    killed (seen about once in 80 failing runs with ``-j 2``)."""

    def __init__(self, args: tuple, jobs: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.args = args
        self.jobs = jobs
        method = start_method()
        if method == "fork":
            phases.context(args)  # built once here; the workers inherit it
        ctx = multiprocessing.get_context(method)
        with no_sigint():  # a Ctrl-C while the workers start reaches only the parent
            self.pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=init_worker_process)
            # under fork every worker starts here, SIGINT ignored; under spawn or forkserver
            # (not Linux) one starts per task as needed, ignoring SIGINT from its initializer on
            self.pool.submit(os.getpid).result()

    def ordered(self, name: str, tasks: Iterable[tuple]) -> Iterator[tuple[tuple, object]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            submit = self.pool.submit
            yield from _in_order(tasks, lambda t: submit(call, name, self.args, *t), self.jobs)
        except BrokenProcessPool:
            raise WorkerLost() from None

    def close(self, ok: bool) -> None:
        with no_sigint():
            if not ok:  # stop now: the executor sees its workers die and fails what is pending
                processes = getattr(self.pool, "_processes", None) or {}
                for process in list(processes.values()):
                    with contextlib.suppress(OSError, ValueError, AttributeError):
                        process.kill()
            self.pool.shutdown(wait=True, cancel_futures=not ok)


class _Dask:
    def __init__(self, args: tuple, address: str, jobs: int | None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError(
                "--dask",
                address,
                msg(
                    "needs dask.distributed: pip install 'pyagent[dask]'",
                    "需要 dask.distributed：pip install 'pyagent[dask]'",
                ),
            ) from None
        self.args = args
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(
                n_workers=jobs or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout="20s")
            except (OSError, ValueError, TypeError) as err:
                raise InputError(
                    "--dask",
                    address,
                    msg("cannot reach the scheduler: {e}", "无法连接调度器：{e}", e=err),
                ) from None
        self.width = max(1, sum(self.client.nthreads().values()))

    def ordered(self, name: str, tasks: Iterable[tuple]) -> Iterator[tuple[tuple, object]]:
        submit = self.client.submit
        yield from _in_order(
            tasks, lambda t: submit(call, name, self.args, *t, pure=False), self.width
        )

    def close(self, ok: bool) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


@contextlib.contextmanager
def executor(config, args: tuple, partitions: int | None = None) -> Iterator:
    """The executor a batch's configuration asks for (``dask``, ``jobs``); never more worker
    processes than CPUs (`pyagent.batch.workers.worker_count`) or ``partitions``."""
    run: _Inline | _Pool | _Dask
    if config.dask is not None:
        run = _Dask(args, config.dask, config.jobs)
    else:
        jobs = worker_count(config.jobs)
        if partitions is not None:
            jobs = max(1, min(jobs, partitions))
        run = _Inline(args) if jobs == 1 else _Pool(args, jobs)
    ok = False
    try:
        yield run
        ok = True
    finally:
        if not isinstance(run, _Inline):
            run.close(ok)
