"""Benchmark answering persons with reasons: milliseconds per person of ``answer_case(case, lang=...)``.

    python bench/bench_reasons.py [--persons 320] [--seed 7] [--kind varied] [--lang en]
                                  [--block 32] [--rounds 1]

``pyagent batch`` (reasons on, the default) answers every distinct situation of a roster by
``pyagent.explain.answers.answer_case(case, lang=...)``, ``ask``'s own call, ``--block``
persons a case (`pyagent.batch.shapes.ASK_BLOCK`: 32) under stand-in ids; on a varied roster
every person is a situation of its own, so this call bounds the varied roster with reasons.
This takes the first ``--persons`` valid rows of a seeded roster (bench/roster.py), answers
them block by block exactly as batch does, and prints per block the CPU and wall-clock
milliseconds per person (median, mean, 90th percentile over the blocks, of the fastest of
``--rounds`` rounds), the load average before and after, and a digest of every block's
``ask --json`` document (``answers sha256``), so that two versions of the code can be checked
to give the same bytes as well as compared for speed.  ``--block 1`` times persons one by one
(``pyagent ask`` of one person: a solve each).  The first block of the first round is a warm-up
(the knowledge base parsed, the program loaded) and left out of the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import roster as generator  # noqa: E402

from pyagent.errors import InputError  # noqa: E402
from pyagent.explain.answers import answer_case  # noqa: E402
from pyagent.input.case import parse_person  # noqa: E402
from pyagent.input.model import Case, Person  # noqa: E402

AS_OF = dt.date(2026, 7, 1)


def roster_persons(persons: int, seed: int, kind: str) -> list[Person]:
    """The first ``persons`` valid rows of a seeded roster."""
    chosen: list[Person] = []
    for n, line in enumerate(generator.rows(persons * 2 + 100, seed, kind=kind), start=1):
        if len(chosen) >= persons:
            break
        try:
            chosen.append(parse_person(json.loads(line), "roster", f"line {n}"))
        except (InputError, ValueError):
            continue
    return chosen


def blocks(persons: list[Person], size: int) -> list[Case]:
    """The cases batch asks: ``size`` persons each, under stand-in ids."""
    out = []
    for start in range(0, len(persons), size):
        block = persons[start : start + size]
        out.append(
            Case(
                source="roster",
                as_of=AS_OF,
                readings={},
                parameters={},
                persons=tuple(dataclasses.replace(p, id=f"T{k:04d}") for k, p in enumerate(block)),
            )
        )
    return out


def one_round(cases: list[Case], lang: str) -> tuple[list[float], list[float], str]:
    """CPU and wall-clock ms per person of each block, and the digest of the answers."""
    cpu, wall = [], []
    digest = hashlib.sha256()
    for case in cases:
        c0, w0 = time.process_time(), time.perf_counter()
        doc = answer_case(case, lang=lang).to_json()
        c1, w1 = time.process_time(), time.perf_counter()
        cpu.append((c1 - c0) * 1000 / len(case.persons))
        wall.append((w1 - w0) * 1000 / len(case.persons))
        digest.update(json.dumps(doc, ensure_ascii=False, sort_keys=True).encode())
    return cpu, wall, digest.hexdigest()


def p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10, method="inclusive")[-1] if len(xs) > 1 else xs[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, default=320)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--kind", default="varied", choices=sorted(generator.KINDS_OF_ROSTER))
    ap.add_argument("--lang", default="en", choices=("en", "zh"))
    ap.add_argument("--block", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()

    persons = roster_persons(args.persons, args.seed, args.kind)
    cases = blocks(persons, args.block)
    load_before = os.getloadavg()
    answer_case(cases[0], lang=args.lang)  # warm-up: the knowledge base parsed and loaded
    best_cpu: list[float] | None = None
    best_wall: list[float] | None = None
    digests = set()
    for _ in range(args.rounds):
        cpu, wall, digest = one_round(cases, args.lang)
        digests.add(digest)
        best_cpu = cpu if best_cpu is None else [min(a, b) for a, b in zip(best_cpu, cpu)]
        best_wall = wall if best_wall is None else [min(a, b) for a, b in zip(best_wall, wall)]
    assert best_cpu is not None and best_wall is not None
    load_after = os.getloadavg()
    print(
        f"{len(persons)} persons of a {args.kind} roster (seed {args.seed}), {len(cases)} "
        f"blocks of {args.block}, lang {args.lang}, best of {args.rounds} round(s)"
    )
    for label, xs in (("CPU", best_cpu), ("wall", best_wall)):
        print(
            f"  ms per person, {label:4}: median {statistics.median(xs):6.2f}  "
            f"mean {statistics.fmean(xs):6.2f}  p90 {p90(xs):6.2f}  max {max(xs):6.2f}"
        )
    print(f"  load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"  answers sha256: {' '.join(sorted(digests))}")


if __name__ == "__main__":
    main()
