"""`pyagent what-if` (issue 4): the smallest changes that would make an answer yes, and the
earliest date by time alone.  Every scenario of the issue is asserted on the JSON."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from pyagent.explain.answers import solve_case
from pyagent.input.case import load_case, parse_case
from pyagent.cli import app
from pyagent.input.duration import counted_months
from pyagent.input.model import Period
from pyagent.engine.questions import QUESTIONS
from pyagent.cli.render import THEME, what_if_view
from pyagent.explain.whatif import aged, apply_changes, candidates, first_date, what_if

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "queries" / "demo.yaml"
runner = CliRunner()

PASSING = ["excellent", "qualified"]
LISTED_FIELDS = [
    "engineering",
    "agriculture",
    "arts_and_crafts",
    "cultural_heritage",
    "laboratory",
    "art",
    "sports",
    "technical_school_teaching",
]


def whatif_json(text: str, question: str, person: str | None = None, **readings: str) -> dict:
    case = parse_case(text, "<test>", readings=readings or None)
    return what_if(case, person, question).to_json()


def sets_of(doc: dict) -> list[list[tuple[str, str, list[str]]]]:
    """The sets as (kind, place, values) per change."""
    return [
        [(c["kind"], c["place"], c["values"]) for c in s["changes"]] for s in doc["changes"]["sets"]
    ]


SENIOR_WORKER_23_MONTHS = """
as_of: 2026-07-01
person:
  id: gao
  certificates: [{level: 高级工, kind: skill_level, obtained: 2024-08-01}]
  technical_work: [{from: 2019-03-01}]
  field: engineering
  current_post: {since: 2019-03-01, occupation: 电工}
  annual_assessments:
    - {year: 2023, grade: qualified}
    - {year: 2024, grade: qualified}
    - {year: 2025, grade: excellent}
  honours: []
  titles: []
  cumulative_work_years: 7
"""


def test_senior_worker_with_23_months_is_yes_the_day_the_24th_month_is_complete():
    doc = whatif_json(SENIOR_WORKER_23_MONTHS, "title.assistant")
    assert doc["schema"] == "pyagent.whatif/1"
    assert doc["status"] == "no" and doc["already_yes"] is False
    assert doc["earliest"]["date"] == "2026-08-01"
    assert doc["earliest"]["reason"] == []
    # no change made today does it (a certificate today counts 0 months): time is needed,
    # and from that day no change is
    assert doc["changes"]["on"] == "2026-08-01"
    assert doc["changes"]["size"] == 0
    assert sets_of(doc) == [[]] and doc["changes"]["sets"][0]["status"] == "yes"


def test_the_day_is_confirmed_by_the_day_not_only_at_month_anniversaries():
    # a day before: still the same day; the day itself: already yes
    case = parse_case(SENIOR_WORKER_23_MONTHS, "<test>")
    day_before = what_if(replace(case, as_of=dt.date(2026, 7, 31)), None, "title.assistant")
    assert day_before.earliest.date == dt.date(2026, 8, 1)
    on_the_day = what_if(replace(case, as_of=dt.date(2026, 8, 1)), None, "title.assistant")
    assert on_the_day.already_yes and on_the_day.to_json()["changes"]["sets"] == []


@pytest.mark.parametrize(
    "obtained, periods",
    [
        ("2024-01-31", [("2020-01-01", None)]),
        ("2024-03-15", [("2024-03-15", "2024-09-20"), ("2024-11-03", None)]),
        (
            "2023-12-31",
            [("2023-06-01", "2024-02-29"), ("2024-05-17", "2024-05-30"), ("2025-01-09", None)],
        ),
    ],
)
def test_earliest_date_agrees_with_a_day_by_day_count(obtained, periods):
    """The search answers only some days; a day-by-day count of the duration rule says which
    day the 24th month is complete."""
    work = "\n".join(f"    - {{from: {a}" + (f", to: {b}}}" if b else "}") for a, b in periods)
    grades = "\n".join(f"    - {{year: {y}, grade: qualified}}" for y in range(2018, 2032))
    text = f"""
