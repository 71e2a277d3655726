"""The conventions of ``kb/`` that make it reviewable (STYLE.md), and the CLI's help.

Literate law: every clause file says where its text comes from and quotes it; every rule of
a clause file names the clause it encodes; every predicate is documented; the input schema
is exactly what Python grounds; P2.S3.b's guarantee holds by construction.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import typer.main

from pyagent.cli import app
from pyagent.engine.facts import global_facts, person_facts
from pyagent.kb import kb_dir
from pyagent.pins.lint import TABLE_FILES, cited_clauses, lint
from pyagent.input.model import (
    NO_POST,
    Assessment,
    Certificate,
    Honour,
    Period,
    Person,
    Post,
    Title,
)
from pyagent.engine.program import load_program

KB = kb_dir()
PROGRAM = load_program()
CLAUSE_FILES = sorted(p for p in PROGRAM.files if re.fullmatch(r"p\d_\w+\.lp", p.name))


def test_main_lp_is_only_include_lines_in_the_notice_order():
    lines = [
        line.strip()
        for line in (KB / "main.lp").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("%")
    ]
    assert all(re.fullmatch(r'#include "[\w.]+\.lp"\.', line) for line in lines), lines
    included = [re.search(r'"(.+)"', line).group(1) for line in lines]
    assert all((KB / f).is_file() for f in included)
    clause_files = [f for f in included if re.fullmatch(r"p\d_\w+\.lp", f)]
    assert clause_files == sorted(clause_files, key=lambda f: f[:2]), "clause files in notice order"
    assert len(clause_files) >= 6


@pytest.mark.parametrize("path", CLAUSE_FILES, ids=lambda p: p.name)
def test_every_clause_file_names_its_source_and_quotes_the_text_it_encodes(path):
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^% Source: ", text, re.MULTILINE), f"{path.name} has no '% Source:' line"
    assert re.search(r"^% > \S", text, re.MULTILINE), (
        f"{path.name} quotes no clause text ('% > ...')"
    )
    assert re.search(r"^% Interpretation", text, re.MULTILINE) or "Interpretation:" in text, (
        f"{path.name} records no interpretation"
    )


def test_every_rule_of_a_clause_file_names_a_declared_clause():
    declared = set(
        re.findall(
            r"^clause_text\((\w+),", (KB / "clauses.lp").read_text(encoding="utf-8"), re.MULTILINE
        )
    )
    missing = [
        f"{Path(r.file).name}:{r.line}: {r.text}"
        for r in PROGRAM.rules
        if r.body
        and Path(r.file).name not in TABLE_FILES
        and not any(lit.signature == ("clause", 1) for lit in r.body)
    ]
    assert missing == []
    assert set(cited_clauses(PROGRAM)) <= declared


def test_every_clause_the_notice_encodes_is_cited_by_a_rule_and_the_rest_is_recorded():
    text = (KB / "clauses.lp").read_text(encoding="utf-8")
    declared = set(re.findall(r"^clause_text\((\w+),", text, re.MULTILINE)) - {"questions"}
    assert declared <= set(cited_clauses(PROGRAM))
    recorded = set(re.findall(r'^not_encoded\("([^"]+)"', text, re.MULTILINE))
    assert {"H.1", "H.2", "P1.S1", "P1.S2", "P2.S3.c", "P4.S1"} <= recorded


def test_lint_finds_nothing_in_the_knowledge_base():
    report = lint()
    assert report.holds, "\n".join(map(str, report.problems))


# -- the input schema ---------------------------------------------------------------------

RICH = Person(
    id="rich",
    certificates=(
        Certificate("technician", "skill_level", dt.date(2020, 1, 1)),
        Certificate("senior_worker", None, None),
    ),
    technical_work=(Period(dt.date(2015, 1, 1), None),),
    field="卫生",
    current_post=Post(dt.date(2015, 1, 1), None),
    annual_assessments=(Assessment(2024, "pending"), Assessment(2023, "qualified", False)),
    honours=(
        Honour("national_contest_first_prize"),
        Honour("national_contest_gold", contest_class="i"),
        Honour("state_council_allowance", category="high_skill"),
    ),
    outstanding_contribution=True,
    social_benefit=None,
    economic_benefit=False,
    titles=(Title("intermediate", None, dt.date(2019, 1, 1)),),
    cumulative_work_years=None,
    never_decisive={"education": "初中"},
)


def emitted_inputs() -> set[tuple[str, int]]:
    persons = [RICH, Person(id="nothing_known"), Person(id="no_post", current_post=NO_POST)]
    out = set()
    for day in (dt.date(2021, 7, 1), dt.date(2026, 7, 1)):
        for p in persons:
            out |= {(f.predicate, len(f.arguments) + 1) for f in person_facts(p, day, {})}
        out |= {(s.name, len(s.arguments)) for s in global_facts(day, {"field_list": "open"})}
    return out


def test_schema_lp_declares_exactly_the_inputs_python_grounds():
    assert emitted_inputs() == set(PROGRAM.defined_inputs)


def test_no_rule_defines_an_input_predicate():
    heads = {(r.name, r.arity) for r in PROGRAM.rules}
    assert heads & set(PROGRAM.defined_inputs) == set()


def test_every_input_is_documented_in_schema_lp():
    text = (KB / "schema.lp").read_text(encoding="utf-8")
    documented = {
        (m.group(1), len([a for a in m.group(2).split(",") if a.strip()]))
        for m in re.finditer(r"^%\*! (\w+)\(([^)]*)\)", text, re.MULTILINE)
    }
    assert set(PROGRAM.defined_inputs) <= documented


# -- P2.S3.b: a guarantee by construction ---------------------------------------------------


def mentions(literal, signature) -> bool:
    if literal.kind in ("atom", "not") and literal.signature == signature:
        return True
    return any(mentions(c, signature) for _, condition in literal.elements for c in condition)


def test_p2_s3_b_no_rule_but_not_counted_reads_credentials():
    readers = {
        (r.name, r.arity)
        for r in PROGRAM.rules
        if any(mentions(lit, ("credential", 2)) for lit in r.body)
    }
    assert readers == {("not_counted", 2)}


# -- the command line -----------------------------------------------------------------------


def test_every_command_has_help_with_an_example():
    group = typer.main.get_group(app)
    assert {"ask", "check", "coverage", "lint", "diff"} <= set(group.commands)
    for name, command in group.commands.items():
        assert command.help, f"{name} has no help"
        assert "Example" in command.help or "pyagent" in command.help, (
            f"{name}'s help shows no example"
        )
