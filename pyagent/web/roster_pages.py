"""The roster pages of `pyagent serve`: the upload form, its job's progress page, the answers
(summary, chart, paged table), a row opened as a person, and the downloads.

An upload is checked at once (`pyagent.web.roster.check_roster`: bad input is the form again,
as typed, with the command line's message) and answered in the background
(`pyagent.web.jobs`); its progress page refreshes itself each second (a meta refresh: no
script) and leads to the answers.  The downloads with reasons (every row explained, as
``pyagent batch --lang`` writes them) are written the same way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pyagent.errors import InputError, msg
from pyagent.input.case import PARAMETERS, parse_case
from pyagent.kb import readings as kb_readings
from pyagent.web import form as forms, roster as rosters
from pyagent.web.app import (
    _download,
    _input_error,
    _person_page,
    _safe_name,
    form_data,
    lang_of,
    page,
)
from pyagent.web.i18n import STATUS, WORDS
from pyagent.web.jobs import Busy, described
from pyagent.web.report import roster_report

PAGE = 50  # roster rows per page


def _roster_context(lang: str) -> dict:
    return dict(
        limit_persons=rosters.MAX_ROSTER_PERSONS,
        limit_mb=rosters.MAX_ROSTER_BYTES // 1_000_000,
        readings=kb_readings(),
        parameters=PARAMETERS,
        today=dt.date.today().isoformat(),
        hint=WORDS[lang]["roster_hint"].format(
            n=f"{rosters.MAX_ROSTER_PERSONS:,}", mb=rosters.MAX_ROSTER_BYTES // 1_000_000
        ),
    )


async def roster_get(request: Request) -> Response:
    lang = lang_of(request)
    return page(request, "roster.html", lang, **_roster_context(lang), values={})


def _settings(fields: dict[str, str]) -> tuple[dt.date, dict[str, str], dict[str, int]]:
    """as_of, readings and parameters of a roster form, validated as the command line does."""
    from pyagent.batch.pipeline import parse_parameters
    from pyagent.input.case import parse_date, parse_readings

    as_of = (
        parse_date(fields["as_of"], "as_of", "")
        if fields.get("as_of", "").strip()
        else dt.date.today()
    )
    defaults = {n: r.default for n, r in kb_readings().items()}
    chosen = [
        f"{n}={fields[f'readings.{n}']}"
        for n in kb_readings()
        if fields.get(f"readings.{n}") and fields[f"readings.{n}"] != defaults[n]
    ]
    params = [
        f"{p}={fields[f'parameters.{p}'].strip()}"
        for p in PARAMETERS
        if fields.get(f"parameters.{p}", "").strip()
    ]
    return as_of, parse_readings(chosen), parse_parameters(params)


def _roster_form(request: Request, lang: str, values: dict, error: str, status: int) -> Response:
    """The roster form again, as it was filled in, with one message."""
    return page(
        request,
        "roster.html",
        lang,
        status,
        **_roster_context(lang),
        values=values,
        error=error,
    )


async def roster_post(request: Request) -> Response:
    """Check the upload here (bad input: the form again, with the message), then answer it in
    the background: 303 to its progress page (`job_view`)."""
    fields, files = await form_data(request)
    lang = lang_of(request, fields)
    name, data = files.get("roster", ("", b""))
    try:
        if not data:
            raise InputError(
                "roster",
                "",
                msg(
                    "no roster was uploaded; choose a CSV or JSONL file",
                    "没有上传名单；请选择 CSV 或 JSONL 文件",
                ),
            )
        as_of, readings, parameters = _settings(fields)
        limits = dict(
            limit_persons=rosters.MAX_ROSTER_PERSONS, limit_bytes=rosters.MAX_ROSTER_BYTES
        )
        fmt, _ = rosters.check_roster(data, name, fields.get("format") or None, **limits)
    except InputError as err:
        return _roster_form(request, lang, fields, _input_error(err, lang), 422)
    try:
        job, _ = rosters.start_roster_job(
            request.app.state.background,
            data,
            name,
            as_of=as_of,
            readings=readings,
            parameters=parameters,
            fmt=fmt,
            jobs=request.app.state.jobs,
            **limits,
            values=fields,
        )
    except Busy as busy:
        said = WORDS[lang]["job_busy"].format(n=busy.unfinished)
        return _roster_form(request, lang, fields, said, 503)
    return RedirectResponse(f"/roster/job/{job.token}?lang={lang}", status_code=303)


async def job_view(request: Request) -> Response:
    """A job's progress page (it refreshes itself each second), until the job ends: then the
    roster's page (303), the downloads with reasons, or the job's one message."""
    lang = lang_of(request)
    job = request.app.state.background.get(request.path_params["token"])
    if job is None:
        raise HTTPException(404, WORDS[lang]["job_gone"])
    get = request.query_params.get("get")
    get = get if get in ("answers.csv", "answers.jsonl") else None
    if job.kind == "answers" and job.info.get("lang", lang) != lang:
        # the page asked in the other language: that language's downloads are a job of their
        # own (or written already), not this one's (its "ready" would be false there)
        target = f"/roster/{job.info['roster']}/{get or 'answers.csv'}?lang={lang}"
        return RedirectResponse(target, status_code=303)
    # a short job (a small roster) goes straight on to its result, without a progress page
    for _ in range(round(request.app.state.job_wait / 0.05)):
        if job.finished.is_set():
            break
        await asyncio.sleep(0.05)
    name = job.info.get("name", "")
    if not job.finished.is_set():
        return page(request, "job.html", lang, d=described(job, lang), roster_name=name, get=get)
    if job.error is not None:
        if job.kind == "roster":
            return _roster_form(
                request, lang, job.info.get("values", {}), _input_error(job.error, lang), 422
            )
        raise HTTPException(422, _input_error(job.error, lang))
    if job.stopped or job.not_started:
        raise HTTPException(503, WORDS[lang]["job_stopped" if job.stopped else "job_not_started"])
    if job.crashed or job.result is None:
        raise HTTPException(500, WORDS[lang][f"job_crashed_{job.kind}"])
    if job.kind == "roster":
        return RedirectResponse(f"/roster/{job.result}?lang={lang}", status_code=303)
    return page(request, "job_ready.html", lang, token=job.result, roster_name=name, get=get)


def _stored(request: Request) -> rosters.RosterResult:
    result = rosters.stored(request.path_params["token"])
    if result is None:
        raise HTTPException(404, WORDS[lang_of(request)]["roster_gone"])
    return result


async def roster_view(request: Request) -> Response:
    lang = lang_of(request)
    result = _stored(request)
    try:
        number = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        raise HTTPException(400, WORDS[lang]["page_number"]) from None
    pages = max(1, -(-len(result.rows) // PAGE))
    number = min(number, pages)
    shown = result.rows[(number - 1) * PAGE : number * PAGE]
    bars = rosters.chart(result.summary["counts"], STATUS[lang])
    # each shown row's reasons, answered on its own facts (a page of rows at a time)
    from starlette.concurrency import run_in_threadpool

    reasons = await run_in_threadpool(rosters.reasons, result, [row["id"] for row in shown], lang)
    return page(
        request,
        "roster_result.html",
        lang,
        result=result,
        shown=shown,
        number=number,
        pages=pages,
        first=(number - 1) * PAGE,
        bars=bars,
        reasons=reasons,
    )


async def roster_person(request: Request) -> Response:
    lang = lang_of(request)
    result = _stored(request)
    try:
        k = int(request.path_params["index"])
        person_id = result.rows[k]["id"]
    except (ValueError, IndexError):
        raise HTTPException(404, WORDS[lang]["no_row"]) from None
    text = rosters.person_case_text(result, person_id)
    if text is None:
        raise HTTPException(404, WORDS[lang]["row_not_person"])
    try:
        case = parse_case(text, result.name)
    except InputError as err:
        raise HTTPException(422, _input_error(err, lang)) from None
    values = forms.form_of(case, case.persons[0])
    return _person_page(request, lang, case, values, forms.case_text(values).text)


async def roster_download(request: Request) -> Response:
    result = _stored(request)
    kind = request.path_params["kind"]
    stem = _safe_name(Path(result.name).stem)
    lang = lang_of(request)
    if kind in ("answers.csv", "answers.jsonl"):  # with every row's reasons, as batch writes them
        if not rosters.downloads_ready(result, lang):  # written in the background first

            def work(progress) -> str:
                rosters.write_downloads(result, lang, progress)
                return result.token

            try:
                job = request.app.state.background.start(
                    work,
                    "answers",
                    key=(result.token, lang),
                    name=result.name,
                    roster=result.token,
                    lang=lang,
                )
            except Busy as busy:
                raise HTTPException(
                    503, WORDS[lang]["job_busy"].format(n=busy.unfinished)
                ) from None
            return RedirectResponse(
                f"/roster/job/{job.token}?lang={lang}&get={kind}", status_code=303
            )
        jsonl, table = rosters.write_downloads(result, lang)  # kept with the roster
        if kind == "answers.csv":
            return _download(table, f"{stem}-answers.csv", "text/csv; charset=utf-8")
        return _download(jsonl, f"{stem}-answers.jsonl", "application/x-ndjson; charset=utf-8")
    if kind == "report.html":
        return _download(
            roster_report(result, lang), f"{stem}-report.html", "text/html; charset=utf-8"
        )
    raise HTTPException(404, WORDS[lang]["no_download"])


def routes() -> list[Route]:
    return [
        Route("/roster", roster_get),
        Route("/roster", roster_post, methods=["POST"]),
        Route("/roster/job/{token}", job_view),
        Route("/roster/{token}", roster_view),
        Route("/roster/{token}/person/{index}", roster_person),
        Route("/roster/{token}/{kind}", roster_download),
    ]
