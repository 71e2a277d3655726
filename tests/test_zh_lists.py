"""A list in a message is joined as every list of its language is (`pyagent.errors.listed`):
、 in Chinese, a comma in English.  The questions an unknown question id is told of and the
clauses an unknown clause id is told of were joined with ", " under ``--lang zh`` too."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app

CASE = str(Path(__file__).resolve().parent.parent / "queries" / "demo.yaml")
runner = CliRunner()

ASKED = {
    "question": (["why", CASE, "title.nope"], "title.participate", "title.assistant"),
    "clause": (["clauses", "P9"], "P2.S1", "P2.S2"),
}


@pytest.mark.parametrize("kind", sorted(ASKED))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_list_in_a_message_is_joined_in_the_language_asked(kind, lang):
    args, first, second = ASKED[kind]
    result = runner.invoke(app, [*args, "--lang", lang])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    said = result.stderr
    sep, other = ("、", ", ") if lang == "zh" else (", ", "、")
    assert f"{first}{sep}{second}" in said, said
    assert other not in said, said
