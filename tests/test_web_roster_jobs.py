"""One way to start a roster's job (`pyagent.web.roster.start_roster_job`) for the roster page
and ``POST /api/batch`` (waiting or not): the block was written twice, once in each.  And the
upload is named in `run_batch`'s messages by its ``source``, as ``pyagent batch -`` names
standard input, not by replacing the temporary file's path in the messages afterwards."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("starlette", reason="the web extra is part of the test extra")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from pyagent.web import roster as rosters  # noqa: E402
from pyagent.web.app import create_app  # noqa: E402
from test_web import DEMO_ROSTER, finished  # noqa: E402
from test_web_jobs import upload  # noqa: E402

QUERY = "format=csv&as_of=2026-07-01"


def test_the_page_and_the_api_start_a_roster_job_the_same_way(monkeypatch):
    real = rosters.start_roster_job
    started = []

    def spy(background, data, name, **kw):
        started.append((name, kw["fmt"], kw.get("api", False)))
        return real(background, data, name, **kw)

    monkeypatch.setattr(rosters, "start_roster_job", spy)
    with TestClient(create_app(job_wait=0)) as client:
        page = finished(client, upload(client))
        assert page.status_code == 200 and "demo_roster.csv" in page.text
        waited = client.post(f"/api/batch?{QUERY}", content=DEMO_ROSTER.read_bytes())
        assert waited.status_code == 200 and waited.json()["roster"] == "roster.csv"
        later = client.post(f"/api/batch?{QUERY}&async=true", content=DEMO_ROSTER.read_bytes())
        assert later.status_code == 202
        token = later.headers["location"].rsplit("/", 1)[-1]
        job = client.app.state.background.get(token)
        assert job.finished.wait(120) and job.info["name"] == "roster.csv" and job.info["api"]
    assert started == [
        ("demo_roster.csv", "csv", False),
        ("roster.csv", "csv", True),
        ("roster.csv", "csv", True),
    ]


def test_run_batch_names_the_upload_itself(monkeypatch):
    real = rosters.run_batch
    sources = []

    def spy(roster, out, config, **kw):
        sources.append(kw.get("source"))
        return real(roster, out, config, **kw)

    monkeypatch.setattr(rosters, "run_batch", spy)
    bad = DEMO_ROSTER.read_bytes() + b"bad_row,tecnician,skill_level,2020-01-01\n"
    with TestClient(create_app(job_wait=0)) as client:
        page = finished(client, upload(client, "zh", name="folder/名单.csv", data=bad))
        assert page.status_code == 200 and "/tmp" not in page.text
        r = client.post(f"/api/batch?{QUERY}", content=bad)
        assert r.status_code == 200 and "/tmp" not in r.text
        said = [e["message"] for e in r.json()["bad_rows"]]
        assert said and all(m.startswith("roster.csv:") for m in said), said
    assert sources == ["名单.csv", "roster.csv"]
