"""Benchmark: the pinned cases, their coverage, lint, and one mutation check.

    python bench/bench_pins.py [--repeat 3]

Printed, each as the median and the fastest of ``--repeat`` runs in a fresh cache:
loading every pin of ``queries/``; checking them all (pins asked on the same date under the
same readings share one solve: the number of solves is printed too); the coverage report on
top of a check; ``pyagent lint``; and the check of one clause's pins against a mutated copy
of ``kb/`` (what each case of tests/test_mutation.py costs).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pyagent.pins import solved as pins_module
from pyagent.pins.coverage import coverage
from pyagent.kb import kb_dir
from pyagent.pins.lint import lint
from pyagent.pins.check import load_pins, run_pins

QUERIES = ROOT / "queries"


def timed(
    label: str, repeat: int, run: Callable[[], object], setup: Callable[[], None] = lambda: None
) -> object:
    times, result = [], None
    for _ in range(repeat):
        setup()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    print(f"{label:<44} median {statistics.median(times):7.3f} s   fastest {min(times):7.3f} s")
    return result


def fresh() -> None:
    pins_module._CACHE.clear()
    pins_module._PENDING.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat

    pins = timed("load every pin of queries/", repeat, lambda: load_pins([QUERIES]))
    answers = sum(len(p.expectations) for p in pins)
    print(f"  {len(pins)} pins, {answers} pinned answers")
    report = timed("check them all (cold cache)", repeat, lambda: run_pins(pins), fresh)
    print(
        f"  all hold: {report.holds}; solves: {len({id(s.solved) for s in pins_module._CACHE.values()})}"
    )
    timed(
        "coverage after the check (warm cache)",
        repeat,
        lambda: coverage(pins),
        lambda: (fresh(), run_pins(pins)),
    )
    timed("lint", repeat, lint)

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "kb"
        shutil.copytree(kb_dir(), copy)
        path = copy / "p3_ranks.lp"
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "rank_clause(p3_s1, assistant, senior_worker, 2).",
                "rank_clause(p3_s1, assistant, senior_worker, 3).",
            ),
            encoding="utf-8",
        )
        few = load_pins([QUERIES / "p3_s1_assistant"])
        mutated = timed(
            "P3.S1 pins against a mutated kb/ copy", repeat, lambda: run_pins(few, copy), fresh
        )
        print(f"  {len(mutated.failed)} of {len(few)} pins break")


if __name__ == "__main__":
    main()
