"""The page's long jobs (`pyagent.web.jobs`): an upload is checked at once (bad input: the form
again, as typed, with the message), then answered in the background while a progress page shows
its phase and counts, and leads to the same answers as ``pyagent batch``; the downloads with
reasons the same way.  A job is held at a point of its run by an event of the test (its
``run_batch`` wrapped), so what the page shows mid-job is deterministic: no sleeps, no timing."""

from __future__ import annotations

import logging
import re
import threading
import warnings
from pathlib import Path

import pytest
from markupsafe import escape
from typer.testing import CliRunner

pytest.importorskip("starlette", reason="the web extra is part of the test extra")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from pyagent.cli import app as cli  # noqa: E402
from pyagent.errors import InputError, msg  # noqa: E402
from pyagent.web import roster as rosters  # noqa: E402
from pyagent.web.app import create_app  # noqa: E402
from pyagent.web.jobs import Busy, Jobs  # noqa: E402
from test_web import DEMO_ROSTER, download, finished  # noqa: E402

SETTINGS = {"as_of": "2026-07-01", "parameters.application_years.technician": "8"}
CLI_SETTINGS = ["--as-of", "2026-07-01", "--parameter", "application_years.technician=8"]


class Held:
    """`run_batch` of the page's jobs, held at the first report of ``phase`` until released:
    ``reached`` is set there, with that report in ``report``."""

    def __init__(self, monkeypatch, phase: str = "answering") -> None:
        self.phase, self.report = phase, None
        self.reached, self.release = threading.Event(), threading.Event()
        real = rosters.run_batch

        def held(roster, out, config, *, progress=None, **kw):
            def report(phase, done, total, persons):
                if progress is not None:
                    progress(phase, done, total, persons)
                if phase == self.phase and not self.reached.is_set():
                    self.report = (phase, done, total, persons)
                    self.reached.set()
                    assert self.release.wait(120), "the test never released the job"

            return real(roster, out, config, progress=report, **kw)

        monkeypatch.setattr(rosters, "run_batch", held)


@pytest.fixture
def client():
    # job_wait=0: the progress page shows the job's state at once (no waiting for its end)
    with TestClient(create_app(job_wait=0)) as c:
        yield c


def upload(client, lang: str = "en", name: str = "demo_roster.csv", data: bytes | None = None):
    return client.post(
        "/roster",
        data={**SETTINGS, "lang": lang},
        files={"roster": (name, DEMO_ROSTER.read_bytes() if data is None else data, "text/csv")},
        follow_redirects=False,
    )


def batch(tmp_path: Path, *options: str) -> Path:
    out = tmp_path / f"cli-{len(list(tmp_path.iterdir()))}.jsonl"
    done = CliRunner().invoke(cli, ["batch", str(DEMO_ROSTER), "-o", str(out), *options])
    assert done.exit_code == 0, done.output
    return out


def test_an_upload_goes_through_its_progress_page_to_the_answers_of_batch(
    client, monkeypatch, tmp_path
):
    held = Held(monkeypatch)
    r = upload(client)
    assert r.status_code == 303
    job_url = r.headers["location"]
    assert re.fullmatch(r"/roster/job/[\w-]+\?lang=en", job_url)
    assert held.reached.wait(120)
    _, done, total, persons = held.report
    assert total > 0 and persons == 4  # the demo roster's four persons
    page = client.get(job_url, follow_redirects=False)
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="1">' in page.text  # no script needed
    assert f'<progress id="job-progress" max="{total}" value="{done}">' in page.text
    assert "Step 2 of 3: answering" in page.text
    assert f"{done} of {total} distinct answer keys answered" in page.text
    assert "4 persons in the roster" in page.text and "demo_roster.csv" in page.text
    zh = client.get(job_url.replace("lang=en", "lang=zh")).text
    assert "第 2 步（共 3 步）：作答" in zh and f"已作答不同答案键 {done}/{total} 个" in zh
    assert "名单共 4 人" in zh and "<progress" in zh
    held.release.set()
    token = re.search(r"/roster/job/([\w-]+)", job_url).group(1)
    assert client.app.state.background.get(token).finished.wait(120)
    end = client.get(job_url, follow_redirects=False)
    assert end.status_code == 303
    result_url = end.headers["location"]
    assert re.fullmatch(r"/roster/[\w-]+\?lang=en", result_url)
    shown = client.get(result_url)
    assert shown.status_code == 200 and "<svg" in shown.text and "li_senior_worker" in shown.text
    # the answers are those of `pyagent batch --no-reasons` on the same roster, byte for byte
    result = rosters.stored(re.search(r"/roster/([\w-]+)\?", result_url).group(1))
    assert result is not None
    assert result.jsonl == batch(tmp_path, *CLI_SETTINGS, "--no-reasons").read_text("utf-8")


