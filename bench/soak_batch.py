"""Soak: interrupt batches at random and check that nothing complete-looking is wrong.

    python bench/soak_batch.py                      # 20 interruptions of a 30,000-row roster
    python bench/soak_batch.py --rows 2000 --rounds 5 --seed 3

Each round starts ``pyagent batch ROSTER -o OUT -j 2`` and, a moment later, a second batch
to the same OUT, then sends one of SIGINT, SIGTERM or SIGKILL to the first at a random time
(the second is left to finish or be refused).  After every round:

* no process printed a traceback, and each exit code is one the README documents
  (0 done, 2 refused, 1 I/O, 130 interrupted, -9 killed; -2/-15 killed while Python itself
  was starting, before any of pyagent ran);
* if OUT has a summary beside it (a complete-looking run), OUT and its errors file are
  byte for byte those of an uninterrupted reference run, and the summary counts every row;
* after a SIGKILL of the parent, its workers are gone within a few seconds.

At the end one more run completes and leaves no temporary or lock file.  Prints one line per
round and the totals; exits 1 if any check failed.  tests/test_hostile_round2.py runs a small
version of it (``soak(rows=120, rounds=3)``) in the default suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-07-01"
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
# -2/-15: a signal that lands before Python has run a line of pyagent (nothing done, nothing
# printed); from then on SIGINT/SIGTERM end in 130.
ALLOWED = {0, 1, 2, 130, -signal.SIGKILL, -signal.SIGINT, -signal.SIGTERM}


def _roster(path: Path, rows: int, seed: int) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "roster.py"),
            str(rows),
            "-o",
            str(path),
            "--seed",
            str(seed),
        ],
        check=True,
        capture_output=True,
    )


def _batch(roster: Path, out: Path, jobs: int = 2) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pyagent",
            "batch",
            str(roster),
            "-o",
            str(out),
            "--as-of",
            AS_OF,
            "-j",
            str(jobs),
            "-q",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _children(pid: int) -> list[int]:
    try:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found.extend(int(c) for c in text.split())
        return found
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _files(out: Path) -> tuple[Path, Path]:
    return out.with_name(out.name + ".errors.jsonl"), out.with_name(out.name + ".summary.json")


def soak(
    rows: int = 30_000,
    rounds: int = 20,
    seed: int = 7,
    workdir: Path | None = None,
    quiet: bool = False,
    cycle: bool = False,
) -> list[str]:
    """Run the soak; the problems found (empty when every check held).  ``cycle``: the
    signals in turn (SIGINT, SIGTERM, SIGKILL) rather than at random."""
    rng = random.Random(seed)
    base = Path(workdir or tempfile.mkdtemp(prefix="pyagent-soak-"))
    roster = base / "roster.jsonl"
    _roster(roster, rows, seed)
    reference = base / "reference.jsonl"
    started = time.perf_counter()
    done = _batch(roster, reference)
    _, err = done.communicate()
    if done.returncode != 0:
        return [f"the reference run failed: {err.strip()}"]
    full = time.perf_counter() - started
    want_out = reference.read_bytes()
    want_errors = _files(reference)[0].read_bytes()
    out = base / "out.jsonl"
    problems: list[str] = []

    def say(text: str) -> None:
        if not quiet:
            print(text, flush=True)

    say(f"reference: {rows:,} rows in {full:.1f} s")
    for n in range(rounds):
        first = _batch(roster, out)
        time.sleep(rng.uniform(0.05, 0.3))
        second = _batch(roster, out)
        when = rng.uniform(0.2, max(0.5, full * 0.9))
        sig = SIGNALS[n % len(SIGNALS)] if cycle else rng.choice(SIGNALS)
        time.sleep(when)
        workers = _children(first.pid)
        if first.poll() is None:
            first.send_signal(sig)
        results = []
        for proc in (first, second):
            try:
                _, err = proc.communicate(timeout=max(60, full * 4))
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
                problems.append(f"round {n}: a batch hung")
            results.append((proc.returncode, err))
            if "Traceback" in err:
                problems.append(f"round {n}: a traceback was printed:\n{err}")
            if proc.returncode not in ALLOWED:
                problems.append(f"round {n}: exit code {proc.returncode}: {err.strip()[:300]}")
        if sig == signal.SIGKILL:
            deadline = time.monotonic() + 5
            while any(_alive(w) for w in workers) and time.monotonic() < deadline:
                time.sleep(0.1)
            if any(_alive(w) for w in workers):
                problems.append(f"round {n}: workers outlived their killed parent")
        errors_file, summary_file = _files(out)
        complete = summary_file.exists()
        if complete:
            summary = json.loads(summary_file.read_text(encoding="utf-8"))
            if out.read_bytes() != want_out or errors_file.read_bytes() != want_errors:
                problems.append(f"round {n}: a complete-looking output differs from the reference")
            if summary["persons_in"] != rows:
                problems.append(f"round {n}: the summary counts {summary['persons_in']} rows")
        say(
            f"round {n + 1:2}: {sig.name:7} after {when:5.2f} s -> exit {results[0][0]:4}, "
            f"second run exit {results[1][0]:4}; complete-looking: {complete}"
        )
    last = _batch(roster, out)
    _, err = last.communicate()
    if last.returncode != 0 or out.read_bytes() != want_out:
        problems.append(f"the final run did not complete correctly: {err.strip()[:300]}")
    left = [p.name for p in base.iterdir() if p.name.endswith((".partial", ".lock"))]
    if left:
        problems.append(f"files left behind: {left}")
    say(f"{rounds} rounds, {len(problems)} problems")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    problems = soak(args.rows, args.rounds, args.seed)
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
