"""SPEC section 9 for bad input: under --lang zh the one-line error is Chinese, under --lang en
English; and every message the input layer raises is written in both languages (`msg`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pyagent.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

BASE = """\
as_of: 2026-07-01
persons:
  - id: p
    certificates: [{level: technician, kind: skill_level, obtained: 2020-01-01, occupation: 电工}]
    technical_work: [{from: 2019-01-01}]
    field: engineering
    current_post: {since: 2019-01-01, occupation: 电工}
    annual_assessments: [{year: 2025, grade: qualified}]
"""

# name: (case text or bytes, extra arguments, a word of the Chinese message, of the English one)
BAD: dict[str, tuple[str | bytes, list[str], str, str]] = {
    "bad date": (
        BASE.replace("obtained: 2020-01-01", "obtained: 2020-1-5"),
        [],
        "不是日期",
        "is not a date",
    ),
    "not a real date": (
        BASE.replace("obtained: 2020-01-01", "obtained: 2020-02-30"),
        [],
        "不是实际存在的日期",
        "is not a real date",
    ),
    "unknown code with a suggestion": (
        BASE.replace("level: technician", "level: tecnician"),
        [],
        "是否应为 'technician'",
        "did you mean 'technician'",
    ),
    "duplicate id": (BASE + "  - id: p\n", [], "重复使用", "is used twice"),
    "bad reading": (
        "readings: {field_list: ajar}\n" + BASE,
        [],
        "读法",
        "is not a value of the reading",
    ),
    "unknown reading on the command line": (
        BASE,
        ["--reading", "feild_list=open"],
        "不是读法",
        "is not a reading",
    ),
    "unknown key": (
        BASE.replace("field: engineering", "feild: engineering"),
        [],
        "未知的键",
        "unknown key",
    ),
    "wrong type": (
        BASE.replace("field: engineering", "field: [a]"),
        [],
        "应为领域",
        "expected a field",
    ),
    "unknown parameter": (
        "parameters: {application_years.tecnician: 3}\n" + BASE,
        [],
        "不是参数",
        "is not a parameter",
    ),
    "to before from": (
        BASE.replace("[{from: 2019-01-01}]", "[{from: 2019-01-01, to: 2018-01-01}]"),
        [],
        "早于",
        "is before 'from'",
    ),
    "non-UTF-8 file": (
        BASE.encode("utf-8").replace(b"id: p", b"id: \xff"),
        [],
        "不是 UTF-8",
        "not UTF-8 text",
    ),
    "post since after as_of": (
        BASE.replace("current_post: {since: 2019-01-01", "current_post: {since: 2027-01-01"),
        [],
        "晚于查询日",
        "after as_of",
    ),
    "no persons": ("as_of: 2026-07-01\n", [], "缺少", "missing 'persons'"),
}

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Set apart from the sentence: `code`, 「input」, 'input', "input", and the file's own path.
_SET_APART = re.compile(r"`[^`]*`|「[^」]*」|'[^']*'|\"[^\"]*\"")
_ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;]+[A-Za-z]{2,}){2,}\b")


def _run(tmp_path: Path, text: str | bytes, extra: list[str], lang: str):
    path = tmp_path / "case.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["ask", str(path), "--lang", lang, *extra])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    err = result.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err.replace(str(path), "")


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_case_is_told_in_chinese_under_zh_and_in_english_under_en(kind, tmp_path):
    text, extra, zh_word, en_word = BAD[kind]
    zh = _run(tmp_path, text, extra, "zh")
    assert zh_word in zh and _CJK.search(zh), zh
    run = _ENGLISH_RUN.search(_SET_APART.sub("", zh))
    assert run is None, f"English under zh: {run.group(0)!r} in {zh}"
    en = _run(tmp_path, text, extra, "en")
    assert en_word in en and not _CJK.search(_SET_APART.sub("", en).replace("(技师)", "")), en


# -- every message the input layer raises has its Chinese text --------------------------------

# The calls that take a message, and which positional argument it is (-1: the last one).
_MESSAGE_ARG = {
    "InputError": 2,
    "fail": -1,
    "error": -1,
    "_at_event": -1,
    "BadRow": 0,
    "add": -1,  # a CSV row's problems (columns._Problems.add): the f-string there was English only
}


def _plain_text(node: ast.expr) -> bool:
    """A message written as a plain str, an f-string or a concatenation of them (not `msg`)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _plain_text(node.left) or _plain_text(node.right)
    if isinstance(node, ast.IfExp):
        return _plain_text(node.body) or _plain_text(node.orelse)
    return False


def _english_only(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
        if name not in _MESSAGE_ARG:
            continue
        index = _MESSAGE_ARG[name]
        message = [k.value for k in node.keywords if k.arg == "message"]
        if not message and node.args and (index == -1 or index < len(node.args)):
            message = [node.args[index]]
        if message and _plain_text(message[0]):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(message[0])[:70]}")
    return found


def test_every_input_message_is_written_in_both_languages():
    found = [
        hit
        for path in sorted((ROOT / "pyagent" / "input").glob("*.py"))
        for hit in _english_only(path)
    ]
    assert not found, "messages without a Chinese text (write them with errors.msg):\n" + "\n".join(
        found
    )


