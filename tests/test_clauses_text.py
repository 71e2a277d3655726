"""``pyagent clauses`` in the language asked, and no line ending in spaces: under zh the pins
(whose names are English sentences of queries/) are listed by file and count, as the notice page
lists them, and the rules are joined with 、 after a full-width colon."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from pyagent.cli import app

_ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,})+\b")


def test_clauses_say_every_line_in_the_language_asked_without_trailing_spaces() -> None:
    runner = CliRunner()
    for lang in ("zh", "en"):
        out = runner.invoke(app, ["clauses", "P2.S3.a", "--lang", lang], env={"COLUMNS": "100"})
        assert out.exit_code == 0, out.output
        lines = out.stdout.splitlines()
        assert [line for line in lines if line != line.rstrip()] == [], lang
        if lang == "zh":
            # codes and file paths aside, no English phrase (a pin's name was shown whole)
            plain = [
                re.sub(r"queries/\S+?\.yaml|[\w.]+\.lp:\d+|[a-z_]+=?[a-z_]*", " ", x) for x in lines
            ]
            assert not [x for x in plain if _ENGLISH.search(x)], lines
            assert "编码规则：p2_gate.lp:" in out.stdout and "、p2_gate.lp:" in out.stdout
            assert re.search(r"固定案例（\d+个）：queries/", out.stdout)
        else:
            assert "encoded by: p2_gate.lp:" in out.stdout and "::" in out.stdout