def test_a_download_with_reasons_goes_through_its_progress_page_to_the_file_of_batch(
    client, monkeypatch, tmp_path
):
    r = finished(client, upload(client))
    token = re.search(r"/roster/([\w-]+)/answers\.csv", r.text).group(1)
    held = Held(monkeypatch, "writing")
    url = f"/roster/{token}/answers.jsonl?lang=en"
    r = client.get(url, follow_redirects=False)
    assert r.status_code == 303
    job_url = r.headers["location"]
    assert job_url.endswith("&get=answers.jsonl")
    assert held.reached.wait(120)
    _, done, total, persons = held.report
    page = client.get(job_url, follow_redirects=False)
    assert page.status_code == 200 and "Writing the answers with reasons" in page.text
    assert "Step 3 of 3: writing the answers" in page.text
    assert f"{done} of {total} parts written" in page.text
    assert f'<progress id="job-progress" max="{total}" value="{done}">' in page.text
    # a second click on the same download, while it runs, is the same job
    assert client.get(url, follow_redirects=False).headers["location"] == job_url
    held.release.set()
    got = download(client, url)
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert got.text == batch(tmp_path, *CLI_SETTINGS, "--lang", "en").read_text("utf-8")
    assert "The answers with reasons are ready" in client.get(job_url).text
    # the same page in Chinese: the answers in Chinese, a job of their own (the English job's
    # page said 含理由的答案已就绪 of a file not written, and its download started another job)
    other = client.get(job_url.replace("lang=en", "lang=zh"), follow_redirects=False)
    assert other.status_code == 303
    zh_url = f"/roster/{token}/answers.jsonl?lang=zh"
    assert other.headers["location"] == zh_url
    zh_job = client.get(zh_url, follow_redirects=False).headers["location"]
    assert zh_job.endswith("?lang=zh&get=answers.jsonl")
    assert zh_job.split("?")[0] != job_url.split("?")[0]  # another job
    got = download(client, zh_url)
    assert got.text == batch(tmp_path, *CLI_SETTINGS, "--lang", "zh").read_text("utf-8")
    ready = client.get(zh_job)
    assert "含理由的答案已就绪" in ready.text and "返回名单" in ready.text


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "No such roster here"), ("zh", "没有这份名单（只保留最近上传的几份）；请重新上传。")],
)
def test_the_roster_pages_refusals_are_in_the_language_of_the_page(client, lang, said):
    """A roster no longer kept, a page number that is not one, a row or a download that is
    not there: each refused in the page's language (they were English on the zh page)."""
    gone = client.get(f"/roster/no-such-token?lang={lang}")
    assert gone.status_code == 404 and said in gone.text
    token = re.search(r"/roster/([\w-]+)/answers\.csv", finished(client, upload(client)).text)
    base = f"/roster/{token.group(1)}"
    from test_web_language import _shown, _wrong_language

    for url, code in (
        (f"{base}?page=x&lang={lang}", 400),
        (f"{base}/person/99?lang={lang}", 404),
        (f"{base}/nothing.csv?lang={lang}", 404),
    ):
        r = client.get(url)
        assert r.status_code == code
        lines = _shown(r.text, lambda tag, a: tag == "main")
        assert lines and not [t for t in lines if _wrong_language(t, lang)], lines


