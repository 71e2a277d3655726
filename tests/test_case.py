"""Loading and validating case files: pyagent.input.case (SPEC section 2)."""

from __future__ import annotations

import re

import dataclasses
import datetime as dt
import pickle
from pathlib import Path

import pytest

from pyagent.input.case import load_case, parse_case, parse_date, parse_person, parse_readings
from pyagent.errors import InputError
from pyagent.input.model import (
    NO_POST,
    Assessment,
    Certificate,
    Honour,
    Period,
    Person,
    Post,
    Title,
)

CASES = Path(__file__).parent / "data" / "cases"

ZHANG_SAN = Person(
    id="zhang_san",
    certificates=(Certificate("technician", "skill_level", dt.date(2021, 6, 30), "电工"),),
    technical_work=(
        Period(dt.date(2015, 3, 1), dt.date(2019, 12, 31)),
        Period(dt.date(2020, 6, 1), None),
    ),
    field="engineering",
    current_post=Post(dt.date(2016, 3, 1), "电工"),
    annual_assessments=(Assessment(2025, "qualified", True),),
    honours=(
        Honour("national_technical_expert"),
        Honour("national_contest_silver", contest_class="ii"),
    ),
    outstanding_contribution=True,
    social_benefit=True,
    economic_benefit=None,
    titles=(Title("intermediate", "engineering", dt.date(2018, 1, 1)),),
    cumulative_work_years=12.0,
    never_decisive={"education": "初中"},
)


def one(person_yaml: str, **kwargs) -> Person:
    """The single person of a tiny case written as the body of ``person:``."""
    case = parse_case("as_of: 2026-07-01\nperson:\n" + person_yaml, "c.yaml", **kwargs)
    assert len(case.persons) == 1
    return case.persons[0]


def error(text: str, source: str = "c.yaml", **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        parse_case(text, source, **kwargs)
    return info.value


# --- valid cases -------------------------------------------------------------


def test_spec_example_loads_into_the_dataclasses():
    case = load_case(CASES / "spec_example.yaml")
    assert case.source == str(CASES / "spec_example.yaml")
    assert case.as_of == dt.date(2026, 7, 1)
    assert case.readings == {"field_list": "open"}
    assert case.parameters == {"application_years.technician": 5}
    assert case.persons == (ZHANG_SAN,)


def test_json_equivalent_gives_an_equal_case():
    from_yaml = load_case(CASES / "spec_example.yaml")
    from_json = load_case(CASES / "spec_example.json")
    assert from_json.source.endswith("spec_example.json")
    assert dataclasses.replace(from_json, source=from_yaml.source) == from_yaml


def test_chinese_aliases_give_the_codes():
    case = load_case(CASES / "spec_example_zh.yaml")
    assert case.persons == (ZHANG_SAN,)
    assert case.parameters == {"application_years.technician": 5}  # nested form
    assert case.as_of == dt.date(2026, 7, 1)  # quoted ISO date


def test_absent_is_unknown_and_empty_is_none():
    absent = one("  id: a\n")
    assert absent == Person(id="a")
    assert absent.certificates is None and absent.honours is None and absent.current_post is None
    assert absent.never_decisive == {}

    empty = one(
        "  id: a\n  certificates: []\n  technical_work: []\n  annual_assessments: []\n"
        "  honours: []\n  titles: []\n"
    )
    assert (empty.certificates, empty.technical_work, empty.annual_assessments) == ((), (), ())
    assert (empty.honours, empty.titles) == ((), ())


def test_null_is_unknown_like_absent():
    person = one(
        "  id: a\n  honours:\n  titles: ~\n  field: null\n  current_post: null\n"
        "  social_benefit: ~\n  cumulative_work_years:\n"
        "  certificates: [{level: senior_worker, kind: null, obtained: ~}]\n"
    )
    assert person.honours is None and person.titles is None and person.field is None
    assert person.current_post is None and person.social_benefit is None
    assert person.cumulative_work_years is None
    assert person.certificates == (Certificate("senior_worker", None, None),)


@pytest.mark.parametrize("written", ["none", "无", "None"])
def test_current_post_none_is_no_post(written):
    assert one(f"  id: a\n  current_post: {written}\n").current_post is NO_POST


def test_current_post_mapping():
    assert one("  id: a\n  current_post: {}\n").current_post == Post(None, None)
    assert one("  id: a\n  current_post: {occupation: 焊工}\n").current_post == Post(None, "焊工")


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("engineering", "engineering"),
        ("工程", "engineering"),
        ("技工院校教师", "technical_school_teaching"),
        ("finance", "finance"),
        ("卫生", "卫生"),
        ("' medicine '", "medicine"),
    ],
)
def test_field_code_alias_or_unlisted(written, kept):
    assert one(f"  id: a\n  field: {written}\n").field == kept
    titles = one(f"  id: a\n  titles: [{{rank: 副高级, series: {written}}}]\n").titles
    assert titles == (Title("associate_senior", kept, None),)


