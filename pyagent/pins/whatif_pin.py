"""What-if in a pin: the expected result of ``pyagent what-if`` for one answer.

An expectation may carry a ``what_if`` mapping (``queries/README.md``): the structure of the
what-if result, never its sentences (they are worded by `pyagent.explain.whatif_phrasing`
and may be reworded without changing the interpretation):

- ``earliest``: the date the answer becomes yes by time alone, or ``never`` (up to the
  horizon);
- ``possible_from``: the first date it is at least unknown, or ``never``;
- ``sets_on``: the date the smallest sets of changes make it yes (the date asked, or later when
  time is needed too), or ``never``;
- ``sets``: the smallest sets of changes, in the order `what-if` gives them, each
  ``{status, changes: [{kind, place, values, clauses}], depends_on}`` (``depends_on`` when
  the set leaves the answer unknown);
- ``more``: true when there are more smallest sets than those listed (optional; false).

Every key but ``more`` must be stated; ``what_if: {}`` asks ``pyagent check --update`` to fill
them in.  The what-if is computed under the expectation's readings, against the knowledge base
checked (``--kb``), ``kb/whatif.lp`` included.

>>> from pyagent.pins.whatif_pin import actual_what_if                     # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pyagent.errors import InputError

__all__ = [
    "KEYS",
    "WhatIfExpectation",
    "actual_what_if",
    "compare_what_if",
    "parse_what_if",
    "what_if_text",
]

KEYS = ("earliest", "possible_from", "sets_on", "sets", "more")
REQUIRED = ("earliest", "possible_from", "sets_on", "sets")
SET_KEYS = ("status", "changes", "depends_on")
CHANGE_KEYS = ("kind", "place", "values", "clauses")
NEVER = "never"


@dataclass(frozen=True)
class WhatIfExpectation:
    """The what-if result a pin expects, in its canonical form (`canonical`): dates as ISO
    text or ``never``; only the keys the pin states."""

    expected: Mapping[str, Any]
    place: str = ""


def _error(document: Any, place: str, text: str) -> InputError:
    return document.error(place, text)


def _day(document: Any, value: object, place: str) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if text == NEVER:
            return NEVER
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise _error(document, place, f"expected a date (YYYY-MM-DD) or never, found {value!r}")


def _words(document: Any, value: object, place: str, what: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if value is True:  # a bare yes in a list of values
        value = ["yes"]
    if not isinstance(value, list):
        raise _error(document, place, f"expected a list of {what}")
    out = []
    for v in value:
        if v is True or v is False:
            v = "true" if v else "false"
        if not isinstance(v, (str, int)) or not str(v).strip():
            raise _error(document, place, f"expected a list of {what}")
        out.append(str(v).strip())
    return out


def _keys(document: Any, data: Mapping, keys: tuple[str, ...], place: str, what: str) -> None:
    for key in data:
        if key not in keys:
            raise _error(
                document,
                f"{place}.{key}",
                f"{key!r} is not a key of {what}; expected one of: {', '.join(keys)}",
            )


def parse_what_if(document: Any, value: object, place: str, status: Any) -> WhatIfExpectation:
    """The ``what_if`` of an expectation at ``place``; ``status`` reads a status as a pin
    does (a bare yes is True in YAML)."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise _error(document, place, "expected a mapping: earliest, possible_from, sets_on, sets")
    _keys(document, value, KEYS, place, "what_if")
    out: dict[str, Any] = {}
    for key in ("earliest", "possible_from", "sets_on"):
        if key in value:
            out[key] = _day(document, value[key], f"{place}.{key}")
    if "more" in value:
        if not isinstance(value["more"], bool):
            raise _error(document, f"{place}.more", "expected true or false")
        out["more"] = value["more"]
    if "sets" in value:
        sets = value["sets"]
        if sets is None:
            sets = []
        if not isinstance(sets, list):
            raise _error(document, f"{place}.sets", "expected a list of sets of changes")
        out["sets"] = [_set(document, s, f"{place}.sets[{i}]", status) for i, s in enumerate(sets)]
    return WhatIfExpectation(out, place)


