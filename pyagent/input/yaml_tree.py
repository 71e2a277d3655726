"""Reading YAML text into plain data with the line:column of every place in it, for
`pyagent.input.document` (which says what is refused, and why).

Only the safe loader is used; documents nested deeper than `MAX_DEPTH`, with more than
`MAX_ALIASES` aliases, with recursive aliases, or whose aliases expand past `MAX_EXPANDED` nodes
are refused before or while they are built.  Merge keys, custom tags and complex keys are refused;
a duplicate mapping key is an error.
"""

from __future__ import annotations

from typing import NoReturn

import yaml
from yaml.constructor import SafeConstructor

from pyagent.errors import InputError, msg
from pyagent.input.parser_words import invalid, yaml_detail
from pyagent.input.wording import _describe, _has_surrogate, _join, _q, _v

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present; safe either way

MAX_DEPTH = 50
MAX_ALIASES = 1000
MAX_EXPANDED = 100_000
MAX_EXPANDED_TEXT = 1_000_000  # characters that aliases may add beyond the document's own


class _Tree:
    def __init__(self, data: object, marks: dict, key_marks: dict) -> None:
        self.data = data
        self.marks = marks
        self.key_marks = key_marks


def _yaml_error(source: str, err: yaml.YAMLError, text: str) -> InputError:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if isinstance(err, yaml.reader.ReaderError):
        position = err.position if isinstance(err.position, int) else 0
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        char = err.character
        shown = f"{char:#x}" if isinstance(char, int) else repr(char)
        return InputError(
            source,
            "",
            msg(
                "invalid YAML: the character {c} is not allowed",
                "YAML 无效：不允许字符 {c}",
                c=shown,
            ),
            line,
            column,
        )
    context, problem = getattr(err, "context", None), getattr(err, "problem", None)
    if context or problem:
        begun = getattr(err, "context_mark", None)
        began: int | None = None  # the line the context began on, when not the problem's own
        if mark is not None and begun is not None and begun.line != mark.line:
            began = begun.line + 1
        at = None  # the character the problem is at, where libyaml does not name it
        if (
            mark is not None
            and problem
            and problem.startswith(("found character", "found unknown"))
        ):
            index = getattr(mark, "index", None)
            if isinstance(index, int) and index < len(text):
                at = text[index + 1 : index + 2] if text[index] == "\\" else text[index]
                at = repr(at)[1:-1] if not at.isprintable() else at
        detail = yaml_detail(context, problem, began, at)
    else:
        detail = yaml_detail(None, str(err).splitlines()[0], None)
    message = invalid("YAML", detail)
    if mark is not None:
        return InputError(source, "", message, mark.line + 1, mark.column + 1)
    return InputError(source, "", message)


def _too_deep() -> str:
    return msg("too deeply nested (more than {n} levels)", "嵌套过深（超过 {n} 层）", n=MAX_DEPTH)


