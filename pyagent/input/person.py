"""Validating one person (SPEC section 2) read by `pyagent.input.document` into a `Person`.

The entries of a person, built on the scalars and shapes of `pyagent.input.scalars`; the
decisions they embody are listed in `pyagent.input.case`.
"""

from __future__ import annotations

import datetime as dt
import math

from pyagent.errors import InputError, msg
from pyagent.input import vocab
from pyagent.input.document import _Ctx, _join
from pyagent.input.scalars import (
    number_hint,
    MAX_TEXT,
    MAX_YEAR,  # noqa: F401 - re-exported (pyagent.input.case)
    MIN_YEAR,  # noqa: F401 - re-exported (pyagent.input.case)
    _bool,
    _code,
    _date,
    _expected,
    _field,
    _int,
    _list,
    _mapping,
    _outside,
    _required,
    _text,
    _tristate,
    near_field,  # noqa: F401 - re-exported
    normal,
    parse_date,
)
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

__all__ = [
    "MAX_ITEMS",
    "MAX_TEXT",
    "MAX_YEARS",
    "PERSON_KEYS",
    "parse_date",
    "parse_person",
    "post_not_yet_held",
]

MIN_ASSESSMENT_YEAR, MAX_ASSESSMENT_YEAR = 1950, 2100
MAX_YEARS = 100  # cumulative_work_years and the application_years parameters
MAX_ITEMS = 100  # entries in each list of a person

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

_OCCUPATION = msg("an occupation", "职业（工种）")
_YEARS = msg("a number of years", "年数")


