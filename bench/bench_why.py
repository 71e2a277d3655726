"""Benchmark: ``pyagent why`` on a case of 20 persons.

    python bench/bench_why.py [--repeat 7]

The case is built here and written to a temporary YAML file: the four persons of
queries/demo.yaml, five times each with their own ids (20 persons).  Printed:

- the whole process, ``pyagent why CASE QUESTION --person ID`` (interpreter start, imports,
  loading and validating all 20 persons, solving the one explained, rendering), for a yes, a
  no and an unknown answer, each the median of ``--repeat`` runs; target ≤ 0.5 s;
- in process, after the case is loaded and solved (the knowledge base loaded): one
  explanation (`pyagent.explain.why.explain_solved`), the median over every person and question,
  the slowest, and the unknown answers alone with the re-answering of their deciding
  inputs; target ≤ 20 ms for one explanation.

Timings are wall-clock on whatever else the machine is doing; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml

from pyagent.explain.answers import solve_case
from pyagent.input.case import load_case
from pyagent.engine.questions import QUESTIONS
from pyagent.explain.why import explain_solved

WHOLE_TARGET = 0.5
ONE_TARGET_MS = 20.0


def case_of_20(directory: Path) -> Path:
    """The demo's four persons, five times each: 20 persons."""
    demo = yaml.safe_load((ROOT / "queries" / "demo.yaml").read_text(encoding="utf-8"))
    persons = []
    for k in range(5):
        for p in demo["persons"]:
            persons.append({**p, "id": f"{p['id']}_{k}"})
    case = {**demo, "persons": persons}
    path = directory / "twenty.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def pyagent_command() -> list[str]:
    script = Path(sys.executable).parent / "pyagent"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pyagent"]


def whole_process(case: Path, question: str, person: str, repeat: int) -> tuple[float, str]:
    times = []
    status = ""
    env = {**os.environ, "NO_COLOR": "1"}
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [*pyagent_command(), "why", str(case), question, "--person", person, "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"pyagent why failed: {done.stderr}")
        status = json.loads(done.stdout)["explanations"][0]["status"]
    return statistics.median(times), status


def in_process(case: Path, repeat: int) -> None:
    solved = solve_case(load_case(case))
    people = [p.id for p in solved.case.persons[:4]]  # the four kinds; the others are copies
    by_status: dict[str, list[float]] = {"yes": [], "no": [], "unknown": []}
    every: list[float] = []
    for person in people:
        for q in QUESTIONS:
            runs = []
            status = ""
            for _ in range(repeat):
                start = time.perf_counter()
                e = explain_solved(solved, person, q)
                runs.append((time.perf_counter() - start) * 1000)
                status = e.status
            m = statistics.median(runs)
            by_status[status].append(m)
            every.append(m)
    print(
        f"in process, one explanation (median over {len(every)} answers): {statistics.median(every):.1f} ms"
        f"  (target ≤ {ONE_TARGET_MS:.0f} ms)"
    )
    print(f"  slowest answer: {max(every):.1f} ms")
    for status, ms in by_status.items():
        if ms:
            print(
                f"  {status:8} answers: median {statistics.median(ms):5.1f} ms, slowest {max(ms):5.1f} ms"
                + (
                    "  (with the re-answering of each deciding input)"
                    if status == "unknown"
                    else ""
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        case = case_of_20(Path(tmp))
        print(f"case: 20 persons ({case.stat().st_size} bytes of YAML)")
        for question, person in (
            ("title.intermediate", "wang_technician_3"),
            ("title.assistant", "li_senior_worker_3"),
            ("title.assistant", "chen_engineer_3"),
        ):
            seconds, status = whole_process(case, question, person, args.repeat)
            print(
                f"whole process, pyagent why {question} --person {person} ({status}): "
                f"median {seconds:.3f} s of {args.repeat}  (target ≤ {WHOLE_TARGET} s)"
            )
        in_process(case, args.repeat)


if __name__ == "__main__":
    main()