def test_tristate_and_defaults():
    person = one(
        "  id: a\n  outstanding_contribution: false\n  social_benefit: 'true'\n"
        "  economic_benefit: unknown\n"
        "  annual_assessments: [{year: 2024, grade: basically_qualified, at_current_post: false},"
        " {year: 2023, grade: 当年无考核}, {year: 2022, grade: 未考核}]\n"
    )
    assert (person.outstanding_contribution, person.social_benefit, person.economic_benefit) == (
        False,
        True,
        None,
    )
    assert person.annual_assessments == (
        Assessment(2024, "basically_qualified", False),
        Assessment(2023, "none", None),  # v2: not stated, follows from the post (SPEC section 4)
        Assessment(2022, "pending", None),
    )


def test_honour_details():
    person = one(
        "  id: a\n  honours:\n"
        "    - {code: state_council_allowance, category: 高技能人才类}\n"
        "    - {code: national_contest_gold, class: i}\n"
        "    - {code: provincial_contest_bronze}\n"
        "    - 中华技能大奖\n"
    )
    assert person.honours == (
        Honour("state_council_allowance", category="high_skill"),
        Honour("national_contest_gold", contest_class="i"),
        Honour("provincial_contest_bronze"),
        Honour("china_skills_award"),
    )


def test_never_decisive_inputs_are_kept_verbatim():
    person = one(
        "  id: a\n  education: 初中\n  papers: 0\n  foreign_language: [none]\n"
        "  computer_skills: {level: basic}\n"
    )
    assert person.never_decisive == {
        "education": "初中",
        "papers": 0,
        "foreign_language": ["none"],
        "computer_skills": {"level": "basic"},
    }


def test_several_persons_and_yaml_anchors():
    case = parse_case(
        "as_of: 2026-07-01\npersons:\n"
        "  - {id: a, certificates: &c [{level: 高级工, obtained: 2020-01-01}]}\n"
        "  - {id: 李四, certificates: *c}\n",
        "c.yaml",
    )
    assert [p.id for p in case.persons] == ["a", "李四"]
    assert case.persons[0].certificates == case.persons[1].certificates


def test_as_of_defaults_to_today_and_the_command_line_wins():
    assert parse_case("person: {id: a}").as_of == dt.date.today()
    text = (
        "as_of: 2026-07-01\nreadings: {field_list: open, duration_end: year_end}\nperson: {id: a}\n"
    )
    case = parse_case(text, as_of=dt.date(2025, 1, 1), readings={"field_list": "closed"})
    assert case.as_of == dt.date(2025, 1, 1)
    assert case.readings == {"field_list": "closed", "duration_end": "year_end"}


def test_yaml_yes_no_readings_are_taken_as_words():
    case = parse_case("readings: {rank_needs_gate: no, green_channel_gate: yes}\nperson: {id: a}\n")
    assert case.readings == {"rank_needs_gate": "no", "green_channel_gate": "yes"}


# --- bad input: one clear InputError naming file, place, line ---------------

