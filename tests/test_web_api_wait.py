"""A waiting ``POST /api/batch`` ends with the server and with its client: the first Ctrl-C
(uvicorn's ``handle_exit``) stops the roster's job at its next progress report and the request
returns 503 at once, so the server exits; a client that goes away cancels the job.  Both used
to go on answering the roster to its end (uvicorn waits for open requests before the app's
shutdown stops its jobs, and nothing looked at the client).  No test here measures time: each
waits on events (`test_web_jobs.Held` holds the batch at its first report of answering)."""

from __future__ import annotations

import asyncio
import http.client
import signal
import socket
import threading

import pytest

pytest.importorskip("starlette", reason="the web extra is part of the test extra")

from pyagent.web.app import create_app, server  # noqa: E402
from test_web import DEMO_ROSTER  # noqa: E402
from test_web_jobs import Held, _no_temporary_files, tmp_dir  # noqa: E402, F401

PATH = "/api/batch?format=csv&as_of=2026-07-01"


def _only_job(app):
    jobs = list(app.state.background._store.values())
    assert len(jobs) == 1
    return jobs[0]


def test_a_client_that_goes_away_cancels_its_roster(monkeypatch, tmp_dir):  # noqa: F811
    """The application alone (ASGI): the client's ``http.disconnect`` after its body."""
    held = Held(monkeypatch)
    app = create_app()
    body = DEMO_ROSTER.read_bytes()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/batch",
        "raw_path": b"/api/batch",
        "query_string": PATH.split("?", 1)[1].encode(),
        "root_path": "",
        "headers": [(b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict] = []

    async def run() -> None:
        gone = asyncio.Event()
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive():
            if messages:
                return messages.pop(0)
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        answering = asyncio.create_task(app(scope, receive, send))
        assert await asyncio.to_thread(held.reached.wait, 120)
        gone.set()  # the client goes away while its roster is being answered
        job = _only_job(app)
        assert await asyncio.to_thread(job.cancelled.wait, 120)
        held.release.set()  # the batch goes on to its next report: there it stops
        await answering

    asyncio.run(run())
    job = _only_job(app)
    assert job.finished.is_set() and job.stopped and job.result is None
    assert _no_temporary_files(tmp_dir) == []
    assert sent[0]["status"] == 503


class _Running:
    """`pyagent serve`'s server (`pyagent.web.app.server`) on a free port, in a thread."""

    def __init__(self) -> None:
        self.app = create_app()
        self.server = server(self.app, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        while not self.server.started:  # (uvicorn's own flag; the thread sets it once bound)
            if not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            threading.Event().wait(0.01)
        return self.server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(120)


def _post(port: int) -> socket.socket:
    body = DEMO_ROSTER.read_bytes()
    sock = socket.create_connection(("127.0.0.1", port))
    head = f"POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
    sock.sendall(head.encode() + body)
    return sock


def test_a_client_that_disconnects_from_the_server_cancels_its_roster(monkeypatch, tmp_dir):  # noqa: F811
    held = Held(monkeypatch)
    running = _Running()
    try:
        sock = _post(running.port)
        assert held.reached.wait(120)
        sock.close()  # the client goes away
        job = _only_job(running.app)
        assert job.cancelled.wait(120)
        held.release.set()
        assert job.finished.wait(120)
        assert job.stopped and job.result is None
        assert _no_temporary_files(tmp_dir) == []
        assert running.thread.is_alive()  # the server itself goes on
    finally:
        held.release.set()
        running.stop()


def test_the_first_ctrl_c_ends_a_waiting_request_and_the_server(monkeypatch, tmp_dir):  # noqa: F811
    held = Held(monkeypatch)
    running = _Running()
    try:
        sock = _post(running.port)
        assert held.reached.wait(120)
        # what the first Ctrl-C calls (uvicorn's signal handler); it used to wait for the roster
        running.server.handle_exit(signal.SIGINT, None)
        held.release.set()  # the batch goes on to its next report: there it stops
        response = http.client.HTTPResponse(sock)
        response.begin()
        said = response.read().decode("utf-8")
        assert response.status == 503 and "stopped" in said, said
        running.thread.join(120)
        assert not running.thread.is_alive()  # the server has exited, a second Ctrl-C unneeded
        job = _only_job(running.app)
        assert job.finished.is_set() and job.stopped and not job.cancelled.is_set()
        assert _no_temporary_files(tmp_dir) == []
    finally:
        held.release.set()
        running.stop()
