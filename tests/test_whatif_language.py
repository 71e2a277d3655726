"""What-if output obeys SPEC section 9 (issue 10): one language per output, no rule text, inputs
named as an analyst would; and the goldens of the what-if with a post change set.

Golden renderings live in tests/golden/ (fixed width, no colour).  After a deliberate change
of wording, regenerate them with ``PYAGENT_UPDATE_GOLDEN=1 pytest tests/test_whatif_language.py``
and review the diff.
"""

from __future__ import annotations

import io
import os
import re
from functools import cache
from pathlib import Path

import pytest
from rich.console import Console

from pyagent.cli.render import THEME, what_if_markdown, what_if_view
from pyagent.engine.program import load_program
from pyagent.explain.templates import ALIASES
from pyagent.explain.whatif import WhatIf, what_if
from pyagent.input.case import load_case
from test_explain_language import unglossed

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
CASES = GOLDEN / "whatif_cases.yaml"
DEMO = ROOT / "queries" / "demo.yaml"
UPDATE = os.environ.get("PYAGENT_UPDATE_GOLDEN") == "1"

# (case file, person, question): a post change set, a move out of an unlisted field, an unknown
# settled by a grade (a numeric id), honours, P4.S3's benefits, a title for P5, a rank later on
SHOWN = [
    (CASES, "gao_nopost", "title.participate"),
    (CASES, "wei_health", "title.participate"),
    (CASES, "650123", "title.intermediate"),
    (DEMO, "zhao_finance", "title.full_senior_recognition"),
    (DEMO, "chen_engineer", "special_talent.apply"),
    (DEMO, "li_senior_worker", "skill.technician"),
    (DEMO, "wang_technician", "title.associate_senior"),
]


@cache
def result(path: Path, person: str, question: str, lang: str) -> WhatIf:
    return what_if(load_case(path), person, question, lang=lang)


def text_of(w: WhatIf, lang: str, width: int = 100) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, theme=THEME, highlight=False).print(
        what_if_view(w, lang)
    )
    return out.getvalue()


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"rendering differs from {path}"


# -- the checker (SPEC section 9) ----------------------------------------------------------------
@cache
def kb_predicates() -> frozenset[str]:
    program = load_program()
    names = {name for name, _ in program.by_head} | {name for name, _ in program.defined_inputs}
    for rule in program.rules:
        names.update(re.findall(r"\b([a-z_][a-z0-9_]*)\(", rule.text))
    return frozenset(names)


CJK = r"[\u3400-\u9fff]"
# the same patterns as tests/test_explain_language.py (explain's SPEC 9 checker)
_QUOTED = re.compile(r"「[^」]*」|“[^”]*”|『[^』]*』|《[^》]*》")
_ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,})+\b")
_CHINESE = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff，、；：（）0-9]*[\u3400-\u9fff]")
_CODES = [
    r"「[^」]*」",  # quotes, and a person's id set apart
    r"（[^（）]*）",  # a code or a place beside its Chinese name
    r"\d{4}-\d{2}-\d{2}",  # ISO dates
    r"\bP\d(?:\.S\d(?:\.[a-c])?)?\b",  # clause ids
    r"\[[^\]]*\]",  # clause ids in brackets
    r"\b[a-z_]+=[a-z_]+\b",  # readings
    r"--[a-z]+",  # options
]


