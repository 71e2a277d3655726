"""What a parser said, in both languages: the YAML, JSON and CSV readers' own English phrases
said again in Chinese, for a message under ``--lang zh`` that is wholly Chinese (SPEC section 9).

The common phrases of PyYAML (libyaml's and the pure-Python reader's wording), of the ``json``
module and of the ``csv`` module are in the tables below; the line and column stay in the
message's place (``case.yaml:4:13：``).  A phrase not in the tables is not mixed into a Chinese
sentence: the Chinese says what is wrong and where, and quotes the parser's own words apart,
labelled as such (「解析器原文：「…」」).

>>> print(yaml_detail("while parsing a block mapping", "did not find expected key", 2).zh)
解析块映射（键: 值，始于第2行）时，未找到应有的键（各键的缩进是否对齐？）
>>> print(json_detail("Expecting ',' delimiter").zh)
此处应有逗号「,」（上一项之后缺少逗号？）
>>> print(json_detail("Something new").zh)
解析器原文：「Something new」
"""

from __future__ import annotations

import re

from pyagent.errors import Msg, msg

# -- YAML ---------------------------------------------------------------------------------

# "while parsing a block mapping" -> what the reader was doing, in Chinese (the line it began on
# is added where it is known and differs from the line of the problem)
_YAML_CONTEXT = {
    "while parsing a block mapping": "解析块映射（键: 值）",
    "while parsing a block collection": "解析块列表",
    "while parsing a block node": "解析值",
    "while parsing a node": "解析值",
    "while parsing a flow mapping": "解析行内映射（{…}）",
    "while parsing a flow sequence": "解析行内列表（[…]）",
    "while parsing a flow node": "解析行内的值",
    "while parsing a quoted scalar": "读取带引号的文字",
    "while scanning a quoted scalar": "读取带引号的文字",
    "while scanning a double-quoted scalar": "读取双引号内的文字",
    "while scanning a single-quoted scalar": "读取单引号内的文字",
    "while scanning a plain scalar": "读取文字",
    "while scanning a block scalar": "读取多行文字（| 或 >）",
    "while scanning a simple key": "读取键",
    "while scanning for the next token": "读取下一项",
    "while scanning an alias": "读取别名（*…）",
    "while scanning an anchor": "读取锚点（&…）",
    "while parsing a tag": "读取标签（!…）",
    "while scanning a tag": "读取标签（!…）",
    "while scanning a directive": "读取指令（%…）",
    "while scanning a %YAML directive": "读取 %YAML 指令",
    "while scanning a %TAG directive": "读取 %TAG 指令",
    "while parsing a block scalar": "读取多行文字（| 或 >）",
    "while constructing a mapping": "构造映射",
}

