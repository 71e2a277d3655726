"""Rosters uploaded to the page: answered by `pyagent.batch.pipeline.run_batch`, kept in memory.

The upload is written to a fresh temporary directory under names chosen here (``roster.csv`` or
``roster.jsonl``, from the upload's suffix alone), answered there exactly as ``pyagent batch``
answers it, read back and the directory removed.  Results are kept in memory under a random
token (the last few uploads only) so that the table can be paged, each row opened as a person
and the answers downloaded.  No path on the server is ever taken from a request.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import secrets
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyagent.batch.pipeline import BatchConfig, Progress, run_batch
from pyagent.errors import InputError, msg
from pyagent.input.roster import CsvLayout, csv_encoding, csv_person, read_csv_rows
from pyagent.web.jobs import Job, Jobs

MAX_ROSTER_BYTES = 5_000_000
MAX_ROSTER_PERSONS = 5_000
KEEP = 8  # rosters kept in memory
STATUSES = ("yes", "no", "unknown")


@dataclass
class RosterResult:
    token: str
    name: str  # the upload's own name, shown only (escaped)
    fmt: str  # csv / jsonl
    summary: dict  # pyagent.batch/1, with the upload's names instead of server paths
    rows: list[dict]  # {"id", "answers": [...]} in roster order (the JSONL output, parsed)
    errors: list[dict]  # {"line", "id"?, "place", "message"}
    raw: dict[str, object]  # id -> the person's mapping as the roster gives it (first row of an id)
    as_of: dt.date
    readings: Mapping[str, str]
    parameters: Mapping[str, int]
    jsonl: str  # the answers as `pyagent batch --no-reasons -o answers.jsonl` writes them
    data: bytes = b""  # the upload itself (for the downloads, answered again with reasons)
    # lang -> each bad row's message in that language, in the order of ``errors`` (whose
    # ``message`` is English, as the API gives it)
    messages: dict[str, list[str]] = field(default_factory=dict)

    def errors_in(self, lang: str) -> list[dict]:
        """The bad rows with their messages in ``lang``."""
        said = self.messages.get(lang)
        if said is None or len(said) != len(self.errors):
            return self.errors
        return [{**e, "message": m} for e, m in zip(self.errors, said)]

    # lang -> id -> question -> {"reason", "to_settle"} as `pyagent ask --json --lang` gives
    # them, filled a page of rows at a time as pages are shown, and for every row on download
    reasons: dict[str, dict[str, dict[str, dict]]] = field(default_factory=dict)
    # lang -> (answers.jsonl, answers.csv) as `pyagent batch --lang` writes them, on download
    downloads: dict[str, tuple[str, str]] = field(default_factory=dict)


_STORE: OrderedDict[str, RosterResult] = OrderedDict()
_LOCK = threading.Lock()


def roster_format(name: str, given: str | None = None) -> str:
    """csv or jsonl: from the format chosen on the page, else from the upload's suffix."""
    if given in ("csv", "jsonl"):
        return given
    suffix = Path(name or "").suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise InputError(
        name or "<upload>",
        "",
        msg(
            "cannot tell the roster's format from its name; "
            "name it .csv or .jsonl, or choose the format",
            "无法从文件名判断名单格式；请将其命名为 .csv 或 .jsonl，或选择格式",
        ),
    )


def _check_size(data: bytes, name: str, limit_persons: int, limit_bytes: int) -> None:
    hint = "; for larger rosters use the command line: pyagent batch ROSTER -o answers.jsonl"
    hint_zh = "；更大的名单请用命令行：pyagent batch ROSTER -o answers.jsonl"
    if len(data) > limit_bytes:
        raise InputError(
            name,
            "",
            msg(
                "the roster is larger than {n} bytes, the limit of this page{hint}",
                "名单大于本页上限 {n} 字节{hint_zh}",
                n=f"{limit_bytes:,}",
                hint=hint,
                hint_zh=hint_zh,
            ),
        )
    persons = sum(1 for line in data.splitlines() if line.strip())
    if persons > limit_persons + 1:  # + a CSV header
        raise InputError(
            name,
            "",
            msg(
                "the roster has more than {n} rows, the limit of this page{hint}",
                "名单超过本页上限 {n} 行{hint_zh}",
                n=f"{limit_persons:,}",
                hint=hint,
                hint_zh=hint_zh,
            ),
        )