def problems(text: str, lang: str, allowed: set[str]) -> list[str]:
    """What breaks SPEC section 9 in one output: rule text, the other language, a placeholder
    shown as a value, a failed comparison written as if it held."""
    found = []
    text = re.sub(r"\\([\\`*_\[\]<>#|])", r"\1", text)  # Markdown's escapes
    for line in text.splitlines():
        for name in re.findall(r"\b([a-z_][a-z0-9_]*)\(", line):
            if name in kb_predicates():
                found.append(f"a predicate of the knowledge base: {line!r}")
        if re.search(r"\([A-Z][A-Za-z0-9_]*[,)]", line):
            found.append(f"a rule variable: {line!r}")
        if re.search(r"\bunstated\b|\bNone\b", line):
            found.append(f"a placeholder value: {line!r}")
        if "≥" in line and re.search(r"✗|not met|不成立", line):
            found.append(f"≥ beside a failed comparison: {line!r}")
        if re.search(r"五个(技能等级|职称层级)中的第|of the five (skill levels|title ranks)", line):
            found.append(f"rank numbers an analyst never sees: {line!r}")
        if re.search(r"任一，|，任一|\bas any\b", line):
            found.append(f"an open value said as 「任一」: {line!r}")
        bare = line
        for word in sorted(allowed, key=len, reverse=True):
            bare = bare.replace(word, " ")
        if lang == "zh":
            for pattern in _CODES:
                bare = re.sub(pattern, " ", bare)
            if re.search(r"[A-Za-z]{2,}", bare):
                found.append(f"English under zh: {line!r}")
            if re.search(rf"{CJK}\s*[(;,]|[);,]\s*{CJK}", line):
                found.append(f"half-width punctuation in a Chinese sentence: {line!r}")
            if _ENGLISH.search(_QUOTED.sub(" ", line)):
                found.append(f"an English phrase under zh: {line!r}")
            if re.search(r"[\w.\]`], [\w`]", _QUOTED.sub(" ", line)):
                found.append(f"a list joined by an English comma under zh (、): {line!r}")
        else:
            bare = _QUOTED.sub(" ", bare)
            for alias in sorted(set(ALIASES.values()), key=len, reverse=True):
                bare = bare.replace(alias, " ")
            if _CHINESE.search(bare):
                found.append(f"Chinese outside quotes under en: {line!r}")
            if unglossed(line, frozenset(w for w in allowed if re.search(CJK, w))):
                found.append(f"Chinese not glossed under en: {line!r}")
    return found


def allowed_words(path: Path, person: str) -> set[str]:
    """Values of the case kept as written (the person's id, an unlisted field, an occupation):
    codes, not words of either language."""
    me = load_case(path).person(person)
    out = {me.id}
    if me.field:
        out.add(me.field)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path, person, question", SHOWN, ids=[f"{p}-{q}" for _, p, q in SHOWN])
def test_what_if_is_in_one_language_without_rule_text(path, person, question, lang):
    w = result(path, person, question, lang)
    allowed = allowed_words(path, person)
    # wide enough that no code is cut across lines (the checker reads line by line)
    for text in (text_of(w, lang, width=400), what_if_markdown(w, lang)):
        assert problems(text, lang, allowed) == [], text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_line_of_what_if_ends_in_spaces(lang):
    """A memo gets what the terminal shows: no line padded with spaces to the width.  The items
    of 'by time alone' (「仅凭时间推移……届时仍不满足：」) were cells of a grid, each line of a
    wrapped item padded to the grid's width."""
    w = result(DEMO, "zhao_finance", "title.participate", lang)
    assert w.earliest.reason, "the case has items under 'by time alone'"
    for width in (60, 100):
        text = text_of(w, lang, width=width)
        assert "  • " in text
        padded = [line for line in text.splitlines() if line != line.rstrip()]
        assert padded == [], "\n".join(repr(line) for line in padded)
        items = text[text.index("  • ") :].splitlines()
        assert all(line.startswith("    ") for line in items[1:])  # wrapped beside the bullet
        assert len(items) > 1 or width > 60


# -- what-if on the pinned answers: a seeded sample by default, every pin under -m whatif_pins --------
@cache
def pinned() -> tuple[tuple, ...]:
    """(pin, expectation) for every pinned answer of queries/, once per case, readings, person
    and question."""
    from pyagent.pins.check import load_pins

    out, seen = [], set()
    for pin in load_pins([ROOT / "queries"]):
        for e in pin.expectations:
            key = (
                pin.source,
                pin.index,
                tuple(sorted(pin.readings_of(e).items())),
                e.person,
                e.question,
            )
            if key not in seen:
                seen.add(key)
                out.append((pin, e))
    return tuple(out)


SAMPLE = 3  # a what-if takes about half a second per language: the default suite checks a few


def _pinned_ids() -> list[int]:
    return list(range(len(pinned())))


def _check_pinned(k: int, lang: str) -> None:
    import dataclasses

    pin, e = pinned()[k]
    case = dataclasses.replace(pin.case, readings=pin.readings_of(e))
    w = what_if(case, e.person, e.question, lang=lang)
    me = case.person(e.person)
    allowed = {me.id, *([me.field] if me.field else [])}
    for text in (text_of(w, lang, width=400), what_if_markdown(w, lang)):
        assert problems(text, lang, allowed) == [], f"{pin.id} {e.label()}\n{text}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("k", sorted(__import__("random").Random(10).sample(_pinned_ids(), SAMPLE)))
