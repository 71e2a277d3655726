"""A list in a message is joined as every list of its language is (`pyagent.errors.listed`):
、 in Chinese, a comma in English.  The questions an unknown question id is told of and the
clauses an unknown clause id is told of were joined with ", " under ``--lang zh`` too, and so
were the readings an unknown reading is told of."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app
from test_web import client, finished  # noqa: F401  (client: a fixture)

CASE = str(Path(__file__).resolve().parent.parent / "queries" / "demo.yaml")
runner = CliRunner()

ASKED = {
    "question": (["why", CASE, "title.nope"], "title.participate", "title.assistant"),
    "clause": (["clauses", "P9"], "P2.S1", "P2.S2"),
    # a reading no reading is near: every reading listed
    "reading": (["ask", CASE, "--reading", "zzz=open"], "field_list", "field_scope"),
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


ROSTER = "id,cert1_level,cert1_kind,work1_from,field,current_post,post_since,post_occupation\n"
ROSTER += "x1,technician,skill_level,2015-03-01,engineering,yes,2016-03-01,电工\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_inputs_an_answer_depends_on_are_listed_in_the_language_of_the_page(
    client,  # noqa: F811
    lang,
):
    """The roster's page and its report list the inputs an unknown answer depends on with 、
    under zh, as the clauses and every other zh list (they were joined with ', ')."""
    import re

    r = client.post(
        "/roster",
        data={"as_of": "2026-07-01", "lang": lang},
        files={"roster": ("r.csv", ROSTER.encode("utf-8"), "text/csv")},
        follow_redirects=False,
    )
    page = finished(client, r)
    token = re.search(r"/roster/([\w-]+)/answers\.csv", page.text).group(1)
    sep = "、" if lang == "zh" else ", "
    for url in (f"/roster/{token}?lang={lang}", f"/roster/{token}/report.html?lang={lang}"):
        text = client.get(url).text
        lists = re.findall(r'<div class="depends">([^<]*)</div>', text)
        assert lists and any(sep in x for x in lists), (url, lists)
        assert not [x for x in lists if ("," if lang == "zh" else "、") in x], (url, lists)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ids_of_a_roster_without_the_person_asked_are_listed_as_a_cases_are(tmp_path, lang):
    """--person not in a roster: its ids are listed as a case's persons are (「nobody」, 、 under
    zh); the roster's said 'nobody' and joined them with ', ' under zh."""
    roster = tmp_path / "r.csv"
    roster.write_text("id,field\nli,engineering\nwang,engineering\n", encoding="utf-8")
    result = runner.invoke(app, ["ask", str(roster), "--person", "nobody", "--lang", lang])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    if lang == "zh":
        assert "没有编号为「nobody」的行；已有编号：li、wang" in result.stderr, result.stderr
    else:
        assert "no row has the id 'nobody'; its ids are: li, wang" in result.stderr, result.stderr


@pytest.mark.parametrize("width", [80, 20, 4])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_readings_list_their_values_and_clauses_in_the_language_asked(lang, width):
    """`pyagent readings --lang zh` joined a reading's values and clauses with ', ' (and at 80
    cells cut a code in two, skill_to_title_on / ly): now with 、 under zh, and below the width
    a table needs, one reading under another with every word on its line."""
    result = runner.invoke(app, ["readings", "--lang", lang], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    text = result.stdout
    if lang == "zh":
        values, clauses = "取值：all_paths、skill_to_title_only", "条款：P2.S2、P2.S3.a、P3.S1"
        assert ", " not in text
    else:
        values, clauses = "values: all_paths, skill_to_title_only", "clauses: P2.S2, P2.S3.a, P3.S1"
        assert "all_paths、" not in text and "P2.S2、" not in text  # (quotes of the notice have 、)
    if width == 80:
        assert values in text and clauses in text, text
    words = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", values) in words and "skill_to_title_only" in words


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_template_written_is_said_in_the_language_asked(lang, tmp_path):
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["template", str(out), "--lang", lang])
    assert result.exit_code == 0, result.output
    said = result.stdout.strip().replace(str(out), "r.csv")
    if lang == "zh":
        assert said.startswith("已写出r.csv：") and said.endswith("列及一行示例"), said
    else:
        assert said.startswith("wrote r.csv: ") and said.endswith(" columns and one example row")
