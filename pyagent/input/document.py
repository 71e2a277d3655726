"""Reading YAML and JSON text into plain data, with the line:column of every place in it.

The first half of loading a case (`pyagent.input.case` validates what is read here, and
`pyagent.input.roster` reuses the JSON helpers for roster rows).  Every problem raises
`pyagent.errors.InputError` naming the file and, where the document gives them, the line and
column.

* Only the safe YAML loader is used (`pyagent.input.yaml_tree` reads YAML); documents nested
  deeper than 50, with more than 1000 aliases, with recursive aliases, or whose aliases expand
  past 100,000 nodes are refused before or while they are built.  Merge keys (``<<``), custom tags and complex keys are
  refused; a duplicate mapping key (YAML or JSON) is an error.
* Text that is not Unicode (a lone surrogate, e.g. JSON's ``"\\ud800"``) is refused wherever
  it occurs.  A key that is not plain printable text appears in places quoted
  (``persons[0]['a\\nb']``), so a message is always one line of inert text.
* A ``.json`` file must be JSON and gets JSON's syntax positions; other text is tried as JSON
  first and then read as YAML.  For a JSON document the values come from the JSON parser and
  only the line numbers from a YAML reading of the same text.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from pyagent.errors import InputError, Msg, msg
from pyagent.input.parser_words import invalid, json_detail
from pyagent.input.wording import (  # noqa: F401 - re-exported
    _a,
    _describe,
    _has_surrogate,
    _join,
    _q,
    _suggest,
    _surrogate,
    _v,
)
from pyagent.input.yaml_tree import (  # noqa: F401 - re-exported: importers use pyagent.input.case
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_EXPANDED,
    MAX_EXPANDED_TEXT,
    _read_yaml,
    _too_deep,
    _Tree,
)

__all__ = [
    "MAX_BYTES",
    "Document",
    "DuplicateKey",
    "cannot_read",
    "decode_text",
    "json_constant",
    "json_object",
    "read_document",
]

MAX_BYTES = 5_000_000  # the default size limit of a case file


# ---------------------------------------------------------------------------
# Context: the source name and, where known, the line:column of every place.


class _Ctx:
    def __init__(
        self,
        source: str,
        marks: Mapping[str, tuple[int, int]] | None = None,
        key_marks: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        self.source = source
        self.marks = marks or {}
        self.key_marks = key_marks or {}

    def error(self, place: str, message: str, *, at_key: bool = False) -> InputError:
        mark = (self.key_marks.get(place) if at_key else None) or self.marks.get(place)
        line, column = mark if mark else (None, None)
        return InputError(self.source, place, message, line, column)

    def fail(self, place: str, message: str, *, at_key: bool = False) -> NoReturn:
        raise self.error(place, message, at_key=at_key)

    def line_of(self, place: str) -> str:
        mark = self.marks.get(place)
        return f", line {mark[0]}" if mark else ""


# ---------------------------------------------------------------------------
# Reading the text: JSON, or YAML (with marks, pyagent.input.yaml_tree).


_WHAT_ZH = {
    "a file": "文件",
    "a clause table": "条款表",
    "a case file": "案例文件",
    "a roster": "花名册",
}


def _bad_json(detail: object) -> str:
    return invalid("JSON", json_detail(detail))


class DuplicateKey(Exception):
    """A key given twice in one JSON object (json_object, for json.loads; roster rows too)."""

    def __init__(self, key: str) -> None:
        self.key = key


def json_object(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object as a dict, refusing a key given twice (json.loads' object_pairs_hook)."""
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def json_constant(name: str) -> NoReturn:
    """NaN and Infinity are not JSON numbers (json.loads' parse_constant)."""
    raise ValueError(f"{name} is not a number JSON allows")


