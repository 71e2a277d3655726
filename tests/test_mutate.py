"""`pyagent mutate`: the operators on a small knowledge base, a survivor found with the case
that tells it apart, the reasons a pin fixes (clauses, depends_on), `check --update`,
`check --kb` reading everything from DIR, and ties that never depend on hashing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app
from pyagent.kb import kb_dir
from pyagent.pins.check import load_pin_file, load_pins, run_pin, run_pins
from pyagent.pins.mutants import mutants
from pyagent.pins.mutate import load_equivalents, run_mutant

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
runner = CliRunner()

SMALL = {
    "main.lp": '#include "rules.lp".\n',
    "rules.lp": textwrap.dedent(
        """\
        % a comment is not a rule
        template(p, 1, en, "{1} is p").
        p(X) :- q(X), X >= 2, not r(X).
        t(a; b).
        u(a, c). u(b, d).
        s(X) :- t(X), u(X, c).
        #show p/1.
        """
    ),
}


def small_kb(tmp_path: Path) -> Path:
    d = tmp_path / "small"
    d.mkdir()
    for name, text in SMALL.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def by_operator(directory: Path) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for m in mutants(directory):
        out.setdefault(m.operator, set()).add((m.before, m.after))
    return out


P = "p(X) :- q(X), X >= 2, not r(X)."
S = "s(X) :- t(X), u(X, c)."


def test_each_operator_on_a_small_knowledge_base(tmp_path):
    d = small_kb(tmp_path)
    ops = by_operator(d)
    assert ops["number"] == {
        (P, "p(X) :- q(X); X >= 3; not r(X)."),
        (P, "p(X) :- q(X); X >= 1; not r(X)."),
    }
    assert ops["comparison"] == {
        (P, "p(X) :- q(X); X < 2; not r(X)."),
        (P, "p(X) :- q(X); X > 2; not r(X)."),
    }
    assert (P, "p(X) :- X >= 2; not r(X).") in ops["drop"]
    assert (P, "p(X) :- q(X); X >= 2.") in ops["drop"]
    assert (S, "s(X) :- u(X,c).") in ops["drop"]
    assert ops["negate"] >= {
        (P, "p(X) :- not q(X); X >= 2; not r(X)."),
        (P, "p(X) :- q(X); X >= 2; r(X)."),
        (S, "s(X) :- not t(X); u(X,c)."),
    }
    # a constant replaced by another of the same place of the same predicate
    assert (S, "s(X) :- t(X); u(X,d).") in ops["constant"]
    assert ("u(a, c).", "u(a,d).") in ops["constant"]
    assert ("t(a; b).", "t(b).") in ops["delete"] and ("t(a; b).", "t(a).") in ops["delete"]
    assert (P, "") in ops["delete"] and (S, "") in ops["delete"]
    # templates, comments and #show are not mutated
    everything = {b for pairs in ops.values() for b, _ in pairs}
    assert not any("template" in b or "show" in b or "comment" in b for b in everything)
    m = next(m for m in mutants(d) if m.after == "p(X) :- q(X); X > 2; not r(X).")
    assert m.where == "rules.lp:3"
    m.apply(d)
    assert "p(X) :- q(X); X > 2; not r(X).\nt(a; b)." in (d / "rules.lp").read_text(
        encoding="utf-8"
    )


def test_the_knowledge_base_yields_every_operator_and_skips_the_templates():
    ms = mutants()
    assert {m.operator for m in ms} == {
        "number",
        "comparison",
        "drop",
        "negate",
        "constant",
        "delete",
    }
    assert not any(
        m.before.startswith(("template(", "clause_text(", "clause_wording(", "clause_mark("))
        for m in ms
    )
    assert {m.file for m in ms if m.file == "whatif.lp"}  # loaded beside main.lp: mutated too
    assert [m.id for m in ms] == list(range(len(ms)))


def _special_talent_mutant():
    return next(
        m
        for m in mutants()
        if m.file == "p4_special_talent.lp"
        and m.operator == "drop"
        and m.before.startswith("benefits_brought(P) :-")
        and "benefit(P,social)" not in m.after
        and "benefit(P,economic)" in m.after
        and "reading(special_talent_benefits,both)" in m.after
    )


def test_a_survivor_is_found_with_a_case_that_becomes_a_pin_telling_it_apart(tmp_path):
    """Against the 助理级 pins only, dropping 社会效益 from P4.S3 survives; the search finds a
    person whose special-talent answer differs, and the case printed is a pin that holds
    against the knowledge base and fails against the mutant."""
    pins = load_pins([QUERIES / "p3_s1_assistant"])
    mutant = _special_talent_mutant()
    result = run_mutant(mutant, pins, kb_dir(), tmp_path)
    assert result.verdict == "survived", result.detail
    found = result.distinction
    assert found.question == "special_talent.apply"
    assert found.original != found.mutant
    pin_file = tmp_path / "new_pin.yaml"
    pin_file.write_text(
        found.yaml().replace("say in a sentence what this case pins", "the new pin holds"), "utf-8"
    )
    (pin,) = load_pin_file(pin_file)
    assert run_pin(pin).holds
    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    mutant.apply(copy)
    assert not run_pins([pin], copy).holds
    # with the new pin, the mutant is killed
    killed = run_mutant(mutant, [*pins, pin], kb_dir(), tmp_path)
    assert killed.verdict == "killed" and "the new pin holds" in killed.detail, killed.detail


def test_a_reading_default_that_is_not_one_of_its_options_is_refused(tmp_path):
    """The reading tables contradict themselves: they do not load (pyagent lint says the
    same), so such a mutant is guarded, never a silent survivor."""
    from pyagent.errors import InputError
    from pyagent.kb import readings

    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    text = (copy / "readings.lp").read_text(encoding="utf-8")
    (copy / "readings.lp").write_text(
        text.replace("reading_default(field_list, closed).", "reading_default(field_list, yes)."),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="default of reading field_list is not one of its"):
        readings(copy)
    mutant = next(
        m
        for m in mutants()
        if m.before == "reading_default(field_list, closed)."
        and m.after == "reading_default(field_list,yes)."
    )
    result = run_mutant(mutant, load_pins([QUERIES / "p2_s1_in_force"]), kb_dir(), tmp_path)
    assert result.verdict == "guarded", result.detail


def test_a_mutant_that_does_not_ground_is_invalid(tmp_path):
    unsafe = next(
        m
        for m in mutants()
        if m.operator == "drop"
        and m.before.startswith("benefits_brought(P) :- clause(p4_s3), benefit(P, _)")
        and "benefit(" not in m.after
    )
    result = run_mutant(unsafe, load_pins([QUERIES / "p4_s3_special_talent"]), kb_dir(), tmp_path)
    assert result.verdict == "invalid", result.detail
    assert "grounding stopped" in result.detail or "unsafe" in result.detail


# -- pins fix reasons --------------------------------------------------------------------

PIN = """\
# a comment kept by --update
name: A 高级工 with 24 months pinned with its reasons.
as_of: 2026-07-01
person:
  id: li
  certificates: [{level: senior_worker, kind: skill_level, obtained: 2024-07-01}]
  technical_work: [{from: 2020-01-01}]
  field: engineering
  current_post: {since: 2020-01-01, occupation: 电工}
  annual_assessments: [{year: 2023, grade: qualified}, {year: 2024, grade: qualified}, {year: 2025, grade: qualified}]
