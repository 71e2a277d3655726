"""A roster with no person is bad input (SPEC section 7: exit 2, one message), as a case whose
``persons`` is empty is: ``pyagent batch`` on a header-only CSV ended with «0 persons in» and
exit code 0, writing an empty OUT.  And a roster piped into ``ask -`` is read as a roster file
is, spooled and bounded as one, not by ``--max-bytes`` (a case's bound), as ``batch -`` reads it.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app

runner = CliRunner()
NO_ROW = {
    "zh": "名册中没有人员：只有表头，表头下没有任何一行",
    "en": "the roster has no persons: a header row and no row under it",
}
BLANK = {
    "zh": "名册中没有人员：文件为空，或每一行都是空行",
    "en": "the roster has no persons: the file is empty or every line of it is blank",
}


def _xlsx_header_only(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["编号", "证书等级"])
    book.save(path)
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["csv", "xlsx", "jsonl", "empty jsonl", "piped csv"])
def test_a_roster_with_no_person_is_bad_input_and_nothing_is_written(kind, lang, tmp_path):
    if kind == "xlsx":
        roster, said = _xlsx_header_only(tmp_path / "r.xlsx"), NO_ROW
    elif kind in ("csv", "piped csv"):
        roster, said = tmp_path / "r.csv", NO_ROW
        roster.write_text("id,cert1_level\n", encoding="utf-8")
    else:
        roster, said = tmp_path / "r.jsonl", BLANK
        roster.write_text("" if kind == "empty jsonl" else "\n  \n\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("an earlier run's answers\n", encoding="utf-8")
    piped = kind.startswith("piped")
    args = ["batch", "-" if piped else str(roster), "-o", str(out), "--lang", lang]
    result = runner.invoke(app, args, input=roster.read_bytes() if piped else None)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    name = "<stdin>" if piped else str(roster)
    sep = "：" if lang == "zh" else ": "
    assert result.stderr == f"{name}{sep}{said[lang]}\n", result.stderr
    assert out.read_text(encoding="utf-8") == "an earlier run's answers\n"  # left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.jsonl", roster.name])
    # ask says it in the same words
    data = roster.read_bytes() if piped else None
    asked = runner.invoke(app, ["ask", "-" if piped else str(roster), "--lang", lang], input=data)
    if kind != "empty jsonl" or not piped:
        assert asked.exit_code == 2 and asked.stderr == f"{name}{sep}{said[lang]}\n", asked.stderr


def test_a_roster_piped_into_ask_is_bounded_as_a_roster_file_not_by_max_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ask - --person ID` read a piped roster whole into memory and refused it past
    --max-bytes (5 MB), where the same roster as a file, or through `batch -`, is read; now it
    is spooled to a temporary file (removed after) and read as the file is."""
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    header = "id,cert1_level,cert1_kind,cert1_obtained,work1_from,field,current_post,post_since\n"
    row = "{i},technician,skill_level,2019-01-01,2015-03-01,engineering,yes,2016-03-01\n"
    roster = tmp_path / "r.csv"
    roster.write_text(header + "".join(row.format(i=f"p{i}") for i in range(400)), "utf-8")
    data = roster.read_bytes()
    assert len(data) > 20_000
    asked = ["--person", "p399", "--as-of", "2026-07-01", "--json", "--max-bytes", "10000"]
    piped = runner.invoke(app, ["ask", "-", *asked], input=data)
    from_file = runner.invoke(app, ["ask", str(roster), *asked])
    assert from_file.exit_code == 0, from_file.output
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout)["persons"] == json.loads(from_file.stdout)["persons"]
    assert not list(own_tmp.iterdir())  # the spool removed
    # a bad row of the piped roster is named by <stdin>, not by the spool
    bad = runner.invoke(
        app, ["ask", "-", "--person", "x", "--lang", "zh"], input=header + "x,tecnician\n"
    )
    assert bad.exit_code == 2 and bad.stderr.startswith("<stdin>:2：cert1_level："), bad.stderr
    assert not list(own_tmp.iterdir())
    # a case piped in is still a case: bounded by --max-bytes
    case = "as_of: 2026-07-01\nperson: {id: a}\n" + "#" * 200 + "\n"
    for lang, said in (("en", "the input is larger than 100 bytes"), ("zh", "输入超过 100 字节")):
        refused = runner.invoke(app, ["ask", "-", "--max-bytes", "100", "--lang", lang], input=case)
        assert refused.exit_code == 2 and said in refused.stderr, refused.stderr


