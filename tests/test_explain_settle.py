"""What would settle an unknown answer, said as an analyst signs it (issue 10, SPEC section 9).

- inputs needed together are said to be needed together where, set together, they give yes
  (two years not yet graded; P4.S3's contribution and benefits), never "still depends on";
- a yes-or-no input is said by what it states (「带来经济效益」), never by the word "true";
- an unset parameter with the years not stated either is "set it and state the years", never
  「若0，则为是」;
- what a yes-or-no input states, and what settles a value a reading leaves open, come from the
  inputs table (`pyagent.explain.inputs`): a row, not code.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pyagent.explain import inputs
from pyagent.explain.answers import answer_case, solve_case
from pyagent.explain.decide import phrase_decider
from pyagent.explain.why import explain_solved
from pyagent.input.case import load_case, parse_case

GOLDEN = Path(__file__).parent / "golden"

TWO_YEARS = """\
as_of: 2026-07-01
persons:
  - id: two_grades
    certificates: [{level: senior_worker, obtained: 2019-01-01}]
    technical_work: [{from: 2019-01-01}]
    field: engineering
    current_post: {since: 2019-01-01, occupation: 电工}
    annual_assessments: [{year: 2023, grade: qualified}]
    honours: []
    titles: []
"""


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    path = tmp_path_factory.mktemp("settle") / "two.yaml"
    path.write_text(TWO_YEARS, encoding="utf-8")
    return solve_case(load_case(path))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_years_needed_together_are_said_to_be_needed_together(two_years, lang) -> None:
    """2024 and 2025 are not listed: neither alone makes title.participate yes, both graded
    合格 do; each item says so, not 'if 合格, still depends on the other year'."""
    x = explain_solved(two_years, "two_grades", "title.participate", lang=lang)
    assert x.status == "unknown"
    items = {t.path: t for t in x.to_settle}
    assert set(items) == {"annual_assessments.2024", "annual_assessments.2025"}
    for t in items.values():
        assert t.status == "yes" and len(t.together) == 1, t
        said = t.sentence(lang)
        assert ("仍取决于" if lang == "zh" else "still depends on") not in said, said
        assert ("须同时具备" if lang == "zh" else "none of them makes it yes alone") in said, said
        other = t.together[0][-4:]
        assert other in said, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_yes_or_no_input_is_said_by_what_it_states(lang) -> None:
    case = load_case(GOLDEN / "spec9_cases.yaml")
    person = case.persons[0]  # no contribution or benefit stated: P4.S3 unknown
    solved = solve_case(dataclasses.replace(case, persons=(person,)))
    x = explain_solved(solved, person.id, "special_talent.apply", lang=lang)
    assert x.status == "unknown" and len(x.to_settle) == 3
    for t in x.to_settle:
        assert "true" not in t.values and "false" not in t.values, t.values
        said = t.sentence(lang)
        assert not any(w in said for w in ("true", "若是，", "yes if yes")), said
        assert inputs.input_claim(t.path, lang) in said, said
    assert "true" not in x.reason and "：是、" not in x.reason, x.reason


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unset_parameter_and_unstated_years_are_set_and_stated_together(lang) -> None:
    """No application_years.technician and no cumulative_work_years: what settles it is to set
    the parameter and state the years (yes when they reach it), never 「若0，则为是」."""
    case = load_case(GOLDEN / "spec9_cases.yaml")
    base = next(p for p in case.persons if p.id == "zhao_title")
    person = dataclasses.replace(base, cumulative_work_years=None)
    solved = solve_case(dataclasses.replace(case, persons=(person,)))
    x = explain_solved(solved, "zhao_title", "skill.technician", lang=lang)
    assert x.status == "unknown"
    (t,) = [t for t in x.to_settle if t.path == "parameters.application_years.technician"]
    said = t.sentence(lang)
    assert t.status == "yes" and t.values != ("0",), t
    assert "若0" not in said and "yes if 0" not in said, said
    assert "cumulative_work_years" in said and ("达到" if lang == "zh" else "reach") in said
    (d,) = [d for d in x.decided_by if d.path == t.path]
    line = phrase_decider(d, lang)
    assert line.count("application_years.technician") == 1, line  # the subject said once
    assert line.endswith("否则：未知" if lang == "zh" else "otherwise: unknown"), line


def test_what_an_input_states_and_what_settles_it_come_from_the_inputs_table(
    monkeypatch,
) -> None:
    """A row of the inputs table gives a yes-or-no input its statement and a stated value its
    ruling: changing the row changes what decide and to_settle say, with no code."""
    rows = []
    for pattern, row in inputs._COMPILED:
        if row.pattern == "economic_benefit":
            row = row._replace(claim=("the work paid its way", "经济上有回报"))
        if row.pattern == "cumulative_work_years":
            row = row._replace(ruling=("a ruling on the years", "关于年限的解释"))
        rows.append((pattern, row))
    monkeypatch.setattr(inputs, "_COMPILED", tuple(rows))
    assert inputs.input_document("cumulative_work_years", "zh", stated=True) == "关于年限的解释"
    assert inputs.input_document("cumulative_work_years", "zh") == "工作经历证明"
    case = load_case(GOLDEN / "spec9_cases.yaml")
    solved = solve_case(dataclasses.replace(case, persons=(case.persons[0],)))
    for lang, claim in (("en", "the work paid its way"), ("zh", "经济上有回报")):
        x = explain_solved(solved, case.persons[0].id, "special_talent.apply", lang=lang)
        (t,) = [t for t in x.to_settle if t.path == "economic_benefit"]
        assert t.sentence(lang).count(claim) == 1, t.sentence(lang)
        (d,) = [d for d in x.decided_by if d.path == "economic_benefit"]
        assert d.claim == claim


def test_no_input_is_ruled_on_by_name_in_code() -> None:
    """decide and reasons hold no per-input wording: no 是否 / 'whether' stripped from a
    sentence, no field ruled on by its name."""
    root = Path(__file__).resolve().parent.parent / "pyagent" / "explain"
    for name in ("decide.py", "reasons.py"):
        text = (root / name).read_text(encoding="utf-8")
        assert '"是否"' not in text and '"whether ' not in text, name
        assert name != "reasons.py" or '"field"' not in text, name


OPEN_FIELD = """\
as_of: 2026-07-01
readings: {field_list: open}
persons:
  - id: "650123"
    certificates: [{level: technician, kind: skill_level, obtained: 2019-01-01}]
    technical_work: [{from: 2012-01-01}]
    field: 卫生
    current_post: {since: 2012-01-01, occupation: 护理员}
    annual_assessments: [{year: 2024, grade: qualified}, {year: 2023, grade: qualified}]
    honours: []
    titles: []
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_field_left_open_and_a_year_not_listed_are_needed_together(tmp_path, lang) -> None:
    """卫生 under field_list=open, 2025 not listed: neither settles title.participate alone, a
    ruling that 「等」 covers 卫生 and a passing 2025 together do; an input taken at an end the
    case leaves open (the field) composes with a change to the person (the year)."""
    path = tmp_path / "open.yaml"
    path.write_text(OPEN_FIELD, encoding="utf-8")
    solved = solve_case(load_case(path))
    x = explain_solved(solved, "650123", "title.participate", lang=lang)
    assert x.status == "unknown"
    items = {t.path: t for t in x.to_settle}
    assert set(items) == {"annual_assessments.2025", "field"}
    for t in items.values():
        assert t.status == "yes" and len(t.together) == 1, t
        said = t.sentence(lang)
        assert ("须同时具备" if lang == "zh" else "none of them makes it yes alone") in said, said
    assert ("以下同时成立时为是" if lang == "zh" else "yes if all of") in x.reason, x.reason


