"""A person as the case file writes it, and the value at a path of it (None: not stated)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from pyagent.input.model import NO_POST, Case, Honour, Person, Post


def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _clean(d: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in d.items() if v is not None}


def person_data(person: Person) -> dict[str, object]:
    """A person as a case file writes it (SPEC section 2); None: not stated."""
    post: object
    if person.current_post is None:
        post = None
    elif person.current_post is NO_POST:
        post = "none"
    else:
        assert isinstance(person.current_post, Post)
        post = _clean(
            {
                "since": _date(person.current_post.since),
                "occupation": person.current_post.occupation,
            }
        )

    def honour(h: Honour) -> object:
        if h.contest_class is None and h.category is None:
            return h.code
        return _clean({"code": h.code, "class": h.contest_class, "category": h.category})

    out: dict[str, object] = {
        "id": person.id,
        "certificates": None
        if person.certificates is None
        else [
            _clean(
                {
                    "level": c.level,
                    "kind": c.kind,
                    "obtained": _date(c.obtained),
                    "occupation": c.occupation,
                }
            )
            for c in person.certificates
        ],
        "technical_work": None
        if person.technical_work is None
        else [_clean({"from": _date(p.start), "to": _date(p.end)}) for p in person.technical_work],
        "field": person.field,
        "current_post": post,
        "annual_assessments": None
        if person.annual_assessments is None
        else [
            _clean({"year": a.year, "grade": a.grade, "at_current_post": a.at_current_post})
            for a in person.annual_assessments
        ],
        "honours": None if person.honours is None else [honour(h) for h in person.honours],
        "outstanding_contribution": person.outstanding_contribution,
        "social_benefit": person.social_benefit,
        "economic_benefit": person.economic_benefit,
        "titles": None
        if person.titles is None
        else [
            _clean({"rank": t.rank, "series": t.series, "obtained": _date(t.obtained)})
            for t in person.titles
        ],
        "cumulative_work_years": person.cumulative_work_years,
    }
    for k, v in person.never_decisive.items():
        out[k] = v if isinstance(v, (str, int, float, bool, list, dict)) or v is None else str(v)
    return out


_last: tuple[Person, dict[str, object]] | None = None


def _data_of(person: Person) -> dict[str, object]:
    """`person_data` of ``person``, kept for the last person asked about (a person is frozen;
    an explanation asks for the values of one person's paths many times over).  Read only."""
    global _last
    last = _last
    if last is not None and last[0] is person:
        return last[1]
    data = person_data(person)
    _last = (person, data)
    return data


_TOKEN = re.compile(r"([A-Za-z_][A-Za-z_0-9]*)|\[(\d+)\]|\.(\d{4})\b|\.")


def stated_at(case: Case, person: Person, path: str) -> tuple[str, object]:
    """Where the case says something about ``path``, and what: the path itself and its value,
    or, when the case gives a place above it a value that is not a mapping (``current_post:
    none``: no post, so no occupation to state), that place and its value."""
    value = case_value(case, person, path)
    if value is not None:
        return path, value
    for m in reversed(list(re.finditer(r"[.\[]", path))):
        above = path[: m.start()]
        v = case_value(case, person, above)
        if v is not None:
            return (above, v) if isinstance(v, str) else (path, None)
    return path, None


def case_value(case: Case, person: Person, path: str) -> object:
    """The value at ``path`` of a person (or of the case: as_of, parameters...), or None."""
    if path == "as_of":
        return case.as_of.isoformat()
    if path.startswith("parameters."):
        return case.parameters.get(path[len("parameters.") :])
    if path.startswith("readings"):
        name = path[len("readings.") :]
        return dict(case.readings) if not name else case.readings.get(name)
    value: object = _data_of(person)
    for m in _TOKEN.finditer(path):
        key, index, year = m.group(1), m.group(2), m.group(3)
        if key is not None:
            value = value.get(key) if isinstance(value, dict) else None
        elif index is not None:
            k = int(index)
            value = value[k] if isinstance(value, list) and k < len(value) else None
        elif year is not None:
            items = value if isinstance(value, list) else []
            value = next(
                (a for a in items if isinstance(a, dict) and a.get("year") == int(year)), None
            )
        if value is None:
            return None
    return value
