"""``POST /api/batch`` for a long roster: ``?async=true`` (or ``Prefer: respond-async``) is
202 Accepted and a job (the page's: `pyagent.web.jobs`, `answer_roster`, `run_batch`) whose
status is JSON while it runs, then the document the waiting request returns, byte for byte,
and the answers as ``pyagent batch --no-reasons`` writes them.  A job is held on an event of
the test (`test_web_jobs.Held`), so what its status says mid-run is deterministic."""

from __future__ import annotations

import json
import re
import threading
import warnings

import pytest

pytest.importorskip("starlette", reason="the web extra is part of the test extra")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from pyagent.errors import InputError, msg  # noqa: E402
from pyagent.web import roster as rosters  # noqa: E402
from pyagent.web.app import create_app  # noqa: E402
from pyagent.web.jobs import Jobs  # noqa: E402
from test_web import DEMO_ROSTER, validator  # noqa: E402
from test_web_jobs import CLI_SETTINGS, Held, batch, upload  # noqa: E402

QUERY = "format=csv&as_of=2026-07-01&parameter=application_years.technician=8"


@pytest.fixture
def client():
    with TestClient(create_app(job_wait=0)) as c:
        yield c


def _ended(client, url: str):
    token = url.rsplit("/", 1)[-1]
    assert client.app.state.background.get(token).finished.wait(120)
    return client.get(url)


def _timeless(text: str) -> str:
    """The document without its two timings (a run's own seconds)."""
    text = re.sub(r'"seconds": [\d.]+', '"seconds": 0', text)
    return re.sub(r'"persons_per_second": \d+', '"persons_per_second": 0', text)


def test_an_asynchronous_batch_reports_its_progress_then_gives_what_the_waiting_one_gives(
    client, monkeypatch, tmp_path
):
    held = Held(monkeypatch)
    r = client.post(f"/api/batch?{QUERY}&async=true", content=DEMO_ROSTER.read_bytes())
    assert r.status_code == 202
    url = r.headers["location"]
    assert re.fullmatch(r"/api/batch/jobs/[\w-]+", url)
    assert r.json()["status"] in ("waiting", "running") and r.json()["url"] == url
    validator("batch-job").validate(r.json())
    assert held.reached.wait(120)
    _, done, total, persons = held.report
    status = client.get(url)
    assert status.status_code == 200 and status.headers["retry-after"] == "1"
    validator("batch-job").validate(status.json())
    assert {k: status.json()[k] for k in ("status", "phase", "done", "total", "persons")} == {
        "status": "running",
        "phase": "answering",
        "done": done,
        "total": total,
        "persons": persons,
    }
    assert persons == 4 and total > 0 and "result" not in status.json()
    early = client.get(f"{url}/result")
    assert early.status_code == 409 and url in early.json()["error"]
    held.release.set()
    status = _ended(client, url)
    validator("batch-job").validate(status.json())
    assert status.json()["status"] == "done" and "retry-after" not in status.headers
    assert status.json()["result"] == f"{url}/result"
    result = client.get(status.json()["result"])
    assert result.status_code == 200
    validator("batch").validate(result.json())
    # the waiting request on the same roster: the same document, byte for byte but its timings
    waited = client.post(f"/api/batch?{QUERY}", content=DEMO_ROSTER.read_bytes())
    assert (
        waited.status_code == 200
        and waited.headers["content-type"] == result.headers["content-type"]
    )
    assert _timeless(result.text) == _timeless(waited.text)
    assert result.json()["persons_in"] == 4
    # the answers: `pyagent batch --no-reasons -o answers.jsonl` on the same roster, byte for byte
    answers = client.get(status.json()["answers_jsonl"])
    assert answers.status_code == 200
    assert answers.text == batch(tmp_path, *CLI_SETTINGS, "--no-reasons").read_text("utf-8")
    assert [json.loads(line) for line in answers.text.splitlines()] == result.json()["answers"]


def test_prefer_respond_async_asks_for_a_job_too_and_a_bad_roster_is_refused_at_once(client):
    r = client.post(
        f"/api/batch?{QUERY}",
        content=DEMO_ROSTER.read_bytes(),
        headers={"Prefer": "respond-async, wait=5"},
    )
    assert r.status_code == 202 and r.headers["location"].startswith("/api/batch/jobs/")
    assert _ended(client, r.headers["location"]).json()["status"] == "done"
    jobs = len(client.app.state.background._store)
    bad = client.post(f"/api/batch?{QUERY}&async=true", content=b"idd,foo\n1,2\n")
    assert bad.status_code == 422
    assert bad.json()["error"].startswith("roster.csv:1: unknown columns 'idd' (column 1;")
    assert len(client.app.state.background._store) == jobs  # no job was started for it
    assert client.post(f"/api/batch?{QUERY}&async=maybe", content=b"id\n").status_code == 400