def test_bad_input_comes_back_on_the_form_as_typed_and_starts_no_job(client):
    typed = {
        **SETTINGS,
        "format": "csv",
        "readings.assessment_years": "latest_three",
        "lang": "en",
    }
    r = client.post(
        "/roster",
        data=typed,
        files={"roster": ("r.csv", b"idd,foo\n1,2\n", "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 422
    said = "r.csv:1: unknown columns 'idd' (column 1; did you mean 'id'?)"
    assert str(escape(said)) in r.text
    assert 'id="roster-form"' in r.text and 'id="roster-error"' in r.text
    assert 'value="2026-07-01"' in r.text
    assert 'name="parameters.application_years.technician" value="8"' in r.text
    assert '<option value="csv" selected>' in r.text
    assert '<option value="latest_three" selected>' in r.text
    assert not client.app.state.background._store  # no job was started
    r = client.post(
        "/roster",
        data={**typed, "lang": "zh"},
        files={"roster": ("r.csv", b"", "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 422 and "没有上传名单" in r.text


def test_a_job_that_fails_shows_its_message_on_the_form_and_a_crash_one_message(
    client, monkeypatch, caplog
):
    def refused(roster, out, config, *, source=None, **kw):
        # as run_batch does: its messages name ``source`` (the upload), else the file's path
        name = source or str(roster)
        raise InputError(name, "", msg("a refusal of the batch", "批处理拒绝了它"), 3)

    monkeypatch.setattr(rosters, "run_batch", refused)
    r = finished(client, upload(client))
    assert r.status_code == 422 and 'id="roster-form"' in r.text
    # the upload's own name, never the server's temporary file
    assert "demo_roster.csv:3: a refusal of the batch" in r.text and "/tmp" not in r.text
    assert 'name="parameters.application_years.technician" value="8"' in r.text

    def crashed(roster, out, config, **kw):
        raise RuntimeError("a secret of the server")

    monkeypatch.setattr(rosters, "run_batch", crashed)
    with caplog.at_level(logging.ERROR, "pyagent.web"):
        for lang, said in (
            ("en", "The roster could not be answered: an error inside pyagent"),
            ("zh", "名单未能完成：pyagent 内部出错"),
        ):
            r = finished(client, upload(client, lang))
            assert r.status_code == 500 and said in r.text
            assert "Traceback" not in r.text and "secret" not in r.text
    assert "a secret of the server" in caplog.text  # the traceback is in the server's log


def test_jobs_are_bounded_and_stop_with_the_server():
    """At most ``running`` at once (the others wait, shown as waiting), at most ``waiting``
    unfinished (then Busy), the store bounded; `close` stops a job at its next report."""
    jobs = Jobs(running=1, waiting=2, keep=3)
    go, started = threading.Event(), threading.Event()

    def slow(progress):
        progress("reading", 0, 10, 0)
        started.set()
        assert go.wait(60)
        progress("answering", 1, 2, 3)
        return "slow"

    first = jobs.start(slow, "roster")
    assert started.wait(60)
    second = jobs.start(lambda progress: "quick", "roster")
    assert first.state == ("reading", 0, 10, 0)
    assert second.state[0] == "waiting" and not second.finished.is_set()
    with pytest.raises(Busy):
        jobs.start(lambda progress: "refused", "roster")
    go.set()
    assert first.finished.wait(60) and second.finished.wait(60)
    assert (first.result, second.result) == ("slow", "quick")
    for _ in range(3):
        done = jobs.start(lambda progress: "more", "roster")
        assert done.finished.wait(60)
    assert jobs.get(first.token) is None and jobs.get(done.token) is done  # the oldest went
    go.clear()
    started.clear()
    stopping = jobs.start(slow, "roster")
    assert started.wait(60)
    assert jobs.close(timeout=0) is False  # still running: it stops at its next report
    go.set()
    assert stopping.finished.wait(60) and stopping.stopped and stopping.result is None
    with pytest.raises(Busy):
        jobs.start(lambda progress: "after", "roster")


def test_a_small_roster_goes_straight_to_its_answers():
    """The progress page waits a moment for its job: a roster answered by then is shown at
    once (the held job shows the page at once with ``job_wait=0``, above)."""
    with TestClient(create_app(job_wait=60)) as c:
        r = upload(c)
        shown = c.get(r.headers["location"], follow_redirects=False)
        assert shown.status_code == 303 and shown.headers["location"].startswith("/roster/")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_progress_pages_words_are_in_the_language_of_the_page(client, monkeypatch, lang):
    """Every phase of both kinds of job, and every message of a job, in one language (SPEC 9's
    patterns, as tests/test_web_language.py checks the other pages); the page mid-job too."""
    from test_web_language import _shown, _wrong_language

    from pyagent.web.i18n import WORDS
    from pyagent.web.jobs import Job, described

    said = []
    for kind in ("roster", "answers"):
        for state in (
            ("waiting", 0, 0, 0),
            ("reading", 100, 0, 7),
            ("reading", 100, 300, 7),
            ("answering", 5, 9, 1234),
            ("writing", 1, 2, 1234),
        ):
            d = described(Job("t", kind, state=state), lang)
            said += [d["title"], d["step"], d["percent"], d["elapsed"], d.get("hint", "")]
            said += d["counts"]
    said += [v for k, v in WORDS[lang].items() if k.startswith(("job_", "phase_", "back_to"))]
    held = Held(monkeypatch)
    r = upload(client, lang)
    assert held.reached.wait(120)
    html = client.get(r.headers["location"]).text
    held.release.set()
    lines = _shown(html, lambda tag, a: tag == "main")
    assert any("<progress" in html and str(held.report[2]) in line for line in lines)
    bad = [(t, w) for t in said + lines if (w := _wrong_language(t, lang))]
    assert not bad, bad


def test_an_upload_beyond_the_bound_of_jobs_gets_its_form_back_with_a_message(client, monkeypatch):
    client.app.state.background = Jobs(running=1, waiting=1)
    held = Held(monkeypatch)
    first = upload(client)
    assert held.reached.wait(120)
    try:
        r = upload(client, "zh")
        assert r.status_code == 503 and "服务器正在处理其他 1 份名单" in r.text
        assert 'id="roster-form"' in r.text and 'value="2026-07-01"' in r.text
    finally:
        held.release.set()
    assert finished(client, first).status_code == 200
    client.app.state.background.close()


def test_the_bad_rows_of_a_roster_are_listed_in_the_language_of_the_page():
    """An upload with a bad row: its message is in the page's language on the result page and
    in the roster report, whichever language the upload was made in; the API's ``bad_rows``
    in the language of ``?lang=`` (English without it: they were English under ?lang=zh)."""
    data = DEMO_ROSTER.read_bytes().rstrip(b"\n") + b"\nbad1,tecnician\n"
    with TestClient(create_app(job_wait=60)) as c:
        r = upload(c, "en", data=data)
        result_url = c.get(r.headers["location"], follow_redirects=False).headers["location"]
        token = re.search(r"/roster/([\w-]+)\?", result_url).group(1)
        en = c.get(f"/roster/{token}?lang=en").text
        zh = c.get(f"/roster/{token}?lang=zh").text
    result = rosters.stored(token)
    assert result is not None and [e["id"] for e in result.errors] == ["bad1"]
    english = result.errors[0]["message"]
    assert english.startswith("demo_roster.csv:") and "tecnician" in english
    chinese = result.errors_in("zh")[0]["message"]
    assert chinese.startswith("demo_roster.csv:") and "：" in chinese and chinese != english
    assert str(escape(english)) in en and str(escape(chinese)) in zh
    assert str(escape(english)) not in zh
    from pyagent.web.report import roster_report

    assert str(escape(chinese)) in roster_report(result, "zh")
    with TestClient(create_app()) as c:
        for lang, starts in (("zh", "roster.csv:"), ("en", "roster.csv:"), ("", "roster.csv:")):
            r = c.post(f"/api/batch?format=csv&lang={lang}", content=data)
            said = [e["message"] for e in r.json()["bad_rows"]]
            assert r.status_code == 200 and said[0].startswith(starts), said
            assert ("：" in said[0]) == (lang == "zh") and "tecnician" in said[0], said


class FailingThread(threading.Thread):
    """A thread that the system cannot start (``RuntimeError: can't start new thread``)."""

    def start(self) -> None:
        raise RuntimeError("can't start new thread")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "The server could not start this work (it has no thread left to run it on)"),
        ("zh", "服务器未能开始这项任务（没有可用的线程来运行它）"),
    ],
)
def test_a_job_whose_thread_cannot_start_ends_at_once_with_its_message(
    client, monkeypatch, caplog, lang, said
):
    """It was left "running" for ever: its page refreshed without end and, counted against
    the unfinished jobs, it refused every upload once ``waiting`` had failed (the error itself
    went up to the upload as a 500)."""
    from test_web_language import _shown, _wrong_language

    from pyagent.web import jobs as jobs_module

    client.app.state.background = Jobs(running=1, waiting=1)
    monkeypatch.setattr(jobs_module, "Thread", FailingThread)
    with caplog.at_level(logging.ERROR, "pyagent.web"):
        for _ in range(2):  # the second is not refused as busy
            r = upload(client, lang)
            assert r.status_code == 303
            page = client.get(r.headers["location"])
            assert page.status_code == 503 and said in page.text
            assert "<progress" not in page.text and "refresh" not in page.text
            lines = _shown(page.text, lambda tag, a: tag == "main")
            assert lines and not [t for t in lines if _wrong_language(t, lang)], lines
    assert "can't start new thread" in caplog.text  # said in the server's log
    monkeypatch.setattr(jobs_module, "Thread", threading.Thread)
    assert finished(client, upload(client, lang)).status_code == 200  # then works again
    client.app.state.background.close()


def _no_temporary_files(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir())


@pytest.fixture
def tmp_dir(monkeypatch, tmp_path):
    """The temporary directory of the jobs' files (`tempfile`'s), empty to start with."""
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def test_the_server_stopping_ends_its_jobs_and_removes_their_files(monkeypatch, tmp_dir):
    """A job running when the server stops ends at its next progress report, and the server
    waits for that (its files removed) before it exits; a waiting job ends at once.  The
    server used to set a flag and exit at once: a job between two reports was cut off with
    the interpreter (its threads are daemons), its temporary directory left behind."""
    reached = threading.Event()
    real = rosters.run_batch

    def slow(roster, out, config, *, progress=None, **kw):
        def report(phase, done, total, persons):
            progress(phase, done, total, persons)
            if phase == "answering" and not reached.is_set():
                reached.set()
                assert jobs._closing.wait(60)  # the server is stopping ...
                import time

                time.sleep(0.5)  # ... while a block of keys is still being answered
                progress(phase, done + 1, total, persons)  # the next report: Stopped

        return real(roster, out, config, progress=report, **kw)

    monkeypatch.setattr(rosters, "run_batch", slow)
    with TestClient(create_app(job_wait=0, running=1)) as c:
        jobs = c.app.state.background
        first = upload(c)
        assert reached.wait(120)
        assert _no_temporary_files(tmp_dir)  # the upload, being answered
        waiting = upload(c)
        tokens = [
            re.search(r"/job/([\w-]+)", r.headers["location"]).group(1) for r in (first, waiting)
        ]
        assert jobs.get(tokens[1]).state[0] == "waiting"
    # the server has stopped: both jobs have ended, nothing is left in the temporary directory
    ended = [jobs.get(t) for t in tokens]
    assert all(j.finished.is_set() and j.stopped for j in ended)
    assert ended[1].state[0] == "waiting"  # it never ran
    assert _no_temporary_files(tmp_dir) == []


def test_a_job_leaves_no_files_however_it_ends_and_keeps_no_upload_in_its_error(
    client, monkeypatch, tmp_dir
):
    """Answered and never fetched, refused by the batch, or crashed: the temporary directory
    is empty once the job has ended.  A refused job is kept (its page shows the message) but
    not what its work held: the error kept its traceback, whose frames held the upload's
    bytes (and every other local of the work), so each of the last sixteen jobs could hold up
    to 5 MB."""
    import datetime as dt
    import gc
    import weakref

    real = rosters.run_batch

    class Held:  # beside the upload in the work's frame (bytes cannot be weakly referenced)
        pass

    def refused(roster, out, config, *, source=None, **kw):
        # as run_batch does: its messages name ``source`` (the upload), else the file's path
        name = source or str(roster)
        raise InputError(name, "", msg("a refusal of the batch", "批处理拒绝了它"), 3)

    def crashed(roster, out, config, **kw):
        (Path(roster).parent / "partial.jsonl").write_text("{}\n")
        raise RuntimeError("a secret of the server")

    def work(progress, data: bytes, held: Held) -> str:
        return rosters.answer_roster(
            data,
            "demo_roster.csv",
            as_of=dt.date(2026, 7, 1),
            readings={},
            parameters={},
            progress=progress,
        ).token

    ended = {}
    for name, run in (("answered", real), ("refused", refused), ("crashed", crashed)):
        monkeypatch.setattr(rosters, "run_batch", run)
        held = Held()
        kept = weakref.ref(held)
        job = client.app.state.background.start(
            lambda progress, h=held: work(progress, DEMO_ROSTER.read_bytes(), h), "roster"
        )
        del held
        assert job.finished.wait(120)
        assert _no_temporary_files(tmp_dir) == [], name
        gc.collect()
        ended[name] = job, kept() is None
    assert ended["answered"][0].result and ended["crashed"][0].crashed
    refused_job, let_go = ended["refused"]
    assert refused_job.error is not None and "a refusal of the batch" in str(refused_job.error)
    assert let_go, "the refused job's error holds its work's frames (the upload)"
