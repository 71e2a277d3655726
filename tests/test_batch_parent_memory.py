"""The parent of a batch keeps a few bytes per distinct key and per distinct situation, never the
key, the person or their answers (those wait in files between the phases): its memory must not
grow by kilobytes per distinct situation on a varied roster, with reasons or without.

Measured in a subprocess with tracemalloc, which sees the parent's allocations only (the phases'
tasks run in two forked worker processes).  Answering is replaced there by a stand-in that
gives answers of a realistic size (the test is about what the parent keeps, and a real
explanation costs milliseconds a key; tests/test_batch.py checks the real answers), so the same
number of rows, all distinct (bench/roster.py --kind varied) or a tenth of them over again
under other ids, differ only in how many distinct keys and situations the parent meets.  What
the parent holds is read as phase 1 ends and as each phase after it begins (no task in flight
then)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import datetime as dt, json, sys, tracemalloc
sys.path.insert(0, sys.argv[1])
import roster as generator
from pyagent.batch import executors, parent, phases, pipeline

BIG = "x" * 200  # an answer's JSON text is a few hundred bytes: the parent must not keep them


def key_answers(ctx, space, keys):
    if space >= ctx.n_base:
        return [tuple("no" for _ in ctx.questions_of(space)) for _ in keys]
    text = json.dumps({"question": "q", "status": "no", "reason": BIG})
    return [tuple((text, "no") for _ in ctx.questions_of(space)) for _ in keys]


def ask_answers(persons, **_):
    text = ",".join(json.dumps({"question": "q", "status": "no", "reason": BIG}) for _ in range(9))
    return [(text, ("no",) * 9) for _ in persons]


phases.key_answers = key_answers  # the workers are forked: they inherit the stand-ins
phases.ask_answers = ask_answers
held = []  # what the parent holds as phase 1 ends and as each phase after it begins


def measured(phase):
    def run(*args):
        held.append(tracemalloc.get_traced_memory()[0])
        return phase(*args)

    return run


for name in ("phase_ask", "phase_answers", "phase_join"):
    setattr(parent, name, measured(getattr(parent, name)))
parent.Keyed.end = measured(parent.Keyed.end)
start_worker = executors.init_worker_process


def init_worker_process():  # only the parent is traced
    tracemalloc.stop()
    start_worker()


executors.init_worker_process = init_worker_process
executors.worker_count = pipeline.worker_count = lambda jobs: 2  # even on one CPU: the parent alone is traced
rows, tmp = int(sys.argv[2]), sys.argv[3]
found = {}
warm = generator.write(f"{tmp}/warm.jsonl", 50, 7, 0.0, "varied")
for reasons in (False, True):  # the analysis of kb/ and the imports, once, before measuring
    config = pipeline.BatchConfig(as_of=dt.date(2026, 7, 1), jobs=2, reasons=reasons)
    pipeline.run_batch(warm, f"{tmp}/warm-{reasons}.out.jsonl", config)
varied = generator.write(f"{tmp}/varied.jsonl", rows, 7, 0.0, "varied")
few = [json.loads(line) for line in open(varied, encoding="utf-8")][: rows // 10]
with open(f"{tmp}/repeated.jsonl", "w", encoding="utf-8") as handle:
    for n in range(rows):  # the same rows but for their ids: a tenth as many situations
        handle.write(json.dumps({**few[n % len(few)], "id": f"r{n}"}) + "\n")
for kind in ("repeated", "varied"):
    roster = f"{tmp}/{kind}.jsonl"
    for reasons in (False, True):
        config = pipeline.BatchConfig(
            as_of=dt.date(2026, 7, 1), jobs=2, block_bytes=1 << 16, reasons=reasons
        )
        held.clear()
        tracemalloc.start()
        summary = pipeline.run_batch(roster, f"{tmp}/{kind}-{reasons}.out.jsonl", config)
        tracemalloc.stop()
        found[f"{kind} {reasons}"] = (max(held), summary.keys_solved, summary.situations_answered)
print(json.dumps(found))
"""


def test_the_parent_keeps_bytes_not_kilobytes_per_distinct_situation(tmp_path: Path) -> None:
    rows = 1_000
    bench = Path(__file__).resolve().parents[1] / "bench"
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(bench), str(rows), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYAGENT_START_METHOD": "fork"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout)
    # without reasons: every (plan, key) once; the varied roster meets far more of them
    repeated_peak, repeated_keys, _ = found["repeated False"]
    varied_peak, varied_keys, _ = found["varied False"]
    assert varied_keys > repeated_keys + rows, found
    per_key = (varied_peak - repeated_peak) / (varied_keys - repeated_keys)
    # a digest, a number and where its answers are (about 150 bytes); a key and its answers
    # held in the parent were 1-2 KB
    assert per_key < 400, (per_key, found)
    # with reasons: every situation once, as ask answers it (here, by the stand-in)
    repeated_peak, _, repeated_situations = found["repeated True"]
    varied_peak, _, varied_situations = found["varied True"]
    assert varied_situations == rows and repeated_situations == rows // 10, found
    per_situation = (varied_peak - repeated_peak) / (varied_situations - repeated_situations)
    assert per_situation < 400, (per_situation, found)
