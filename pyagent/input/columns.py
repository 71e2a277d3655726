"""The columns of a table roster (CSV or Excel): what each header means, a row as a person.

A header names each column in English (``cert1_level``, ``assessment_2024``) or in Chinese
(``证书1等级``, ``2024年度考核``; the first certificate's and title's columns also without the
number: ``证书等级``, ``取得日期``).  A header that is neither is refused with the nearest
known name (``assesment_2024``: did you mean ``assessment_2024``?).  `csv_person` turns a
row into a SPEC section 2 person mapping, and every problem of a row is reported at once,
each under the column's name as the file writes it (`row_person`).

>>> layout = CsvLayout.from_header(["编号", "证书等级", "取得日期", "2025年度考核"], "r.csv")
>>> csv_person(layout, ["li", "技师", "2020-05-10", "合格"], "r.csv", 2)
{'id': 'li', 'certificates': [{'level': '技师', 'obtained': '2020-05-10'}], 'annual_assessments': [{'year': 2025, 'grade': '合格'}]}
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pyagent.errors import InputError, Msg, in_lang, listed, msg
from pyagent.input.case import MAX_ITEMS, parse_person
from pyagent.input.person import PERSON_KEYS
from pyagent.input.model import Person
from pyagent.input.numerals import number_problem, plain_digits
from pyagent.input.headers import (  # noqa: F401 - importable from here as before
    ASSESSMENT_COLUMN,
    GROUPS,
    GROUP_COLUMN,
    LISTS,
    POST,
    SCALARS,
    english_name,
    near_header,
    zh_name,
)

NONE_WORDS = ("none", "无")
TRUE_WORDS = ("true", "yes", "是")
FALSE_WORDS = ("false", "no", "否")
_TRISTATE_ZH = {"是": "true", "否": "false", "未知": "unknown"}


@dataclass(frozen=True)
class CsvLayout:
    """What each column of a table roster's header means."""

    header: tuple[str, ...]  # as the file writes it
    scalars: tuple[tuple[int, str], ...]  # (column, key)
    groups: tuple[
        tuple[str, int, tuple[tuple[int, str], ...]], ...
    ]  # (list, n, ((column, field)...))
    assessments: tuple[tuple[int, int, int | None], ...]  # (year, grade column, at-post column)
    lists: tuple[tuple[int, str], ...]  # (column, list name): 'none' says the list is empty
    honours: int | None
    post: tuple[int | None, int | None, int | None]  # current_post, post_since, post_occupation

    @classmethod
    def from_header(cls, header: Iterable[str], source: str) -> CsvLayout:
        names = tuple(h.strip() for h in header)
        seen: dict[str, int] = {}
        scalars, lists = [], []
        groups: dict[tuple[str, int], list[tuple[int, str]]] = {}
        grades: dict[int, int] = {}
        at_post: dict[int, int] = {}
        honours = None
        post: list[int | None] = [None, None, None]
        unknown: list[tuple[str, int, str | None]] = []
        for i, written in enumerate(names):
            name = english_name(written)
            place = f"column {i + 1} ({written!r})"
            if name in seen:
                first = names[seen[name]]
                also = "" if first == written else f" (as {first!r})"
                raise InputError(
                    source,
                    place,
                    msg("the column {n!r} is given twice{a}", "列{n!r}重复{a}", n=name, a=also),
                    1,
                )
            seen[name] = i
            m = GROUP_COLUMN.fullmatch(name)
            a = ASSESSMENT_COLUMN.fullmatch(name)
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
                near = near_header(written)
                unknown.append((written, i + 1, near))
        if unknown:
            en = "; ".join(
                f"{w!r} (column {n}" + (f"; did you mean {near!r}?)" if near else ")")
                for w, n, near in unknown
            )
            zh = "；".join(
                f"{w!r}（第{n}列" + (f"；是否应为{near!r}？）" if near else "）")
                for w, n, near in unknown
            )
            raise InputError(
                source,
                "",
                msg(
                    "unknown column{s} {e}; the columns are described in the README (pyagent batch) "
                    "and `pyagent template` writes them all",
                    "未知的列：{z}；各列见README的「pyagent batch」一节，「pyagent template」可写出全部列",
                    s="s" if len(unknown) > 1 else "",
                    e=en,
                    z=zh,
                ),
                1,
            )
        if "id" not in seen:
            raise InputError(
                source, "", msg("the header has no 'id' (编号) column", "表头没有'编号'（id）列"), 1
            )
        for year in at_post:
            if year not in grades:
                raise InputError(
                    source,
                    names[at_post[year]],
                    msg(
                        "there is no assessment_{y} column for it",
                        "没有与之对应的 assessment_{y} 列",
                        y=year,
                    ),
                    1,
                )
        for (prefix, n), _ in groups.items():
            if n > MAX_ITEMS:
                raise InputError(
                    source,
                    f"{prefix}{n}",
                    msg("more than {m} entries", "超过 {m} 项", m=MAX_ITEMS),
                    1,
                )
        ordered = tuple(
            (GROUPS[prefix][0], n, tuple(cols)) for (prefix, n), cols in sorted(groups.items())
        )
        return cls(
            names,
            tuple(scalars),
            ordered,
            tuple((y, grades[y], at_post.get(y)) for y in sorted(grades)),
            tuple(lists),
            honours,
            (post[0], post[1], post[2]),
        )

    def id_column(self) -> int:
        return next(i for i, key in self.scalars if key == "id")


