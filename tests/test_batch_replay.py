"""The explanation cache across keys (pyagent/batch/replay.py) never changes a byte: batch with
it and without it write the same output on generated rosters whose persons share situations
(so that answers are replayed, which the test checks happened).  That batch (the cache on, its
default) equals ``pyagent ask`` is tests/test_batch.py's; one example here checks it too."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyagent.batch import phases
from pyagent.batch.pipeline import BatchConfig, run_batch
from test_batch import (
    AS_OF,
    PARAMETERS,
    ask_json,
    near_thresholds,
    persons,
    read_jsonl,
    write_jsonl,
)


def shifted(rows: list[dict], seed: int) -> list[dict]:
    """The same persons again with new ids and every date of a row moved by the same few days
    (so that a period never ends before it begins): other keys (a month count may cross no
    threshold, or one), often the same answers."""
    rng = random.Random(seed)

    def move(v: object, by: dt.timedelta) -> object:
        if isinstance(v, dict):
            return {k: move(x, by) for k, x in v.items()}
        if isinstance(v, list):
            return [move(x, by) for x in v]
        if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
            try:
                day = dt.date.fromisoformat(v)
            except ValueError:
                return v
            return (day + by).isoformat()
        return v

    return [
        dict(move(r, dt.timedelta(days=rng.randint(-40, 40))), id=f"{r['id']}_moved{k}")
        for k, r in enumerate(rows)
    ]


def replay_counts() -> tuple[int, int]:
    hits = misses = 0
    for ctx in phases._CONTEXTS.values():
        for r in ctx._replays.values():
            hits, misses = hits + r.hits, misses + r.misses
    return hits, misses


def errors_of(out: Path) -> set[str]:
    """The ids of the rows batch refused (its errors file), each for a post not yet held."""
    path = out.with_name(out.name + ".errors.jsonl")
    if not path.exists():
        return set()
    found = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all("after as_of" in e["message"] for e in found), found
    return {e["id"] for e in found}


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10**6),
    readings=st.sampled_from(
        [{}, {"assessment_years": "latest_three", "basically_qualified": "passes"}]
    ),
)
def test_the_cache_changes_no_byte_and_batch_equals_ask(
    tmp_path: Path, seed: int, readings: dict
) -> None:
    rows = persons(seed, 8) + near_thresholds(seed)
    rows += shifted(rows, seed)
    roster = write_jsonl(tmp_path / f"r{seed}.jsonl", rows)
    outs = {}
    for replay in (True, False):
        out = outs[replay] = tmp_path / f"r{seed}.{replay}.jsonl"
        config = BatchConfig(
            as_of=AS_OF,
            parameters=PARAMETERS,
            readings=readings,
            jobs=1,
            replay=replay,
            reasons=False,
        )
        phases._CONTEXTS.clear()
        run_batch(roster, out, config)
        if replay:
            hits, misses = replay_counts()
            assert misses > 0 and hits > 0, (hits, misses)  # keys were answered by replay
        else:
            assert replay_counts() == (0, 0)
    assert outs[True].read_bytes() == outs[False].read_bytes()
    if not readings:
        # a shifted row may begin its post after as_of: batch writes it to the errors file (SPEC
        # v2), so batch's persons are compared with ask's by id, and every row left out is there
        got = read_jsonl(outs[True])
        answered = {p["id"] for p in got}
        refused = errors_of(outs[True])
        assert answered | refused == {r["id"] for r in rows} and not answered & refused
        assert got == [p for p in ask_json(rows, readings) if p["id"] in answered]
