"""The values an unknown input is tried at (its variants), and their answers said in words.

`pyagent.explain.decide` varies each unknown input a case leaves open over its values, or a
number over ranges between the thresholds the rules compare it with, and solves each variant;
this module holds a variant and turns variants and their answers into outcomes and values in
words: neighbouring ranges with the same answer merged (「10或以下」, "at least 11").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyagent.engine.facts import Fact
from pyagent.explain.steps import Outcome


@dataclass(frozen=True)
class Variant:
    """One value (or range) an unknown input is tried at, and the person's facts with it."""

    label: str
    facts: tuple[Fact, ...]
    range: tuple[int | None, int | None] | None = None  # numbers: the range it stands for
    condition: bool = False  # the label is a condition to meet (a threshold), not a value
    rest: bool = False  # the case as it stands: said last, as "otherwise"


def group(
    variants: list[Variant], statuses: list[str], ranges: bool, order: list[str], words
) -> tuple[Outcome, ...]:
    """The variants' answers as outcomes: the values (or ranges) giving each answer, in
    ``order``; the case as it stands an outcome of its own, said last."""
    if ranges:  # numeric ranges in order: neighbours with the same answer merge into one range
        merged: list[tuple[int | None, int | None, str]] = []
        for v, status in zip(variants, statuses):
            lo, hi = v.range or (None, None)
            if merged and merged[-1][2] == status:
                merged[-1] = (merged[-1][0], hi, status)
            else:
                merged.append((lo, hi, status))
        return tuple(Outcome((range_label(lo, hi, words),), st) for lo, hi, st in merged)
    by: dict[tuple[str, bool], list[str]] = {}  # the case as it stands an outcome of its own
    for v, status in zip(variants, statuses):
        by.setdefault((status, v.rest), []).append(v.label)
    keys = [(st, False) for st in order] + [(st, True) for st in order]
    return tuple(Outcome(tuple(by[k]), k[0]) for k in keys if k in by)


def labels(variants: Iterable[Variant]) -> list[str]:
    """The variants' labels, each once, in their order."""
    return list(dict.fromkeys(v.label for v in variants))


def range_labels(variants: Sequence[Variant], words) -> list[str]:
    """Number variants (in order, as `number_ranges` makes them) as ranges in words, a variant
    adjoining the one before it merged into its range."""
    merged: list[tuple[int | None, int | None]] = []
    for v in variants:
        lo, hi = v.range or (None, None)
        if merged and merged[-1][1] is not None and lo == merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return [range_label(lo, hi, words) for lo, hi in merged]


def range_label(lo: int | None, hi: int | None, words) -> str:
    if lo is None and hi is None:
        return words["any_value"]
    if lo is None:
        return words["at_most"].format(n=hi)
    if hi is None:
        return words["at_least"].format(n=lo)
    return str(lo) if lo == hi else words["between"].format(a=lo, b=hi)


def number_ranges(cuts: list[int], facts_at) -> list[Variant]:
    """Variants for a whole number: below the first cut, between cuts, from the last cut on."""
    bounds = (
        [(None, cuts[0] - 1)]
        + [(a, b - 1) for a, b in itertools.pairwise(cuts)]
        + [(cuts[-1], None)]
    )
    return [Variant("", facts_at(lo if lo is not None else 0), (lo, hi)) for lo, hi in bounds]
