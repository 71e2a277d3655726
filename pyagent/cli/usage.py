"""click's usage errors (a missing option or argument, an unknown option or command, a value
its type refuses) in the language of ``--lang`` (SPEC section 9: one language per output).

click writes them in English.  Under ``--lang zh`` the command group (`pyagent.cli.app`)
raises `LocalizedUsageError` in their place, which click shows as it shows any usage error
(the usage line, where to find help, then the error; exit code 2), with every sentence said
from the error's own fields (the parameter, the option, the possibilities) in Chinese:

    用法：pyagent batch [OPTIONS] {ROSTER}
    帮助：pyagent batch --help

    错误：缺少选项 '--output' / '-o'。

Under ``--lang en`` (and with no ``--lang``) click's own text stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

import typer.core

from pyagent.errors import Msg

# the click typer's commands raise: its own copy (typer 0.28), or click itself (before)
click: Any = getattr(typer.core, "_click", None) or typer.core.click  # type: ignore[attr-defined]


def argv_lang(args: Sequence[str]) -> str:
    """The ``--lang`` of a command line (the last one given), or ``en``; read from the words
    themselves, since a usage error stops click before it has parsed them."""
    lang = "en"
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    return lang if lang in ("en", "zh") else "en"


def _hint(err: Any) -> str:
    """The parameter as click names it: ``'--output' / '-o'``, ``'CASE'``."""
    hint = getattr(err, "param_hint", None)
    if hint is None and getattr(err, "param", None) is not None and err.ctx is not None:
        hint = err.param.get_error_hint(err.ctx)
    if hint is None:
        return ""
    if isinstance(hint, str):
        return hint
    return " / ".join(hint)


_VALUE = [  # what click's types say of a value, in Chinese
    (
        re.compile(r"(?P<v>.+) is not one of (?P<c>.+)\.", re.S),
        "{v} 不是可选的值；可选：{c}",
    ),
    (re.compile(r"(?P<v>.+) is not a valid (?:integer|int range)\.", re.S), "{v} 不是整数"),
    (re.compile(r"(?P<v>.+) is not a valid (?:float|float range)\.", re.S), "{v} 不是数字"),
    (re.compile(r"(?P<v>.+) is not a valid boolean\..*", re.S), "{v} 不是真假值"),
    (
        re.compile(r"(?P<v>.+) is not in the range (?P<c>.+)\.", re.S),
        "{v} 不在范围 {c} 之内",
    ),
    (
        re.compile(r"(?P<v>.+) does not match the formats? (?P<c>.+)\.", re.S),
        "{v} 不符合格式 {c}",
    ),
]


def _value_zh(message: str) -> str:
    if isinstance(message, Msg):
        return message.zh
    for pattern, said in _VALUE:
        found = pattern.fullmatch(message)
        if found:
            values = found.groupdict()
            return said.format(v=values["v"], c=values.get("c", "").replace(", ", "、"))
    return message


_OTHER = [  # click's other usage errors (ctx.fail and the parser), in Chinese
    (re.compile(r"Got unexpected extra argument\(s\) \((?P<a>.*)\)", re.S), "多余的参数：{a}"),
    (
        re.compile(r"No such command (?P<c>.+?)\.(?: Did you mean (?P<m>.+)\?)?", re.S),
        "没有命令 {c}",
    ),
    (re.compile(r"Option (?P<o>.+) requires an argument\.", re.S), "选项 {o} 需要一个值"),
    (
        re.compile(r"Option (?P<o>.+) requires (?P<n>\d+) arguments\.", re.S),
        "选项 {o} 需要 {n} 个值",
    ),
    (re.compile(r"Option (?P<o>.+) does not take a value\.", re.S), "选项 {o} 不接受值"),
    (re.compile(r"Argument (?P<a>.+) takes (?P<n>\d+) values\.", re.S), "参数 {a} 需要 {n} 个值"),
]


def message_zh(err: Any) -> str:
    """The error's message (what follows ``Error:``) in Chinese."""
    if isinstance(err, click.exceptions.MissingParameter):
        kind = err.param_type or (err.param.param_type_name if err.param is not None else "")
        what = {"argument": "参数", "option": "选项"}.get(kind, "参数")
        said = f"缺少{what} {_hint(err)}".rstrip()
        choices = getattr(getattr(err.param, "type", None), "choices", None)
        if choices:
            said += "；可选：" + "、".join(str(c) for c in choices)
        return said + "。"
    if isinstance(err, click.exceptions.NoSuchOption):
        said = f"没有选项 {err.option_name}"
        if err.possibilities:
            said += "（可能是：" + "、".join(sorted(err.possibilities)) + "）"
        return said + "。"
    if isinstance(err, click.exceptions.BadParameter):
        hint = _hint(err)
        value = _value_zh(err.message)
        return f"{hint} 的值无效：{value}。" if hint else f"值无效：{value}。"
    for pattern, said in _OTHER:
        found = pattern.fullmatch(err.message)
        if found:
            text = said.format(**found.groupdict())
            if found.groupdict().get("m"):
                text += f"（是否要用 {found['m'].replace(', ', '、')}？）"
            return text + "。"
    return _value_zh(err.message)


class LocalizedUsageError(click.exceptions.UsageError):
    """A usage error shown in Chinese: click's layout, the words of `message_zh`."""

    def __init__(self, original: Any) -> None:
        super().__init__(message_zh(original), original.ctx)
        self.original = original

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        color = ctx.color if ctx is not None else None
        if ctx is not None:
            usage = ctx.get_usage().replace("Usage: ", "用法：", 1)
            help_option = ctx.command.get_help_option(ctx)
            hint = f"帮助：{ctx.command_path} {ctx.help_option_names[0]}\n" if help_option else ""
            click.echo(f"{usage}\n{hint}", file=file, err=file is None, color=color)
        click.echo(f"错误：{self.format_message()}", file=file, err=file is None, color=color)


def localized(err: Any, lang: str) -> Any:
    """``err`` to raise in ``lang``: itself under en, a `LocalizedUsageError` under zh (not
    the help that a command given no arguments shows, which is help, not an error)."""
    if lang != "zh" or isinstance(err, (LocalizedUsageError, click.exceptions.NoArgsIsHelpError)):
        return err
    return LocalizedUsageError(err)
