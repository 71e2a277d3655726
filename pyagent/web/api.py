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
message as ``{"error": ...}``; a request that is not one (a missing question): 400.

A roster is answered as a job of the page's (`pyagent.web.jobs`: the same bound on rosters at
once, the same `pyagent.web.roster.answer_roster`, so the same ``run_batch``).  By default the
request waits for it and returns the document (as it always has); with ``?async=true`` or the
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

from pyagent.errors import InputError, TimeLimitError
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


def schema_text(name: str) -> str:
    """The JSON Schema ``name`` (a key of SCHEMAS; never a path)."""
    return resources.files("pyagent").joinpath("schemas", SCHEMAS[name][0]).read_text("utf-8")


def _json(doc: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return Response(body, status, headers, media_type="application/json; charset=utf-8")


def _error(message: str, status: int) -> Response:
    return _json({"error": message}, status)


async def _text(request: Request, what: str, limit: int = MAX_BYTES) -> str:
    raw = await request.body()
    if not raw.strip():
        raise HTTPException(400, f"the request has no body; send {what}")
    if len(raw) > limit:
        raise InputError("<request>", "", f"the file is larger than {limit:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            "<request>", "", f"not UTF-8 text (byte {raw[err.start]:#04x} cannot be decoded)"
        ) from None


def _case(request: Request, text: str):
    q = request.query_params
    readings = parse_readings(q.getlist("reading"))
    as_of = parse_date(q["as_of"], "--as-of", "") if q.get("as_of") else None
    return parse_case(text, "<request>", as_of=as_of, readings=readings)


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "en")
    if lang not in ("en", "zh"):
        raise InputError("--lang", "", f"{lang!r} is not a language; use en or zh")
    return lang


def _question(request: Request) -> str:
    question = request.query_params.get("question")
    if not question:
        raise HTTPException(400, "name the question: ?question=title.assistant")
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

    case = _case(request, await _text(request, "a case file (YAML or JSON)"))
    lang = _lang(request)  # as `pyagent ask --json --lang`: reasons in that language
    return _json((await run_in_threadpool(lambda: answer_case(case, lang=lang))).to_json())


@handled
async def why(request: Request) -> Response:
    from pyagent.explain.why import MODES, explain_question

    case = _case(request, await _text(request, "a case file (YAML or JSON)"))
    mode = request.query_params.get("mode", "why").replace("-", "_")
    if mode not in MODES:
        raise HTTPException(400, "mode: why or why-not")
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

    case = _case(request, await _text(request, "a case file (YAML or JSON)"))
    try:
        most = int(request.query_params.get("max", "5"))
    except ValueError:
        raise HTTPException(400, "max: expected a whole number") from None
    if most < 1:
        raise HTTPException(400, "max: at least 1")
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
        raise HTTPException(400, "async: true or false")
    prefer = [p.split(";")[0].strip().lower() for p in request.headers.get("prefer", "").split(",")]
    return given in ("true", "1", "yes") or "respond-async" in prefer


@handled
async def batch(request: Request) -> Response:
    from pyagent.batch.pipeline import parse_parameters
    from pyagent.web.roster import MAX_ROSTER_BYTES, answer_roster, check_roster

    q = request.query_params
    fmt = q.get("format")
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    fmt = fmt or {
        "text/csv": "csv",
        "application/x-ndjson": "jsonl",
        "application/jsonl": "jsonl",
    }.get(kind)
    if fmt not in ("csv", "jsonl"):
        raise HTTPException(400, "say the roster's format: ?format=csv or ?format=jsonl")
    raw = await request.body()
    if not raw.strip():
        raise HTTPException(400, "the request has no body; send a roster (CSV or JSONL)")
    wait = not _asynchronous(request)
    as_of = parse_date(q["as_of"], "--as-of", "") if q.get("as_of") else dt.date.today()
    readings = parse_readings(q.getlist("reading"))
    parameters = parse_parameters(q.getlist("parameter"))
    name = f"roster.{fmt}"
    # what stops a batch before its first row is refused here, before any job starts
    await run_in_threadpool(check_roster, raw, name, fmt, limit_bytes=MAX_ROSTER_BYTES)
    workers = request.app.state.jobs
    answered = []  # the waiting request's own result (never one dropped from the store since)

    def work(progress) -> str:
        result = answer_roster(
            raw,
            name,
            as_of=as_of,
            readings=readings,
            parameters=parameters,
            fmt=fmt,
            jobs=workers,
            limit_bytes=MAX_ROSTER_BYTES,
            progress=progress,
        )
        answered.append(result)
        return result.token

    lang = _message_lang(request)
    try:
        job = request.app.state.background.start(work, "roster", name=name, api=True)
    except Busy as busy:
        said = WORDS[lang]["job_busy"].format(n=busy.unfinished)
        return _json({"error": said}, 503, {"Retry-After": "60"})
    if not wait and not job.not_started:  # (one that could not start: its 503 at once)
        url = _job_url(job)
        return _json(_job_status(job, lang), 202, {"Location": url, "Retry-After": "1"})
    pause = 0.01
    while not job.finished.is_set():  # the event loop stays free while the job runs
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
    if job.stopped:
        return 503, w["job_stopped"]
    if job.not_started:
        return 503, w["job_not_started"]
    return 500, w["job_crashed_roster"]


def _api_job(request: Request) -> Job:
    job = request.app.state.background.get(request.path_params["token"])
    if job is None or not job.info.get("api"):  # the page's jobs are the page's
        raise HTTPException(404, WORDS[_message_lang(request)]["job_gone"])
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
        return _error(WORDS[lang]["roster_gone"], 410)
    return _json({**result.summary, "answers": result.rows, "bad_rows": result.errors})


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
        return _error(f"no schema {name!r}; the schemas are: {', '.join(SCHEMAS)}", 404)
    return Response(schema_text(name), media_type="application/schema+json; charset=utf-8")


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