# the problem, as libyaml and PyYAML word it (a quoted character or token after it is kept)
_YAML_PROBLEM = [
    (
        r"mapping values are not allowed (?:in this context|here)",
        "此处不允许「键: 值」（值本身含有「: 」时，请给整个值加引号）",
    ),
    (
        r"(?:block )?sequence entries are not allowed (?:in this context|here)",
        "此处不允许列表项「- 」（缩进是否对齐？）",
    ),
    (r"did not find expected key", "未找到应有的键（各键的缩进是否对齐？）"),
    (r"did not find expected '-' indicator", "未找到应有的列表项「- 」（各项的缩进是否对齐？）"),
    (r"did not find expected ',' or '\}'", "未找到应有的「,」或「}」"),
    (r"did not find expected ',' or '\]'", "未找到应有的「,」或「]」"),
    (r"expected ',' or '\}', but got (?P<t>.+)", "应为「,」或「}」，实为{t}"),
    (r"expected ',' or '\]', but got (?P<t>.+)", "应为「,」或「]」，实为{t}"),
    (r"did not find expected node content", "未找到应有的值"),
    (r"expected the node content, but found (?P<t>.+)", "应为一个值，实为{t}"),
    (r"expected <block end>, but found (?P<t>.+)", "此处应结束这一层，实为{t}（缩进是否对齐？）"),
    (r"could not find expected ':'", "未找到应有的「:」（键之后须有冒号）"),
    (r"found unexpected ':'", "此处不应有「:」"),
    (r"found unexpected end of stream", "文件在此结束，而引号尚未闭合"),
    (r"found unknown escape character(?: '(?P<c>.+)')?", "未知的转义字符{c}"),
    (r"did not find expected hexdecimal number", "转义序列中应为十六进制数字"),
    (
        r"expected escape sequence of (?P<n>\d+) hexadecimal numbers, but found (?P<t>.+)",
        "转义序列应为{n}位十六进制数字，实为{t}",
    ),
    (
        r"found character(?: (?P<c>'.+'))? that cannot start any token",
        "字符{c}不能作为值的开头（请给整个值加引号）",
    ),
    (
        r"found a tab character (?:that violates indentation|where an indentation space is "
        r"expected)",
        "缩进中有制表符（Tab）；YAML 的缩进只能用空格",
    ),
    (
        r"(?:did not find )?expected alphabetic or numeric character(?:, but found (?P<t>.+))?",
        "应为字母或数字{t}",
    ),
    (r"did not find expected tag URI|expected URI(?:, but found (?P<t>.+))?", "标签不完整"),
    (
        r"did not find expected comment or line break|expected chomping or indentation "
        r"indicators, but found (?P<t>.+)",
        "「|」或「>」之后应为换行或注释",
    ),
    (r"found unknown directive name", "未知的指令"),
    (r"found undefined alias(?: (?P<c>'.+'))?", "别名{c}未定义（没有同名的锚点「&…」）"),
    (r"second occurrence", "锚点重名（再次出现处）"),
    (
        r"did not find expected <document start>|expected '<document start>', but found (?P<t>.+)",
        "此处应为新文档的开头「---」",
    ),
    (
        r"found incompatible YAML document(?: \(version 1\.\* is required\))?",
        "YAML 版本不兼容（须为 1.x）",
    ),
    (r"found duplicate %?YAML directive", "%YAML 指令重复"),
    (r"found duplicate %TAG directive|duplicate tag handle (?P<c>'.+')", "%TAG 指令重复"),
    (r"found unexpected document indicator", "此处不应有文档分隔符（--- 或 ...）"),
    (
        r"found unhashable key|found unacceptable key.*",
        "键必须是文字（不能是列表或映射）",
    ),
]
_YAML_PROBLEM_RE = [(re.compile(p), zh) for p, zh in _YAML_PROBLEM]

# PyYAML's names of the tokens it found (in '…')
_TOKENS = {
    "<stream end>": "文件结尾",
    "\\x00": "文件结尾",  # PyYAML's end of the text
    "<scalar>": "文字",
    "<block mapping start>": "新的映射",
    "<block sequence start>": "新的列表",
    "<block end>": "这一层的结尾",
    "<document start>": "文档开头",
    "<document end>": "文档结尾",
    "<alias>": "别名",
    "<anchor>": "锚点",
    "<tag>": "标签",
    "<flow mapping start>": "「{」",
    "<flow sequence start>": "「[」",
}


def _token(text: str) -> str:
    """A token or character PyYAML quotes (``'<scalar>'``, ``'-'``, ``'\\t'``) in Chinese."""
    inner = text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text
    if inner in _TOKENS:
        return _TOKENS[inner]
    return f"「{inner}」"


PARSERS_WORDS = "解析器原文："


def _fill(text: str, values: dict[str, str]) -> str:
    """``{t}``, ``{c}`` and ``{n}`` of a table's Chinese filled in (its other braces, 「{」, are
    text: no str.format)."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _parsers_words(text: str) -> str:
    return f"{PARSERS_WORDS}「{text}」"


def _yaml_problem_zh(problem: str, at: str | None = None) -> str | None:
    first, _, rest = problem.partition("; first occurrence")  # duplicate anchors
    for pattern, zh in _YAML_PROBLEM_RE:
        m = pattern.fullmatch(first.strip())
        if m:
            found = {k: v for k, v in m.groupdict().items()}
            char = found.get("c") or at  # libyaml does not quote the character: the text does
            if "cannot start any token" in pattern.pattern and char and char.strip("'") == "\\t":
                return "缩进或值的开头有制表符（Tab）；YAML 的缩进只能用空格"
            values = {
                "t": _token(found["t"]) if found.get("t") else "",
                "c": _token(char) if char else "",
                "n": found.get("n") or "",
            }
            if pattern.pattern.startswith("(?:did not find )?expected alpha") and values["t"]:
                values["t"] = f"，实为{values['t']}"
            return _fill(zh, values)
    return None


_ANOTHER_DOCUMENT = "expected a single document in the stream"


def yaml_detail(
    context: str | None, problem: str | None, context_line: int | None, at: str | None = None
) -> Msg:
    """The YAML reader's ``context`` and ``problem`` in both languages; ``context_line``: the
    1-based line the context began on, when it is not the problem's own; ``at``: the character
    at the problem's place (libyaml names no character where PyYAML quotes it)."""
    en = "; ".join(p for p in (context, problem) if p)
    if context == _ANOTHER_DOCUMENT:
        return Msg(en, "一个文件只能有一个 YAML 文档，此处又开始了一个（「---」）")
    zh_problem = _yaml_problem_zh(problem, at) if problem else None
    if context and context.startswith("found duplicate anchor"):
        context = None  # said by the problem ("second occurrence")
    zh_context = _YAML_CONTEXT.get(context.strip()) if context else None
    if (problem and zh_problem is None) or (context and zh_context is None):
        return Msg(en, _parsers_words(en))
    zh = zh_problem or ""
    if zh_context:
        if context_line and zh_context.endswith(
            "）"
        ):  # one bracket: 「块映射（键: 值，始于第2行）」
            zh_context = f"{zh_context[:-1]}，始于第{context_line}行）"
        elif context_line:
            zh_context += f"（始于第{context_line}行）"
        zh = f"{zh_context}时，{zh}" if zh else f"{zh_context}时出错"
    return Msg(en, zh)


