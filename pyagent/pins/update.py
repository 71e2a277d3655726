"""``pyagent check --update``: fill in the reasons of existing pins from the knowledge base.

A pin states the clauses each answer cites and, for an unknown answer, the inputs it depends
on (`pyagent.pins.check`).  For every expectation whose status holds, this writes the
clauses (and ``depends_on``) the answer actually gives into the pin file, in place, keeping
everything else of the file (comments, order, other pins) as it was; an expectation whose
status does not hold is left alone (its pin is wrong, or the knowledge base: a human
decides).  The change is returned as a unified diff, for a human to read before it is
committed: citation drift is drift of the interpretation.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pyagent.pins.check import check_expectation
from pyagent.pins.pin import Expectation, Pin
from pyagent.pins.solved import prepare
from pyagent.pins.whatif_pin import compare_what_if, what_if_text

__all__ = ["Update", "update_pins"]


@dataclass(frozen=True)
class Update:
    """The pin files rewritten: their new text and a diff a human reads."""

    texts: dict[Path, str]  # file -> its new text (only the files that change)
    diff: str
    changed: int  # expectations rewritten
    skipped: tuple[str, ...]  # expectations left alone: their status does not hold

    def write(self) -> None:
        for path, text in self.texts.items():
            path.write_text(text, encoding="utf-8")


def _flow(value: object) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9).strip()


def _spec_text(
    e: Expectation,
    clauses: Sequence[str],
    depends: Sequence[str] | None,
    what_if: Mapping[str, object] | None = None,
    indent: int = 0,
) -> str:
    parts = [f"status: {e.status}"]
    if e.readings:
        parts.append(f"readings: {_flow(dict(e.readings))}")
    parts.append(f"clauses: {_flow(list(clauses))}")
    if depends is not None:
        parts.append(f"depends_on: {_flow(list(depends))}")
    if e.explanation_contains:
        parts.append(f"explanation_contains: {_flow(list(e.explanation_contains))}")
    if what_if is not None:
        parts.append(what_if_text(what_if, indent))
    return "{" + ", ".join(parts) + "}"


def _descend(node: yaml.Node, path: str) -> yaml.Node:
    """Follow a dotted path of keys, where keys may contain dots (``title.assistant``)."""
    if not path:
        return node
    if isinstance(node, yaml.SequenceNode) and path.startswith("["):
        end = path.index("]")
        return _descend(node.value[int(path[1:end])], path[end + 1 :].lstrip("."))
    assert isinstance(node, yaml.MappingNode), path
    keys = sorted(((str(k.value), v) for k, v in node.value), key=lambda kv: -len(kv[0]))
    for key, value in keys:
        if path == key:
            return value
        for sep in (".", "["):
            if path.startswith(key + sep):
                return _descend(value, path[len(key) + (1 if sep == "." else 0) :])
    raise KeyError(path)


def update_pins(pins: Iterable[Pin], kb_dir: Path | None = None) -> Update:
    """The pin files with every holding expectation's clauses (and depends_on) as the
    knowledge base in ``kb_dir`` gives them."""
    pins = list(pins)
    prepare(pins, kb_dir)
    # (place, expectation, (clauses, depends_on), the what-if) per file
    edits: dict[str, list[tuple[str, Expectation, tuple, Mapping[str, object] | None]]] = {}
    skipped: list[str] = []
    changed = 0
    for pin in pins:
        for e in pin.expectations:
            outcome = check_expectation(pin, e, kb_dir)
            if outcome.status != e.status or outcome.answer is None:
                skipped.append(
                    f"{pin.source}:{e.line}: {e.label()}: expected {e.status}, got {outcome.status}"
                )
                continue
            answer = outcome.answer
            depends = answer.depends_on if e.status == "unknown" else None
            same_depends = depends is None or (
                e.depends_on is not None and set(e.depends_on) == set(depends)
            )
            what_if = outcome.what_if
            same_what_if = e.what_if is None or not compare_what_if(e.what_if, what_if or {})
            if (
                e.clauses is not None
                and tuple(e.clauses) == tuple(answer.clauses)
                and same_depends
                and same_what_if
            ):
                continue
            keep = e.depends_on if depends is not None and same_depends else depends
            edits.setdefault(pin.source, []).append((e.place, e, (answer.clauses, keep), what_if))
            changed += 1
    texts: dict[Path, str] = {}
    diffs: list[str] = []
    for source, items in sorted(edits.items()):
        path = Path(source)
        old = path.read_text(encoding="utf-8")
        root = yaml.compose(old)
        assert root is not None, source  # the file held the pins just checked
        spans = []
        for place, e, (clauses, keep), what_if in items:
            node = _descend(root, place)
            start, end = node.start_mark.index, node.end_mark.index
            text = _spec_text(e, clauses, keep, what_if, node.start_mark.column + 2)
            while (
                end > start and old[end - 1] in " \t\r\n"
            ):  # a block mapping ends on the next line
                end -= 1
            spans.append((start, end, text))
        new = old
        for start, end, text in sorted(spans, reverse=True):
            new = new[:start] + text + new[end:]
        yaml.safe_load(new)  # still YAML
        texts[path] = new
        diffs.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"a/{source}",
                f"b/{source}",
            )
        )
    return Update(texts, "".join(diffs), changed, tuple(skipped))
