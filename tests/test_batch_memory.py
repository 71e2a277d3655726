"""pyagent batch streams: its memory grows with the distinct keys of a roster, not with its
persons (rows wait in partition files between the phases, never in memory).  Measured with
tracemalloc in a subprocess, on two rosters of the same few distinct persons, one ten times
longer (the peak resident memory of the whole process, analysis included);
bench/bench_batch.py measures the peak of 200,000 and 1,000,000-person rosters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import datetime as dt, resource, sys
from pyagent.batch.pipeline import BatchConfig, run_batch
config = BatchConfig(as_of=dt.date(2026, 7, 1), jobs=1, block_bytes=1 << 16)
summary = run_batch(sys.argv[1], sys.argv[2], config)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, summary.persons_out)
"""

PERSONS = [
    {"field": "art"},
    {"field": "engineering", "titles": []},
    {"honours": ["全国技术能手"]},
    {"certificates": [{"level": "technician", "obtained": "2020-05-01"}], "technical_work": []},
    {"current_post": "none", "cumulative_work_years": 12},
    {},
]


def peak(tmp_path: Path, n: int) -> int:
    roster = tmp_path / f"r{n}.jsonl"
    with roster.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": f"person-{i:07d}", **PERSONS[i % len(PERSONS)]}) + "\n")
    out = tmp_path / f"o{n}.jsonl"
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(roster), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    got, written = map(int, run.stdout.split())
    assert written == n
    return got


def test_memory_does_not_grow_with_the_persons(tmp_path: Path) -> None:
    small, large = peak(tmp_path, 2_000), peak(tmp_path, 30_000)
    # holding the 28,000 more rows (an id and its keys' indexes each) would take 5 MiB or more
    assert large - small < 2 << 20, (small, large)
