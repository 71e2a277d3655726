"""Rosters as an analyst works with them (issue 13): a row asked about like a case, who
flips, Excel both ways, Chinese headers, the template, row errors that help, the progress
bar; and the conventions: stdin, shell completion."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app
from pyagent.errors import InputError
from pyagent.input.columns import CsvLayout, csv_person, zh_name
from pyagent.input.sheets import read_rows, write_table
from pyagent.input.sources import load_input

runner = CliRunner()
AS_OF = "2026-07-01"
HEADER = [
    "id",
    "cert1_level",
    "cert1_obtained",
    "work1_from",
    "field",
    "post_occupation",
    "assessment_2023",
    "assessment_2024",
    "assessment_2025",
]
ROWS = [
    ["li", "senior_worker", "2020-01-01", "2015-01-01", "engineering", "电工", "", "", ""],
    [
        "bq",
        "technician",
        "2018-01-01",
        "2010-01-01",
        "engineering",
        "电工",
        "basically_qualified",
        "basically_qualified",
        "basically_qualified",
    ],
    [
        "wang",
        "technician",
        "2018-01-01",
        "2010-01-01",
        "engineering",
        "电工",
        "qualified",
        "qualified",
        "qualified",
    ],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def table(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_why_answers_a_row_of_a_roster_by_its_id(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", HEADER, ROWS)
    result = runner.invoke(
        app,
        ["why", str(roster), "title.intermediate", "--person", "wang", "--as-of", AS_OF, "--json"],
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["explanations"]
    assert [(e["person"], e["question"]) for e in found] == [("wang", "title.intermediate")]
    jsonl = tmp_path / "r.jsonl"
    jsonl.write_text("\n".join(json.dumps(parse_row(r)) for r in ROWS) + "\n", encoding="utf-8")
    same = runner.invoke(
        app, ["why", str(jsonl), "title.intermediate", "-p", "wang", "--as-of", AS_OF, "--json"]
    )
    assert json.loads(same.stdout)["explanations"][0]["status"] == found[0]["status"]
    for command in (["why-not", "title.assistant"], ["what-if", "title.assistant"], ["ask"]):
        other = runner.invoke(
            app, [command[0], str(roster), *command[1:], "-p", "li", "--as-of", AS_OF, "--json"]
        )
        assert other.exit_code == 0, (command, other.output)
    missing = runner.invoke(app, ["ask", str(roster), "--person", "zhao"])
    assert missing.exit_code == 2 and "no row has the id 'zhao'" in missing.stderr
    assert "li, bq, wang" in missing.stderr


def parse_row(row: list[str]) -> dict:
    return csv_person(CsvLayout.from_header(HEADER, "r.csv"), row, "r.csv", 2)


def test_batch_and_diff_list_who_flips_with_both_reasons(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", HEADER, ROWS)
    flips = tmp_path / "flips.csv"
    result = runner.invoke(
        app,
        [
            "batch",
            str(roster),
            "-o",
            str(tmp_path / "o.jsonl"),
            "--as-of",
            AS_OF,
            "-j",
            "1",
            "--compare-reading",
            "basically_qualified=passes",
            "--flips",
            str(flips),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = table(flips)
    assert rows[0][:2] == ["id", "question"]
    assert rows[0][2:6] == [
        "status (default readings)",
        "reason (default readings)",
        "status (basically_qualified=passes)",
        "reason (basically_qualified=passes)",
    ]
    assert {r[0] for r in rows[1:]} == {"bq"}  # only bq's answers change
    assert all(r[2] != r[4] for r in rows[1:])
    diff_flips = tmp_path / "d.xlsx"
    diff = runner.invoke(
        app,
        [
            "diff",
            str(roster),
            "-r",
            "basically_qualified=passes",
            "--as-of",
            AS_OF,
            "--flips",
            str(diff_flips),
            "--lang",
            "zh",
        ],
    )
    assert diff.exit_code == 0, diff.output
    header, body = read_rows(diff_flips)
    assert header[:3] == ["编号", "问题", "答案（默认读法）"]
    found = [(r[0], r[1], r[2], r[4]) for _, r in body]
    assert found == [
        (
            r[0],
            r[1],
            {"no": "否", "yes": "是", "unknown": "未知"}[r[2]],
            {"no": "否", "yes": "是", "unknown": "未知"}[r[4]],
        )
        for r in rows[1:]
    ]


def test_xlsx_round_trip_and_a_batch_into_a_workbook(tmp_path: Path) -> None:
    book = tmp_path / "r.xlsx"
    write_table(book, HEADER, ROWS)
    header, body = read_rows(book)
    assert header == HEADER and [r for _, r in body] == ROWS
    out = tmp_path / "answers.xlsx"
    result = runner.invoke(app, ["batch", str(book), "-o", str(out), "--as-of", AS_OF, "-j", "1"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"  # a real workbook (a zip), not JSON lines
    header, body = read_rows(out)
    answered = {r[0]: r for _, r in body}
    assert header[:5] == [
        "id",
        "title.participate",
        "title.participate reason",
        "title.participate clauses",
        "title.participate to settle",
    ]
    assert set(answered) == {"li", "bq", "wang"}
    asked = json.loads(
        runner.invoke(app, ["ask", str(book), "-p", "wang", "--as-of", AS_OF, "--json"]).stdout
    )
    assert answered["wang"][1::4] == [a["status"] for a in asked["persons"][0]["answers"]]
    refused = runner.invoke(app, ["batch", str(book), "-o", str(tmp_path / "out.xls")])
    assert refused.exit_code == 2 and "'.xls'" in refused.stderr
    assert not (tmp_path / "out.xls").exists()


def test_csv_output_has_a_bom_and_zh_headers_and_statuses(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", HEADER, ROWS)
    out = tmp_path / "o.csv"
    result = runner.invoke(
        app, ["batch", str(roster), "-o", str(out), "--as-of", AS_OF, "-j", "1", "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = table(out)
    assert rows[0][0] == "编号" and rows[0][1] == "title.participate（可参加职称评审）：答案"
    assert {c for r in rows[1:] for c in r[1::4]} <= {"是", "否", "未知"}


def test_chinese_headers_are_aliases_of_the_english_ones(tmp_path: Path) -> None:
    zh = [
        "编号",
        "证书等级",
        "取得日期",
        "技术工作1起始",
        "领域",
        "现岗位职业",
        "2023年度考核",
        "2024年度考核",
        "2025年度考核",
    ]
    assert [zh_name(h) for h in HEADER][0] == "编号"
    english = load_input(write_csv(tmp_path / "en.csv", HEADER, ROWS))
    chinese = load_input(write_csv(tmp_path / "zh.csv", zh, ROWS))
    assert chinese.persons == english.persons


def test_a_csv_saved_by_excel_on_a_chinese_windows_is_read(tmp_path: Path) -> None:
    """Excel on a Chinese Windows saves "CSV" in GB18030: a header in Chinese that is not
    UTF-8 but reads as GB18030 into known columns makes the file GB18030, for batch, for a
    row asked about and for the page; any other header that is not UTF-8 is refused on line
    1 with how to save the file, and so is UTF-16 (Excel's "Unicode text")."""
    zh = ["编号", "证书等级", "取得日期", "技术工作1起始", "领域", "现岗位职业", "2023年度考核"]
    rows = [[*r[:6], "合格" if r[6] else ""] for r in ROWS]
    utf8 = write_csv(tmp_path / "u.csv", zh, rows)
    gbk = tmp_path / "g.csv"
    gbk.write_bytes(utf8.read_text(encoding="utf-8").encode("gb18030"))
    assert load_input(gbk, person="bq").persons == load_input(utf8, person="bq").persons
    for name in ("u", "g"):
        done = runner.invoke(
            app,
            [
                "batch",
                f"{tmp_path}/{name}.csv",
                "-o",
                f"{tmp_path}/{name}.jsonl",
                "--as-of",
                AS_OF,
                "-j",
                "1",
            ],
        )
        assert done.exit_code == 0, done.output
    assert (tmp_path / "g.jsonl").read_bytes() == (tmp_path / "u.jsonl").read_bytes()
    from pyagent.web.roster import check_roster

    assert check_roster(gbk.read_bytes(), "g.csv") == ("csv", "g.csv")
    not_ours = tmp_path / "n.csv"
    not_ours.write_bytes("编号,身高\n1,2\n".encode("gb18030"))  # GB18030, but not our columns
    utf16 = tmp_path / "w.csv"
    utf16.write_bytes(utf8.read_text(encoding="utf-8").encode("utf-16"))
    for bad, said in ((not_ours, "not UTF-8 text (byte 0xb1 of the header"), (utf16, "UTF-16")):
        done = runner.invoke(app, ["batch", str(bad), "-o", str(tmp_path / "x.jsonl")])
        assert done.exit_code == 2 and done.stderr.startswith(f"{bad}:1: {said}"), done.stderr
        assert "save the roster as CSV UTF-8" in done.stderr and "\\udc" not in done.stderr
        with pytest.raises(InputError, match="CSV UTF-8"):
            load_input(bad, person="1")
        with pytest.raises(InputError, match="CSV UTF-8"):
            check_roster(bad.read_bytes(), "x.csv")


def test_a_gb18030_csv_with_the_tools_own_ascii_header_is_read(tmp_path: Path) -> None:
    """The tool's own column names are plain ASCII, so Excel's GB18030 "CSV" of such a roster
    (demo_roster.csv saved on a Chinese Windows) has a header that is UTF-8 too: its rows
    decide (every Chinese row was refused as not UTF-8).  A UTF-8 roster with one bad row
    stays UTF-8: that row is its error, the others are answered."""
    demo = Path(__file__).resolve().parent.parent / "queries" / "demo_roster.csv"
    text = demo.read_text(encoding="utf-8")
    gbk = tmp_path / "g.csv"
    gbk.write_bytes(text.encode("gb18030"))
    outs = {}
    for name, roster in (("u", demo), ("g", gbk)):
        out = tmp_path / f"{name}.jsonl"
        done = runner.invoke(
            app, ["batch", str(roster), "-o", str(out), "--as-of", AS_OF, "-j", "1"]
        )
        assert done.exit_code == 0, done.output
        outs[name] = out.read_bytes()
    assert outs["g"] == outs["u"] and b"li_senior_worker" in outs["g"]
    person = load_input(gbk, person="li_senior_worker").persons
    assert person == load_input(demo, person="li_senior_worker").persons
    lines = text.encode("utf-8").split(b"\n")
    lines[2] = lines[2].replace("农艺工".encode("utf-8"), "农艺工".encode("gb18030"))
    one_bad = tmp_path / "b.csv"
    one_bad.write_bytes(b"\n".join(lines))
    out = tmp_path / "b.jsonl"
    done = runner.invoke(app, ["batch", str(one_bad), "-o", str(out), "--as-of", AS_OF, "-j", "1"])
    assert done.exit_code == 0, done.output
    assert f"{one_bad}:3: not UTF-8 text" in done.stderr
    answered = [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()]
    assert len(answered) == text.count("\n") - 2 and "li_senior_worker" not in answered


def test_a_gb18030_csv_piped_in_is_read_as_the_same_file_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Standard input gets the same decision as a file (roster.csv_encoding): Excel's GB18030
    "CSV" piped into ask, why or batch is read, with a Chinese header or the tool's own ASCII
    one; a GB18030 header that is not a roster's is refused with how to save it, in the
    language asked; a bad row is named by <stdin>, not by a temporary file, which is removed
    (looked for in a temporary directory of this test's own: the machine's /tmp is shared with
    other runs of the suite, whose ``batch -`` files come and go)."""
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    zh = ["编号", "证书等级", "取得日期", "技术工作1起始", "领域", "现岗位职业", "2023年度考核"]
    rows = [[*r[:6], "合格" if r[6] else ""] for r in ROWS]
    utf8 = write_csv(tmp_path / "u.csv", zh, rows)
    demo = Path(__file__).resolve().parent.parent / "queries" / "demo_roster.csv"
    for roster, pid in ((utf8, "bq"), (demo, "li_senior_worker")):
        gbk = roster.read_text(encoding="utf-8").encode("gb18030")
        piped = runner.invoke(app, ["ask", "-", "-p", pid, "--as-of", AS_OF, "--json"], input=gbk)
        from_file = runner.invoke(app, ["ask", str(roster), "-p", pid, "--as-of", AS_OF, "--json"])
        assert piped.exit_code == 0, piped.output
        assert json.loads(piped.stdout)["persons"] == json.loads(from_file.stdout)["persons"]
        outs = []
        for name, data in (("file", None), ("piped", gbk)):
            out = tmp_path / f"{name}.jsonl"
            args = ["batch", "-" if data else str(roster), "-o", str(out), "--as-of", AS_OF]
            done = runner.invoke(app, [*args, "-j", "1"], input=data)
            assert done.exit_code == 0, done.output
            outs.append(out.read_bytes())
        assert outs[0] == outs[1]
        summary = json.loads((tmp_path / "piped.jsonl.summary.json").read_text("utf-8"))
        assert summary["roster"] == "<stdin>"
    bad = "编号,证书等级,取得日期\nli,技师,2020-13-01\nwang,技师,2020-01-01\n".encode("gb18030")
    done = runner.invoke(
        app, ["batch", "-", "-o", str(tmp_path / "b.jsonl"), "--lang", "zh"], input=bad
    )
    assert done.exit_code == 0, done.output
    assert done.stderr.startswith("<stdin>:2：取得日期：「2020-13-01」"), done.stderr
    assert not list(own_tmp.glob("pyagent-stdin-*"))
    not_ours = "编号,身高\n1,2\n".encode("gb18030")
    for lang, said in (("en", "save the roster as CSV UTF-8"), ("zh", "另存为“CSV UTF-8”")):
        for args in (["ask", "-", "-p", "1"], ["batch", "-", "-o", str(tmp_path / "n.jsonl")]):
            done = runner.invoke(app, [*args, "--lang", lang], input=not_ours)
            assert done.exit_code == 2 and done.stderr.startswith("<stdin>:1"), done.stderr
            assert said in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_batch_reads_a_roster_from_a_real_pipe(tmp_path: Path) -> None:
    """``batch -`` on a pipe (not the test runner's in-memory stdin): it read stdin with one
    read of a terabyte, a MemoryError; an .xlsx workbook piped in is read too."""
    demo = Path(__file__).resolve().parent.parent / "queries" / "demo_roster.csv"
    book = tmp_path / "r.xlsx"
    assert runner.invoke(app, ["template", str(book)]).exit_code == 0
    for roster in (demo, book):
        out = tmp_path / f"{roster.stem}.jsonl"
        done = subprocess.run(
            [sys.executable, "-m", "pyagent", "batch", "-", "-o", str(out), "-j", "1"],
            input=roster.read_bytes(),
            capture_output=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr.decode()
        assert out.read_text("utf-8").count("\n") == (4 if roster == demo else 1)
    piped = runner.invoke(app, ["ask", "-", "-p", "650123", "--json"], input=book.read_bytes())
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout)["persons"][0]["id"] == "650123"


def test_a_number_cell_in_another_form_is_said_to_be_in_it(tmp_path: Path) -> None:
    """A cell of cumulative_work_years (and a --parameter) in plain digits is read; 1e3,
    1,000, 12年, 12.5年 and full-width digits (a Chinese input method's) are refused saying
    what they are and the plain digits to write ('1e3' is not a number was false), in the
    language asked; other text is 'not a number written in digits'."""
    read = {"12": 12, " 12 ": 12, "9.5": 9.5}
    for cell, years in read.items():
        roster = write_csv(tmp_path / "r.csv", ["id", "cumulative_work_years"], [["p", cell]])
        assert load_input(roster, person="p").persons[0].cumulative_work_years == years
    refused = {
        "1e3": (
            "'1e3' is written in exponent notation; write it in plain decimal digits: 1000",
            "「1e3」是科学计数法；请用普通十进制数字书写：1000",
        ),
        "1,000": (
            "'1,000' is written with a thousands separator; write it in digits alone: 1000",
            "「1,000」带千位分隔符；请只用数字书写：1000",
        ),
        "12年": (
            "'12年' is written with a unit after the number; write the number alone: 12",
            "「12年」在数字后带有单位；请只写数字：12",
        ),
        "12.5年": (
            "'12.5年' is written with a unit after the number; write the number alone: 12.5",
            "「12.5年」在数字后带有单位；请只写数字：12.5",
        ),
        "１２": (
            "'１２' is written in full-width digits; write it in half-width digits: 12",
            "「１２」是全角数字；请用半角数字书写：12",
        ),
        "十二": (
            "'十二' is not a number written in digits, such as 12 or 9.5",
            "「十二」不是用数字写成的数，应如 12 或 9.5",
        ),
    }
    for cell, (en, zh) in refused.items():
        roster = write_csv(tmp_path / "r.csv", ["id", "cumulative_work_years"], [["p", cell]])
        for lang, said in (
            ("en", f"{roster}:2: cumulative_work_years: {en}"),
            ("zh", f"{roster}:2：cumulative_work_years：{zh}"),
        ):
            done = runner.invoke(app, ["ask", str(roster), "-p", "p", "--lang", lang])
            assert done.exit_code == 2 and done.stderr.strip() == said, done.stderr
    case = tmp_path / "c.yaml"
    case.write_text("as_of: 2026-07-01\nperson: {id: p}\n", encoding="utf-8")
    parameter = ["ask", str(case), "--json", "--parameter"]
    for value, lang, said in (
        (
            "1e1",
            "en",
            "'1e1' is written in exponent notation; write it in plain decimal digits: 10",
        ),
        ("5年", "zh", "「5年」在数字后带有单位；请只写数字：5"),
        ("５", "zh", "「５」是全角数字；请用半角数字书写：5"),
        ("five", "en", "'five' is not a number written in digits, such as 5"),
    ):
        done = runner.invoke(
            app, [*parameter, f"application_years.technician={value}", "--lang", lang]
        )
        assert done.exit_code == 2 and done.stderr.strip().endswith(said), done.stderr


def test_template_writes_every_column_and_an_example_that_answers(tmp_path: Path) -> None:
    for name, lang in (("t.xlsx", "zh"), ("t.csv", "en")):
        path = tmp_path / name
        result = runner.invoke(app, ["template", str(path), "--lang", lang])
        assert result.exit_code == 0, result.output
        case = load_input(path, as_of=None)
        assert [p.id for p in case.persons] == ["650123"]
        assert case.persons[0].certificates[0].level == "technician"
    header = table(tmp_path / "t.csv")[0]
    for column in (
        "id",
        "cert1_level",
        "work1_from",
        "field",
        "post_since",
        "honours",
        "title1_rank",
        "cumulative_work_years",
        "education",
    ):
        assert column in header
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    again = runner.invoke(app, ["template", str(tmp_path / "t.csv")])
    assert again.exit_code == 2 and "--force" in again.stderr
    wrong = runner.invoke(app, ["template", str(tmp_path / "t.txt")])
    assert wrong.exit_code == 2 and "'.txt'" in wrong.stderr


def test_a_row_error_names_every_bad_column_as_the_file_writes_it(tmp_path: Path) -> None:
    header = ["编号", "证书1等级", "证书1取得日期", "assessment_2024", "cumulative_work_years"]
    roster = write_csv(tmp_path / "r.csv", header, [["li", "tecnician", "2024-13-01", "good", "x"]])
    with pytest.raises(InputError) as info:
        load_input(roster)
    message = str(info.value)
    assert message.startswith(f"{roster}:2: ")
    for column in ("证书1等级", "证书1取得日期", "assessment_2024", "cumulative_work_years"):
        assert f"{column}:" in message or message.startswith(f"{roster}:2: {column}")
    assert "certificates[0]" not in message and "annual_assessments" not in message
    assert "did you mean 'technician'" in message


def test_a_misspelt_header_is_refused_with_the_near_one(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", ["id", "assesment_2024", "证书等极"], [["li", "", ""]])
    result = runner.invoke(app, ["ask", str(roster)])
    assert result.exit_code == 2
    assert "did you mean 'assessment_2024'" in result.stderr
    assert "did you mean '证书等级'" in result.stderr
    zh = runner.invoke(app, ["ask", str(roster), "--lang", "zh"])
    assert "未知的列" in zh.stderr and "是否应为'assessment_2024'" in zh.stderr
    assert "unknown column" not in zh.stderr


def test_a_case_and_a_roster_from_stdin() -> None:
    case = Path("queries/demo.yaml").read_text(encoding="utf-8")
    result = runner.invoke(app, ["ask", "-", "--json"], input=case)
    assert result.exit_code == 0, result.output
    from_file = runner.invoke(app, ["ask", "queries/demo.yaml", "--json"])
    assert json.loads(result.stdout)["persons"] == json.loads(from_file.stdout)["persons"]
    text = "\n".join(",".join(r) for r in [HEADER, *ROWS]) + "\n"
    row = runner.invoke(
        app, ["why", "-", "title.assistant", "-p", "li", "--as-of", AS_OF, "--json"], input=text
    )
    assert row.exit_code == 0, row.output
    assert json.loads(row.stdout)["explanations"][0]["person"] == "li"


def test_shell_completion_script_and_completions() -> None:
    pyagent = str(Path(sys.executable).parent / "pyagent")  # the installed command
    # typer finds the shell by looking up the process tree (shellingham; a shell named after
    # the flag is ignored): run it under bash, whatever started the tests (a background job
    # whose shell has exited has none above it); a second command keeps bash from exec-ing
    # the first in its own place
    script = subprocess.run(
        ["bash", "-c", '"$0" --show-completion; exit $?', pyagent],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert script.returncode == 0, script.stderr
    assert "_PYAGENT_COMPLETE=complete_bash" in script.stdout or "complete_bash" in script.stdout
    env = {
        **os.environ,
        "_PYAGENT_COMPLETE": "complete_bash",
        "COMP_WORDS": "pyagent wh",
        "COMP_CWORD": "1",
    }
    done = subprocess.run([pyagent], capture_output=True, text=True, env=env, timeout=60)
    assert {"why", "why-not", "what-if"} <= set(done.stdout.split()), done.stdout + done.stderr


def test_the_progress_bar_counts_persons_as_they_go(tmp_path: Path) -> None:
    """On a pseudo-terminal the bar shows persons and persons/s before the run ends."""
    import pty

    rows = [[f"p{i:02d}", *ROWS[i % 3][1:]] for i in range(40)]
    roster = write_csv(tmp_path / "r.csv", HEADER, rows)
    pid, fd = pty.fork()
    if pid == 0:  # the child: stderr is the pseudo-terminal
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "pyagent",
                "batch",
                str(roster),
                "-o",
                str(tmp_path / "o.jsonl"),
                "--as-of",
                AS_OF,
                "-j",
                "1",
            ],
        )
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    seen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    counts = {int(m.group(1)) for m in re.finditer(r"(\d+) persons, [\d,]+/s", seen)}
    assert any(0 < c < 40 for c in counts), seen[-2000:]
    # then the answering of the three distinct situations, and the writing, each its own line
    assert "3 of 3 distinct situations" in seen and re.search(r"writing .* of \d+ parts", seen)


def test_packaging_conventions_and_ci_runs_ruff_and_mypy() -> None:
    import tomllib

    root = Path(__file__).resolve().parent.parent
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    assert project["license"] == "MIT" and (root / "LICENSE").read_text().startswith("MIT License")
    assert project["name"] != "pyagent"  # pyagent on PyPI is another project's
    assert project["scripts"]["pyagent"] == "pyagent.cli:main"
    assert (root / "CHANGELOG.md").is_file()
    assert any(d.startswith("typer") and "<0.29" in d for d in project["dependencies"])
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    for step in ("ruff check", "ruff format --check", "mypy"):
        assert f".venv/bin/{step}" in ci
    assert "--exclude" not in ci  # every module is formatted
    overrides = pyproject["tool"]["mypy"].get("overrides", [])
    assert not [o["module"] for o in overrides if o.get("ignore_errors")]  # no module exempt
    ruff = Path(sys.executable).parent / "ruff"
    if ruff.exists():  # installed by the test extra: the lint CI runs is clean
        for check in (["check"], ["format", "--check"]):
            run = subprocess.run(
                [str(ruff), *check, "pyagent", "tests", "bench"],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert run.returncode == 0, run.stdout


def test_a_field_close_to_a_listed_one_is_taken_as_unlisted_with_a_warning(tmp_path: Path) -> None:
    case = tmp_path / "c.yaml"
    case.write_text(
        "as_of: 2026-07-01\nperson: {id: li, field: 工程技术, certificates: "
        "[{level: senior_worker, obtained: 2020-01-01}]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ask", str(case), "--json"])
    assert result.exit_code == 0, result.output
    assert "'工程技术' is not a listed field but is close to 工程 (engineering)" in result.stderr
    assert result.stderr.count("close to") == 1
    zh = runner.invoke(app, ["why", str(case), "title.participate", "--lang", "zh"])
    assert "与工程（engineering）相近" in zh.stderr
    from pyagent.errors import NearMatchWarning

    with pytest.warns(NearMatchWarning, match="close to 工程"):
        assert load_input(case).persons[0].field == "工程技术"  # unlisted, kept as written
    plain = tmp_path / "p.yaml"
    plain.write_text("as_of: 2026-07-01\nperson: {id: li, field: 金融}\n", encoding="utf-8")
    assert "close to" not in runner.invoke(app, ["ask", str(plain)]).stderr


def test_batch_workers_started_by_spawn_answer_as_fork_does(tmp_path: Path) -> None:
    """Where fork is unavailable or unsafe (macOS, Windows) the workers are spawned."""
    from pyagent.batch.pipeline import start_method

    assert start_method() == ("fork" if sys.platform.startswith("linux") else start_method())
    roster = write_csv(tmp_path / "r.csv", HEADER, [[f"p{i}", *ROWS[i % 3][1:]] for i in range(12)])
    outs = []
    for method in ("fork", "spawn"):
        out = tmp_path / f"{method}.jsonl"
        env = {**os.environ, "PYAGENT_START_METHOD": method}
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pyagent",
                "batch",
                str(roster),
                "-o",
                str(out),
                "--as-of",
                AS_OF,
                "-j",
                "2",
                "-q",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1] and outs[0].count("\n") == 12


def test_every_answering_command_takes_the_same_options() -> None:
    import typer.main

    command = typer.main.get_command(app)
    common = {"--as-of", "--reading", "--parameter", "--lang", "--format"}
    for name in ("ask", "why", "why-not", "what-if", "diff", "batch"):
        options = {o for p in command.commands[name].params for o in p.opts}
        wanted = common - ({"--format"} if name == "batch" else set())
        assert wanted <= options, (name, wanted - options)
        if name != "batch":
            assert "--person" in options and "--json" in options, name
    for name in ("check", "coverage", "lint", "clauses", "readings"):
        assert "--format" in {o for p in command.commands[name].params for o in p.opts}, name


def test_formats_markdown_html_and_json(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", HEADER, ROWS)
    args = ["ask", str(roster), "-p", "wang", "--as-of", AS_OF]
    html = runner.invoke(app, [*args, "--format", "html"])
    assert html.exit_code == 0 and html.stdout.lstrip().startswith("<!DOCTYPE html>")
    assert "wang" in html.stdout
    markdown = runner.invoke(app, [*args, "--format", "markdown"])
    assert markdown.exit_code == 0 and markdown.stdout.startswith("```")
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    assert data["persons"][0]["id"] == "wang"
    both = runner.invoke(app, [*args, "--json", "--format", "html"])
    assert both.exit_code == 2 and "choose one" in both.stderr
    readings = json.loads(runner.invoke(app, ["readings", "--json"]).stdout)
    assert readings["readings"][0]["default"]
    clause = json.loads(runner.invoke(app, ["clauses", "P3.S1", "--json"]).stdout)["clauses"]
    assert [c["clause"] for c in clause] == ["P3.S1"] and clause[0]["rules"]
    assert "取得高级工" in clause[0]["text"]
    zh = runner.invoke(app, ["clauses", "P3.S1", "--lang", "zh"])
    assert "编码规则" in zh.stdout


def test_diff_takes_a_person_of_a_roster(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", HEADER, ROWS)
    args = ["diff", str(roster), "-r", "basically_qualified=passes", "--as-of", AS_OF, "--json"]
    everyone = json.loads(runner.invoke(app, args).stdout)["changes"]
    bq = json.loads(runner.invoke(app, [*args, "--person", "bq"]).stdout)["changes"]
    assert bq and bq == [c for c in everyone if c["person"] == "bq"]
    assert json.loads(runner.invoke(app, [*args, "-p", "wang"]).stdout)["changes"] == []
    missing = runner.invoke(app, [*args, "-p", "zhao"])
    assert missing.exit_code == 2 and "zhao" in missing.stderr


def test_tables_and_flips_carry_each_persons_reason(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "r.csv", HEADER, ROWS)
    out, flips = tmp_path / "o.csv", tmp_path / "f.csv"
    result = runner.invoke(
        app,
        [
            "batch",
            str(roster),
            "-o",
            str(out),
            "--as-of",
            AS_OF,
            "-j",
            "1",
            "--compare-reading",
            "basically_qualified=passes",
            "--flips",
            str(flips),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {r[0]: r for r in table(out)[1:]}
    asked = json.loads(
        runner.invoke(app, ["ask", str(roster), "--as-of", AS_OF, "--lang", "en", "--json"]).stdout
    )
    for person in asked["persons"]:
        reasons = rows[person["id"]][2::4]
        assert all(reasons) and reasons == [a["reason"] for a in person["answers"]]
    li = rows["li"]
    unknown = [i for i, s in enumerate(li[1::4]) if s == "unknown"]
    assert unknown and all(li[4 + 4 * i] for i in unknown)  # what would settle each unknown
    flipped = table(flips)[1:]
    assert flipped and all(r[3] and r[5] and r[3] != r[5] for r in flipped)
    bare = tmp_path / "bare.csv"
    runner.invoke(
        app, ["batch", str(roster), "-o", str(bare), "--as-of", AS_OF, "-j", "1", "--no-reasons"]
    )
    assert not any(r[2::4] != [""] * 9 for r in table(bare)[1:])