as_of: 2025-03-01
person:
  id: gao
  certificates: [{{level: senior_worker, kind: skill_level, obtained: {obtained}}}]
  technical_work:
{work}
  field: engineering
  current_post: {{since: 2018-01-01, occupation: 电工}}
  annual_assessments:
{grades}
"""
    start = dt.date.fromisoformat(obtained)
    spans = tuple(
        Period(dt.date.fromisoformat(a), dt.date.fromisoformat(b) if b else None)
        for a, b in periods
    )
    day = dt.date(2025, 3, 1)
    while counted_months(start, spans, day) < 24:
        day += dt.timedelta(days=1)
    doc = whatif_json(text, "title.assistant")
    assert doc["status"] == "no"
    assert doc["earliest"]["date"] == day.isoformat()


TECHNICIAN_PENDING = """
as_of: 2026-07-01
person:
  id: wang
  certificates: [{level: technician, kind: skill_level, obtained: 2020-05-10}]
  technical_work: [{from: 2014-09-01}]
  field: engineering
  current_post: {since: 2014-09-01, occupation: 电工}
  annual_assessments:
    - {year: 2023, grade: qualified}
    - {year: 2024, grade: excellent}
    - {year: 2025, grade: pending}
  honours: []
  titles: []
  cumulative_work_years: 12
"""


@pytest.mark.parametrize("question", ["title.participate", "title.intermediate"])
def test_technician_whose_only_gap_is_an_unassessed_year_needs_that_years_grade(question):
    doc = whatif_json(TECHNICIAN_PENDING, question)
    assert doc["status"] == "unknown"
    assert doc["depends_on"] == ["annual_assessments[2].grade"]
    assert doc["changes"]["on"] == "2026-07-01" and doc["changes"]["size"] == 1
    assert sets_of(doc) == [[("grade", "annual_assessments.2025", PASSING)]]
    change = doc["changes"]["sets"][0]["changes"][0]
    assert change["clauses"] == ["P2.S3.a"]
    assert doc["changes"]["sets"][0]["status"] == "yes"
    # time alone never grades 2025: never, because of it
    assert doc["earliest"]["date"] is None
    assert doc["earliest"]["reason"] == [
        {
            "clause": None,
            "condition": "the 2025 assessment (annual_assessments[2])",
            "inputs": ["annual_assessments[2].grade"],
            "kind": "depends",
        }
    ]


def test_the_grades_that_would_do_follow_the_reading_of_basically_qualified():
    doc = whatif_json(TECHNICIAN_PENDING, "title.participate", basically_qualified="passes")
    assert sets_of(doc) == [
        [("grade", "annual_assessments.2025", ["excellent", "qualified", "basically_qualified"])]
    ]


def test_a_grade_already_given_is_never_changed():
    text = TECHNICIAN_PENDING.replace("grade: pending", "grade: qualified").replace(
        "{year: 2024, grade: excellent}", "{year: 2024, grade: unqualified}"
    )
    doc = whatif_json(text, "title.participate")
    assert doc["status"] == "no"
    places = {c["place"] for s in doc["changes"]["sets"] for c in s["changes"]}
    assert "annual_assessments.2024" not in places
    # 2024 leaves the three years on 2028-01-01: the grades of 2026 and 2027 are needed then
    assert doc["changes"]["on"] == "2028-01-01"
    assert sets_of(doc) == [
        [
            ("grade", "annual_assessments.2026", PASSING),
            ("grade", "annual_assessments.2027", PASSING),
        ]
    ]


UNLISTED_FIELD = """
as_of: 2026-07-01
person:
  id: zhao
  certificates: [{level: senior_technician, kind: skill_level, obtained: 2015-01-01}]
  technical_work: [{from: 2010-01-01}]
  field: finance
  current_post: {since: 2012-01-01, occupation: 会计}
  annual_assessments:
    - {year: 2023, grade: excellent}
    - {year: 2024, grade: excellent}
    - {year: 2025, grade: excellent}
  honours: [national_technical_expert]
  titles: []
