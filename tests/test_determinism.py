"""Determinism (issue 7): the same input gives the same bytes; who else is in a case or a
roster, and in what order, changes no person's answers; a killed batch leaves nothing that
looks complete, and a rerun is complete."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import to_text, valid_documents
from typer.testing import CliRunner

from pyagent.explain.answers import answer_case
from pyagent.batch.pipeline import BatchConfig, outputs_of, run_batch
from pyagent.input.case import load_case, parse_case
from pyagent.cli import app

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "queries" / "demo.yaml"
runner = CliRunner()


def by_person(answers) -> dict[str, tuple]:
    return {p.id: p.answers for p in answers.persons}


@pytest.fixture(scope="module")
def crowded(tmp_path_factory) -> Path:
    """The demo's persons plus persons with hostile ids and every kind of unknown."""
    tmp_path = tmp_path_factory.mktemp("crowded")
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    extra = [
        {"id": "#script (python) import os #end."},
        {"id": 'a :- b. "\\ %', "field": "卫生", "honours": [{"code": "national_contest_gold"}]},
        {"id": "𠀀 ئۇيغۇر", "certificates": [{"level": "senior_worker"}], "titles": []},
    ]
    data["persons"] += extra
    path = tmp_path / "crowded.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crowded_answers(crowded: Path):
    case = load_case(crowded)
    return case, by_person(answer_case(case))


def test_ask_json_is_the_same_bytes_across_processes_and_hash_seeds(crowded):
    path = crowded
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pyagent",
                "ask",
                str(path),
                "--json",
                "--reading",
                "field_list=open",
            ],
            capture_output=True,
            env=env,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])["persons"]) == 7


def test_the_table_is_the_same_bytes_twice():
    first, second = (
        runner.invoke(app, ["ask", str(DEMO), "--lang", "zh"], env={"COLUMNS": "160"})
        for _ in range(2)
    )
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout


def test_an_error_message_is_the_same_bytes_twice(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("person: {id: p, certificates: [{level: tecnician}], titels: []}\n")
    messages = {runner.invoke(app, ["ask", str(path)]).stderr for _ in range(2)}
    assert len(messages) == 1


def test_shuffling_persons_changes_no_persons_answers(crowded_answers):
    case, expected = crowded_answers
    persons = list(case.persons)
    random.Random(7).shuffle(persons)
    assert persons != list(case.persons)
    shuffled = answer_case(dataclasses.replace(case, persons=tuple(persons)))
    assert [p.id for p in shuffled.persons] == [p.id for p in persons]  # in the file's order
    assert by_person(shuffled) == expected


def test_a_persons_answers_do_not_depend_on_who_else_is_in_the_case(crowded_answers):
    case, together = crowded_answers
    for person in case.persons:
        alone = answer_case(dataclasses.replace(case, persons=(person,)))
        assert by_person(alone) == {person.id: together[person.id]}


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=valid_documents(), fmt=st.sampled_from(["yaml", "json"]), data=st.data())
def test_generated_cases_answer_the_same_in_any_order(document, fmt, data):
    case = parse_case(to_text(document, fmt), f"gen.{fmt}")
    order = data.draw(st.permutations(case.persons))
    assert by_person(answer_case(dataclasses.replace(case, persons=tuple(order)))) == by_person(
        answer_case(case)
    )


def roster_rows(count: int) -> list[str]:
    """JSONL rows: the demo's persons and the crowded extras, over and over, each id unique."""
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    people = data["persons"] + [
        {"id": "#script (python) import os #end.", "field": "卫生"},
        {"id": "𠀀", "certificates": [{"level": "senior_worker"}], "titles": []},
    ]
    rows = []
    for k in range(count):
        person = dict(people[k % len(people)], id=f"{people[k % len(people)]['id']} {k}")
        rows.append(json.dumps(person, ensure_ascii=False, default=str))
    return rows


def test_shuffling_a_roster_changes_no_persons_answers_and_a_rerun_is_the_same_bytes(tmp_path):
    rows = roster_rows(36)
    config = BatchConfig(
        as_of=dt.date(2026, 7, 1), parameters={"application_years.technician": 8}, jobs=1
    )
    outputs = {}
    for name, order in (
        ("first", rows),
        ("again", rows),
        ("shuffled", random.Random(3).sample(rows, len(rows))),
    ):
        roster = tmp_path / f"{name}.jsonl"
        roster.write_text("\n".join(order) + "\n", encoding="utf-8")
        run_batch(roster, tmp_path / f"{name}.out.jsonl", config)
        outputs[name] = (tmp_path / f"{name}.out.jsonl").read_bytes()
    assert outputs["first"] == outputs["again"]
    first, shuffled = (
        [json.loads(r) for r in outputs[n].decode().splitlines()] for n in ("first", "shuffled")
    )
    assert [p["id"] for p in shuffled] == [
        json.loads(r)["id"] for r in random.Random(3).sample(rows, len(rows))
    ]
    assert {p["id"]: p["answers"] for p in shuffled} == {p["id"]: p["answers"] for p in first}


def test_a_killed_batch_leaves_nothing_that_looks_complete_and_a_rerun_is_complete(tmp_path):
    roster = tmp_path / "roster.jsonl"
    roster.write_text("\n".join(roster_rows(6000)) + "\n", encoding="utf-8")
    out = tmp_path / "answers.jsonl"

    def partial_written() -> bool:  # the run's own temporary file (.answers.jsonl.<random>.partial)
        return any(p.stat().st_size > 0 for p in tmp_path.glob(".answers.jsonl.*.partial"))

    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pyagent",
            "batch",
            str(roster),
            "-o",
            str(out),
            "--as-of",
            "2026-07-01",
            "-j",
            "1",
            "-q",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while run.poll() is None and not partial_written():
            time.sleep(0.005)
        run.send_signal(signal.SIGKILL)
    finally:
        run.wait()
    assert run.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    errors_file, summary_file = outputs_of(out)
    assert not out.exists() and not summary_file.exists() and not errors_file.exists()
    summary = run_batch(roster, out, BatchConfig(as_of=dt.date(2026, 7, 1), jobs=1))
    assert summary.persons_in == summary.persons_out == 6000
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6000 and summary_file.exists()
    assert not list(tmp_path.glob(".answers.jsonl.*")), "the killed run's temporary files were left"
