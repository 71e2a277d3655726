"""Whatever an analyst points a command at, as a case: a case file, a roster, or stdin.

`load_input` reads a YAML or JSON case file (SPEC section 2) or a roster (``.csv``,
``.xlsx``, ``.jsonl``: one person a row, as ``pyagent batch`` reads it) as a `Case`, so
that ``why``, ``why-not``, ``what-if``, ``ask`` and ``diff`` answer a row of a roster as
they answer a case.  With ``person``, only that person's row is read and validated (a
roster of 100,000 rows is asked about one row without parsing the rest).  ``-`` reads
standard input: a roster when it looks like one (a JSON object a line, a CSV header that
starts with ``id``/``编号``, or an .xlsx workbook), a case otherwise; a CSV roster there is
UTF-8 or GB18030 as a file is (`stdin_text`).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from pyagent.errors import InputError, Msg, in_lang, listed, msg
from pyagent.input.case import MAX_BYTES, MAX_PERSONS, _overrides, _read_file, load_case, parse_case
from pyagent.input.document import decode_text
from pyagent.input.model import Case, Person
from pyagent.input.person import post_not_yet_held

if TYPE_CHECKING:
    from pyagent.input.columns import CsvLayout

__all__ = [
    "STDIN",
    "is_roster",
    "load_input",
    "load_lines",
    "read_stdin",
    "read_stdin_bytes",
    "stdin_kind",
    "stdin_text",
]

STDIN = "<stdin>"

# A roster's suffixes: those of `pyagent.input.roster.SUFFIXES` (tests/test_startup.py keeps them
# equal), so that a case file is read without importing the roster's readers (their column
# tables cost every `pyagent why` on a YAML case a few milliseconds).
ROSTER_SUFFIXES = frozenset({".jsonl", ".ndjson", ".csv", ".xlsx"})


def is_roster(path: str | Path) -> bool:
    return Path(path).suffix.lower() in ROSTER_SUFFIXES


ROSTER_BYTES = 1 << 30  # a roster read whole to answer one row (--person): at most 1 GiB


def _larger(limit: int) -> Msg:
    return msg("the input is larger than {n:,} bytes", "输入超过 {n:,} 字节", n=limit)


def spool_stdin(head: bytes, kind: str, limit: int | None = None) -> Path:
    """Standard input, ``head`` (its first bytes, read already) and the rest, copied as it comes
    to a temporary file named for ``kind`` (``.csv``, ``.jsonl``, ``.xlsx``), which the caller
    reads as a roster file and removes; past ``limit`` bytes, InputError (the file removed)."""
    handle = tempfile.NamedTemporaryFile(
        "wb", prefix="pyagent-stdin-", suffix=f".{kind}", delete=False
    )
    stream = sys.stdin.buffer
    try:
        with handle:
            handle.write(head)
            size = len(head)
            while limit is None or size <= limit:
                piece = stream.read(1 << 20)
                if not piece:
                    break
                handle.write(piece)
                size += len(piece)
            if limit is not None and size > limit:
                raise InputError(STDIN, "", _larger(limit))
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return Path(handle.name)


def read_stdin_bytes(max_bytes: int = MAX_BYTES) -> bytes:
    """Standard input's bytes, at most ``max_bytes`` (InputError past them), read a piece at
    a time: a limit of a terabyte (``batch -``) is not allocated up front."""
    stream = sys.stdin.buffer
    pieces: list[bytes] = []
    size = 0
    while True:
        piece = stream.read(min(1 << 20, max_bytes + 1 - size))
        if not piece:
            return b"".join(pieces)
        pieces.append(piece)
        size += len(piece)
        if size > max_bytes:
            raise InputError(STDIN, "", _larger(max_bytes))


def stdin_kind(head: bytes) -> str | None:
    """What the first bytes of standard input are: ``xlsx`` (a workbook is a zip file),
    ``jsonl`` or ``csv`` when they read as a roster (a CSV header in GB18030, what Excel on a
    Chinese Windows writes, too), else None (a case)."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    kind = _sniff(head.decode("utf-8-sig", errors="replace"))
    if kind is None and _sniff(head.decode("gb18030", errors="replace")) == "csv":
        kind = "csv"
    return kind


