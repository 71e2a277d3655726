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

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

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

    def _lines(self, width: int) -> Iterable[Text]:
        indent = cell_len(self.hang)
        first = True
        for line in self.text.split("\n", allow_blank=True):
            for part in line.divide(divide(line.plain, width - indent, self.lang)):
                part.rstrip()
                if indent:
                    part = Text(self.hang if first else " " * indent) + part
                    first = False
                part.no_wrap = True
                part.overflow = "fold"
                yield part

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._lines(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        indent = cell_len(self.hang)
        longest = max((cell_len(line) for line in self.text.plain.split("\n")), default=0)
        pieces = [0]
        for line in self.text.plain.split("\n"):
            cuts = [0, *_breaks(line, self.lang), len(line)]
            pieces += [cell_len(line[a:b].rstrip()) for a, b in zip(cuts, cuts[1:])]
        return Measurement(indent + min(max(pieces), longest), indent + longest).clamp(
            max_width=options.max_width
        )
