"""An undated certificate or title that decides an unknown answer: the latest date it may have
been obtained for the best answer, found to the day (`pyagent.explain.decide` asks it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any, cast

from pyagent.engine.facts import Fact, person_facts
from pyagent.engine.questions import Question
from pyagent.explain.answered import statuses as _statuses
from pyagent.explain.nodes import NO, UNKNOWN, YES
from pyagent.explain.sentences import Builder
from pyagent.explain.steps import Outcome
from pyagent.input.model import Case, Person


_DATED = re.compile(r"(certificates|titles)\[(\d+)\]\.obtained")


def _date_outcomes(
    case: Case, person: Person, question: Question, path: str, directory, builder: Builder
) -> tuple[Outcome, ...] | None:
    """An undated certificate or title: the latest date it may have been obtained for the best
    answer ("yes if certificates[0] was obtained on or before 2024-07-01"), found to the day.
    An earlier date never counts less time, so the answer can only worsen as the date moves
    later: the dates are tried by year, then by month, then by day, one solve each."""
    m = _DATED.fullmatch(path)
    assert m is not None
    kind, k = m.group(1), int(m.group(2))
    items = list(getattr(person, kind))
    as_of = case.as_of
    starts = [w.start for w in (person.technical_work or ()) if w.start is not None]
    first = min([*starts, as_of.replace(year=as_of.year - 40)]) if not starts else min(starts)
    first = first - dt.timedelta(days=1)

    def facts_at(day: dt.date) -> tuple[Fact, ...]:
        changed = items[:k] + [dataclasses.replace(items[k], obtained=day)] + items[k + 1 :]
        return tuple(
            person_facts(
                dataclasses.replace(person, **cast("dict[str, Any]", {kind: tuple(changed)})),
                as_of,
                case.parameters,
            )
        )

    def search(days: list[dt.date]) -> tuple[list[str], list[dt.date]]:
        return _statuses([facts_at(d) for d in days], case, question, directory), days

    rank = {NO: 0, UNKNOWN: 1, YES: 2}
    years = sorted(
        {first, *(dt.date(y, 1, 1) for y in range(first.year + 1, as_of.year + 1)), as_of}
    )
    statuses, days = search(years)
    top = max(statuses, key=rank.__getitem__)
    if statuses[-1] == top:
        return None  # the date does not decide it
    last = max(i for i, st in enumerate(statuses) if st == top)
    lo, hi = days[last], days[last + 1]  # lo gives the best answer, hi does not
    for step in ("month", "day"):
        if step == "month":
            cands = [dt.date(y, mo, 1) for y in range(lo.year, hi.year + 1) for mo in range(1, 13)]
        else:
            cands = [lo + dt.timedelta(days=n) for n in range(1, (hi - lo).days + 1)]
        cands = (
            [d for d in cands if lo < d < hi]
            if step == "month"
            else [d for d in cands if lo < d <= hi]
        )
        if not cands:
            continue
        sts, ds = search(cands)
        for st, d in zip(sts, ds):
            if st == top:
                lo = d
            else:
                hi = d
                break
    w = builder.words
    worse = statuses[-1]
    return (
        Outcome((w["on_or_before"].format(date=lo.isoformat()),), top),
        Outcome((w["after"].format(date=lo.isoformat()),), worse),
    )
