"""Validating one person (SPEC section 2) read by `pyagent.input.document` into a `Person`.

The scalars (dates, codes, fields, numbers), the shapes (mappings with known keys, lists) and
the entries of a person; the decisions they embody are listed in `pyagent.input.case`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable

from pyagent.errors import InputError, Msg, NearMatchWarning, msg, shown
from pyagent.input import vocab
from pyagent.input.document import _a, _Ctx, _describe, _has_surrogate, _join, _q, _suggest, _v
from pyagent.input.model import (
    NO_POST,
    Assessment,
    Certificate,
    Honour,
    NoPost,
    Period,
    Person,
    Post,
    Title,
)

__all__ = ["MAX_ITEMS", "MAX_TEXT", "MAX_YEARS", "PERSON_KEYS", "parse_date", "parse_person", "post_not_yet_held"]

MIN_YEAR, MAX_YEAR = 1900, 2100
MIN_ASSESSMENT_YEAR, MAX_ASSESSMENT_YEAR = 1950, 2100
MAX_YEARS = 100  # cumulative_work_years and the application_years parameters
MAX_ITEMS = 100  # entries in each list of a person
MAX_TEXT = 200  # characters in an id, occupation, field or series

PERSON_KEYS = (
    "id",
    "certificates",
    "technical_work",
    "field",
    "current_post",
    "annual_assessments",
    "honours",
    "outstanding_contribution",
    "social_benefit",
    "economic_benefit",
    "titles",
    "cumulative_work_years",
    *vocab.NEVER_DECISIVE,
)
NO_POST_WORDS = ("none", "无")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MISSING = object()
_TEXT = msg("text", "文字")
_OCCUPATION = msg("an occupation", "职业（工种）")
_YEARS = msg("a number of years", "年数")
_NO_QUOTES = msg("; write it without quotes", "；请去掉引号")


def _outside(value: object, low: int, high: int) -> Msg:
    return msg("{v} is outside {a}..{b}", "{v} 不在 {a}..{b} 之间", v=shown(value, 20), a=low, b=high)


# ---------------------------------------------------------------------------
# Scalars.


def _date(ctx: _Ctx, value: object, place: str) -> dt.date:
    if isinstance(value, dt.datetime):
        ctx.fail(place, msg("{t} has a time of day; give a date YYYY-MM-DD",
                            "{t} 带有时刻；请给出日期 YYYY-MM-DD", t=value.isoformat(sep=" ")))
    if isinstance(value, dt.date):
        result = value
    elif isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE.fullmatch(text):
            ctx.fail(place, msg("{q} is not a date; write YYYY-MM-DD, e.g. 2021-06-30",
                                "「{v}」不是日期；请写作 YYYY-MM-DD，如 2021-06-30", q=_q(value), v=_v(value)))
        try:
            result = dt.date.fromisoformat(text)
        except ValueError as err:
            ctx.fail(place, msg("{q} is not a real date ({e})", "「{v}」不是实际存在的日期",
                                q=_q(value), v=_v(value), e=err))
    else:
        ctx.fail(place, _expected(msg("a date YYYY-MM-DD", "日期 YYYY-MM-DD"), value))
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        ctx.fail(place, msg("{d} is outside {a}..{b}; a typo?", "{d} 不在 {a}..{b} 年之间；是否笔误？",
                            d=result.isoformat(), a=MIN_YEAR, b=MAX_YEAR))
    return result


def parse_date(value: object, source: str, place: str) -> dt.date:
    """An ISO ``YYYY-MM-DD`` string or a `datetime.date` (not a datetime) as a date.

    >>> parse_date("2021-06-30", "--as-of", "")
    datetime.date(2021, 6, 30)
    """
    return _date(_Ctx(source), value, place)


def _expected(what: str, value: object, hint: str = "") -> Msg:
    """``expected WHAT, found VALUE`` (and a hint), in both languages."""
    return msg("expected {w}, found {d}{h}", "应为{w}，实为{d}{h}", w=what, d=_describe(value), h=hint)


def _text(ctx: _Ctx, value: object, place: str, what: str = _TEXT) -> str:
    if isinstance(value, str):
        if not value.strip():
            ctx.fail(place, msg("is empty", "为空"))
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            ctx.fail(place, msg("{q} contains control characters", "「{v}」含有控制字符", q=_q(value),
                                v=_v(value)))
        if _has_surrogate(value):
            ctx.fail(place, msg("{q} holds a lone surrogate, which is not a Unicode character",
                                "「{v}」含有孤立代理码位，不是 Unicode 字符", q=_q(value), v=_v(value)))
        if len(value.strip()) > MAX_TEXT:
            ctx.fail(place, msg("is longer than {m} characters ({n:,})", "超过 {m} 个字符（{n:,}）",
                                m=MAX_TEXT, n=len(value.strip())))
        return value.strip()
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        shown = value.isoformat() if isinstance(value, dt.date) else value
        hint = msg("; quote it: '{s}'", "；请加引号：'{s}'", s=shown)
        ctx.fail(place, _expected(what, value, hint))
    ctx.fail(place, _expected(what, value))


def normal(text: str) -> str:
    """A code field as meant: format characters (zero-width spaces and joiners, a BOM, RTL
    marks, soft hyphens) removed, then NFKC (full-width ``ｅｎｇｉｎｅｅｒｉｎｇ`` is
    ``engineering``), so that an invisible or look-alike character never turns a listed
    value into another one."""
    if text.isascii():
        return text
    kept = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFKC", kept)


def _code(ctx: _Ctx, vocabulary: vocab.Vocabulary, value: object, place: str) -> str:
    if not isinstance(value, str):
        listing = msg("; one of: {c}", "；可选：{c}", c=_listing(vocabulary))
        ctx.fail(place, _expected(_a(vocabulary.kind), value, listing))
    value = normal(value).strip() or value
    code = vocabulary.code(value)
    if code is not None:
        return code
    guess = _suggest(value, vocabulary.choices())
    if guess is not None:
        ctx.fail(place, msg("{q} is not {k}; did you mean {g!r}?", "「{v}」不是{k}；是否应为 {g!r}？",
                            q=_q(value), v=_v(value), k=_a(vocabulary.kind), g=guess))
    ctx.fail(place, msg("{q} is not {k}; expected one of: {c}", "「{v}」不是{k}；应为以下之一：{c}",
                        q=_q(value), v=_v(value), k=_a(vocabulary.kind), c=_listing(vocabulary)))


def _listing(vocabulary: vocab.Vocabulary) -> str:
    return ", ".join(f"{c} ({a})" for c, a in vocabulary.aliases.items())


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).casefold()


def _field(ctx: _Ctx, value: object, place: str) -> str:
    """A FIELDS code, or an unlisted field kept as written."""
    text = normal(_text(ctx, value, place, msg("a field", "领域"))).strip()
    if not text:
        ctx.fail(place, msg("is empty (it holds only invisible characters)", "为空（只含不可见字符）"))
    code = vocab.FIELDS.code(text)
    if code is not None:
        return code
    for code, alias in vocab.FIELDS.aliases.items():
        for spelling in (code, alias):
            if _squash(text) == _squash(spelling):
                ctx.fail(
                    place,
                    msg("{q} is not how a listed field is written; did you mean {s!r}? (any "
                        "other value is taken as an unlisted field)", "「{v}」不是所列领域的写法；"
                        "是否应为 {s!r}？（其他值均按未列领域处理）", q=_q(text), v=_v(text), s=spelling),
                )
    near = near_field(text)
    if near is not None:
        warnings.warn(NearMatchWarning(
            f"{ctx.source}: {place}: {_q(text)} is not a listed field but is close to "
            f"{near[1]} ({near[0]}); it is taken as an unlisted field",
            f"{ctx.source}: {place}: {_q(text)} 不是所列领域，但与{near[1]}（{near[0]}）相近；"
            "按未列领域处理"), stacklevel=2)
    return text


def near_field(text: str) -> tuple[str, str] | None:
    """(code, alias) of the listed field an unlisted one is close to (工程技术 -> 工程), if any:
    a field's alias inside it, or a spelling near a code or an alias."""
    import difflib

    for code, alias in vocab.FIELDS.aliases.items():
        if alias in text or (len(text) >= 4 and text.casefold() in code):
            return code, alias
    spellings = {s: c for c, a in vocab.FIELDS.aliases.items() for s in (c, a)}
    close = difflib.get_close_matches(text.casefold(), list(spellings), n=1, cutoff=0.75)
    if close:
        code = spellings[close[0]]
        return code, vocab.FIELDS.aliases[code]
    return None


