"""The scalars (dates, codes, fields, numbers) and the shapes (mappings with known keys, lists)
of a person (SPEC section 2), for `pyagent.input.person`, which validates the entries."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable

from pyagent.errors import Msg, NearMatchWarning, listed, msg, shown
from pyagent.input import vocab
from pyagent.input.numerals import form_hint
from pyagent.input.document import _a, _Ctx, _describe, _has_surrogate, _join, _q, _suggest, _v

__all__ = ["MAX_TEXT", "MAX_YEAR", "MIN_YEAR", "near_field", "normal", "number_hint", "parse_date"]

MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_TEXT = 200  # characters in an id, occupation, field or series

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MISSING = object()
_TEXT = msg("text", "文字")
_NO_QUOTES = msg("; write it without quotes", "；请去掉引号")
_PLAIN = re.compile(r"\s*[+-]?[0-9]+(?:\.[0-9]+)?\s*")  # ASCII: \d is any script's digits


def number_hint(value: str, whole: bool = False) -> Msg | str:
    """What to do with a number given as text: take the quotes away when it is written in
    plain digits (``'2025'``, ``"9.5"``); when it is a number in another form, which one and
    the plain digits to write (``1e3``, which YAML reads as text even unquoted: 1000;
    ``1,000``, ``12年``, full-width ``１２``: `pyagent.input.numerals`); for other text a number
    could be spelled as (``inf``), plain digits (``whole``: where a whole number is expected,
    a year or a parameter, so no 9.5 as the example); else nothing."""
    if _PLAIN.fullmatch(value):
        return _NO_QUOTES
    hint = form_hint(value)
    if hint is not None:
        return hint
    try:
        float(value.strip())
    except ValueError:
        return ""
    if whole:
        return msg("; write it as a whole number in plain digits", "；请用普通数字写成整数")
    return msg("; write it in plain digits, e.g. 12 or 9.5", "；请用普通数字书写，如 12 或 9.5")


def _outside(value: object, low: int, high: int) -> Msg:
    return msg(
        "{v} is outside {a}..{b}", "{v} 不在 {a}..{b} 之间", v=shown(value, 20), a=low, b=high
    )


# ---------------------------------------------------------------------------
# Scalars.


def _date(ctx: _Ctx, value: object, place: str) -> dt.date:
    if isinstance(value, dt.datetime):
        ctx.fail(
            place,
            msg(
                "{t} has a time of day; give a date YYYY-MM-DD",
                "{t} 带有时刻；请给出日期 YYYY-MM-DD",
                t=value.isoformat(sep=" "),
            ),
        )
    if isinstance(value, dt.date):
        result = value
    elif isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE.fullmatch(text):
            ctx.fail(
                place,
                msg(
                    "{q} is not a date; write YYYY-MM-DD, e.g. 2021-06-30",
                    "「{v}」不是日期；请写作 YYYY-MM-DD，如 2021-06-30",
                    q=_q(value),
                    v=_v(value),
                ),
            )
        if not text.isascii():  # digits of another script (full-width ２０２１): \d took them
            plain = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
            ctx.fail(
                place,
                msg(
                    "{q} is written in full-width digits; write it in half-width digits: {p}",
                    "「{v}」是全角数字；请用半角数字书写：{p}",
                    q=_q(value),
                    v=_v(value),
                    p=plain,
                ),
            )
        try:
            result = dt.date.fromisoformat(text)
        except ValueError:
            ctx.fail(
                place,
                msg(
                    "{q} is not a real date ({e})",
                    "「{v}」不是实际存在的日期（{e}）",
                    q=_q(value),
                    v=_v(value),
                    e=_no_such_day(text),
                ),
            )
    else:
        ctx.fail(place, _expected(msg("a date YYYY-MM-DD", "日期 YYYY-MM-DD"), value))
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        ctx.fail(
            place,
            msg(
                "{d} is outside {a}..{b}; a typo?",
                "{d} 不在 {a}..{b} 年之间；是否笔误？",
                d=result.isoformat(),
                a=MIN_YEAR,
                b=MAX_YEAR,
            ),
        )
    return result


_MONTHS = "January February March April May June July August September October November December"


def _no_such_day(text: str) -> Msg:
    """Why ``YYYY-MM-DD`` is no day of the calendar, in words of ours (the date module's own,
    'day is out of range for month', are English only)."""
    year, month, day = (int(part) for part in text.split("-"))
    if not 1 <= month <= 12:
        return msg("there is no month {m}", "没有{m}月", m=month)
    if year < 1:
        return msg("there is no year {y}", "没有{y}年", y=year)
    days = calendar.monthrange(year, month)[1]
    if day < 1:
        return msg("there is no day {d}", "没有{d}日", d=day)
    return msg(
        "{name} {y} has {n} days",
        "{y}年{m}月只有{n}天",
        name=_MONTHS.split()[month - 1],
        y=year,
        m=month,
        n=days,
    )


def parse_date(value: object, source: str, place: str) -> dt.date:
    """An ISO ``YYYY-MM-DD`` string or a `datetime.date` (not a datetime) as a date.

    >>> parse_date("2021-06-30", "--as-of", "")
    datetime.date(2021, 6, 30)
    """
    return _date(_Ctx(source), value, place)


def _expected(what: str, value: object, hint: str = "") -> Msg:
    """``expected WHAT, found VALUE`` (and a hint), in both languages."""
    return msg(
        "expected {w}, found {d}{h}", "应为{w}，实为{d}{h}", w=what, d=_describe(value), h=hint
    )


def _text(ctx: _Ctx, value: object, place: str, what: str = _TEXT) -> str:
    if isinstance(value, str):
        if not value.strip():
            ctx.fail(place, msg("is empty", "为空"))
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            ctx.fail(
                place,
                msg(
                    "{q} contains control characters",
                    "「{v}」含有控制字符",
                    q=_q(value),
                    v=_v(value),
                ),
            )
        if _has_surrogate(value):
            ctx.fail(
                place,
                msg(
                    "{q} holds a lone surrogate, which is not a Unicode character",
                    "「{v}」含有孤立代理码位，不是 Unicode 字符",
                    q=_q(value),
                    v=_v(value),
                ),
            )
        if len(value.strip()) > MAX_TEXT:
            ctx.fail(
                place,
                msg(
                    "is longer than {m} characters ({n:,})",
                    "超过 {m} 个字符（{n:,}）",
                    m=MAX_TEXT,
                    n=len(value.strip()),
                ),
            )
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
        ctx.fail(
            place,
            msg(
                "{q} is not {k}; did you mean {g!r}?",
                "「{v}」不是{k}；是否应为 {g!r}？",
                q=_q(value),
                v=_v(value),
                k=_a(vocabulary.kind),
                g=guess,
            ),
        )
    ctx.fail(
        place,
        msg(
            "{q} is not {k}; expected one of: {c}",
            "「{v}」不是{k}；应为以下之一：{c}",
            q=_q(value),
            v=_v(value),
            k=_a(vocabulary.kind),
            c=_listing(vocabulary),
        ),
    )


def _listing(vocabulary: vocab.Vocabulary) -> Msg:
    """The values one may write, each code with its Chinese name: ``excellent (优秀), ...`` in
    English, ``优秀（excellent）、...`` in Chinese."""
    pairs = vocabulary.aliases.items()
    return Msg(
        ", ".join(f"{c} ({a})" for c, a in pairs), "、".join(f"{a}（{c}）" for c, a in pairs)
    )


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).casefold()


def _field(ctx: _Ctx, value: object, place: str) -> str:
    """A FIELDS code, or an unlisted field kept as written."""
    text = normal(_text(ctx, value, place, msg("a field", "领域"))).strip()
    if not text:
        ctx.fail(
            place, msg("is empty (it holds only invisible characters)", "为空（只含不可见字符）")
        )
    code = vocab.FIELDS.code(text)
    if code is not None:
        return code
    for code, alias in vocab.FIELDS.aliases.items():
        for spelling in (code, alias):
            if _squash(text) == _squash(spelling):
                ctx.fail(
                    place,
                    msg(
                        "{q} is not how a listed field is written; did you mean {s!r}? (any "
                        "other value is taken as an unlisted field)",
                        "「{v}」不是所列领域的写法；是否应为 {s!r}？（其他值均按未列领域处理）",
                        q=_q(text),
                        v=_v(text),
                        s=spelling,
                    ),
                )
    near = near_field(text)
    if near is not None:
        warnings.warn(
            NearMatchWarning(
                f"{ctx.source}: {place}: {_q(text)} is not a listed field but is close to "
                f"{near[1]} ({near[0]}); it is taken as an unlisted field",
                f"{ctx.source}: {place}: {_q(text)} 不是所列领域，但与{near[1]}（{near[0]}）相近；"
                "按未列领域处理",
            ),
            stacklevel=2,
        )
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
        ctx.fail(place, _expected(what, value, number_hint(value, whole=True)))
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
            ctx.fail(
                place, msg("the key {q} is not text", "键「{v}」不是文字", q=_q(key), v=_v(key))
            )
        if key not in allowed:
            guess = _suggest(key, allowed)
            hint = (
                msg("did you mean {g!r}?", "是否应为 {g!r}？", g=guess)
                if guess
                else msg("expected one of: {c}", "应为以下之一：{c}", c=listed(allowed))
            )
            ctx.fail(
                _join(place, key),
                msg("unknown key {q}; {h}", "未知的键「{v}」；{h}", q=_q(key), v=_v(key), h=hint),
                at_key=True,
            )
    return value


def _list(ctx: _Ctx, value: object, place: str, what: str) -> list | None:
    """None for absent/null (unknown); the list otherwise."""
    if value is None or value is _MISSING:
        return None
    if not isinstance(value, list):
        ctx.fail(
            place,
            msg(
                "expected a list of {w}, found {d}; write [] for none",
                "应为{w}的列表，实为{d}；没有则写 []",
                w=what,
                d=_describe(value),
            ),
        )
    return value


def _required(ctx: _Ctx, data: dict, key: str, place: str) -> object:
    value = data.get(key)
    if value is None:
        if key in data:
            ctx.fail(
                _join(place, key),
                msg(
                    "{q} is required and cannot be null",
                    "「{k}」为必填项，不能为空（null）",
                    q=_q(key),
                    k=key,
                ),
            )
        ctx.fail(
            place, msg("missing the required key {q}", "缺少必填的键「{k}」", q=_q(key), k=key)
        )
    return value
