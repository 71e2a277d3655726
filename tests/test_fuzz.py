"""Property-based tests (hypothesis): no input crashes pyagent (issue 7, "No crash").

Whatever a case file holds, the outcome is answers (every person, every question) or one
`InputError` naming the file and the place, printed by the command line as one line with
exit code 2.  Five families of input:

* arbitrary YAML/JSON documents, and raw text and bytes built from YAML's own tokens;
* valid cases, generated from the vocabulary: always accepted and answered;
* near misses of valid cases (a mistyped code, an impossible date, ``to`` before ``from``,
  a year as a string, a field of the wrong type, a missing or unknown key...): always
  refused, at the place that was changed;
* random mutations of valid cases: answered or refused, nothing else;
* the command line on any of these: exit 0 with JSON or exit 2 with one line;
* ``pyagent batch`` on rosters of such rows: each row answered as ``pyagent ask`` answers it
  as the one person of a case, or refused (in the errors file) where ask refuses it.

Every test runs twice: a quick run in the default suite (a few hundred inputs in all) and a
long run marked ``fuzz`` (over 10,000 inputs in all): ``pytest -m fuzz``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pyagent.input import vocab
from pyagent.explain.answers import answer_case
from pyagent.batch.pipeline import BatchConfig, outputs_of, run_batch
from pyagent.input.case import load_case, parse_case
from pyagent.cli import app
from pyagent.errors import InputError
from pyagent.kb import readings as kb_readings
from pyagent.input.model import Case
from pyagent.engine.questions import QUESTIONS

# examples per test: (quick run in the default suite, long run under -m fuzz)
EXAMPLES = {
    "documents": (80, 2500),
    "yaml_tokens": (60, 2000),
    "bytes": (20, 500),
    "valid": (10, 1000),
    "near_miss": (60, 2000),
    "mutation": (20, 1500),
    "cli": (10, 500),
    "batch": (4, 150),
}
assert sum(long for _, long in EXAMPLES.values()) >= 10_000

RUNS = [
    pytest.param(0, id="quick"),
    pytest.param(1, id="long", marks=pytest.mark.fuzz),
]


def run(name: str, run_index: int, strategy: st.SearchStrategy, check: Callable[[object], None]):
    """Run ``check`` on ``EXAMPLES[name][run_index]`` examples drawn from ``strategy``."""

    @settings(
        max_examples=EXAMPLES[name][run_index],
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(strategy)
    def property_(example):
        check(example)

    property_()


# ---------------------------------------------------------------------------
# The outcome: answers, or one InputError naming the file and the place.


def check_error(err: InputError, source: str) -> None:
    message = str(err)
    assert message.startswith(source), message
    assert "\n" not in message and "\r" not in message, message
    assert not [c for c in message if unicodedata.category(c) in ("Cc", "Cs")], message
    # a place in the document, a line in it, or the document as a whole
    assert err.place or err.line is not None or WHOLE_DOCUMENT.search(err.message), message


WHOLE_DOCUMENT = re.compile(
    r"the case is empty|expected a mapping with 'persons'|missing 'persons'|invalid JSON"
    r"|too deeply nested|is larger than|not UTF-8|the key .* is given twice in one object"
)


def check_answers(case: Case) -> None:
    answers = answer_case(case)
    assert [p.id for p in answers.persons] == [p.id for p in case.persons]
    for person in answers.persons:
        assert [a.question for a in person.answers] == list(QUESTIONS)
        for a in person.answers:
            assert a.status in ("yes", "no", "unknown")
            assert bool(a.depends_on) == (a.status == "unknown"), a
    json.dumps(answers.to_json(), ensure_ascii=False).encode("utf-8")


def outcome(text: str, source: str) -> Case | InputError:
    try:
        case = parse_case(text, source)
    except InputError as err:
        check_error(err, source)
        return err
    check_answers(case)
    return case


# ---------------------------------------------------------------------------
# Serialising documents.


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def to_text(document: object, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, default=_json_default)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


# ---------------------------------------------------------------------------
# Arbitrary documents.

KNOWN_KEYS = (
    "as_of", "readings", "parameters", "persons", "person", "id", "certificates",
    "technical_work", "field", "current_post", "annual_assessments", "honours",
    "outstanding_contribution", "social_benefit", "economic_benefit", "titles",
    "cumulative_work_years", "education", "papers", "level", "kind", "obtained", "occupation",
    "from", "to", "since", "year", "grade", "at_current_post", "code", "class", "category",
    "rank", "series", "field_list", "application_years", "application_years.technician",
)  # fmt: skip

any_text = st.text(alphabet=st.characters(codec=None), max_size=12)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text
    | st.dates()
    | st.sampled_from(
        ["2021-02-30", "2021-06-30", "none", "unknown", "技师", "technician", "yes", "", " "]
    )
)
keys = st.sampled_from(KNOWN_KEYS) | any_text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)
documents = st.tuples(
    st.dictionaries(keys, json_values, max_size=6) | json_values, st.sampled_from(["yaml", "json"])
)


@pytest.mark.parametrize("run_index", RUNS)
def test_arbitrary_documents_are_answered_or_refused_with_one_message(run_index):
    def check(example):
        document, fmt = example
        try:
            text = to_text(document, fmt)
        except (ValueError, yaml.YAMLError, UnicodeEncodeError):
            return  # not every Python value can be written in every format
        outcome(text, f"fuzz.{fmt}")

    run("documents", run_index, documents, check)


YAML_TOKENS = (
    "person:", "persons:", "\n", "  ", "- ", ": ", "id: p", "{", "}", "[", "]", ",", "&a ", "*a",
    "!!str ", "!!python/object/apply:os.system ['touch /tmp/pwned'] ", "!x ", "<<: *a", "---\n",
    "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "? ", "|\n", ">-\n", "'", '"', "\\u", "\\x",
    "#", "2021-02-30", "2021-06-30", "~", "null", "yes", "1e400", ".nan", "0x1F", "0o7", "\t",
    "\ufeff", "\x00", "\ud800", "\x85", "\u2028", "certificates:", "level: technician",
    "{level: 技师, obtained: 2021-06-30}", "annual_assessments:", "{year: 2024, grade: 合格}",
    "honours: [national_technical_expert]", "titles:", "as_of: 2026-07-01",
    "readings: {field_list: open}", "#script (python) import os #end.", "a :- b.", "😀",
)  # fmt: skip
yaml_token_texts = st.lists(st.sampled_from(YAML_TOKENS) | any_text, max_size=40).map("".join)


@pytest.mark.parametrize("run_index", RUNS)
def test_text_made_of_yaml_tokens_is_answered_or_refused(run_index):
    def check(example):
        text, fmt = example
        outcome(text, f"tokens.{fmt}")

    run(
        "yaml_tokens",
        run_index,
        st.tuples(yaml_token_texts, st.sampled_from(["yaml", "json"])),
        check,
    )


@pytest.mark.parametrize("run_index", RUNS)
def test_files_of_arbitrary_bytes_are_answered_or_refused(run_index, tmp_path_factory):
    directory = tmp_path_factory.mktemp("bytes")
    prefix = st.sampled_from([b"", b"person: {id: p", b'{"person": {"id": "', b"\xef\xbb\xbf"])

    def check(example):
        head, body, suffix = example
        path = directory / f"case{suffix}"
        path.write_bytes(head + body)
        try:
            case = load_case(path)
        except InputError as err:
            check_error(err, str(path))
            return
        check_answers(case)

    strategy = st.tuples(prefix, st.binary(max_size=200), st.sampled_from([".yaml", ".json", ""]))
    run("bytes", run_index, strategy, check)


# ---------------------------------------------------------------------------
# Valid cases, generated from the vocabulary.

DAY_MIN, DAY_MAX = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
days = st.dates(min_value=DAY_MIN, max_value=DAY_MAX)
written_days = days.flatmap(lambda d: st.sampled_from([d, d.isoformat()]))

LISTED_SQUASHED = {
    re.sub(r"[\s_\-]+", "", s).casefold()
    for code, alias in vocab.FIELDS.aliases.items()
    for s in (code, alias)
}
plain_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=24
).filter(lambda s: s.strip() != "")
free_text = plain_text | st.sampled_from(
    ["电工", "#script (python) import os #end.", "a :- b.", '#include "x".', "% c", "\\", "'\""]
)
unlisted_fields = free_text.filter(
    lambda s: (
        re.sub(r"[\s_\-]+", "", s).casefold() not in LISTED_SQUASHED
        or vocab.FIELDS.code(s.strip()) is not None
    )
)
fields = st.sampled_from(vocab.FIELDS.choices()) | unlisted_fields


def code_of(vocabulary: vocab.Vocabulary) -> st.SearchStrategy[str]:
    return st.sampled_from(vocabulary.choices())


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """A value, or absent (the key left out), or null (the same as absent)."""
    return st.one_of(st.just(ABSENT), st.none(), strategy)


ABSENT = object()


def mapping(**values: st.SearchStrategy) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(values).map(
        lambda d: {k: v for k, v in d.items() if v is not ABSENT}
    )


certificates = mapping(
    level=code_of(vocab.LEVELS),
    kind=optional(code_of(vocab.CERTIFICATE_KINDS)),
    obtained=optional(written_days),
    occupation=optional(free_text),
)
periods = st.tuples(days, optional(days)).map(
    lambda p: (
        {"from": min(p[0], p[1]) if isinstance(p[1], dt.date) else p[0]}
        | ({"to": max(p[0], p[1])} if isinstance(p[1], dt.date) else {})
    )
)
posts = st.one_of(
    st.sampled_from(["none", "无"]),
    mapping(since=optional(written_days), occupation=optional(free_text)),
)
assessment_lists = st.lists(st.integers(1950, 2100), max_size=5, unique=True).flatmap(
    lambda years: st.tuples(
        *(
            mapping(
                year=st.just(y),
                grade=code_of(vocab.GRADES),
                at_current_post=optional(st.booleans()),
            )
            for y in years
        )
    ).map(list)
)


def honour_strategy() -> st.SearchStrategy:
    def detailed(code: str) -> st.SearchStrategy:
        canonical = vocab.HONOURS.code(code)
        extra: dict[str, st.SearchStrategy] = {}
        if "_contest_" in canonical:
            extra["class"] = optional(code_of(vocab.CONTEST_CLASSES))
        if canonical == "state_council_allowance":
            extra["category"] = optional(code_of(vocab.ALLOWANCE_CATEGORIES))
        return st.one_of(st.just(code), mapping(code=st.just(code), **extra))

    return code_of(vocab.HONOURS).flatmap(detailed)


titles = mapping(
    rank=code_of(vocab.RANKS), series=optional(fields), obtained=optional(written_days)
)
tristates = st.sampled_from([True, False, "unknown", "true", "false", " True "])
work_years = st.integers(0, 100) | st.floats(0, 100)
never_decisive = st.recursive(
    st.none() | st.booleans() | st.integers() | any_text.filter(lambda s: not _surrogates(s)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(plain_text, inner, max_size=3),
    max_leaves=6,
)


def _surrogates(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def short_list(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return optional(st.lists(strategy, max_size=3))


def person(person_id: str) -> st.SearchStrategy[dict]:
    return mapping(
        id=st.just(person_id),
        certificates=short_list(certificates),
        technical_work=short_list(periods),
        field=optional(fields),
        current_post=optional(posts),
        annual_assessments=optional(assessment_lists),
        honours=short_list(honour_strategy()),
        outstanding_contribution=optional(tristates),
        social_benefit=optional(tristates),
        economic_benefit=optional(tristates),
        titles=short_list(titles),
        cumulative_work_years=optional(work_years),
        education=optional(never_decisive),
        papers=optional(never_decisive),
    )


READINGS = kb_readings()
reading_choices = st.dictionaries(
    st.sampled_from(sorted(READINGS)), st.just(None), max_size=4
).flatmap(
    lambda chosen: st.fixed_dictionaries(
        {name: st.sampled_from(READINGS[name].options) for name in chosen}
    )
)
SKILLS = ("senior_worker", "technician", "senior_technician")
parameter_choices = st.dictionaries(
    st.sampled_from(SKILLS), st.integers(0, 100), max_size=3
).flatmap(
    lambda chosen: st.sampled_from(
        [
            {f"application_years.{k}": v for k, v in chosen.items()},
            {"application_years": dict(chosen)} if chosen else {},
        ]
    )
)
ids = st.lists(free_text, min_size=1, max_size=3, unique_by=lambda s: s.strip())


@st.composite
def valid_documents(draw) -> dict:
    persons = [draw(person(i)) for i in draw(ids)]
    document: dict = {}
    if draw(st.booleans()):
        document["as_of"] = draw(written_days)
    else:
        document["as_of"] = draw(st.sampled_from(["2026-07-01", "2021-07-10", "2024-01-01"]))
    readings = draw(st.one_of(st.just(ABSENT), reading_choices))
    if readings is not ABSENT:
        document["readings"] = readings
    parameters = draw(st.one_of(st.just(ABSENT), parameter_choices))
    if parameters is not ABSENT:
        document["parameters"] = parameters
    # SPEC v2: a post that begins after as_of is bad input, so a valid case has none
    asked = document["as_of"]
    asked = asked if isinstance(asked, dt.date) else dt.date.fromisoformat(asked)
    for p in persons:
        post = p.get("current_post")
        if isinstance(post, dict) and post.get("since") is not None:
            since = post["since"]
            if (since if isinstance(since, dt.date) else dt.date.fromisoformat(since)) > asked:
                post["since"] = document["as_of"]
    if len(persons) == 1 and draw(st.booleans()):
        document["person"] = persons[0]
    else:
        document["persons"] = persons
    return document


valid_texts = st.tuples(valid_documents(), st.sampled_from(["yaml", "json"]))


@pytest.mark.parametrize("run_index", RUNS)
def test_valid_cases_are_always_accepted_and_answered(run_index):
    def check(example):
        document, fmt = example
        case = parse_case(to_text(document, fmt), f"valid.{fmt}")  # never refused
        places = document.get("persons") or [document["person"]]
        assert [p.id for p in case.persons] == [p["id"].strip() for p in places]
        check_answers(case)

    run("valid", run_index, valid_texts, check)


# ---------------------------------------------------------------------------
# Near misses: one change to a valid case, refused at the place changed.


def person_places(document: dict) -> list[tuple[str, dict]]:
    if "person" in document:
        return [("person", document["person"])]
    return [(f"persons[{i}]", p) for i, p in enumerate(document["persons"])]


def typo(draw, code: str, vocabulary: vocab.Vocabulary) -> str:
    """``code`` with one character deleted, doubled or changed: no longer in the vocabulary."""
    i = draw(st.integers(0, len(code) - 1))
    edits = [
        code[:i] + code[i + 1 :],
        code[:i] + code[i] + code[i:],
        code[:i] + "x" + code[i + 1 :],
    ]
    wrong = [w for w in edits if w and vocabulary.code(w) is None]
    return draw(st.sampled_from(wrong)) if wrong else code + "x"


IMPOSSIBLE_DATES = [
    "2021-02-30",
    "2023-02-29",
    "2021-04-31",
    "2021-13-01",
    "2021-00-10",
    "2021-06-00",
]
WRONG_TYPES = {
    "text": [[], {}, ["a"], {"a": 1}, True, 12, 1.5],
    "date": [[], {}, True, 20210630, 1.5, "30/06/2021", "2021-6-30", "yesterday"],
    "list": [{}, "none", 3, True, {"level": "technician"}],
    "code": [[], {}, True, 3, 1.5],
    "tristate": [[], {}, 3, "maybe", "是"],
    "years": [[], {}, True, "ten", "12"],
    "bool": ["yes", "true", 1, [], {}],
}


@st.composite
def near_misses(draw) -> tuple[dict, str, str]:
    """(document, the place that must be named, a fragment of the message)."""
    document = json.loads(json.dumps(draw(valid_documents()), default=_json_default))
    where, person_ = draw(st.sampled_from(person_places(document)))

    candidates: list[Callable[[], tuple[str, str]]] = []

    def each(key: str):
        value = person_.get(key)
        return list(enumerate(value)) if isinstance(value, list) else []

    def item_place(key: str, k: int, sub: str | None = None) -> str:
        return f"{where}.{key}[{k}]" + (f".{sub}" if sub else "")

    for key, sub, vocabulary in (
        ("certificates", "level", vocab.LEVELS),
        ("titles", "rank", vocab.RANKS),
        ("annual_assessments", "grade", vocab.GRADES),
    ):
        for k, item in each(key):

            def mistype(item=item, sub=sub, vocabulary=vocabulary, k=k, key=key):
                code = vocabulary.code(item[sub]) or item[sub]
                item[sub] = typo(draw, code, vocabulary)
                return item_place(key, k, sub), "is not a"

            def wrong_code_type(item=item, sub=sub, k=k, key=key):
                item[sub] = draw(st.sampled_from(WRONG_TYPES["code"]))
                return item_place(key, k, sub), "expected"

            def drop_required(item=item, sub=sub, k=k, key=key):
                del item[sub]
                return item_place(key, k), f"missing the required key '{sub}'"

            def null_required(item=item, sub=sub, k=k, key=key):
                item[sub] = None
                return item_place(key, k, sub), "cannot be null"

            def unknown_key(item=item, k=k, key=key):
                item["colour"] = "blue"
                return item_place(key, k, "colour"), "unknown key 'colour'"

            candidates += [mistype, wrong_code_type, drop_required, null_required, unknown_key]

    for k, honour in each("honours"):
        if isinstance(honour, str):

            def mistype_honour(k=k, honour=honour):
                person_["honours"][k] = typo(draw, vocab.HONOURS.code(honour), vocab.HONOURS)
                return item_place("honours", k), "is not an honour"

            candidates.append(mistype_honour)

    dated = (
        [(f"{where}.current_post", person_["current_post"], "since")]
        if isinstance(person_.get("current_post"), dict)
        else []
    )
    for key, sub in (
        ("certificates", "obtained"),
        ("titles", "obtained"),
        ("technical_work", "from"),
    ):
        dated += [(item_place(key, k), item, sub) for k, item in each(key)]
    dated += [
        (item_place("technical_work", k), item, "to")
        for k, item in each("technical_work")
        if "to" in item
    ]
    for place, item, sub in dated:

        def impossible(place=place, item=item, sub=sub):
            item[sub] = draw(st.sampled_from(IMPOSSIBLE_DATES))
            return f"{place}.{sub}", "not a real date"

        def not_a_date(place=place, item=item, sub=sub):
            item[sub] = draw(st.sampled_from(WRONG_TYPES["date"]))
            return f"{place}.{sub}", "date"

        def out_of_range(place=place, item=item, sub=sub):
            item[sub] = draw(
                st.sampled_from(["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
            )
            return f"{place}.{sub}", "outside 1900..2100"

        candidates += [impossible, not_a_date, out_of_range]

    for k, period in each("technical_work"):
        start = dt.date.fromisoformat(period["from"])
        if start > DAY_MIN:

            def backwards(period=period, k=k, start=start):
                back = draw(st.integers(1, (start - DAY_MIN).days))
                period["to"] = (start - dt.timedelta(days=back)).isoformat()
                return item_place("technical_work", k, "to"), "is before 'from'"

            candidates.append(backwards)

    for k, assessment in each("annual_assessments"):

        def year_as_text(assessment=assessment, k=k):
            assessment["year"] = str(assessment["year"])
            return item_place("annual_assessments", k, "year"), "write it without quotes"

        def bad_year(assessment=assessment, k=k):
            assessment["year"] = draw(st.sampled_from([1949, 2101, 24, -2024, 2024.5, True]))
            return item_place("annual_assessments", k, "year"), ""

        def not_a_bool(assessment=assessment, k=k):
            assessment["at_current_post"] = draw(st.sampled_from(WRONG_TYPES["bool"]))
            return item_place("annual_assessments", k, "at_current_post"), "expected true or false"

        candidates += [year_as_text, bad_year, not_a_bool]
        if k > 0:

            def same_year(assessment=assessment, k=k):
                assessment["year"] = person_["annual_assessments"][0]["year"]
                return item_place("annual_assessments", k, "year"), "given twice"

            candidates.append(same_year)

    for key, kind in (
        ("id", "text"),
        ("field", "text"),
        ("outstanding_contribution", "tristate"),
        ("social_benefit", "tristate"),
        ("economic_benefit", "tristate"),
        ("cumulative_work_years", "years"),
        ("certificates", "list"),
        ("technical_work", "list"),
        ("annual_assessments", "list"),
        ("honours", "list"),
        ("titles", "list"),
    ):

        def wrong_type(key=key, kind=kind):
            person_[key] = draw(st.sampled_from(WRONG_TYPES[kind]))
            return f"{where}.{key}", ""

        candidates.append(wrong_type)

    def misspelt_person_key():
        key = draw(st.sampled_from(["certificate", "honors", "titels", "feild", "Id", "as_of"]))
        person_[key] = person_.get(key.lower(), 1)
        return f"{where}.{key}", "unknown key"

    def bad_as_of():
        document["as_of"] = draw(
            st.sampled_from(IMPOSSIBLE_DATES + ["2021-06-30T10:00:00", "soon"])
        )
        return "as_of", "date"

    candidates += [misspelt_person_key, bad_as_of]
    if "persons" in document and len(document["persons"]) > 1:

        def duplicate_id():
            document["persons"][-1]["id"] = document["persons"][0]["id"]
            return f"persons[{len(document['persons']) - 1}].id", "used twice"

        candidates.append(duplicate_id)

    change = draw(st.sampled_from(candidates))
    place, fragment = change()
    return document, place, fragment


@pytest.mark.parametrize("run_index", RUNS)
def test_near_misses_are_refused_at_the_place_changed(run_index):
    def check(example):
        (document, place, fragment), fmt = example
        source = f"near.{fmt}"
        with pytest.raises(InputError) as info:
            parse_case(to_text(document, fmt), source)
        err = info.value
        check_error(err, source)
        assert err.place == place, (str(err), place)
        assert fragment in err.message, (str(err), fragment)
        assert err.line is not None, str(err)

    run("near_miss", run_index, st.tuples(near_misses(), st.sampled_from(["yaml", "json"])), check)


# ---------------------------------------------------------------------------
# Random mutations of valid cases.


def nodes(value: object, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += nodes(v, (*path, i))
    return out


@st.composite
def mutated_documents(draw) -> object:
    document = json.loads(json.dumps(draw(valid_documents()), default=_json_default))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(nodes(document)))
        if not path:
            document = draw(st.sampled_from([[document], None, "x", {"persons": document}]))
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        old = parent[last]
        op = draw(
            st.sampled_from(["delete", "replace", "null", "wrap", "text", "duplicate", "add"])
        )
        if op == "delete":
            del parent[last]
        elif op == "replace":
            parent[last] = draw(json_values)
        elif op == "null":
            parent[last] = None
        elif op == "wrap":
            parent[last] = [old]
        elif op == "text":
            parent[last] = str(old)
        elif op == "duplicate" and isinstance(old, list) and old:
            old.append(json.loads(json.dumps(old[0], default=_json_default)))
        elif op == "add" and isinstance(old, dict):
            old[draw(keys)] = draw(json_values)
    return document


@pytest.mark.parametrize("run_index", RUNS)
def test_mutated_cases_are_answered_or_refused(run_index):
    def check(example):
        document, fmt = example
        try:
            text = to_text(document, fmt)
        except (ValueError, yaml.YAMLError, UnicodeEncodeError):
            return
        outcome(text, f"mutated.{fmt}")

    run(
        "mutation",
        run_index,
        st.tuples(mutated_documents(), st.sampled_from(["yaml", "json"])),
        check,
    )


# ---------------------------------------------------------------------------
# The command line: exit 0 with the JSON of every person, or exit 2 and one line.

runner = CliRunner()


@pytest.mark.parametrize("run_index", RUNS)
def test_the_command_line_answers_or_exits_2_with_one_line(run_index, tmp_path_factory):
    directory = tmp_path_factory.mktemp("cli")
    inputs = st.one_of(valid_documents(), mutated_documents(), near_misses().map(lambda n: n[0]))

    def check(example):
        document, fmt = example
        try:
            text = to_text(document, fmt)
        except (ValueError, yaml.YAMLError, UnicodeEncodeError):
            return
        path = directory / f"case.{fmt}"
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["ask", str(path), "--json"])
        assert result.exit_code in (0, 2), (result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert "Traceback" not in result.output
        if result.exit_code == 0:
            data = json.loads(result.stdout)
            for p in data["persons"]:
                assert [a["question"] for a in p["answers"]] == list(QUESTIONS)
        else:
            assert result.stdout == ""
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(str(path)), result.stderr

    run("cli", run_index, st.tuples(inputs, st.sampled_from(["yaml", "json"])), check)


# ---------------------------------------------------------------------------
# pyagent batch, row by row, against pyagent ask: the same answers, the same refusals.


@st.composite
def roster_lines(draw) -> str:
    """One line of a JSONL roster: a person, a near miss, a mutation, any value or tokens."""
    kind = draw(st.sampled_from(["valid", "near", "mutated", "value", "tokens"]))
    if kind == "tokens":
        return draw(yaml_token_texts).replace("\n", " ")
    if kind == "valid":
        row: object = draw(person(draw(free_text)))
    elif kind == "near":
        document = draw(near_misses())[0]
        row = document.get("person") or document["persons"][-1]
    elif kind == "mutated":
        document = draw(mutated_documents())
        row = document.get("person", document) if isinstance(document, dict) else document
    else:
        row = draw(json_values)
    return json.dumps(row, ensure_ascii=draw(st.booleans()), default=_json_default)


def ask_outcome(line: str, readings: dict) -> str | tuple:
    """What ``pyagent ask`` makes of the row as the one person of a case."""
    if not line.strip():
        return "skip"
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return "refused"
    try:
        case = parse_case(
            f'{{"as_of": "2026-07-01", "person": {line}}}', "row.json", readings=readings
        )
    except InputError:
        return "refused"
    (person_,) = answer_case(case).persons
    # reason and to_settle are None when not asked for (answer_case without lang): not written
    return (
        person_.id,
        [
            json.loads(
                json.dumps({k: v for k, v in dataclasses.asdict(a).items() if v is not None})
            )
            for a in person_.answers
        ],
    )


@pytest.mark.parametrize("run_index", RUNS)
def test_batch_answers_and_refuses_each_row_as_ask_does(run_index, tmp_path_factory):
    directory = tmp_path_factory.mktemp("batch")
    strategy = st.tuples(
        st.lists(roster_lines(), min_size=1, max_size=8), st.one_of(st.just({}), reading_choices)
    )

    def check(example):
        lines, readings = example
        roster = directory / "roster.jsonl"
        roster.write_bytes("".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass"))
        out = directory / "answers.jsonl"
        expected = [ask_outcome(line, readings) for line in lines]
        config = BatchConfig(as_of=dt.date(2026, 7, 1), readings=readings, jobs=1, reasons=False)
        if all(e == "skip" for e in expected):  # no person at all: bad input, as for ask
            with pytest.raises(InputError, match="the roster has no persons"):
                run_batch(roster, out, config)
            return
        # the keyed answers (reasons: test_batch.py, test_batch_shapes.py)
        summary = run_batch(roster, out, config)
        errors_file, _ = outputs_of(out)
        refused = [
            json.loads(e)["line"] for e in errors_file.read_text(encoding="utf-8").splitlines()
        ]
        assert refused == [n for n, e in enumerate(expected, 1) if e == "refused"], (
            lines,
            expected,
        )
        answered = [json.loads(r) for r in out.read_text(encoding="utf-8").splitlines()]
        assert [(r["id"], r["answers"]) for r in answered] == [
            e for e in expected if isinstance(e, tuple)
        ]
        assert summary.persons_in == summary.persons_out + summary.errors

    run("batch", run_index, strategy, check)