def stdin_text(raw: bytes, kind: str | None) -> str:
    """Standard input as text, decided as for a file: a CSV roster in UTF-8 or GB18030
    (`pyagent.input.roster.csv_encoding`), anything else in UTF-8; a BOM is not text."""
    encoding = "utf-8-sig"
    if kind == "csv":
        from pyagent.input.roster import csv_encoding

        encoding = csv_encoding(raw[: 1 << 16], STDIN)
    return decode_text(raw, STDIN, encoding).lstrip("\ufeff")


def read_stdin(max_bytes: int = MAX_BYTES) -> str:
    """Standard input as text (`read_stdin_bytes`, `stdin_text`)."""
    raw = read_stdin_bytes(max_bytes)
    return stdin_text(raw, stdin_kind(raw[: 1 << 16]))


def _sniff(text: str) -> str | None:
    """``jsonl`` or ``csv`` when the text reads as a roster, else None (a case)."""
    lines = [t for t in text.splitlines() if t.strip()]
    if not lines:
        return None
    if len(lines) > 1 and all(t.lstrip().startswith("{") for t in lines):
        try:
            json.loads(lines[0])
            return "jsonl"
        except ValueError:
            return None
    from pyagent.input.columns import english_name

    first = next(csv.reader([lines[0]]), [])
    if len(first) > 1 and english_name(first[0].strip()) == "id":
        return "csv"
    return None


def load_input(
    path: str | Path,
    *,
    person: str | None = None,
    as_of: dt.date | None = None,
    readings: Mapping[str, str] | None = None,
    parameters: Mapping[str, int] | None = None,
    max_bytes: int = MAX_BYTES,
) -> Case:
    """A case file, a roster or ``-`` (stdin) as a `Case`, with the command line's overrides.

    ``person`` narrows a roster to that row (an unknown id lists some of the roster's ids);
    for a case file the command selects the person itself.
    """
    cli_as_of, cli_readings = _overrides(as_of, readings)
    if str(path) == "-":
        head = sys.stdin.buffer.read(1 << 16)
        kind = stdin_kind(head)
        if kind is None:  # a case: at most --max-bytes, as a case file
            if len(head) > max_bytes:
                raise InputError(STDIN, "", _larger(max_bytes))
            raw = head + read_stdin_bytes(max_bytes - len(head))
            text = stdin_text(raw, kind)
            case = parse_case(text, STDIN, as_of=cli_as_of, readings=cli_readings)
        else:  # a roster: spooled to a file and read as a roster file is (and bounded as one)
            spool = spool_stdin(head, kind, max(max_bytes, ROSTER_BYTES))
            try:
                rows = _file_rows(spool, max_bytes, STDIN)
                case = _roster_case(rows, STDIN, person, cli_as_of, cli_readings, kind)
            finally:
                spool.unlink(missing_ok=True)
    elif is_roster(path):
        kind = Path(path).suffix.lower().lstrip(".")
        case = _roster_case(
            _file_rows(Path(path), max_bytes), str(path), person, cli_as_of, cli_readings, kind
        )
    else:
        case = load_case(path, as_of=cli_as_of, readings=cli_readings, max_bytes=max_bytes)
    if parameters:
        case = dataclasses.replace(case, parameters={**case.parameters, **parameters})
    return case


# A row source: (line, the id as written, a function validating the row into a Person).
_Rows = Iterator[tuple[int, str | None, "_Parse"]]


class _Parse:
    def __init__(self, fn, *args) -> None:
        self.fn, self.args = fn, args

    def __call__(self) -> Person:
        return self.fn(*self.args)


def _csv_row(layout: CsvLayout, row: list[str], source: str, line: int) -> Person:
    from pyagent.input.columns import table_row_person

    return table_row_person(layout, row, source, line)


def _jsonl_row(text: str, source: str, line: int) -> Person:
    from pyagent.input.roster import load_row_strict, row_person

    return row_person(load_row_strict(text, source, line), source, line)


def _unreadable(message: str, source: str, line: int) -> Person:
    raise InputError(source, "", message, line)