expect:
  li:
    title.assistant: {status: yes, clauses: CLAUSES}
    title.intermediate: no   # bare
"""


@pytest.mark.parametrize(
    ("clauses", "problem"),
    [
        ("[P3.S1]", "cites P2.S2, P2.S3.a, P3.S1, expected P3.S1"),  # one missing
        (
            "[P2.S2, P2.S3.a, P3.S1, P3.S2]",
            "cites P2.S2, P2.S3.a, P3.S1, expected P2.S2, P2.S3.a, P3.S1, P3.S2",
        ),
        (
            "[P2.S3.a, P2.S2, P3.S1]",
            "cites P2.S2, P2.S3.a, P3.S1, expected P2.S3.a, P2.S2, P3.S1",
        ),  # order
    ],
)
def test_a_pin_with_wrong_clauses_fails_check(tmp_path, clauses, problem):
    path = tmp_path / "pin.yaml"
    path.write_text(PIN.replace("CLAUSES", clauses), encoding="utf-8")
    outcome = run_pin(load_pin_file(path)[0]).outcomes[0]
    assert outcome.status == "yes" and outcome.problems == (problem,)


def test_check_update_fills_in_the_reasons_keeping_the_file_and_prints_the_diff(tmp_path):
    path = tmp_path / "pin.yaml"
    path.write_text(PIN.replace("CLAUSES", "[P3.S1]"), encoding="utf-8")
    assert runner.invoke(app, ["check", str(path)]).exit_code == 1
    result = runner.invoke(app, ["check", "--update", str(path)])
    assert result.exit_code == 0, result.output
    assert "-    title.intermediate: no   # bare" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# a comment kept by --update\n")
    assert "title.assistant: {status: yes, clauses: [P2.S2, P2.S3.a, P3.S1]}" in text
    assert re.search(r"title.intermediate: \{status: no, clauses: \[[^\]]*P3.S2\]\}   # bare", text)
    assert run_pin(load_pin_file(path)[0]).holds


def test_check_kb_reads_clause_ids_and_readings_from_that_directory(tmp_path):
    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    clauses = (copy / "clauses.lp").read_text(encoding="utf-8")
    (copy / "clauses.lp").write_text(clauses.replace('"P3.S1"', '"P3.S1.x"'), encoding="utf-8")
    readings = (copy / "readings.lp").read_text(encoding="utf-8")
    (copy / "readings.lp").write_text(
        readings.replace(
            "reading_option(field_list, (closed; open)).",
            "reading_option(field_list, (closed; open; wide)).",
        ),
        encoding="utf-8",
    )
    path = tmp_path / "pin.yaml"
    text = (
        PIN.replace("CLAUSES", "[P2.S2, P2.S3.a, P3.S1.x]")
        .replace("    title.intermediate: no   # bare\n", "")
        .replace("expect:", "readings: {field_list: wide}\nexpect:")
    )
    path.write_text(text, encoding="utf-8")
    assert runner.invoke(app, ["check", str(path)]).exit_code == 2  # not clauses of kb/
    result = runner.invoke(app, ["check", str(path), "--kb", str(copy)])
    assert result.exit_code == 0, result.output


TIE = """
import sys
from pathlib import Path
from pyagent.input.case import load_case
from pyagent.explain.answers import answer_case
case = load_case(Path(sys.argv[1]))
for p in answer_case(case, Path(sys.argv[2])).persons:
    for a in p.answers:
        print(a.question, a.clauses)
