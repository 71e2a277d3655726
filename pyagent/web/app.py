"""`pyagent serve`: the pages and the JSON API (Starlette), on the library's calls.

>>> from starlette.testclient import TestClient            # doctest: +SKIP
>>> TestClient(create_app()).get("/").status_code            # doctest: +SKIP
200

Safety, each a property of every response: case text is escaped by Jinja2's autoescape (never
marked safe); a Content-Security-Policy allows scripts and styles from this server only (no
inline script, nothing from elsewhere); a request body over ``max_body`` bytes is refused (413)
before it is read; no path on the server is ever taken from a request (templates and static
files are the package's own, uploads go to temporary files named here); bad input of any kind
is a 400 or 422 with the command line's message, never a 500 or a traceback.  The roster pages
are `pyagent.web.roster_pages` (long work in the background: `pyagent.web.jobs`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from pyagent.engine.questions import QUESTIONS
from pyagent.errors import InputError, TimeLimitError, in_lang, msg
from pyagent.input import vocab
from pyagent.input.case import PARAMETERS, parse_case
from pyagent.kb import readings as kb_readings
from pyagent.web import api, compute, form as forms
from pyagent.web.i18n import CHANGES, STATUS, WORDS, pick_lang
from pyagent.web.jobs import Jobs
from pyagent.web.report import GLOBALS, person_report

HERE = Path(__file__).resolve().parent
MAX_BODY = 6_000_000  # bytes of one request (a roster of the page's limit, with its form around it)
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(GLOBALS)


class BodyLimit:
    """Refuse a request whose body is larger than ``limit`` bytes (413), declared or streamed."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        message = msg(
            "the request is larger than {n} bytes, the limit of this server",
            "请求大于本服务器的上限 {n} 字节",
            n=f"{self.limit:,}",
        )
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            request = Request(scope)
            if request.url.path.startswith("/api/"):  # JSON in the language of ?lang=
                refused = api.error_response(request, HTTPException(413, message))
            else:  # (the page's form is not read: its language from the address or cookie)
                refused = PlainTextResponse(message.text(lang_of(request)), 413)
            for k, v in _headers().items():
                refused.headers.setdefault(k, v)
            return await refused(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, message)
            return msg

        await self.app(scope, limited, send)


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