def _cell(row: list[str], i: int | None) -> str:
    if i is None or i >= len(row):
        return ""
    return row[i].strip()


class _Problems:
    """Every problem of one row, each under its column as the file names it."""

    def __init__(self, source: str, line: int) -> None:
        self.source, self.line = source, line
        self.found: list[tuple[str, str]] = []

    def add(self, column: str, message: str) -> None:
        self.found.append((column, message))

    def raise_any(self) -> None:
        if self.found:
            raise row_error(self.source, self.line, self.found)


def row_error(source: str, line: int | None, found: list[tuple[str, str]]) -> InputError:
    """One error for every problem of a row: the first place, then the others after it (in
    both languages where the messages have them)."""
    place, message = found[0]
    en = str(message) + "".join(f"; {p}: {m}" if p else f"; {m}" for p, m in found[1:])
    zh = in_lang(message, "zh") + "".join(
        f"；{in_lang(p, 'zh')}：{in_lang(m, 'zh')}" if p else f"；{in_lang(m, 'zh')}"
        for p, m in found[1:]
    )
    return InputError(source, place, Msg(en, zh), line)


def _number(text: str, column: str, problems: _Problems) -> int | float | None:
    """A cell's number in plain digits; any other form is a problem that says what it is
    (`pyagent.input.numerals`)."""
    plain = plain_digits(text)
    if plain is None:
        problems.add(column, number_problem(text))
        return None
    value = float(plain)
    return int(value) if value.is_integer() and "." not in plain else value


def _boolean(text: str, column: str, problems: _Problems) -> bool | None:
    folded = text.lower()
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    problems.add(
        column, msg("{t!r} is not true or false (是/否)", "{t!r}不是是或否（true/false）", t=text)
    )
    return None