def _raw_persons(data: bytes, fmt: str, source: str) -> dict[str, object]:
    """id -> the person's mapping, for opening a row as a person (bad rows are skipped)."""
    out: dict[str, object] = {}
    encoding = "utf-8-sig"
    if fmt == "csv":
        try:
            encoding = csv_encoding(data[: 1 << 16], source)
        except InputError:
            return out  # the batch reports it
    text = data.decode(encoding, errors="replace")
    if fmt == "jsonl":
        for line in text.splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and isinstance(row.get("id"), str):
                out.setdefault(row["id"], row)
        return out
    try:
        layout, rows = read_csv_rows(io.StringIO(text, newline=""), source)
        for number, row in rows:
            try:
                person = csv_person(layout, row, source, number)
            except InputError:
                continue
            if isinstance(person.get("id"), str):
                out.setdefault(person["id"], person)
    except InputError:
        pass
    return out


def shown_name(name: str, fmt: str) -> str:
    """The name an upload is shown and named by in messages: its own file name, without any
    folder the browser sent (``roster.csv`` when it has none)."""
    return Path(name or f"roster.{fmt}").name or f"roster.{fmt}"


def check_roster(
    data: bytes,
    name: str,
    fmt: str | None = None,
    limit_persons: int = MAX_ROSTER_PERSONS,
    limit_bytes: int = MAX_ROSTER_BYTES,
) -> tuple[str, str]:
    """(format, the name shown) of an upload that `answer_roster` can start on: its format,
    size and rows within the page's limits, and a CSV's header read as `run_batch` reads it
    (the errors that stop a batch before its first row); InputError otherwise.  Quick, so
    that the page refuses bad input on its form before any job starts."""
    fmt = roster_format(name, fmt)
    shown = shown_name(name, fmt)
    _check_size(data, shown, limit_persons, limit_bytes)
    if fmt == "csv":
        handle = io.TextIOWrapper(
            io.BytesIO(data),
            encoding=csv_encoding(data[: 1 << 16], shown),
            newline="",
            errors="surrogateescape",
        )
        read_csv_rows(handle, shown)  # the header (its rows are read by the batch)
    return fmt, shown


