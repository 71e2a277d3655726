"""Every error of the JSON API is a JSON document ``{"error": ...}`` whose message is in the
language of ``?lang=`` (English without it), and is worded for a client of the API, not for
the page: a 400 (no body, no question, a bad ``mode``/``max``/``async``/``format``), 404 (an
unknown route, schema or job), 405, 410, 413 (declared or streamed), 415, 422 (bad input,
including a body that is not UTF-8 or too large), 500 and 503.  Before, the 400s, 404s, 405,
413 and 500 stayed English under ``?lang=zh`` (the 413 and 500 were not even JSON), and a job
unknown to the API told its client to "upload the roster again" as the page does."""

from __future__ import annotations

import re
import warnings

import pytest

pytest.importorskip("starlette", reason="the web extra is part of the test extra")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from pyagent.web.app import create_app  # noqa: E402
from pyagent.web.jobs import Jobs  # noqa: E402
from test_web import DEMO, DEMO_ROSTER  # noqa: E402
from test_web_language import _wrong_language  # noqa: E402

CASE = DEMO.read_bytes()
ROSTER = DEMO_ROSTER.read_bytes()
MULTIPART = (
    b'--b\r\nContent-Disposition: form-data; name="roster"; filename="r.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\nid\r\na\r\n--b--\r\n"
)

# (what, status, method, path, body, headers); the path gets &lang= (or ?lang=)
REQUESTS = [
    ("no body", 400, "POST", "/api/ask", b"", {}),
    ("no question", 400, "POST", "/api/why", CASE, {}),
    ("a bad mode", 400, "POST", "/api/why?question=title.assistant&mode=how", CASE, {}),
    ("a bad max", 400, "POST", "/api/what-if?question=title.assistant&max=many", CASE, {}),
    ("max 0", 400, "POST", "/api/what-if?question=title.assistant&max=0", CASE, {}),
    ("a bad async", 400, "POST", "/api/batch?format=csv&async=maybe", ROSTER, {}),
    ("no format", 400, "POST", "/api/batch", ROSTER, {"content-type": "application/octet-stream"}),
    ("a roster without body", 400, "POST", "/api/batch?format=csv", b"", {}),
    ("an unknown route", 404, "GET", "/api/answers", None, {}),
    ("an unknown schema", 404, "GET", "/api/schema/nothing", None, {}),
    ("an unknown job", 404, "GET", "/api/batch/jobs/nothing", None, {}),
    ("an unknown job's result", 404, "GET", "/api/batch/jobs/nothing/result", None, {}),
    ("a wrong method", 405, "GET", "/api/ask", None, {}),
    (
        "a form",
        415,
        "POST",
        "/api/batch?format=csv",
        MULTIPART,
        {"content-type": "multipart/form-data; boundary=b"},
    ),
    ("a bad case", 422, "POST", "/api/ask", b"persons: [{id: a, field: Engineering}]", {}),
    ("not UTF-8", 422, "POST", "/api/ask", b"as_of: 2026-07-01\nperson: {id: \xff}\n", {}),
    ("a bad roster header", 422, "POST", "/api/batch?format=csv", b"idd,foo\n1,2\n", {}),
]

_CJK = re.compile(r"[\u3400-\u9fff]")


def _said(r, lang: str) -> str:
    assert r.headers["content-type"].startswith("application/json"), r.text
    message = r.json()["error"]
    assert isinstance(message, str) and message.strip()
    assert _wrong_language(message, lang) is None, message
    if lang == "zh":
        assert _CJK.search(message), message
    return message


def _with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(job_wait=0)) as c:
        yield c


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("what", "status", "method", "path", "body", "headers"), REQUESTS, ids=[r[0] for r in REQUESTS]
)
def test_every_api_error_is_json_in_the_language_asked(
    client, lang, what, status, method, path, body, headers
):
    r = client.request(method, _with_lang(path, lang), content=body, headers=headers)
    assert r.status_code == status, r.text
    message = _said(r, lang)
    # words for a client of the API: nothing to upload, no page to go back to
    assert "upload" not in message and "上传" not in message, message


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_lang_the_api_speaks_english_and_a_wrong_method_names_the_allowed_one(client, lang):
    r = client.get("/api/why")
    assert r.status_code == 405 and "POST" in _said(r, "en") and r.headers["allow"] == "POST"
    r = client.post("/api/ask", content=b"")
    assert r.status_code == 400 and _said(r, "en")
    r = client.get(f"/api/batch/jobs/nothing?lang={lang}")
    assert "/api/batch" in _said(r, lang)  # where to send the roster again


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_body_over_the_limit_is_a_413_in_json_declared_or_streamed(lang):
    with TestClient(create_app(max_body=1000)) as small:
        declared = small.post(f"/api/ask?lang={lang}", content=b"x" * 5000)
        assert declared.status_code == 413 and "1,000" in _said(declared, lang)

        def chunks():
            for _ in range(5):
                yield b"x" * 1000

        streamed = small.post(f"/api/ask?lang={lang}", content=chunks())
        assert streamed.status_code == 413 and "1,000" in _said(streamed, lang)
        page = small.post(f"/person?lang={lang}", content=b"x" * 5000)
        assert page.status_code == 413 and "1,000" in page.text
        assert _wrong_language(page.text, lang) is None, page.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_case_over_the_limit_of_a_case_file_is_a_422_in_the_language_asked(client, lang):
    r = client.post(f"/api/ask?lang={lang}", content=b"#" * 5_000_001)
    assert r.status_code == 422 and "5,000,000" in _said(r, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_busy_server_and_a_crash_are_said_in_the_language_asked(lang, monkeypatch):
    with TestClient(create_app(job_wait=0), raise_server_exceptions=False) as c:
        c.app.state.background = Jobs(waiting=0)
        busy = c.post(f"/api/batch?format=csv&lang={lang}", content=ROSTER)
        assert busy.status_code == 503 and busy.headers["retry-after"]
        _said(busy, lang)

        def broken(*args, **kwargs):
            raise RuntimeError("a secret of the server")

        monkeypatch.setattr("pyagent.explain.answers.answer_case", broken)
        crashed = c.post(f"/api/ask?lang={lang}", content=CASE)
        assert crashed.status_code == 500 and "secret" not in crashed.text
        _said(crashed, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_result_no_longer_kept_says_to_post_the_roster_again(client, lang, monkeypatch):
    from pyagent.web import roster as rosters

    r = client.post("/api/batch?format=csv&as_of=2026-07-01&async=true", content=ROSTER)
    token = r.headers["location"].rsplit("/", 1)[-1]
    job = client.app.state.background.get(token)
    assert job.finished.wait(120) and job.result
    monkeypatch.delitem(rosters._STORE, job.result)  # as the oldest roster goes after eight more
    gone = client.get(f"{r.headers['location']}/result?lang={lang}")
    assert gone.status_code == 410
    message = _said(gone, lang)
    assert "/api/batch" in message and "upload" not in message and "上传" not in message