BAD = [
    # (case text, place, line, text the message must contain)
    (
        "person:\n  id: a\n  certificates:\n    - {level: tecnician}\n",
        "person.certificates[0].level",
        4,
        "'tecnician' is not a skill level; did you mean 'technician'?",
    ),
    ("persns: []\n", "persns", 1, "did you mean 'persons'?"),
    ("person:\n  id: a\n  honors: []\n", "person.honors", 3, "did you mean 'honours'?"),
    ("persons: [{id: a}]\nperson: {id: b}\n", "person", 2, "not both"),
    ("as_of: 2026-07-01\n", "", 1, "missing 'persons'"),
    ("persons: {id: a}\n", "persons", 1, "expected a list of persons"),
    ("persons: []\n", "persons", 1, "at least one person"),
    ("person: {id: 42}\n", "person.id", 1, "quote it"),
    ("person: {field: art}\n", "person", 1, "missing the required key 'id'"),
    ("person: {id: ''}\n", "person.id", 1, "is empty"),
    (
        "persons:\n  - id: a\n  - id: b\n  - id: a\n",
        "persons[2].id",
        4,
        "used twice (first at persons[0].id, line 2)",
    ),
    (
        "person:\n  id: a\n  certificates: [{level: technician, obtained: 2021-02-30}]\n",
        "person.certificates[0].obtained",
        3,
        "not a real date",
    ),
    (
        "person:\n  id: a\n  certificates: [{kind: skill_level}]\n",
        "person.certificates[0]",
        3,
        "missing the required key 'level'",
    ),
    (
        "person:\n  id: a\n  certificates: [{level: technician, kind: diploma}]\n",
        "person.certificates[0].kind",
        3,
        "not a certificate kind",
    ),
    (
        "person:\n  id: a\n  certificates: {level: technician}\n",
        "person.certificates",
        3,
        "write [] for none",
    ),
    ("as_of: 2026-07-01 09:30:00\nperson: {id: a}\n", "as_of", 1, "time of day"),
    ("as_of: 01/07/2026\nperson: {id: a}\n", "as_of", 1, "write YYYY-MM-DD"),
    (
        "person:\n  id: a\n  technical_work: [{from: 2020-01-01, to: 2019-01-01}]\n",
        "person.technical_work[0].to",
        3,
        "before 'from'",
    ),
    (
        "person:\n  id: a\n  technical_work: [{to: 2019-01-01}]\n",
        "person.technical_work[0]",
        3,
        "missing the required key 'from'",
    ),
    (
        "person:\n  id: a\n  annual_assessments: [{year: '2025', grade: qualified}]\n",
        "person.annual_assessments[0].year",
        3,
        "write it without quotes",
    ),
    (  # unquoted, yet text to YAML: taking quotes away would not help
        "person:\n  id: a\n  cumulative_work_years: 1e400\n",
        "person.cumulative_work_years",
        3,
        "found the text '1e400'; it is written in exponent notation; write it in plain decimal "
        "digits",
    ),
    (
        "person:\n  id: a\n  cumulative_work_years: '9.5'\n",
        "person.cumulative_work_years",
        3,
        "found the text '9.5'; write it without quotes",
    ),
    (
        "person:\n  id: a\n  annual_assessments: [{year: true, grade: qualified}]\n",
        "person.annual_assessments[0].year",
        3,
        "expected a year",
    ),
    (
        "person:\n  id: a\n  annual_assessments: [{year: 1900, grade: qualified}]\n",
        "person.annual_assessments[0].year",
        3,
        "outside 1950..2100",
    ),
    (
        "person:\n  id: a\n  annual_assessments:\n    - {year: 2025, grade: qualified}\n"
        "    - {year: 2025, grade: excellent}\n",
        "person.annual_assessments[1].year",
        5,
        "given twice",
    ),
    (
        "person:\n  id: a\n  annual_assessments: [{year: 2025, grade: qualifed}]\n",
        "person.annual_assessments[0].grade",
        3,
        "did you mean 'qualified'?",
    ),
    (
        "person:\n  id: a\n  annual_assessments: [{year: 2025, grade: ok, at_current_post: 1}]\n",
        "person.annual_assessments[0].grade",
        3,
        "not an assessment grade",
    ),
    (
        "person:\n  id: a\n  honours: [national_tech_expert]\n",
        "person.honours[0]",
        3,
        "did you mean 'national_technical_expert'?",
    ),
    (
        "person:\n  id: a\n  honours: [{code: china_skills_award, class: i}]\n",
        "person.honours[0].class",
        3,
        "only for contest honours",
    ),
    (
        "person:\n  id: a\n  honours: [{code: china_skills_award, category: high_skill}]\n",
        "person.honours[0].category",
        3,
        "only for state_council_allowance",
    ),
    (
        "person:\n  id: a\n  honours: [{code: national_contest_gold, class: iii}]\n",
        "person.honours[0].class",
        3,
        "not a contest class",
    ),
    (
        "person:\n  id: a\n  social_benefit: maybe\n",
        "person.social_benefit",
        3,
        "expected true, false or unknown",
    ),
    ("person:\n  id: a\n  current_post: yes\n", "person.current_post", 3, "or 'none'"),
    (
        "person:\n  id: a\n  titles: [{rank: senior}]\n",
        "person.titles[0].rank",
        3,
        "not a title rank",
    ),
    ("person:\n  id: a\n  field: Engineering\n", "person.field", 3, "did you mean 'engineering'?"),
    (
        "person:\n  id: a\n  cumulative_work_years: '12'\n",
        "person.cumulative_work_years",
        3,
        "expected a number of years",
    ),
    (
        "person:\n  id: a\n  cumulative_work_years: -1\n",
        "person.cumulative_work_years",
        3,
        "outside 0..100",
    ),
    (
        "parameters: {application_years.technican: 5}\nperson: {id: a}\n",
        "parameters.application_years.technican",
        1,
        "did you mean 'application_years.technician'?",
    ),
    (
        "parameters:\n  application_years: {technician: 2.5}\nperson: {id: a}\n",
        "parameters.application_years.technician",
        2,
        "whole number",
    ),
    (
        "parameters: {application_years.technician: -1}\nperson: {id: a}\n",
        "parameters.application_years.technician",
        1,
        "outside 0..100",
    ),
    (
        "readings:\n  field_lst: open\nperson: {id: a}\n",
        "readings.field_lst",
        2,
        "did you mean 'field_list'?",
    ),
    (
        "readings:\n  field_list: ajar\nperson: {id: a}\n",
        "readings.field_list",
        2,
        "expected one of: closed (default), open",
    ),
    ("person: {id: a}\nperson: {id: b}\n", "person", 2, "given twice (first at line 1)"),
    ("person: {id: a, 1: x}\n", "person", 1, "not text; quote it"),
    ("base: &b {id: a}\nperson: {<<: *b}\n", "person", 2, "merge keys"),
    ("person: !!python/object/apply:os.system ['echo owned']\n", "person", 1, "not supported"),
    ("person: !!set {a, b}\n", "person", 1, "not supported"),
    ("- id: a\n", "", 1, "found a list"),
    ("42\n", "", 1, "found the number 42"),
]


