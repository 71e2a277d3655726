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


def test_the_command_and_the_notice_page_count_the_pins_of_a_clause_alike():
    """One rule (`pyagent.pins.of_clause`): a pin fixes a clause when an answer of it rests on
    the clause, or it sits in the clause's directory of queries/.  ``pyagent clauses P2.S1``
    said 5 (the citations alone) where the page said 7, and P2.S3.b had no pins at all."""
    from pyagent.web.compute import notice

    out = CliRunner().invoke(app, ["clauses", "--json"])
    assert out.exit_code == 0, out.output
    command = {row["clause"]: row["pins"] for row in json.loads(out.stdout)["clauses"]}
    page = {e.ref: [f"queries/{f}::{name}" for f, name in e.pins] for e in notice()}
    assert command == {ref: page[ref] for ref in command}
    assert all(page[ref] == [] for ref in set(page) - set(command))
    # P2.S1: the 5 pins of its directory (2 of which no answer citing it: on the report date
    # the notice is in force, and before it a no stays no) and 2 of readings/ citing it
    in_force = [p for p in command["P2.S1"] if p.startswith("queries/p2_s1_in_force/")]
    assert len(in_force) == 5 and len(command["P2.S1"]) == 7
    assert any("On the report date itself" in p for p in command["P2.S1"])
    # P2.S3.b is cited by no answer (credentials never decide): its directory's pins fix it
    assert command["P2.S3.b"] and all(
        p.startswith("queries/p2_s3_b_credentials/") for p in command["P2.S3.b"]
    )
    # a directory that is no clause's fixes none (readings/, whatif/): only citations count
    from pyagent.pins.of_clause import directory_clause

    refs = list(command)
    assert directory_clause("readings", refs) is None and directory_clause("whatif", refs) is None
    assert directory_clause("p2_s3_a_gate", refs) == "P2.S3.a"
    assert directory_clause("p5_reverse", refs) is None
