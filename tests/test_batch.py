"""pyagent batch: counts, errors file, equality with ask, CSV, order, flips, interruption."""

from __future__ import annotations

import re

import csv
import io

import datetime as dt
import importlib.util
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pyagent.explain.answers import answer_case
from pyagent.batch.pipeline import BatchConfig, BatchInterrupted, outputs_of, run_batch
from pyagent.input.case import parse_person
from pyagent.cli import app
from pyagent.input.model import Case
from pyagent.input.roster import (
    csv_header,
    csv_person,
    CsvLayout,
    person_csv_row,
    write_csv_persons,
)

AS_OF = dt.date(2026, 7, 1)
PARAMETERS = {"application_years.senior_worker": 5, "application_years.technician": 8}
ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("bench_roster", ROOT / "bench" / "roster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


gen = _generator()


def persons(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    return [gen.person(rng, f"s{seed}_{i}") for i in range(n)]


def near_thresholds(seed: int) -> list[dict]:
    """Persons whose months sit on and beside the 24/36/48-month thresholds, and whose work
    years sit on and beside the parameters."""
    rng = random.Random(seed)
    out = []
    for i, months in enumerate((23, 24, 35, 36, 47, 48)):
        year, month = divmod(AS_OF.year * 12 + AS_OF.month - 1 - months, 12)
        obtained = dt.date(year, month + 1, 1) + dt.timedelta(days=rng.choice((-1, 0, 1)))
        out.append(
            {
                "id": f"edge{seed}_{i}",
                "certificates": [
                    {
                        "level": rng.choice(("senior_worker", "technician", "senior_technician")),
                        "obtained": obtained.isoformat(),
                    }
                ],
                "technical_work": [{"from": "2000-01-01"}],
                "field": "engineering",
                "current_post": {"occupation": "电工"},
                "annual_assessments": [
                    {"year": y, "grade": "qualified"} for y in (2023, 2024, 2025)
                ],
                "titles": [
                    {"rank": rng.choice(("assistant", "intermediate")), "series": "engineering"}
                ],
                "cumulative_work_years": rng.choice((4, 4.9, 5, 7.9, 8, 8.5)),
            }
        )
    return out


def write_jsonl(path: Path, rows: list[object]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(row if isinstance(row, str) else json.dumps(row, ensure_ascii=False))
            handle.write("\n")
    return path


def ask_json(
    rows: list[dict], readings: dict[str, str] | None = None, lang: str | None = None
) -> list[dict]:
    case = Case(
        "<ask>",
        AS_OF,
        readings or {},
        PARAMETERS,
        tuple(parse_person(r, "<ask>", "") for r in rows),
    )
    return answer_case(case, lang=lang).to_json()["persons"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def config(**kw) -> BatchConfig:
    base = dict(as_of=AS_OF, parameters=PARAMETERS, jobs=1)
    base.update(kw)
    return BatchConfig(**base)


def test_a_roster_mixing_good_and_bad_rows(tmp_path: Path) -> None:
    good = persons(1, 12)
    rows: list[object] = [
        good[0],
        "{not json",
        good[1],
        "",
        good[2],
        {"id": "bad_level", "certificates": [{"level": "tecnician"}]},
        good[3],
        '{"id": "twice", "field": "art", "field": "sports"}',
        ["a list"],
        good[4],
        {"certificates": []},
        *good[5:],
    ]
    roster = write_jsonl(tmp_path / "roster.jsonl", rows)
    with roster.open("ab") as handle:
        handle.write(b'{"id": "latin1", "field": "\xe9"}\n')
    out = tmp_path / "answers.jsonl"
    seen: list[dict] = []
    summary = run_batch(roster, out, config(), on_error=seen.append)
    assert summary.persons_in == 18 and summary.persons_out == 12 and summary.errors == 6
    assert summary.persons_in == summary.persons_out + summary.errors
    errors_file, summary_file = outputs_of(out)
    errors = read_jsonl(errors_file)
    assert errors == seen
    assert [e["line"] for e in errors] == [2, 6, 8, 9, 11, 19]
    assert "invalid JSON" in errors[0]["message"] and errors[0]["message"].startswith(
        f"{roster}:2:"
    )
    assert "tecnician" in errors[1]["message"] and errors[1]["id"] == "bad_level"
    assert "given twice" in errors[2]["message"]
    assert "not UTF-8" in errors[5]["message"]
    assert [p["id"] for p in read_jsonl(out)] == [p["id"] for p in good]
    recorded = json.loads(summary_file.read_text(encoding="utf-8"))
    assert recorded["persons_in"] == 18 and recorded["errors"] == 6
    assert sum(summary.counts["title.participate"].values()) == 12
    assert not list(tmp_path.glob("*.partial"))


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10**6),
    readings=st.sampled_from(
        [
            {},
            {"assessment_years": "latest_three", "basically_qualified": "passes"},
            {"field_list": "open", "certificate_clock": "latest", "duration_end": "year_end"},
        ]
    ),
)
def test_batch_answers_equal_ask_answers(tmp_path: Path, seed: int, readings: dict) -> None:
    rows = persons(seed, 10) + near_thresholds(seed)
    rows += [dict(r, id=r["id"] + "_again") for r in rows[:4]]  # repeated signatures: cache hits
    roster = write_jsonl(tmp_path / f"r{seed}.jsonl", rows)
    out = tmp_path / f"r{seed}.out.jsonl"
    run_batch(roster, out, config(readings=readings))
    assert read_jsonl(out) == ask_json(rows, readings, "en")  # reasons and to_settle too
    keyed = tmp_path / f"r{seed}.keyed.jsonl"
    run_batch(roster, keyed, config(readings=readings, reasons=False))
    assert read_jsonl(keyed) == ask_json(rows, readings)


def test_output_in_input_order_with_workers(tmp_path: Path) -> None:
    rows = persons(7, 60)
    roster = write_jsonl(tmp_path / "r.jsonl", rows)
    out = tmp_path / "o.jsonl"
    summary = run_batch(roster, out, config(jobs=2, block_bytes=2048, reasons=False))
    assert [p["id"] for p in read_jsonl(out)] == [r["id"] for r in rows]
    single = tmp_path / "o1.jsonl"
    run_batch(roster, single, config(jobs=1, reasons=False))
    assert out.read_bytes() == single.read_bytes()
    assert summary.persons_out == 60


@pytest.mark.parametrize("reasons", [True, False])
def test_progress_follows_every_phase(tmp_path: Path, reasons: bool) -> None:
    """The progress callback follows the roster's reading (bytes, up to its size), then the
    answering of every distinct situation (or key, without reasons) up to their number, then
    the writing of every part: a long batch never sits at 100 % while it still works."""
    rows = persons(11, 40)
    roster = write_jsonl(tmp_path / "r.jsonl", [*rows, *rows[:10]])  # 10 repeated situations
    calls: list[tuple[str, int, int, int]] = []
    summary = run_batch(
        roster,
        tmp_path / "o.jsonl",
        config(jobs=2, block_bytes=2048, reasons=reasons),
        progress=lambda *call: calls.append(call),
    )
    phases = [c[0] for c in calls]
    assert phases == sorted(phases, key=["reading", "answering", "writing"].index)
    for phase in ("reading", "answering", "writing"):
        seen = [(done, total) for p, done, total, _ in calls if p == phase]
        assert seen, phase
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # never goes back
        assert len({t for _, t in seen}) == 1 and seen[-1][0] == seen[-1][1]  # ends at total
    reading = [c for c in calls if c[0] == "reading"]
    assert reading[-1][1] == roster.stat().st_size and reading[-1][3] == 50
    answering = [c for c in calls if c[0] == "answering"]
    if reasons:  # each distinct situation answered once: the ten repeated rows are not
        assert answering[-1][2] == summary.situations_answered == 40
    else:
        assert answering[-1][2] == summary.keys_solved
    assert len(answering) > 2  # it moves while the blocks come in, not only at the end


def test_progress_of_a_csv_roster_moves(tmp_path: Path) -> None:
    """A CSV roster's reading is followed by how far into the file the reader is."""
    rows = persons(12, 60)
    roster = tmp_path / "r.csv"
    with roster.open("w", encoding="utf-8", newline="") as handle:
        write_csv_persons(handle, rows, csv_header())
    calls: list[tuple[str, int, int, int]] = []
    run_batch(roster, tmp_path / "o.jsonl", config(), progress=lambda *c: calls.append(c))
    reading = [c for c in calls if c[0] == "reading"]
    assert reading[-1][1:4] == (roster.stat().st_size, roster.stat().st_size, 60)
    assert any(0 < done < total for _, done, total, _ in reading)  # and on the way there


def test_csv_round_trip(tmp_path: Path) -> None:
    rows = persons(3, 25)
    header = csv_header()
    layout = CsvLayout.from_header(header, "r.csv")
    for r in rows:  # a person -> CSV row -> the same person
        back = csv_person(layout, person_csv_row(r, header), "r.csv", 2)
        assert parse_person(back, "r.csv", "") == parse_person(r, "r.jsonl", "")
    csv_roster = tmp_path / "r.csv"
    with csv_roster.open("w", encoding="utf-8", newline="") as handle:
        write_csv_persons(handle, rows, header)
    jsonl_roster = write_jsonl(tmp_path / "r.jsonl", rows)
    run_batch(csv_roster, tmp_path / "from_csv.csv", config())
    run_batch(jsonl_roster, tmp_path / "from_jsonl.jsonl", config())
    raw = (tmp_path / "from_csv.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese right
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["id", "title.participate", "title.participate reason"]
    assert len(table) == 26
    expected = read_jsonl(tmp_path / "from_jsonl.jsonl")
    for cells, person in zip(table[1:], expected, strict=True):
        assert cells[0] == person["id"]
        assert cells[1::4] == [
            a["status"] for a in person["answers"]
        ]  # status, reason, clauses, to settle
        assert cells[3::4] == [", ".join(a["clauses"]) for a in person["answers"]]


def test_csv_bad_cells_are_bad_rows(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(
        "id,cumulative_work_years,honours,cert1_level\n"
        "a,12,none,technician\nb,twelve,,\nc,3,,tecnician\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.jsonl"
    summary = run_batch(roster, out, config())
    assert (summary.persons_in, summary.persons_out, summary.errors) == (3, 1, 2)
    errors = read_jsonl(outputs_of(out)[0])
    assert [e["line"] for e in errors] == [3, 4]
    assert "cumulative_work_years" in errors[0]["message"]
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("id,colour\n", encoding="utf-8")
    with pytest.raises(Exception, match="unknown column 'colour'"):
        run_batch(bad_header, tmp_path / "h.jsonl", config())


def test_compare_reading_counts_flips(tmp_path: Path) -> None:
    rows = persons(11, 30) + [
        {
            "id": f"bq{i}",
            "certificates": [{"level": "technician", "obtained": "2018-01-01"}],
            "technical_work": [{"from": "2010-01-01"}],
            "field": "engineering",
            "current_post": {"occupation": "电工"},
            "annual_assessments": [
                {"year": y, "grade": g} for y, g in zip((2023, 2024, 2025), grades)
            ],
        }
        for i, grades in enumerate(
            (("basically_qualified",) * 3, ("qualified", "basically_qualified", "excellent"))
        )
    ]
    roster = write_jsonl(tmp_path / "r.jsonl", rows)
    change = {"basically_qualified": "passes"}
    summary = run_batch(roster, tmp_path / "o.jsonl", config(compare=change))
    run_batch(roster, tmp_path / "alt.jsonl", config(readings=change))
    base = read_jsonl(tmp_path / "o.jsonl")
    alt = read_jsonl(tmp_path / "alt.jsonl")
    expected: dict[str, dict[str, int]] = {q: {} for q in summary.counts}
    for b, a in zip(base, alt):
        for x, y in zip(b["answers"], a["answers"]):
            if x["status"] != y["status"]:
                k = f"{x['status']}->{y['status']}"
                expected[x["question"]][k] = expected[x["question"]].get(k, 0) + 1
    assert summary.flips == {q: dict(sorted(c.items())) for q, c in expected.items()}
    assert summary.flips["title.participate"].get("no->yes", 0) >= 2


def test_an_interrupted_run_leaves_nothing_that_looks_complete(tmp_path: Path) -> None:
    rows = persons(5, 40)
    roster = write_jsonl(tmp_path / "r.jsonl", rows)
    out = tmp_path / "o.jsonl"

    def stop(phase: str, done: int, total: int, persons: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(BatchInterrupted) as stopped:
        run_batch(roster, out, config(block_bytes=4096), progress=stop)
    message = str(stopped.value)
    assert message.startswith("interrupted: stopped while") and str(roster) in message
    assert "nothing was written" in message and str(out) in message
    zh = stopped.value.text("zh")  # under --lang zh the message is Chinese, paths aside
    assert zh.startswith("已中断") and "未向" in zh and str(roster) in zh
    assert not re.search("[A-Za-z]{3,}", zh.replace(str(roster), "").replace(str(out), "")), zh
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]
    summary = run_batch(roster, out, config(block_bytes=4096))  # the rerun gives the full result
    assert summary.persons_out == 40 and len(read_jsonl(out)) == 40
    assert outputs_of(out)[1].exists()


def test_cli_batch(tmp_path: Path) -> None:
    rows = persons(2, 8)
    roster = write_jsonl(tmp_path / "r.jsonl", [*rows, "{oops"])
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "batch",
            str(roster),
            "-o",
            str(tmp_path / "o.csv"),
            "--as-of",
            "2026-07-01",
            "--parameter",
            "application_years.technician=8",
            "--json",
            "-j",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["persons_in"], summary["persons_out"], summary["errors"]) == (9, 8, 1)
    assert (
        "r.jsonl:9: invalid JSON" in result.stderr and "9 persons in = 8 answered" in result.stderr
    )
    lines = (tmp_path / "o.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("id,title.participate,") and len(lines) == 9
    missing = runner.invoke(
        app, ["batch", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "x.jsonl")]
    )
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    bad = runner.invoke(
        app, ["batch", str(roster), "-o", str(tmp_path / "x.jsonl"), "--parameter", "years=3"]
    )
    assert bad.exit_code == 2 and "not a parameter" in bad.stderr and "Traceback" not in bad.stderr


def test_each_distinct_key_is_answered_once(tmp_path: Path) -> None:
    """Persons with different full keys share keys of a plan: each (plan, key) of the roster
    is solved once, whichever partition meets it and however often."""
    from pyagent.engine.signature import Keys, analyse

    rows = persons(21, 40) + near_thresholds(21)
    rows += [dict(r, id=r["id"] + "_again") for r in rows[::3]]
    roster = write_jsonl(tmp_path / "r.jsonl", rows)
    summary = run_batch(roster, tmp_path / "o.jsonl", config(block_bytes=3000, reasons=False))
    keys = Keys(analyse(AS_OF, {}, PARAMETERS))
    distinct: set[tuple[int, tuple]] = set()
    for r in rows:
        distinct.update(enumerate(keys.plan_keys(keys.person_key(parse_person(r, "r", "")))))
    assert summary.keys_solved == len(distinct)
    assert summary.answered_by == "keys" and summary.situations_answered == 0


def test_the_summary_says_what_was_computed_with_reasons(tmp_path: Path) -> None:
    """With reasons every answer comes from a distinct situation answered as ask answers it:
    the summary counts them, and keys only for a compared reading's statuses."""
    from pyagent.engine.signature import Keys, analyse

    rows = persons(5, 3)
    rows += [dict(r, id=r["id"] + f"_{n}") for n in range(3) for r in rows]
    roster = write_jsonl(tmp_path / "r.jsonl", rows)
    plain = run_batch(roster, tmp_path / "o.jsonl", config(block_bytes=2000))
    assert plain.answered_by == "situations" and plain.situations_answered == 3
    assert plain.keys_solved == 0  # no key is solved: ask's call answers every situation
    assert json.loads((tmp_path / "o.jsonl.summary.json").read_text())["answered_by"] == (
        "situations"
    )
    compared = run_batch(
        roster,
        tmp_path / "c.jsonl",
        config(block_bytes=2000, compare={"basically_qualified": "passes"}),
    )
    base = analyse(AS_OF, {}, PARAMETERS)
    alt = analyse(AS_OF, {"basically_qualified": "passes"}, PARAMETERS)
    keys = Keys(alt, base.abstraction.common(alt.abstraction))  # as batch keys a comparison
    distinct = {
        (n, k)
        for r in rows
        for n, k in enumerate(keys.plan_keys(keys.person_key(parse_person(r, "r", ""))))
    }
    assert compared.situations_answered == 3 and compared.keys_solved == len(distinct)


@pytest.mark.parametrize("way", ["copy_file_range", "sendfile", "buffer"])
def test_a_part_is_appended_after_what_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    """The join appends each partition's file to the output by the kernel's copy
    (copy_file_range, else sendfile, else a buffer): the bytes land after what the output's
    text handle wrote, and what it writes next lands after them."""
    import errno
    import os

    from pyagent.batch import parent

    def unsupported(*args: object) -> int:
        raise OSError(errno.ENOSYS, "not here")

    for name in ("copy_file_range", "sendfile")[
        : ["copy_file_range", "sendfile", "buffer"].index(way)
    ]:
        monkeypatch.setattr(os, name, unsupported, raising=False)

    part = tmp_path / "part.out"
    part.write_bytes(("é" * 300_000 + "\n").encode("utf-8"))
    target = open(tmp_path / "out", "w", encoding="utf-8", newline="")
    with target:
        target.write("first\n")
        target.flush()
        with open(part, "rb") as source:
            parent.append_file(source, target.buffer)
        target.write("last\n")
    assert (tmp_path / "out").read_bytes() == b"first\n" + part.read_bytes() + b"last\n"
    empty = tmp_path / "empty.out"
    empty.write_bytes(b"")
    with open(tmp_path / "out2", "wb") as handle, open(empty, "rb") as source:
        parent.append_file(source, handle)
    assert os.path.getsize(tmp_path / "out2") == 0
