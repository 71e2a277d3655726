"""The API's messages about a roster's job follow ``?lang=`` as its other job messages do
(busy, no such job, no such roster): the result of a job still running (409) said its
message in English under ``?lang=zh``."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("starlette", reason="the web extra is part of the test extra")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from pyagent.web.app import create_app  # noqa: E402
from test_web import DEMO_ROSTER  # noqa: E402
from test_web_jobs import Held  # noqa: E402
from test_web_language import _wrong_language  # noqa: E402

QUERY = "format=csv&as_of=2026-07-01&async=true"


@pytest.mark.parametrize(
    ("lang", "said"), [("zh", "任务尚未结束"), ("en", "the job has not ended yet")]
)
def test_the_result_of_a_job_still_running_is_said_in_the_language_asked(monkeypatch, lang, said):
    held = Held(monkeypatch)
    with TestClient(create_app(job_wait=0)) as client:
        r = client.post(f"/api/batch?{QUERY}&lang={lang}", content=DEMO_ROSTER.read_bytes())
        assert r.status_code == 202
        url = r.headers["location"]
        assert held.reached.wait(120)
        try:
            for path in (f"{url}/result", f"{url}/answers.jsonl"):
                early = client.get(f"{path}?lang={lang}")
                message = early.json()["error"]
                assert early.status_code == 409 and url in message, message
                assert said in message and not _wrong_language(message, lang), message
        finally:
            held.release.set()
        token = url.rsplit("/", 1)[-1]
        assert client.app.state.background.get(token).finished.wait(120)