"""


THREE_YEARS_AT_THE_NEW_POST = [
    ("grade", "annual_assessments.2027", PASSING),
    ("grade", "annual_assessments.2028", PASSING),
    ("grade", "annual_assessments.2029", PASSING),
]


@pytest.mark.parametrize("question", ["title.participate", "title.associate_senior"])
def test_unlisted_field_a_move_is_a_new_post_and_the_three_years_start_again(question):
    """Moving to a post in a listed field is taking up a new post on as_of (SPEC section 4,
    v2): 2023-2025 were not at it, 2026 was partly (unknown), so the gate needs 2027-2029
    assessed at the new post: yes from 2030-01-01."""
    doc = whatif_json(UNLISTED_FIELD, question)
    assert doc["status"] == "no"
    assert doc["changes"]["on"] == "2030-01-01"
    assert sets_of(doc) == [[("field", "field", LISTED_FIELDS), *THREE_YEARS_AT_THE_NEW_POST]]
    assert doc["changes"]["sets"][0]["status"] == "yes"
    assert "P2.S2" in doc["changes"]["sets"][0]["changes"][0]["clauses"]
    assert doc["earliest"]["date"] is None
    # what stands in the way, as the knowledge base phrases it (no rule text)
    [reason] = [r for r in doc["earliest"]["reason"] if r["clause"] == "P2.S2"]
    assert reason["kind"] == "fails" and reason["inputs"] == ["field"]
    assert "finance" in reason["condition"] and "(" not in reason["condition"].split("finance")[0]


@pytest.mark.parametrize(
    "question, readings",
    [("title.full_senior_recognition", {}), ("title.participate", {"assessment_post": "any_post"})],
)
def test_unlisted_field_the_move_alone_where_the_past_years_need_not_be_at_the_post(
    question, readings
):
    """The green channel needs no P2.S3.a gate by default; under assessment_post=any_post
    the years before the move still count: the move alone, today."""
    doc = whatif_json(UNLISTED_FIELD, question, **readings)
    assert doc["changes"]["on"] == "2026-07-01"
    assert sets_of(doc) == [[("field", "field", LISTED_FIELDS)]]
    assert doc["changes"]["sets"][0]["changes"][0]["clauses"][0] == "P2.S2"
    assert doc["changes"]["sets"][0]["status"] == "yes"


NO_POST = """
as_of: 2026-07-01
person:
  id: gao
  certificates: [{level: senior_worker, kind: skill_level, obtained: 2020-05-01}]
  technical_work: [{from: 2018-01-01}]
  field: engineering
  current_post: none
  annual_assessments:
    - {year: 2023, grade: qualified}
    - {year: 2024, grade: qualified}
    - {year: 2025, grade: qualified}
  honours: []
  titles: []