class SecurityHeaders:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))  # a download's own CSP is kept
                present = {k.lower() for k, _ in headers}
                for k, v in _headers().items():
                    if k.lower().encode() not in present:
                        headers.append((k.encode(), v.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


# -- helpers ---------------------------------------------------------------------------------
async def form_data(request: Request) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """The submitted fields as text, and the files as (their own name, bytes)."""
    try:
        data = await request.form(max_files=4, max_fields=2000)
    except HTTPException:
        raise
    except Exception as err:  # a malformed body: the parser's own words
        raise HTTPException(400, f"the form could not be read: {err}") from None
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for key, value in data.multi_items():
        if isinstance(value, str):
            fields[key] = value
        else:
            files[key] = (value.filename or "", await value.read())
    return fields, files


def lang_of(request: Request, fields: dict[str, str] | None = None) -> str:
    chosen = (fields or {}).get("lang") or request.query_params.get("lang")
    return pick_lang(chosen, request.cookies.get("lang"), request.headers.get("accept-language"))


def page(request: Request, name: str, lang: str, status: int = 200, **context) -> HTMLResponse:
    words = WORDS[lang]
    context.update(
        lang=lang,
        w=words,
        status_words=STATUS[lang],
        questions=QUESTIONS,
        path=request.url.path,
        other_lang="en" if lang == "zh" else "zh",
    )
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.set_cookie("lang", lang, samesite="strict", httponly=True)
    return response


def _pickers(lang: str) -> dict[str, list[tuple[str, str]]]:
    """Each picker's choices: (code, the label shown: the alias, with the code in English)."""
    out = {}
    for name, v in forms.PICKERS.items():
        out[name] = [(c, a if lang == "zh" else f"{c} · {a}") for c, a in v.aliases.items()]
    return out


def _form_context(lang: str, values: dict[str, str], errors: dict[str, str]) -> dict:
    return dict(
        values=values,
        errors=errors,
        pickers=_pickers(lang),
        rows={n: forms.rows_of(values, n) for n in forms.ROWS},
        columns=forms.COLUMNS,
        readings=kb_readings(),
        parameters=PARAMETERS,
        tristates=forms.TRISTATES,
        never_decisive=forms.NEVER_DECISIVE,
        fields=vocab.FIELDS,
    )


def _input_error(err: InputError | TimeLimitError, lang: str = "en") -> str:
    """The command line's message, in the page's language where the library has it."""
    text = getattr(err, "text", None)
    return text(lang) if callable(text) else str(err)


def _message(err: InputError, lang: str) -> str:
    """The message alone (no file or place), for beside its field."""
    text = getattr(err.message, "text", None)
    return text(lang) if callable(text) else str(err.message)


# -- the person page --------------------------------------------------------------------------
async def person_get(request: Request) -> Response:
    lang = lang_of(request)
    values = {"as_of": dt.date.today().isoformat()}
    return page(request, "person.html", lang, **_form_context(lang, values, {}))


def _case_of(fields: dict[str, str], files: dict[str, tuple[str, bytes]]):
    """(case of one person, form values, key) from a pasted/uploaded case or from the form.

    Raises InputError with ``.web_field`` set to the form input it concerns."""
    upload = files.get("case_file")
    pasted = fields.get("case_text", "").strip()
    # A pasted case is read whichever button sent it: the box is emptied once a case is read
    # into the form, so text in it is what the analyst has just pasted (查询 must not drop it).
    if (upload and upload[1]) or pasted:
        if upload and upload[1]:
            name = Path(upload[0]).name or "upload"
            try:
                text = upload[1].decode("utf-8")
            except UnicodeDecodeError as err:
                raise _at(
                    InputError(
                        name,
                        "",
                        msg(
                            "not UTF-8 text (byte {b} cannot be decoded)",
                            "不是 UTF-8 文本（字节 {b} 无法解码）",
                            b=f"{upload[1][err.start]:#04x}",
                        ),
                    ),
                    "case_text",
                ) from None
        else:
            name, text = "<pasted case>", fields["case_text"]
        try:
            case = parse_case(text, name)
            one = compute.one_person(case, fields.get("person_pick") or None)
        except InputError as err:
            raise _at(err, "case_text") from None
        values = forms.form_of(one, one.persons[0])
        values["lang"] = fields.get("lang", "")
        choices = [p.id for p in case.persons] if len(case.persons) > 1 else []
        return one, values, forms.case_text(values).text, choices
    built = forms.case_text(fields)
    try:
        case = parse_case(built.text, "form")
    except InputError as err:
        raise _at(err, forms.field_of(err.place, built.rows)) from None
    return case, fields, built.text, []


def _at(err: InputError, field: str) -> InputError:
    err.web_field = field  # type: ignore[attr-defined]
    return err


async def person_post(request: Request) -> Response:
    fields, files = await form_data(request)
    lang = lang_of(request, fields)
    if not (
        fields.get("action")
        or fields.get("whatif")
        or fields.get("id", "").strip()
        or any(f[1] for f in files.values())
    ):  # the language switched on an empty form
        return page(request, "person.html", lang, **_form_context(lang, fields, {}))
    try:
        case, values, key, choices = _case_of(fields, files)
    except InputError as err:
        errors = {
            getattr(err, "web_field", ""): _message(err, lang),
            "_all": _input_error(err, lang),
        }
        return page(request, "person.html", lang, 422, **_form_context(lang, fields, errors))
    return _person_page(
        request, lang, case, values, key, choices, fields.get("whatif"), fields.get("flips") == "1"
    )


async def person_flips(request: Request) -> Response:
    """The flips of every reading for the form's person, as a fragment of the page (the page's
    script puts each beside its reading; without script the page's own button shows them)."""
    fields, files = await form_data(request)
    lang = lang_of(request, fields)
    try:
        case, _values, key, _choices = _case_of(fields, files)
        flips = compute.flips(case, key)
    except (InputError, TimeLimitError) as err:
        return PlainTextResponse(_input_error(err, lang), 422)
    return page(request, "flips.html", lang, flips=flips)


def _person_page(
    request, lang, case, values, key, choices=(), whatif_q=None, with_flips=False
) -> Response:
    try:
        result = compute.person_result(case, lang)
        flips = compute.flips(case, key) if with_flips else None
        defaults = None
        if any(
            v != kb_readings()[n].default for n, v in case.readings.items() if n in kb_readings()
        ):
            import dataclasses

            base = compute.person_result(dataclasses.replace(case, readings={}), lang)
            defaults = {a.question: a.status for a in base.answers.persons[0].answers}
        whatif = compute.what_if(case, whatif_q, lang) if whatif_q in QUESTIONS else None
    except (InputError, TimeLimitError) as err:
        errors = {"_all": _input_error(err, lang)}
        return page(request, "person.html", lang, 422, **_form_context(lang, values, errors))
    in_force = dict(result.answers.readings)
    return page(
        request,
        "person.html",
        lang,
        **_form_context(lang, values, {}),
        result=result,
        flips=flips,
        in_force=in_force,
        defaults=defaults,
        whatif=whatif,
        changes=CHANGES,
        choices=choices,
        picked=case.persons[0].id,
        kb_version=compute.kb_version(),
    )


async def person_report_post(request: Request) -> Response:
    fields, files = await form_data(request)
    lang = lang_of(request, fields)
    try:
        case, _values, _key, _choices = _case_of(fields, files)
        html = person_report(compute.person_result(case, lang), lang)
    except InputError as err:
        return PlainTextResponse(_input_error(err, lang), 422)
    return _download(
        html, f"report-{_safe_name(case.persons[0].id)}.html", "text/html; charset=utf-8"
    )


def _safe_name(text: str) -> str:
    kept = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in text)[:60]
    return kept or "person"


def _download(body: str, filename: str, media: str) -> Response:
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # a report is a document on its own: its inline CSS only, no script at all
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        },
    )