def csv_person(
    layout: CsvLayout,
    row: list[str],
    source: str,
    line: int,
    collect: list[tuple[str, str]] | None = None,
) -> dict:
    """One row as a SPEC section 2 person mapping (blank cell: absent, i.e. unknown).

    A cell that cannot be read raises; with ``collect``, its problem is added there instead
    and the cell left out (`table_row_person` reports them with the rest of the row's)."""
    if len(row) > len(layout.header):
        raise InputError(
            source,
            "",
            msg(
                "{n} cells, but the header has {h} columns",
                "本行有 {n} 个单元格，但表头有 {h} 列",
                n=len(row),
                h=len(layout.header),
            ),
            line,
        )
    header = layout.header
    problems = _Problems(source, line)
    row = _unclosed_quotes(row, header, line, problems)
    out: dict[str, object] = {}
    for i, key in layout.scalars:
        text = _cell(row, i)
        if not text:
            continue
        if key == "cumulative_work_years":
            number = _number(text, header[i], problems)
            if number is not None:
                out[key] = number
        elif key in ("outstanding_contribution", "social_benefit", "economic_benefit"):
            out[key] = _TRISTATE_ZH.get(text, text)
        else:
            out[key] = text
    items: dict[str, list] = {}
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
            if at_post and post_col is not None:
                problems.add(
                    header[post_col],
                    msg(
                        "given without a grade in {g}",
                        "已填写，但{g}中没有考核结果",
                        g=header[grade_col],
                    ),
                )
            continue
        item: dict[str, object] = {"year": year, "grade": grade}
        if at_post:
            flag = _boolean(at_post, header[post_col], problems)  # type: ignore[index]
            if flag is not None:
                item["at_current_post"] = flag
        assessments.append(item)
    if assessments:
        items["annual_assessments"] = assessments
    if layout.honours is not None:
        text = _cell(row, layout.honours)
        if text and text.lower() not in NONE_WORDS:
            items["honours"] = _honours(text)
        elif text:
            out["honours"] = []
    for i, name in layout.lists:
        text = _cell(row, i)
        if not text:
            continue
        if text.lower() not in NONE_WORDS:
            problems.add(
                header[i],
                msg(
                    "{t!r}: this column only says 'none' (the list is empty); list the entries "
                    "in their own columns",
                    "{t!r}：此列只能填'无'（表示没有）；各项请填在各自的列中",
                    t=text,
                ),
            )
        elif name in items:
            problems.add(
                header[i],
                msg("says 'none' but the row lists {n}", "填了'无'，但本行列有{n}", n=name),
            )
        else:
            out[name] = []
    for name in LISTS:
        if name in items:
            out[name] = items[name]
    kind, since, occupation = (_cell(row, i) for i in layout.post)
    post_name = header[layout.post[0]] if layout.post[0] is not None else "current_post"
    if kind.lower() in NONE_WORDS:
        if since or occupation:
            problems.add(
                post_name,
                msg(
                    "says 'none' but post_since or post_occupation is given",
                    "填了'无'，但又填了现岗位起始或现岗位职业",
                ),
            )
        else:
            out["current_post"] = "none"
    elif kind or since or occupation:
        if kind and kind.lower() not in TRUE_WORDS:
            problems.add(
                post_name,
                msg("{k!r}: expected yes, none or a blank cell", "{k!r}：应为是、无或留空", k=kind),
            )
        post: dict[str, str] = {}
        if since:
            post["since"] = since
        if occupation:
            post["occupation"] = occupation
        out["current_post"] = post
    if collect is not None:
        collect.extend(problems.found)
    else:
        problems.raise_any()
    return {k: out[k] for k in PERSON_KEYS if k in out}  # in SPEC section 2's order


def _unclosed_quotes(row: list[str], header: Sequence[str], line: int, problems) -> list[str]:
    """A cell whose quote is never closed takes the lines after it, rows and all, up to the
    next quote: said as such (it was 'contains control characters', with the rows it took shown
    as its text), and the cell left out of the row."""
    out = list(row)
    for i, cell in enumerate(row):
        rest = cell.rstrip("\r\n").split("\n")[1:]
        if not rest or not any(part.count(",") >= len(header) - 1 for part in rest):
            continue  # a line break in a cell, no rows taken: the cell's own check says it
        out[i] = ""
        problems.add(
            header[i] if i < len(header) else f"column {i + 1}",
            msg(
                'a quote (") opened in this cell is not closed: lines {a} to {b} were read into '
                "the cell, and the rows on them with it; close the quote (or remove it) and run "
                "again",
                '此单元格中的引号（"）没有闭合：第{a}至{b}行都被读进了这个单元格，'
                "这些行上的人员也在其中；请补上（或删去）引号后重新运行",
                a=line + 1,
                b=line + len(rest),
            ),
        )
    return out