"""


def test_no_post_taking_one_and_three_passing_years_there():
    """A 高级工 with three 合格 years and no post (issue 10): a post taken today, and
    2027-2029 passed at it, make taking part yes from 2030-01-01."""
    doc = whatif_json(NO_POST, "title.participate")
    assert doc["status"] == "no"
    assert doc["changes"]["on"] == "2030-01-01"
    assert sets_of(doc) == [[("post", "current_post", ["true"]), *THREE_YEARS_AT_THE_NEW_POST]]
    assert doc["changes"]["sets"][0]["status"] == "yes"
    assert doc["earliest"]["date"] is None and doc["earliest"]["possible_from"] is None


def test_no_post_under_any_post_is_already_yes():
    doc = whatif_json(NO_POST, "title.participate", assessment_post="any_post")
    assert doc["already_yes"] is True


def test_a_new_post_reads_each_year_against_its_date():
    """The change model's post: years that ended before it were not at it, the year it
    began in is unknown, later years were at it (SPEC section 4, v2)."""
    case = parse_case(NO_POST, "<test>")
    me = case.persons[0]
    post = next(c for c in candidates(me, case.as_of, dt.date(2030, 1, 1)) if c.kind == "post")
    grades = [
        c
        for c in candidates(me, case.as_of, dt.date(2030, 1, 1))
        if c.kind == "grade" and c.code == "qualified"
    ]
    for order in ([*grades, post], [post, *grades]):
        after = apply_changes(me, order)
        assert after.current_post.since == case.as_of
        at_post = {a.year: a.at_current_post for a in after.annual_assessments}
        assert at_post[2025] is False and at_post[2027] is True and at_post[2029] is True


@pytest.mark.parametrize(
    "question", ["title.participate", "title.associate_senior", "title.full_senior_recognition"]
)
def test_unlisted_field_under_field_list_open_no_change_is_needed(question):
    doc = whatif_json(UNLISTED_FIELD, question, field_list="open")
    assert doc["readings"]["field_list"] == "open"
    assert doc["status"] == "unknown" and doc["depends_on"] == ["field"]
    assert doc["changes"]["size"] == 0
    assert doc["changes"]["sets"] == [{"changes": [], "status": "unknown", "depends_on": ["field"]}]


NO_CERTIFICATE = """
as_of: 2026-07-01
person:
  id: ma
  certificates: []
  technical_work: [{from: 2015-01-01}]
  field: agriculture
  current_post: {since: 2015-01-01, occupation: 农艺工}
  annual_assessments:
    - {year: 2023, grade: qualified}
    - {year: 2024, grade: qualified}
    - {year: 2025, grade: qualified}
  honours: [china_skills_award]
  outstanding_contribution: true
  social_benefit: true
  economic_benefit: true
  titles: []
