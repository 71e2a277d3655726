"""Mutation tests: the pins catch a change of the knowledge base, and name the pins it breaks.

Each test copies ``kb/`` to a temporary directory, changes one thing (a threshold, a
condition dropped, a table widened, a default switched, a clause cited wrongly), and checks
the pins of the clause concerned against the copy: `pyagent check` must fail, and the pins
named must be those whose answer (or reason) the change alters.  A mutation that no longer
applies (the rule was rewritten) fails loudly: update the mutation with the rule.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app
from pyagent.kb import kb_dir
from pyagent.pins.check import load_pins, run_pins

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"


def mutated(tmp_path: Path, file: str, pattern: str, replacement: str) -> Path:
    """A copy of kb/ with one regular-expression substitution in one file (exactly once)."""
    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    path = copy / file
    text = path.read_text(encoding="utf-8")
    changed, n = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    assert n == 1, f"the mutation {pattern!r} matches {n} times in {file}: update it"
    path.write_text(changed, encoding="utf-8")
    return copy


def broken(copy: Path, *folders: str) -> dict[str, set[str]]:
    """Pin name -> the answers that broke, for the pins of ``folders`` checked against ``copy``."""
    report = run_pins(load_pins([QUERIES / f for f in folders]), copy)
    return {r.pin.name: {o.expectation.label() for o in r.failures} for r in report.failed}


# (id, file, pattern, replacement, folders checked, pins that must break: {name start: answers})
MUTATIONS = [
    (
        "P3.S1 needs 3 years, not 2",
        "p3_ranks.lp",
        r"^rank_clause\(p3_s1, assistant, senior_worker, 2\)\.",
        "rank_clause(p3_s1, assistant, senior_worker, 3).",
        ("p3_s1_assistant",),
        {
            "A 高级工 with exactly 24 months": {"exactly_two_years title.assistant"},
            "Asked one day earlier": {"one_day_short title.assistant"},  # its reason: 23 >= 24
            "A 技师 satisfies the 高级工 clause": {"technician_two_years title.assistant"},
            "Two stretches of technical work": {"thirty_days title.assistant"},
            "One continuous stretch counts by the calendar": {"to_the_day title.assistant"},
            "Under certificate_clock=latest a 高级工 with exactly 24": {
                "exactly_two_years_latest title.assistant"
            },
        },
    ),
    (
        "满N年 read as more than N years (off by one)",
        "p3_ranks.lp",
        r"required_months\(S, R\), M >= R\.",
        "required_months(S, R), M > R.",
        ("p3_s2_intermediate", "p3_s3_associate_senior"),
        {
            "A 技师 with exactly 36 months": {"exactly_three_years title.intermediate"},
            "A 高级技师 with exactly 48 months": {"exactly_four_years title.associate_senior"},
            # the answers stay no, their reasons (35 >= 36, 47 >= 48) change
            "A 技师 with 35 months": {"thirty_five_months title.intermediate"},
            "A 高级技师 with 47 months": {"forty_seven_months title.associate_senior"},
        },
    ),
    (
        "the gate drops 近3年年度考核合格",
        "p2_gate.lp",
        r"^gate\(P\) :- clause\(p2_s3_a\), high_skilled\(P, p2_s3_a\), recent_years_pass\(P\)\.",
        "gate(P) :- clause(p2_s3_a), high_skilled(P, p2_s3_a).",
        ("p2_s3_a_gate",),
        {
            "One unqualified year among the last three": {"one_bad_year title.participate"},
            "A year with no assessment held": {"gap_year title.participate"},
            "A year assessed at a previous post": {"moved_post title.participate"},
            "A person known to hold no post": {"no_post title.participate"},
            "An empty list of assessments": {
                "never_assessed title.participate",
                "never_assessed title.participate [assessment_years=latest_three]",
            },
            "A pending assessment for 2025": {"pending_2025 title.participate"},
            "A year missing from the list of": {"missing_2024 title.participate"},
            "With the assessments not stated": {"assessments_unknown title.participate"},
            # v2: the post's start date decides the years at the current post (current_post_since.yaml)
            "A post that began in March 2024": {"began_2024 title.participate"},
            "A post that began on 2 January 2023": {"began_during_2023 title.participate"},
            "A post that began on 31 December 2023": {
                "last_day_of_2023 title.participate",
                "first_day_of_2024 title.participate",
            },
            "A stated at_current_post decides": {"stated_false title.participate"},
            "A failing grade fails the year": {"unqualified_while_moving title.participate"},
            "Years stated as at the current post do not count": {
                "stated_years_no_post title.participate",
                "stated_years_post_unknown title.participate",
            },
            "A post whose start date is not stated": {"since_not_stated title.participate"},
            "With the current post not stated": {"post_not_stated title.participate"},
            "A year missing from the list, in which": {
                "missing_year_of_the_move title.participate"
            },
            "Under the three latest assessments held": {"latest_three_moved title.participate"},
        },
    ),
    (
        "a WorldSkills 优胜奖 counted as a medal",
        "p4_green_channel.lp",
        r"^worldskills_medal\(worldskills_gold; worldskills_silver; worldskills_bronze\)\.",
        "worldskills_medal(worldskills_gold; worldskills_silver; worldskills_bronze; worldskills_excellence).",
        ("p4_s2_green_channel",),
        {
            "A WorldSkills 优胜奖 is not one of the medals": {
                "excellence title.full_senior_recognition"
            }
        },
    ),
    (
        "the reverse path forgets 累计工作年限达到申报条件",
        "p5_reverse.lp",
        r"work_years_met\(P, L\), post_corresponds",
        "post_corresponds",
        ("p5_reverse",),
        {
            "Work years exactly at the 申报条件": {"seven_and_a_half skill.technician"},
            "When the skill standard's 申报条件 are not given": {
                "no_parameter skill.senior_worker"
            },
            "With the cumulative work years not stated": {"years_unknown skill.technician"},
        },
    ),
    (
        "P4.S3 asks for social benefit only",
        "p4_special_talent.lp",
        r"benefit\(P, social\), benefit\(P, economic\),",
        "benefit(P, social),",
        ("p4_s3_special_talent",),
        {
            "Social benefit alone is not enough": {"social_only special_talent.apply"},
            "An economic benefit not yet known": {"economic_unknown special_talent.apply"},
        },
    ),
    (
        "the default reading of 等 switched to open",
        "readings.lp",
        r"^reading_default\(field_list, closed\)\.",
        "reading_default(field_list, open).",
        ("p2_s2_fields",),
        {
            "Under the default closed reading of 等": {
                "nurse_aide title.participate",
                "nurse_aide title.assistant",
                "nurse_aide title.intermediate",
                "nurse_aide title.associate_senior",
                "nurse_aide title.full_senior_recognition",
            }
        },
    ),
    (
        "the comparison of 满N年 rewritten: the answers stay, the explanation changes",
        "p3_ranks.lp",
        r"required_months\(S, R\), M >= R\.",
        "required_months(S, R), R <= M.",
        ("p3_s1_assistant",),
        {"Asked one day earlier": {"one_day_short title.assistant"}},
    ),
    (
        "the notice's unknown date cites P2.S2: the answer stays unknown, its clause changes",
        "p2_scope.lp",
        r"^notice_in_force\(P\) :- clause\(p2_s1\), notice_issued_by_as_of",
        "notice_in_force(P) :- clause(p2_s2), notice_issued_by_as_of",
        ("p2_s1_in_force",),
        {
            "One day before the report date": {"day_before title.participate"},
            "On 2021-06-01": {
                "first_possible_day title.participate",
                "first_possible_day title.assistant",
            },
            # pins state their clauses exactly: the no before 2021-06-01 cites P2.S1 too
            "On 2021-05-31": {"before_issue title.participate", "before_issue title.assistant"},
        },
    ),
]


@pytest.mark.parametrize(
    ("file", "pattern", "replacement", "folders", "expected"),
    [m[1:] for m in MUTATIONS],
    ids=[m[0] for m in MUTATIONS],
)
def test_a_mutation_of_the_knowledge_base_breaks_the_pins_that_pin_it(
    tmp_path, file, pattern, replacement, folders, expected
):
    copy = mutated(tmp_path, file, pattern, replacement)
    failed = broken(copy, *folders)
    assert failed, "no pin caught the mutation"
    for start, answers in expected.items():
        names = [n for n in failed if n.startswith(start)]
        assert len(names) == 1, f"the pin '{start}...' did not break; broke: {sorted(failed)}"
        assert failed[names[0]] == answers, names[0]
    unexpected = sorted(n for n in failed if not any(n.startswith(s) for s in expected))
    assert not unexpected, f"pins broke that the mutation should not touch: {unexpected}"


def test_the_unchanged_copy_breaks_nothing(tmp_path):
    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    assert broken(copy, "p3_s1_assistant", "p4_s2_green_channel") == {}


def test_pyagent_check_against_a_mutated_copy_exits_1_and_names_the_broken_pins(tmp_path):
    copy = mutated(tmp_path, *MUTATIONS[0][1:4])
    result = CliRunner().invoke(app, ["check", str(QUERIES / "p3_s1_assistant"), "--kb", str(copy)])
    assert result.exit_code == 1, result.output
    out = " ".join(result.stdout.split())
    assert (
        "A 高级工 with exactly 24 months of technical work after the certificate may apply for 助理级."
        in out
    )
    assert "expected yes, got no" in out
    assert "12 pins, 20 pinned answers: 6 pins do not hold." in out