def _honours(text: str) -> list[object]:
    honours: list[object] = []
    for part in (p.strip() for p in re.split(r"[;；]", text)):
        if not part:
            continue
        code, _, detail = (s.strip() for s in part.replace("：", ":").partition(":"))
        if not detail:
            honours.append(code)
        elif "contest" in code or detail in ("i", "ii", "一类", "二类"):
            honours.append({"code": code, "class": detail})
        else:
            honours.append({"code": code, "category": detail})
    return honours


def csv_places(layout: CsvLayout, row: list[str]) -> dict[str, str]:
    """The place in the person mapping of `csv_person` -> the column as the file names it."""
    header = layout.header
    places: dict[str, str] = {}
    for i, key in layout.scalars:
        places[key] = header[i]
    counts: dict[str, int] = {}
    for name, _, cols in layout.groups:
        if not any(_cell(row, i) for i, _ in cols):
            continue
        n = counts.get(name, 0)
        counts[name] = n + 1
        places[f"{name}[{n}]"] = header[cols[0][0]]
        for i, field in cols:
            places[f"{name}[{n}].{field}"] = header[i]
    n = 0
    for _, grade_col, post_col in layout.assessments:
        if not _cell(row, grade_col):
            continue
        places[f"annual_assessments[{n}]"] = header[grade_col]
        places[f"annual_assessments[{n}].grade"] = header[grade_col]
        places[f"annual_assessments[{n}].year"] = header[grade_col]
        if post_col is not None:
            places[f"annual_assessments[{n}].at_current_post"] = header[post_col]
        n += 1
    if layout.honours is not None:
        places["honours"] = header[layout.honours]
    for i, name in layout.lists:
        places.setdefault(name, header[i])
    for column, key in zip(
        layout.post, ("current_post", "current_post.since", "current_post.occupation"), strict=True
    ):
        if column is not None:
            places[key] = header[column]
    if "current_post" not in places:
        places["current_post"] = places.get("current_post.since") or places.get(
            "current_post.occupation", "current_post"
        )
    return places


def _column_of(place: str, places: Mapping[str, str]) -> str:
    if place in places:
        return places[place]
    m = re.match(r"(honours)\[([0-9]+)\]", place)
    if m and "honours" in places:  # the place said in the language of the message too
        k = int(m.group(2)) + 1
        return Msg(f"{places['honours']} (entry {k})", f"{places['honours']}（第{k}项）")
    parent = place.rsplit(".", 1)[0] if "." in place else place.split("[")[0]
    return places.get(parent, place)


# ---------------------------------------------------------------------------
# Every problem of a row, not only the first.

_REQUIRED_STAND_IN = {
    "id": "row",
    "level": "technician",
    "from": "2000-01-01",
    "year": 2000,
    "grade": "qualified",
    "rank": "intermediate",
    "code": "china_skills_award",
}
_ITEM_STAND_IN = {
    "certificates": {"level": "technician"},
    "technical_work": {"from": "2000-01-01"},
    "titles": {"rank": "intermediate"},
    "honours": "china_skills_award",
}
_TOKEN = re.compile(r"([A-Za-z_]+)|\[([0-9]+)\]")


def _patch(data: dict, place: str) -> bool:
    """Take the value at ``place`` out of the way of the next check (a stand-in or deleted)."""
    tokens: list[str | int] = []
    for m in _TOKEN.finditer(place):
        tokens.append(m.group(1) if m.group(1) else int(m.group(2)))
    if (
        not tokens
        or "".join(f".{t}" if isinstance(t, str) else f"[{t}]" for t in tokens).lstrip(".") != place
    ):
        return False
    parent: object = data
    for t in tokens[:-1]:
        try:
            parent = parent[t]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return False
    last = tokens[-1]
    if isinstance(parent, dict) and isinstance(last, str) and last in parent:
        if last in _REQUIRED_STAND_IN:
            parent[last] = _REQUIRED_STAND_IN[last]
        else:
            del parent[last]
        return True
    if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        name = next((t for t in reversed(tokens[:-1]) if isinstance(t, str)), "")
        if name not in _ITEM_STAND_IN:
            return False
        parent[last] = copy.deepcopy(_ITEM_STAND_IN[name])
        return True
    return False


