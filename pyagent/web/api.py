"""The JSON API: the command line's JSON documents over HTTP, and their JSON Schemas.

=====================  ========================================  ============================
route                  body                                      returns (as ``--json``)
=====================  ========================================  ============================
``POST /api/ask``      a case file (YAML or JSON)                ``pyagent.answers/1``
``POST /api/why``      a case; ``?question=&person=&mode=``      ``pyagent.explanation/1``
``POST /api/what-if``  a case; ``?question=&person=&max=``       ``pyagent.whatif/1``
``POST /api/batch``    a roster (CSV or JSONL; ``?format=``)     ``pyagent.batch/1`` + rows
``GET /api/schema``    -                                         the list of schemas
=====================  ========================================  ============================

Options are the command line's, as query parameters: ``reading=name=value`` (repeatable),
``as_of``, ``lang``, ``parameter=name=years`` (batch).  Bad input: 422 with the command line's
message as ``{"error": ...}``; a request that is not one (a missing question): 400; a form
(``multipart/form-data``) instead of the file itself: 415.  Every error is such a document, its
message in the language of ``?lang=`` (English without it; `error_response`).

A roster is answered as a job of the page's (`pyagent.web.jobs`: the same bound on rosters at
once, the same `pyagent.web.roster.answer_roster`, so the same ``run_batch``).  By default the
request waits for it and returns the document (as it always has; its job is cancelled when
the client goes away, and stopped when the server stops: `pyagent.web.app.server`); with ``?async=true`` or the
header ``Prefer: respond-async`` it returns at once: 202 Accepted, ``Location:
/api/batch/jobs/ID`` and the job's status (``pyagent.batch-job/1``: status, phase, done,
total, persons, seconds), which ``GET /api/batch/jobs/ID`` gives again until the job ends;
then ``GET /api/batch/jobs/ID/result`` is the document the waiting request returns, and
``.../answers.jsonl`` the answers as ``pyagent batch --no-reasons -o answers.jsonl`` writes
them.  Too many rosters unfinished: 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pyagent.errors import InputError, Msg, TimeLimitError, in_lang, listed, msg, shown
from pyagent.input.case import MAX_BYTES, parse_case, parse_date, parse_readings
from pyagent.web.i18n import WORDS
from pyagent.web.jobs import Busy, Job

# name -> (file in pyagent/schemas, what it describes)
SCHEMAS = {
    "case": ("case.schema.json", "a case file (SPEC section 2), the body of ask, why and what-if"),
    "answers": ("answers.schema.json", "pyagent ask --json (SPEC section 8), POST /api/ask"),
    "explanation": ("explanation.schema.json", "pyagent why/why-not --json, POST /api/why"),
    "whatif": ("whatif.schema.json", "pyagent what-if --json, POST /api/what-if"),
    "batch": ("batch.schema.json", "pyagent batch --json (the summary), POST /api/batch"),
    "batch-line": ("batch-line.schema.json", "a line of pyagent batch's OUT.jsonl"),
    "batch-job": (
        "batch-job.schema.json",
        "GET /api/batch/jobs/ID: a roster's job (POST /api/batch?async=true)",
    ),
    "check": ("check.schema.json", "pyagent check --json"),
    "diff": ("diff.schema.json", "pyagent diff --json"),
}


# what each schema describes, for the /api page under zh
SCHEMAS_ZH = {
    "case": "案例文件（SPEC 第2节），即 ask、why 和 what-if 的请求正文",
    "answers": "「pyagent ask --json」（SPEC 第8节），POST /api/ask",
    "explanation": "「pyagent why/why-not --json」，POST /api/why",
    "whatif": "「pyagent what-if --json」，POST /api/what-if",
    "batch": "「pyagent batch --json」（摘要），POST /api/batch",
    "batch-line": "「pyagent batch」所写 OUT.jsonl 的一行",
    "batch-job": "GET /api/batch/jobs/ID：一份名单的任务（POST /api/batch?async=true）",
    "check": "「pyagent check --json」",
    "diff": "「pyagent diff --json」",
}


def schema_text(name: str) -> str:
    """The JSON Schema ``name`` (a key of SCHEMAS; never a path)."""
    return resources.files("pyagent").joinpath("schemas", SCHEMAS[name][0]).read_text("utf-8")


def _json(doc: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return Response(body, status, headers, media_type="application/json; charset=utf-8")


def _error(message: str, status: int) -> Response:
    return _json({"error": message}, status)


# the API's own words (the page's are in `pyagent.web.i18n`): a client of the API posts
# again, it has no page to upload on
A_CASE = msg("a case file (YAML or JSON)", "案例文件（YAML 或 JSON）")
A_ROSTER = msg("a roster (CSV or JSONL)", "名单（CSV 或 JSONL）")
JOB_GONE = msg(
    "No such job here (the server keeps its last few jobs only, and none across a restart); "
    "POST the roster to /api/batch again.",
    "没有这个任务（服务器只保留最近的几个任务，重启后一个不留）；请再次以 POST 将名单发送到 /api/batch。",
)
ROSTER_GONE = msg(
    "No such roster here (the server keeps the answers of its last few rosters only); "
    "POST the roster to /api/batch again.",
    "没有这份名单（服务器只保留最近几份名单的答案）；请再次以 POST 将名单发送到 /api/batch。",
)
CRASHED = msg(
    "The roster could not be answered: an error inside pyagent (the server's log has the "
    "details). POST it again, or answer it with pyagent batch.",
    "名单未能完成：pyagent 内部出错（详情见服务器日志）。请再次发送，或用「pyagent batch」处理。",
)
CANCELLED = msg(
    "the job was cancelled: the request that waited for it went away",
    "任务已取消：等待它的请求已断开",
)
INTERNAL = msg(
    "internal error: the request could not be answered (the server's log has the details)",
    "内部错误：请求未能完成（详情见服务器日志）",
)


def _not_a_form(request: Request, what: Msg) -> None:
    """A form (``curl -F``) is not the file itself: 415 (``--data-binary`` sends the file)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        raise HTTPException(
            415,
            msg(
                "send {what} itself as the request's body (curl --data-binary @FILE), "
                "not a form (curl -F)",
                "请将{what}本身作为请求正文发送（「curl --data-binary @FILE」），"
                "而不是表单（「curl -F」）",
                what=what,
            ),
        )


