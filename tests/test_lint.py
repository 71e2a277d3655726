"""`pyagent lint`: the knowledge base's conventions hold, and each kind of breach is caught.

Each breach is made in a copy of ``kb/`` (with the README beside it, which lint reads for
the documentation of readings and parameters) and must come out as a problem of the right
check, at the right place.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app
from pyagent.kb import kb_dir
from pyagent.pins.lint import lint, notice_clauses

ROOT = Path(__file__).resolve().parent.parent

# The clause table of the notice (../shared/notice/clauses.md), ids and kinds, so that the
# "every clause encoded or recorded as not encoded" check runs even where that file is absent.
NOTICE_IDS = [
    "H.1", "H.2", "P1.S1", "P1.S2", "P2.S1", "P2.S2", "P2.S3.a", "P2.S3.b", "P2.S3.c",
    "P3.S1", "P3.S2", "P3.S3", "P4.S1", "P4.S2", "P4.S3", "P5.S1.a", "P5.S1.b", "P5.S1.c",
]  # fmt: skip


def notice_table(tmp_path: Path, ids=NOTICE_IDS) -> Path:
    path = tmp_path / "clauses.md"
    rows = "\n".join(f"| {i} | text of {i} | kind of {i} |" for i in ids)
    path.write_text(f"| id | text (verbatim) | kind |\n|---|---|---|\n{rows}\n", encoding="utf-8")
    return path


def copy_kb(tmp_path: Path) -> Path:
    shutil.copytree(kb_dir(), tmp_path / "kb")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    return tmp_path / "kb"


def edit(path: Path, pattern: str, replacement: str) -> int:
    """Substitute once; return the line of the change."""
    text = path.read_text(encoding="utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"{pattern!r} not in {path.name}: update the test with the knowledge base"
    path.write_text(text[: match.start()] + replacement + text[match.end() :], encoding="utf-8")
    return text.count("\n", 0, match.start()) + 1


def test_the_knowledge_base_passes_lint(tmp_path):
    report = lint(notice=notice_table(tmp_path))
    assert report.holds, "\n".join(map(str, report.problems))
    assert report.rules > 50 and report.notes == ()


def test_the_notice_table_is_read_as_the_lint_test_assumes(tmp_path):
    assert [i for i, _ in notice_clauses(notice_table(tmp_path))] == NOTICE_IDS
    shared = ROOT.parent / "shared" / "notice" / "clauses.md"
    if shared.is_file():  # the real table, where this checkout has it beside it
        assert [i for i, _ in notice_clauses(shared)] == NOTICE_IDS


def test_without_the_notice_table_lint_says_what_it_did_not_check(tmp_path):
    report = lint(copy_kb(tmp_path))  # no ../shared beside the copy
    assert report.holds and report.notice is None
    assert "checked the knowledge base's own table" in report.notes[0]


def test_an_installed_copy_does_not_look_for_the_shared_notice(tmp_path):
    """A kb/ outside a source checkout (pyagent/_kb in site-packages) never reaches for a
    ../shared/ beside it, even when one happens to exist there."""
    from pyagent.pins.lint import default_notice

    site = tmp_path / "site-packages" / "pyagent"
    (site / "_kb").mkdir(parents=True)
    (tmp_path / "site-packages" / "shared" / "notice").mkdir(parents=True)
    (tmp_path / "site-packages" / "shared" / "notice" / "clauses.md").write_text("| P1 | x | y |\n")
    assert default_notice(site / "_kb") is None
    assert default_notice(ROOT / "kb") == (
        (ROOT.parent / "shared" / "notice" / "clauses.md")
        if (ROOT.parent / "shared").is_dir()
        else None
    )


def test_lint_and_coverage_count_rules_the_same_way():
    from pyagent.engine.program import load_program

    with_body = sum(1 for r in load_program().rules if r.body)
    assert lint().rules == with_body


# (id, file, pattern, replacement, check, message)
BREACHES = [
    (
        "a rule names no clause",
        "p4_special_talent.lp",
        r"may_apply_special_talent\(P\) :- clause\(p4_s3\), ",
        "may_apply_special_talent(P) :- ",
        "citation",
        "the rule names no clause",
    ),
    (
        "a rule names an undeclared clause",
        "p4_special_talent.lp",
        r"benefits_brought\(P\) :- clause\(p4_s3\), benefit\(P, social\), benefit",
        "benefits_brought(P) :- clause(p4_s9), benefit(P, social), benefit",
        "citation",
        "clause(p4_s9) is not declared",
    ),
    (
        "a misspelt atom",
        "p4_special_talent.lp",
        r"outstanding_contribution\(P\),",
        "outstanding_contributon(P),",
        "grounding",
        "outstanding_contributon",
    ),
    (
        "an undefined operation",
        "p2_gate.lp",
        r"year_passes\(P, Y - 1\)",
        "year_passes(P, Y - a)",
        "grounding",
        "operation undefined",
    ),
    (
        "a misspelt reading",
        "p4_special_talent.lp",
        r"reading\(special_talent_benefits, both\)",
        "reading(special_talent_benefit, both)",
        "readings",
        "reading(special_talent_benefit, ...) is not a declared reading",
    ),
    (
        "a reading value that is not one",
        "p4_special_talent.lp",
        r"reading\(special_talent_benefits, either\)",
        "reading(special_talent_benefits, any)",
        "readings",
        "any is not a value of the reading special_talent_benefits",
    ),
    (
        "a reading without a reason",
        "readings.lp",
        r"^reading_reason\(field_list, .*\n",
        "",
        "readings",
        "gives no reason",
    ),
    (
        "a reading without its Chinese words",
        "readings.lp",
        r"^reading_words\(field_list, zh, .*\n.*\n",
        "",
        "readings",
        "has no Chinese question and reason",
    ),
    (
        "a reading no rule consults",
        "readings.lp",
        r"\Z",
        (
            "\nreading_option(idle, (a; b)).\nreading_default(idle, a).\n"
            'reading_about(idle, ("P2.S2",), "?").\nreading_reason(idle, "none").\n'
        ),
        "readings",
        "no rule consults it",
    ),
    (
        "a clause declared and never cited",
        "clauses.lp",
        r"^clause_order\(questions, 0\)\.",
        'clause_order(questions, 0).\nclause_text(p9_s9, "P9.S9", "x").',
        "notice",
        "declared in clauses.lp as p9_s9 but no rule cites it",
    ),
    (
        "a clause neither encoded nor recorded",
        "clauses.lp",
        r"^not_encoded\(\"P2\.S3\.c\".*\n",
        "",
        "notice",
        "neither encoded nor recorded as not encoded",
    ),
    (
        "a rule reads credential/2",
        "p2_gate.lp",
        r"may_participate\(P\) :- clause\(p2_s3_a\), gate\(P\),",
        "may_participate(P) :- clause(p2_s3_a), gate(P), not credential(P, education),",
        "guarantee",
        "reads credential/2",
    ),
    (
        "a predicate without a docstring",
        "p4_special_talent.lp",
        r"\Z",
        "\nhelper(P) :- clause(p4_s3), person(P).\n",
        "docs",
        "helper/1 has no %*! docstring",
    ),
    (
        "a construct the evaluator cannot walk",
        "p4_special_talent.lp",
        r"\Z",
        (
            "\n%*! every_medal(P)\nAll of P's honours are medals.\n*%\n"
            "every_medal(P) :- clause(p4_s2), person(P), honour(P, H) : national_contest_medal(H).\n"
        ),
        "evaluator",
        "cannot walk",
    ),
]


@pytest.mark.parametrize(
    ("file", "pattern", "replacement", "check", "message"),
    [b[1:] for b in BREACHES],
    ids=[b[0] for b in BREACHES],
)
def test_lint_catches_each_kind_of_breach_at_its_place(
    tmp_path, file, pattern, replacement, check, message
):
    copy = copy_kb(tmp_path)
    line = edit(copy / file, pattern, replacement)
    report = lint(copy, notice_table(tmp_path))
    found = [p for p in report.problems if p.check == check and message in p.message]
    assert found, "\n".join(map(str, report.problems)) or "no problem found"
    if check in ("citation", "guarantee", "grounding"):
        assert any(p.where == f"{file}:{line}" for p in found), [str(p) for p in found]


def test_a_reading_or_parameter_missing_from_the_readme_is_a_problem(tmp_path):
    copy = copy_kb(tmp_path)
    edit(tmp_path / "README.md", r"^\| `duration_end` .*\n", "")
    edit(tmp_path / "README.md", r"`\.senior_technician`", "")
    problems = {(p.check, p.where, p.message) for p in lint(copy, notice_table(tmp_path)).problems}
    assert ("readings", "duration_end", "is not documented in README.md") in problems
    assert (
        "parameters",
        "application_years.senior_technician",
        "is not documented in README.md",
    ) in problems


def test_a_syntax_error_is_one_problem_with_its_place(tmp_path):
    copy = copy_kb(tmp_path)
    line = edit(
        copy / "p4_special_talent.lp",
        r"outstanding_contribution\(P\),",
        "outstanding_contribution(P),,",
    )
    report = lint(copy, notice_table(tmp_path))
    assert [(p.check, p.where) for p in report.problems] == [
        ("syntax", f"p4_special_talent.lp:{line}")
    ]


def test_pyagent_lint_exits_0_clean_1_on_problems_2_on_bad_input(tmp_path):
    runner = CliRunner()
    notice = notice_table(tmp_path)
    ok = runner.invoke(app, ["lint", "--notice", str(notice)])
    assert ok.exit_code == 0, ok.stdout
    assert "no problems" in ok.stdout
    copy = copy_kb(tmp_path)
    edit(
        copy / "p4_special_talent.lp",
        r"outstanding_contribution\(P\),",
        "outstanding_contributon(P),",
    )
    bad = runner.invoke(app, ["lint", "--kb", str(copy), "--notice", str(notice)])
    assert bad.exit_code == 1
    assert "[grounding]" in bad.stdout and "outstanding_contributon" in bad.stdout
    for args, message in (
        (["--notice", str(tmp_path / "none.md")], "no such file"),
        (["--kb", str(tmp_path)], "not a knowledge base directory"),
    ):
        result = runner.invoke(app, ["lint", *args])
        assert result.exit_code == 2 and message in result.stderr


def test_coverage_of_one_pin_says_one_pin():
    from rich.console import Console

    from pyagent.cli.render_pins import coverage_view
    from pyagent.pins.coverage import Coverage

    console = Console(record=True, width=200, file=__import__("io").StringIO())
    console.print(coverage_view(Coverage(1, 1, (), (), (), 0)))
    text = console.export_text()
    assert "1 pin, 1 pinned answer" in text and "1 pins" not in text