def _unsupported_tag(tag: str) -> str:
    return msg("the tag {q} is not supported", "不支持标签「{v}」", q=_q(tag), v=_v(tag))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Plain Python data from composed YAML nodes, recording the line:column of each place."""

    _SEQ = "tag:yaml.org,2002:seq"
    _MAP = "tag:yaml.org,2002:map"
    _TIMESTAMP = "tag:yaml.org,2002:timestamp"
    _MERGE = "tag:yaml.org,2002:merge"

    def __init__(self, source: str) -> None:
        self.source = source
        self.marks: dict[str, tuple[int, int]] = {}
        self.key_marks: dict[str, tuple[int, int]] = {}
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.expanded = 0
        self.text = 0  # characters of scalar text built, aliases expanded
        self.text_limit = MAX_EXPANDED_TEXT
        self.constructor = SafeConstructor()

    def fail(self, node: yaml.Node, place: str, message: str) -> NoReturn:
        line, column = _mark(node)
        raise InputError(self.source, place, message, line, column)

    def build(self, node: yaml.Node, place: str, depth: int) -> object:
        if depth > MAX_DEPTH:
            self.fail(node, place, _too_deep())
        key = id(node)
        if key in self.open:
            self.fail(
                node,
                place,
                msg(
                    "a recursive alias (an alias inside its own anchor)",
                    "递归别名（别名位于其自身锚点之内）",
                ),
            )
        if key in self.seen:
            self.expanded += 1
            if self.expanded > MAX_EXPANDED:
                self.fail(
                    node,
                    place,
                    msg(
                        "too many aliases (they expand past {n} values)",
                        "别名过多（展开后超过 {n} 个值）",
                        n=MAX_EXPANDED,
                    ),
                )
        self.seen.add(key)
        self.marks[place] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            self.text += len(node.value)
            if self.text > self.text_limit:  # aliases of long text: bounded in size, not count
                self.fail(
                    node,
                    place,
                    msg(
                        "aliases expand the document past {n:,} characters of text",
                        "别名展开后文字超过 {n:,} 个字符",
                        n=self.text_limit,
                    ),
                )
            return self.scalar(node, place)
        self.open.add(key)
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != self._SEQ:
                    self.fail(node, place, _unsupported_tag(node.tag))
                return [
                    self.build(item, f"{place}[{i}]", depth + 1)
                    for i, item in enumerate(node.value)
                ]
            if isinstance(node, yaml.MappingNode):
                if node.tag != self._MAP:
                    self.fail(node, place, _unsupported_tag(node.tag))
                return self.mapping(node, place, depth)
            self.fail(
                node, place, msg("an unsupported kind of YAML node", "不支持的 YAML 节点类型")
            )  # pragma: no cover
        finally:
            self.open.discard(key)

    def mapping(self, node: yaml.MappingNode, place: str, depth: int) -> dict:
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(
                    key_node,
                    place,
                    msg(
                        "a mapping key must be plain text, not a list or mapping",
                        "映射的键须为纯文字，不能是列表或映射",
                    ),
                )
            if key_node.tag == self._MERGE:
                self.fail(
                    key_node,
                    place,
                    msg(
                        "merge keys (<<) are not supported; write the keys out",
                        "不支持合并键（<<）；请逐一写出各键",
                    ),
                )
            key = self.scalar(key_node, place)
            if not isinstance(key, str):
                self.fail(
                    key_node,
                    place,
                    msg(
                        "the key {q} is read as {d}, not text; quote it",
                        "键「{v}」被读作{d}，不是文字；请加引号",
                        q=_q(key_node.value),
                        v=_v(key_node.value),
                        d=_describe(key),
                    ),
                )
            child = _join(place, key)
            if key in out:
                first = self.key_marks.get(child)
                where = (
                    msg(" (first at line {n})", "（首次出现在第 {n} 行）", n=first[0])
                    if first
                    else ""
                )
                self.fail(
                    key_node,
                    child,
                    msg(
                        "the key {q} is given twice{w}",
                        "键「{v}」重复出现{w}",
                        q=_q(key),
                        v=_v(key),
                        w=where,
                    ),
                )
            self.key_marks[child] = _mark(key_node)
            out[key] = self.build(value_node, child, depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode, place: str) -> object:
        if node.tag == self._TIMESTAMP:
            try:
                return self.constructor.construct_object(node)
            except Exception:  # e.g. 2021-02-30: keep the text, parse_date says what is wrong
                return node.value
        try:
            value = self.constructor.construct_object(node)
        except yaml.constructor.ConstructorError:
            self.fail(node, place, _unsupported_tag(node.tag))
        except Exception as err:  # noqa: BLE001 - any constructor failure is bad input
            self.fail(
                node,
                place,
                msg(
                    "cannot read {q}: {e}",
                    "无法读取「{v}」：{e}",
                    q=_q(node.value),
                    v=_v(node.value),
                    e=_q(str(err))[1:-1],
                ),
            )
        if isinstance(value, str) and _has_surrogate(value):  # only the pure-Python reader
            self.fail(
                node,
                place,
                msg(
                    "{q} holds a lone surrogate, not a Unicode character",
                    "「{v}」含有孤立代理码位，不是 Unicode 字符",
                    q=_q(value),
                    v=_v(value),
                ),
            )
        return value


def _at_event(source: str, event: yaml.Event, message: str) -> InputError:
    mark = event.start_mark
    if mark is None:
        return InputError(source, "", message)
    return InputError(source, "", message, mark.line + 1, mark.column + 1)


def _read_yaml(text: str, source: str) -> _Tree:
    depth = aliases = 0
    try:
        # First pass over the events (the parser is iterative): refuse deep nesting and alias
        # floods before the (recursive) composer sees them.
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _at_event(source, event, _too_deep())
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _at_event(
                        source,
                        event,
                        msg(
                            "too many aliases (more than {n})",
                            "别名过多（超过 {n} 个）",
                            n=MAX_ALIASES,
                        ),
                    )
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as err:
        raise _yaml_error(source, err, text) from None
    except RecursionError:  # pragma: no cover - the first pass bounds the depth
        raise InputError(source, "", msg("too deeply nested", "嵌套过深")) from None
    if node is None:
        return _Tree(None, {}, {})
    builder = _Builder(source)
    builder.text_limit = len(text) + MAX_EXPANDED_TEXT
    data = builder.build(node, "", 0)
    return _Tree(data, builder.marks, builder.key_marks)
