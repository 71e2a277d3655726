"""Lines broken the way Chinese and English are read (`pyagent.cli.wrap`): a tree line's mark
stays with its text at any width, no line starts with closing punctuation, and a Latin word,
a number or (in English) a Chinese term is never cut while it fits on a line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from pyagent.cli.render import THEME, answers_table, explanation_view
from pyagent.cli.wrap import divide
from pyagent.explain.answers import answer_case
from pyagent.explain.why import WHY_NOT, explain_question
from pyagent.input.case import load_case

CASES = Path(__file__).parent / "golden" / "why_cases.yaml"

CLOSING = "，。、；：？！）」》"
OPENING = "（「《"


def pieces(text: str, width: int, lang: str) -> list[str]:
    cuts = divide(text, width, lang)
    return [text[a:b].rstrip() for a, b in zip([0, *cuts], [*cuts, len(text)])]


def test_a_mark_stays_with_a_chinese_sentence_too_long_for_the_line() -> None:
    text = (
        "✓ 2024-03-15取得的证书之后可计入P3.S2的技术技能工作时间：27个月（读法：年限计算到查询日）"
    )
    for width in range(12, 60):
        lines = pieces(text, width, "zh")
        assert len(lines[0]) > 2, (width, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines[1:]:
            assert line[0] not in CLOSING, (width, lines)
        for line in lines[:-1]:
            assert line[-1] not in OPENING, (width, lines)
        if width >= 10:
            assert any("2024-03-15" in x for x in lines), (width, lines)


def test_a_code_in_brackets_never_takes_one_character_of_its_words_with_it() -> None:
    # seen at 100 columns: 「…基本合格算作合」 then 「格（basically_qualified=passes）」
    text = "✗ 仅在另一读法下适用：基本合格算作合格（basically_qualified=passes）；现用读法：基本合格不算作合格"
    for width in range(12, 60):
        lines = pieces(text, width, "zh")
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for before, line in zip(lines, lines[1:]):  # a character goes with the code only when
            if re.match(r"[^\x00-\x7f（]（[a-z]", line):  # the line before is full
                assert cell_len(before) >= width - 1, (width, lines)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_any_width_ends_even_one_cell_narrower_than_a_chinese_character(lang: str) -> None:
    text = "✓ 中文中文（qualified） 2024-03-15 P3.S2"
    for width in range(0, 8):
        lines = pieces(text, width, lang)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), (width, lines)


def test_english_keeps_a_chinese_term_whole_and_a_comparison_on_one_line() -> None:
    text = "✗ 650123's annual assessment does not count as 「考核合格」 (27 < 36) (P2.S3.a)"
    for width in range(16, 70):
        lines = pieces(text, width, "en")
        assert any("「考核合格」" in x for x in lines), (width, lines)
        assert any("27 < 36" in x for x in lines), (width, lines)
        assert lines[0] != "✗"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 80, 120])
def test_no_tree_line_is_a_mark_alone(lang: str, width: int) -> None:
    """`pyagent why-not` at a narrow terminal: never 「├── ✓」 with its text on the next line."""
    found = explain_question(
        load_case(CASES), "title.assistant", person="zhou_no", mode=WHY_NOT, lang=lang
    )
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, theme=THEME).print(explanation_view(found))
    lines = out.getvalue().splitlines()
    assert all(len(x) <= width or "─" in x for x in lines)
    alone = [x for x in lines if re.fullmatch(r"[\s│├└─]*[✓✗?]\s*", x)]
    assert not alone, alone
    assert not [x for x in lines if re.search(r"[├└]── *$", x)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ask_at_80_columns_shows_every_answer_and_reason_whole(lang: str) -> None:
    """At 80 columns the reasons follow the table (a column of a few cells would be
    unreadable), and no answer is cut to 「未…」."""
    answers = answer_case(load_case(CASES), lang=lang)
    out = io.StringIO()
    Console(file=out, width=80, color_system=None, theme=THEME).print(answers_table(answers, lang))
    text = out.getvalue()
    assert "…" not in text
    flat = re.sub(r"[\s│├└─]+", "", text)
    for p in answers.persons:
        for a in p.answers:
            assert re.sub(r"\s+", "", a.reason or "") in flat
