"""pyagent why / why-not (issue 3): explanations as data, rendered as trees, JSON and Markdown.

Golden renderings live in tests/golden/ (fixed width, no colour).  After a deliberate change
of wording (a template in kb/, a label in pyagent/cli/render.py), regenerate them with
``PYAGENT_UPDATE_GOLDEN=1 pytest tests/test_explain.py`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from pyagent.explain.answers import solve_case
from pyagent.input.case import load_case, parse_case
from pyagent.cli import app
from pyagent.errors import InputError
from pyagent.kb import kb_dir
from pyagent.engine.questions import QUESTIONS
from pyagent.cli.render import THEME, explanation_markdown, explanation_view
from pyagent.explain.why import (
    WHY_NOT,
    Explanations,
    Step,
    explain_question,
    explain_solved,
    phrase_decider,
)

GOLDEN = Path(__file__).parent / "golden"
CASES = GOLDEN / "why_cases.yaml"
UPDATE = os.environ.get("PYAGENT_UPDATE_GOLDEN") == "1"
runner = CliRunner()


def rendered(found: Explanations, width: int = 100) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, theme=THEME, highlight=False).print(
        explanation_view(found)
    )
    return out.getvalue()


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"rendering differs from {path}"


def explain(person: str, question: str, **kwargs) -> Explanations:
    return explain_question(load_case(CASES), question, person=person, **kwargs)


def steps(step: Step):
    return list(step.walk())


# -- golden renderings ----------------------------------------------------------------------
def test_golden_yes():
    found = explain("ma_yes", "title.assistant")
    assert found.explanations[0].status == "yes"
    golden("why_yes.txt", rendered(found))


def test_golden_no_with_three_failed_conditions():
    found = explain("zhou_no", "title.assistant")
    e = found.explanations[0]
    assert e.status == "no"
    may_apply = next(
        s
        for s in steps(e.root)
        if "may apply for evaluation of a 助理级 (assistant) title" in s.text
    )
    assert [c.holds for c in may_apply.children] == ["no", "no", "no"]
    golden("why_no.txt", rendered(found))


def test_golden_unknown():
    found = explain("li_unknown", "title.participate")
    assert found.explanations[0].status == "unknown"
    golden("why_unknown.txt", rendered(found))


def test_golden_zh():
    golden("why_no_zh.txt", rendered(explain("zhou_no", "title.assistant", lang="zh")))


def test_golden_markdown():
    golden("why_no.md", explanation_markdown(explain("zhou_no", "title.assistant")))


# -- what the trees say -------------------------------------------------------------------------
def test_yes_is_a_derivation_down_to_the_inputs():
    e = explain("ma_yes", "title.assistant").explanations[0]
    every = steps(e.root)
    assert all(s.holds == "yes" for s in every)
    paths = {i.path for s in every for i in s.inputs}
    assert {"certificates[0]", "technical_work", "field", "annual_assessments[2]"} <= paths
    months = next(s for s in every if s.kind == "comparison" and s.comparisons[0].op == ">=")
    assert months.comparisons[0].holds
    assert {c.ref for c in e.clauses} >= {"P3.S1", "P2.S3.a", "P2.S2", "P2.S1"}


def test_no_lists_every_failed_condition_with_actual_and_required_values():
    found = explain("zhou_no", "title.assistant", lang="en")
    data = found.to_json()
    assert data["schema"] == "pyagent.explanation/1"
    e = data["explanations"][0]
    assert e["status"] == "no"

    def nodes(node):
        yield node
        for child in node["children"]:
            yield from nodes(child)

    every = list(nodes(e["tree"]))
    assert all(
        n["holds"] is False
        for n in every
        if n["kind"] == "conclusion" and "clause" in n and n is e["tree"]
    )
    months = [n for n in every if n["kind"] == "comparison" and n["holds"] is False]
    assert [
        (c["actual"], c["op"], c["required"], c["holds"]) for n in months for c in n["comparisons"]
    ] == [(21, ">=", 24, False)]
    assert "21 months" in months[0]["text"] and "P3.S1 requires 24 months" in months[0]["text"]
    assert "(21 < 24)" in months[0]["text"]  # as it came out, never "21 ≥ 24" marked failed
    # a no shows the conditions of the rule that hold too (SPEC 9): here the notice's date
    held = [n for n in every if n["kind"] == "comparison" and n["holds"] is True]
    assert held
    # the three failed conditions of P3.S1, each with its clause and its quote
    clauses = {n["clause"] for n in every if "clause" in n}
    assert {"P3.S1", "P2.S3.a", "P2.S2"} <= clauses
    quote = next(n["quote"] for n in every if n.get("clause") == "P3.S1")
    assert quote.startswith("按照国家有关规定，取得高级工职业资格或职业技能等级后")
    # followed down to the inputs, each with its path and its value in the case file
    inputs = {i["path"]: i["value"] for n in every for i in n.get("inputs", [])}
    assert inputs["annual_assessments[1]"] == {
        "year": 2024,
        "grade": "unqualified",
    }  # v2: at_current_post not stated
    assert inputs["field"] == "finance"
    assert inputs["technical_work"] == [{"from": "2018-03-01"}]
    # a rule that needs another reading says so, with the reading in force
    readings = [n for n in every if n["kind"] == "reading"]
    # (in words, with the id that switches it: no bare value code of the KB)
    assert any(
        "(field_list=open)" in n["text"]
        and "in force: only the eight listed fields are through-fields" in n["text"]
        for n in readings
    )
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_unknown_says_which_inputs_decide_it_and_how():
    e = explain("li_unknown", "title.participate").explanations[0]
    assert e.status == "unknown"
    [d] = e.decided_by
    assert d.path == "annual_assessments[2].grade" and d.value == "pending"
    outcome = {o.status: o.values for o in d.outcomes}
    assert set(outcome) == {"yes", "no"}
    assert any("excellent" in v for v in outcome["yes"]) and any(
        "qualified" in v for v in outcome["yes"]
    )
    assert any("unqualified" in v for v in outcome["no"])
    assert phrase_decider(d).startswith(
        "if the 2025 assessment is 优秀 (excellent) or 合格 (qualified): yes"
    )
    assert phrase_decider(d).endswith("otherwise: no")
    leaf = next(s for s in steps(e.root) if s.holds == "unknown" and s.kind == "input")
    assert leaf.inputs[0].path == "annual_assessments[2].grade"


def test_unknown_outcomes_agree_with_answering_each_value():
    """The outcome of each value is the answer the case gets with that value written in."""
    case = load_case(CASES)
    e = explain_question(case, "title.participate", person="li_unknown").explanations[0]
    [d] = e.decided_by
    li = next(p for p in case.persons if p.id == "li_unknown")
    for grade, status in (
        ("excellent", "yes"),
        ("qualified", "yes"),
        ("basically_qualified", "no"),
        ("unqualified", "no"),
    ):
        items = li.annual_assessments[:2] + (
            dataclasses.replace(li.annual_assessments[2], grade=grade),
        )
        one = dataclasses.replace(
            case, persons=(dataclasses.replace(li, annual_assessments=items),)
        )
        assert solve_case(one).answer(0, QUESTIONS["title.participate"]).status == status
        assert any(grade in v for o in d.outcomes if o.status == status for v in o.values)


def test_numbers_split_into_ranges_around_the_threshold():
    case = parse_case(
        """