@pytest.mark.parametrize(
    ("text", "place", "line", "expected"), BAD, ids=[b[1] or b[3] for b in BAD]
)
def test_bad_input_names_file_place_line_and_problem(text, place, line, expected):
    err = error(text)
    assert err.source == "c.yaml" and err.place == place and err.line == line
    assert err.column is not None
    assert str(err).startswith(f"c.yaml:{line}:{err.column}: {place}")
    assert expected in str(err)


def test_lists_of_choices_are_said_in_each_language() -> None:
    """A list of what one may write: codes with their Chinese names in English, the names
    with their codes joined by 、 in Chinese."""
    grade = error("person:\n  id: a\n  annual_assessments: [{year: 2024, grade: 良好}]\n")
    assert str(grade).endswith(
        "expected one of: excellent (优秀), qualified (合格), "
        "basically_qualified (基本合格), unqualified (不合格), pending (未考核), none (当年无考核)"
    )
    assert grade.text("zh").endswith(
        "应为以下之一：优秀（excellent）、合格（qualified）、"
        "基本合格（basically_qualified）、不合格（unqualified）、未考核（pending）、当年无考核（none）"
    )
    key = error("person:\n  id: a\n  xyzzy: 1\n")
    assert "、" in key.text("zh") and ", " not in key.text("zh").split("：")[-1]


