"""pyagent batch on Dask: the same three phases on a 2-worker LocalCluster give the same
bytes as the local run, and the output does not depend on how the roster is partitioned."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import random
from pathlib import Path

import pytest

from pyagent.batch.pipeline import BatchConfig, outputs_of, run_batch

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 7, 1)
spec = importlib.util.spec_from_file_location("bench_roster", ROOT / "bench" / "roster.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)  # type: ignore[union-attr]


def roster(path: Path, n: int, seed: int) -> Path:
    rng = random.Random(seed)
    lines = [json.dumps(gen.person(rng, f"d{i}"), ensure_ascii=False) for i in range(n)]
    lines[3] = '{"id": "bad", "certificates": [{"level": "tecnician"}]}'
    lines[7] = "{not json"
    lines.insert(10, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def outputs(out: Path) -> tuple[bytes, bytes, dict]:
    errors, summary = outputs_of(out)
    s = json.loads(summary.read_text(encoding="utf-8"))
    for k in ("seconds", "persons_per_second", "output", "errors_file"):
        s.pop(k)
    return out.read_bytes(), errors.read_bytes(), s


def test_partitioning_changes_no_byte(tmp_path: Path) -> None:
    r = roster(tmp_path / "r.jsonl", 20, 1)
    base = BatchConfig(as_of=AS_OF, jobs=1, compare={"basically_qualified": "passes"})
    got = []
    for name, size, jobs in (("one", 1 << 22, 1), ("small", 900, 1), ("odd", 4097, 2)):
        out = tmp_path / f"{name}.jsonl"
        run_batch(r, out, BatchConfig(**{**base.__dict__, "block_bytes": size, "jobs": jobs}))
        got.append(outputs(out))
    assert got[0] == got[1] == got[2]
    assert got[0][2]["persons_in"] == 20 and got[0][2]["errors"] == 2


def test_dask_output_equals_the_local_output(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    r = roster(tmp_path / "r.jsonl", 20, 2)
    local = tmp_path / "local.jsonl"
    run_batch(r, local, BatchConfig(as_of=AS_OF, jobs=1))
    on_dask = tmp_path / "dask.jsonl"
    summary = run_batch(
        r, on_dask, BatchConfig(as_of=AS_OF, jobs=2, dask="local", block_bytes=3000)
    )
    assert summary.persons_in == 20 and summary.errors == 2
    assert outputs(on_dask) == outputs(local)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".partial", ".parts"))]