"""


def test_a_tie_in_clause_order_never_depends_on_the_hash_seed(tmp_path):
    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    text = (copy / "clauses.lp").read_text(encoding="utf-8")
    (copy / "clauses.lp").write_text(
        text.replace("clause_order(p2_s2, 2).", "clause_order(p2_s2, 5).").replace(
            "clause_order(p2_s3_a, 3).", "clause_order(p2_s3_a, 5)."
        ),
        encoding="utf-8",
    )
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        run = subprocess.run(
            [sys.executable, "-c", TIE, str(QUERIES / "demo.yaml"), str(copy)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert "('P2.S2', 'P2.S3.a', 'P3.S1')" in outputs.pop()  # the tie broken by reference


# -- what-if pins ---------------------------------------------------------------------------

WHATIF_PIN = """\
name: Two years not yet graded are two grade changes made together.
as_of: 2026-07-01
person:
  id: two
  certificates: [{level: senior_worker, obtained: 2019-01-01}]
  technical_work: [{from: 2019-01-01}]
  field: engineering
  current_post: {since: 2019-01-01, occupation: 电工}
  annual_assessments: [{year: 2023, grade: qualified}]
expect:
  two:
    title.participate:
      status: unknown
      clauses: [P2.S2, P2.S3.a]
      depends_on: [annual_assessments.2024, annual_assessments.2025]
      what_if: WHAT_IF
