"""Under --lang zh a message is Chinese throughout: the system's own English (an OSError's
strerror) is quoted apart as the system's words (「系统原文：「…」」), and an output without an
extension is said in Chinese.  ``pyagent batch -o`` into a directory where the lock file cannot
be made said «无法创建锁文件 …：No such file or directory», and into a path without an
extension «无法从扩展名'(none)'判断格式»."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.batch.outputs import _reason
from pyagent.cli import app

runner = CliRunner()
ROSTER = "id,field\nx1,engineering\n"
_SET_APART = re.compile(r"「[^」]*」|'[^']*'")
_ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ()]+[A-Za-z]{2,})+")


@pytest.mark.parametrize("code", [errno.ENOENT, errno.EISDIR, errno.ELOOP])
def test_the_systems_words_are_quoted_apart_under_zh(code):
    err = OSError(code, __import__("os").strerror(code))
    reason = _reason(err)
    assert str(reason) == err.strerror  # English: the system's words, as they were
    zh = reason.text("zh")
    assert f"「{err.strerror}」" in zh and not _ENGLISH_RUN.search(_SET_APART.sub("", zh)), zh


def test_a_lock_file_that_cannot_be_made_is_said_in_chinese(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    if not Path("/proc/self").is_dir():
        pytest.skip("needs /proc, where no file can be created")
    result = runner.invoke(app, ["batch", str(roster), "-o", "/proc/x.csv", "--lang", "zh"])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    said = result.stderr.strip()
    assert "锁文件" in said and "系统原文" in said, said
    assert not _ENGLISH_RUN.search(_SET_APART.sub("", said.replace("/proc/", ""))), said


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_output_without_an_extension_is_said_in_the_language_asked(tmp_path, lang):
    roster = tmp_path / "r.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "answers"
    result = runner.invoke(app, ["batch", str(roster), "-o", str(out), "--lang", lang])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    said = result.stderr.strip().replace(str(out), "OUT")
    if lang == "zh":
        assert "无法从没有扩展名的文件名判断格式" in said and "(none)" not in said, said
    else:
        assert "(none)" in said, said


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bad_input_format_names_its_option_and_sets_the_value_apart(tmp_path, lang):
    """``batch --input-format xls`` was told as «--format：'xls'不是可用的格式» (the output's
    option, and the value in ASCII quotes inside the Chinese)."""
    roster = tmp_path / "r.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    args = ["batch", str(roster), "-o", str(tmp_path / "o.csv"), "--input-format", "xls"]
    result = runner.invoke(app, [*args, "--lang", lang])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    said = result.stderr.strip()
    if lang == "zh":
        assert said.startswith("--input-format：「xls」不是可用的格式"), said
    else:
        assert said.startswith("--input-format: 'xls' is not a format"), said
    result = runner.invoke(app, ["batch", str(roster), "-o", "o.csv", "--format", "xls"])
    assert result.stderr.startswith("--format: 'xls' is not a format"), result.stderr
