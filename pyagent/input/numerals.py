"""Numbers written as text (a roster's cell, a command line's value, a case's quoted value):
what they mean, and what is wrong when they are not plain digits.

A number is written in plain decimal digits: ``12``, ``9.5`` (a sign and a bare ``.5`` or
``12.`` too); nothing else is taken for a number, not even full-width digits (``１２``, what a
Chinese input method in full-width mode types: SPEC's numbers are plain ones, and a guess is
not made).  Every other form gets a message that says what it is and the plain form to write:

>>> print(number_problem("1e3"))
'1e3' is written in exponent notation; write it in plain decimal digits: 1000
>>> print(number_problem("1,000").zh)
「1,000」带千位分隔符；请只用数字书写：1000
>>> print(number_problem("12.5年"))
'12.5年' is written with a unit after the number; write the number alone: 12.5
>>> print(number_problem("十二"))
'十二' is not a number written in digits, such as 12 or 9.5
>>> print(number_problem("１２．５").zh)
「１２．５」是全角数字；请用半角数字书写：12.5
"""

from __future__ import annotations

import re

from pyagent.errors import Msg, msg, shown

__all__ = ["PLAIN", "form_hint", "number_form", "number_problem", "plain_digits"]

PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_EXPONENT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]*)?")
_UNIT = re.compile(
    r"(?P<n>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*(?:个)?(?:年|年度|周年|years?|yrs?|y)",
    re.IGNORECASE,
)
# full-width digits, point and signs (U+FF10..FF19, U+FF0E, U+FF0B, U+FF0D), as typed
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．＋－", "0123456789.+-")

_FORMS = {  # what the form is: after the value (en, zh), and in a hint after it (zh)
    "exponent": ("written in exponent notation", "是科学计数法", "此为科学计数法"),
    "grouped": ("written with a thousands separator", "带千位分隔符", "其中带千位分隔符"),
    "unit": ("written with a unit after the number", "在数字后带有单位", "数字后带有单位"),
    "full_width": ("written in full-width digits", "是全角数字", "此为全角数字"),
}
_WRITE = {
    "exponent": ("write it in plain decimal digits: {p}", "请用普通十进制数字书写：{p}"),
    "grouped": ("write it in digits alone: {p}", "请只用数字书写：{p}"),
    "unit": ("write the number alone: {p}", "请只写数字：{p}"),
    "full_width": ("write it in half-width digits: {p}", "请用半角数字书写：{p}"),
}


def plain_digits(text: str) -> str | None:
    """``text`` without the spaces around it when that is a number in plain digits, else
    None (`number_problem` says why)."""
    stripped = text.strip()
    return stripped if PLAIN.fullmatch(stripped) else None


def number_form(text: str) -> tuple[str, str] | None:
    """(form, the plain digits meant) for a number written in another form than plain
    digits: ``exponent`` (1e3), ``grouped`` (1,000), ``unit`` (12年, 12 years),
    ``full_width`` (１２); None when ``text`` is plain digits or no number at all."""
    stripped = text.strip()
    folded = stripped.translate(_FULL_WIDTH)
    if PLAIN.fullmatch(stripped):
        return None
    if PLAIN.fullmatch(folded):
        return "full_width", folded
    if _EXPONENT.fullmatch(folded):
        from decimal import Decimal, InvalidOperation

        try:
            plain = format(Decimal(folded), "f")
        except InvalidOperation:  # pragma: no cover - the pattern is a Decimal
            return None
        return "exponent", plain if len(plain) <= 24 else ""
    if _GROUPED.fullmatch(folded):
        return "grouped", re.sub("[,，]", "", folded)
    found = _UNIT.fullmatch(folded)
    if found:
        return "unit", found["n"]
    return None


def _write(kind: str, plain: str) -> Msg:
    en, zh = _WRITE[kind]
    if not plain:  # an exponent too large to spell out: what to do, without the digits
        en, zh = en.removesuffix(": {p}"), zh.removesuffix("：{p}")
    return msg("; " + en, "；" + zh, p=plain)


def number_problem(text: str, whole: bool = False) -> Msg:
    """What is wrong with ``text`` where a number is wanted, said as it is: exponent notation,
    a thousands separator, a unit or full-width digits each with the plain form to write, else
    that it is not a number written in digits (``whole``: a whole number is wanted, so the
    example is no 9.5)."""
    q, v = repr(shown(text, 40)), shown(text, 40)
    form = number_form(text)
    if form is None:
        return msg(
            "{q} is not a number written in digits, such as {e}",
            "「{v}」不是用数字写成的数，应如 {z}",
            q=q,
            v=v,
            e="5" if whole else "12 or 9.5",
            z="5" if whole else "12 或 9.5",
        )
    kind, plain = form
    en, zh, _ = _FORMS[kind]
    return msg("{q} is " + en, "「{v}」" + zh, q=q, v=v) + _write(kind, plain)


def form_hint(text: str) -> Msg | None:
    """For a message that has shown ``text`` already: the form it is written in and the plain
    form to write (``; it is written in exponent notation; write ...: 1000``), or None."""
    form = number_form(text)
    if form is None:
        return None
    kind, plain = form
    en, _, zh = _FORMS[kind]
    return msg("; it is " + en, "；" + zh) + _write(kind, plain)
