"""What makes a roster's answer keys distinct: per plan, the keys and the inputs that split them.

    python bench/roster.py 20000 --kind varied --seed 7 -o /tmp/v20k.jsonl
    python bench/key_diversity.py /tmp/v20k.jsonl [--as-of 2026-07-01]

``pyagent batch --no-reasons`` solves and explains each distinct (plan, key) pair once
(`pyagent.engine.signature`): the keys, not the rows, bound its time on a varied roster.  This
prints, for each plan (the questions that share one key), how many distinct keys the roster's
good rows make and, per person input predicate, how many distinct parts of that predicate the
keys hold and how many keys would merge if that predicate were left out of the key altogether
(an upper bound on what any coarser abstraction of it could save).  It also prints the same
counts with certificates renumbered densely (0, 1, 2 ... in order), the cheapest coarsening not
yet in the abstraction, to show what it would save.  Bad rows are skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from pyagent.engine.signature import Keys, analyse
from pyagent.input.person import InputError, parse_person


def dense_certificates(keys: Keys, full: tuple) -> tuple:
    """``full`` with certificate numbers renumbered 0, 1, 2 ... in the order they appear."""
    slots = keys.analysis.slots
    groups = [slots.index(name) for name in ("certificate", "certificate_months")]
    numbers = sorted({f[0][0] for g in groups for f in full[g]})
    renumber = {n: i for i, n in enumerate(numbers)}
    out = list(full)
    for g in groups:
        out[g] = tuple(((renumber[a[0]],) + a[1:], w, p) for a, w, p in full[g])
    return tuple(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roster", type=Path, help="a JSONL roster (bench/roster.py)")
    parser.add_argument("--as-of", default="2026-07-01", help="the day answers are given for")
    args = parser.parse_args()
    keys = Keys(analyse(dt.date.fromisoformat(args.as_of), {}, {}))
    slots = keys.analysis.slots

    fulls = []
    with args.roster.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            try:
                fulls.append(
                    keys.person_key(parse_person(json.loads(line), "roster", str(line_no)))
                )
            except (InputError, ValueError):
                continue
    print(f"good rows: {len(fulls):,}")

    for renumbered in (False, True):
        per_plan: dict[int, set] = defaultdict(set)
        for full in fulls:
            key = dense_certificates(keys, full) if renumbered else full
            for plan, part in enumerate(keys.plan_keys(key)):
                per_plan[plan].add(part)
        total = sum(len(v) for v in per_plan.values())
        label = "certificates renumbered" if renumbered else "as keyed"
        print(f"\n{label}: {total:,} distinct (plan, key) pairs")
        if renumbered:
            continue
        for plan in sorted(per_plan):
            found = list(per_plan[plan])
            questions = [q for q, p in enumerate(keys.plan_of) if p == plan]
            print(f"  plan {plan} (questions {questions}): {len(found):,} keys")
            rows = []
            for i, (slot, _) in enumerate(keys.plans[plan]):
                parts = len({k[i] for k in found})
                if parts > 1:
                    merged = len(found) - len({k[:i] + k[i + 1 :] for k in found})
                    rows.append((merged, slots[slot], parts))
            for merged, name, parts in sorted(rows, reverse=True):
                print(f"    {name:<28} {parts:>5,} parts; left out, {merged:>6,} keys merge")


if __name__ == "__main__":
    main()
