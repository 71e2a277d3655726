"""``pyagent clauses`` names the pins of a clause wherever it is run from: the pins of queries/
beside the knowledge base, as the page finds them.  Run outside the checkout, it read queries/
relative to the working directory and said of every clause "pins (0): none" (「固定案例（0个）：
无」), which is false."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app

ROOT = Path(__file__).resolve().parent.parent


def _pins(clause: str) -> list[str]:
    out = CliRunner().invoke(app, ["clauses", clause, "--json"])
    assert out.exit_code == 0, out.output
    (row,) = json.loads(out.stdout)["clauses"]
    return row["pins"]


@pytest.mark.parametrize("clause", ["P3.S1", "P2.S3.a"])
def test_the_pins_of_a_clause_do_not_depend_on_the_working_directory(monkeypatch, tmp_path, clause):
    monkeypatch.chdir(ROOT)
    from_root = _pins(clause)
    assert from_root and all(p.startswith("queries/") for p in from_root), from_root
    monkeypatch.chdir(tmp_path)
    assert _pins(clause) == from_root
    zh = CliRunner().invoke(app, ["clauses", clause, "--lang", "zh"], env={"COLUMNS": "200"})
    assert f"固定案例（{len(from_root)}个）：queries/" in zh.stdout, zh.stdout
