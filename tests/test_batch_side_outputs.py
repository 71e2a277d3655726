"""pyagent batch's other outputs: ``--flips FILE`` has OUT's safety (checked before any work,
locked, a temporary file renamed into place), and the errors file is in the language of
``--lang`` (SPEC section 9: one language per output)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

from typer.testing import CliRunner

from pyagent.batch.outputs import SideTable
from pyagent.cli import app

runner = CliRunner()
HEADER = "id,cert1_level,cert1_obtained,work1_from,field,post_occupation,assessment_2023,assessment_2024,assessment_2025\n"
ROWS = (
    "li,senior_worker,2020-01-01,2015-01-01,engineering,电工,,,\n"
    "bq,technician,2018-01-01,2010-01-01,engineering,电工,basically_qualified,basically_qualified,basically_qualified\n"
)


def roster(tmp_path: Path) -> Path:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def batch(tmp_path: Path, flips: Path, *extra: str):
    return runner.invoke(
        app,
        [
            "batch",
            str(roster(tmp_path)),
            "-o",
            str(tmp_path / "o.jsonl"),
            "--as-of",
            "2026-07-01",
            "-j",
            "1",
            "--compare-reading",
            "basically_qualified=passes",
            "--flips",
            str(flips),
            *extra,
        ],
    )


def test_flips_file_is_checked_before_any_work(tmp_path: Path) -> None:
    source = roster(tmp_path)
    before = source.read_bytes()
    (tmp_path / "sub.csv").mkdir()
    for flips in (
        source,
        tmp_path / "o.jsonl",
        tmp_path / "o.jsonl.errors.jsonl",
        tmp_path / "sub.csv",
    ):
        result = batch(tmp_path, flips)
        assert result.exit_code == 2, (flips, result.output)
        assert "Traceback" not in result.output
        assert not (tmp_path / "o.jsonl").exists()  # refused before the batch ran
    assert source.read_bytes() == before
    zh = batch(tmp_path, source, "--lang", "zh")
    assert zh.exit_code == 2 and "名单" in zh.stderr and "roster" not in zh.stderr


def test_flips_file_is_locked_for_the_run(tmp_path: Path) -> None:
    flips = tmp_path / "flips.csv"
    held = SideTable.claim_beside(tmp_path / "r.csv", flips, tmp_path / "x.jsonl", "f", "f")
    try:
        result = batch(tmp_path, flips)
        assert result.exit_code == 2 and "another pyagent batch" in result.stderr
        assert not flips.exists()
    finally:
        held.discard()
    assert batch(tmp_path, flips).exit_code == 0


def test_flips_file_is_renamed_into_place_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    flips = tmp_path / "flips.csv"
    os.symlink(victim, flips)
    result = batch(tmp_path, flips)
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not flips.is_symlink()
    rows = list(csv.reader(io.StringIO(flips.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:2] == ["id", "question"] and {r[0] for r in rows[1:]} == {"bq"}
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [], left  # no temporary file, no lock file


def test_a_failed_flips_write_is_one_message_and_leaves_the_old_file(tmp_path: Path) -> None:
    flips = tmp_path / "flips.csv"
    flips.write_text("old", encoding="utf-8")
    table = SideTable.claim_beside(tmp_path / "r.csv", flips, tmp_path / "o.jsonl", "f", "f")

    def broken(temp: Path) -> None:
        temp.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    try:
        try:
            table.write(broken)
        except Exception as err:  # noqa: BLE001 - the one error it raises
            assert type(err).__name__ == "OutputError"
            assert "磁盘已满" in err.text("zh") and "disk is full" in str(err)
        else:
            raise AssertionError("no error")
    finally:
        table.discard()
    assert flips.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flips.csv"]


BAD_ROWS = [
    "{not json",
    json.dumps({"id": "bad_level", "certificates": [{"level": "tecnician"}]}),
    '{"id": "twice", "field": "art", "field": "sports"}',
    json.dumps({"id": "ok", "field": "art"}),
]


def test_the_errors_file_is_in_the_language_asked(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with path.open("wb") as handle:
        handle.write("\n".join(BAD_ROWS).encode() + b'\n{"id": "latin1", "field": "\xe9"}\n')
    found = {}
    for lang in ("en", "zh"):
        out = tmp_path / f"o.{lang}.jsonl"
        result = runner.invoke(
            app,
            ["batch", str(path), "-o", str(out), "--as-of", "2026-07-01", "-j", "1"]
            + ["--lang", lang],
        )
        assert result.exit_code == 0, result.output
        errors_file = tmp_path / f"o.{lang}.jsonl.errors.jsonl"
        found[lang] = [
            json.loads(line) for line in errors_file.read_text(encoding="utf-8").splitlines()
        ]
        assert [e["line"] for e in found[lang]] == [1, 2, 3, 5]
        for e in found[lang]:  # each shown on stderr as written to the file
            assert e["message"] in result.stderr
    for e in found["en"]:
        assert not re.search(r"[\u4e00-\u9fff]", e["message"]), e
    for e, en in zip(found["zh"], found["en"], strict=True):
        words = re.sub(
            r"'[^']*'|「[^」]*」|\([^)]*\)|\S+\.jsonl\S*|[a-z_]+\[\d+\]\S*", "", e["message"]
        )
        assert re.search(r"[\u4e00-\u9fff]", e["message"]), e
        assert not re.search(r"\b(?:not|is|invalid|expected|given|text|the)\b", words), e
        assert e["message"] != en["message"] and (e["line"], e["id"]) == (en["line"], en["id"])
    assert "该行未作答" in result.stderr and "row not answered" not in result.stderr


def test_the_summary_on_stderr_is_in_the_language_asked(tmp_path: Path) -> None:
    """The summary batch prints last (counts per status, persons in = out + errors, who flips) is
    in the language of --lang, codes and file names aside."""
    said = {}
    for lang in ("en", "zh"):
        result = batch(tmp_path, tmp_path / f"flips.{lang}.csv", "--lang", lang)
        assert result.exit_code == 0, result.output
        said[lang] = result.stderr
    en, zh = said["en"], said["zh"]
    assert "2 persons in = 2 answered" in en and "who flips" in en
    assert "输入2人 = 已作答2人" in zh and "答案改变的人员及两种读法下的理由" in zh
    words = re.sub(r"/\S+", "", zh)  # file names aside
    for word in ("question", "unknown", "persons in", "answered", "errors", "who flips", "none"):
        assert word not in words, word
    assert (
        "否→未知" in zh or "是→否" in zh or "否→是" in zh
    )  # a flip, said with the statuses' words
    assert "未知" in zh and "问题" in zh


def test_diff_flips_file_has_the_same_safety(tmp_path: Path) -> None:
    """``pyagent diff ... --flips FILE``: never the roster it reads, refused before any work,
    written whole by a temporary file renamed into place (no temporary file left behind)."""
    source = roster(tmp_path)
    before = source.read_bytes()

    def diff(flips: Path, *extra: str):
        args = ["diff", str(source), "-r", "basically_qualified=passes", "--as-of", "2026-07-01"]
        return runner.invoke(app, [*args, "--flips", str(flips), *extra])

    for lang, word in (("en", "the roster itself"), ("zh", "名单本身")):
        refused = diff(source, "--lang", lang)
        assert refused.exit_code == 2 and word in refused.stderr, refused.output
        assert "Traceback" not in refused.output
    assert source.read_bytes() == before
    written = diff(tmp_path / "d.csv")
    assert written.exit_code == 0, written.output
    rows = list(csv.reader(io.StringIO((tmp_path / "d.csv").read_text(encoding="utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == {"bq"}  # only bq's answers change
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "r.csv"]


def test_a_flip_cites_its_clauses_in_the_notices_order_and_zh_joins_them_with_a_dun() -> None:
    from pyagent.explain.flips import flip_table, flips_between
    from pyagent.explain.reasons import notice_order
    from pyagent.input.case import load_case

    case = load_case(Path(__file__).parent.parent / "queries" / "demo.yaml")
    flips = flips_between(case, {"duration_end": "year_end"}, "zh")
    assert flips and all(list(f.clauses) == sorted(f.clauses, key=notice_order) for f in flips), [
        f.clauses for f in flips
    ]
    cells = [row[-1] for row in flip_table(flips, "zh")[1]]
    assert any("、" in c for c in cells) and not any(", " in c for c in cells), cells
    assert all(", " in c or "," not in c for c in [r[-1] for r in flip_table(flips, "en")[1]])


def test_zh_tables_join_clauses_with_the_enumeration_comma(tmp_path: Path) -> None:
    """A row's clauses in the CSV of ``batch --lang zh`` (and so the page's roster download,
    written by the same `jsonl_to_table`) are joined with 、 as every zh list is (the flips
    table's too); en keeps ", "."""
    for lang, sep, other in (("zh", "、", ", "), ("en", ", ", "、")):
        out = tmp_path / f"answers-{lang}.csv"
        result = runner.invoke(
            app,
            ["batch", str(roster(tmp_path)), "-o", str(out), "--as-of", "2026-07-01"]
            + ["-j", "1", "--lang", lang],
        )
        assert result.exit_code == 0, result.output
        rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
        suffix = "：条款" if lang == "zh" else " clauses"
        columns = [k for k, name in enumerate(rows[0]) if name.endswith(suffix)]
        assert len(columns) == 9
        cells = [row[k] for row in rows[1:] for k in columns]
        assert any(sep in cell for cell in cells), cells
        assert not any(other in cell for cell in cells), cells
