"""Persons written as table rows: the empty roster of `pyagent template`, the generated rosters
of bench/, and the round-trip tests (a row read back by `pyagent.input.columns` is the person
written).  The columns and their meaning are `pyagent.input.columns`'s.

>>> header = csv_header(certificates=1, periods=1, titles=1, years=[2025])
>>> person_csv_row({"id": "li", "annual_assessments": [{"year": 2025, "grade": "qualified"}]}, header)[:1]
['li']
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import IO, Any

from pyagent.input.headers import GROUPS, SCALARS
from pyagent.input.vocab import NEVER_DECISIVE as NEVER_DECISIVE_KEYS


def csv_header(
    certificates: int = 3,
    periods: int = 3,
    titles: int = 2,
    years: Iterable[int] = range(2019, 2026),
) -> list[str]:
    cols = ["id"]
    for n in range(1, certificates + 1):
        cols += [f"cert{n}_{f}" for f in GROUPS["cert"][1]]
    cols.append("certificates")
    for n in range(1, periods + 1):
        cols += [f"work{n}_{f}" for f in GROUPS["work"][1]]
    cols += ["technical_work", "field", "current_post", "post_since", "post_occupation"]
    for y in years:
        cols += [f"assessment_{y}", f"assessment_{y}_at_current_post"]
    cols += [
        "annual_assessments",
        "honours",
        "outstanding_contribution",
        "social_benefit",
        "economic_benefit",
    ]
    for n in range(1, titles + 1):
        cols += [f"title{n}_{f}" for f in GROUPS["title"][1]]
    cols += ["titles", "cumulative_work_years", *NEVER_DECISIVE_KEYS]
    return cols


def person_csv_row(person: Mapping[str, Any], header: list[str]) -> list[str]:
    """A person mapping (plain JSON data, as in a JSONL roster) as a row under ``header``
    (English column names)."""
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
            for n, item in enumerate(value, 1):
                for field, v in item.items():
                    put(f"{prefix}{n}_{field}", v)
        elif key == "annual_assessments":
            if not value:
                put(key, "none")
            for item in value:
                put(f"assessment_{item['year']}", item["grade"])
                if "at_current_post" in item:
                    put(f"assessment_{item['year']}_at_current_post", item["at_current_post"])
        elif key == "honours":
            parts = []
            for h in value:
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
                put("post_since", value.get("since"))
                put("post_occupation", value.get("occupation"))
        else:
            raise ValueError(f"no CSV column for {key!r}")
    return [cells[c] for c in header]


def write_csv_persons(
    handle: IO[str], persons: Iterable[Mapping[str, object]], header: list[str] | None = None
) -> None:
    header = header or csv_header()
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    for p in persons:
        writer.writerow(person_csv_row(p, header))