async def _text(request: Request, what: Msg, limit: int = MAX_BYTES) -> str:
    _not_a_form(request, what)
    raw = await request.body()
    if not raw.strip():
        raise HTTPException(
            400, msg("the request has no body; send {w}", "请求没有正文；请发送{w}", w=what)
        )
    if len(raw) > limit:
        raise InputError(
            "<request>",
            "",
            msg("the file is larger than {n} bytes", "文件大于 {n} 字节", n=f"{limit:,}"),
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            "<request>",
            "",
            msg(
                "not UTF-8 text (byte {b} cannot be decoded)",
                "不是 UTF-8 文字（字节 {b} 无法解码）",
                b=f"{raw[err.start]:#04x}",
            ),
        ) from None


def _case(request: Request, text: str):
    q = request.query_params
    readings = parse_readings(q.getlist("reading"))
    as_of = parse_date(q["as_of"], "--as-of", "") if q.get("as_of") else None
    return parse_case(text, "<request>", as_of=as_of, readings=readings)


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "en")
    if lang not in ("en", "zh"):
        raise InputError(
            "--lang",
            "",
            msg("{v!r} is not a language; use en or zh", "「{v}」不是语言；请用 en 或 zh", v=lang),
        )
    return lang


def _question(request: Request) -> str:
    question = request.query_params.get("question")
    if not question:
        raise HTTPException(
            400,
            msg(
                "name the question: ?question=title.assistant",
                "请指明问题：?question=title.assistant",
            ),
        )
    return question