TITLES_OPEN = """\
as_of: 2026-07-01
persons:
  - id: "652201"
    certificates: [{level: 高级工, kind: 职业技能等级, occupation: 车工}]
    technical_work: [{from: 2018-09-01}]
    field: 农业
    current_post: {since: 2018-09-01, occupation: 车工}
    annual_assessments: [{year: 2025, grade: 合格}, {year: 2024, grade: 合格}, {year: 2023, grade: 合格}]
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_case_as_it_stands_is_never_a_value_that_settles_it(tmp_path, lang) -> None:
    """Titles, work years and the parameter not given: setting the parameter (the years reaching
    it) and a title settle skill.senior_worker together; 'not set' — the case as it stands —
    is never listed among the values that do."""
    path = tmp_path / "titles.yaml"
    path.write_text(TITLES_OPEN, encoding="utf-8")
    x = explain_solved(solve_case(load_case(path)), "652201", "skill.senior_worker", lang=lang)
    (t,) = [t for t in x.to_settle if t.path == "parameters.application_years.senior_worker"]
    assert len(t.values) == 1 and t.status == "yes" and t.together == ("titles",), t
    assert ("未设定" if lang == "zh" else "not set") not in t.sentence(lang)


POST_IN_2023 = """\
as_of: 2026-07-01
persons:
  - id: chen_qi
    certificates: [{level: senior_worker, obtained: 2020-01-01}]
    technical_work: [{from: 2016-01-01}]
    field: engineering
    current_post: {since: 2023-05-01, occupation: 钳工}
    annual_assessments:
      - {year: 2025, grade: qualified}
      - {year: 2024, grade: qualified}
      - {year: 2023, grade: qualified}
  - id: one_year_unlisted
    certificates: [{level: senior_worker, obtained: 2019-01-01}]
    technical_work: [{from: 2019-01-01}]
    field: engineering
    current_post: {since: 2019-01-01, occupation: 电工}
    annual_assessments: [{year: 2025, grade: qualified}, {year: 2023, grade: qualified}]
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_one_line_reason_of_an_unknown_says_what_gives_yes(tmp_path, lang) -> None:
    # not "depends on whether the 2023 assessment was at the current post (…): yes", nor
    # "depends on the 2024 assessment (…): 优秀 (excellent) / 合格 (qualified)": the values that
    # give yes are said to give yes
    case = parse_case(POST_IN_2023)
    got = {
        p.id: {a.question: a.reason for a in p.answers}
        for p in answer_case(case, lang=lang).persons
    }
    post = got["chen_qi"]["title.participate"]
    year = got["one_year_unlisted"]["title.participate"]
    if lang == "en":
        assert post == (
            "unknown: yes if the 2023 assessment was at the current post (annual_assessments[2])"
        )
        assert year == (
            "unknown: depends on the 2024 assessment (not listed in annual_assessments): "
            "yes if it is 优秀 (excellent) or 合格 (qualified)"
        )
    else:
        assert post == "未知：若2023年度考核在现工作岗位上（annual_assessments[2]），则为是"
        assert year == (
            "未知：取决于2024年度考核（annual_assessments中未列出）："
            "若为优秀（excellent）或合格（qualified），则为是"
        )


