"""Benchmark: the time of one what-if on a 20-person case.

    python bench/bench_whatif.py [--repeat 5]

The case is built here, deterministically: the four persons of queries/demo.yaml, each in five
variants (certificate dates moved by whole years, the field and the 2025 grade varied), 20
persons in all.  One what-if answers one person and one question: a few solves on the date
asked, the search for the earliest date by time alone, and the abduction (with, when no change
does it today, the search for the first date on which some changes do).  Printed: for each kind
of what-if, the median and the fastest of ``--repeat`` runs, and the median over them all.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pyagent.input.case import load_case
from pyagent.input.model import Assessment, Case, Person
from pyagent.explain.whatif import what_if

FIELDS = ("engineering", "agriculture", "finance", "laboratory", "卫生")
GRADES = ("qualified", "pending", "excellent", "unqualified", "pending")


def variant(p: Person, k: int) -> Person:
    """Person ``p`` moved: certificates ``k`` years earlier, another field and 2025 grade."""
    certificates = p.certificates
    if certificates:
        certificates = tuple(
            replace(c, obtained=c.obtained.replace(year=c.obtained.year - k)) if c.obtained else c
            for c in certificates
        )
    grades = p.annual_assessments
    if grades:
        grades = tuple(
            Assessment(a.year, GRADES[k], a.at_current_post) if a.year == 2025 else a
            for a in grades
        )
    return replace(
        p,
        id=f"{p.id}_{k}",
        certificates=certificates,
        field=FIELDS[k] if k else p.field,
        annual_assessments=grades,
    )


def twenty() -> Case:
    demo = load_case(ROOT / "queries" / "demo.yaml")
    persons = tuple(variant(p, k) for k in range(5) for p in demo.persons)
    assert len(persons) == 20
    return replace(demo, source="<bench: 20 persons>", persons=persons)


RUNS = (
    ("li_senior_worker_0", "title.assistant"),
    ("li_senior_worker_1", "title.participate"),
    ("zhao_finance_2", "title.full_senior_recognition"),
    ("chen_engineer_0", "title.assistant"),
    ("wang_technician_3", "title.associate_senior"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each what-if (default 5)")
    args = parser.parse_args()
    case = twenty()
    what_if(case, RUNS[0][0], RUNS[0][1])  # warm up: the knowledge base is parsed once
    print(
        f"case: {len(case.persons)} persons, as of {case.as_of.isoformat()}; {args.repeat} runs each"
    )
    every: list[float] = []
    for person, question in RUNS:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = what_if(case, person, question)
            times.append(time.perf_counter() - start)
        every.extend(times)
        sets = "none" if result.size is None else f"{len(result.sets)} set(s) of {result.size}"
        print(
            f"{person:>20} {question:<30} {statistics.median(times) * 1000:7.0f} ms median"
            f" {min(times) * 1000:7.0f} ms min   now {result.status:<7} {sets} on {result.sets_on},"
            f" by time alone {result.earliest.date or 'never'}"
        )
    print(
        f"{'one what-if':>20} {'(all of the above)':<30} {statistics.median(every) * 1000:7.0f} ms median"
    )


if __name__ == "__main__":
    main()
