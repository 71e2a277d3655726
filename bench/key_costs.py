"""What a key of ``pyagent batch --no-reasons`` costs, where, and what coarser keys could save.

    python bench/roster.py 20000 --kind varied --seed 7 -o /tmp/v20k.jsonl
    python bench/key_costs.py /tmp/v20k.jsonl [--per-plan 1000] [--coarser]

The roster's good rows are keyed as phase 1 keys them (`pyagent.batch.phases.Context`), then
the first ``--per-plan`` distinct keys of each plan (0: all) are answered in this one process
by `pyagent.batch.phases.key_answers`, as a worker answers them, and timed in CPU seconds
(``time.process_time``: the machine may be shared).  Printed: CPU a key per plan, and per
phase (the explanation trees, clingo, reading the model, adding the facts, making the
control; the rest is building facts, `answer_of` and the JSON text), and a digest of every
answer (compare two checkouts' digests: the same digest, the same output).

``--coarser``: per plan, how many of the answered keys would merge under a *hand-made*
coarsening that the analysis does not make: certificate levels by what the plan's rules can
tell apart under the default readings (below 高级工 / 高级工 or above for the gate's 高技能人才
alone, plans 0, 2 and 3; a level that qualifies for the rank's clause or not, and the months
by that clause's threshold alone, per question of plan 1), and whether the answers of the
keys it merges agree.  Not a proof that it is exact: an upper bound of what per-plan or
per-question abstractions could save (bench/README.md, "seventh session").
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import time
from collections import defaultdict
from pathlib import Path

import pyagent.batch.phases as phases
import pyagent.engine.solve as solve_module
from pyagent.batch.pipeline import BatchConfig
from pyagent.engine.questions import QUESTIONS
from pyagent.errors import InputError
from pyagent.explain.tree import Explainer

RANK = {
    "junior_worker": 1,
    "intermediate_worker": 2,
    "senior_worker": 3,
    "technician": 4,
    "senior_technician": 5,
}
# plan 1's questions: the rank a certificate needs to qualify, the months the clause needs
RANK_CLAUSE = {
    "title.assistant": (3, 24),
    "title.intermediate": (4, 36),
    "title.associate_senior": (5, 48),
}


def timed(spent: dict[str, float], label: str, f):
    def wrapper(*args, **kwargs):
        t = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - t

    return wrapper


def level_class(level: object, need: int | None) -> object:
    """A level by what the rules tell apart: below 3, qualifying (rank >= need), or neither."""
    rank = RANK.get(level)  # type: ignore[arg-type]
    if rank is None:
        return level
    if rank < 3:
        return "below_senior_worker"
    return "high" if need is None or rank >= need else "high_not_qualifying"


def coarser(ctx: phases.Context, space: int, key: tuple, question: str | None) -> tuple:
    """``key`` under the hand-made coarsening (see the module's docstring)."""
    keys, plan = ctx.spaces[space]
    slots = [keys.analysis.slots[i] for i, _ in keys.plans[plan]]
    need, months = RANK_CLAUSE.get(question or "", (None, None))
    out = list(key)
    if "certificate" in slots:
        c = slots.index("certificate")
        levels = {f[0][0]: f[0][1] for f in key[c]}
        out[c] = tuple(((a[0], level_class(a[1], need), *a[2:]), w, p) for a, w, p in key[c])
        if months is not None and "certificate_months" in slots:
            m = slots.index("certificate_months")
            out[m] = tuple(
                ((*a[:3], _side(a[3], months)), w, p)
                for a, w, p in key[m]
                if level_class(levels.get(a[0]), need) == "high"
            )
    return tuple(out)


def _side(v: object, threshold: int) -> object:
    if not isinstance(v, int):
        return v
    return threshold if v == threshold else threshold - 1 if v < threshold else threshold + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roster", type=Path, help="a JSONL roster (bench/roster.py)")
    parser.add_argument("--as-of", default="2026-07-01", help="the day answers are given for")
    parser.add_argument("--per-plan", type=int, default=1000, help="keys a plan (0: all)")
    parser.add_argument("--coarser", action="store_true", help="the hand-made coarsening")
    args = parser.parse_args()

    config = BatchConfig(as_of=dt.date.fromisoformat(args.as_of), reasons=False)
    ctx = phases.Context((config, str(args.roster), "jsonl", None, "."))
    spaces: list[dict[tuple, None]] = [{} for _ in ctx.spaces]
    t = time.process_time()
    with args.roster.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                _, found = ctx.row(line, line_no)
            except InputError:
                continue
            for s, key in enumerate(found):
                spaces[s].setdefault(key, None)
    print(f"keyed in {time.process_time() - t:.1f} CPU s: {[len(s) for s in spaces]} keys a plan")

    spent: dict[str, float] = defaultdict(float)
    phases.solve = timed(spent, "clingo (all of solve)", phases.solve)
    solve_module.Model = timed(spent, "  reading the model", solve_module.Model)  # type: ignore[misc]
    solve_module.add_facts = timed(spent, "  adding the facts", solve_module.add_facts)
    solve_module.control = timed(spent, "  making the control", solve_module.control)
    Explainer.explain = timed(spent, "explanation trees", Explainer.explain)  # type: ignore[method-assign]
    digest = hashlib.sha256()
    answered: list[list[tuple]] = []
    total, n = 0.0, 0
    for s, found in enumerate(spaces):
        keys = list(found)[: args.per_plan or None]
        before = dict(spent)
        t = time.process_time()
        answers = phases.key_answers(ctx, s, keys)
        cpu = time.process_time() - t
        trees = spent["explanation trees"] - before.get("explanation trees", 0.0)
        clingo = spent["clingo (all of solve)"] - before.get("clingo (all of solve)", 0.0)
        total, n = total + cpu, n + len(keys)
        answered.append(list(zip(keys, answers)))
        for a in answers:
            digest.update(repr(a).encode("utf-8"))
        print(
            f"plan {s}: {len(keys):,} keys, {cpu:.2f} CPU s, {1000 * cpu / len(keys):.2f} ms a key"
            f" (trees {1000 * trees / len(keys):.2f}, clingo {1000 * clingo / len(keys):.2f})"
        )
    print(f"all: {n:,} keys, {total:.2f} CPU s, {1000 * total / n:.2f} ms a key")
    order = ["clingo (all of solve)", "  making the control", "  adding the facts"]
    order += ["  reading the model", "explanation trees"]
    for label in order:
        cpu = spent[label]
        print(f"  {label:<26} {cpu:6.2f} CPU s  {1000 * cpu / n:.3f} ms a key")
    print(f"answers' digest: {digest.hexdigest()[:16]}")

    if not args.coarser:
        return
    ids = list(QUESTIONS)
    for s, pairs in enumerate(answered):
        questions = [ids[q] for q in ctx.questions_of(s)]
        per_question = len(questions) > 1
        for j, q in enumerate(questions if per_question else [None]):
            groups: dict[tuple, set] = defaultdict(set)
            for key, answers in pairs:
                got = answers[j][0] if per_question else tuple(a for a, _ in answers)
                groups[coarser(ctx, s, key, q)].add(got)
            disagree = sum(len(g) > 1 for g in groups.values())
            print(
                f"plan {s}{' ' + q if q else ''}: {len(pairs):,} keys -> {len(groups):,} "
                f"coarser keys; groups whose answers disagree: {disagree}"
            )


if __name__ == "__main__":
    main()
