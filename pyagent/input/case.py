"""Loading and validating case files (SPEC section 2) into the dataclasses of `pyagent.input.model`.

>>> case = parse_case('''
... as_of: 2026-07-01
... person:
...   id: zhang_san
...   certificates: [{level: 技师, obtained: 2021-06-30}]
...   honours: []
... ''')
>>> case.persons[0].certificates[0].level, case.persons[0].honours, case.persons[0].titles
('technician', (), None)

Every problem with the input raises `pyagent.errors.InputError`, whose message names the
file, the place (``persons[1].annual_assessments[0].grade``), the line and column where the
document gives them, and what is wrong, with a suggestion where one is obvious.  No other
exception escapes for bad input, whatever the document holds.

Decisions the SPEC leaves to us
-------------------------------
* **Absent means unknown; empty means none.**  A YAML/JSON ``null`` (``key: null``, ``key: ~``
  or ``key:`` with nothing after it) counts as absent, i.e. unknown: ``honours:`` with no
  value is *not* ``honours: []``.  For a required key (``id``, ``level``, ``rank``, ``from``,
  ``year``, ``grade``, an honour's ``code``) null is an error.
* ``current_post: none`` (or ``无``) is "known to hold no post" (`NO_POST`); ``current_post:
  null`` is unknown, like leaving it out; ``current_post: {}`` is a post whose start and
  occupation are unknown.  A ``since`` after ``as_of`` is an error (SPEC v2: the post is not
  yet held); an assessment's ``at_current_post`` left out is ``None``, to follow from
  ``since`` (kb/p2_gate.lp).
* ``outstanding_contribution``, ``social_benefit``, ``economic_benefit``: ``true``/``false``
  (YAML's ``yes``/``no`` too), the strings ``"true"``/``"false"``, or ``unknown``.
* Readings in a file may be written ``rank_needs_gate: no``; YAML reads that as a boolean,
  so ``true``/``false`` are taken as ``yes``/``no``.  Command-line readings override the
  file's reading by reading; ``--as-of`` overrides the file's ``as_of``; with neither the
  date is today.
* ``field`` and a title's ``series``: a code or alias of the eight listed fields becomes the
  code; anything else is an unlisted field kept as written (surrounding spaces removed),
  except a value that differs from a listed code or alias only in letter case, spaces,
  hyphens or underscores (``Engineering``, ``arts and crafts``): that is almost surely the
  listed field mistyped, so it is an error with the suggestion rather than a silent
  "unlisted field".
* Bounds a policy analyst would expect: dates between 1900 and 2100 (ISO ``YYYY-MM-DD``, or
  YAML's own unquoted dates; a time of day is an error), assessment years 1950..2100,
  ``cumulative_work_years`` and parameters between 0 and 100, parameters whole numbers.
* An id is a non-empty string without control characters; a number is rejected with
  "quote it" rather than silently turned into text.  ``persons`` must list at least one.
* A duplicate mapping key (YAML or JSON) is an error, not "the last one wins".  YAML merge
  keys (``<<``), custom tags and complex keys are refused.
* ``class`` is accepted on the contest honours (``*_contest_*``), ``category`` only on
  ``state_council_allowance``.  The same honour may be listed twice (two medals).
* Hostile input: only the safe loader is used; documents nested deeper than 50, with more
  than 1000 aliases, with recursive aliases, or whose aliases expand past 100,000 nodes
  are refused before or while they are built.  Text that is not Unicode (a lone surrogate,
  e.g. JSON's ``"\\ud800"``) is refused wherever it occurs, so that nothing read can fail
  later when it is printed.  A key that is not plain printable text appears in places
  quoted (``persons[0]['a\\nb']``), so a message is always one line of inert text.
* Size limits, so that time and memory stay bounded (each with its own message): a file
  of at most ``max_bytes`` (default 5,000,000; ``--max-bytes``), at most 1,000 persons in
  a case, at most 100 entries in each list of a person (certificates, technical_work,
  annual_assessments, honours, titles), and at most 200 characters in an id, an
  occupation, a field or a series.  A real person comes nowhere near them; a document
  that does is generated or hostile.
* A ``.json`` file must be JSON and gets JSON's syntax positions; other text is tried as
  JSON first and then read as YAML.  For a JSON document the values come from the JSON
  parser and only the line numbers from a YAML reading of the same text (when that fails,
  e.g. JSON indented with tabs, errors carry no line).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from pyagent.errors import InputError, listed, msg
from pyagent.kb import readings as kb_readings
from pyagent.input.document import (  # noqa: F401 - re-exported: importers use pyagent.input.case
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_EXPANDED,
    Document,
    DuplicateKey,
    _below,
    _Ctx,
    _describe,
    _join,
    _q,
    _read_file,
    _read_text,
    _suggest,
    _Tree,
    _v,
    json_constant,
    json_object,
    read_document,
)
from pyagent.input.model import Case
from pyagent.input.person import (  # noqa: F401 - re-exported: importers use pyagent.input.case
    MAX_ASSESSMENT_YEAR,
    MAX_ITEMS,
    MAX_TEXT,
    MAX_YEAR,
    MAX_YEARS,
    MIN_ASSESSMENT_YEAR,
    MIN_YEAR,
    PERSON_KEYS,
    _date,
    _int,
    _mapping,
    _person,
    normal,
    parse_date,
    parse_person,
    post_not_yet_held,
)

__all__ = [
    "Document",
    "case_in_document",
    "load_case",
    "parse_case",
    "parse_date",
    "parse_person",
    "parse_readings",
    "read_document",
    "readings_in_document",
]

MAX_PERSONS = 1000  # persons in one case

TOP_KEYS = ("as_of", "readings", "parameters", "persons", "person")
PARAMETERS = (
    "application_years.senior_worker",
    "application_years.technician",
    "application_years.senior_technician",
)


# ---------------------------------------------------------------------------
# Readings and parameters.

_NAME_VALUE = msg("expected NAME=VALUE, e.g. field_list=open", "应为 名称=取值，如 field_list=open")


def _reading(ctx: _Ctx, name: object, value: object, place: str) -> tuple[str, str]:
    known = kb_readings()
    if not isinstance(name, str) or name not in known:
        guess = _suggest(str(name), known)
        hint = (
            msg("did you mean {g!r}?", "是否应为 {g!r}？", g=guess)
            if guess
            else msg("the readings are: {r}", "可用的读法：{r}", r=listed(known))
        )
        ctx.fail(
            place,
            msg(
                "{q} is not a reading; {h}", "「{v}」不是读法；{h}", q=_q(name), v=_v(name), h=hint
            ),
            at_key=True,
        )
    reading = known[name]
    options = reading.options
    valid = msg(
        ", ".join(f"{o} (default)" if o == reading.default else o for o in options),
        "、".join(f"{o}（默认）" if o == reading.default else o for o in options),
    )
    if isinstance(value, bool) and {"yes", "no"} <= set(options):
        value = "yes" if value else "no"  # YAML reads an unquoted yes/no as a boolean
    if not isinstance(value, str):
        ctx.fail(
            place,
            msg(
                "expected one of: {c}; found {d}",
                "应为以下之一：{c}；实为{d}",
                c=valid,
                d=_describe(value),
            ),
        )
    text = normal(value).strip()
    if text not in options:
        guess = _suggest(text, options)
        near = msg("did you mean {g!r}? ", "是否应为 {g!r}？", g=guess) if guess else ""
        ctx.fail(
            place,
            msg(
                "{q} is not a value of the reading {n}; {h}expected one of: {c}",
                "「{v}」不是读法「{k}」的取值；{h}应为以下之一：{c}",
                q=_q(value),
                v=_v(value),
                n=_q(name),
                k=name,
                h=near,
                c=valid,
            ),
        )
    return name, text


def _readings_mapping(ctx: _Ctx, value: object, place: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        ctx.fail(
            place,
            msg(
                "expected a mapping of reading: value, found {d}",
                "应为「读法: 取值」的映射，实为{d}",
                d=_describe(value),
            ),
        )
    out: dict[str, str] = {}
    for name, choice in value.items():
        key, text = _reading(ctx, name, choice, _join(place, str(name)))
        out[key] = text
    return out


def parse_readings(pairs: Iterable[str], source: str = "--reading") -> dict[str, str]:
    """``name=value`` strings from the command line, validated against the knowledge base.

    >>> parse_readings(["field_list=open", "duration_end = year_end"])
    {'field_list': 'open', 'duration_end': 'year_end'}
    """
    ctx = _Ctx(source)
    out: dict[str, str] = {}
    if isinstance(pairs, str):  # one pair given on its own
        pairs = [pairs]
    for pair in pairs:
        if not isinstance(pair, str) or "=" not in pair:
            ctx.fail(str(pair), _NAME_VALUE)
        name, _, value = pair.partition("=")
        name = name.strip()
        if not name or not value.strip():
            ctx.fail(pair, _NAME_VALUE)
        key, text = _reading(ctx, name, value, name)
        if key in out and out[key] != text:
            ctx.fail(
                key,
                msg(
                    "given twice, as {a!r} and as {b}",
                    "给出两次：{a!r} 与 {b}",
                    a=out[key],
                    b=_q(text),
                ),
            )
        out[key] = text
    return out


def _parameters(ctx: _Ctx, value: object, place: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        ctx.fail(
            place,
            msg(
                "expected a mapping of parameter: number, found {d}",
                "应为「参数: 数值」的映射，实为{d}",
                d=_describe(value),
            ),
        )
    out: dict[str, int] = {}

    def put(name: str, number: object, where: str) -> None:
        if name not in PARAMETERS:
            guess = _suggest(name, PARAMETERS)
            hint = (
                msg("did you mean {g!r}?", "是否应为 {g!r}？", g=guess)
                if guess
                else msg("expected one of: {c}", "应为以下之一：{c}", c=listed(PARAMETERS))
            )
            ctx.fail(
                where,
                msg(
                    "{q} is not a parameter; {h}",
                    "「{v}」不是参数；{h}",
                    q=_q(name),
                    v=_v(name),
                    h=hint,
                ),
                at_key=True,
            )
        if name in out:
            ctx.fail(
                where,
                msg(
                    "the parameter {q} is given twice",
                    "参数「{v}」给出两次",
                    q=_q(name),
                    v=_v(name),
                ),
                at_key=True,
            )
        if number is None:
            ctx.fail(
                where,
                msg(
                    "has no value; leave the parameter out if it is unknown",
                    "没有取值；若未知，请省略该参数",
                ),
            )
        out[name] = _int(
            ctx, number, where, 0, MAX_YEARS, msg("a whole number of years", "整数年数")
        )

    for key, number in value.items():
        where = _join(place, str(key))
        if key == "application_years" and isinstance(number, dict):
            for sub, sub_number in number.items():
                put(f"application_years.{sub}", sub_number, _join(where, str(sub)))
        else:
            put(str(key), number, where)
    return out


# ---------------------------------------------------------------------------
# The case.


def _case(
    tree: _Tree,
    source: str,
    as_of: dt.date | None,
    readings: Mapping[str, str],
) -> Case:
    """The case in ``tree``; ``as_of`` and ``readings`` are the validated command-line ones."""
    ctx = _Ctx(source, tree.marks, tree.key_marks)
    data = tree.data
    if data is None:
        ctx.fail(
            "",
            msg(
                "the case is empty; expected a mapping with 'persons' (a list) or 'person'",
                "案例为空；应为含 persons（列表）或 person 的映射",
            ),
        )
    if not isinstance(data, dict):
        ctx.fail(
            "",
            msg(
                "expected a mapping with 'persons' (a list) or 'person', found {d}",
                "应为含 persons（列表）或 person 的映射，实为{d}",
                d=_describe(data),
            ),
        )
    _mapping(ctx, data, "", TOP_KEYS, msg("a mapping", "映射"))

    if "persons" in data and "person" in data:
        ctx.fail(
            "person",
            msg(
                "give either 'persons' (a list) or 'person' (one mapping), not both",
                "persons（列表）与 person（单个映射）只能给出其一",
            ),
            at_key=True,
        )
    if "persons" in data:
        rows = data["persons"]
        if not isinstance(rows, list):
            hint = (
                msg("; for one person write 'person:'", "；单个人员请写 person:")
                if isinstance(rows, dict)
                else ""
            )
            ctx.fail(
                "persons",
                msg(
                    "expected a list of persons, found {d}{h}",
                    "应为人员列表，实为{d}{h}",
                    d=_describe(rows),
                    h=hint,
                ),
            )
        if not rows:
            ctx.fail(
                "persons",
                msg(
                    "the list is empty; a case needs at least one person",
                    "列表为空；案例至少需要一名人员",
                ),
            )
        if len(rows) > MAX_PERSONS:
            ctx.fail(
                "persons",
                msg(
                    "{n:,} persons are more than one case may hold (at most {m:,}); split the case",
                    "{n:,} 名人员超出一个案例的上限（至多 {m:,} 名）；请拆分案例",
                    n=len(rows),
                    m=MAX_PERSONS,
                ),
            )
        places = [f"persons[{i}]" for i in range(len(rows))]
    elif "person" in data:
        rows = [data["person"]]
        if isinstance(data["person"], list):
            ctx.fail(
                "person",
                msg(
                    "expected one person mapping, found a list; for several write 'persons:'",
                    "应为单个人员映射，实为列表；多名人员请写 persons:",
                ),
            )
        places = ["person"]
    else:
        ctx.fail(
            "",
            msg(
                "missing 'persons' (a list of persons) or 'person' (a single one)",
                "缺少 persons（人员列表）或 person（单个人员）",
            ),
        )

    file_as_of = data.get("as_of")
    if as_of is not None:
        when, when_from = as_of, "--as-of"
    elif file_as_of is not None:
        when, when_from = _date(ctx, file_as_of, "as_of"), "as_of"
    else:
        when, when_from = dt.date.today(), "today"
    merged = _readings_mapping(ctx, data.get("readings"), "readings")
    parameters = _parameters(ctx, data.get("parameters"), "parameters")

    persons = []
    seen: dict[str, str] = {}
    for row, place in zip(rows, places, strict=True):
        person = _person(ctx, row, place)
        late = post_not_yet_held(person, when, source, place, as_of_from=when_from)
        if late is not None:  # SPEC v2: a post that begins after as_of is bad input
            raise ctx.error(late.place, late.message)
        if person.id in seen:
            first = seen[person.id]
            ctx.fail(
                _join(place, "id"),
                msg(
                    "the id {q} is used twice (first at {f}{n})",
                    "id「{v}」重复使用（首次在 {f}{z}）",
                    q=_q(person.id),
                    v=_v(person.id),
                    f=first,
                    n=ctx.line_of(first),
                    z=ctx.line_of(first).replace(", line ", "，第 ")
                    + (" 行" if ctx.line_of(first) else ""),
                ),
            )
        seen[person.id] = _join(place, "id")
        persons.append(person)

    merged.update(readings)
    return Case(
        source=source, as_of=when, readings=merged, parameters=parameters, persons=tuple(persons)
    )


def parse_case(
    text: str,
    source: str = "<case>",
    *,
    as_of: dt.date | None = None,
    readings: Mapping[str, str] | None = None,
) -> Case:
    """A case from YAML or JSON text; ``as_of`` and ``readings`` override the file's."""
    cli_as_of, cli_readings = _overrides(as_of, readings)
    return _case(_read_text(text, source), source, cli_as_of, cli_readings)