def _said(err: InputError | TimeLimitError, request: Request) -> str:
    """The command line's message: in ``?lang=`` where given, else as `str` has it."""
    lang = request.query_params.get("lang")
    return err.text(lang) if lang in ("en", "zh") and hasattr(err, "text") else str(err)


def handled(endpoint):
    """An endpoint whose bad input is a 422 with the command line's message."""

    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except (InputError, TimeLimitError) as err:
            return _error(_said(err, request), 422)

    return run


@handled
async def ask(request: Request) -> Response:
    from pyagent.explain.answers import answer_case

    case = _case(request, await _text(request, A_CASE))
    lang = _lang(request)  # as `pyagent ask --json --lang`: reasons in that language
    return _json((await run_in_threadpool(lambda: answer_case(case, lang=lang))).to_json())


@handled
async def why(request: Request) -> Response:
    from pyagent.explain.why import MODES, explain_question

    case = _case(request, await _text(request, A_CASE))
    mode = request.query_params.get("mode", "why").replace("-", "_")
    if mode not in MODES:
        raise HTTPException(400, msg("mode: why or why-not", "mode：why 或 why-not"))
    found = await run_in_threadpool(
        lambda: explain_question(
            case,
            _question(request),
            person=request.query_params.get("person"),
            lang=_lang(request),
            mode=mode,
        )
    )
    return _json(found.to_json())


@handled
async def what_if(request: Request) -> Response:
    from pyagent.explain.whatif import what_if as library_what_if

    case = _case(request, await _text(request, A_CASE))
    try:
        most = int(request.query_params.get("max", "5"))
    except ValueError:
        raise HTTPException(400, msg("max: expected a whole number", "max：应为整数")) from None
    if most < 1:
        raise HTTPException(400, msg("max: at least 1", "max：至少为 1"))
    question = _question(request)
    result = await run_in_threadpool(
        lambda: library_what_if(
            case, request.query_params.get("person"), question, max_sets=most, lang=_lang(request)
        )
    )
    return _json(result.to_json())


def _asynchronous(request: Request) -> bool:
    """Whether the request asks not to wait: ``?async=true`` or ``Prefer: respond-async``."""
    given = request.query_params.get("async", "").lower()
    if given not in ("", "true", "false", "1", "0", "yes", "no"):
        raise HTTPException(400, msg("async: true or false", "async：true 或 false"))
    prefer = [p.split(";")[0].strip().lower() for p in request.headers.get("prefer", "").split(",")]
    return given in ("true", "1", "yes") or "respond-async" in prefer


@handled
async def batch(request: Request) -> Response:
    from pyagent.batch.pipeline import parse_parameters
    from pyagent.web.roster import MAX_ROSTER_BYTES, check_roster, start_roster_job

    q = request.query_params
    fmt = q.get("format")
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    fmt = fmt or {
        "text/csv": "csv",
        "application/x-ndjson": "jsonl",
        "application/jsonl": "jsonl",
    }.get(kind)
    _not_a_form(request, A_ROSTER)
    if fmt not in ("csv", "jsonl"):
        raise HTTPException(
            400,
            msg(
                "say the roster's format: ?format=csv or ?format=jsonl",
                "请说明名单的格式：?format=csv 或 ?format=jsonl",
            ),
        )
    raw = await request.body()
    if not raw.strip():
        raise HTTPException(
            400, msg("the request has no body; send {w}", "请求没有正文；请发送{w}", w=A_ROSTER)
        )
    wait = not _asynchronous(request)
    as_of = parse_date(q["as_of"], "--as-of", "") if q.get("as_of") else dt.date.today()
    readings = parse_readings(q.getlist("reading"))
    parameters = parse_parameters(q.getlist("parameter"))
    name = f"roster.{fmt}"
    # what stops a batch before its first row is refused here, before any job starts
    await run_in_threadpool(check_roster, raw, name, fmt, limit_bytes=MAX_ROSTER_BYTES)
    lang = _message_lang(request)
    try:
        job, answered = start_roster_job(
            request.app.state.background,
            raw,
            name,
            as_of=as_of,
            readings=readings,
            parameters=parameters,
            fmt=fmt,
            jobs=request.app.state.jobs,
            limit_bytes=MAX_ROSTER_BYTES,
            api=True,
        )
    except Busy as busy:
        said = WORDS[lang]["job_busy"].format(n=busy.unfinished)
        return _json({"error": said}, 503, {"Retry-After": "60"})
    if not wait and not job.not_started:  # (one that could not start: its 503 at once)
        url = _job_url(job)
        return _json(_job_status(job, lang), 202, {"Location": url, "Retry-After": "1"})
    pause = 0.01
    while not job.finished.is_set():  # the event loop stays free while the job runs
        if not job.cancelled.is_set() and await request.is_disconnected():
            # nobody waits for the answers any more: the job stops at its next progress
            # report, its files removed (the server stopping stops it so too: `serve`)
            request.app.state.background.cancel(job)
        await asyncio.sleep(pause)
        pause = min(0.25, pause * 2)
    return _job_result(job, request, answered[0] if answered else None)


