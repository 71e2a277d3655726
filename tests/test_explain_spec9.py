"""Goldens of SPEC section 9, in zh and en, as a tree and as Markdown (tests/golden/spec9_*).

One person per point (tests/golden/spec9_cases.yaml): an input the case leaves out (and a
numeric id), a failed comparison, a no with holding and failing conditions, an unset
parameter with the P5 quote.  ``PYAGENT_UPDATE_GOLDEN=1 pytest tests/test_explain_spec9.py``
rewrites the goldens; read every line of the diff before committing it.
"""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from pyagent.cli.render import THEME, explanation_markdown, explanation_view
from pyagent.explain.answers import solve_case
from pyagent.explain.decide import phrase_decider
from pyagent.explain.steps import Explanations
from pyagent.explain.why import explain_solved
from pyagent.input.case import load_case
from pyagent.kb import readings as kb_readings

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PYAGENT_UPDATE_GOLDEN") == "1"
ASKED = (
    ("650123", "title.assistant"),  # unknown: an undated certificate
    ("li_short", "title.assistant"),  # no: 23 < 24
    ("wu_basic", "title.intermediate"),  # no: 49 ≥ 36 holds, 2024 基本合格 fails
    ("zhao_title", "skill.technician"),  # unknown: application_years.technician not set; P5 quoted
)


@pytest.fixture(scope="module")
def found() -> dict[str, Explanations]:
    case = load_case(GOLDEN / "spec9_cases.yaml")
    solved = solve_case(case)
    readings = {n: r.default for n, r in kb_readings().items()}
    out = {}
    for lang in ("en", "zh"):
        items = tuple(explain_solved(solved, p, q, lang=lang) for p, q in ASKED)
        out[lang] = Explanations("spec9_cases.yaml", case.as_of, readings, (), lang, "why", items)
    return out


def _tree(doc: Explanations) -> str:
    out = io.StringIO()
    Console(file=out, width=110, color_system=None, theme=THEME, highlight=False).print(
        explanation_view(doc)
    )
    return out.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("form", ["txt", "md"])
def test_spec9_golden(found, lang: str, form: str) -> None:
    doc = found[lang]
    text = _tree(doc) if form == "txt" else explanation_markdown(doc)
    path = GOLDEN / f"spec9_{lang}.{form}"
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"rendering differs from {path}"


def test_spec9_says_what_section_9_asks(found) -> None:
    en, zh = _tree(found["en"]), _tree(found["zh"])
    flat_en = " ".join(en.replace("│", " ").replace("├──", " ").replace("└──", " ").split())
    flat_zh = "".join(zh.split()).replace("│", "")
    # unknown shown as unknown, with the deciding value
    assert (
        "the date the 高级工 (senior_worker) certificate was obtained (certificates[0]): not stated"
        in flat_en
    )
    assert "is on or before 2024-07-01: yes; otherwise: no" in flat_en
    assert (
        "证书取得日期（certificates[0]）：未注明" in flat_zh and "为2024-07-01或更早：是" in flat_zh
    )
    # a failed comparison reads as it came out
    assert "(23 < 24)" in flat_en and "（23<24）" in flat_zh and "23 ≥ 24" not in en
    # an unset parameter is not set, never a requirement of 0
    assert "(parameter application_years.technician): not set" in flat_en
    assert (
        "16 ≥ not set" not in flat_en and "≥ 未设定" not in flat_zh
    )  # the line above says it is not set
    assert "未设定" in flat_zh and "0年" not in flat_zh
    # a no shows what holds beside what fails
    assert "49 ≥ 36" in en and "「wu_basic」2024年度考核合格" in flat_zh
    # P5 quoted as the whole sentence; the numeric id set apart
    assert (
        "可分别申报与现岗位相对应职业（工种）的高级工、技师、高级技师职业技能评价或职业技能等级认定。"
        in flat_zh
    )
    assert "同句" not in zh and "「650123」" in flat_zh
    # one language: SPEC.3 in Chinese under zh
    assert "A question is answered" not in zh and "问题的答案为“是”" in flat_zh