def test_what_if_on_a_sample_of_the_pins(k, lang):
    """A seeded sample of the pinned answers (the whole set: ``pytest -m whatif_pins``)."""
    _check_pinned(k, lang)


@pytest.mark.whatif_pins
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("k", _pinned_ids())
def test_what_if_on_every_pin(k, lang):
    """What-if on every pinned answer, in both languages (about five minutes; deselected by
    default: ``pytest -m whatif_pins tests/test_whatif_language.py``)."""
    _check_pinned(k, lang)


def test_the_checker_finds_what_the_issue_saw():
    """The lines issue 10 quotes from the what-if of before are each caught."""
    seen = {
        "zh": [
            "仅凭时间：永远不会 (至 2036-07-01); 自 2026-07-01起为未知",
            "现在：未知  (P2.S3.a)  depends on annual_assessments.2026",
            "  • P2.S3.a passing_grade(unknown)",
            "  • P2.S3.a post_counts(P,true)",
            "  • P2.S3.a current_post(P)",
            '  • P2.S2 through_field("卫生")',
            "现在：未知（P2.S2, P2.S3.a, P3.S1）。",
        ],
        "en": ["✗ 3 ≥ 5 not met", "By time alone: 仅凭时间推移，到期仍不会为“是”。"],
    }
    for lang, lines in seen.items():
        for line in lines:
            assert problems(line, lang, set()), line


# -- goldens: the what-if with a post change set (zh and en, text and Markdown) -------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_golden_post_change_set(lang):
    w = result(CASES, "gao_nopost", "title.participate", lang)
    assert w.sets_on is not None and w.sets_on.isoformat() == "2030-01-01"
    assert [c.kind for c in w.sets[0].changes] == ["post", "grade", "grade", "grade"]
    golden(f"whatif_post_{lang}.txt", text_of(w, lang))
    golden(f"whatif_post_{lang}.md", what_if_markdown(w, lang))


NO_POST_TITLE = """\
as_of: 2026-07-01
person:
  id: zhao_liu
  certificates:
    - {level: technician, kind: skill_level, obtained: 2018-05-01}
  technical_work:
    - {from: 2012-01-01, to: 2025-12-31}
  field: engineering
  current_post: none
  annual_assessments:
    - {year: 2025, grade: qualified}
    - {year: 2024, grade: qualified}
    - {year: 2023, grade: qualified}
  titles: []
"""


@pytest.mark.parametrize(
    "lang, promise, said",
    [
        ("en", "that make it yes", "The fewest changes that make it unknown instead of no"),
        ("zh", "使答案为“是”的最少改变", "以下最少改变使答案由“否”变为“未知”"),
    ],
)
def test_sets_that_reach_only_unknown_are_not_headed_as_making_it_yes(
    tmp_path: Path, lang, promise, said
):
    """No post, no title, work years and the P5 parameter not given: a post and a title take
    skill.senior_technician from no to unknown at best, and the heading says so instead of
    promising yes and then saying, under the table, that it stays unknown."""
    path = tmp_path / "case.yaml"
    path.write_text(NO_POST_TITLE, encoding="utf-8")
    w = result(path, "zhao_liu", "skill.senior_technician", lang)
    assert w.status == "no" and w.sets and all(s.status == "unknown" for s in w.sets)
    text = text_of(w, lang, width=400)
    assert said in text and promise not in text, text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_post_held_whose_occupation_is_not_stated_is_told_to_state_it(tmp_path, lang):
    """A person holding a post since 2018 whose occupation the case leaves out: the change is
    to state that occupation (the post stays), never to take up a post today."""
    path = tmp_path / "c.yaml"
    path.write_text(
        """as_of: 2026-10-15
parameters: {application_years.senior_worker: 5}
persons:
  - id: zhao
    certificates: []
    technical_work: [{from: 2012-03-01}]
    field: 工程
    current_post: {since: 2018-06-01}
    titles: [{rank: intermediate, series: 工程}]
    cumulative_work_years: 14
""",
        encoding="utf-8",
    )
    w = result(path, "zhao", "skill.senior_worker", lang)
    (change,) = w.sets[0].changes
    assert (change.kind, change.place) == ("post", "current_post.occupation"), change
    text = text_of(w, lang)
    said = (
        "注明现岗位的职业（工种）"
        if lang == "zh"
        else "state the occupation 「工种」 of the current post"
    )
    assert said in text, text
    assert ("岗位上工作" if lang == "zh" else "take up a post") not in text, text
