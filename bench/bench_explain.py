"""Benchmark the explanation engine: milliseconds per answer on a seeded 200-person roster.

    python bench/bench_explain.py [--persons 200] [--seed 7] [--repeat 3]

Every answer's ``clauses`` and ``depends_on`` (SPEC section 8) are read off an explanation
tree (`pyagent.explain.tree.Explainer` on `pyagent.engine.evaluate`), and that tree bounds ``pyagent ask``,
``why``, ``check`` and above all ``batch``.  This generates a seeded roster (bench/roster.py),
keeps its first ``--persons`` valid rows as one case (as_of 2026-07-01, default readings, no
parameters), solves it once, and then times, per answer (one person, one question):

- **answer**: ``answer_of(question, solved.explain(i, question, lean=True), ...)``, what
  ``ask``, ``check`` and ``batch`` compute for every answer (a lean tree: only what ``clauses``
  and ``depends_on`` are read from; code without ``lean`` builds the full tree here);
- **full**: ``solved.explain(i, question)``, the whole tree with every derivation, its texts,
  values and context nodes (``pyagent check`` mismatch reports, ``what-if``);
- **first**: ``explainer.explain(atom, first=True)``, the tree ``pyagent why`` starts from
  (one derivation per conclusion that holds).

Each round uses a fresh `SolvedCase` (a fresh explainer: nothing carried over between rounds
but what the modules keep); per answer the fastest of ``--repeat`` rounds is kept, and the
median, mean, 90th percentile and slowest over all answers are printed.  ``answers sha256`` is
a digest of the ``ask --json`` document of the case, so two versions of the code can be
checked to give the same answers as well as compared for speed.

Timings are wall-clock on whatever else the machine is doing; the load average is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import inspect
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

from pyagent.explain.answers import answer_of, solve_case  # noqa: E402
from pyagent.input.case import parse_person  # noqa: E402
from pyagent.errors import InputError  # noqa: E402
from pyagent.input.model import Case  # noqa: E402
from pyagent.engine.questions import QUESTIONS  # noqa: E402
from pyagent.engine.solve import person_term  # noqa: E402

AS_OF = dt.date(2026, 7, 1)


def roster_case(persons: int, seed: int) -> Case:
    """The first ``persons`` valid rows of a seeded roster, as one case."""
    chosen = []
    ids: set[str] = set()
    for n, line in enumerate(generator.rows(persons * 2 + 100, seed), start=1):
        if len(chosen) >= persons:
            break
        try:
            p = parse_person(json.loads(line), "roster", f"line {n}")
        except (InputError, ValueError):
            continue
        if p.id in ids:
            continue
        ids.add(p.id)
        chosen.append(p)
    return Case("roster", as_of=AS_OF, readings={}, parameters={}, persons=tuple(chosen))


def one_round(case: Case) -> tuple[dict[str, list[float]], float, str]:
    """Per-answer seconds of each kind of tree, solve seconds, and the answers' digest."""
    from clingo import Function

    started = time.perf_counter()
    solved = solve_case(case)
    solve_s = time.perf_counter() - started
    refs, kinds = solved.clause_refs(), solved.clause_kinds()
    lean = "lean" in inspect.signature(solved.explain).parameters
    times: dict[str, list[float]] = {"answer": [], "full": [], "first": []}
    clock = time.perf_counter
    n = len(case.persons)
    for i in range(n):
        for q in QUESTIONS.values():
            t0 = clock()
            answer_of(
                q, solved.explain(i, q, lean=True) if lean else solved.explain(i, q), refs, kinds
            )
            times["answer"].append(clock() - t0)
    for i in range(n):
        for q in QUESTIONS.values():
            t0 = clock()
            solved.explain(i, q)
            times["full"].append(clock() - t0)
    for i in range(n):
        for q in QUESTIONS.values():
            atom = Function("answer", [person_term(i, "worst"), q.term])
            t0 = clock()
            solved.explainer.explain(atom, first=True)
            times["first"].append(clock() - t0)
    document = json.dumps(solved.answers().to_json(), ensure_ascii=False, sort_keys=True)
    return times, solve_s, hashlib.sha256(document.encode()).hexdigest()


def figures(label: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[int(len(ms) * 0.9)]
    return (
        f"{label:<8} median {statistics.median(ms):7.2f} ms   mean {statistics.fmean(ms):7.2f} ms"
        f"   p90 {p90:7.2f} ms   max {ms[-1]:7.1f} ms   total {sum(ms) / 1000:6.2f} s"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    case = roster_case(args.persons, args.seed)
    load = os.getloadavg()
    print(
        f"{len(case.persons)} persons x {len(QUESTIONS)} questions, seed {args.seed}, "
        f"best of {args.repeat} rounds; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    best: dict[str, list[float]] = {}
    solves = []
    digests = set()
    for _ in range(args.repeat):
        times, solve_s, digest = one_round(case)
        solves.append(solve_s)
        digests.add(digest)
        for kind, values in times.items():
            best[kind] = list(map(min, best[kind], values)) if kind in best else values
    print(f"solve    {min(solves):.2f} s (ground + solve, once per round)")
    for kind, values in best.items():
        print(figures(kind, values))
    print(f"answers  {len(best['answer']) / sum(best['answer']):,.0f} answers/s")
    print(f"answers sha256 {' '.join(sorted(digests))}")


if __name__ == "__main__":
    main()
