"""A parser's own words under --lang zh: the YAML, JSON and CSV readers' English phrases and the
date module's are said in Chinese (the line and column kept in the message's place); a phrase
with no Chinese is quoted apart, labelled as the parser's words, never mixed into the Chinese
sentence.  They were English inside the Chinese messages («YAML 无效（语法错误）：mapping values
are not allowed in this context»)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app
from pyagent.input.parser_words import csv_detail, invalid, json_detail, yaml_detail

runner = CliRunner()
_ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;]+[A-Za-z]{2,}){2,}\b")
_SET_APART = re.compile(r"「[^」]*」")

# name: (file name, its text, the zh message after the path, the en one)
CASES = {
    "yaml mapping value": (
        "c.yaml",
        "as_of: 2026-07-01\npersons:\n  - id: a\n    field: x: y\n",
        ":4:13：YAML 无效（语法错误）：此处不允许「键: 值」（值本身含有「: 」时，请给整个值加引号）",
        ":4:13: invalid YAML: mapping values are not allowed in this context",
    ),
    "yaml indentation": (
        "c.yaml",
        "as_of: 2026-07-01\npersons:\n  - id: a\n    field: engineering\n   titles: []\n",
        ":5:4：YAML 无效（语法错误）：解析块列表（始于第3行）时，未找到应有的列表项「- 」"
        "（各项的缩进是否对齐？）",
        ":5:4: invalid YAML: while parsing a block collection; did not find expected '-' indicator",
    ),
    "yaml tab": (
        "c.yaml",
        "as_of: 2026-07-01\nperson:\n\tid: a\n",
        ":3:1：YAML 无效（语法错误）：读取下一项时，缩进或值的开头有制表符（Tab）；YAML 的缩进只能用空格",
        ":3:1: invalid YAML: while scanning for the next token; found character that cannot "
        "start any token",
    ),
    "yaml second document": (
        "c.yaml",
        "as_of: 2026-07-01\nperson: {id: a}\n---\nperson: {id: b}\n",
        ":3:1：YAML 无效（语法错误）：一个文件只能有一个 YAML 文档，此处又开始了一个（「---」）",
        ":3:1: invalid YAML: expected a single document in the stream; but found another document",
    ),
    "json comma": (
        "c.json",
        '{"as_of": "2026-07-01" "person": {"id": "a"}}',
        ":1:24：JSON 无效（语法错误）：此处应有逗号「,」（上一项之后缺少逗号？）",
        ":1:24: invalid JSON: Expecting ',' delimiter",
    ),
    "json trailing comma": (
        "c.json",
        '{"as_of": "2026-07-01", "person": {"id": "a",}}',
        ":1:46：JSON 无效（语法错误）：此处应为双引号括起的键名（最后一项之后多了逗号，或键名未加双引号？）",
        ":1:46: invalid JSON: Expecting property name enclosed in double quotes",
    ),
    "not a real date": (
        "c.yaml",
        "as_of: 2026-02-30\nperson: {id: a}\n",
        ":1:8：as_of：「2026-02-30」不是实际存在的日期（2026年2月只有28天）",
        ":1:8: as_of: '2026-02-30' is not a real date (February 2026 has 28 days)",
    ),
    "no such month": (
        "c.yaml",
        "as_of: 2026-13-01\nperson: {id: a}\n",
        ":1:8：as_of：「2026-13-01」不是实际存在的日期（没有13月）",
        ":1:8: as_of: '2026-13-01' is not a real date (there is no month 13)",
    ),
    "full-width date": (
        "c.yaml",
        "as_of: ２０２６-０７-０１\nperson: {id: a}\n",
        ":1:8：as_of：「２０２６-０７-０１」是全角数字；请用半角数字书写：2026-07-01",
        ":1:8: as_of: '２０２６-０７-０１' is written in full-width digits; write it in "
        "half-width digits: 2026-07-01",
    ),
    "jsonl row": (
        "r.jsonl",
        '{"id": "a"}\n{"id": "b" "field": "x"}\n',
        ":2：JSON 无效（语法错误，第 12 列）：此处应有逗号「,」（上一项之后缺少逗号？）"
        "（其他行都没有编号「b」，而此行的编号无法读出，可能就是该行）",
        ":2: invalid JSON: Expecting ',' delimiter (column 12) (no other row has the id 'b', "
        "and this row's id cannot be read: it may be the one)",
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_parser_error_is_said_in_the_language_asked(kind, tmp_path):
    name, text, zh, en = CASES[kind]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    extra = ["--person", "b"] if name.endswith(".jsonl") else []
    said = {}
    for lang in ("zh", "en"):
        result = runner.invoke(app, ["ask", str(path), "--lang", lang, *extra])
        assert result.exit_code == 2, result.output
        assert result.stdout == "" and "Traceback" not in result.stderr
        said[lang] = result.stderr.strip().replace(str(path), "")
    assert said["zh"] == zh, said["zh"]
    assert said["en"] == en, said["en"]
    assert not _ENGLISH_RUN.search(_SET_APART.sub("", said["zh"])), said["zh"]


def test_a_phrase_with_no_chinese_is_quoted_apart_as_the_parsers_words():
    yaml = invalid("YAML", yaml_detail("while doing something new", "found a new problem", 3))
    assert str(yaml) == "invalid YAML: while doing something new; found a new problem"
    assert yaml.zh == (
        "YAML 无效（语法错误）；解析器原文：「while doing something new; found a new problem」"
    )
    # a known context with an unknown problem: the whole of the parser's words, quoted
    known = yaml_detail("while parsing a block mapping", "found something else", None)
    assert known.zh == "解析器原文：「while parsing a block mapping; found something else」"
    assert json_detail("Something new: line 1 column 2 (char 1)").zh == (
        "解析器原文：「Something new: line 1 column 2 (char 1)」"
    )
    assert invalid("JSON", json_detail("Expecting value"), 7).zh == (
        "JSON 无效（语法错误，第 7 列）：此处应为一个值（多了逗号，或缺少值？）"
    )
    assert csv_detail("unexpected end of data").zh == "文件在引号闭合之前结束"
    assert csv_detail("a new csv error").zh == "解析器原文：「a new csv error」"


@pytest.mark.parametrize(
    "problem",
    [
        "mapping values are not allowed here",  # PyYAML's words for libyaml's
        "expected <block end>, but found '<scalar>'",
        "expected ',' or ']', but got '<stream end>'",
        "found character '@' that cannot start any token",
        "found unknown escape character 'q'",
        "found undefined alias 'x'",
    ],
)
def test_the_pure_python_readers_words_have_chinese_too(problem):
    said = yaml_detail(None, problem, None).zh
    assert "解析器原文" not in said and not _ENGLISH_RUN.search(_SET_APART.sub("", said)), said


def test_an_unreadable_file_quotes_the_systems_words_apart(tmp_path):
    import errno

    from pyagent.input.document import cannot_read

    said = cannot_read(OSError(errno.ENOTCONN, "Transport endpoint is not connected"))
    assert str(said) == "cannot read the file: Transport endpoint is not connected"
    assert said.zh == "无法读取文件；系统原文：「Transport endpoint is not connected」"
    assert cannot_read(OSError(errno.EACCES, "Permission denied")).zh == (
        "无法读取文件：没有读取权限（当前用户不可读取）"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_report_that_cannot_be_written_is_said_in_the_language_of_the_report(lang, tmp_path):
    """`pyagent report --lang zh -o missing/dir/r.html` said 'the directory … does not exist' in
    English, and a file it cannot write the system's English inside the sentence."""
    demo = str(Path(__file__).resolve().parent.parent / "queries" / "demo.yaml")
    args = ["report", demo, "--person", "li_senior_worker", "--lang", lang, "-o"]
    missing = tmp_path / "no" / "r.html"
    result = runner.invoke(app, [*args, str(missing)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    said = result.stderr.strip()
    if lang == "zh":
        assert said == f"{missing}：目录{missing.parent}不存在", said
    else:
        assert said == f"{missing}: the directory {missing.parent} does not exist", said
    result = runner.invoke(app, [*args, str(tmp_path)])  # a directory: cannot be written
    said = result.stderr.strip()
    assert result.exit_code == 2
    if lang == "zh":
        assert said.startswith(f"{tmp_path}：无法写出文件；系统原文：「"), said
        assert not _ENGLISH_RUN.search(_SET_APART.sub("", said))
    else:
        assert said.startswith(f"{tmp_path}: cannot write the file: "), said