def test_one_person_in_is_said_in_the_singular(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("id,cert1_level\na,technician\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(roster), "-o", str(tmp_path / "o.jsonl"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "\n1 person in = 1 answered" in result.stderr, result.stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_diff_lists_its_readings_and_clauses_in_the_language_asked(lang: str) -> None:
    demo = str(Path(__file__).resolve().parent.parent / "queries" / "demo.yaml")
    args = [
        "diff",
        demo,
        "--reading",
        "field_list=open",
        "--reading",
        "field_scope=skill_to_title_only",
    ]
    result = runner.invoke(app, [*args, "--lang", lang], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    sep = "、" if lang == "zh" else ", "
    assert f"field_list=open{sep}field_scope=skill_to_title_only" in result.stdout, result.stdout
    if lang == "en":  # one case, in the singular (it said 'in 1 cases')
        assert "5 of 36 answers in 1 case change." in result.stdout, result.stdout


# name: (header and row, the zh message after 'r.csv:2：', the en one after 'r.csv:2: ')
BLANK_REQUIRED = {
    "level blank": (
        "id,cert1_level,cert1_kind,cert1_obtained\na,,skill_level,2020-01-01\n",
        "cert1_level：为空，但cert1_kind、cert1_obtained已填写：证书须注明等级",
        "cert1_level: blank, but cert1_kind, cert1_obtained are filled: a certificate needs "
        "its level",
    ),
    "no level column, Chinese header": (
        "编号,证书1类别,证书1取得日期\na,职业技能等级,2020-01-01\n",
        "证书1类别：表头没有「证书1等级」列，但证书1类别、证书1取得日期已填写：证书须注明等级",
        "证书1类别: the header has no '证书1等级' column, but 证书1类别, 证书1取得日期 are "
        "filled: a certificate needs its level",
    ),
    "work without from, title without rank": (
        "id,work1_from,work1_to,title1_rank,title1_obtained\na,,2020-01-01,,2019-01-01\n",
        "work1_from：为空，但work1_to已填写：技术工作时段须注明起始日期；title1_rank：为空，"
        "但title1_obtained已填写：职称须注明级别",
        "work1_from: blank, but work1_to is filled: a period of technical work needs its start; "
        "title1_rank: blank, but title1_obtained is filled: a title needs its rank",
    ),
    "id blank": (
        "id,cert1_level\n,technician\n",
        "id：为空：每一行都须填编号",
        "id: blank: every row needs its id",
    ),
    "at post without a grade": (
        "id,assessment_2024,assessment_2024_at_current_post\na,,true\n",
        "assessment_2024_at_current_post：已填写，但assessment_2024中没有考核结果",
        "assessment_2024_at_current_post: given without a grade in assessment_2024",
    ),
    "a quote never closed": (
        'id,field\na,"engineering\nb,engineering\nc,engineering\n',
        'field：此单元格中的引号（"）没有闭合：第3至4行都被读进了这个单元格，这些行上的人员也在其中',
        'field: a quote (") opened in this cell is not closed: lines 3 to 4 were read into the '
        "cell, and the rows on them with it",
    ),
    "an honour's entry": (
        "id,honours\na,national_technical_expert;bogus\n",
        "honours（第2项）：「bogus」不是荣誉",
        "honours (entry 2): 'bogus' is not an honour",
    ),
}


@pytest.mark.parametrize("kind", sorted(BLANK_REQUIRED))
def test_a_csv_row_is_told_of_its_columns_not_of_keys(kind, tmp_path):
    """A certificate group without its level said «cert1_level：缺少必填的键「level」» (CSV users
    have columns, not keys); a blank id «缺少必填的键「id」»; and two CSV messages were English
    under zh («given without a grade in …», «honours (entry 2)»)."""
    text, zh, en = BLANK_REQUIRED[kind]
    roster = tmp_path / "r.csv"
    roster.write_text(text, encoding="utf-8")
    for lang, said, sep in (("zh", zh, "："), ("en", en, ": ")):
        out = tmp_path / f"o_{lang}.jsonl"
        result = runner.invoke(app, ["batch", str(roster), "-o", str(out), "--lang", lang])
        assert result.exit_code == 0, result.output
        line = result.stderr.splitlines()[0].replace(str(roster), "r.csv")
        assert line.startswith(f"r.csv:2{sep}{said}"), line
        assert "key" not in line and "键" not in line
        if kind != "id blank":
            asked = runner.invoke(app, ["ask", str(roster), "--person", "a", "--lang", lang])
            assert asked.exit_code == 2 and "Traceback" not in asked.output
            assert asked.stderr.replace(str(roster), "r.csv").startswith(f"r.csv:2{sep}{said}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_header_only_roster_asked_for_a_person_says_it_has_none(lang, tmp_path):
    """`ask roster.csv --person x` on a header-only roster said «没有编号为「x」的行；已有编号：
    （无）»: now that the roster has no person at all; and a duplicate id is set apart with 「」
    under zh (it was 'x' in the Chinese sentence)."""
    roster = tmp_path / "r.csv"
    roster.write_text("id,cert1_level\n", encoding="utf-8")
    result = runner.invoke(app, ["why", str(roster), "title.assistant", "-p", "x", "--lang", lang])
    sep = "：" if lang == "zh" else ": "
    assert result.exit_code == 2 and result.stderr == f"{roster}{sep}{NO_ROW[lang]}\n"
    roster.write_text("id,cert1_level\nx,technician\nx,technician\n", encoding="utf-8")
    result = runner.invoke(app, ["ask", str(roster), "--lang", lang])
    said = "id：编号「x」重复（首次在第2行）" if lang == "zh" else "id: the id 'x' is used twice"
    assert result.exit_code == 2 and f"{roster}:3{sep}{said}" in result.stderr, result.stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_summary_names_the_compared_reading_whole(lang, tmp_path):
    """At 80 columns batch's zh summary cut the compared reading's code to
    「改变的答案（basically_qualifie…」; its header now wraps as Chinese and English are read."""
    roster = tmp_path / "r.csv"
    roster.write_text("id,cert1_level\na,technician\n", encoding="utf-8")
    args = ["batch", str(roster), "-o", str(tmp_path / "o.jsonl"), "-j", "1", "--lang", lang]
    args += ["--compare-reading", "basically_qualified=passes"]
    result = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "basically_qualified=passes" in result.stderr and "…" not in result.stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_row_whose_id_cannot_be_read_is_named_when_none_has_the_id(lang, tmp_path):
    """`ask r.jsonl --person j3` with rows 2 and 3 unreadable said row 2 'may be the one', as if
    it were the only candidate (j3 was on line 3): now the other unreadable rows' lines too."""
    roster = tmp_path / "r.jsonl"
    roster.write_text('{"id": "j1"}\n{"id": "j2" "f": 1}\n{"id": "j3",}\n', encoding="utf-8")
    result = runner.invoke(app, ["ask", str(roster), "--person", "j3", "--lang", lang])
    assert result.exit_code == 2, result.output
    said = (
        "（其他行都没有编号「j3」，而此行及另外1行（第3行）的编号都无法读出，其中可能有该行）"
        if lang == "zh"
        else "(no other row has the id 'j3', and the ids of this row and of 1 other row (line 3) "
        "cannot be read: one of them may be it)"
    )
    assert result.stderr.startswith(f"{roster}:2") and result.stderr.strip().endswith(said)
