"""Excel workbooks (.xlsx) as tables of text cells, read and written with openpyxl.

A roster's first worksheet is read like a CSV file: the first row is the header, each row
after it a person, every cell taken as the text an analyst sees (a date cell as
``2020-05-10``, a whole number without ``.0``).  Rows are numbered as Excel numbers them,
so an error names the row an analyst scrolls to.  openpyxl is imported only here, when a
workbook is read or written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from pyagent.errors import InputError, Msg, msg


def cell_text(value: object) -> str:
    """What a cell shows, as roster text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _not_a_zip(path: str | Path | IO[bytes]) -> Msg:
    """An .xlsx that is not the zip archive a workbook is: said so, and when its first line
    reads as a CSV header (a CSV file named .xlsx, or Excel's CSV renamed), how to read it."""
    try:
        if isinstance(path, (str, Path)):
            with open(path, "rb") as handle:
                head = handle.read(4096)
        else:
            path.seek(0)
            head = path.read(4096)
    except OSError:
        head = b""
    said = msg(
        "not an Excel workbook (.xlsx): the file is not the zip archive a workbook is",
        "不是 Excel 工作簿（.xlsx）：文件不是工作簿应有的 zip 压缩包",
    )
    first = head.split(b"\n", 1)[0]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            line = first.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "," in line and line.isprintable():
            return said + msg(
                "; it reads as a CSV file: name it .csv",
                "；其内容是 CSV 文件：请改用 .csv 作扩展名",
            )
    return said


def read_rows(
    path: str | Path | IO[bytes], source: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header of the first worksheet and its rows with their row numbers (from 2)."""
    import zipfile

    from openpyxl import load_workbook

    source = source or str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(source, "", msg("no such file", "文件不存在")) from None
    except zipfile.BadZipFile:
        raise InputError(source, "", _not_a_zip(path)) from None
    except (KeyError, ValueError, OSError) as err:
        raise InputError(
            source,
            "",
            msg(
                "not an Excel workbook (.xlsx) openpyxl can read: {e}",
                "不是 openpyxl 能读取的 Excel 工作簿（.xlsx）；openpyxl 原文：「{e}」",
                e=err,
            ),
        ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        first = next(rows)
    except StopIteration:
        book.close()
        raise InputError(
            source,
            "",
            msg(
                "the workbook's first sheet is empty (no header)",
                "工作簿的第一张工作表为空（没有表头）",
            ),
        ) from None
    header = [cell_text(v) for v in first]
    while header and not header[-1]:
        header.pop()

    def body() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(rows, 2):
                cells = [cell_text(v) for v in values]
                while len(cells) > len(header) and not cells[-1]:
                    cells.pop()
                yield number, cells
        finally:
            book.close()

    return header, body()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def inert(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: text that a spreadsheet would read as a
    formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``) gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _inert_rows(rows: Iterable[list[object]]) -> Iterable[list[object]]:
    for row in rows:
        yield [inert(v) for v in row]


def write_rows(
    path: str | Path, header: list[str], rows: Iterable[list[object]], sheet: str = "answers"
) -> None:
    """A workbook of one sheet: the header (bold, frozen) and the rows (streamed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.freeze_panes = "B2"
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    for row in _inert_rows(rows):
        ws.append(row)
    book.save(path)


TABLE_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl"}


def table_format(path: str | Path, given: str | None = None, option: str = "--format") -> str:
    """``csv``, ``xlsx`` or ``jsonl`` for a table written to ``path``; any other extension is
    refused rather than written as something it is not."""
    if given is not None:
        if given not in ("csv", "xlsx", "jsonl"):
            raise InputError(
                option,
                "",
                msg(
                    "{g!r} is not a format; expected csv, xlsx or jsonl",
                    "「{v}」不是可用的格式；应为csv、xlsx或jsonl",
                    g=given,
                    v=given,
                ),
            )
        return given
    suffix = Path(path).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        shown = repr(suffix) if suffix else "a file without an extension"
        zh = repr(suffix) if suffix else "无扩展名的文件"
        raise InputError(
            str(path),
            "",
            msg(
                "cannot write a table as {s}; name it .csv, .xlsx or .jsonl",
                "无法写成{z}；请用.csv、.xlsx或.jsonl作文件名",
                s=shown,
                z=zh,
            ),
        )
    return TABLE_SUFFIXES[suffix]


def write_table(
    path: str | Path,
    header: list[str],
    rows: Iterable[list[object]],
    fmt: str | None = None,
    sheet: str = "answers",
) -> None:
    """A table as CSV (UTF-8 with a BOM, so that Excel reads Chinese right), as a workbook,
    or as JSON lines (one object a row, keyed by the header)."""
    import csv
    import json

    fmt = table_format(path, fmt)
    if fmt == "xlsx":
        write_rows(path, header, rows, sheet)
    elif fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(_inert_rows(rows))
    else:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            for row in rows:
                handle.write(
                    json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n"
                )