def answer_roster(
    data: bytes,
    name: str,
    *,
    as_of: dt.date,
    readings: Mapping[str, str],
    parameters: Mapping[str, int],
    fmt: str | None = None,
    jobs: int = 1,
    limit_persons: int = MAX_ROSTER_PERSONS,
    limit_bytes: int = MAX_ROSTER_BYTES,
    progress: Progress | None = None,
) -> RosterResult:
    """Answer an uploaded roster as `pyagent batch` does; InputError when it cannot start.
    ``progress`` is `run_batch`'s (``progress(phase, done, total, persons)``)."""
    fmt, shown = check_roster(data, name, fmt, limit_persons, limit_bytes)
    # reasons=False: the page explains a page of rows at a time (`reasons`), not the whole
    # upload before it shows anything
    config = BatchConfig(
        as_of=as_of, readings=dict(readings), parameters=dict(parameters), jobs=jobs, reasons=False
    )
    with tempfile.TemporaryDirectory(prefix="pyagent-web-") as tmp:
        roster = Path(tmp) / f"roster.{fmt}"
        out = Path(tmp) / "answers.jsonl"
        roster.write_bytes(data)
        texts: list[dict[str, str]] = []  # each bad row's message in en and zh
        summary = run_batch(  # its messages name the upload (source), never the temporary file
            roster,
            out,
            config,
            progress=progress,
            on_error=lambda e: texts.append(getattr(e, "texts", {})),
            source=shown,
        )
        jsonl = out.read_text(encoding="utf-8")
        errors = [
            json.loads(line)
            for line in Path(f"{out}.errors.jsonl").read_text("utf-8").splitlines()
            if line.strip()
        ]
    messages = {  # per language, each bad row's message (the page shows the page's own)
        lang: [t.get(lang, e["message"]) for t, e in zip(texts, errors)] for lang in ("en", "zh")
    }
    doc = summary.to_json()
    doc.update(roster=shown, output="answers.jsonl", errors_file="answers.jsonl.errors.jsonl")
    rows = [json.loads(line) for line in jsonl.splitlines() if line.strip()]
    result = RosterResult(
        secrets.token_urlsafe(12),
        shown,
        fmt,
        doc,
        rows,
        errors,
        _raw_persons(data, fmt, shown),
        as_of,
        dict(summary.readings),
        dict(parameters),
        jsonl,
        data,
        messages=messages,
    )
    with _LOCK:
        _STORE[result.token] = result
        while len(_STORE) > KEEP:
            _STORE.popitem(last=False)
    return result


def start_roster_job(
    background: Jobs,
    data: bytes,
    name: str,
    *,
    as_of: dt.date,
    readings: Mapping[str, str],
    parameters: Mapping[str, int],
    fmt: str,
    jobs: int = 1,
    limit_persons: int = MAX_ROSTER_PERSONS,
    limit_bytes: int = MAX_ROSTER_BYTES,
    **info: object,
) -> tuple[Job, list[RosterResult]]:
    """A job of ``background`` answering an upload (`answer_roster`; checked already by
    `check_roster`), as the roster page and ``POST /api/batch`` start it; ``info`` is what
    the job's pages show besides its name (`Jobs.start`).
    Returns the job and a list that holds its own result once it has one (never a roster
    dropped from the store since, as `stored` could give).  `pyagent.web.jobs.Busy` when as
    many jobs as allowed are unfinished."""
    answered: list[RosterResult] = []

    def work(progress: Progress) -> str:
        result = answer_roster(
            data,
            name,
            as_of=as_of,
            readings=readings,
            parameters=parameters,
            fmt=fmt,
            jobs=jobs,
            limit_persons=limit_persons,
            limit_bytes=limit_bytes,
            progress=progress,
        )
        answered.append(result)
        return result.token

    job = background.start(work, "roster", name=shown_name(name, fmt), **info)
    return job, answered


def stored(token: str) -> RosterResult | None:
    with _LOCK:
        return _STORE.get(token)


def reasons(result: RosterResult, ids: Sequence[str], lang: str) -> dict[str, dict[str, str]]:
    """id -> question -> its one-line reason, for these persons of the roster (`explained`)."""
    known = explained(result, ids, lang)
    return {i: {q: a["reason"] for q, a in known[i].items()} for i in ids if i in known}


def explained(result: RosterResult, ids: Sequence[str], lang: str) -> dict[str, dict[str, dict]]:
    """id -> question -> {"reason", "to_settle"} for these persons of the roster, each answered
    on its own facts with `pyagent.explain.answers.answer_case` (``pyagent ask --json --lang``'s
    call; the upload was answered without them, as ``pyagent batch --no-reasons``, so that its
    table shows at once).  Tens of milliseconds of CPU a person, so the page explains the rows
    it shows, and a download every row; kept with the roster."""
    from pyagent.explain.answers import answer_case
    from pyagent.input.case import parse_case
    from pyagent.input.model import Case

    known = result.reasons.setdefault(lang, {})
    once = _ids_once(result)
    todo = [i for i in dict.fromkeys(ids) if i not in known and i in result.raw and i in once]
    persons = []
    for pid in todo:
        text = person_case_text(result, pid)
        try:
            if text is not None:
                persons.append(parse_case(text, result.name).persons[0])
        except InputError:
            continue  # not a person the batch answered either
    if persons:
        case = Case(
            source=result.name,
            as_of=result.as_of,
            readings=dict(result.readings),
            parameters=dict(result.parameters),
            persons=tuple(persons),
        )
        for p in answer_case(case, lang=lang).to_json()["persons"]:
            known[p["id"]] = {
                a["question"]: {"reason": a["reason"], "to_settle": a["to_settle"]}
                for a in p["answers"]
                if "reason" in a
            }
    return {i: known[i] for i in ids if i in known}