def _message_lang(request: Request) -> str:
    """The language of the API's own messages: ``?lang=`` (zh or en), else English."""
    lang = request.query_params.get("lang")
    return lang if lang in ("en", "zh") else "en"


def _job_url(job: Job) -> str:
    return f"/api/batch/jobs/{job.token}"


def _job_status(job: Job, lang: str) -> dict:
    """``pyagent.batch-job/1``: what the progress page shows of a roster's job, as JSON."""
    phase, done, total, persons = job.state
    finished = job.finished.is_set()
    ok = finished and job.result is not None and not (job.error or job.crashed or job.stopped)
    doc: dict = {
        "schema": "pyagent.batch-job/1",
        "job": job.token,
        "status": ("done" if ok else "failed")
        if finished
        else ("waiting" if phase == "waiting" else "running"),
        "phase": phase,  # waiting, then run_batch's: reading, answering, writing
        "done": done,
        "total": total,  # 0: not known yet
        "persons": persons,
        "seconds": round(job.seconds, 1),
        "url": _job_url(job),
    }
    if ok:
        doc["result"] = f"{_job_url(job)}/result"
        doc["answers_jsonl"] = f"{_job_url(job)}/answers.jsonl"
    elif finished:
        doc["error"] = _job_failure(job, lang)[1]
    return doc


def _job_failure(job: Job, lang: str) -> tuple[int, str]:
    """(HTTP status, message) of a job that ended without its answers."""
    w = WORDS[lang]
    if job.error is not None:
        text = getattr(job.error, "text", None)
        return 422, text(lang) if callable(text) else str(job.error)
    if job.stopped and job.cancelled.is_set():
        return 503, CANCELLED.text(lang)
    if job.stopped:
        return 503, w["job_stopped"]
    if job.not_started:
        return 503, w["job_not_started"]
    return 500, CRASHED.text(lang)


def _api_job(request: Request) -> Job:
    job = request.app.state.background.get(request.path_params["token"])
    if job is None or not job.info.get("api"):  # the page's jobs are the page's
        raise HTTPException(404, JOB_GONE)
    return job


async def batch_job(request: Request) -> Response:
    """A roster's job: its status (200) while it runs and once it has ended."""
    job = _api_job(request)
    running = not job.finished.is_set()
    return _json(
        _job_status(job, _message_lang(request)), headers={"Retry-After": "1"} if running else None
    )