# -- JSON ---------------------------------------------------------------------------------

_JSON = [
    (r"Expecting value", "此处应为一个值（多了逗号，或缺少值？）"),
    (r"Expecting ',' delimiter", "此处应有逗号「,」（上一项之后缺少逗号？）"),
    (r"Expecting ':' delimiter", "此处应有冒号「:」（键之后须有冒号）"),
    (
        r"Expecting property name enclosed in double quotes",
        "此处应为双引号括起的键名（最后一项之后多了逗号，或键名未加双引号？）",
    ),
    (r"Extra data", "一个完整的值之后还有多余的内容"),
    (r"Unterminated string starting at", "字符串没有结束的双引号"),
    (r"Invalid control character at", "字符串中有控制字符（如换行或 Tab；请写作 \\n 或 \\t）"),
    (r"Invalid \\escape", '无效的转义（「\\」之后只能是 " \\ / b f n r t u）'),
    (r"Invalid \\uXXXX escape", "无效的 \\uXXXX 转义（「\\u」之后应为4位十六进制数字）"),
    (r"Illegal trailing comma before end of (?:object|array)", "末尾多了逗号"),
    (r"(?P<c>NaN|Infinity|-Infinity) is not a number JSON allows", "{c} 不是 JSON 允许的数"),
]
_JSON_RE = [(re.compile(p), zh) for p, zh in _JSON]


def json_detail(detail: object) -> Msg:
    """The ``json`` module's message (``err.msg``, or a ValueError's text) in both languages."""
    en = str(detail)
    head = re.sub(r": line \d+ column \d+ \(char \d+\)$", "", en)
    for pattern, zh in _JSON_RE:
        m = pattern.fullmatch(head)
        if m:
            return Msg(en, _fill(zh, m.groupdict()))
    return Msg(en, _parsers_words(en))


# -- CSV ----------------------------------------------------------------------------------

_CSV = [
    (r"unexpected end of data", "文件在引号闭合之前结束"),
    (r"line contains NUL", "该行含有空字符（NUL）"),
    (r"new-line character seen in unquoted field.*", "未加引号的单元格中有换行符"),
    (r"'(?P<c>.)' expected after '\"'", '引号「"」之后应为「{c}」'),
]
_CSV_RE = [(re.compile(p), zh) for p, zh in _CSV]


def csv_detail(detail: object) -> Msg:
    """The ``csv`` module's error in both languages."""
    en = str(detail)
    for pattern, zh in _CSV_RE:
        m = pattern.fullmatch(en)
        if m:
            return Msg(en, _fill(zh, m.groupdict()))
    return Msg(en, _parsers_words(en))


def invalid(kind: str, detail: Msg, column: int | None = None) -> Msg:
    """``invalid YAML: <detail>`` / 「YAML 无效（语法错误）：…」; the parser's own words, where
    they have no Chinese, follow the Chinese sentence after 「；」, quoted.  ``column``: said
    in the message (a JSONL row's line is the message's place, its column is not)."""
    sep = "；" if detail.zh.startswith(PARSERS_WORDS) else "："
    if column is None:
        return msg("invalid {k}: {d}", "{k} 无效（语法错误）{s}{d}", k=kind, d=detail, s=sep)
    return msg(
        "invalid {k}: {d} (column {c})",
        "{k} 无效（语法错误，第 {c} 列）{s}{d}",
        k=kind,
        d=detail,
        c=column,
        s=sep,
    )