def _int(ctx: _Ctx, value: object, place: str, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        ctx.fail(place, _expected(what, value))
    if isinstance(value, str):
        ctx.fail(place, _expected(what, value, _NO_QUOTES))
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            ctx.fail(place, _expected(what, value))
        ctx.fail(place, _expected(what, value, msg("; write {n}", "；请写作 {n}", n=int(value))))
    if not low <= value <= high:
        ctx.fail(place, _outside(value, low, high))
    return value


def _bool(ctx: _Ctx, value: object, place: str) -> bool:
    if isinstance(value, bool):
        return value
    ctx.fail(place, _expected(msg("true or false", "true 或 false"), value))


def _tristate(ctx: _Ctx, value: object, place: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and normal(value).strip().lower() in vocab.TRISTATE:
        return vocab.TRISTATE[normal(value).strip().lower()]
    ctx.fail(place, _expected(msg("true, false or unknown", "true、false 或 unknown"), value))


# ---------------------------------------------------------------------------
# Structure.


def _mapping(ctx: _Ctx, value: object, place: str, keys: Iterable[str], what: str) -> dict:
    """A mapping with only the known keys; a misspelt key is an error with a suggestion."""
    if not isinstance(value, dict):
        ctx.fail(place, _expected(what, value))
    allowed = tuple(keys)
    for key in value:
        if not isinstance(key, str):  # only reachable through parse_person on foreign data
            ctx.fail(place, msg("the key {q} is not text", "键「{v}」不是文字", q=_q(key), v=_v(key)))
        if key not in allowed:
            guess = _suggest(key, allowed)
            hint = (msg("did you mean {g!r}?", "是否应为 {g!r}？", g=guess) if guess else
                    msg("expected one of: {c}", "应为以下之一：{c}", c=", ".join(allowed)))
            ctx.fail(_join(place, key), msg("unknown key {q}; {h}", "未知的键「{v}」；{h}", q=_q(key),
                                            v=_v(key), h=hint), at_key=True)
    return value


def _list(ctx: _Ctx, value: object, place: str, what: str) -> list | None:
    """None for absent/null (unknown); the list otherwise."""
    if value is None or value is _MISSING:
        return None
    if not isinstance(value, list):
        ctx.fail(place, msg("expected a list of {w}, found {d}; write [] for none",
                            "应为{w}的列表，实为{d}；没有则写 []", w=what, d=_describe(value)))
    return value


def _required(ctx: _Ctx, data: dict, key: str, place: str) -> object:
    value = data.get(key)
    if value is None:
        if key in data:
            ctx.fail(_join(place, key), msg("{q} is required and cannot be null",
                                            "「{k}」为必填项，不能为空（null）", q=_q(key), k=key))
        ctx.fail(place, msg("missing the required key {q}", "缺少必填的键「{k}」", q=_q(key), k=key))
    return value


def _certificate(ctx: _Ctx, item: object, place: str) -> Certificate:
    item = _mapping(
        ctx,
        item,
        place,
        ("level", "kind", "obtained", "occupation"),
        msg("a certificate mapping {{level, kind, obtained, occupation}}",
            "证书映射 {{level, kind, obtained, occupation}}"),
    )
    level = _code(ctx, vocab.LEVELS, _required(ctx, item, "level", place), _join(place, "level"))
    kind = item.get("kind")
    obtained = item.get("obtained")
    occupation = item.get("occupation")
    return Certificate(
        level=level,
        kind=None
        if kind is None
        else _code(ctx, vocab.CERTIFICATE_KINDS, kind, _join(place, "kind")),
        obtained=None if obtained is None else _date(ctx, obtained, _join(place, "obtained")),
        occupation=None
        if occupation is None
        else _text(ctx, occupation, _join(place, "occupation"), _OCCUPATION),
    )


def _period(ctx: _Ctx, item: object, place: str) -> Period:
    item = _mapping(ctx, item, place, ("from", "to"),
                    msg("a period mapping {{from, to}}", "时段映射 {{from, to}}"))
    start = _date(ctx, _required(ctx, item, "from", place), _join(place, "from"))
    end = item.get("to")
    if end is not None:
        end = _date(ctx, end, _join(place, "to"))
        if end < start:
            ctx.fail(
                _join(place, "to"), msg("{e} is before 'from' ({s})", "{e} 早于起始日期 from（{s}）",
                                        e=end.isoformat(), s=start.isoformat())
            )
    return Period(start=start, end=end)


def _post(ctx: _Ctx, value: object, place: str) -> Post | NoPost | None:
    if value is None:
        return None
    if isinstance(value, str) and normal(value).strip().lower() in NO_POST_WORDS:
        return NO_POST
    if not isinstance(value, dict):
        ctx.fail(
            place, _expected(msg("a mapping {{since, occupation}} or 'none'",
                                 "映射 {{since, occupation}} 或 'none'"), value)
        )
    value = _mapping(ctx, value, place, ("since", "occupation"), msg("a post", "现岗位"))
    since = value.get("since")
    occupation = value.get("occupation")
    return Post(
        since=None if since is None else _date(ctx, since, _join(place, "since")),
        occupation=None
        if occupation is None
        else _text(ctx, occupation, _join(place, "occupation"), _OCCUPATION),
    )


def _assessment(ctx: _Ctx, item: object, place: str) -> Assessment:
    item = _mapping(
        ctx,
        item,
        place,
        ("year", "grade", "at_current_post"),
        msg("an assessment mapping {{year, grade, at_current_post}}",
            "考核映射 {{year, grade, at_current_post}}"),
    )
    year = _int(
        ctx,
        _required(ctx, item, "year", place),
        _join(place, "year"),
        MIN_ASSESSMENT_YEAR,
        MAX_ASSESSMENT_YEAR,
        msg("a year (a whole number)", "年份（整数）"),
    )
    grade = _code(ctx, vocab.GRADES, _required(ctx, item, "grade", place), _join(place, "grade"))
    at_post = item.get("at_current_post")
    return Assessment(
        year=year,
        grade=grade,
        at_current_post=None
        if at_post is None
        else _bool(ctx, at_post, _join(place, "at_current_post")),
    )


def _is_contest(code: str) -> bool:
    return "_contest_" in code


def _honour(ctx: _Ctx, item: object, place: str) -> Honour:
    if isinstance(item, str):
        return Honour(code=_code(ctx, vocab.HONOURS, item, place))
    if not isinstance(item, dict):
        ctx.fail(
            place,
            _expected(msg("an honour code or a mapping {{code, class, category}}",
                          "荣誉代码或映射 {{code, class, category}}"), item),
        )
    item = _mapping(ctx, item, place, ("code", "class", "category"), msg("an honour", "荣誉"))
    code = _code(ctx, vocab.HONOURS, _required(ctx, item, "code", place), _join(place, "code"))
    contest_class = item.get("class")
    category = item.get("category")
    if contest_class is not None:
        if not _is_contest(code):
            ctx.fail(
                _join(place, "class"),
                msg("'class' is only for contest honours, not {c!r}",
                    "class 仅用于技能大赛荣誉，不用于 {c!r}", c=code),
                at_key=True,
            )
        if (
            isinstance(contest_class, int)
            and not isinstance(contest_class, bool)
            and contest_class in (1, 2)
        ):
            ctx.fail(
                _join(place, "class"), msg("write the class as {c!r}", "类别请写作 {c!r}",
                                           c="i" if contest_class == 1 else "ii")
            )
        contest_class = _code(ctx, vocab.CONTEST_CLASSES, contest_class, _join(place, "class"))
    if category is not None:
        if code != "state_council_allowance":
            ctx.fail(
                _join(place, "category"),
                msg("'category' is only for state_council_allowance, not {c!r}",
                    "category 仅用于 state_council_allowance，不用于 {c!r}", c=code),
                at_key=True,
            )
        category = _code(ctx, vocab.ALLOWANCE_CATEGORIES, category, _join(place, "category"))
    return Honour(code=code, contest_class=contest_class, category=category)


def _title(ctx: _Ctx, item: object, place: str) -> Title:
    item = _mapping(
        ctx, item, place, ("rank", "series", "obtained"),
        msg("a title mapping {{rank, series, obtained}}", "职称映射 {{rank, series, obtained}}")
    )
    rank = _code(ctx, vocab.RANKS, _required(ctx, item, "rank", place), _join(place, "rank"))
    series = item.get("series")
    obtained = item.get("obtained")
    return Title(
        rank=rank,
        series=None if series is None else _field(ctx, series, _join(place, "series")),
        obtained=None if obtained is None else _date(ctx, obtained, _join(place, "obtained")),
    )


def _years(ctx: _Ctx, value: object, place: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        ctx.fail(place, _expected(_YEARS, value, _NO_QUOTES if isinstance(value, str) else ""))
    if not math.isfinite(value):
        ctx.fail(place, _expected(_YEARS, value))
    if not 0 <= value <= MAX_YEARS:
        ctx.fail(place, _outside(value, 0, MAX_YEARS))
    return float(value)


def _items(ctx: _Ctx, data: dict, key: str, place: str, what: str, parse) -> tuple | None:
    where = _join(place, key)
    items = _list(ctx, data.get(key), where, what)
    if items is None:
        return None
    if len(items) > MAX_ITEMS:
        ctx.fail(where, msg("{n:,} {w} are more than a person can have here (at most {m})",
                            "{n:,} 项{w}，超出一人可有的上限（至多 {m} 项）", n=len(items), w=what,
                            m=MAX_ITEMS))
    return tuple(parse(ctx, item, f"{where}[{i}]") for i, item in enumerate(items))


def _person(ctx: _Ctx, data: object, place: str) -> Person:
    data = _mapping(ctx, data, place, PERSON_KEYS,
                    msg("a person mapping (with at least an 'id')", "人员映射（至少含 id）"))
    raw_id = _required(ctx, data, "id", place)
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        ctx.fail(
            _join(place, "id"), msg("the id {i} is a number; ids are text, quote it: '{i}'",
                                    "id {i} 是数字；id 须为文字，请加引号：'{i}'", i=raw_id)
        )
    person_id = _text(ctx, raw_id, _join(place, "id"), msg("an id (text)", "id（文字）"))

    assessments = _items(ctx, data, "annual_assessments", place, msg("assessments", "考核"), _assessment)
    if assessments is not None:
        first: dict[int, int] = {}
        for i, a in enumerate(assessments):
            if a.year in first:
                ctx.fail(
                    f"{_join(place, 'annual_assessments')}[{i}].year",
                    msg("the year {y} is given twice (first at {p})",
                        "{y} 年度重复出现（首次在 {p}）", y=a.year,
                        p=f"{_join(place, 'annual_assessments')}[{first[a.year]}]"),
                )
            first[a.year] = i

    field_value = data.get("field")
    return Person(
        id=person_id,
        certificates=_items(ctx, data, "certificates", place, msg("certificates", "证书"), _certificate),
        technical_work=_items(ctx, data, "technical_work", place, msg("periods", "工作时段"), _period),
        field=None if field_value is None else _field(ctx, field_value, _join(place, "field")),
        current_post=_post(ctx, data.get("current_post"), _join(place, "current_post")),
        annual_assessments=assessments,
        honours=_items(ctx, data, "honours", place, msg("honours", "荣誉"), _honour),
        outstanding_contribution=_tristate(
            ctx, data.get("outstanding_contribution"), _join(place, "outstanding_contribution")
        ),
        social_benefit=_tristate(ctx, data.get("social_benefit"), _join(place, "social_benefit")),
        economic_benefit=_tristate(
            ctx, data.get("economic_benefit"), _join(place, "economic_benefit")
        ),
        titles=_items(ctx, data, "titles", place, msg("titles", "职称"), _title),
        cumulative_work_years=_years(
            ctx, data.get("cumulative_work_years"), _join(place, "cumulative_work_years")
        ),
        never_decisive={
            k: _never_decisive(ctx, data[k], _join(place, k)) for k in vocab.NEVER_DECISIVE if k in data
        },
    )


MAX_FREE_TEXT = 10_000  # characters in all of one never-decisive field (education, papers, ...)


def _never_decisive(ctx: _Ctx, value: object, place: str) -> object:
    """A field that never decides an answer, kept as written but bounded like the others: at
    most MAX_ITEMS entries in a list and MAX_FREE_TEXT characters of text in all."""
    budget = [MAX_FREE_TEXT]
    stack = [(value, place, 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            budget[0] -= len(item)
            if budget[0] < 0:
                ctx.fail(place, msg("holds more than {n:,} characters of text; it never decides "
                                    "an answer, shorten it", "文字超过 {n:,} 个字符；此项从不决定答案，请缩短",
                                    n=MAX_FREE_TEXT))
        elif isinstance(item, (list, dict)):
            if len(item) > MAX_ITEMS or depth > 3:
                ctx.fail(where, msg("{k:,} entries (or nesting) are more than kept here (at most "
                                    "{m} entries, 3 levels)", "{k:,} 项（或嵌套）超出上限（至多 {m} 项、3 层）",
                                    k=len(item), m=MAX_ITEMS))
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for k, v in pairs:
                stack.append((v, f"{where}[{k!r}]" if isinstance(item, dict) else f"{where}[{k}]",
                              depth + 1))
                if isinstance(k, str):
                    budget[0] -= len(k)
    return value


def post_not_yet_held(
    person: Person, as_of: dt.date, source: str, place: str = "", line: int | None = None,
    column: int | None = None, as_of_from: str = "as_of",
) -> InputError | None:
    """SPEC section 2 (v2): a ``current_post.since`` after ``as_of`` is bad input, the post
    not yet held on the date asked.  The error, naming the place, or None."""
    post = person.current_post
    if not isinstance(post, Post) or post.since is None or post.since <= as_of:
        return None
    return InputError(
        source,
        _join(_join(place, "current_post"), "since") if place else "current_post.since",
        msg(
            "the post begins on {since}, after {what} {as_of}: it is not yet held on the date "
            "asked; correct the date, or ask on or after it",
            "岗位起始日期{since}晚于查询日{as_of}（{what}）：查询日尚未任该岗位；请更正日期，或在该日期及之后查询",
            since=post.since.isoformat(), as_of=as_of.isoformat(), what=as_of_from,
        ),
        line,
        column,
    )


def parse_person(data: object, source: str, place: str) -> Person:
    """Validate one person mapping (already-parsed data, e.g. a JSONL row) into a `Person`."""
    return _person(_Ctx(source), data, place)
