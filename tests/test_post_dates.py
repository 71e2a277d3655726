"""SPEC v2, section 2: a ``current_post.since`` after ``as_of`` is bad input (the post is not
yet held on the date asked): one message naming the file and the place, exit 2, in a case
file, under ``--as-of``, in a roster asked as a case, and as a bad row of a batch."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.batch.pipeline import BatchConfig, outputs_of, run_batch
from pyagent.cli import app
from pyagent.errors import InputError
from pyagent.input.case import load_case

runner = CliRunner()

CASE = """\
as_of: 2026-07-01
persons:
  - id: settled
    current_post: {since: 2026-07-01, occupation: 电工}
  - id: not_yet
    current_post: {since: 2026-07-02, occupation: 电工}
"""


def test_a_post_beginning_after_as_of_is_bad_input_named_by_its_place(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(CASE, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_case(path)
    e = err.value
    assert e.place == "persons[1].current_post.since" and e.line == 6
    assert "2026-07-02" in e.message and "2026-07-01" in e.message
    result = runner.invoke(app, ["ask", str(path), "--lang", "zh"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "persons[1].current_post.since" in result.stderr and "晚于查询日" in result.stderr


def test_a_post_beginning_on_as_of_is_held_and_an_earlier_as_of_makes_it_bad(
    tmp_path: Path,
) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(CASE.split("  - id: not_yet")[0], encoding="utf-8")
    assert load_case(path).persons[0].current_post.since == dt.date(2026, 7, 1)
    with pytest.raises(InputError, match="--as-of 2026-06-30"):
        load_case(path, as_of=dt.date(2026, 6, 30))


def test_a_roster_row_with_a_post_not_yet_held_is_a_bad_row(tmp_path: Path) -> None:
    roster = tmp_path / "roster.jsonl"
    rows = [
        {"id": "held", "current_post": {"since": "2020-01-01"}},
        {"id": "not_yet", "current_post": {"since": "2026-08-01"}},
    ]
    roster.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    asked = runner.invoke(app, ["ask", str(roster), "--as-of", "2026-07-01"])
    assert (
        asked.exit_code == 2
        and f"{roster}:2:" in asked.stderr
        and "current_post.since" in asked.stderr
    )
    out = tmp_path / "answers.jsonl"
    summary = run_batch(roster, out, BatchConfig(as_of=dt.date(2026, 7, 1), parameters={}, jobs=1))
    assert (summary.persons_out, summary.errors) == (1, 1)
    errors = [
        json.loads(line) for line in outputs_of(out)[0].read_text(encoding="utf-8").splitlines()
    ]
    assert errors[0]["line"] == 2 and "current_post.since" in errors[0]["message"]


MID_YEAR = """\
as_of: 2026-07-01
person:
  id: zhao
  certificates: [{level: senior_worker, kind: skill_level, obtained: 2018-01-01}]
  technical_work: [{from: 2018-01-01}]
  field: engineering
  current_post: {since: 2023-05-01, occupation: 电工}
  annual_assessments:
    - {year: 2025, grade: qualified}
    - {year: 2024, grade: qualified}
    - {year: 2023, grade: excellent}
"""


@pytest.mark.parametrize("lang, value", [("en", "yes"), ("zh", "是")])
def test_a_year_begun_at_the_post_mid_year_is_settled_by_a_yes(tmp_path: Path, lang, value) -> None:
    """SPEC v2 section 4 and section 9: a post begun during 2023 leaves that year's
    at_current_post open; what settles it is a yes, said as such, never a placeholder."""
    path = tmp_path / "case.yaml"
    path.write_text(MID_YEAR, encoding="utf-8")
    result = runner.invoke(app, ["ask", str(path), "--json", "--lang", lang])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)["persons"][0]["answers"][0]
    assert answer["status"] == "unknown"
    assert answer["depends_on"] == ["annual_assessments[2].at_current_post"]
    assert [s["values"] for s in answer["to_settle"]] == [[value]]
    assert "favourable" not in answer["reason"] and "最有利" not in answer["reason"]


@pytest.mark.parametrize(
    "lang, said",
    [
        ("en", "if the 2023 assessment was at the current post (annual_assessments[2]): yes"),
        ("zh", "若2023年度考核在现工作岗位上（annual_assessments[2]）：是"),
    ],
)
def test_what_decides_a_yes_or_no_input_is_said_as_what_it_states(tmp_path: Path, lang, said):
    """SPEC 9's own example: "yes if the 2023 assessment was at the current post", not "if
    whether the 2023 assessment was at the current post is yes"."""
    path = tmp_path / "case.yaml"
    path.write_text(MID_YEAR, encoding="utf-8")
    args = ["why", str(path), "title.participate", "--format", "markdown", "--lang", lang]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = result.stdout.replace("\\", "")  # Markdown's escapes of _ and [ ]
    assert said in text
    assert "is yes: yes" not in text and "为是：是" not in text
