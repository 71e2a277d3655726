"""The page's long jobs: a roster answered, or its answers written with reasons, in the
background while a progress page shows how far each has got.

>>> jobs = Jobs(running=1)
>>> job = jobs.start(lambda progress: progress("answering", 1, 2, 7) or "done", kind="roster")
>>> job.finished.wait(5) and job.result
'done'
>>> jobs.close()

A job is a function of one argument, `pyagent.batch.pipeline.Progress`'s callback
(``progress(phase, done, total, persons)``), returning what the finished page points to (a
roster's token).  At most ``running`` jobs run at once, each on a thread of its own (the
others wait their turn, shown as waiting), at most ``waiting`` are unfinished at once (a
further one is refused: `Busy`), and the last ``keep`` are kept, so that a progress page
reloaded after its job ended still leads to the result (the table holds no more: the oldest
finished job goes when a new one starts).  An `InputError` of a job is kept to be shown as the
form shows it; any other exception is logged (with its traceback, on the server only) and the
job is marked as crashed; a job whose thread cannot be started (``can't start new thread``)
ends at once, marked as not started (it used to stay "running" for ever, counted against
``waiting``).  `Jobs.close` (the server stopping) starts no more, stops the running jobs at
their next progress report and waits for them to end (`run_batch` and the temporary
directories of `pyagent.web.roster` remove their files as they unwind), the waiting ones at
once; `Jobs.stop` does the same without waiting (the first Ctrl-C, `pyagent.web.app.serve`).
`Jobs.cancel` stops one job so (``POST /api/batch`` whose client went away).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Thread

from pyagent.errors import InputError

__all__ = ["Busy", "Job", "Jobs", "Stopped"]

LOG = logging.getLogger("pyagent.web")

Work = Callable[[Callable[[str, int, int, int], None]], str]


class Busy(Exception):
    """As many jobs as allowed are unfinished: a new one is refused."""

    def __init__(self, unfinished: int) -> None:
        super().__init__(unfinished)
        self.unfinished = unfinished


class Stopped(Exception):
    """Raised inside a job by its progress report when the server is stopping."""


@dataclass
class Job:
    token: str
    kind: str  # "roster": an upload answered; "answers": its answers written with reasons
    info: dict = field(default_factory=dict)  # what the job's pages show (name, form values, ...)
    # (phase, done, total, persons): "waiting" until it runs, then run_batch's phases
    state: tuple[str, int, int, int] = ("waiting", 0, 0, 0)
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None  # when it finished (time.monotonic)
    result: str | None = None  # what the work returned (when it ended well)
    error: InputError | None = None  # bad input, shown as the form shows it
    crashed: bool = False  # any other end: one message on the page, the traceback in the log
    stopped: bool = False  # the server stopped, or the job was cancelled, before it ended
    cancelled: threading.Event = field(default_factory=threading.Event)  # `Jobs.cancel`
    not_started: bool = False  # its thread could not be started (the system had none left)
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def seconds(self) -> float:
        """Seconds since it was started: until now, or until it finished."""
        return (self.ended if self.ended is not None else time.monotonic()) - self.started

    def end(self) -> None:
        self.ended = time.monotonic()
        self.finished.set()


class Jobs:
    """The jobs of one application (its ``state.background``)."""

    def __init__(self, running: int = 2, waiting: int = 8, keep: int = 16) -> None:
        self.keep, self.waiting = max(keep, waiting), waiting
        self._turns = threading.BoundedSemaphore(running)
        self._store: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._closing = threading.Event()

    def start(self, work: Work, kind: str, key: object = None, **info: object) -> Job:
        """A new job running ``work``, or the unfinished job of the same ``key`` (a second
        click on the same download); `Busy` when ``waiting`` jobs are unfinished already."""
        with self._lock:
            if key is not None:
                for job in self._store.values():
                    if job.info.get("key") == key and not job.finished.is_set():
                        return job
            unfinished = sum(1 for j in self._store.values() if not j.finished.is_set())
            if unfinished >= self.waiting or self._closing.is_set():
                raise Busy(unfinished)
            job = Job(secrets.token_urlsafe(12), kind, {**info, "key": key})
            self._store[job.token] = job
            finished = [t for t, j in self._store.items() if j.finished.is_set()]
            while len(self._store) > self.keep and finished:
                del self._store[finished.pop(0)]
        thread = Thread(target=self._run, args=(job, work), name=f"pyagent-job-{kind}", daemon=True)
        try:
            thread.start()
        except Exception:  # noqa: BLE001 - RuntimeError: can't start new thread (or memory)
            LOG.exception("pyagent: the %s job %s could not be started", kind, job.token)
            job.not_started = True
            job.end()  # not "running" for ever, nor counted against ``waiting``
        return job

    def get(self, token: str) -> Job | None:
        with self._lock:
            return self._store.get(token)

    def stop(self) -> None:
        """Start no more jobs, and stop the running ones at their next progress report and the
        waiting ones at once (without waiting for them: `close` waits)."""
        self._closing.set()

    def cancel(self, job: Job) -> None:
        """Stop ``job`` as `stop` stops every job: at its next progress report (its files
        removed as it unwinds), or at once while it waits its turn."""
        job.cancelled.set()

    def close(self, timeout: float = 60.0) -> bool:
        """Stop: start no more; the running jobs end at their next progress report (a second
        or so) and the waiting never run.  Waits up to ``timeout`` seconds for them to end, so
        that their temporary files are removed before the server exits (its threads are
        daemons: one still running when the interpreter exits is cut off where it is, its
        files left behind); True when every job has ended."""
        self._closing.set()
        deadline = time.monotonic() + timeout
        with self._lock:  # an unfinished job is never dropped from the table
            unfinished = [j for j in self._store.values() if not j.finished.is_set()]
        for job in unfinished:  # finished: its work has returned, its files removed
            job.finished.wait(max(0.0, deadline - time.monotonic()))
        left = [j.token for j in unfinished if not j.finished.is_set()]
        if left:
            LOG.warning("pyagent: %d job(s) still running after %s s: %s", len(left), timeout, left)
        return not left

    def _run(self, job: Job, work: Work) -> None:
        def stopping() -> bool:
            return self._closing.is_set() or job.cancelled.is_set()

        def progress(phase: str, done: int, total: int, persons: int) -> None:
            if stopping():
                raise Stopped
            job.state = (phase, done, total, persons)

        try:
            # its turn, or the server stopping (a waiting job must not wait for a running one
            # to end before it learns that it will never run)
            while not self._turns.acquire(timeout=0.1):
                if stopping():
                    raise Stopped
            try:
                if stopping():
                    raise Stopped
                job.state = ("reading", 0, 0, 0)
                job.result = work(progress)
            finally:
                self._turns.release()
        except InputError as err:
            # kept for its message only: not its traceback and what it was raised from, whose
            # frames hold the work's locals (an upload of up to 5 MB) while the job is kept
            err.__traceback__ = err.__context__ = err.__cause__ = None
            job.error = err
        except Stopped:
            job.stopped = True
        except Exception:  # noqa: BLE001 - one message on the page; the traceback in the log
            LOG.exception("pyagent: the %s job %s crashed", job.kind, job.token)
            job.crashed = True
        finally:
            job.end()


STEPS = ("reading", "answering", "writing")


def described(job: Job, lang: str) -> dict:
    """What the progress page says of ``job`` in ``lang``: the phase (step k of 3), the
    `<progress>` element's value and max (None: not known, an indeterminate bar), the
    percentage beside it, the counts and the seconds so far."""
    from pyagent.web.i18n import WORDS

    w = WORDS[lang]
    phase, done, total, persons = job.state
    reasons = job.kind == "answers"  # the upload is answered without reasons (keys only)
    out: dict = {
        "title": w["job_answers" if reasons else "job_roster"],
        "phase": phase,
        "value": None,
        "max": None,
        "percent": "",
        "counts": [],
        "elapsed": w["job_elapsed"].format(s=f"{job.seconds:,.0f}"),
    }
    if phase not in STEPS:
        out["step"] = w["job_waiting"]
        return out
    out["step"] = w["job_step"].format(k=STEPS.index(phase) + 1, phase=w[f"phase_{phase}"])
    if total > 0:
        out["value"], out["max"] = min(done, total), total
        out["percent"] = f"{100 * min(done, total) // total}%"
    n = f"{persons:,}"
    if phase == "reading":
        out["counts"] = [w["job_read"].format(persons=n)]
    elif phase == "answering":
        what = "job_situations" if reasons else "job_keys"
        out["counts"] = [
            w[what].format(done=f"{done:,}", total=f"{total:,}"),
            w["job_persons"].format(persons=n),
        ]
        out["hint"] = w[f"{what}_hint"]
    else:
        out["counts"] = [
            w["job_parts"].format(done=f"{done:,}", total=f"{total:,}"),
            w["job_persons"].format(persons=n),
        ]
    return out