def test_a_number_given_as_text_gets_the_hint_that_fits() -> None:
    """Only a number in plain digits was quoted; other text gets no advice about quotes; a
    number in another form (1e3, which YAML reads as text, 1,000, 12年, full-width １２) is said
    to be in that form, with the plain digits to write, in both languages."""
    said = {
        v: error(f"person:\n  id: a\n  cumulative_work_years: {v}\n")
        for v in ("'12'", "1e3", "twelve", "'.5'", "'1,000'", "12年", "12.5年", "１２", "'inf'")
    }
    assert str(said["'12'"]).endswith("found the text '12'; write it without quotes")
    assert str(said["'.5'"]).endswith("; write it in plain digits, e.g. 12 or 9.5")
    assert str(said["'inf'"]).endswith("; write it in plain digits, e.g. 12 or 9.5")
    assert str(said["twelve"]).endswith("found the text 'twelve'")
    forms = {
        "1e3": ("in exponent notation; write it in plain decimal digits: 1000", "科学计数法"),
        "'1,000'": ("with a thousands separator; write it in digits alone: 1000", "千位分隔符"),
        "12年": ("with a unit after the number; write the number alone: 12", "单位"),
        "12.5年": ("with a unit after the number; write the number alone: 12.5", "单位"),
        "１２": ("in full-width digits; write it in half-width digits: 12", "全角数字"),
    }
    for value, (en, zh) in forms.items():
        assert str(said[value]).endswith("; it is written " + en), str(said[value])
        assert zh in said[value].text("zh") and "quotes" not in str(said[value])
        assert not re.search("[A-Za-z]{3}", said[value].text("zh").split("：")[-1])
    # where a whole number is expected (a year, a parameter), 9.5 is no example to follow
    for text, plain in (
        ("person:\n  id: a\n  annual_assessments: [{year: 2.025e3, grade: qualified}]\n", "2025"),
        ("parameters: {application_years.technician: 1e1}\nperson: {id: a}\n", "10"),
        ("person:\n  id: a\n  annual_assessments: [{year: 'twenty', grade: qualified}]\n", ""),
        ("parameters: {application_years.technician: '5.5e0'}\nperson: {id: a}\n", "5.5"),
    ):
        err = error(text)
        if plain:
            assert str(err).endswith(f"plain decimal digits: {plain}"), str(err)
        assert "9.5" not in str(err) and "9.5" not in err.text("zh")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "null\n", "  \n"])
def test_empty_document(text):
    err = error(text)
    assert str(err).startswith("c.yaml") and "the case is empty" in err.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("person: {id: a\n", 2),
        ("person:\n  id: a\n   b: c\n", 3),
        ("a: 1\n---\nb: 2\n", 2),
        ("person: *nope\n", 1),
        ("person: {id: a}\x00\n", 1),
    ],
)
def test_yaml_syntax_errors_have_a_line(text, line):
    err = error(text)
    assert err.line == line and "invalid YAML" in err.message


def test_json_errors():
    err = error('{"person": {"id": "a",}}', "c.json")
    assert (err.line, err.column) == (1, 23) and "invalid JSON" in err.message
    err = error('{\n "person": {\n  "id": "a",\n  "field": 3}}', "c.json")
    assert (err.place, err.line) == ("person.field", 4) and "quote it" in err.message
    err = error('{"person": {"id": "a"},\n "person": {"id": "b"}}', "c.json")
    assert (err.place, err.line) == ("person", 2) and "given twice" in err.message
    err = error('{"person": {"id": "a", "cumulative_work_years": NaN}}', "c.json")
    assert "NaN" in err.message


# --- hostile input -------------------------------------------------------------


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        (BILLION_LAUGHS, "c.yaml", "too many aliases"),
        ("x: &x a\nl: [" + ", ".join(["*x"] * 1001) + "]\n", "c.yaml", "too many aliases"),
        ("person: &p {id: a, papers: [*p]}\n", "c.yaml", "recursive alias"),
        ("person: {id: a, papers: " + "[" * 60 + "]" * 60 + "}\n", "c.yaml", "too deeply nested"),
        ("[" * 100_000 + "]" * 100_000, "c.yaml", "too deeply nested"),
        ("[" * 100_000 + "]" * 100_000, "c.json", "too deeply nested"),
        (
            '{"person": {"id": "a", "papers": ' + "[" * 60 + "]" * 60 + "}}",
            "c.json",
            "too deeply nested",
        ),
    ],
)
def test_hostile_documents_are_refused(text, source, expected):
    assert expected in error(text, source).message


