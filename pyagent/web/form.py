"""The person form: its fields, and the case it stands for.

The form is only another way of writing a case file: `case_text` turns what the browser sent
into the SPEC section 2 mapping, as JSON, which `pyagent.input.case.parse_case` validates
exactly as it validates a file.  An error's place (``person.certificates[0].level``) names an
input of the form, so it is shown beside that field (`field_of`).  `form_of` goes the other
way: a parsed person (a pasted or uploaded case, a row of a roster) fills the form.

Every field may be left "not stated" (absent = unknown); a list has, besides its rows, a choice
"none" (empty = none).  Inputs are named by their place in the case, relative to the person:
``certificates[1].obtained``, ``annual_assessments[0].grade``, ``current_post.since``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pyagent.input import vocab
from pyagent.input.case import MAX_ITEMS, PARAMETERS
from pyagent.input.model import NO_POST, Case, Person, Post
from pyagent.kb import readings as kb_readings

# The rows each list shows (at least; one more empty row than are filled in).
ROWS = {"certificates": 3, "technical_work": 3, "annual_assessments": 4, "honours": 3, "titles": 2}
COLUMNS = {
    "certificates": ("level", "kind", "obtained", "occupation"),
    "technical_work": ("from", "to"),
    "annual_assessments": ("year", "grade", "at_current_post"),
    "honours": ("code", "class", "category"),
    "titles": ("rank", "series", "obtained"),
}
TRISTATES = ("outstanding_contribution", "social_benefit", "economic_benefit")
NEVER_DECISIVE = vocab.NEVER_DECISIVE
NONE = "none"  # a list's choice "none held"

# The vocabularies behind each picker: (code, alias) pairs.
PICKERS: dict[str, vocab.Vocabulary] = {
    "level": vocab.LEVELS,
    "kind": vocab.CERTIFICATE_KINDS,
    "grade": vocab.GRADES,
    "code": vocab.HONOURS,
    "class": vocab.CONTEST_CLASSES,
    "category": vocab.ALLOWANCE_CATEGORIES,
    "rank": vocab.RANKS,
    "field": vocab.FIELDS,
    "series": vocab.FIELDS,
}

_ROW_NAME = re.compile(r"([a-z_]+)\[(\d+)\]\.([a-z_]+)")
_PLACE_ROW = re.compile(r"^(person\.)?([a-z_]+)\[(\d+)\](.*)$")


@dataclass
class FormCase:
    """The case a form stands for: its JSON text and where each list entry came from."""

    text: str
    rows: dict[str, list[int]] = field(default_factory=dict)  # list -> form row of entry k


def _filled(form: Mapping[str, str], name: str) -> list[int]:
    """The rows of the list ``name`` with something filled in, in order."""
    return sorted(
        {
            int(m.group(2))
            for k, v in form.items()
            if v.strip() and (m := _ROW_NAME.fullmatch(k)) and m.group(1) == name
        }
    )


def rows_of(form: Mapping[str, str], name: str) -> int:
    """How many rows the list ``name`` shows: its default, or one more than the last filled
    (at most one more than a list may hold: a row numbered beyond is still read, and refused
    by the case reader when the list is too long)."""
    filled = _filled(form, name)
    return min(max(ROWS[name], (filled[-1] + 2) if filled else 0), MAX_ITEMS + 1)


def _number(text: str) -> object:
    """A number if the text is one, else the text itself (the case reader then says why not)."""
    t = text.strip()
    try:
        return int(t)
    except ValueError:
        try:
            return float(t)
        except ValueError:
            return text


def _value(column: str, text: str) -> object:
    t = text.strip()
    if column == "year":
        return _number(t)
    if column == "at_current_post":
        return {"true": True, "false": False}.get(t, t)
    return t


def case_mapping(form: Mapping[str, str]) -> tuple[dict, dict[str, list[int]]]:
    """The SPEC section 2 mapping of the form, and for each list the form row of each entry."""

    def get(name: str) -> str:
        return (form.get(name) or "").strip()

    person: dict[str, object] = {"id": form.get("id", "")}
    rows: dict[str, list[int]] = {}
    for name, columns in COLUMNS.items():
        entries, used = [], []
        for r in _filled(form, name):
            cells = {c: get(f"{name}[{r}].{c}") for c in columns}
            if not any(cells.values()):
                continue
            entry = {c: _value(c, v) for c, v in cells.items() if v}
            if name == "honours" and set(entry) == {"code"}:
                entries.append(entry["code"])
            else:
                entries.append(entry)
            used.append(r)
        if entries:
            person[name] = entries  # rows filled in: the list as given (a 'none' is then ignored)
            rows[name] = used
        elif get(name) == NONE:
            person[name] = []
    fld = get("field")
    if fld == "other":
        fld = get("field_other")
    if fld:
        person["field"] = fld
    post = get("current_post")
    since, occupation = get("current_post.since"), get("current_post.occupation")
    if since or occupation:
        person["current_post"] = {
            k: v for k, v in (("since", since), ("occupation", occupation)) if v
        }
    elif post == NONE:
        person["current_post"] = NONE
    elif post == "post":
        person["current_post"] = {}
    for name in TRISTATES:
        v = get(name)
        if v in ("true", "false"):
            person[name] = v == "true"
        elif v:
            person[name] = v
    if get("cumulative_work_years"):
        person["cumulative_work_years"] = _number(get("cumulative_work_years"))
    for name in NEVER_DECISIVE:
        if get(name):
            person[name] = get(name)

    case: dict[str, object] = {}
    if get("as_of"):
        case["as_of"] = get("as_of")
    readings = {n: get(f"readings.{n}") for n in kb_readings() if get(f"readings.{n}")}
    defaults = {n: r.default for n, r in kb_readings().items()}
    readings = {n: v for n, v in readings.items() if v != defaults.get(n)}
    if readings:
        case["readings"] = readings
    parameters = {p: _number(get(f"parameters.{p}")) for p in PARAMETERS if get(f"parameters.{p}")}
    if parameters:
        case["parameters"] = parameters
    case["person"] = person
    return case, rows


def case_text(form: Mapping[str, str]) -> FormCase:
    """The form as the text of a case file (JSON), for `pyagent.input.case.parse_case`."""
    mapping, rows = case_mapping(form)
    return FormCase(json.dumps(mapping, ensure_ascii=False, indent=1), rows)


def field_of(place: str, rows: Mapping[str, list[int]] | None = None) -> str:
    """The form input an error's place names: ``person.certificates[0].level`` ->
    ``certificates[2].level`` when the first certificate filled in is the form's third row."""
    m = _PLACE_ROW.match(place)
    if m:
        name, k, rest = m.group(2), int(m.group(3)), m.group(4)
        used = (rows or {}).get(name, [])
        row = used[k] if k < len(used) else k
        rest = rest.lstrip(".")
        if name in COLUMNS and rest.split(".")[0].split("[")[0] in COLUMNS[name]:
            return f"{name}[{row}].{rest.split('.')[0].split('[')[0]}"
        return f"{name}[{row}]" if not rest else f"{name}[{row}].{rest}"
    if place.startswith("person."):
        place = place[len("person.") :]
    elif place == "person":
        return "id"
    if place.startswith("current_post"):
        return (
            place if place in ("current_post.since", "current_post.occupation") else "current_post"
        )
    if place.startswith("readings.") or place.startswith("parameters."):
        return place
    if place.startswith("readings") or place.startswith("parameters"):
        return place.split(".")[0]
    return place.split(".")[0].split("[")[0]