_MISSING_KEY = re.compile(r"missing the required key '([a-z_]+)'")
_ENTRY = re.compile(r"(certificates|technical_work|titles)\[([0-9]+)\]")
_ENTRY_NEEDS = {
    "certificates": ("a certificate needs its level", "证书须注明等级"),
    "technical_work": ("a period of technical work needs its start", "技术工作时段须注明起始日期"),
    "titles": ("a title needs its rank", "职称须注明级别"),
}


def _said_by_column(
    place: str, message: str, places: Mapping[str, str], data: object
) -> tuple[str, str]:
    """A problem of a table row under its column, said in a table's words: a required value
    left blank is a blank cell (or a column the header lacks), not a "missing key" (CSV users
    have columns, not keys)."""
    column = _column_of(place, places)
    found = _MISSING_KEY.fullmatch(str(message))
    if not found:
        return column, message
    key = found.group(1)
    if key == "id" and not place:
        return places.get("id", "id"), msg(
            "blank: every row needs its id", "为空：每一行都须填编号"
        )
    entry = _ENTRY.fullmatch(place)
    if not entry or not isinstance(data, dict):
        return column, message
    name, n = entry.group(1), int(entry.group(2))
    en_needs, zh_needs = _ENTRY_NEEDS[name]
    items = data.get(name)
    item = items[n] if isinstance(items, list) and n < len(items) else {}
    filled = [places[f"{place}.{k}"] for k in item if k != key and f"{place}.{k}" in places]
    values = {"f": listed(filled), "v": "is" if len(filled) == 1 else "are", "n": en_needs}
    own = places.get(f"{place}.{key}")
    if own is not None:  # the column is there, its cell blank
        return own, msg(
            "blank, but {f} {v} filled: {n}", "为空，但{f}已填写：{z}", z=zh_needs, **values
        )
    written = places.get(place, column)  # the header has no such column: said under the group's
    english = english_name(written)
    wanted = f"{english.rsplit('_', 1)[0]}_{key}"
    if english != written:  # a Chinese header: the column named as it would be written
        wanted = zh_name(wanted)
    return written, msg(
        "the header has no '{c}' column, but {f} {v} filled: {n}",
        "表头没有「{c}」列，但{f}已填写：{z}",
        c=wanted,
        z=zh_needs,
        **values,
    )


def table_row_person(layout: CsvLayout, row: list[str], source: str, line: int) -> Person:
    """A CSV or worksheet row as a person; if bad, one error naming every problem of the row
    by its column: the cells that cannot be read and the values that are not valid."""
    cells: list[tuple[str, str]] = []
    data = csv_person(layout, row, source, line, cells)
    return row_person(data, source, line, csv_places(layout, row), cells, layout.header)


def row_person(
    data: object,
    source: str,
    line: int,
    places: Mapping[str, str] | None = None,
    earlier: list[tuple[str, str]] | None = None,
    header: Sequence[str] | None = None,
) -> Person:
    """A row's person mapping validated; if bad, one error naming every problem of the row,
    each at its column (``places``, from `csv_places`) or at its place in a JSON row
    (``earlier``: problems of cells found before, already by column)."""
    try:
        person = parse_person(data, source, "")
        if not earlier:
            return person
        found: list[InputError] = []
    except InputError as first:
        found = [first]
    if isinstance(data, dict) and found:
        work = copy.deepcopy(data)
        for _ in range(30):
            if not _patch(work, found[-1].place):
                break
            try:
                parse_person(work, source, "")
                break
            except InputError as err:
                if any(e.place == err.place and e.message == err.message for e in found):
                    break
                found.append(err)
    named = [
        _said_by_column(e.place, e.message, places, data)
        if places is not None
        else (e.place, e.message)
        for e in found
    ]
    order = {name: i for i, name in enumerate(header or ())}
    every = sorted([*(earlier or []), *named], key=lambda f: order.get(f[0].split(" (")[0], 999))
    raise row_error(source, line, every)