def _table_rows(layout: CsvLayout, rows: Iterator[tuple[int, list[str]]], source: str) -> _Rows:
    from pyagent.input.roster import BadRow

    id_col = layout.id_column()
    for line, row in rows:
        if isinstance(row, BadRow):  # a row the CSV reader refused (a cell past the limit)
            yield line, None, _Parse(_unreadable, row.message, source, line)
            continue
        if not any(c.strip() for c in row):
            continue
        pid = row[id_col].strip() if id_col < len(row) else None
        yield line, pid or None, _Parse(_csv_row, layout, row, source, line)


def _jsonl_lines(lines: Iterator[str], source: str) -> _Rows:
    for line, text in enumerate(lines, 1):
        text = text.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            pid = data.get("id") if isinstance(data, dict) else None
        except ValueError:
            pid = None
        yield line, pid if isinstance(pid, str) else None, _Parse(_jsonl_row, text, source, line)


def _text_rows(text: str, kind: str, source: str) -> _Rows:
    from pyagent.input.roster import read_csv_rows

    if kind == "jsonl":
        return _jsonl_lines(iter(text.splitlines()), source)
    layout, rows = read_csv_rows(io.StringIO(text, newline=""), source)
    return _table_rows(layout, rows, source)


def _sheet_rows(book: Path | IO[bytes], source: str) -> _Rows:
    from pyagent.input.columns import CsvLayout
    from pyagent.input.sheets import read_rows

    header, rows = read_rows(book, source)
    return _table_rows(CsvLayout.from_header(header, source), rows, source)


def _file_rows(path: Path, max_bytes: int, source: str | None = None) -> _Rows:
    """The rows of a roster file; ``source`` names it in messages (``<stdin>`` for standard
    input spooled to ``path``)."""
    from pyagent.input.roster import roster_format

    source = source or str(path)
    kind = roster_format(path)
    if not path.exists():
        raise InputError(source, "", msg("no such file", "文件不存在"))
    if kind == "xlsx":
        return _sheet_rows(path, source)
    encoding = None
    if kind == "csv":
        from pyagent.input.roster import csv_encoding

        encoding = lambda head: csv_encoding(head, source)  # noqa: E731 - UTF-8 or GB18030
    try:
        text = _read_file(path, max(max_bytes, ROSTER_BYTES), "a roster", encoding)
    except InputError as err:  # the spool's name is no name of the user's
        if err.source != str(path):
            raise
        raise InputError(source, err.place, err.message, err.line, err.column) from None
    return _text_rows(text.lstrip("\ufeff"), kind, source)


def _may_be_unread(person: str, lines: list[int]) -> Msg:
    """Why the first unreadable row's error is told when no row has the id asked for: it, or
    another row whose id cannot be read either (said with their lines), may be the one."""
    if len(lines) <= 1:
        return msg(
            " (no other row has the id {p!r}, and this row's id cannot be read: it may be the one)",
            "（其他行都没有编号「{z}」，而此行的编号无法读出，可能就是该行）",
            p=person,
            z=person,
        )
    others = lines[1:]
    shown = listed(str(n) for n in others[:5]) + (msg(" ...", "等") if others[5:] else "")
    return msg(
        " (no other row has the id {p!r}, and the ids of this row and of {n} other {r} (line{s} "
        "{lines}) cannot be read: one of them may be it)",
        "（其他行都没有编号「{z}」，而此行及另外{n}行（第{lines}行）的编号都无法读出，其中可能有该行）",
        p=person,
        z=person,
        n=len(others),
        r="row" if len(others) == 1 else "rows",
        s="" if len(others) == 1 else "s",
        lines=shown,
    )