def test_a_job_that_fails_says_so_in_its_status_and_its_result(client, monkeypatch):
    def refused(roster, out, config, *, source=None, **kw):
        # as run_batch does: its messages name ``source`` (the upload), else the file's path
        name = source or str(roster)
        raise InputError(name, "", msg("a refusal of the batch", "批处理拒绝了它"), 3)

    def crashed(roster, out, config, **kw):
        raise RuntimeError("a secret of the server")

    for run, code, said in (
        (refused, 422, "roster.csv:3: a refusal of the batch"),
        (crashed, 500, "The roster could not be answered: an error inside pyagent"),
    ):
        monkeypatch.setattr(rosters, "run_batch", run)
        url = client.post(f"/api/batch?{QUERY}&async=1", content=DEMO_ROSTER.read_bytes())
        status = _ended(client, url.headers["location"])
        validator("batch-job").validate(status.json())
        assert status.json()["status"] == "failed" and said in status.json()["error"]
        result = client.get(f"{url.headers['location']}/result")
        assert result.status_code == code and said in result.json()["error"]
        assert "secret" not in result.text and "/tmp" not in result.text
        # the waiting request: the same status and message
        waited = client.post(f"/api/batch?{QUERY}", content=DEMO_ROSTER.read_bytes())
        assert (waited.status_code, waited.json()) == (code, result.json())
    zh = client.get(f"{url.headers['location']}/result?lang=zh")
    assert zh.status_code == 500 and "名单未能完成：pyagent 内部出错" in zh.json()["error"]


def test_the_api_shares_the_pages_bound_on_jobs_and_keeps_to_its_own(client, monkeypatch):
    client.app.state.background = Jobs(running=1, waiting=1)
    held = Held(monkeypatch)
    first = client.post(f"/api/batch?{QUERY}&async=true", content=DEMO_ROSTER.read_bytes())
    assert first.status_code == 202 and held.reached.wait(120)
    try:
        for asked in (f"/api/batch?{QUERY}", f"/api/batch?{QUERY}&async=true"):
            busy = client.post(asked, content=DEMO_ROSTER.read_bytes())
            assert busy.status_code == 503 and busy.headers["retry-after"]
            assert "busy with 1 other" in busy.json()["error"]
        assert upload(client).status_code == 503  # the page's upload too
    finally:
        held.release.set()
    assert _ended(client, first.headers["location"]).json()["status"] == "done"
    # a job of the page is not the API's, nor is a job that is not there
    page_job = upload(client).headers["location"]
    token = re.search(r"/roster/job/([\w-]+)", page_job).group(1)
    for url in (f"/api/batch/jobs/{token}", "/api/batch/jobs/nothing/result"):
        r = client.get(url)
        assert r.status_code == 404 and "No such job here" in r.json()["error"]
    client.app.state.background.close()


def test_a_result_no_longer_kept_is_gone(client, monkeypatch):
    r = client.post(f"/api/batch?{QUERY}&async=true", content=DEMO_ROSTER.read_bytes())
    status = _ended(client, r.headers["location"]).json()
    token = client.app.state.background.get(status["job"]).result
    monkeypatch.delitem(rosters._STORE, token)  # as the oldest roster goes after eight more
    for url in (status["result"], status["answers_jsonl"]):
        gone = client.get(url)
        assert gone.status_code == 410 and "No such roster here" in gone.json()["error"]


def test_a_waiting_request_does_not_hold_the_server(client, monkeypatch):
    """The waiting request's roster is answered by a job: the server answers others meanwhile
    (the request itself waits on the job's event, not on a thread of its own)."""
    held = Held(monkeypatch)
    got = {}
    waiting = threading.Thread(
        target=lambda: got.setdefault(
            "r", client.post(f"/api/batch?{QUERY}", content=DEMO_ROSTER.read_bytes())
        )
    )
    waiting.start()
    assert held.reached.wait(120)
    (job,) = client.app.state.background._store.values()
    status = client.get(f"/api/batch/jobs/{job.token}")
    assert status.status_code == 200 and status.json()["phase"] == "answering"
    held.release.set()
    waiting.join(120)
    assert got["r"].status_code == 200 and got["r"].json()["persons_in"] == 4


def test_a_job_that_cannot_start_is_a_503_at_once(client, monkeypatch):
    """Its thread could not be started: the request says so (it would otherwise be a 202 for
    a job already failed); the next request is not refused as busy."""
    from test_web_jobs import FailingThread

    from pyagent.web import jobs as jobs_module

    client.app.state.background = Jobs(running=1, waiting=1)
    monkeypatch.setattr(jobs_module, "Thread", FailingThread)
    for lang, said in (("en", "could not start this work"), ("zh", "服务器未能开始这项任务")):
        for asked in (f"/api/batch?{QUERY}&lang={lang}", f"/api/batch?{QUERY}&async=1&lang={lang}"):
            r = client.post(asked, content=DEMO_ROSTER.read_bytes())
            assert r.status_code == 503 and said in r.json()["error"], r.text
            assert "location" not in r.headers
    monkeypatch.setattr(jobs_module, "Thread", threading.Thread)
    assert client.post(f"/api/batch?{QUERY}", content=DEMO_ROSTER.read_bytes()).status_code == 200
    client.app.state.background.close()