def test_the_scan_finds_a_plain_message(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'ctx.fail("x", f"{v} is bad")\nraise InputError(s, "", "no such file")\n'
        'ctx.fail("x", msg("ok", "好"))\nraise InputError(s, "", message="a" + b)\n',
        encoding="utf-8",
    )
    assert [h.split(":")[1] for h in _english_only(sample)] == ["1", "2", "4"]


def test_an_output_error_is_told_in_the_language_asked_for():
    import errno

    from pyagent.batch.outputs import OutputError

    err = OutputError("out.jsonl", OSError(errno.ENOSPC, "No space left on device"))
    assert str(err) == (
        "out.jsonl: cannot write the output: the disk is full; nothing was written "
        "(its temporary files were removed)"
    )
    zh = err.text("zh")
    assert zh.startswith("out.jsonl：") and "磁盘已满" in zh and not _ENGLISH_RUN.search(zh)


DEMO = str(ROOT / "queries" / "demo.yaml")
# name: (arguments, the Chinese error, the English one): click's usage errors
USAGE: dict[str, tuple[list[str], str, str]] = {
    "missing option": (
        ["batch", "r.csv"],
        "错误：缺少选项 '--output' / '-o'。",
        "Error: Missing option '--output' / '-o'.",
    ),
    "missing argument": (["ask"], "错误：缺少参数 'CASE'。", "Error: Missing argument 'CASE'."),
    "missing second argument": (
        ["why", DEMO],
        "错误：缺少参数 'QUESTION'。",
        "Error: Missing argument 'QUESTION'.",
    ),
    "no such option": (
        ["ask", DEMO, "--nope"],
        "错误：没有选项 --nope。",
        "Error: No such option: --nope",
    ),
    "choice": (
        ["ask", DEMO, "--format", "pdf"],
        "错误：'--format' 的值无效：'pdf' 不是可选的值；可选：'text'、'tree'、'markdown'、'html'、'json'。",
        "Error: Invalid value for '--format': 'pdf' is not one of 'text', 'tree',",
    ),
    "range": (
        ["batch", "r.csv", "-o", "o.jsonl", "-j", "0"],
        "错误：'--jobs' / '-j' 的值无效：0 不在范围 x>=1 之内。",
        "Error: Invalid value for '--jobs' / '-j': 0 is not in the range x>=1.",
    ),
    "not a number": (
        ["ask", DEMO, "--timeout", "abc"],
        "错误：'--timeout' 的值无效：'abc' 不是数字。",
        "Error: Invalid value for '--timeout': 'abc' is not a valid float.",
    ),
    "our own callback": (
        ["ask", DEMO, "--timeout", "0"],
        "错误：'--timeout' 的值无效：0.0 不是大于0的秒数。",
        "Error: Invalid value for '--timeout': 0.0 is not a number of seconds greater than 0",
    ),
    "no such command": (
        ["wyh"],
        "错误：没有命令 'wyh'（是否要用 'why'？）。",
        "Error: No such command 'wyh'.",
    ),
    "extra argument": (
        ["ask", DEMO, "extra"],
        "错误：多余的参数：extra。",
        "Error: Got unexpected extra argument(s) (extra)",
    ),
    "option without its value": (
        ["batch", "r.csv", "-o"],
        "错误：选项 '-o' 需要一个值。",
        "Error: Option '-o' requires an argument.",
    ),
    "flag with a value": (
        ["ask", DEMO, "--json=yes"],
        "错误：选项 '--json' 不接受值。",
        "Error: Option '--json' does not take a value.",
    ),
}


@pytest.mark.parametrize("kind", sorted(USAGE))
def test_a_usage_error_is_told_in_the_language_of_lang(kind):
    """click's usage errors: under --lang zh in Chinese (the usage line kept, and where help
    is), under --lang en (or none) click's own English; exit code 2 either way."""
    args, zh, en = USAGE[kind]
    results = {}
    for lang in ("zh", "en", None):
        # --lang first: an option left without its value must not take it
        given = [args[0], *(["--lang", lang] if lang else []), *args[1:]]
        if args[0] == "wyh":
            given = [*args, *(["--lang", lang] if lang else [])]
        result = runner.invoke(app, given)
        assert result.exit_code == 2, (lang, result.output)
        assert "Traceback" not in result.output and result.stdout == "", result.output
        results[lang] = result.stderr
    assert zh in results["zh"], results["zh"]
    assert not re.search(r"\b(Error|Usage|Missing|Invalid|Try)\b", results["zh"]), results["zh"]
    if args[0] in ("ask", "batch", "why") and kind not in (
        "flag with a value",
        "option without its value",
    ):
        assert results["zh"].startswith(f"用法：pyagent {args[0]} [OPTIONS]"), results["zh"]
        assert f"帮助：pyagent {args[0]} --help" in results["zh"]
    for lang in ("en", None):
        assert en in results[lang], results[lang]
        assert not re.search(r"[\u4e00-\u9fff]", results[lang]), results[lang]