as_of: 2026-07-01
parameters: {application_years.technician: 8}
person:
  id: wu
  field: engineering
  current_post: {since: 2015-07-01, occupation: 机械设计}
  titles: [{rank: intermediate, series: engineering, obtained: 2019-12-01}]
""",
        "wu.yaml",
    )
    e = explain_question(case, "skill.technician", person="wu").explanations[0]
    assert e.status == "unknown"
    d = next(d for d in e.decided_by if d.path == "cumulative_work_years")
    assert [(o.values, o.status) for o in d.outcomes] == [
        (("at most 7",), "no"),
        (("at least 8",), "yes"),
    ]


def test_credentials_are_reported_as_not_counted_for_titles_only():
    e = explain("ma_yes", "title.assistant").explanations[0]
    [note] = e.notes
    assert note.clause is not None and note.clause.ref == "P2.S3.b"
    assert "not counted" in note.text
    assert note.children[0].inputs[0].path == "education"
    assert note.children[0].inputs[0].value == "高中"
    assert explain("ma_yes", "skill.technician").explanations[0].notes == ()
    assert explain("zhou_no", "title.assistant").explanations[0].notes == ()  # states none


def test_each_clause_is_quoted_once_in_a_tree():
    text = rendered(explain("ma_yes", "title.assistant"), width=200)
    assert text.count("「按照国家有关规定") == 1
    assert text.count("[P3.S1]") > 1


def test_trees_show_no_solver_internals():
    for person, question in (
        ("ma_yes", "title.assistant"),
        ("zhou_no", "title.assistant"),
        ("li_unknown", "title.participate"),
    ):
        text = rendered(explain(person, question), width=200)
        assert "p(0," not in text and "#sup" not in text
        internal = re.findall(r"\b[a-z]+(?:_[a-z]+)+\(", text)
        assert not internal, f"predicate names in the tree: {internal}"
        for name in (
            "may_apply_rank",
            "year_passes",
            "counted_months",
            "high_skilled",
            "within_fields",
        ):
            assert name not in text


def test_a_sub_tree_is_shown_once_then_referred_to():
    found = explain("ma_yes", "title.assistant")
    every = steps(found.explanations[0].root)
    repeated = [s for s in every if s.kind == "see_above"]
    assert repeated and all(not s.children for s in repeated)
    for s in repeated:
        first = [x for x in every if x.text == s.text and x.kind != "see_above"]
        # a sub-tree, or a fact of the knowledge base's tables (the grade 合格 of another year)
        assert len(first) == 1 and (first[0].children or first[0].kind == "fact")
    assert "(see above)" in rendered(found)


def test_zh_uses_the_chinese_templates():
    text = rendered(explain("zhou_no", "title.assistant", lang="zh"), width=200)
    assert "为什么？" in text
    assert "可申报评审相应专业助理级（assistant）职称" in text
    assert "「zhou_no」2024年度考核合格" in text  # the id set apart (SPEC 9)
    assert "P3.S1要求24个月" in text
    outside_quotes = re.sub(
        r"「[^」]*」", "", text
    )  # the quotes are verbatim, whatever the language
    assert " the " not in outside_quotes and " holds " not in outside_quotes


def test_why_not_speaks_of_what_fails():
    found = explain("zhou_no", "title.assistant", mode=WHY_NOT)
    e = found.explanations[0]
    assert e.mode == WHY_NOT
    # a line states its condition as the rule requires it, its mark says it fails: never a
    # negated sentence under a ✗ (a double negative), in why-not as in why
    assert e.root.holds == "no" and not e.root.text.startswith(("not: ", "not so: "))
    assert e.root.text == explain("zhou_no", "title.assistant").explanations[0].root.text
    assert " is not " in e.reason  # what failed, in the negative, is the reason's prose
    text = rendered(found)
    assert text.startswith("Why not? zhou_no")
    yes = explain("ma_yes", "title.assistant", mode=WHY_NOT)
    assert "nothing stands in the way" in rendered(yes, width=200)
    unknown = explain("li_unknown", "title.participate", mode=WHY_NOT).explanations[0]
    assert [o.status for o in unknown.decided_by[0].outcomes] == ["no", "yes"]
    # a failed comparison reads as it came out (21 < 24), without "not: " before it
    failed = [s for s in steps(e.root) if s.kind == "comparison" and s.holds == "no"]
    assert failed and all("<" in s.text and not s.text.startswith("not: ") for s in failed)


def test_every_question_of_every_person_can_be_explained():
    solved = solve_case(load_case(CASES))
    for p in solved.case.persons:
        for q in QUESTIONS:
            e = explain_solved(solved, p.id, q)
            assert e.status == solved.answer(solved.index(p.id), QUESTIONS[q]).status
            assert e.root.holds == e.status


# -- a rule added to kb/ is explained with no Python change -----------------------------------
EXTRA = """
%# A rule added for a test: long service opens special-talent recognition
%*! long_service(P)
P has twenty or more cumulative work years.
*%
template(long_service, 1, en, "{P} has served twenty years or more").
template(long_service, 1, zh, "{P}累计工作满二十年").
long_service(P) :- clause(p4_s3), cumulative_work_years(P, Y), Y >= 20.
grants(P, special_talent(apply)) :- clause(p4_s3), long_service(P), high_skilled(P, p4_s3).
"""


def test_a_rule_added_to_the_knowledge_base_is_explained(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(kb_dir(), kb)
    (kb / "extra.lp").write_text(EXTRA, encoding="utf-8")
    main = kb / "main.lp"
    main.write_text(main.read_text(encoding="utf-8") + '#include "extra.lp".\n', encoding="utf-8")
    case = parse_case(
        """