def _roster_case(
    rows: _Rows,
    source: str,
    person: str | None,
    as_of: dt.date | None,
    readings: Mapping[str, str],
    kind: str | None = None,
) -> Case:
    persons: list[Person] = []
    seen: dict[str, int] = {}
    ids: list[str] = []
    problems: list[InputError] = []
    unread: _Parse | None = None  # the first row whose id cannot be read (with a person asked)
    unread_lines: list[int] = []  # the lines of every such row
    count = 0  # rows that are not blank
    for line, pid, parse in rows:
        count += 1
        if person is not None:
            if pid is not None and len(ids) < 50:
                ids.append(pid)
            if pid is None:
                unread_lines.append(line)
                unread = unread or parse
            if pid != person:
                continue
        if pid is not None and pid in seen:
            raise InputError(
                source,
                "id",
                msg(
                    "the id {p!r} is used twice (first on line {n})",
                    "编号「{z}」重复（首次在第{n}行）",
                    p=pid,
                    z=pid,
                    n=seen[pid],
                ),
                line,
            )
        if pid is not None:
            seen[pid] = line
        try:
            row = parse()
            late = post_not_yet_held(
                row,
                as_of or dt.date.today(),
                source,
                line=line,
                as_of_from="--as-of" if as_of else "today",
            )
            if late is not None:  # SPEC v2: a post that begins after as_of is bad input
                raise late
            persons.append(row)
        except InputError as err:
            problems.append(err)
        if person is None and len(persons) + len(problems) > MAX_PERSONS:
            raise InputError(
                source,
                "",
                msg(
                    "more than {n:,} persons; ask about one with --person ID, or answer them all "
                    "with pyagent batch",
                    "超过{n:,}人；请用--person ID询问其中一人，或用pyagent batch回答全部",
                    n=MAX_PERSONS,
                ),
            )
    if problems:
        more = len(problems) - 1
        first = problems[0]
        if more:
            raise InputError(
                first.source,
                first.place,
                Msg(
                    f"{first.message} (and {more} more row{'s' if more > 1 else ''} with errors; "
                    "pyagent batch lists them all)",
                    f"{in_lang(first.message, 'zh')}（另有{more}行有错误；pyagent batch会全部列出）",
                ),
                first.line,
                first.column,
            )
        raise first
    if person is not None and not persons and unread is not None:
        try:  # its own error, since it may be the row asked about
            unread()
        except InputError as err:
            raise InputError(
                err.source,
                err.place,
                Msg(str(err.message), in_lang(err.message, "zh"))
                + _may_be_unread(person, unread_lines),
                err.line,
                err.column,
            ) from None
    if not count:  # no row at all: said so, whatever --person asked for
        raise InputError(source, "", no_persons(kind))
    if person is not None and not persons:
        etc = msg(" ...", "等") if len(ids) >= 50 else ""
        raise InputError(
            source,
            "--person",
            msg(
                "no row has the id {p!r}; its ids are: {ids}",
                "没有编号为「{z}」的行；已有编号：{ids}",  # as a case's persons are listed
                p=person,
                z=person,
                ids=listed(ids) + etc if ids else msg("(none)", "（无）"),
            ),
        )
    if not persons:
        raise InputError(source, "", no_persons(kind))
    return Case(
        source=source,
        as_of=as_of or dt.date.today(),
        readings=dict(readings),
        parameters={},
        persons=tuple(persons),
    )


def no_persons(kind: str | None) -> Msg:
    """A roster without a person, said by what it has instead: a header row only (CSV, xlsx),
    or nothing but blank lines (JSONL).  Bad input (SPEC section 7: exit 2), as a case whose
    ``persons`` is empty is: nothing is answered and nothing written."""
    if kind in ("csv", "xlsx"):
        return msg(
            "the roster has no persons: a header row and no row under it",
            "名册中没有人员：只有表头，表头下没有任何一行",
        )
    return msg(
        "the roster has no persons: the file is empty or every line of it is blank",
        "名册中没有人员：文件为空，或每一行都是空行",
    )


def load_lines(
    path: str | Path,
    lines: Iterator[int] | set[int],
    *,
    as_of: dt.date | None = None,
    readings: Mapping[str, str] | None = None,
    parameters: Mapping[str, int] | None = None,
) -> Case:
    """The persons on the given lines (rows) of a roster, as one case (``batch --flips``)."""
    wanted = set(lines)
    persons = tuple(
        parse() for line, _, parse in _file_rows(Path(path), MAX_BYTES) if line in wanted
    )
    return Case(
        source=str(path),
        as_of=as_of or dt.date.today(),
        readings=dict(readings or {}),
        parameters=dict(parameters or {}),
        persons=persons,
    )
