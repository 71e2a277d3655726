"""满N年: the time counted after a certificate, in whole months (SPEC section 4).

满N年 holds when the counted time reaches N×12 whole months.  The time counted
runs from the certificate's ``obtained`` date to the end date, within the
periods of technical work (``to`` read literally, an ongoing period running to
the end date); overlapping or touching periods merge.  One continuous stretch
counts by the calendar; with several stretches the whole months of each are
added, and their leftover days are added and counted at 30 days a month.

>>> from datetime import date
>>> calendar_months(date(2020, 9, 1), date(2022, 9, 1))
(24, 0)
>>> calendar_months(date(2020, 9, 1), date(2022, 8, 31))
(23, 30)
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from pyagent.input.model import Period


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def calendar_months(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Whole calendar months from ``start`` to ``end`` and the days left over."""
    if end <= start:
        return 0, 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if _add_months(start, months) > end:
        months -= 1
    return months, (end - _add_months(start, months)).days


def merge(stretches: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Overlapping or touching stretches merged, in date order; empty ones dropped."""
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(s for s in stretches if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def stretches_months(stretches: Iterable[tuple[dt.date, dt.date]]) -> int:
    """Whole months of merged stretches: one stretch by the calendar, several added with
    their leftover days at 30 days a month."""
    merged = merge(stretches)
    if len(merged) == 1:
        return calendar_months(*merged[0])[0]  # one stretch: by the calendar, no rounding up
    months = days = 0
    for start, end in merged:
        m, d = calendar_months(start, end)
        months += m
        days += d
    return months + days // 30


def counted_months(
    obtained: dt.date, periods: Iterable[Period], end: dt.date, *, within_work: bool = True
) -> int:
    """Months counted from ``obtained`` to ``end``.

    ``within_work``: count only the technical-work ``periods`` (reading
    ``work_counting=technical_work``); otherwise all time elapsed since ``obtained``.
    """
    if not within_work:
        return stretches_months([(obtained, end)])
    clipped = (
        (max(p.start, obtained), min(p.end if p.end is not None else end, end)) for p in periods
    )
    return stretches_months(clipped)
