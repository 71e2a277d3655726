"""Rows that are the same apart from their id are answered once (`pyagent.batch.shapes`): the
output is what ``pyagent ask --json --lang`` gives each person, its own id in its reasons, and
every bad row is reported with its own line and id, as when each row is read in full."""

from __future__ import annotations

import json
import string
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pyagent.batch import phases
from pyagent.batch.phases import json_text
from pyagent.batch.pipeline import outputs_of, run_batch
from pyagent.batch.shapes import FAST_ID, fast_shape
from pyagent.input.case import parse_person
from test_batch import ask_json, config, persons, read_jsonl, write_jsonl

SAFE = string.ascii_letters + string.digits + "_.:@+-"


@given(st.text(SAFE, min_size=1, max_size=64))
def test_an_id_cut_out_fast_is_one_the_input_accepts_as_it_stands(pid: str) -> None:
    line = json.dumps({"id": pid, "field": "art"})
    assert FAST_ID.match(line) is not None
    assert fast_shape(line) == (pid, '"field": "art"}')
    assert parse_person({"id": pid}, "<t>", "").id == pid  # not stripped, not refused
    assert json_text(pid) == '"' + pid + '"'  # written as it stands


def test_ids_that_are_not_cut_out_fast() -> None:
    for line in (
        '{"id":"a b","field":"art"}',  # a space: the input strips ids
        '{"id":"x\\u0041","field":"art"}',  # an escape
        '{"field":"art","id":"p1"}',  # not the first key
        '{"id":"p1"}',  # nothing after it
        '{"id":"' + "p" * 65 + '","x":1}',
    ):
        assert fast_shape(line) is None, line


WEIRD_IDS = ["p1", 'quo"te', "back\\slash", "张三", "line\u2028sep", " padded "]


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: a failure shows as is
)
@given(seed=st.integers(0, 10**6), lang=st.sampled_from(["en", "zh"]))
def test_repeated_situations_are_asks_answers_with_their_own_ids(
    tmp_path: Path, seed: int, lang: str
) -> None:
    base = persons(seed, 3) + [{"id": "nopost", "field": "art", "current_post": "none"}]
    rows = [dict(r, id=f"{pid}{k}") for pid in WEIRD_IDS for k, r in enumerate(base)]
    roster = write_jsonl(tmp_path / f"r{seed}.jsonl", rows)
    phases._CONTEXTS.clear()
    out = tmp_path / f"r{seed}.{lang}.jsonl"
    summary = run_batch(roster, out, config(lang=lang, block_bytes=2000))
    got = read_jsonl(out)
    assert got == ask_json(rows, None, lang)
    assert summary.persons_out == len(rows)
    # the reason of a person without a post names that person: its own id, not another's
    named = [p for k, p in enumerate(got) if k % len(base) == len(base) - 1]
    assert all(p["id"] in p["answers"][0]["reason"] for p in named)


def test_a_bad_row_repeated_is_reported_on_each_of_its_lines(tmp_path: Path) -> None:
    good = {"field": "art", "current_post": "none"}
    bad = {"field": "art", "certificates": [{"level": "tecnician"}]}
    rows: list[object] = []
    for i in range(6):
        rows.append({"id": f"g{i}", **good})
        rows.append({"id": f"b{i}", **bad})
    rows.append({"id": "", **good})  # the shape of a good row, an id the input refuses
    rows.append({"id": 7, **good})
    roster = write_jsonl(tmp_path / "r.jsonl", rows)
    out = tmp_path / "o.jsonl"
    for reasons in (True, False):
        phases._CONTEXTS.clear()
        summary = run_batch(roster, out, config(reasons=reasons))
        assert summary.persons_out == 6 and summary.errors == 8
        errors = read_jsonl(outputs_of(out)[0])
        assert [e["line"] for e in errors] == [2, 4, 6, 8, 10, 12, 13, 14]
        assert [e["id"] for e in errors[:6]] == [f"b{i}" for i in range(6)]
        assert all("tecnician" in e["message"] for e in errors[:6])
        assert "id" in errors[6]["place"] and "id" in errors[7]["place"]
        assert [p["id"] for p in read_jsonl(out)] == [f"g{i}" for i in range(6)]


def test_a_worker_that_runs_partitions_out_of_order_gives_the_same_bytes(
    tmp_path: Path, monkeypatch
) -> None:
    """A worker sends a situation's person with the first partition *it* runs, and names it by
    its digest after that; on Dask a worker may run a later partition first, so the parent
    meets the digest before the person (it waits for it, never fails)."""
    from pyagent.batch import executors

    rows = [dict(r, id=f"p{k}") for k in range(12) for r in persons(3, 2)]  # repeats
    roster = write_jsonl(tmp_path / "r.jsonl", rows)
    phases._CONTEXTS.clear()
    run_batch(roster, tmp_path / "in_order.jsonl", config(block_bytes=1500))
    in_order = (tmp_path / "in_order.jsonl").read_bytes()
    plain = executors._Inline.ordered
    ran: list[int] = []

    def backwards(self, name, tasks):  # one worker: runs phase 1 last partition first
        if name != "key_part":
            yield from plain(self, name, tasks)
            return
        tasks = list(tasks)
        done = {}
        for k in reversed(range(len(tasks))):
            done[k] = executors.call(name, self.args, *tasks[k])
            ran.append(k)
        for k, task in enumerate(tasks):
            yield task, done[k]

    monkeypatch.setattr(executors._Inline, "ordered", backwards)
    phases._CONTEXTS.clear()
    run_batch(roster, tmp_path / "backwards.jsonl", config(block_bytes=1500))
    assert len(ran) > 2 and ran[0] > ran[-1]  # several partitions, run last first
    assert (tmp_path / "backwards.jsonl").read_bytes() == in_order
