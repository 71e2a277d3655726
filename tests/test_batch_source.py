"""`run_batch(source=...)` names the roster in messages only; its JSONL partitions are read
from the roster's path.  They were read from ``source``, so that a JSONL roster piped in
(``pyagent batch - --input-format jsonl``, source ``<stdin>``) or uploaded to the page (source
its own name) failed with a false "cannot write the output: No such file or directory"."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from pyagent.batch.pipeline import BatchConfig, run_batch
from pyagent.cli import app

ROWS = '{"id": "a", "honours": []}\n{"id": "b", "certificates": [{"level": "tecnician"}]}\n'


def test_a_jsonl_roster_named_by_its_source_is_read_from_its_path(tmp_path: Path) -> None:
    roster = tmp_path / "roster.jsonl"
    roster.write_text(ROWS, encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    seen: list[dict] = []
    config = BatchConfig(as_of=dt.date(2026, 7, 1), jobs=1)
    summary = run_batch(roster, out, config, on_error=seen.append, source="名单.jsonl")
    assert summary.to_json()["roster"] == "名单.jsonl"
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["a"]
    assert [e["message"].split(":")[0] for e in seen] == ["名单.jsonl"]
    assert str(tmp_path) not in json.dumps(seen, ensure_ascii=False)


def test_a_jsonl_roster_piped_in_is_answered(tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    done = CliRunner().invoke(
        app,
        ["batch", "-", "-o", str(out), "--input-format", "jsonl", "--as-of", "2026-07-01"],
        input=ROWS,
    )
    assert done.exit_code == 0, done.output
    assert done.stderr.startswith("<stdin>:2"), done.stderr
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["a"]
