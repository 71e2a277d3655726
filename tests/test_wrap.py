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


def _flat(text: str) -> str:
    """The words of an output, whatever its width: no space, guide, border or bullet."""
    return re.sub(r"[\s│├└─┃┏┓┗┛━┳┻╇┡┩┣┫╋┼┤┬┴┌┐└┘╰╯╭╮•]+", "", text)


DEMO = str(Path(__file__).resolve().parent.parent / "queries" / "demo.yaml")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [4, 20])
def test_what_if_at_a_tiny_width_prints_every_sentence(lang: str, width: int) -> None:
    """`COLUMNS=4 pyagent what-if` printed its bulleted reasons as blank lines (a hang of 4
    cells left the text none) and its changes as empty cells: now every sentence, its bullet
    above it when there is no room beside it, and the changes one a line under their set."""
    from typer.testing import CliRunner

    from pyagent.cli import app
    from pyagent.explain.whatif import what_if
    from pyagent.explain.whatif_phrasing import phrase

    args = ["what-if", DEMO, "title.intermediate", "--person", "li_senior_worker", "--lang", lang]
    result = CliRunner().invoke(app, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert not [x for x in lines if not x.strip()], "a blank line"
    t = phrase(what_if(load_case(DEMO), "li_senior_worker", "title.intermediate", lang=lang), lang)
    flat = _flat(result.stdout)
    assert t.reasons and t.rows
    for sentence in (*t.reasons, *(change for _, change, _ in t.rows)):
        assert _flat(sentence) in flat, sentence
    assert ("第1组" if lang == "zh" else "set1") in flat


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [4, 20])
def test_ask_and_why_at_a_tiny_width_show_every_question_and_step(lang: str, width: int) -> None:
    """At 20 cells ask's table dropped its question column (answers with no question) and at 4
    showed borders only; why's tree showed its root and no step (the guides took every cell)."""
    answers = answer_case(load_case(CASES), lang=lang)
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, theme=THEME).print(
        answers_table(answers, lang)
    )
    flat = _flat(out.getvalue())
    for p in answers.persons:
        for a in p.answers:
            assert _flat(f"{a.question}") in flat and _flat(a.reason or "") in flat
    found = explain_question(
        load_case(CASES), "title.assistant", person="zhou_no", mode=WHY_NOT, lang=lang
    )
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, theme=THEME).print(explanation_view(found))
    flat = _flat(out.getvalue())

    def steps(step):
        yield step
        for child in step.children:
            yield from steps(child)

    for e in found.explanations:
        for step in steps(e.root):
            assert _flat(step.text) in flat, step.text


@pytest.mark.parametrize("width", [4, 20])
def test_check_at_a_tiny_width_lists_each_row(width: int) -> None:
    from typer.testing import CliRunner

    from pyagent.cli import app

    pins = str(Path(__file__).resolve().parent.parent / "queries" / "p3_s1_assistant")
    result = CliRunner().invoke(app, ["check", pins], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    flat = _flat(result.stdout)
    assert "assistant.yaml" in flat and "result:allhold" in flat, result.stdout
