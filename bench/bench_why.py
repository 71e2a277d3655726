"""Benchmark: ``pyagent why`` in process and as a whole process, against a bare interpreter.

    python bench/bench_why.py [--repeat 9] [--instructions] [--module] [--before DIR]

The case is built here and written to a temporary YAML file: the four persons of
queries/demo.yaml, five times each with their own ids (20 persons).  Printed:

- the whole process, each the median of ``--repeat`` runs, the runs of every command
  interleaved round by round so that the machine's load falls on all alike:
  ``python -c "import clingo, rich, yaml"`` (the **bare** import, issue 13's yardstick),
  ``pyagent why CASE QUESTION --person ID`` for a yes, a no and an unknown answer (interpreter
  start, imports, loading and validating all 20 persons, solving the one explained,
  rendering), the same with ``--json``, ``pyagent ask queries/demo.yaml`` and ``pyagent
  --help``: wall-clock seconds and CPU seconds (user + system of the child), each with its
  ratio to the bare import's; targets: ``why`` ≤ 0.5 s, ≤ 2.5 × bare;
- with ``--instructions``, each command once under valgrind's callgrind: instructions
  executed, which the machine's load does not change (the load inflates wall-clock and, less,
  CPU time), and their ratio to the bare import's;
- in process, after the case is loaded and solved (the knowledge base loaded): one
  explanation (`pyagent.explain.why.explain_solved`, with nothing kept from an earlier
  explanation: `cold`), the median over every person and question,
  the slowest, and the unknown answers alone with the re-answering of their deciding
  inputs; target ≤ 20 ms for one explanation;
- the load average (1, 5, 15 minutes) before and after.

``--before DIR`` (another checkout, e.g. ``git archive`` of the commit before a change): every
``pyagent`` command is also run as ``python -m pyagent`` in ``DIR`` (``PYTHONPATH=DIR``), named
``before:``, interleaved round by round with this checkout's (which then runs with ``-m`` too),
so that before and after meet the same load; with ``--instructions`` both are counted.

Before timing, every command runs once unmeasured: Python's compiled ``.pyc`` files and the
parse of ``kb/`` (`pyagent.engine.program_cache`) are written then, as after any first run;
``PYTHONDONTWRITEBYTECODE`` is dropped from the children's environment so that they are.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
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
RATIO_TARGET = 2.5
ONE_TARGET_MS = 20.0
BARE = [sys.executable, "-c", "import clingo, rich, yaml"]
ANSWERS = (  # (question, person, the status it has)
    ("title.intermediate", "wang_technician_3", "yes"),
    ("title.assistant", "li_senior_worker_3", "no"),
    ("title.assistant", "chen_engineer_3", "unknown"),
)


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


MODULE = False  # --module: `python -m pyagent` in this checkout, not the installed script
BEFORE: Path | None = None  # --before DIR: the same commands in another checkout


def pyagent_command() -> list[str]:
    script = Path(sys.executable).parent / "pyagent"
    if script.exists() and not MODULE:
        return [str(script)]
    return [sys.executable, "-m", "pyagent"]


def child_env(name: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if name.startswith("before:") and BEFORE is not None:
        env["PYTHONPATH"] = str(BEFORE)
    return {**env, "NO_COLOR": "1"}


def cwd_of(name: str) -> Path:
    return BEFORE if name.startswith("before:") and BEFORE is not None else ROOT


def run(command: list[str], name: str = "") -> tuple[float, float, str]:
    """Wall-clock and CPU seconds (user + system) of one run, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=child_env(name),
        cwd=cwd_of(name),
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def commands(case: Path) -> dict[str, list[str]]:
    pyagent = pyagent_command()
    out = {"bare import": BARE}
    for question, person, status in ANSWERS:
        out[f"why ({status})"] = [*pyagent, "why", str(case), question, "--person", person]
    question, person, _ = ANSWERS[0]
    out["why --json (yes)"] = [*pyagent, "why", str(case), question, "--person", person, "--json"]
    out["ask demo.yaml"] = [*pyagent, "ask", "queries/demo.yaml"]
    out["--help"] = [*pyagent, "--help"]
    if BEFORE is not None:  # each command of the other checkout beside this one's
        paired: dict[str, list[str]] = {}
        for name, command in out.items():
            paired[name] = command
            if name != "bare import":
                paired[f"before: {name}"] = command
        out = paired
    return out


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def whole_process(case: Path, repeat: int) -> None:
    todo = commands(case)
    for question, person, status in ANSWERS:  # the answers are what they are said to be
        *_, out = run([*todo[f"why ({status})"], "--json"])
        got = json.loads(out)["explanations"][0]["status"]
        if got != status:
            raise SystemExit(f"{person} {question}: {got}, not {status}")
    for name, command in todo.items():  # unmeasured: .pyc files and the kb/ parse cache written
        run(command, name)
    walls: dict[str, list[float]] = {name: [] for name in todo}
    cpus: dict[str, list[float]] = {name: [] for name in todo}
    print(f"whole process, median of {repeat} interleaved runs (load average {load()} before)")
    for _ in range(repeat):
        for name, command in todo.items():
            wall, cpu, _out = run(command, name)
            walls[name].append(wall)
            cpus[name].append(cpu)
    bare_wall = statistics.median(walls["bare import"])
    bare_cpu = statistics.median(cpus["bare import"])
    print(f"  {'':30} {'wall s':>8} {'× bare':>7} {'CPU s':>8} {'× bare':>7}")
    for name in todo:
        wall = statistics.median(walls[name])
        cpu = statistics.median(cpus[name])
        print(f"  {name:30} {wall:8.3f} {wall / bare_wall:6.2f}× {cpu:8.3f} {cpu / bare_cpu:6.2f}×")
    print(
        f"  targets: why ≤ {WHOLE_TARGET} s and ≤ {RATIO_TARGET}× the bare import"
        f"  (load average {load()} after)"
    )


