"""Lines broken the way Chinese and English are read: `Wrapped`, a rich renderable.

rich breaks a line at spaces only, so a Chinese sentence (one "word" to rich) after a tree
line's mark moves whole to the next line and leaves the mark alone (``├── ✓`` then the text),
and 「」 or 「，」 can start a line.  Here a line may break after a space, between two Chinese
characters, or between a Chinese character and a Latin word, but never inside a Latin word or
number (``2024-03-15``, ``P3.S2``, ``27 < 36`` keeps its spaces as break points), never before
closing punctuation (「，。）」」) nor after opening punctuation (「（「《」), and never between a
line's mark (``✓ ``) and the first word after it.  A code in brackets after its Chinese words
may start a line (「…算作合格」 then 「（basically_qualified=passes）」): keeping it with the last
character before it would cut a word (「算作合」 / 「格（basically_qualified=passes）」).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text
from rich.tree import Tree

if TYPE_CHECKING:  # a tree (pyagent why) needs no table: rich.table is not imported for it
    from rich.table import Table

MARKS = frozenset("✓✗?")
# no line starts with these (closing punctuation), none ends with the opening ones
_CLOSING = frozenset("，。、；：？！）」』》”’〉】,.;:?!)]%…·")
_OPENING = frozenset("（「『《“‘〈【([")
_OPERATORS = frozenset("<>≤≥=")  # a comparison stays on one line: 「21 < 24」


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _breaks(text: str, lang: str = "zh") -> list[int]:
    """The offsets a line of ``text`` may break at (a break at k starts a line with text[k]).
    In an English sentence a Chinese term is a word (「考核合格」, 高级技师 (senior_technician)):
    it breaks at spaces only; a line of Chinese in it (a quote of the notice) breaks as Chinese."""
    wide = sum(1 for ch in text if _wide(ch))
    english = lang == "en" and 2 * sum(1 for ch in text if ch.isascii() and ch.isalpha()) > wide
    out = []
    for k in range(1, len(text)):
        a, b = text[k - 1], text[k]
        if b.isspace() or b in _CLOSING or a in _OPENING:
            continue
        if b in _OPERATORS:
            continue
        if a.isspace():
            if text[k - 2 : k - 1] in _OPERATORS or text[k - 2 : k - 1] == "←":
                continue  # the arrow stays with the input it points to
            if k == 2 and text[0] in MARKS:
                continue  # the mark stays with what it marks
            out.append(k)
        elif not english and (_wide(a) or _wide(b)):
            out.append(k)
    return out


def divide(text: str, width: int, lang: str = "zh") -> list[int]:
    """Where ``text`` (one line) breaks to fit ``width`` cells: greedy over `_breaks`, a piece
    wider than a line folded by cells."""
    width = max(width, 1)
    cuts: list[int] = []
    start = 0  # the start of the current line
    points = [*_breaks(text, lang), len(text)]
    last = 0  # the last break point passed on this line
    for point in points:
        if cell_len(text[start:point].rstrip()) <= width:
            last = point
            continue
        if last > start:  # break at the last point that fitted
            cuts.append(last)
            start = last
        while cell_len(text[start:point].rstrip()) > width:  # a piece no line holds: folded
            piece = chop_cells(text[start:point], width)[0]
            start += max(len(piece), 1)  # a wide character on a line of one cell: alone
            cuts.append(start)
        last = point
    return [c for c in cuts if 0 < c < len(text)]


class Wrapped:
    """``text`` broken into lines by `divide` at the width it is given; ``hang``: a mark before
    the first line (``"  • "``), the lines after it indented as far, none padded to the width
    (a grid of mark and text pads every line of its cell with spaces)."""

    def __init__(self, text: Text, lang: str = "zh", hang: str = "") -> None:
        self.text, self.lang, self.hang = text, lang, hang

    def _hang(self, width: int) -> str:
        """The hang at this width: whole where it leaves the text at least 8 cells, else only
        its mark (``"• "``) where that leaves 8, else none (the mark then on a line of its own):
        at 4 cells a hang of 4 had left the text no cell, and every line came out blank."""
        hang = self.hang
        if width - cell_len(hang) < 8:
            hang = hang.lstrip()
        if width - cell_len(hang) < 8:
            hang = ""
        return hang

    def _lines(self, width: int) -> Iterable[Text]:
        width = max(width, 1)
        hang = self._hang(width)
        indent = cell_len(hang)
        first = True
        if self.hang.strip() and not hang:  # no room beside the text: the mark above it
            yield Text(self.hang.strip(), no_wrap=True, overflow="fold")
        for line in self.text.split("\n", allow_blank=True):
            for part in line.divide(divide(line.plain, width - indent, self.lang)):
                part.rstrip()
                if indent:
                    part = Text(hang if first else " " * indent) + part
                    first = False
                part.no_wrap = True
                part.overflow = "fold"
                yield part

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._lines(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        indent = cell_len(self._hang(options.max_width))
        longest = max((cell_len(line) for line in self.text.plain.split("\n")), default=0)
        pieces = [0]
        for line in self.text.plain.split("\n"):
            cuts = [0, *_breaks(line, self.lang), len(line)]
            pieces += [cell_len(line[a:b].rstrip()) for a, b in zip(cuts, cuts[1:])]
        return Measurement(indent + min(max(pieces), longest), indent + longest).clamp(
            max_width=options.max_width
        )


class Branches:
    """A rich ``Tree`` that stays readable however narrow: where the width leaves the deepest
    level `ROOM` cells beside its guides it is the tree itself, else each node a line of its own,
    indented two cells a level as far as the width leaves the text `ROOM` cells (at 4 cells a
    tree showed its root and no child: the guides took every cell)."""

    ROOM = 16

    def __init__(self, tree: Tree) -> None:
        self.tree = tree

    def _depth(self, node: Tree, depth: int = 0) -> int:
        return max([depth, *(self._depth(c, depth + 1) for c in node.children)])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if width - 4 * self._depth(self.tree) >= self.ROOM:
            yield self.tree
            return
        stack: list[tuple[Tree, int]] = [(self.tree, 0)]
        while stack:
            node, depth = stack.pop()
            indent = min(2 * depth, max(0, width - self.ROOM))
            inner = options.update(width=max(width - indent, 1))
            for line in console.render_lines(node.label, inner, pad=False):
                yield Segment(" " * indent)
                yield from line
                yield Segment.line()
            stack.extend((c, depth + 1) for c in reversed(node.children))


NARROW = 60  # below it a table's columns are too narrow to read: a row's cells one a line


class Tabled:
    """A rich ``Table`` that stays readable however narrow: the table where its natural width
    fits or the width is at least `NARROW`, else each row as lines, its first cell and then
    ``header: cell`` for each other cell that is not blank (at 4 cells a table showed its
    borders only, at 20 it dropped whole columns)."""

    def __init__(self, table: Table, lang: str = "en") -> None:
        self.table, self.lang = table, lang

    @staticmethod
    def _text(cell: object) -> Text | None:
        if isinstance(cell, Wrapped):
            return cell.text.copy()
        if isinstance(cell, Text):
            return cell.copy()
        if isinstance(cell, str):
            return Text(cell)
        return None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        natural = Measurement.get(console, options.update_width(1 << 16), self.table).maximum
        if natural <= width or width >= NARROW:
            yield self.table
            return
        colon = "：" if self.lang == "zh" else ": "
        if self.table.title:
            title = self._text(self.table.title)
            if title is not None:
                yield Wrapped(title, self.lang)
        columns = self.table.columns
        for r in range(self.table.row_count):
            cells = [c._cells[r] if r < len(c._cells) else "" for c in columns]
            for k, (column, cell) in enumerate(zip(columns, cells)):
                text = self._text(cell)
                if text is None:  # another renderable: as it renders, indented
                    yield from console.render(cell, options.update(width=max(width - 2, 1)))
                    continue
                if not text.plain.strip():
                    continue
                if k:
                    head = self._text(column.header) or Text("")
                    if head.plain.strip():
                        text = Text.assemble(head, colon, text)
                yield Wrapped(text, self.lang, hang="" if k == 0 else "  ")
