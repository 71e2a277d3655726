"""Rosters: many persons, one a line (JSONL) or one a row (CSV), read in chunks.

A JSONL roster holds one SPEC section 2 person mapping per line.  A CSV roster has a header
and flat columns (README, "pyagent batch"), which `csv_person` turns into the same mapping, so
that both are validated by `pyagent.input.case.parse_person` and answered alike.

>>> header = ["id", "cert1_level", "cert1_obtained", "honours", "assessment_2025"]
>>> layout = CsvLayout.from_header(header, "r.csv")
>>> csv_person(layout, ["li", "技师", "2020-05-10", "none", "qualified"], "r.csv", 2)
{'id': 'li', 'certificates': [{'level': '技师', 'obtained': '2020-05-10'}], 'annual_assessments': [{'year': 2025, 'grade': 'qualified'}], 'honours': []}

Every problem is an `InputError` naming the roster, the line and the column or place.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pyagent.errors import InputError, Msg, msg
from pyagent.input.case import DuplicateKey, json_constant, json_object
from pyagent.input.parser_words import PARSERS_WORDS, csv_detail, invalid, json_detail
from pyagent.input.columns import (  # noqa: F401 - importable from here as before
    CsvLayout,
    csv_person,
    csv_places,
    row_person,
    table_row_person,
)
from pyagent.input.rows_out import (  # noqa: F401 - importable from here as before
    csv_header,
    person_csv_row,
    write_csv_persons,
)

__all__ = [
    "CsvLayout",
    "csv_encoding",
    "csv_person",
    "load_row",
    "read_blocks",
    "read_csv_rows",
    "roster_format",
    "write_csv_persons",
]

FORMATS = ("jsonl", "csv", "xlsx")
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}


def roster_format(path: Path, given: str | None = None, option: str = "--format") -> str:
    """``jsonl``, ``csv`` or ``xlsx``: as given, or from the file name's extension; an
    extension that is none of them is refused (it would be written as something else)."""
    if given is not None:
        if given not in FORMATS:
            raise InputError(
                option,
                "",
                msg(
                    "{g!r} is not a format; expected jsonl, csv or xlsx",
                    "「{v}」不是可用的格式；应为jsonl、csv或xlsx",
                    g=given,
                    v=given,
                ),
            )
        return given
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    raise InputError(
        str(path),
        "",
        msg(
            "cannot tell the format from the extension {s}; name it .jsonl, .csv or .xlsx, or give "
            "{o} jsonl|csv|xlsx",
            "无法从{s}判断格式；请用.jsonl、.csv或.xlsx作文件名，或给出{o} jsonl|csv|xlsx",
            s=Msg(repr(suffix), f"扩展名「{suffix}」")
            if suffix
            else Msg("'(none)'", "没有扩展名的文件名"),
            o=option,
        ),
    )


# ---------------------------------------------------------------------------
# JSONL.


MAX_ROW_BYTES = 1 << 20  # one person's row; a longer line is reported, not read
OVERLONG = b"\x00pyagent: overlong row\x00"  # stands in for a line that was too long to read


def read_blocks(
    handle: IO[bytes], size: int = 1 << 20, max_row: int = MAX_ROW_BYTES
) -> Iterator[tuple[int, bytes]]:
    """Whole lines in blocks of about ``size`` bytes: (number of the first line, bytes).

    The lines of a block end in ``\\n`` except, maybe, the very last line of the file.  A
    line longer than ``max_row`` bytes is skipped as it is read (memory stays bounded) and
    stands in its block as the line `OVERLONG`, which the batch reports as a bad row.
    The first blocks are small (progress shows from the first persons), then they double.
    """
    line = 1
    rest = b""
    skipping = False
    step = min(size, 1 << 13)
    first = True
    while True:
        data = handle.read(step)
        step = min(size, step * 2)
        if first:  # a BOM (Notepad's UTF-8) is not part of row 1
            first = False
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
        if not data:
            if skipping:
                yield line, OVERLONG
            elif rest:
                yield line, rest
            return
        if skipping:
            cut = data.find(b"\n")
            if cut < 0:
                continue
            yield line, OVERLONG + b"\n"
            line += 1
            skipping = False
            data = data[cut + 1 :]
        data = rest + data
        cut = data.rfind(b"\n")
        if cut < 0:
            rest = data
        else:
            block, rest = data[: cut + 1], data[cut + 1 :]
            yield line, block
            line += block.count(b"\n")
        if len(rest) > max_row:
            rest, skipping = b"", True


_WS_COLON = re.compile(r'"[ \t\r]+:')


def load_row(text: str, source: str, line: int) -> tuple[object, bool]:
    """One JSONL line as data; the flag says whether duplicate keys were ruled out already.

    Plain ``json.loads`` keeps the last of two equal keys; a duplicate is an error here as in
    a case file (`pyagent.input.case`).  The cheap check: every key of the line ends in ``":``, so
    counting ``":`` bounds the number of keys written; the caller compares that with the
    number of keys it read (``exact_keys``) and calls `load_row_strict` when they differ.
    """
    try:
        return json.loads(text, parse_constant=json_constant), not _WS_COLON.search(text)
    except RecursionError:
        raise InputError(source, "", msg("too deeply nested", "嵌套过深"), line) from None
    except json.JSONDecodeError as err:
        raise InputError(
            source, "", invalid("JSON", json_detail(err.msg), err.colno), line
        ) from None
    except ValueError as err:
        raise InputError(source, "", _bad_json(err), line) from None


def load_row_strict(text: str, source: str, line: int) -> object:
    """The line read again with a check for duplicate keys and for text that is not Unicode."""
    try:
        data = json.loads(text, object_pairs_hook=json_object, parse_constant=json_constant)
    except DuplicateKey as err:
        raise InputError(
            source,
            "",
            msg(
                "the key {k!r} is given twice in one object",
                "键「{k}」在同一对象中重复出现",
                k=err.key,
            ),
            line,
        ) from None
    except RecursionError:
        raise InputError(source, "", msg("too deeply nested", "嵌套过深"), line) from None
    except json.JSONDecodeError as err:  # the column said as load_row says it
        raise InputError(
            source, "", invalid("JSON", json_detail(err.msg), err.colno), line
        ) from None
    except ValueError as err:
        raise InputError(source, "", _bad_json(err), line) from None
    _check_text(data, source, line, "")
    return data


def _bad_json(err: object) -> str:
    return invalid("JSON", json_detail(err))


def _check_text(value: object, source: str, line: int, place: str) -> None:
    """Refuse a lone surrogate (JSON's ``"\\ud800"``) anywhere: it cannot be written out."""
    stack = [(value, place)]
    while stack:
        v, where = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(
                    source,
                    where,
                    msg(
                        "holds a lone surrogate, which is not a Unicode character",
                        "含有孤立代理码位，不是 Unicode 字符",
                    ),
                    line,
                ) from None
        elif isinstance(v, dict):
            for k, item in v.items():
                _check_text(k, source, line, where)
                stack.append((item, f"{where}.{k}" if where else k))
        elif isinstance(v, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(v))


def key_marks(text: str) -> int:
    """An upper bound of the keys written in a JSON line (see `load_row`)."""
    return text.count('":')


# ---------------------------------------------------------------------------
# Tables: CSV (the columns are `pyagent.input.columns`).


class BadRow(list):
    """A CSV row that cannot be read (not UTF-8, a cell past the size limit): the batch
    reports it by its line and goes on.  It holds one non-blank cell, so that it is not
    taken for a blank row, and no cell can be read from it."""

    def __init__(self, message: str) -> None:
        super().__init__(["\x00"])
        self.message = message

    def __getitem__(self, index):  # type: ignore[override]
        raise IndexError(index)


def csv_encoding(head: bytes, source: str) -> str:
    """The encoding to read a CSV roster in, from its first bytes: ``utf-8-sig`` (SPEC: UTF-8,
    with or without a BOM), or ``gb18030``, what Excel on a Chinese Windows writes as "CSV",
    taken when the header line is not UTF-8 and reads as GB18030 into columns this tool
    knows, or when the header is UTF-8 (the tool's own column names are plain ASCII) and the
    rows are GB18030 (`_rows_in_gb18030`).  Any other header that is not UTF-8 is refused on
    line 1 with how to save the file instead."""
    save = msg(
        "; save the roster as CSV UTF-8 (Excel: Save As, CSV UTF-8) or as .xlsx",
        "；请将名单另存为“CSV UTF-8”（Excel：另存为 → CSV UTF-8）或 .xlsx",
    )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(source, "", msg("UTF-16 text", "UTF-16 文字") + save, 1)
    first = head.split(b"\n", 1)[0]
    try:
        first.decode("utf-8")
        return "gb18030" if _rows_in_gb18030(head) else "utf-8-sig"
    except UnicodeDecodeError as err:
        bad = first[err.start]
    try:
        cells = next(csv.reader([first.decode("gb18030")]), [])
        CsvLayout.from_header([c.strip() for c in cells], source)
        return "gb18030"
    except (UnicodeDecodeError, InputError):
        pass
    raise InputError(
        source,
        "",
        msg(
            "not UTF-8 text (byte {b:#04x} of the header cannot be decoded)",
            "不是 UTF-8 文字（表头中的字节 {b:#04x} 无法解码）",
            b=bad,
        )
        + save,
        1,
    )


_GB2312_LINE = re.compile(rb"(?:[\x00-\x7f]|[\xa1-\xfe][\xa1-\xfe])*")


def _rows_in_gb18030(head: bytes) -> bool:
    """Whether the lines of ``head`` that are not plain ASCII are GB18030 rather than UTF-8:
    more of them fail as UTF-8 than read as UTF-8, and each that fails is made of the byte
    pairs of GB2312's characters (what Chinese text in GB18030 is; a Latin-1 'é' before an
    ASCII letter is not, and such a UTF-8 roster with a bad row stays UTF-8: that row is its
    error).  The last line is left out when ``head`` may have cut it short (64 KiB read)."""
    lines = head.split(b"\n")
    if len(head) >= 1 << 16 and len(lines) > 1:
        lines.pop()
    utf8 = other = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            if not _GB2312_LINE.fullmatch(line.rstrip(b"\r")):
                return False
            other += 1
    return other > utf8


def _not_utf8(row: list[str]) -> str | None:
    """The message for a row read with ``surrogateescape`` that holds bytes that are not UTF-8."""
    for column, cell in enumerate(row, 1):
        if not cell.isascii():
            try:
                cell.encode("utf-8")
            except UnicodeEncodeError as err:
                byte = ord(cell[err.start]) - 0xDC00
                return msg(
                    "not UTF-8 text (byte {b:#04x} in column {c} cannot be decoded)",
                    "不是 UTF-8 文字（第 {c} 列的字节 {b:#04x} 无法解码）",
                    b=byte,
                    c=column,
                )
    return None


_FIELD_LIMIT = re.compile(r"field larger than field limit \((\d+)\)")


def _bad_csv(err: object) -> str:
    """The CSV reader's error, in both languages: a cell past the limit is said as such (the
    reader's own words are English)."""
    found = _FIELD_LIMIT.fullmatch(str(err))
    if found:
        return msg(
            "a cell is longer than the limit of {n:,} characters",
            "有单元格超过 {n:,} 个字符的上限",
            n=int(found[1]),
        )
    detail = csv_detail(err)
    sep = "；" if detail.zh.startswith(PARSERS_WORDS) else "："
    return msg("invalid CSV: {d}", "CSV 无效（格式错误）{s}{d}", d=detail, s=sep)


def read_csv_rows(
    handle: IO[str], source: str
) -> tuple[CsvLayout, Iterator[tuple[int, list[str]]]]:
    """The layout of the header and the rows with the number of the line each starts on."""
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(
            source, "", msg("the CSV roster is empty (no header)", "CSV 花名册为空（没有表头）")
        ) from None
    except csv.Error as err:
        raise InputError(source, "", _bad_csv(err), 1) from None
    layout = CsvLayout.from_header(header, source)
    if csv.field_size_limit() < MAX_ROW_BYTES:  # a long cell is a bad row, reported by its column
        csv.field_size_limit(MAX_ROW_BYTES)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:  # one bad row, not the end of the batch
                yield line, BadRow(_bad_csv(err))
                line = reader.line_num + 1
                continue
            bad = _not_utf8(row)
            yield line, (BadRow(bad) if bad else row)
            line = reader.line_num + 1

    return layout, rows()