# -- the notice and the API page ----------------------------------------------------------------
async def notice_page(request: Request) -> Response:
    lang = lang_of(request)
    return page(request, "notice.html", lang, clauses=compute.notice(), readings=kb_readings())


async def api_page(request: Request) -> Response:
    lang = lang_of(request)
    schemas = {
        n: (f, api.SCHEMAS_ZH[n] if lang == "zh" else about)
        for n, (f, about) in api.SCHEMAS.items()
    }
    return page(request, "api.html", lang, schemas=schemas)


# -- errors ------------------------------------------------------------------------------------
async def http_error(request: Request, exc: HTTPException) -> Response:
    if request.url.path.startswith("/api/"):
        return api.error_response(request, exc)
    lang = lang_of(request)
    message = in_lang(exc.detail, lang)
    if exc.status_code == 404 and exc.detail == "Not Found":  # Starlette's own: no such route
        message = WORDS[lang]["page_not_found"]
    elif exc.status_code == 405 and exc.detail == "Method Not Allowed":
        message = WORDS[lang]["method_not_allowed"].format(method=request.method)
    return page(request, "error.html", lang, exc.status_code, message=message, code=exc.status_code)


async def server_error(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return api.internal_error(request)
    said = msg(
        "internal error: the request could not be answered",
        "内部错误：请求未能完成",
    )
    return PlainTextResponse(said.text(lang_of(request)), 500)


def create_app(
    *, jobs: int = 1, max_body: int = MAX_BODY, running: int = 2, job_wait: float = 0.5
) -> Starlette:
    """The application: pages, the JSON API, static files (the package's own).

    ``jobs``: worker processes of each batch; ``running``: rosters answered at once in the
    background (`pyagent.web.jobs`); ``job_wait``: seconds a progress page waits for its job
    to end before it shows how far it has got (a small roster goes straight to its answers)."""
    from pyagent.web import roster_pages  # (it uses this module's helpers)

    background = Jobs(running=running)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            # the running jobs stop at their next progress report; wait for them to end (their
            # temporary files removed) before the server exits, off the event loop
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(app.state.background.close)

    routes = [
        Route("/", person_get),
        Route("/person", person_get),
        Route("/person", person_post, methods=["POST"]),
        Route("/person/report", person_report_post, methods=["POST"]),
        Route("/person/flips", person_flips, methods=["POST"]),
        *roster_pages.routes(),
        Route("/notice", notice_page),
        Route("/api", api_page),
        *api.routes(),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        # Starlette types a handler as taking any Exception, so a handler of HTTPException alone
        # (as its documentation writes them) does not match its annotation.
        exception_handlers={HTTPException: http_error, Exception: server_error},  # type: ignore[dict-item]
        lifespan=lifespan,
    )
    app.state.jobs = jobs
    app.state.background = background
    app.state.job_wait = job_wait
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(SecurityHeaders)
    return app


def serve(
    host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False, jobs: int = 1
) -> None:
    """Run the server (uvicorn) until Ctrl-C."""
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    local = host in ("127.0.0.1", "localhost", "::1")
    print(
        f"pyagent: serving on {url}"
        + (
            " (this machine only; --host 0.0.0.0 to share it)"
            if local
            else " (reachable from other machines)"
        ),
        flush=True,
    )
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, (url,)).start()
    server(create_app(jobs=jobs), host, port).run()


def server(app: Starlette, host: str = "127.0.0.1", port: int = 8000):
    """uvicorn's server of ``app``, whose first Ctrl-C (or SIGTERM) also stops the app's jobs
    at once (`Jobs.stop`): uvicorn waits for the open requests to end before the app's
    shutdown runs, and a waiting ``POST /api/batch`` is open until its job ends, so that
    its roster used to be answered to the end first."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            app.state.background.stop()
            super().handle_exit(sig, frame)

    return Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
