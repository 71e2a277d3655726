"""Benchmark `pyagent batch`: persons/s, peak memory, and two ratios measured in one run.

    python bench/bench_batch.py                      # 2,000 persons: about a minute
    python bench/bench_batch.py --persons 1000000    # the issue's size
    python bench/bench_batch.py --persons 200000 --solve-sample 2000

It generates a seeded roster (bench/roster.py) in a temporary directory, then times, on the
same file:

1. **floor**: read the roster and ``json.loads`` every line, nothing else;
2. **plain clingo**: ground and solve the persons with the knowledge base, no explanations
   (``pyagent.engine.solve.solve`` over the persons' facts, 200 persons a control, after reading and
   validating them), on the first ``--solve-sample`` persons and extrapolated linearly to all
   of them (it is per person by nature), and says so;
3. **batch**: ``pyagent batch ROSTER -o OUT`` end to end in a subprocess, every answer with its
   clauses and depends_on; peak memory is the largest resident set of the process tree
   (parent + workers), sampled every 50 ms from /proc.

4. with ``--dask``: the same batch on a Dask LocalCluster (``--dask local``), its time against
   the local run's and whether the output is byte for byte the same;
5. ``--check-ask N``: N persons drawn at random, answered by ``pyagent ask``'s library call,
   compared with the batch's lines.

It prints persons/s, peak memory, batch/floor and batch/plain-clingo, and the load average
(the machine may be shared: the figures mean little without it).  ``--kind registry``
generates a roster as a registry exports one (dates to the month, fewer details).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import roster as generator  # noqa: E402

AS_OF = "2026-07-01"
PARAMETERS = {
    "application_years.senior_worker": 5,
    "application_years.technician": 8,
    "application_years.senior_technician": 10,
}


def floor(path: Path) -> float:
    started = time.perf_counter()
    with open(path, "rb") as handle:
        for line in handle:
            try:
                json.loads(line)
            except ValueError:
                pass
    return time.perf_counter() - started


def plain_clingo(path: Path, sample: int) -> tuple[float, int]:
    """Seconds to read, validate, make facts for, ground and solve ``sample`` persons."""
    from pyagent.input.case import parse_person
    from pyagent.errors import InputError
    from pyagent.engine.facts import global_facts, person_facts
    from pyagent.engine.solve import solve

    as_of = dt.date.fromisoformat(AS_OF)
    started = time.perf_counter()
    persons = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if len(persons) >= sample:
                break
            try:
                persons.append(parse_person(json.loads(line), str(path), ""))
            except (InputError, ValueError):
                continue
    shared = global_facts(as_of, {})
    for start in range(0, len(persons), 200):
        group = persons[start : start + 200]
        solve([person_facts(p, as_of, PARAMETERS) for p in group], shared)
    return time.perf_counter() - started, len(persons)


def tree_rss(pid: int) -> int:
    """Resident set (bytes) of a process and its children, from /proc."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/task/{p}/children") as handle:
                todo.extend(int(c) for c in handle.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def process_rss(pid: int) -> int:
    """Resident set (bytes) of one process, from /proc (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return 0


def batch(
    path: Path, out: Path, jobs: int | None, dask: str | None = None, reasons: bool = True
) -> tuple[float, int, dict]:
    command = [
        sys.executable,
        "-m",
        "pyagent",
        "batch",
        str(path),
        "-o",
        str(out),
        "--as-of",
        AS_OF,
        "--quiet",
        "--json",
    ]
    if dask:
        command += ["--dask", dask]
    if not reasons:
        command.append("--no-reasons")
    for name, value in PARAMETERS.items():
        command += ["--parameter", f"{name}={value}"]
    if jobs:
        command += ["-j", str(jobs)]
    started = time.perf_counter()
    cpu_before = _children_cpu()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = parent_peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, parent_peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            parent_peak = max(parent_peak, process_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"pyagent batch failed ({process.returncode}):\n{stderr[-2000:]}")
    summary = json.loads(stdout)
    summary["cpu_seconds"] = _children_cpu() - cpu_before  # the process tree, user + system
    summary["parent_peak"] = parent_peak  # the batch's own process, without its workers
    return seconds, peak, summary


def _children_cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def check_with_ask(
    path: Path, out: Path, sample: int, seed: int, reasons: bool = True
) -> tuple[int, int]:
    """Answer ``sample`` random persons of the roster with ``pyagent ask`` (the library call,
    with reasons unless ``reasons`` is off) and compare with the batch's lines: (persons
    compared, persons that differ)."""
    import random

    from pyagent.errors import InputError
    from pyagent.explain.answers import answer_case
    from pyagent.input.case import parse_person
    from pyagent.input.model import Case

    rng = random.Random(seed)
    chosen = []
    with open(path, encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if len(chosen) < sample:
                chosen.append(line)
            else:
                k = rng.randint(0, n)
                if k < sample:
                    chosen[k] = line
    persons = {}
    for line in chosen:
        try:
            p = parse_person(json.loads(line), str(path), "")
        except (InputError, ValueError):
            continue
        persons.setdefault(p.id, p)  # a case holds an id once
    batch_lines = {}
    with open(out, encoding="utf-8") as handle:
        for line in handle:
            data = json.loads(line)
            if data["id"] in persons:
                batch_lines[data["id"]] = data["answers"]
    differ = 0
    group_all = list(persons.values())
    for start in range(0, len(group_all), 200):
        group = tuple(group_all[start : start + 200])
        case = Case(str(path), dt.date.fromisoformat(AS_OF), {}, PARAMETERS, group)
        asked = answer_case(case, lang="en" if reasons else None).to_json()["persons"]
        for p in asked:
            if batch_lines.get(p["id"]) != p["answers"]:
                differ += 1
    return len(persons), differ


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bad-rate", type=float, default=0.001)
    parser.add_argument(
        "--solve-sample",
        type=int,
        default=1_000,
        help="persons to ground and solve for the plain-clingo figure (extrapolated)",
    )
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument(
        "--keep", type=Path, default=None, help="generate into this directory and keep it"
    )
    parser.add_argument(
        "--kind",
        choices=sorted(generator.KINDS_OF_ROSTER),
        default="varied",
        help="the roster generated (bench/roster.py --kind)",
    )
    parser.add_argument(
        "--check-ask",
        type=int,
        default=1000,
        help="persons drawn at random whose batch answers are compared with ask's",
    )
    parser.add_argument(
        "--no-reasons",
        action="store_true",
        help="pyagent batch --no-reasons (no reason or to_settle per answer)",
    )
    parser.add_argument(
        "--dask",
        action="store_true",
        help="run it again on a Dask LocalCluster of --jobs (default 2) workers",
    )
    args = parser.parse_args(argv)

    directory = args.keep or Path(tempfile.mkdtemp(prefix="pyagent-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"roster-{args.kind}-{args.persons}-{args.seed}.jsonl"
    if not path.exists():
        t = time.perf_counter()
        generator.write(path, args.persons, args.seed, args.bad_rate, args.kind)
        print(
            f"generated {args.persons:,} persons ({path.stat().st_size / 2**20:,.0f} MiB) "
            f"in {time.perf_counter() - t:,.1f} s -> {path}"
        )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before the run")

    t_floor = floor(path)
    print(
        f"floor (read + json.loads):          {t_floor:8.2f} s   {args.persons / t_floor:>10,.0f} lines/s"
    )
    sample = min(args.solve_sample, args.persons)
    t_clingo = 0.0
    if sample:
        t_sample, solved = plain_clingo(path, sample)
        t_clingo = t_sample * args.persons / max(solved, 1)
        how = "measured" if sample >= args.persons else f"{solved:,} persons measured, extrapolated"
        print(f"plain clingo, no explanations:      {t_clingo:8.2f} s   ({how}: {t_sample:.2f} s)")

    out = directory / "answers.jsonl"
    reasons = not args.no_reasons
    print(f"pyagent batch {'with reasons (the default)' if reasons else '--no-reasons'}")
    t_batch, peak, summary = batch(path, out, args.jobs, reasons=reasons)
    rate = summary["persons_in"] / t_batch
    print(
        f"pyagent batch, end to end:          {t_batch:8.2f} s   {rate:>10,.0f} persons/s   "
        f"({summary['cpu_seconds']:,.1f} CPU s, load {os.getloadavg()[0]:.2f} after)"
    )
    print(
        f"  persons in {summary['persons_in']:,} = out {summary['persons_out']:,} + errors "
        f"{summary['errors']:,}; answered by {summary.get('answered_by', 'keys')}: "
        f"situations answered as ask {summary.get('situations_answered', 0):,}, "
        f"(plan, key) pairs solved {summary['keys_solved']:,}"
    )
    print(
        f"peak memory (process tree):         {peak / 2**20:8.0f} MiB   "
        f"(the parent alone: {summary['parent_peak'] / 2**20:,.0f} MiB)"
    )
    print(f"batch / floor:                      {t_batch / t_floor:8.1f} x")
    if t_clingo:
        print(f"batch / plain clingo:               {t_batch / t_clingo:8.2f} x")
    print(f"load average after the batch: {os.getloadavg()[0]:.2f}")
    if args.dask:
        dask_out = directory / "answers-dask.jsonl"
        t_dask, peak_dask, dask_summary = batch(
            path, dask_out, args.jobs or 2, dask="local", reasons=reasons
        )
        same = dask_out.read_bytes() == out.read_bytes()
        print(
            f"pyagent batch --dask local:         {t_dask:8.2f} s   ({t_dask / t_batch:.2f} x the "
            f"local run; output {'identical' if same else 'DIFFERENT'}; peak {peak_dask / 2**20:,.0f} "
            f"MiB, scheduler and workers; {dask_summary['cpu_seconds']:,.1f} CPU s)"
        )
        print(f"load average after the Dask run: {os.getloadavg()[0]:.2f}")
    if args.check_ask:
        compared, differ = check_with_ask(path, out, args.check_ask, args.seed, reasons)
        print(f"answers identical to ask on a random sample: {compared - differ:,} of {compared:,}")
    if args.keep is None:
        for p in directory.iterdir():
            p.unlink()
        directory.rmdir()


if __name__ == "__main__":
    main()