def _certificate(ctx: _Ctx, item: object, place: str) -> Certificate:
    item = _mapping(
        ctx,
        item,
        place,
        ("level", "kind", "obtained", "occupation"),
        msg(
            "a certificate mapping {{level, kind, obtained, occupation}}",
            "证书映射 {{level, kind, obtained, occupation}}",
        ),
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
    item = _mapping(
        ctx,
        item,
        place,
        ("from", "to"),
        msg("a period mapping {{from, to}}", "时段映射 {{from, to}}"),
    )
    start = _date(ctx, _required(ctx, item, "from", place), _join(place, "from"))
    end = item.get("to")
    if end is not None:
        end = _date(ctx, end, _join(place, "to"))
        if end < start:
            ctx.fail(
                _join(place, "to"),
                msg(
                    "{e} is before 'from' ({s})",
                    "{e} 早于起始日期 from（{s}）",
                    e=end.isoformat(),
                    s=start.isoformat(),
                ),
            )
    return Period(start=start, end=end)


def _post(ctx: _Ctx, value: object, place: str) -> Post | NoPost | None:
    if value is None:
        return None
    if isinstance(value, str) and normal(value).strip().lower() in NO_POST_WORDS:
        return NO_POST
    if not isinstance(value, dict):
        ctx.fail(
            place,
            _expected(
                msg(
                    "a mapping {{since, occupation}} or 'none'",
                    "映射 {{since, occupation}} 或 'none'",
                ),
                value,
            ),
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
        msg(
            "an assessment mapping {{year, grade, at_current_post}}",
            "考核映射 {{year, grade, at_current_post}}",
        ),
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
            _expected(
                msg(
                    "an honour code or a mapping {{code, class, category}}",
                    "荣誉代码或映射 {{code, class, category}}",
                ),
                item,
            ),
        )
    item = _mapping(ctx, item, place, ("code", "class", "category"), msg("an honour", "荣誉"))
    code = _code(ctx, vocab.HONOURS, _required(ctx, item, "code", place), _join(place, "code"))
    contest_class = item.get("class")
    category = item.get("category")
    if contest_class is not None:
        if not _is_contest(code):
            ctx.fail(
                _join(place, "class"),
                msg(
                    "'class' is only for contest honours, not {c!r}",
                    "class 仅用于技能大赛荣誉，不用于 {c!r}",
                    c=code,
                ),
                at_key=True,
            )
        if (
            isinstance(contest_class, int)
            and not isinstance(contest_class, bool)
            and contest_class in (1, 2)
        ):
            ctx.fail(
                _join(place, "class"),
                msg(
                    "write the class as {c!r}",
                    "类别请写作 {c!r}",
                    c="i" if contest_class == 1 else "ii",
                ),
            )
        contest_class = _code(ctx, vocab.CONTEST_CLASSES, contest_class, _join(place, "class"))
    if category is not None:
        if code != "state_council_allowance":
            ctx.fail(
                _join(place, "category"),
                msg(
                    "'category' is only for state_council_allowance, not {c!r}",
                    "category 仅用于 state_council_allowance，不用于 {c!r}",
                    c=code,
                ),
                at_key=True,
            )
        category = _code(ctx, vocab.ALLOWANCE_CATEGORIES, category, _join(place, "category"))
    return Honour(code=code, contest_class=contest_class, category=category)


def _title(ctx: _Ctx, item: object, place: str) -> Title:
    item = _mapping(
        ctx,
        item,
        place,
        ("rank", "series", "obtained"),
        msg("a title mapping {{rank, series, obtained}}", "职称映射 {{rank, series, obtained}}"),
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
        ctx.fail(
            place, _expected(_YEARS, value, number_hint(value) if isinstance(value, str) else "")
        )
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
        ctx.fail(
            where,
            msg(
                "{n:,} {w} are more than a person can have here (at most {m})",
                "{n:,} 项{w}，超出一人可有的上限（至多 {m} 项）",
                n=len(items),
                w=what,
                m=MAX_ITEMS,
            ),
        )
    return tuple(parse(ctx, item, f"{where}[{i}]") for i, item in enumerate(items))


def _person(ctx: _Ctx, data: object, place: str) -> Person:
    data = _mapping(
        ctx,
        data,
        place,
        PERSON_KEYS,
        msg("a person mapping (with at least an 'id')", "人员映射（至少含 id）"),
    )
    raw_id = _required(ctx, data, "id", place)
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        ctx.fail(
            _join(place, "id"),
            msg(
                "the id {i} is a number; ids are text, quote it: '{i}'",
                "id {i} 是数字；id 须为文字，请加引号：'{i}'",
                i=raw_id,
            ),
        )
    person_id = _text(ctx, raw_id, _join(place, "id"), msg("an id (text)", "id（文字）"))

    assessments = _items(
        ctx, data, "annual_assessments", place, msg("assessments", "考核"), _assessment
    )
    if assessments is not None:
        first: dict[int, int] = {}
        for i, a in enumerate(assessments):
            if a.year in first:
                ctx.fail(
                    f"{_join(place, 'annual_assessments')}[{i}].year",
                    msg(
                        "the year {y} is given twice (first at {p})",
                        "{y} 年度重复出现（首次在 {p}）",
                        y=a.year,
                        p=f"{_join(place, 'annual_assessments')}[{first[a.year]}]",
                    ),
                )
            first[a.year] = i

    field_value = data.get("field")
    return Person(
        id=person_id,
        certificates=_items(
            ctx, data, "certificates", place, msg("certificates", "证书"), _certificate
        ),
        technical_work=_items(
            ctx, data, "technical_work", place, msg("periods", "工作时段"), _period
        ),
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
            k: _never_decisive(ctx, data[k], _join(place, k))
            for k in vocab.NEVER_DECISIVE
            if k in data
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
                ctx.fail(
                    place,
                    msg(
                        "holds more than {n:,} characters of text; it never decides "
                        "an answer, shorten it",
                        "文字超过 {n:,} 个字符；此项从不决定答案，请缩短",
                        n=MAX_FREE_TEXT,
                    ),
                )
        elif isinstance(item, (list, dict)):
            if len(item) > MAX_ITEMS or depth > 3:
                ctx.fail(
                    where,
                    msg(
                        "{k:,} entries (or nesting) are more than kept here (at most "
                        "{m} entries, 3 levels)",
                        "{k:,} 项（或嵌套）超出上限（至多 {m} 项、3 层）",
                        k=len(item),
                        m=MAX_ITEMS,
                    ),
                )
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for k, v in pairs:
                stack.append(
                    (v, f"{where}[{k!r}]" if isinstance(item, dict) else f"{where}[{k}]", depth + 1)
                )
                if isinstance(k, str):
                    budget[0] -= len(k)
    return value


def post_not_yet_held(
    person: Person,
    as_of: dt.date,
    source: str,
    place: str = "",
    line: int | None = None,
    column: int | None = None,
    as_of_from: str = "as_of",
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
            since=post.since.isoformat(),
            as_of=as_of.isoformat(),
            what=as_of_from,
        ),
        line,
        column,
    )


def parse_person(data: object, source: str, place: str) -> Person:
    """Validate one person mapping (already-parsed data, e.g. a JSONL row) into a `Person`."""
    return _person(_Ctx(source), data, place)
