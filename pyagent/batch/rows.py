"""Rows of a roster for ``pyagent batch``: lines read in blocks, a row's text to its data.

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

from pyagent.input.roster import MAX_ROW_BYTES, OVERLONG, key_marks, load_row_strict

from orjson import loads as _fast_loads

_BIG = 2.0 ** 63  # orjson reads an integer this large or larger as a float
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


def jsonl_rows(block: tuple[int, bytes], source: str) -> list[tuple[int, object]]:
    first, data = block
    rows: list[tuple[int, object]] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        split = text.split("\n")
        if split and split[-1] == "":
            split.pop()
        return [(first + i, _row_text(t)) for i, t in enumerate(split)]
    for i, raw in enumerate(lines):
        try:
            t = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            bad = raw[err.start]
            rows.append((first + i, NotUtf8(
                f"not UTF-8 text (byte {bad:#04x} at column {err.start + 1} cannot be decoded)")))
            continue
        rows.append((first + i, _row_text(t)))
    return rows


_OVERLONG_TEXT = OVERLONG.decode("utf-8")


def _row_text(t: str) -> str | NotUtf8:
    if t == _OVERLONG_TEXT:
        return NotUtf8(f"the row is longer than {MAX_ROW_BYTES:,} bytes; it was not read")
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
