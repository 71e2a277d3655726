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
"""

from __future__ import annotations

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

# name -> (file in pyagent/schemas, what it describes)
SCHEMAS = {
    "case": ("case.schema.json", "a case file (SPEC section 2), the body of ask, why and what-if"),
    "answers": ("answers.schema.json", "pyagent ask --json (SPEC section 8), POST /api/ask"),
    "explanation": ("explanation.schema.json", "pyagent why/why-not --json, POST /api/why"),
    "whatif": ("whatif.schema.json", "pyagent what-if --json, POST /api/what-if"),
    "batch": ("batch.schema.json", "pyagent batch --json (the summary), POST /api/batch"),
    "batch-line": ("batch-line.schema.json", "a line of pyagent batch's OUT.jsonl"),
    "check": ("check.schema.json", "pyagent check --json"),
    "diff": ("diff.schema.json", "pyagent diff --json"),
}


def schema_text(name: str) -> str:
    """The JSON Schema ``name`` (a key of SCHEMAS; never a path)."""
    return resources.files("pyagent").joinpath("schemas", SCHEMAS[name][0]).read_text("utf-8")


def _json(doc: object, status: int = 200) -> Response:
    body = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return Response(body, status, media_type="application/json; charset=utf-8")


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


def handled(endpoint):
    """An endpoint whose bad input is a 422 with the command line's message."""

    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except (InputError, TimeLimitError) as err:
            lang = request.query_params.get("lang")
            return _error(
                err.text(lang) if lang in ("en", "zh") and hasattr(err, "text") else str(err), 422
            )

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


@handled
async def batch(request: Request) -> Response:
    from pyagent.batch.pipeline import parse_parameters
    from pyagent.web.roster import MAX_ROSTER_BYTES, answer_roster

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
    as_of = parse_date(q["as_of"], "--as-of", "") if q.get("as_of") else dt.date.today()
    result = await run_in_threadpool(
        answer_roster,
        raw,
        f"roster.{fmt}",
        as_of=as_of,
        readings=parse_readings(q.getlist("reading")),
        parameters=parse_parameters(q.getlist("parameter")),
        fmt=fmt,
        jobs=request.app.state.jobs,
        limit_bytes=MAX_ROSTER_BYTES,
    )
    return _json({**result.summary, "answers": result.rows, "bad_rows": result.errors})


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
        Route("/api/schema", schema_index),
        Route("/api/schema/{name}", schema),
    ]
