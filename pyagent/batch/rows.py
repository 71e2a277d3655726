"""Rows of a roster for ``pyagent batch``: the rows of a byte range, a row's text to its data.

A JSONL row is parsed by orjson when it can be (about 2.5 times faster than ``json.loads``)
and by the standard library otherwise, which also gives every error message: orjson's data is
used only when it is exactly what ``json.loads`` gives and the row cannot hide a problem the
standard path reports.  That is: orjson parsed it (so it is valid JSON, with no NaN and no
lone surrogate), no number is as large as 2**63 (orjson reads some such integers as floats), and the
keys read are as many as the ``":`` the line holds (so no key is given twice, which both
parsers would silently let the last one win).  Anything else is read again by
`pyagent.input.roster.load_row_strict`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pyagent.errors import msg
from pyagent.input.roster import MAX_ROW_BYTES, key_marks, load_row_strict

from orjson import loads as _fast_loads

_BIG = 2.0**63  # orjson reads an integer this large or larger as a float
_WS_COLON = re.compile(r'"[ \t\r]+:')


def _keys(value: object) -> int:
    """The number of mapping keys in data orjson parsed; -1 when it holds a float so large
    that it may stand for an integer (orjson reads integers beyond 64 bits as floats)."""
    n = 0
    stack: list[Any] = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        v = pop()
        t = type(v)
        if t is dict:
            n += len(v)
            extend(v.values())
        elif t is list:
            extend(v)
        elif t is float and not -_BIG < v < _BIG:
            return -1
    return n


def load_row_checked(text: str, source: str, line: int) -> object:
    """One JSONL row as data, or `pyagent.errors.InputError` as a case file would raise it
    (invalid JSON, a key given twice, text that is not Unicode)."""
    if not _WS_COLON.search(text):
        try:
            data = _fast_loads(text)
        except ValueError:
            pass  # the standard path says what is wrong
        else:
            if _keys(data) == key_marks(text):
                return data
    return load_row_strict(text, source, line)


def _row_text(t: str) -> str:
    return t[:-1] if t.endswith("\r") else t


class NotUtf8:
    """A line that cannot be read as a row: not UTF-8 text, or too long (a bad row)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def strip(self) -> str:
        return "x"


def csv_blocks(rows: Iterator[tuple[int, list[str]]], size: int, source: str) -> Iterator[list]:
    """Blocks of rows: small at first, so that progress shows from the first persons, then
    doubling up to ``size``."""
    block: list = []
    limit = min(size, 8)
    for line, row in rows:
        block.append((line, row))
        if len(block) >= limit:
            yield block
            block = []
            limit = min(size, limit * 2)
    if block:
        yield block


def range_rows(
    path: str, start: int, end: int, max_row: int = MAX_ROW_BYTES
) -> tuple[list[tuple[int, object]], int]:
    """The rows of a JSONL file that start in the byte range [start, end): (index of the row
    among them, its text or a `NotUtf8`), and how many lines start there.

    A line belongs to the range its first byte is in, so ranges cut anywhere share no line
    and miss none; the last line of a range is read past ``end`` to its end.  A line longer
    than ``max_row`` bytes is skipped as it is read and stands as a bad row.
    """
    rows: list[tuple[int, object]] = []
    with open(path, "rb") as handle:
        if start > 0:
            handle.seek(start - 1)
            if handle.read(1) != b"\n":
                _skip_line(handle)  # that line began in the range before
        elif handle.read(3) != b"\xef\xbb\xbf":  # a BOM (Notepad's UTF-8) is not part of row 1
            handle.seek(0)
        pos = handle.tell()
        n = 0
        while pos < end:
            raw = handle.readline(max_row + 1)
            if not raw:
                break
            if len(raw) > max_row and not raw.endswith(b"\n"):
                _skip_line(handle)
                rows.append(
                    (
                        n,
                        NotUtf8(
                            msg(
                                "the row is longer than {m:,} bytes; it was not read",
                                "该行超过 {m:,} 字节；未读取",
                                m=max_row,
                            )
                        ),
                    )
                )
            else:
                if raw.endswith(b"\n"):
                    raw = raw[:-1]
                try:
                    rows.append((n, _row_text(raw.decode("utf-8"))))
                except UnicodeDecodeError as err:
                    rows.append(
                        (
                            n,
                            NotUtf8(
                                msg(
                                    "not UTF-8 text (byte {b:#04x} at column {c} cannot be "
                                    "decoded)",
                                    "不是 UTF-8 文字（第 {c} 列的字节 {b:#04x} 无法解码）",
                                    b=raw[err.start],
                                    c=err.start + 1,
                                )
                            ),
                        )
                    )
            n += 1
            pos = handle.tell()
    return rows, n


def _skip_line(handle) -> None:
    while True:
        chunk = handle.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return