def _ids_once(result: RosterResult) -> set[str]:
    """The ids of exactly one answered row (a repeated id's reason could be another row's)."""
    seen: dict[str, int] = {}
    for row in result.rows:
        seen[row["id"]] = seen.get(row["id"], 0) + 1
    return {i for i, n in seen.items() if n == 1}


def person_case_text(result: RosterResult, person_id: str) -> str | None:
    """The case file (JSON) of one person of the roster, under the roster's as_of, readings
    and parameters; None when the row cannot be found (a bad row)."""
    raw = result.raw.get(person_id)
    if raw is None:
        return None
    case = {"as_of": result.as_of.isoformat(), "readings": dict(result.readings), "person": raw}
    if result.parameters:
        case["parameters"] = dict(result.parameters)
    return json.dumps(case, ensure_ascii=False)


def downloads_ready(result: RosterResult, lang: str) -> bool:
    """Whether the downloads in ``lang`` are written already (`write_downloads`)."""
    with _LOCK:
        return lang in result.downloads


def write_downloads(
    result: RosterResult, lang: str, progress: Progress | None = None
) -> tuple[str, str]:
    """(answers.jsonl, answers.csv): the upload answered again by `run_batch` with reasons in
    ``lang`` (``pyagent batch``'s own run: every row explained, repeated ids included), kept
    with the roster; seconds to a minute for a long roster (``progress`` is `run_batch`'s)."""
    from pyagent.batch.tables import jsonl_to_table

    with _LOCK:
        done = result.downloads.get(lang)
    if done is not None:
        return done
    config = BatchConfig(
        as_of=result.as_of,
        readings=dict(result.readings),
        parameters=dict(result.parameters),
        jobs=1,
        lang=lang,
    )
    with tempfile.TemporaryDirectory(prefix="pyagent-web-") as tmp:
        roster = Path(tmp) / f"roster.{result.fmt}"
        roster.write_bytes(result.data)
        out, table = Path(tmp) / "answers.jsonl", Path(tmp) / "answers.csv"
        run_batch(roster, out, config, progress=progress, source=result.name)
        jsonl_to_table(out, table, "csv", lang)
        with (
            open(out, encoding="utf-8", newline="") as a,
            open(table, encoding="utf-8", newline="") as b,
        ):
            done = (a.read(), b.read())
    with _LOCK:
        result.downloads[lang] = done
    return done


def chart(counts: Mapping[str, Mapping[str, int]], words: Mapping[str, str]) -> list[dict]:
    """The bars of the summary chart: per question, each status's count and share (0..1)."""
    bars = []
    for q, c in counts.items():
        total = sum(c.get(s, 0) for s in STATUSES) or 1
        x = 0.0
        parts = []
        for s in STATUSES:
            share = c.get(s, 0) / total
            parts.append(
                {"status": s, "count": c.get(s, 0), "x": x, "share": share, "label": words[s]}
            )
            x += share
        bars.append({"question": q, "parts": parts})
    return bars


__all__ = [
    "RosterResult",
    "answer_roster",
    "chart",
    "check_roster",
    "downloads_ready",
    "explained",
    "person_case_text",
    "start_roster_job",
    "stored",
    "write_downloads",
    "CsvLayout",
]
