"""A roster line too long to be a person is a bad row, read in bounded memory."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from pyagent.batch.pipeline import BatchConfig, run_batch
from pyagent.input.roster import OVERLONG, read_blocks

PERSON = {
    "id": "a",
    "certificates": [{"level": "technician", "obtained": "2020-01-01"}],
    "technical_work": [{"from": "2019-01-01"}],
    "field": "engineering",
}


def test_read_blocks_skips_an_overlong_line_without_holding_it():
    long_line = b"x" * 5000
    data = b'{"id":"a"}\n' + long_line + b'\n{"id":"b"}\n' + long_line
    blocks = list(read_blocks(io.BytesIO(data), size=64, max_row=1000))
    lines = b"".join(block for _, block in blocks).split(b"\n")
    assert lines == [b'{"id":"a"}', OVERLONG, b'{"id":"b"}', OVERLONG]
    assert max(len(block) for _, block in blocks) < 1000 + 64 * 2


def test_batch_reports_an_overlong_row_by_line_and_answers_the_rest(tmp_path: Path):
    roster = tmp_path / "roster.jsonl"
    rows = [
        json.dumps(PERSON),
        '{"id": "' + "y" * (1 << 21) + '"}',
        json.dumps({**PERSON, "id": "b"}),
    ]
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    errors: list[dict] = []
    summary = run_batch(
        roster, out, BatchConfig(as_of=dt.date(2026, 7, 1), jobs=1), on_error=errors.append
    )
    answered = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert answered == ["a", "b"]
    assert [e["line"] for e in errors] == [2]
    assert "longer than" in errors[0]["message"] and "not read" in errors[0]["message"]
    assert summary.persons_in == 3 and summary.persons_out == 2