def _set(document: Any, data: object, place: str, status: Any) -> dict:
    if not isinstance(data, dict) or "status" not in data or "changes" not in data:
        raise _error(document, place, "a set of changes is {status, changes: [...]}")
    _keys(document, data, SET_KEYS, place, "a set of changes")
    out: dict[str, Any] = {"status": status(document, data["status"], f"{place}.status")}
    depends = data.get("depends_on")
    if out["status"] == "unknown" or depends:
        out["depends_on"] = _words(document, depends or [], f"{place}.depends_on", "input paths")
    changes = data["changes"]
    if changes is None:
        changes = []
    if not isinstance(changes, list):
        raise _error(document, f"{place}.changes", "expected a list of changes")
    out["changes"] = []
    for k, c in enumerate(changes):
        where = f"{place}.changes[{k}]"
        if not isinstance(c, dict) or any(key not in c for key in CHANGE_KEYS):
            raise _error(document, where, "a change is {kind, place, values, clauses}")
        _keys(document, c, CHANGE_KEYS, where, "a change")
        if not isinstance(c["kind"], str) or not isinstance(c["place"], str):
            raise _error(document, where, "a change's kind and place are words")
        out["changes"].append(
            {
                "kind": c["kind"],
                "place": str(c["place"]),
                "values": _words(document, c["values"], f"{where}.values", "values"),
                "clauses": _words(document, c["clauses"], f"{where}.clauses", "clause ids"),
            }
        )
    return out


# ---------------------------------------------------------------------------
# The actual what-if, and comparing it.


def canonical(w: Any) -> dict[str, Any]:
    """A `pyagent.explain.whatif.WhatIf` in the form a pin states it."""

    def day(d: dt.date | None) -> str:
        return NEVER if d is None else d.isoformat()

    sets = []
    for s in w.sets:
        item: dict[str, Any] = {"status": s.status}
        if s.status == "unknown" or s.depends_on:
            item["depends_on"] = list(s.depends_on)
        item["changes"] = [
            {
                "kind": c.kind,
                "place": c.place,
                "values": list(c.values),
                "clauses": list(c.clauses),
            }
            for c in s.changes
        ]
        sets.append(item)
    return {
        "earliest": day(w.earliest.date),
        "possible_from": day(w.earliest.possible_from),
        "sets_on": day(w.sets_on),
        "sets": sets,
        "more": bool(w.more),
    }


def actual_what_if(
    case: Any, person: str, question: str, readings: Mapping[str, str], directory: Path | None
) -> dict[str, Any]:
    """The what-if of one answer of a pin's case under ``readings``, against the knowledge
    base in ``directory`` (default: the current one), in canonical form."""
    from dataclasses import replace

    from pyagent.explain.whatif import what_if
    from pyagent.kb import using_kb

    with using_kb(directory):
        w = what_if(replace(case, readings=dict(readings)), person, question)
    return canonical(w)


def _set_text(s: Mapping[str, Any]) -> str:
    changes = "; ".join(
        f"{c['kind']} {c['place']}: {'|'.join(c['values'])} ({', '.join(c['clauses']) or 'no clause'})"
        for c in s["changes"]
    )
    tail = f", depends on {', '.join(s['depends_on'])}" if s.get("depends_on") else ""
    return f"[{changes}] -> {s['status']}{tail}"


def compare_what_if(expected: WhatIfExpectation, actual: Mapping[str, Any]) -> list[str]:
    """What differs, one problem per key (none: the what-if is as pinned)."""
    problems: list[str] = []
    e = expected.expected
    for key in KEYS:
        if key not in e:
            if key in REQUIRED:
                shown = (
                    "; ".join(_set_text(s) for s in actual[key]) or "none"
                    if key == "sets"
                    else actual[key]
                )
                problems.append(
                    f"what-if states no {key}; it is {shown} (pyagent check --update fills it in)"
                )
            elif actual[key]:  # more: false unless stated
                problems.append(f"what-if has more smallest sets than listed (more: {actual[key]})")
            continue
        if e[key] == actual[key]:
            continue
        if key == "sets":
            problems.append(
                "what-if sets of changes: "
                + ("; ".join(_set_text(s) for s in actual[key]) or "none")
                + ", expected "
                + ("; ".join(_set_text(s) for s in e[key]) or "none")
            )
        else:
            problems.append(f"what-if {key}: {actual[key]}, expected {e[key]}")
    return problems


def _flow(value: object) -> str:
    return yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False
    ).strip()


def what_if_text(actual: Mapping[str, Any], indent: int) -> str:
    """``what_if: {...}`` as ``check --update`` writes it: one flow mapping, each set and each
    change on a line of its own indented from ``indent`` (deeper than the expectation's key)."""
    head = ", ".join(f"{k}: {actual[k]}" for k in ("earliest", "possible_from", "sets_on"))
    more = ", more: true" if actual["more"] else ""
    sets = actual["sets"]
    if not sets:
        return f"what_if: {{{head}{more}, sets: []}}"
    pad = "\n" + " " * indent
    items = []
    for s in sets:
        first = _flow({k: v for k, v in s.items() if k != "changes"})[:-1]
        changes = f",{pad}    ".join(_flow(c) for c in s["changes"])
        tail = f"changes: [{pad}    {changes}]}}" if changes else "changes: []}"
        items.append(f"{first}, {tail}")
    body = f",{pad}  ".join(items)
    return f"what_if: {{{head}{more}, sets: [{pad}  {body}]}}"