def instructions(case: Path) -> None:
    """Each command once under callgrind: instructions executed, load or not."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("instructions: valgrind is not installed; skipped")
        return
    counts: dict[str, int] = {}
    for name, command in commands(case).items():
        done = subprocess.run(
            [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
            capture_output=True,
            text=True,
            env=child_env(name),
            cwd=cwd_of(name),
            check=False,
        )
        refs = [line for line in done.stderr.splitlines() if "I   refs:" in line]
        if done.returncode != 0 or not refs:
            raise SystemExit(f"callgrind {name} failed: {done.stderr[-2000:]}")
        counts[name] = int(refs[-1].rsplit(None, 1)[-1].replace(",", ""))
    print("instructions executed (valgrind callgrind, one run each; the load does not change them)")
    for name, n in counts.items():
        print(f"  {name:30} {n / 1e6:9.1f} M  {n / counts['bare import']:6.2f}× bare")


def cold(solved) -> None:
    """Forget what the explainer kept from earlier answers (sub-trees of the person, its
    phrasing and sentences), so that each run explains as `pyagent why` does, from nothing."""
    explainer = solved.explainer
    explainer._memo.clear()
    explainer._memo_person = None
    explainer.readers.clear()


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
                cold(solved)
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
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions under callgrind"
    )
    parser.add_argument(
        "--module",
        action="store_true",
        help="run `python -m pyagent` in this checkout instead of the installed `pyagent` "
        "script (to compare two checkouts with one environment)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        metavar="DIR",
        help="also run every command as `python -m pyagent` in the checkout DIR, interleaved",
    )
    args = parser.parse_args()
    global MODULE, BEFORE
    MODULE = args.module or args.before is not None
    BEFORE = args.before.resolve() if args.before is not None else None
    with tempfile.TemporaryDirectory() as tmp:
        case = case_of_20(Path(tmp))
        print(f"case: 20 persons ({case.stat().st_size} bytes of YAML)")
        whole_process(case, args.repeat)
        if args.instructions:
            instructions(case)
        in_process(case, args.repeat)
        print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