# --- files ---------------------------------------------------------------------


def test_file_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_case(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_case(tmp_path)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("person:\n  id: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8") as info:
        load_case(latin)
    assert (info.value.source, info.value.line) == (str(latin), 2)
    with pytest.raises(InputError, match="larger than 100 bytes"):
        load_case(CASES / "spec_example.yaml", max_bytes=100)


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffperson: {id: a}\n".encode())
    assert load_case(path).persons == (Person(id="a"),)


def test_command_line_overrides_are_checked():
    with pytest.raises(InputError) as info:
        load_case(CASES / "spec_example.yaml", as_of="2026-02-30")
    assert info.value.source == "--as-of"
    with pytest.raises(InputError) as info:
        load_case(CASES / "spec_example.yaml", readings={"field_list": "ajar"})
    assert str(info.value).startswith("--reading: field_list: ")


# --- the smaller entry points --------------------------------------------------


def test_parse_readings():
    assert parse_readings(["field_list=open", " duration_end = year_end "]) == {
        "field_list": "open",
        "duration_end": "year_end",
    }
    assert parse_readings([]) == {}


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (["field_list"], "--reading: field_list: expected NAME=VALUE"),
        (["nope=1"], "--reading: nope: 'nope' is not a reading"),
        (["feild_list=open"], "did you mean 'field_list'?"),
        (["field_list=ajar"], "expected one of: closed (default), open"),
        (["field_list=open", "field_list=closed"], "given twice"),
    ],
)
def test_parse_readings_rejects(pairs, expected):
    with pytest.raises(InputError) as info:
        parse_readings(pairs)
    assert expected in str(info.value)


def test_parse_date():
    assert parse_date("2021-06-30", "f", "x") == dt.date(2021, 6, 30)
    assert parse_date(dt.date(2021, 6, 30), "f", "x") == dt.date(2021, 6, 30)
    for bad, why in [
        ("2021-02-30", "not a real date"),
        ("2021-6-30", "YYYY-MM-DD"),
        (dt.datetime(2021, 6, 30, 8), "time of day"),
        (20210630, "expected a date"),
        ("0021-06-30", "outside 1900..2100"),
        (None, "expected a date"),
    ]:
        with pytest.raises(InputError, match=why) as info:
            parse_date(bad, "f.yaml", "persons[0].titles[0].obtained")
        assert str(info.value).startswith("f.yaml: persons[0].titles[0].obtained: ")


def test_parse_person_on_plain_data():
    row = {
        "id": "a",
        "certificates": [{"level": "高级技师", "obtained": "2019-01-01"}],
        "honours": [],
    }
    assert parse_person(row, "rows.jsonl", "line 3") == Person(
        id="a",
        certificates=(Certificate("senior_technician", None, dt.date(2019, 1, 1)),),
        honours=(),
    )
    for bad in (None, [], "a", {"id": "a", 7: "x"}, {"id": "a", "honours": [[]]}):
        with pytest.raises(InputError) as info:
            parse_person(bad, "rows.jsonl", "line 3")
        assert str(info.value).startswith("rows.jsonl: line 3")


def test_input_error_format_and_pickling():
    err = InputError(
        "case.yaml",
        "persons[0].certificates[1].level",
        "'tecnician' is not a skill level; did you mean 'technician'?",
        12,
        7,
    )
    assert str(err) == (
        "case.yaml:12:7: persons[0].certificates[1].level: "
        "'tecnician' is not a skill level; did you mean 'technician'?"
    )
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.source, copy.place, copy.message, copy.line, copy.column) == (
        err.source,
        err.place,
        err.message,
        err.line,
        err.column,
    )
    assert str(InputError("f", "", "bad")) == "f: bad"