def _date(d) -> str:
    return d.isoformat() if d is not None else ""


def form_of(case: Case, person: Person) -> dict[str, str]:
    """The form filled in with ``person`` of ``case`` (its as_of, readings and parameters)."""
    out: dict[str, str] = {"id": person.id, "as_of": case.as_of.isoformat()}
    for n, v in case.readings.items():
        out[f"readings.{n}"] = v
    for p, number in case.parameters.items():
        out[f"parameters.{p}"] = str(number)

    def put_rows(name: str, items, cells) -> None:
        if items is None:
            return
        if not items:
            out[name] = NONE
        for r, item in enumerate(items):
            for c, v in cells(item).items():
                if v not in (None, ""):
                    out[f"{name}[{r}].{c}"] = str(v)

    put_rows(
        "certificates",
        person.certificates,
        lambda c: {
            "level": c.level,
            "kind": c.kind,
            "obtained": _date(c.obtained),
            "occupation": c.occupation,
        },
    )
    put_rows(
        "technical_work",
        person.technical_work,
        lambda p: {"from": _date(p.start), "to": _date(p.end)},
    )
    put_rows(
        "annual_assessments",
        person.annual_assessments,
        lambda a: {
            "year": a.year,
            "grade": a.grade,
            "at_current_post": None
            if getattr(a, "at_current_post", None) is None
            else str(a.at_current_post).lower(),
        },
    )
    put_rows(
        "honours",
        person.honours,
        lambda h: {"code": h.code, "class": h.contest_class, "category": h.category},
    )
    put_rows(
        "titles",
        person.titles,
        lambda t: {"rank": t.rank, "series": t.series, "obtained": _date(t.obtained)},
    )
    if person.field is not None:
        if person.field in vocab.FIELDS.aliases:
            out["field"] = person.field
        else:
            out["field"], out["field_other"] = "other", person.field
    if person.current_post is NO_POST:
        out["current_post"] = NONE
    elif isinstance(person.current_post, Post):
        out["current_post"] = "post"
        out["current_post.since"] = _date(person.current_post.since)
        out["current_post.occupation"] = person.current_post.occupation or ""
    for name in TRISTATES:
        v = getattr(person, name)
        if v is not None:
            out[name] = str(v).lower()
    if person.cumulative_work_years is not None:
        y = person.cumulative_work_years
        out["cumulative_work_years"] = str(int(y)) if float(y).is_integer() else str(y)
    for k, stated in person.never_decisive.items():
        if stated is not None:
            out[k] = str(stated)
    return {k: v for k, v in out.items() if v != ""}