def _overrides(
    as_of: object, readings: Mapping[str, str] | None
) -> tuple[dt.date | None, dict[str, str]]:
    """The command-line overrides, checked before the file is read."""
    when = None if as_of is None else _date(_Ctx("--as-of"), as_of, "")
    if readings is not None and not isinstance(readings, Mapping):
        raise InputError(
            "--reading",
            "",
            msg("expected a mapping, found {d}", "应为映射，实为{d}", d=_describe(readings)),
        )
    chosen = _readings_mapping(_Ctx("--reading"), readings, "") if readings else {}
    return when, chosen


def load_case(
    path: str | Path,
    *,
    as_of: dt.date | None = None,
    readings: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
) -> Case:
    """A case from a YAML or JSON file (UTF-8, at most ``max_bytes``)."""
    source = str(path)
    cli_as_of, cli_readings = _overrides(as_of, readings)
    text = _read_file(path, max_bytes, "a case file")
    return _case(_read_text(text, source), source, cli_as_of, cli_readings)


def case_in_document(
    document: Document, data: Mapping[str, object], place: str = "", *, without: Iterable[str] = ()
) -> Case:
    """The case held by the mapping ``data`` found at ``place`` in ``document``.

    The keys ``without`` (e.g. a pin's ``name`` and ``expect``) are left out before the
    case is validated; errors name the place in the whole document, with its line.
    """
    skip = set(without)
    tree = _Tree(
        {k: v for k, v in data.items() if k not in skip},
        _below(document.marks, place),
        _below(document.key_marks, place),
    )
    try:
        return _case(tree, document.source, None, {})
    except InputError as err:
        if not place:
            raise
        raise InputError(
            err.source,
            _join(place, err.place) if err.place else place,
            err.message,
            err.line,
            err.column,
        ) from None


def readings_in_document(document: Document, value: object, place: str) -> dict[str, str]:
    """A ``readings:`` mapping found at ``place`` in ``document``, validated."""
    return _readings_mapping(
        _Ctx(document.source, document.marks, document.key_marks), value, place
    )