"""


@pytest.mark.parametrize(
    "question, clause",
    [
        ("title.participate", "P2.S3.a"),
        ("title.full_senior_recognition", "P4.S2"),
        ("special_talent.apply", "P4.S3"),
    ],
)
def test_everything_but_a_certificate_needs_the_certificate(question, clause):
    doc = whatif_json(NO_CERTIFICATE, question)
    assert doc["status"] == "no"
    assert sets_of(doc) == [
        [("certificate", "certificates", ["senior_worker", "technician", "senior_technician"])]
    ]
    assert doc["changes"]["sets"][0]["changes"][0]["clauses"] == [clause]
    assert doc["earliest"]["date"] is None


def test_certificates_not_stated_the_certificate_is_still_the_change():
    doc = whatif_json(NO_CERTIFICATE.replace("  certificates: []\n", ""), "title.participate")
    assert doc["status"] == "unknown" and doc["depends_on"] == ["certificates"]
    assert sets_of(doc) == [
        [("certificate", "certificates", ["senior_worker", "technician", "senior_technician"])]
    ]


def test_a_certificate_today_needs_time_for_a_rank():
    doc = whatif_json(NO_CERTIFICATE, "title.assistant")
    assert doc["changes"]["on"] == "2028-07-01"  # 24 months after a certificate obtained today
    # by then 近3年 are 2025-2027: the grades of 2026 and 2027 are needed too
    assert sets_of(doc) == [
        [
            ("certificate", "certificates", ["senior_worker", "technician", "senior_technician"]),
            ("grade", "annual_assessments.2026", PASSING),
            ("grade", "annual_assessments.2027", PASSING),
        ]
    ]
    assert [c["clauses"] for c in doc["changes"]["sets"][0]["changes"]] == [
        ["P2.S3.a", "P3.S1"],
        ["P2.S3.a"],
        ["P2.S3.a"],
    ]


def test_a_yes_answer_says_it_is_already_yes():
    doc = whatif_json(
        TECHNICIAN_PENDING.replace("grade: pending", "grade: qualified"), "title.intermediate"
    )
    assert doc["status"] == "yes" and doc["already_yes"] is True
    assert doc["changes"] == {"on": "2026-07-01", "size": 0, "sets": [], "more": False}
    assert doc["earliest"]["date"] == "2026-07-01"


def test_ties_are_listed_up_to_max():
    text = NO_CERTIFICATE.replace(
        "certificates: []", "certificates: [{level: technician, obtained: 2020-01-01}]"
    )
    text = text.replace("social_benefit: true", "social_benefit: false").replace(
        "economic_benefit: true", "economic_benefit: false"
    )
    case = parse_case(text, "<test>", readings={"special_talent_benefits": "either"})
    both = what_if(case, None, "special_talent.apply", max_sets=5).to_json()
    assert sets_of(both) == [
        [("social_benefit", "social_benefit", ["true"])],
        [("economic_benefit", "economic_benefit", ["true"])],
    ]
    assert both["changes"]["more"] is False
    one = what_if(case, None, "special_talent.apply", max_sets=1).to_json()
    assert sets_of(one) == sets_of(both)[:1] and one["changes"]["more"] is True


def test_a_set_that_fails_its_check_is_dropped_and_the_others_kept(monkeypatch):
    """Every set found is applied to the person and answered afresh; one that would not make
    the answer yes is forbidden, never reported."""
    from pyagent.explain import whatif

    real = whatif._check

    def check(case, person, question, day, group):
        if any(values[0].kind == "social_benefit" for values in group):
            return None
        return real(case, person, question, day, group)

    monkeypatch.setattr(whatif, "_check", check)
    text = NO_CERTIFICATE.replace(
        "certificates: []", "certificates: [{level: technician, obtained: 2020-01-01}]"
    )
    text = text.replace("social_benefit: true", "social_benefit: false").replace(
        "economic_benefit: true", "economic_benefit: false"
    )
    case = parse_case(text, "<test>", readings={"special_talent_benefits": "either"})
    doc = what_if(case, None, "special_talent.apply").to_json()
    assert sets_of(doc) == [[("economic_benefit", "economic_benefit", ["true"])]]


@pytest.mark.parametrize(
    "person, question",
    [
        ("li_senior_worker", "title.assistant"),
        ("zhao_finance", "skill.technician"),
        ("chen_engineer", "title.assistant"),
        ("chen_engineer", "title.full_senior_recognition"),
    ],
)
def test_every_value_of_every_set_proposed_makes_it_yes(person, question):
    """Each set, with any combination of the values listed, applied to the person and answered
    afresh on its date, gives yes (or unknown only through what no change can decide)."""
    case = load_case(DEMO)
    result = what_if(case, person, question)
    if result.already_yes or result.sets_on is None:
        return
    me = next(p for p in case.persons if p.id == person)
    day = result.sets_on
    offered = candidates(me, case.as_of, day)
    for s in result.sets:
        choices = [
            [
                c
                for c in offered
                if c.kind == ch.kind and c.place == ch.place and c.code in ch.values
            ]
            for ch in s.changes
        ]
        assert all(len(cs) == len(ch.values) for cs, ch in zip(choices, s.changes))
        for combo in itertools.islice(itertools.product(*choices), 12):
            moved = aged(apply_changes(me, combo), case.as_of, day)
            status = solve_case(replace(case, as_of=day, persons=(moved,))).status(
                0, QUESTIONS[question]
            )
            assert status == s.status, (s, combo)
            assert status in {"yes", "unknown"}


def test_no_change_is_proposed_that_cannot_happen():
    """Certificates, titles and honours are new and dated today; no grade already given
    is offered; the field is offered only when it is not listed."""
    case = load_case(DEMO)
    for me in case.persons:
        for c in candidates(me, case.as_of):
            after = c.apply(me)
            if c.kind == "certificate":
                assert after.certificates[-1].obtained == case.as_of
                assert after.certificates[:-1] == (me.certificates or ())
            if c.kind == "title":
                assert after.titles[-1].obtained == case.as_of
            if c.kind == "grade":
                given = {a.year for a in me.annual_assessments or () if a.grade != "pending"}
                assert int(c.place.rpartition(".")[2]) not in given
            if c.kind == "field":
                assert me.field not in LISTED_FIELDS


def test_first_date_bisects_within_a_stretch():
    target = dt.date(2027, 3, 14)
    calls: list[dt.date] = []

    def holds(day: dt.date) -> bool:
        calls.append(day)
        return day >= target

    points = [dt.date(2027, 1, 1), dt.date(2028, 1, 1)]
    assert first_date(holds, dt.date(2026, 7, 1), points, dt.date(2036, 7, 1)) == target
    assert len(calls) < 20
    assert first_date(lambda d: False, dt.date(2026, 7, 1), points, dt.date(2030, 1, 1)) is None


# -- the command line ---------------------------------------------------------------
def test_cli_json_is_the_library_json_and_byte_stable():
    args = ["what-if", str(DEMO), "title.participate", "--person", "li_senior_worker", "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    library = what_if(load_case(DEMO), "li_senior_worker", "title.participate").to_json()
    assert first.stdout == json.dumps(library, ensure_ascii=False, indent=2) + "\n"
    assert sets_of(library) == [[("grade", "annual_assessments.2025", PASSING)]]
    assert runner.invoke(app, args).stdout == first.stdout


def test_grade_today_and_time_after_it():
    doc = what_if(load_case(DEMO), "li_senior_worker", "title.assistant").to_json()
    assert doc["status"] == "no"
    assert doc["changes"]["on"] == "2026-08-01"  # the 24th month after the 高级工 certificate
    assert sets_of(doc) == [[("grade", "annual_assessments.2025", PASSING)]]
    assert doc["earliest"]["date"] is None and doc["earliest"]["possible_from"] == "2026-08-01"


def test_cli_reading_and_as_of():
    args = ["what-if", str(DEMO), "title.full_senior_recognition", "-p", "zhao_finance", "--json"]
    opened = json.loads(runner.invoke(app, [*args, "--reading", "field_list=open"]).stdout)
    assert opened["readings"]["field_list"] == "open" and opened["changes"]["size"] == 0
    later = json.loads(runner.invoke(app, [*args, "--as-of", "2027-02-01"]).stdout)
    assert later["as_of"] == "2027-02-01"
    assert sets_of(later) == [[("field", "field", LISTED_FIELDS)]]


def test_cli_rendering_in_both_languages():
    result = runner.invoke(
        app, ["what-if", str(DEMO), "title.participate", "-p", "li_senior_worker"]
    )
    assert result.exit_code == 0, result.output
    assert "2025" in result.stdout and "qualified" in result.stdout
    assert "stays unknown up to 2036-07-01" in result.stdout
    zh = runner.invoke(
        app,
        [
            "what-if",
            str(DEMO),
            "title.full_senior_recognition",
            "-p",
            "zhao_finance",
            "--lang",
            "zh",
        ],
    )
    assert zh.exit_code == 0 and "工程" in zh.stdout
    yes = runner.invoke(app, ["what-if", str(DEMO), "title.assistant", "-p", "wang_technician"])
    assert "Already yes" in yes.stdout


def test_rendering_is_text_not_markup():
    case = parse_case(UNLISTED_FIELD.replace("finance", "'[bold]x[/bold]'"), "<test>")
    out = StringIO()
    Console(file=out, width=100, color_system=None, theme=THEME).print(
        what_if_view(what_if(case, None, "title.participate"))
    )
    assert "[bold]x[/bold]" in out.getvalue()


@pytest.mark.parametrize(
    "args, where",
    [
        (["title.assistant"], "--person"),  # several persons and none chosen
        (["title.assistant", "--person", "nobody"], "nobody"),
        (["title.assistan", "--person", "li_senior_worker"], "title.assistant"),
        (
            ["title.assistant", "-p", "li_senior_worker", "--reading", "field_list=shut"],
            "field_list",
        ),
        (["title.assistant", "-p", "li_senior_worker", "--as-of", "2026-13-01"], "--as-of"),
        (["title.assistant", "-p", "li_senior_worker", "--max", "0"], "--max"),
    ],
)
def test_cli_bad_input_exits_2_with_one_message(args, where):
    result = runner.invoke(app, ["what-if", str(DEMO), *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert where in result.stderr
    assert "Traceback" not in result.stderr