"""


def test_a_what_if_pin_is_filled_in_by_update_and_fails_when_whatif_lp_is_mutated(tmp_path):
    """what_if: {} fails check naming what is missing; check --update writes the change sets
    and dates; the pin then holds, and fails against kb/whatif.lp with its choice unbound
    from the slot (at most one change in all: no set of two grades)."""
    path = tmp_path / "pin.yaml"
    path.write_text(WHATIF_PIN.replace("WHAT_IF", "{}"), encoding="utf-8")
    (pin,) = load_pin_file(path)
    problems = run_pin(pin).outcomes[0].problems
    assert any(p.startswith("what-if states no sets;") for p in problems), problems
    result = runner.invoke(app, ["check", "--update", str(path)])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "place: annual_assessments.2024, values: [excellent, qualified]" in text
    assert "earliest: never, possible_from: 2026-07-01, sets_on: 2026-07-01" in text
    (pin,) = load_pin_file(path)
    assert run_pin(pin).holds
    unbound = next(
        m
        for m in mutants()
        if m.file == "whatif.lp" and m.operator == "drop" and m.before.startswith("{ change(S, V)")
    )
    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    unbound.apply(copy)
    outcome = run_pins([pin], copy).results[0].outcomes[0]
    assert outcome.status == "unknown" and outcome.answer is not None  # the answer is as pinned
    assert any(p.startswith("what-if") for p in outcome.problems), outcome.problems


def test_a_what_if_pin_with_a_wrong_set_or_date_fails_check(tmp_path):
    wrong = (
        "{earliest: 2027-01-01, possible_from: 2026-07-01, sets_on: 2026-07-01, sets: ["
        "{status: 'yes', changes: [{kind: grade, place: annual_assessments.2025,"
        " values: [excellent, qualified], clauses: [P2.S3.a]}]}]}"
    )
    path = tmp_path / "pin.yaml"
    path.write_text(WHATIF_PIN.replace("WHAT_IF", wrong), encoding="utf-8")
    problems = run_pin(load_pin_file(path)[0]).outcomes[0].problems
    assert "what-if earliest: never, expected 2027-01-01" in problems
    assert any(
        p.startswith("what-if sets of changes: [grade annual_assessments.2024") for p in problems
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(WHATIF_PIN.replace("WHAT_IF", "{earliest: soon}"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 2 and "expected a date (YYYY-MM-DD) or never" in result.output


# -- CI: a sampled mutation run ------------------------------------------------------------

CI_SAMPLE, CI_SEED = 16, 7


def test_a_sampled_mutation_run_lets_no_new_mutant_survive():
    """A few dozen mutants of kb/, drawn with a fixed seed, checked against every pin with no
    search: each is killed, invalid, guarded, or listed in queries/EQUIVALENT_MUTANTS.md
    (equivalent, or a known gap).  Weakening the pins (a pin deleted, a clause list
    loosened) lets a sampled mutant survive unlisted and fails this test."""
    from pyagent.pins.mutate import mutate

    report = mutate(sample=CI_SAMPLE, seed=CI_SEED, jobs=2, search=False)
    assert len(report.results) == CI_SAMPLE
    new = [
        f"{r.mutant.where} {r.mutant.before} -> {r.mutant.after or '(deleted)'}"
        for r in report.new_survivors
    ]
    assert not new, "mutants no pin kills (add a pin: pyagent mutate finds the case): " + "; ".join(
        new
    )
    assert report.count("killed") >= CI_SAMPLE // 2


def test_a_recorded_run_resumes_and_reruns_a_verdict(tmp_path):
    """--record: each result is appended as it comes; a second run takes them from the file
    (nothing run again), --rerun VERDICT runs those again."""
    from pyagent.pins.mutate import load_record, mutate

    three = {m.key for m in mutants()[:3]}  # clause(C) :- clause_text(C, _, _): quick to run
    log = tmp_path / "run.jsonl"
    kw = dict(
        pins=[QUERIES / "p2_s1_in_force"], jobs=1, search=False, only=lambda m: m.key in three
    )
    report = mutate(record=log, **kw)
    assert len(report.results) == 3 and len(log.read_text().splitlines()) == 3
    again = mutate(record=log, **kw)
    assert [(r.mutant.id, r.verdict) for r in again.results] == [
        (r.mutant.id, r.verdict) for r in report.results
    ]
    assert len(log.read_text().splitlines()) == 3  # nothing run again
    verdict = report.results[0].verdict
    mutate(record=log, rerun=[verdict], **kw)
    lines = log.read_text().splitlines()
    assert len(lines) == 3 + report.count(verdict)
    assert set(load_record(log)) == three


def test_a_weakened_pin_set_fails_the_sampled_run():
    """The sampled mutants of P4.S3 and P5 against the P2.S1 pins alone: they survive, unlisted."""
    from pyagent.pins.mutate import mutate

    report = mutate(
        pins=[QUERIES / "p2_s1_in_force"],
        sample=CI_SAMPLE,
        seed=CI_SEED,
        jobs=2,
        search=False,
        equivalents=QUERIES / "EQUIVALENT_MUTANTS.md",
        only=lambda m: m.file in ("p4_special_talent.lp", "p5_reverse.lp"),
    )
    assert report.results and report.new_survivors


def test_a_full_run_resumed_from_its_record_prints_the_score(tmp_path):
    """`pyagent mutate --record FILE` with every mutant already in FILE runs none of them and
    prints the score of the whole set, killed / (all - invalid - guarded - equivalent), in
    text and in JSON, with the per-mutant times summed; a survivor makes it exit 1."""
    every = mutants()
    cycle = ("killed", "killed", "invalid", "guarded", "equivalent")
    verdicts = [cycle[k % len(cycle)] for k in range(len(every))]
    log = tmp_path / "run.jsonl"

    def record(verdicts: list[str]) -> None:
        log.write_text(
            "".join(
                json.dumps({**m.to_json(), "verdict": v, "detail": "", "seconds": 0.5}) + "\n"
                for m, v in zip(every, verdicts)
            ),
            encoding="utf-8",
        )

    record(verdicts)
    args = ["mutate", "--no-search", "--record", str(log)]
    n = {v: verdicts.count(v) for v in cycle}
    text = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.output
    shown = " ".join(text.output.split())  # the table's title wraps
    assert f"all {len(every)} mutants, {len(every)} of them from the record" in shown
    assert f"Mutation score 100.0 %: killed {n['killed']} ÷ (all {len(every)} − invalid" in shown
    verdicts[0] = "survived"  # one survivor: the score falls below 100 % and the run fails
    record(verdicts)
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["full"] and data["resumed"] == data["run"] == data["mutants"] == len(every)
    assert data["counts"]["killed"] == n["killed"] - 1 and data["counts"]["survived"] == 1
    assert data["mutant_seconds"] == pytest.approx(0.5 * len(every), abs=0.1)
    assert data["score"] == pytest.approx(
        (n["killed"] - 1) / (len(every) - n["invalid"] - n["guarded"] - n["equivalent"])
    )
    assert len(log.read_text(encoding="utf-8").splitlines()) == len(every)  # nothing run


def test_the_search_solves_for_a_case_in_one_clingo_program(tmp_path):
    """pins/differ: both knowledge bases renamed apart in one program, a choice of one
    candidate's input facts, a constraint that some status differs.  Dropping 社会效益 from
    P4.S3 (a survivor of the 助理级 pins) is told apart on a variant of a 助理级 pin's
    person; the case found is one on which the two answer differently when each is solved
    alone; the knowledge base against itself has no such case."""
    from pyagent.pins.differ import differing
    from pyagent.pins.distinguish import answers, candidates

    pins = [
        p
        for p in load_pins([QUERIES / "p3_s1_assistant"])
        if p.name.startswith("Under certificate_clock=latest")
    ]
    cands = candidates(pins, "variants", kb_dir())
    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    _special_talent_mutant().apply(copy)
    found = differing(cands, kb_dir(), copy)
    assert found is not None and found[1] == "special_talent.apply"
    case = cands[found[0]]
    was, now = answers([case], kb_dir(), False)[0], answers([case], copy, False)[0]
    assert was[found[1]].status != now[found[1]].status
    assert case.person.social_benefit is False and case.person.economic_benefit is not False
    assert differing(cands, kb_dir(), kb_dir()) is None


def test_every_listed_equivalent_is_a_mutant_of_the_knowledge_base() -> None:
    # a row naming a statement no longer in kb/ (a rule rewritten since) is stale: it would
    # hide nothing, and it reads as a verdict on a rule that is gone
    from pyagent.pins.mutants import mutants

    listed = load_equivalents(QUERIES / "EQUIVALENT_MUTANTS.md")
    stale = sorted(set(listed) - {m.key for m in mutants()})
    assert not stale, f"rows of EQUIVALENT_MUTANTS.md that name no mutant: {stale}"
