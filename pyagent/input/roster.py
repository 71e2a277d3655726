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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pyagent.input.case import MAX_ITEMS, DuplicateKey, json_constant, json_object
from pyagent.input.vocab import NEVER_DECISIVE as NEVER_DECISIVE_KEYS
from pyagent.errors import InputError

__all__ = [
    "CsvLayout",
    "csv_person",
    "load_row",
    "read_blocks",
    "read_csv_rows",
    "roster_format",
    "write_csv_persons",
]

FORMATS = ("jsonl", "csv")

# CSV: numbered groups of columns, one group per list entry (cert1_level, cert2_level, ...)
GROUPS = {
    "cert": ("certificates", ("level", "kind", "obtained", "occupation")),
    "work": ("technical_work", ("from", "to")),
    "title": ("titles", ("rank", "series", "obtained")),
}
LISTS = ("certificates", "technical_work", "annual_assessments", "honours", "titles")
SCALARS = ("id", "field", "outstanding_contribution", "social_benefit", "economic_benefit",
           "cumulative_work_years", *NEVER_DECISIVE_KEYS)
POST = ("current_post", "post_since", "post_occupation")
NONE_WORDS = ("none", "无")
_GROUP = re.compile(r"(cert|work|title)([1-9][0-9]?)_([a-z]+)")
_ASSESSMENT = re.compile(r"assessment_([0-9]{4})(_at_current_post)?")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def roster_format(path: Path, given: str | None = None) -> str:
    """``jsonl`` or ``csv``: as given, or from the file name (``.csv``; anything else is JSONL)."""
    if given is not None:
        if given not in FORMATS:
            raise InputError("--format", "", f"{given!r} is not a format; expected jsonl or csv")
        return given
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


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
    """
    line = 1
    rest = b""
    skipping = False
    while True:
        data = handle.read(size)
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
        raise InputError(source, "", "too deeply nested", line) from None
    except json.JSONDecodeError as err:
        raise InputError(source, "", f"invalid JSON: {err.msg} (column {err.colno})", line) from None
    except ValueError as err:
        raise InputError(source, "", f"invalid JSON: {err}", line) from None


def load_row_strict(text: str, source: str, line: int) -> object:
    """The line read again with a check for duplicate keys and for text that is not Unicode."""
    try:
        data = json.loads(text, object_pairs_hook=json_object, parse_constant=json_constant)
    except DuplicateKey as err:
        raise InputError(source, "", f"the key {err.key!r} is given twice in one object", line) from None
    except RecursionError:
        raise InputError(source, "", "too deeply nested", line) from None
    except ValueError as err:
        raise InputError(source, "", f"invalid JSON: {err}", line) from None
    _check_text(data, source, line, "")
    return data


def _check_text(value: object, source: str, line: int, place: str) -> None:
    """Refuse a lone surrogate (JSON's ``"\\ud800"``) anywhere: it cannot be written out."""
    stack = [(value, place)]
    while stack:
        v, where = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(source, where, "holds a lone surrogate, which is not a Unicode "
                                 "character", line) from None
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
# CSV.


@dataclass(frozen=True)
class CsvLayout:
    """What each column of a CSV roster's header means."""

    header: tuple[str, ...]
    scalars: tuple[tuple[int, str], ...]  # (column, key)
    groups: tuple[tuple[str, int, tuple[tuple[int, str], ...]], ...]  # (list, n, ((column, field)...))
    assessments: tuple[tuple[int, int, int | None], ...]  # (year, grade column, at-post column)
    lists: tuple[tuple[int, str], ...]  # (column, list name): 'none' says the list is empty
    honours: int | None
    post: tuple[int | None, int | None, int | None]  # current_post, post_since, post_occupation

    @classmethod
    def from_header(cls, header: Iterable[str], source: str) -> "CsvLayout":
        names = tuple(h.strip() for h in header)
        seen: dict[str, int] = {}
        scalars, lists = [], []
        groups: dict[tuple[str, int], list[tuple[int, str]]] = {}
        grades: dict[int, int] = {}
        at_post: dict[int, int] = {}
        honours = None
        post: list[int | None] = [None, None, None]
        for i, name in enumerate(names):
            place = f"column {i + 1} ({name!r})"
            if name in seen:
                raise InputError(source, place, f"the column {name!r} is given twice", 1)
            seen[name] = i
            m = _GROUP.fullmatch(name)
            a = _ASSESSMENT.fullmatch(name)
            if name in SCALARS:
                scalars.append((i, name))
            elif name in POST:
                post[POST.index(name)] = i
            elif name == "honours":
                honours = i
            elif name in LISTS:
                lists.append((i, name))
            elif m and m.group(3) in GROUPS[m.group(1)][1]:
                groups.setdefault((m.group(1), int(m.group(2))), []).append((i, m.group(3)))
            elif a:
                (at_post if a.group(2) else grades)[int(a.group(1))] = i
            else:
                raise InputError(source, place, f"unknown column {name!r}; the columns are "
                                 "described in the README (pyagent batch)", 1)
        if "id" not in seen:
            raise InputError(source, "", "the header has no 'id' column", 1)
        for year in at_post:
            if year not in grades:
                raise InputError(source, f"assessment_{year}_at_current_post", f"there is no "
                                 f"assessment_{year} column for it", 1)
        for (prefix, n), _ in groups.items():
            if n > MAX_ITEMS:
                raise InputError(source, f"{prefix}{n}", f"more than {MAX_ITEMS} entries", 1)
        ordered = tuple(
            (GROUPS[prefix][0], n, tuple(cols)) for (prefix, n), cols in sorted(groups.items())
        )
        return cls(names, tuple(scalars), ordered,
                   tuple((y, grades[y], at_post.get(y)) for y in sorted(grades)),
                   tuple(lists), honours, (post[0], post[1], post[2]))


def _cell(row: list[str], i: int | None) -> str:
    if i is None or i >= len(row):
        return ""
    return row[i].strip()


def _number(text: str, source: str, line: int, column: str) -> int | float:
    if not _NUMBER.fullmatch(text):
        raise InputError(source, column, f"{text!r} is not a number", line)
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def _boolean(text: str, source: str, line: int, column: str) -> bool:
    folded = text.lower()
    if folded in ("true", "yes"):
        return True
    if folded in ("false", "no"):
        return False
    raise InputError(source, column, f"{text!r} is not true or false", line)


def csv_person(layout: CsvLayout, row: list[str], source: str, line: int) -> dict:
    """One CSV row as a SPEC section 2 person mapping (blank cell: absent, i.e. unknown)."""
    if len(row) > len(layout.header):
        raise InputError(source, "", f"{len(row)} cells, but the header has "
                         f"{len(layout.header)} columns", line)
    header = layout.header
    out: dict[str, object] = {}
    for i, key in layout.scalars:
        text = _cell(row, i)
        if not text:
            continue
        if key == "cumulative_work_years":
            out[key] = _number(text, source, line, header[i])
        else:
            out[key] = text
    items: dict[str, list[dict]] = {}
    for name, _, cols in layout.groups:
        entry = {field: _cell(row, i) for i, field in cols}
        entry = {k: v for k, v in entry.items() if v}
        if entry:
            items.setdefault(name, []).append(entry)
    assessments = []
    for year, grade_col, post_col in layout.assessments:
        grade = _cell(row, grade_col)
        at_post = _cell(row, post_col)
        if not grade:
            if at_post:
                raise InputError(source, header[post_col], f"given without a grade in "
                                 f"{header[grade_col]}", line)
            continue
        entry: dict[str, object] = {"year": year, "grade": grade}
        if at_post:
            entry["at_current_post"] = _boolean(at_post, source, line, header[post_col])
        assessments.append(entry)
    if assessments:
        items["annual_assessments"] = assessments
    if layout.honours is not None:
        text = _cell(row, layout.honours)
        if text and text.lower() not in NONE_WORDS:
            honours: list[object] = []
            for part in (p.strip() for p in text.split(";")):
                if not part:
                    continue
                code, _, detail = (s.strip() for s in part.partition(":"))
                if not detail:
                    honours.append(code)
                elif "contest" in code or detail in ("i", "ii", "一类", "二类"):
                    honours.append({"code": code, "class": detail})
                else:
                    honours.append({"code": code, "category": detail})
            items["honours"] = honours
        elif text:
            out["honours"] = []
    for i, name in layout.lists:
        text = _cell(row, i)
        if not text:
            continue
        if text.lower() not in NONE_WORDS:
            raise InputError(source, header[i], f"{text!r}: this column only says 'none' (the "
                             f"list is empty); list the entries in their own columns", line)
        if name in items:
            raise InputError(source, header[i], f"says 'none' but the row lists {name}", line)
        out[name] = []
    for name in LISTS:
        if name in items:
            out[name] = items[name]
    kind, since, occupation = (_cell(row, i) for i in layout.post)
    if kind.lower() in NONE_WORDS:
        if since or occupation:
            raise InputError(source, "current_post", "says 'none' but post_since or "
                             "post_occupation is given", line)
        out["current_post"] = "none"
    elif kind or since or occupation:
        if kind and kind.lower() not in ("yes", "true"):
            raise InputError(source, "current_post", f"{kind!r}: expected yes, none or a blank "
                             "cell", line)
        post: dict[str, str] = {}
        if since:
            post["since"] = since
        if occupation:
            post["occupation"] = occupation
        out["current_post"] = post
    return {k: out[k] for k in _ORDER if k in out}


_ORDER = ("id", "certificates", "technical_work", "field", "current_post", "annual_assessments",
          "honours", "outstanding_contribution", "social_benefit", "economic_benefit", "titles",
          "cumulative_work_years", *NEVER_DECISIVE_KEYS)


def read_csv_rows(handle: IO[str], source: str) -> tuple[CsvLayout, Iterator[tuple[int, list[str]]]]:
    """The layout of the header and the rows with the number of the line each starts on."""
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(source, "", "the CSV roster is empty (no header)") from None
    except csv.Error as err:
        raise InputError(source, "", f"invalid CSV: {err}", 1) from None
    layout = CsvLayout.from_header(header, source)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                raise InputError(source, "", f"invalid CSV: {err}", reader.line_num) from None
            yield line, row
            line = reader.line_num + 1

    return layout, rows()


# ---------------------------------------------------------------------------
# Writing persons as CSV (the generator of bench/ and the round-trip tests).


def csv_header(certificates: int = 3, periods: int = 3, titles: int = 2,
               years: Iterable[int] = range(2019, 2026)) -> list[str]:
    cols = ["id"]
    for n in range(1, certificates + 1):
        cols += [f"cert{n}_{f}" for f in GROUPS["cert"][1]]
    cols.append("certificates")
    for n in range(1, periods + 1):
        cols += [f"work{n}_{f}" for f in GROUPS["work"][1]]
    cols += ["technical_work", "field", "current_post", "post_since", "post_occupation"]
    for y in years:
        cols += [f"assessment_{y}", f"assessment_{y}_at_current_post"]
    cols += ["annual_assessments", "honours", "outstanding_contribution", "social_benefit",
             "economic_benefit"]
    for n in range(1, titles + 1):
        cols += [f"title{n}_{f}" for f in GROUPS["title"][1]]
    cols += ["titles", "cumulative_work_years", *NEVER_DECISIVE_KEYS]
    return cols


def person_csv_row(person: Mapping[str, object], header: list[str]) -> list[str]:
    """A person mapping (plain JSON data, as in a JSONL roster) as a row under ``header``."""
    cells = {c: "" for c in header}

    def put(column: str, value: object) -> None:
        if column not in cells:
            raise ValueError(f"the header has no column {column!r} for this person")
        if isinstance(value, bool):
            value = "true" if value else "false"
        cells[column] = "" if value is None else str(value)

    for key, value in person.items():
        if key in SCALARS:
            put(key, value)
        elif key in ("certificates", "technical_work", "titles"):
            prefix = {"certificates": "cert", "technical_work": "work", "titles": "title"}[key]
            if not value:
                put(key, "none")
            for n, item in enumerate(value, 1):  # type: ignore[arg-type]
                for field, v in item.items():
                    put(f"{prefix}{n}_{field}", v)
        elif key == "annual_assessments":
            if not value:
                put(key, "none")
            for item in value:  # type: ignore[union-attr]
                put(f"assessment_{item['year']}", item["grade"])
                if "at_current_post" in item:
                    put(f"assessment_{item['year']}_at_current_post", item["at_current_post"])
        elif key == "honours":
            parts = []
            for h in value:  # type: ignore[union-attr]
                if isinstance(h, str):
                    parts.append(h)
                else:
                    detail = h.get("class", h.get("category"))
                    parts.append(h["code"] if detail is None else f"{h['code']}:{detail}")
            put(key, "; ".join(parts) if parts else "none")
        elif key == "current_post":
            if isinstance(value, str):
                put("current_post", value)
            else:
                put("current_post", "yes")
                put("post_since", value.get("since"))  # type: ignore[union-attr]
                put("post_occupation", value.get("occupation"))  # type: ignore[union-attr]
        else:
            raise ValueError(f"no CSV column for {key!r}")
    return [cells[c] for c in header]


def write_csv_persons(handle: IO[str], persons: Iterable[Mapping[str, object]],
                      header: list[str] | None = None) -> None:
    header = header or csv_header()
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    for p in persons:
        writer.writerow(person_csv_row(p, header))