as_of: 2026-07-01
persons:
  - {id: old_hand, certificates: [{level: senior_worker, obtained: 2010-01-01}], cumulative_work_years: 25,
     outstanding_contribution: false}
  - {id: newcomer, certificates: [{level: senior_worker, obtained: 2024-01-01}], cumulative_work_years: 12,
     outstanding_contribution: false}
""",
        "extra.yaml",
    )
    found = explain_question(case, "special_talent.apply", directory=kb)
    old, new = found.explanations
    assert old.status == "yes"
    text = [s.text for s in steps(old.root)]
    assert "old_hand has served twenty years or more" in text
    assert "25 ≥ 20" in text
    assert new.status == "no"
    failed = [s for s in steps(new.root) if s.kind == "comparison"]
    assert any("12" in s.text and s.comparisons[0].required == 20 for s in failed)
    assert any(
        s.text == "newcomer has served twenty years or more" and s.holds == "no"
        for s in steps(new.root)
    )
    zh = explain_question(case, "special_talent.apply", person="old_hand", directory=kb, lang="zh")
    assert any(s.text == "「old_hand」累计工作满二十年" for s in steps(zh.explanations[0].root))


# -- the command line ---------------------------------------------------------------------------
def test_cli_why_prints_the_tree():
    result = runner.invoke(app, ["why", str(CASES), "title.assistant", "--person", "zhou_no"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Why? zhou_no · title.assistant")
    # the failed comparison as it came out, its line joined again where the terminal folded it
    unfolded = re.sub(r"\s*\n[│├└─ ]*", " ", result.stdout)
    assert "counted for P3.S1: 21 months; P3.S1 requires 24 months (21 < 24)" in unfolded


def test_cli_json_and_markdown():
    result = runner.invoke(
        app, ["why", str(CASES), "title.participate", "--person", "li_unknown", "--json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema"] == "pyagent.explanation/1"
    assert data["explanations"][0]["decided_by"][0]["path"] == "annual_assessments[2].grade"
    md = runner.invoke(
        app, ["why-not", str(CASES), "title.assistant", "-p", "zhou_no", "--format", "markdown"]
    )
    assert md.exit_code == 0
    assert md.stdout.startswith("### Why not? zhou\\_no · title.assistant: no")
    assert "> 「按照国家有关规定" in md.stdout


def test_cli_every_person_without_person_option():
    result = runner.invoke(app, ["why", str(CASES), "title.assistant", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(e["person"], e["status"]) for e in data["explanations"]] == [
        ("ma_yes", "yes"),
        ("zhou_no", "no"),
        ("li_unknown", "unknown"),
    ]


def test_cli_readings_and_as_of_apply():
    result = runner.invoke(
        app,
        [
            "why",
            str(CASES),
            "title.assistant",
            "-p",
            "zhou_no",
            "--json",
            "--reading",
            "field_list=open",
            "--as-of",
            "2026-12-31",
        ],
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["readings"]["field_list"] == "open" and data["as_of"] == "2026-12-31"


@pytest.mark.parametrize(
    "args, listed",
    [
        (["title.nope", "--person", "zhou_no"], "title.participate, title.assistant"),
        (["title.assistant", "--person", "nobody"], "ma_yes, zhou_no, li_unknown"),
    ],
)
def test_cli_unknown_question_or_person_lists_the_valid_ones(args, listed):
    result = runner.invoke(app, ["why", str(CASES), *args])
    assert result.exit_code == 2
    assert listed in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_cli_bad_input_is_one_message_and_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "as_of: 2026-07-01\nperson: {id: x, certificates: [{level: tecnician}]}\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["why", str(bad), "title.assistant"])
    assert result.exit_code == 2 and "tecnician" in result.stderr
    both = runner.invoke(
        app, ["why", str(CASES), "title.assistant", "--json", "--format", "markdown"]
    )
    assert both.exit_code == 2


def test_library_errors_name_the_valid_ids():
    case = load_case(CASES)
    with pytest.raises(InputError, match="its persons are: ma_yes, zhou_no, li_unknown"):
        explain_question(case, "title.assistant", person="x")
    with pytest.raises(InputError) as zh:  # the same message from the case as from why
        case.person("x")
    assert zh.value.text("zh").endswith("案例中的人员有：ma_yes、zhou_no、li_unknown")
    with pytest.raises(InputError, match="the questions are: title.participate"):
        explain_question(case, "x")


def test_cli_why_in_chinese():
    result = runner.invoke(
        app, ["why", str(CASES), "title.assistant", "-p", "zhou_no", "--lang", "zh"]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "为什么？「zhou_no」· title.assistant（可申报评审助理级职称）：否"
    )
    flat = result.stdout.replace("\n", "").replace(" ", "").replace("│", "")
    assert "P2.S2的领域范围不妨碍「zhou_no」走技能人才评职称的路径" in flat
    data = json.loads(
        runner.invoke(
            app, ["why", str(CASES), "title.assistant", "-p", "zhou_no", "--lang", "zh", "--json"]
        ).stdout
    )
    assert (
        data["lang"] == "zh" and data["explanations"][0]["question_text"] == "可申报评审助理级职称"
    )
