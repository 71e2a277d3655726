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
reloaded after its job ended still leads to the result.  An `InputError` of a job is kept to
be shown as the form shows it; any other exception is logged (with its traceback, on the
server only) and the job is marked as crashed.  `Jobs.close` stops the running jobs at their
next progress report (`run_batch` then removes its files) and starts no more.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

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
    result: str | None = None  # what the work returned (when it ended well)
    error: InputError | None = None  # bad input, shown as the form shows it
    crashed: bool = False  # any other end: one message on the page, the traceback in the log
    stopped: bool = False  # the server stopped before the job ended
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


class Jobs:
    """The jobs of one application (its ``state.jobs_running``)."""

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
        threading.Thread(
            target=self._run, args=(job, work), name=f"pyagent-job-{kind}", daemon=True
        ).start()
        return job

    def get(self, token: str) -> Job | None:
        with self._lock:
            return self._store.get(token)

    def close(self) -> None:
        """Stop: the running jobs end at their next progress report, the waiting never run."""
        self._closing.set()

    def _run(self, job: Job, work: Work) -> None:
        def progress(phase: str, done: int, total: int, persons: int) -> None:
            if self._closing.is_set():
                raise Stopped
            job.state = (phase, done, total, persons)

        try:
            with self._turns:
                if self._closing.is_set():
                    raise Stopped
                job.state = ("reading", 0, 0, 0)
                job.result = work(progress)
        except InputError as err:
            job.error = err
        except Stopped:
            job.stopped = True
        except Exception:  # noqa: BLE001 - one message on the page; the traceback in the log
            LOG.exception("pyagent: the %s job %s crashed", job.kind, job.token)
            job.crashed = True
        finally:
            job.finished.set()


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