POST_IN_2024 = """\
as_of: 2026-07-01
persons:
  - id: "650123"
    certificates: [{level: technician, obtained: 2024-03-15}]
    technical_work: [{from: 2018-01-01}]
    field: engineering
    current_post: {since: 2024-09-01, occupation: 电工}
    annual_assessments:
      - {year: 2025, grade: qualified}
      - {year: 2024, grade: basically_qualified}
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_year_not_listed_is_no_failure_of_its_placeholder_grade(lang) -> None:
    # 2023 is not listed: it fails because the post began in 2024, never because its
    # placeholder grade "does not count as 合格" (「未注明不计为考核合格」)
    answer = answer_case(parse_case(POST_IN_2024), lang=lang).persons[0].answers[0]
    assert answer.question == "title.participate" and answer.status == "no"
    if lang == "en":
        assert answer.reason == (
            "no: 650123's annual assessment of 2024 does not count as passed 「合格」: the grade "
            "基本合格 (basically_qualified) does not count as passed 「考核合格」 (P2.S3.a); "
            "650123's annual assessment of 2023 was not at the current post (P2.S3.a)"
        )
    else:
        assert answer.reason == (
            "否：「650123」2024年度考核不计为合格：基本合格（basically_qualified）不计为考核合格"
            "（P2.S3.a）；「650123」2023年度考核不是在现工作岗位上（P2.S3.a）"
        )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_level_short_of_the_one_required_is_said_once(lang) -> None:
    # not 「技师（technician）证书不满足P3.S3的证书条件：技师（technician）未达到所要求的…」
    answers = answer_case(parse_case(POST_IN_2024), lang=lang).persons[0].answers
    reason = next(a.reason for a in answers if a.question == "title.associate_senior")
    first = reason.split("；" if lang == "zh" else "; ")[0]
    if lang == "en":
        assert (
            first
            == "no: 技师 (technician) falls short of the 高级技师 (senior_technician) required (P3.S3)"
        )
    else:
        assert first == "否：技师（technician）未达到所要求的高级技师（senior_technician）（P3.S3）"


def test_inputs_needed_together_name_each_others_values_and_a_yes_lists_clauses_in_order() -> None:
    """An input needed together with others names what each of them must be (「且2024年度考核
    （annual_assessments[1]）为优秀（excellent）或合格（qualified）」), never 「亦如所列」 / "as
    listed"; every to_settle item carries `together`; a yes rests on its clauses in the order
    of the answer's `clauses`."""
    text = """
as_of: 2026-07-01
persons:
  - id: a
    certificates: [{level: senior_worker, kind: vocational_qualification, obtained: 2020-01-01}]
    technical_work: [{from: 2016-01-01}]
    field: arts_and_crafts
    current_post: {since: 2016-01-01, occupation: 雕刻}
    annual_assessments: [{year: 2025, grade: qualified}, {year: 2024, grade: pending}]
    titles: [{rank: intermediate, series: engineering, obtained: 2019-12-01}]
  - id: b
    certificates: [{level: technician, kind: skill_level, obtained: 2020-01-01}]
    technical_work: [{from: 2016-01-01}]
    field: engineering
    current_post: {since: 2016-01-01}
    annual_assessments: [{year: 2025, grade: qualified}, {year: 2024, grade: qualified},
                         {year: 2023, grade: excellent}]
"""
    for lang in ("en", "zh"):
        answers = answer_case(parse_case(text, "t.yaml"), lang=lang)
        data = answers.to_json()
        for p in data["persons"]:
            for a in p["answers"]:
                for t in a.get("to_settle", []):
                    assert isinstance(t["together"], list), t
        a = {x.question: x for x in answers.persons[0].answers}["title.participate"]
        said = " ".join(t.sentence(lang) for t in a.to_settle)
        assert "as listed" not in said and "亦如所列" not in said, said
        other = "annual_assessments[1]"
        assert (
            f"{other}）为优秀（excellent）或合格（qualified）" if lang == "zh" else f"{other}) is"
        ) in said
        yes = {x.question: x for x in answers.persons[1].answers}["title.intermediate"]
        assert yes.status == "yes"
        assert yes.reason.endswith(("、" if lang == "zh" else ", ").join(yes.clauses)), yes.reason


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_prize_that_may_count_as_a_medal_is_said_as_a_condition_not_a_number(lang) -> None:
    """A national prize (not a medal) decides the green channel by whether an evaluator counts
    it as a medal: the other end is that condition in the negative, never 「不满此数」 / "less
    than that" of what is not a number, and it gives yes 「若评审认定…」, not 「若为评审认定…」."""
    from pyagent.explain.why import WHY_NOT, explain_question, phrase_decider

    text = """
as_of: 2026-07-01
persons:
  - id: a
    certificates: [{level: senior_worker, kind: vocational_qualification, obtained: 2020-01-01}]
    technical_work: [{from: 2016-01-01}]
    field: arts_and_crafts
    current_post: {since: 2016-01-01}
    annual_assessments: [{year: 2025, grade: qualified}]
    honours: [national_contest_first_prize]
"""
    case = parse_case(text, "t.yaml")
    q = "title.full_senior_recognition"
    e = explain_question(case, q, person="a", lang=lang, mode=WHY_NOT).explanations[0]
    said = [phrase_decider(d, lang) for d in e.decided_by]
    assert said and not any("不满此数" in s or "less than that" in s for s in said), said
    assert any(("评审不认定" if lang == "zh" else "does not count") in s for s in said), said
    reason = {a.question: a.reason for a in answer_case(case, lang=lang).persons[0].answers}[q]
    assert ("若评审认定" if lang == "zh" else "yes if an evaluator counts") in reason, reason


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_why_not_says_a_yes_or_no_input_by_what_it_states(lang) -> None:
    """why-not lists a decider's outcomes from no, but a yes-or-no input is said by what it
    states at yes, first (「若2023年度考核在现工作岗位上（…）：是；否则：否」), never "if whether
    the 2023 assessment was at the current post … is no: no"."""
    from pyagent.explain.why import WHY_NOT, explain_question, phrase_decider

    case = parse_case(POST_IN_2023)
    e = explain_question(
        case, "title.participate", person="chen_qi", lang=lang, mode=WHY_NOT
    ).explanations[0]
    said = [phrase_decider(d, lang) for d in e.decided_by]
    assert said, e
    for s in said:
        assert "if whether" not in s and not s.startswith("若是否"), s
    assert said[0].startswith(
        "if the 2023 assessment was at" if lang == "en" else "若2023年度考核在"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_list_includes_its_values_and_a_parameter_needed_together_is_named(lang) -> None:
    """The titles held *include* a title ("the titles held (titles) include a 中级 …", never
    "… (titles) is a …"); an unset parameter needed together with them is named with what it
    then states (「…（参数application_years.technician）已设定，且…」), never a bare "set, and …"."""
    text = """
as_of: 2026-07-01
persons:
  - id: r
    certificates: []
    technical_work: [{from: 2012-07-01}]
    field: engineering
    current_post: {since: 2019-01-01, occupation: 电工}
"""
    answers = answer_case(parse_case(text, "t.yaml"), lang=lang)
    a = {x.question: x for x in answers.persons[0].answers}["skill.technician"]
    assert a.status == "unknown"
    said = " ".join(t.sentence(lang) for t in a.to_settle)
    assert "(titles) is" not in said and "（titles）为" not in said, said
    assert ("（titles）包括" if lang == "zh" else "(titles) include") in said, said
    named = "application_years.technician）已设定" if lang == "zh" else "technician) is set"
    assert named in said, said
    assert "together with it set" not in said and "且已设定" not in said, said


def test_a_duration_to_reach_is_said_as_a_sentence_in_english() -> None:
    """ "yes if technical work after the certificate of 2021-03-01, counted for P3.S1, is at
    least 24 months", never the verbless "…, counted for P3.S1, at least 24 months"."""
    from test_whatif_time import NO_WORK  # no technical work stated: the months are open

    answers = answer_case(parse_case(NO_WORK, "t.yaml"), lang="en")
    said = [t.sentence("en") for a in answers.persons[0].answers for t in a.to_settle or ()]
    months = [s for s in said if "counted for P3.S1" in s]
    assert months and all("counted for P3.S1, is at least 24 months" in s for s in months), said


def test_a_state_is_said_as_a_state_in_chinese() -> None:
    """「若已注明」 and 「现岗位的职业（工种）（current_post.occupation）已注明」, never 「为已注明」."""
    text = """
as_of: 2026-07-01
persons:
  - id: o1
    certificates: []
    technical_work: [{from: 2012-07-01}]
    field: engineering
    current_post: {since: 2019-01-01}
"""
    answers = answer_case(parse_case(text, "t.yaml"), lang="zh")
    said = [t.sentence("zh") for a in answers.persons[0].answers for t in a.to_settle or ()]
    assert any("已注明" in s for s in said), said
    assert not [s for s in said if "为已" in s], said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_number_needed_together_is_said_as_its_range_never_blank(lang) -> None:
    """An unset parameter needed together with an unstated occupation: the parameter's value
    that gives yes with it is the range its work years meet ("at most 14" / 「14或以下」),
    never an empty value (it said "… is ; none of them …" and 「…为，则为是」)."""
    text = """
as_of: 2026-10-15
persons:
  - id: zhao
    certificates: []
    technical_work: [{from: 2012-03-01}]
    field: 工程
    current_post: {since: 2018-06-01}
    titles: [{rank: intermediate, series: 工程}]
    cumulative_work_years: 14
"""
    answers = answer_case(parse_case(text, "t.yaml"), lang=lang)
    a = {x.question: x for x in answers.persons[0].answers}["skill.senior_worker"]
    assert a.status == "unknown"
    settle = {t.path: t for t in a.to_settle}
    param = settle["parameters.application_years.senior_worker"]
    assert param.values == (("14或以下",) if lang == "zh" else ("at most 14",)), param
    said = " ".join(t.sentence(lang) for t in a.to_settle) + " " + a.reason
    assert "为，" not in said and " is ;" not in said and "：\n" not in said, said
    assert ("为14或以下" if lang == "zh" else "is at most 14") in said, said
    assert a.reason.endswith("14或以下" if lang == "zh" else "at most 14"), a.reason