def test_ask_gives_each_answer_a_reason_and_what_would_settle_it() -> None:
    import json

    from typer.testing import CliRunner

    from pyagent.cli import app

    runner = CliRunner()
    case = str(GOLDEN / "spec9_cases.yaml")
    doc = json.loads(runner.invoke(app, ["ask", case, "--json", "--lang", "zh"]).stdout)
    answers = {(p["id"], a["question"]): a for p in doc["persons"] for a in p["answers"]}
    unknown = answers[("650123", "title.assistant")]
    assert unknown["status"] == "unknown" and unknown["reason"].startswith("未知：")
    assert unknown["to_settle"] == [
        {
            "input": "certificates[0].obtained",
            "name": "高级工证书取得日期（certificates[0]）",
            "values": ["2024-07-01或更早"],
            "gives": "yes",
            "document": "职业资格证书或职业技能等级证书",
            "together": [],  # every item carries it: [] when it settles the answer alone
            "sentence": "若为2024-07-01或更早，则为是",  # what it takes, as a sentence
        }
    ]
    no = answers[("wu_basic", "title.intermediate")]
    assert (
        no["reason"].startswith("否：")
        and "2024年度考核" in no["reason"]
        and "49 ≥ 36" in no["reason"]
    )
    assert no["to_settle"] == [] and all(a["reason"] for a in answers.values())
    english = json.loads(runner.invoke(app, ["ask", case, "--json"]).stdout)
    li = next(
        a
        for p in english["persons"]
        if p["id"] == "li_short"
        for a in p["answers"]
        if a["question"] == "title.assistant"
    )
    assert li["reason"].startswith("no: ") and "(23 < 24)" in li["reason"]
    table = runner.invoke(app, ["ask", case, "--lang", "zh"], env={"COLUMNS": "200"}).stdout
    assert "理由" in table and "「650123」待核实事项" in table and "查询日 2026-07-01" in table
    assert "as of" not in table


def test_errors_in_the_language_asked() -> None:
    from typer.testing import CliRunner

    from pyagent.cli import app

    runner = CliRunner()
    case = str(GOLDEN / "spec9_cases.yaml")
    zh = runner.invoke(app, ["why", case, "title.asistant", "--lang", "zh"])
    assert (
        zh.exit_code == 2
        and "「title.asistant」不是问题；是否要找「title.assistant」？" in zh.stderr
    )
    en = runner.invoke(app, ["why", case, "title.assistant", "--person", "nobody"])
    assert en.exit_code == 2 and "no person 'nobody' in the case" in en.stderr
    zh = runner.invoke(app, ["why", case, "title.assistant", "--person", "nobody", "--lang", "zh"])
    assert "案例中没有人员「nobody」" in zh.stderr


def test_an_unset_parameter_is_no_requirement_of_zero_in_json(found) -> None:
    doc = found["en"].to_json()
    zhao = next(e for e in doc["explanations"] if e["person"] == "zhao_title")

    def nodes(node):
        yield node
        for child in node["children"]:
            yield from nodes(child)

    compared = [
        c for n in nodes(zhao["tree"]) for c in n.get("comparisons", []) if c["actual"] == 16
    ]
    assert compared == [{"actual": 16, "op": ">=", "required": None, "holds": "unknown"}]
    assert zhao["to_settle"][0]["input"] == "parameters.application_years.technician"
    assert zhao["to_settle"][0]["values"] == ["at most 16"]


def test_an_unset_parameter_with_unstated_years_is_never_said_to_give_no() -> None:
    """No application_years parameter and no cumulative_work_years: a requirement of none is the
    only one that gives yes; any other leaves the answer unknown (the years decide it), so
    what decides it never says "otherwise: no", and the years' line names the years."""
    case = load_case(GOLDEN / "spec9_cases.yaml")
    base = next(p for p in case.persons if p.id == "zhao_title")
    person = dataclasses.replace(base, cumulative_work_years=None)
    solved = solve_case(dataclasses.replace(case, persons=(person,)))
    for lang, otherwise, no, subject in (
        ("en", "otherwise: unknown", "otherwise: no", "cumulative work years"),
        ("zh", "否则：未知", "否则：否", "累计工作年限"),
    ):
        x = explain_solved(solved, "zhao_title", "skill.technician", lang=lang)
        assert x.status == "unknown"
        said = [phrase_decider(d, lang) for d in x.decided_by]
        on_parameter = [s for s in said if "application_years.technician" in s]
        assert on_parameter and all(otherwise in s and no not in s for s in on_parameter), said
        alone = [s for s in said if s not in on_parameter]
        assert alone and all(subject in s for s in alone), said


def test_an_unlisted_field_open_under_the_reading_is_settled_by_a_ruling_not_a_record() -> None:
    """Under field_list=open a stated, unlisted field (卫生) leaves the answer unknown until
    someone rules whether 「等」 in P2.S2 covers it: no employment record settles that.  A field
    the case does not state is still shown by the employment record."""
    case = load_case(GOLDEN / "spec9_cases.yaml")
    base = case.persons[0]
    for field, ruling in (("卫生", True), (None, False)):
        person = dataclasses.replace(base, field=field)
        readings = {"field_list": "open"} if field else {}
        solved = solve_case(dataclasses.replace(case, persons=(person,), readings=readings))
        for lang, record in (("en", "the employment record"), ("zh", "聘用证明")):
            x = explain_solved(solved, person.id, "title.participate", lang=lang, decide=True)
            items = [t for t in x.to_settle if t.path == "field"]
            assert items, (field, lang, x.status, x.to_settle)
            document = items[0].document
            assert ("「等」" in document and "P2.S2" in document) is ruling, document
            assert (document == record) is not ruling, document
