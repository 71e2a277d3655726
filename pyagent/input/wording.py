"""Words for input messages, in English and Chinese (SPEC section 9): a value quoted (`_q`,
`_v`), what a value is (`_describe`), a kind of code with its article (`_a`), a suggestion
(`_suggest`), the place of a key inside a place (`_join`), text that is not Unicode
(`_has_surrogate`).  `pyagent.input.document` re-exports them."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable

from pyagent.errors import Msg, msg, shown

# The kinds of code of pyagent.input.vocab, in Chinese (SPEC section 1).
KINDS_ZH = {
    "skill level": "技能等级",
    "certificate kind": "证书类别",
    "title rank": "职称等级",
    "assessment grade": "考核等次",
    "honour": "荣誉",
    "contest class": "赛事类别",
    "allowance category": "津贴类别",
    "field": "领域",
}


def _q(value: object) -> str:
    """``repr`` of a value for a message, cut short if the input is long."""
    if isinstance(value, str) and len(value) > 60:
        value = value[:57] + "..."
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _v(value: object) -> str:
    """A value for a Chinese message, set in 「」 by the message: escaped and cut short."""
    return shown(value.isoformat() if isinstance(value, dt.date) else value, 60)


def _a(kind: str) -> Msg:
    en = f"an {kind}" if kind[0] in "aeiouh" else f"a {kind}"
    return msg(en, KINDS_ZH.get(kind, kind))


def _describe(value: object) -> Msg:
    """What a value is, in words, for messages."""
    if value is None:
        return msg("nothing (null)", "空值（null）")
    if isinstance(value, bool):
        return msg("{b} (true/false)", "{b}（true/false）", b=str(value).lower())
    if isinstance(value, (int, float)):
        return msg("the number {q}", "数字 {v}", q=_q(value), v=_v(value))
    if isinstance(value, dt.datetime):
        return msg("the date and time {t}", "日期时间 {t}", t=value.isoformat(sep=" "))
    if isinstance(value, dt.date):
        return msg("the date {t}", "日期 {t}", t=value.isoformat())
    if isinstance(value, str):
        return msg("the text {q}", "文字「{v}」", q=_q(value), v=_v(value))
    if isinstance(value, list):
        return msg("a list", "列表")
    if isinstance(value, dict):
        return msg("a mapping", "映射")
    return msg("a value of type {t}", "{t} 类型的值", t=type(value).__name__)


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    choices = list(choices)
    folded = {c.casefold(): c for c in choices}
    if value.strip().casefold() in folded:
        return folded[value.strip().casefold()]
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _join(place: str, key: str) -> str:
    """The place of ``key`` inside ``place``; a key that is not plain text is quoted."""
    if not key.strip() or not key.isprintable() or len(key) > 60:
        return f"{place}[{_q(key)}]"
    return f"{place}.{key}" if place else key


def _surrogate(text: str) -> int:
    """The index of the first lone surrogate in ``text`` (not Unicode), or -1."""
    for i, ch in enumerate(text):
        if "\ud800" <= ch <= "\udfff":
            return i
    return -1


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