def _job_result(job: Job, request: Request, result=None) -> Response:
    """The document of a finished job, as the waiting request returns it; the job's error
    (its status code) when it ended without one; 409 while it runs."""
    from pyagent.web.roster import stored

    lang = _message_lang(request)
    if not job.finished.is_set():
        doc = {"error": WORDS[lang]["job_not_ended"].format(url=_job_url(job))}
        return _json(doc, 409, {"Retry-After": "1", "Location": _job_url(job)})
    if job.error is not None:
        return _error(_said(job.error, request), 422)
    if job.result is None or job.crashed or job.stopped:
        code, said = _job_failure(job, lang)
        return _error(said, code)
    result = result or stored(job.result)
    if result is None:  # the last few rosters are kept
        return _error(ROSTER_GONE.text(lang), 410)
    bad_rows = result.errors_in(lang)  # (each message in ?lang=, English without it)
    return _json({**result.summary, "answers": result.rows, "bad_rows": bad_rows})


async def batch_job_result(request: Request) -> Response:
    return _job_result(_api_job(request), request)


async def batch_job_answers(request: Request) -> Response:
    """The answers of a finished job as ``pyagent batch --no-reasons -o answers.jsonl``
    writes them (the result's ``answers``, one JSON line each, byte for byte)."""
    from pyagent.web.roster import stored

    job = _api_job(request)
    result = stored(job.result) if job.finished.is_set() and job.result else None
    if result is None:
        return _job_result(job, request)  # 409, the job's error, or 410
    return Response(result.jsonl, media_type="application/x-ndjson; charset=utf-8")


async def schema_index(request: Request) -> Response:
    return _json(
        {
            "schemas": {
                n: {"url": f"/api/schema/{n}", "describes": d} for n, (_, d) in SCHEMAS.items()
            }
        }
    )


async def schema(request: Request) -> Response:
    name = request.path_params["name"].removesuffix(".json")
    if name not in SCHEMAS:
        said = msg(
            "no schema {n!r}; the schemas are: {s}",
            "没有「{n}」这一模式；模式有：{s}",
            n=shown(name),
            s=listed(SCHEMAS),
        )
        return _error(said.text(_message_lang(request)), 404)
    return Response(schema_text(name), media_type="application/schema+json; charset=utf-8")


def error_response(request: Request, exc: HTTPException) -> Response:
    """An `HTTPException` of a route under /api/ (or of none: an unknown path, a wrong
    method): ``{"error": ...}`` in the language of ``?lang=``, with the exception's headers
    (``Allow``)."""
    detail: str = exc.detail
    path = shown(request.url.path)
    if exc.status_code == 404 and not isinstance(detail, Msg):  # Starlette's: no such route
        detail = msg(
            "no such route: {p}; the API's routes are listed at /api",
            "没有这一路径：{p}；API 的各个路径见 /api",
            p=path,
        )
    elif exc.status_code == 405 and not isinstance(detail, Msg):  # Starlette's: wrong method
        allowed = (exc.headers or {}).get("Allow", "")
        detail = msg(
            "{p} does not take {m}; use {a}",
            "{p} 不接受 {m}；请用 {a}",
            p=path,
            m=shown(request.method),
            a=allowed,
        )
    headers = dict(exc.headers) if exc.headers else None
    return _json({"error": in_lang(detail, _message_lang(request))}, exc.status_code, headers)


def internal_error(request: Request) -> Response:
    """A 500 under /api/: the one message, as JSON in the language of ``?lang=`` (the
    traceback goes to the server's log only)."""
    return _error(INTERNAL.text(_message_lang(request)), 500)


def routes() -> list[Route]:
    return [
        Route("/api/ask", ask, methods=["POST"]),
        Route("/api/why", why, methods=["POST"]),
        Route("/api/what-if", what_if, methods=["POST"]),
        Route("/api/batch", batch, methods=["POST"]),
        Route("/api/batch/jobs/{token}", batch_job),
        Route("/api/batch/jobs/{token}/result", batch_job_result),
        Route("/api/batch/jobs/{token}/answers.jsonl", batch_job_answers),
        Route("/api/schema", schema_index),
        Route("/api/schema/{name}", schema),
    ]