def _json_check(data: object, source: str, text: str) -> None:
    """Refuse JSON nested too deeply or holding text that is not Unicode (``"\\ud800"``)."""
    stack: list[tuple[object, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, place = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(source, "", _too_deep())
        if isinstance(value, dict):
            for key, item in value.items():
                if _has_surrogate(key):
                    _lone_surrogate(source, place, text, key, "key")
                stack.append((item, depth + 1, _join(place, key)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1, f"{place}[{i}]") for i, v in enumerate(value))
        elif isinstance(value, str) and _has_surrogate(value):
            _lone_surrogate(source, place, text, value, "text")


def _lone_surrogate(source: str, place: str, text: str, value: str, what: str) -> NoReturn:
    code = ord(value[_surrogate(value)])
    escape = re.search(rf"\\u{code:04x}", text, re.IGNORECASE)
    line = column = None
    if escape:
        line, column = _line_column(text, escape.start())
    raise InputError(
        source,
        place,
        msg(
            "the {w} {q} holds \\u{c:04x}, a lone surrogate, which is not a Unicode character",
            "{w}「{v}」含有 \\u{c:04x}，这是孤立代理码位，不是 Unicode 字符",
            w=msg(what, "键" if what == "key" else "文字"),
            q=_q(value),
            v=_v(value),
            c=code,
        ),
        line,
        column,
    )


def _line_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _read_json(text: str, source: str, strict: bool) -> _Tree | None:
    """The JSON reading of the text; None when it is not JSON and ``strict`` is off."""
    try:
        data = json.loads(text, object_pairs_hook=json_object, parse_constant=json_constant)
    except json.JSONDecodeError as err:
        if not strict:
            return None
        raise InputError(source, "", _bad_json(err.msg), err.lineno, err.colno) from None
    except DuplicateKey as err:
        try:  # the YAML reading of the same text knows where the second key is
            _read_yaml(text, source)
        except InputError as located:
            if "given twice" in located.message:
                raise located from None
        except Exception:  # noqa: BLE001 - only a best effort at a line number
            pass
        raise InputError(
            source,
            "",
            msg(
                "the key {q} is given twice in one object",
                "键「{v}」在同一对象中重复出现",
                q=_q(err.key),
                v=_v(err.key),
            ),
        ) from None
    except RecursionError:
        raise InputError(source, "", _too_deep()) from None
    except ValueError as err:
        if not strict:
            return None
        raise InputError(source, "", _bad_json(str(err))) from None
    _json_check(data, source, text)
    where = _Located(text, source)  # line numbers only when a message needs one
    return _Tree(data, _LazyMarks(where, 0), _LazyMarks(where, 1))  # type: ignore[arg-type]


class _Located:
    """The line:column of every place of a JSON text, from a YAML reading of it done on first
    use: a valid case never pays for it (a 1,000-person JSON case: 2,320 -> 136 ms, 2 loaded cores)."""

    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.found: tuple[dict, dict] | None = None

    def marks(self) -> tuple[dict, dict]:
        if self.found is None:
            try:
                tree = _read_yaml(_yaml_view(self.text), self.source)
                self.found = (tree.marks, tree.key_marks)
            except Exception:  # noqa: BLE001 - e.g. a key over 1024 characters: no line then
                self.found = ({}, {})
        return self.found


class _LazyMarks(Mapping):
    def __init__(self, located: _Located, which: int) -> None:
        self.located, self.which = located, which

    def __bool__(self) -> bool:  # `marks or {}` must not read the marks
        return True

    def __getitem__(self, key: str) -> tuple[int, int]:
        return self.located.marks()[self.which][key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.located.marks()[self.which])

    def __len__(self) -> int:
        return len(self.located.marks()[self.which])


# Characters JSON allows that YAML refuses or reads as a line break, and the \u escapes of
# surrogate pairs, which JSON joins and YAML does not.
_NOT_YAML = re.compile("[\t\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_JSON_ESCAPE = re.compile(r"\\(u[dD][89a-fA-F][0-9a-fA-F]{2}|.)", re.DOTALL)


def _yaml_view(text: str) -> str:
    """JSON text that YAML reads with the same structure, lines and columns (for the marks)."""
    text = _NOT_YAML.sub(" ", text)
    return _JSON_ESCAPE.sub(lambda m: r"\u0020" if len(m.group(1)) > 1 else m.group(0), text)


def _read_text(text: str, source: str) -> _Tree:
    if not isinstance(text, str):
        raise InputError(
            source, "", msg("expected text, got {t}", "应为文字，实为 {t}", t=type(text).__name__)
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if _has_surrogate(text):
        at = _surrogate(text)
        line, column = _line_column(text, at)
        raise InputError(
            source,
            "",
            msg(
                "the character {c:#x} is a lone surrogate, not Unicode text",
                "字符 {c:#x} 是孤立代理码位，不是 Unicode 文字",
                c=ord(text[at]),
            ),
            line,
            column,
        )
    is_json = source.lower().endswith(".json")
    tree = _read_json(text, source, strict=is_json) if text.strip() else None
    if tree is None:
        tree = _read_yaml(text, source)
    return tree


def cannot_read(err: OSError) -> Msg:
    """Why a file cannot be read, in both languages (the system's own words are English)."""
    import errno

    reasons = {
        errno.EACCES: (
            "permission denied (this user may not read it)",
            "没有读取权限（当前用户不可读取）",
        ),
        errno.EPERM: (
            "permission denied (this user may not read it)",
            "没有读取权限（当前用户不可读取）",
        ),
        errno.EIO: ("an input/output error of the disk", "磁盘输入输出错误"),
        errno.ELOOP: ("too many levels of symbolic links", "符号链接层数过多"),
        errno.ENAMETOOLONG: ("the name is too long", "文件名过长"),
    }
    plain = str(err.strerror or err)
    if (err.errno or 0) not in reasons:  # the system's words quoted apart, not in the sentence
        return msg("cannot read the file: {r}", "无法读取文件；系统原文：「{r}」", r=plain)
    en, zh = reasons[err.errno or 0]
    return msg("cannot read the file: {r}", "无法读取文件：{z}", r=en, z=zh)


def _read_file(
    path: str | Path,
    max_bytes: int,
    what: str = "a file",
    encoding: Callable[[bytes], str] | None = None,
) -> str:
    """The UTF-8 text of a file of at most ``max_bytes`` (no more is read), or InputError;
    ``encoding(raw bytes)`` may choose another encoding (a CSV roster's: roster.csv_encoding)."""
    source = str(path)
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(info.st_mode):
                raise InputError(
                    source,
                    "",
                    msg(
                        "not a regular file (a FIFO, device or socket); give a file, or - for "
                        "standard input",
                        "不是普通文件（管道、设备或套接字）；请给出文件，或用 - 表示标准输入",
                    ),
                )
            raw = handle.read(min(max_bytes, info.st_size + (1 << 20)) + 1)
    except FileNotFoundError:
        raise InputError(source, "", msg("no such file", "文件不存在")) from None
    except IsADirectoryError:
        raise InputError(
            source,
            "",
            msg("is a directory, not {w}", "是目录，不是{z}", w=what, z=_WHAT_ZH.get(what, what)),
        ) from None
    except OSError as err:
        raise InputError(source, "", cannot_read(err)) from None
    if len(raw) > max_bytes:
        raise InputError(
            source,
            "",
            msg("the file is larger than {n:,} bytes", "文件超过 {n:,} 字节", n=max_bytes),
        )
    chosen = encoding(raw[: 1 << 16]) if encoding is not None else "utf-8"
    return decode_text(raw, source, chosen)


def decode_text(raw: bytes, source: str, chosen: str = "utf-8") -> str:
    """``raw`` decoded in ``chosen`` (UTF-8, or the GB18030 of a CSV roster), or InputError
    naming the line and column of the first byte that cannot be decoded."""
    try:
        return raw.decode(chosen)
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(
            source,
            "",
            msg(
                "not {e} text (byte {b:#04x} cannot be decoded)",
                "不是 {e} 文字（字节 {b:#04x} 无法解码）",
                e="GB18030" if chosen == "gb18030" else "UTF-8",
                b=raw[err.start],
            ),
            line,
            column,
        ) from None


def walk_files(directory: str | Path, suffixes: Iterable[str]) -> list[Path]:
    """The files under ``directory`` whose names end in one of ``suffixes``, sorted.

    A subdirectory that cannot be read, or a matching name that is not a regular file (a
    FIFO would hang the reader), is an InputError: nothing under a directory is silently
    passed over.
    """
    wanted = tuple(suffixes)
    out: list[Path] = []

    def refuse(err: OSError) -> NoReturn:
        raise InputError(
            str(err.filename or directory),
            "",
            Msg(
                str(cannot_read(err)).replace("the file", "the directory"),
                cannot_read(err).zh.replace("文件", "目录", 1),
            ),
        )

    for root, dirs, names in os.walk(directory, onerror=refuse):
        dirs.sort()
        for name in names:
            if not name.endswith(wanted):
                continue
            path = Path(root) / name
            try:
                info = os.stat(path)
            except OSError as err:
                raise InputError(
                    str(path),
                    "",
                    cannot_read(err),
                ) from None
            if not stat.S_ISREG(info.st_mode):
                raise InputError(
                    str(path),
                    "",
                    msg(
                        "not a regular file (a FIFO, device or socket)",
                        "不是普通文件（管道、设备或套接字）",
                    ),
                )
            out.append(path)
    return sorted(out)


# ---------------------------------------------------------------------------
# Documents that hold a case among other keys (the pinned cases of pyagent/pins/check.py).


@dataclass(frozen=True)
class Document:
    """A YAML or JSON document as read, with the line:column of every place in it."""

    source: str
    data: object
    marks: Mapping[str, tuple[int, int]]
    key_marks: Mapping[str, tuple[int, int]]

    def error(self, place: str, message: str, *, at_key: bool = False) -> InputError:
        """An InputError at ``place`` (``[2].expect.li``), with its line and column."""
        return _Ctx(self.source, self.marks, self.key_marks).error(place, message, at_key=at_key)


def read_document(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Document:
    """A UTF-8 YAML or JSON file of at most ``max_bytes``, read but not yet validated."""
    source = str(path)
    tree = _read_text(_read_file(path, max_bytes), source)
    return Document(source, tree.data, tree.marks, tree.key_marks)


def _below(marks: Mapping[str, tuple[int, int]], place: str) -> dict[str, tuple[int, int]]:
    """The marks of the places under ``place``, relative to it."""
    if not place:
        return dict(marks)
    out = {}
    for key, mark in marks.items():
        if key == place:
            out[""] = mark
        elif key.startswith(place + "."):
            out[key[len(place) + 1 :]] = mark
    return out
