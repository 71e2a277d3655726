"""What the pages show, computed by the library: answers, explanations, flips, what-if, the notice.

Each function here is one or a few library calls and no reasoning of its own: the answers come
from `pyagent.explain.answers`, the trees from `pyagent.explain.why`, what-if from
`pyagent.explain.whatif`, the clause table from the knowledge base.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pyagent.engine.questions import QUESTIONS
from pyagent.explain.answers import Answer, Answers, solve_case
from pyagent.explain.why import WHY, Explanation, explain_person
from pyagent.input.case import parse_case
from pyagent.input.model import Case
from pyagent.kb import kb_dir, readings as kb_readings
from pyagent.pins.of_clause import pins_by_clause


@dataclass(frozen=True)
class PersonResult:
    """One person's answers, each with its explanation, under the case's readings."""

    case: Case  # the case of this one person
    answers: Answers
    explanations: tuple[Explanation, ...]  # in the order of QUESTIONS

    @property
    def person(self) -> str:
        return self.case.persons[0].id

    def rows(self) -> list[tuple[Answer, Explanation]]:
        return list(zip(self.answers.persons[0].answers, self.explanations))


def one_person(case: Case, person_id: str | None) -> Case:
    """``case`` reduced to one person (the first when none is named)."""
    person = case.person(person_id) if person_id else case.persons[0]
    return dataclasses.replace(case, persons=(person,))


def person_result(case: Case, lang: str) -> PersonResult:
    """Every question for the one person of ``case``, each explained, from one solve: what
    `pyagent ask --lang` and `pyagent why` compute."""
    solved = solve_case(case)
    answers = solved.answers()
    pid = case.persons[0].id
    explanations = explain_person(solved, pid, lang=lang, mode=WHY)
    assert [e.question for e in explanations] == [a.question for a in answers.persons[0].answers]
    # each answer's one-line reason and what would settle it, read off its explanation as
    # `SolvedCase.with_reason` reads them (here from the trees the page shows anyway)
    person = answers.persons[0]
    person = dataclasses.replace(
        person,
        answers=tuple(
            dataclasses.replace(a, reason=e.reason, to_settle=e.to_settle)
            for a, e in zip(person.answers, explanations)
        ),
    )
    return PersonResult(case, dataclasses.replace(answers, persons=(person,)), explanations)


# -- which answers flip under each reading ------------------------------------------------
@dataclass(frozen=True)
class Flip:
    reading: str
    value: str  # the value switched to
    changes: tuple[tuple[str, str, str], ...]  # (question, status now, status under value)


_FLIPS: OrderedDict[str, tuple[Flip, ...]] = OrderedDict()
_FLIPS_CAP = 64


def flips(case: Case, key: str) -> tuple[Flip, ...]:
    """For every reading and every value other than the one in force, the answers of the one
    person of ``case`` that change (a solve per value; cached under ``key``, the case's text)."""
    if key in _FLIPS:
        _FLIPS.move_to_end(key)
        return _FLIPS[key]
    base = solve_case(case)
    now = {q: base.status(0, question) for q, question in QUESTIONS.items()}
    in_force = {n: case.readings.get(n, r.default) for n, r in kb_readings().items()}
    out = []
    for name, reading in kb_readings().items():
        for value in reading.options:
            if value == in_force[name]:
                continue
            other = solve_case(dataclasses.replace(case, readings={**case.readings, name: value}))
            changes = tuple(
                (q, now[q], s)
                for q, question in QUESTIONS.items()
                if (s := other.status(0, question)) != now[q]
            )
            out.append(Flip(name, value, changes))
    result = tuple(out)
    _FLIPS[key] = result
    if len(_FLIPS) > _FLIPS_CAP:
        _FLIPS.popitem(last=False)
    return result


def what_if(case: Case, question: str, lang: str = "en"):
    """`pyagent what-if` for the one person of ``case`` (what stands in the way in ``lang``)."""
    from pyagent.explain.whatif import what_if as library_what_if

    return library_what_if(case, case.persons[0].id, question, lang=lang)


# -- the knowledge base ---------------------------------------------------------------------
@functools.cache
def kb_version() -> str:
    """The version of the knowledge base: a digest of every .lp file of kb/ (name and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(kb_dir().glob("*.lp")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class RuleText:
    file: str  # kb/p3_ranks.lp
    line: int
    text: str  # the comment block above the rule and the rule, as written


@dataclass(frozen=True)
class ClauseEntry:
    id: str
    ref: str
    text: str
    kind: str
    rules: tuple[RuleText, ...]
    readings: tuple[str, ...]
    pins: tuple[tuple[str, str], ...]  # (file relative to queries/, pin name)
    not_encoded: str | None = None
    not_encoded_zh: str | None = None
    wording: tuple[tuple[str, str], ...] = ()  # (lang, text): a clause of SPEC's own, worded

    def text_in(self, lang: str) -> str:
        """The clause's text: the notice's Chinese, or SPEC's contract in ``lang``."""
        return next((t for lg, t in self.wording if lg == lang), self.text)

    def not_encoded_in(self, lang: str) -> str | None:
        return self.not_encoded_zh if lang == "zh" and self.not_encoded_zh else self.not_encoded


_CITE = re.compile(r"\bclause\((\w+)\)")


def _with_comment(lines: list[str], line: int, text: str) -> str:
    """The rule's text with the comment lines just above it (the literate part of kb/)."""
    above: list[str] = []
    k = line - 2
    while k >= 0 and lines[k].lstrip().startswith("%"):
        above.append(lines[k])
        k -= 1
    return "\n".join(reversed(above)) + ("\n" if above else "") + text


@functools.cache
def clause_table() -> dict[str, tuple[str, str, str, int]]:
    """Clause id -> (reference, verbatim text, kind, place in the notice), from kb/."""
    solved = solve_case(parse_case("person: {id: x}", "<notice>"))
    return dict(solved.explainer.clause_table())


@functools.cache
def _wording() -> dict[str, tuple[tuple[str, str], ...]]:
    """Clause id -> its wording per language (kb/clauses.lp: clause_wording, SPEC's own)."""
    from pyagent.kb import _static_model

    out: dict[str, list[tuple[str, str]]] = {}
    for s in _static_model(kb_dir() / "clauses.lp"):
        if s.name == "clause_wording":
            out.setdefault(s.arguments[0].name, []).append(
                (s.arguments[1].name, s.arguments[2].string)
            )
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def _not_encoded(lang: str = "en") -> dict[str, str]:
    """Clause ref -> why no rule encodes it, in ``lang`` (kb/clauses.lp: not_encoded, and
    not_encoded_words beside it for zh)."""
    from pyagent.kb import _static_model  # the table reader of the foundation

    atoms = _static_model(kb_dir() / "clauses.lp")
    out = {s.arguments[0].string: s.arguments[1].string for s in atoms if s.name == "not_encoded"}
    for s in atoms:
        if s.name == "not_encoded_words" and s.arguments[1].name == lang:
            out[s.arguments[0].string] = s.arguments[2].string
    return out


@functools.cache
def notice() -> tuple[ClauseEntry, ...]:
    """Every clause of the notice with the rules citing it, the readings about it, its pins."""
    from pyagent.engine.program import load_program

    program = load_program()
    texts: dict[str, list[str]] = {}
    rules: dict[str, list[RuleText]] = {}
    ids = set(clause_table())
    # tables whose first argument is a clause (rank_clause(p3_s1, ...)): a rule citing clause(S)
    # with S bound by such a table encodes each clause the table lists
    tables: dict[str, list[str]] = {}
    for path in sorted(kb_dir().glob("*.lp")):
        for m in re.finditer(r"^(\w+)\((\w+)\s*,", path.read_text(encoding="utf-8"), re.MULTILINE):
            if m.group(2) in ids and m.group(1) not in (
                "clause_text",
                "clause_order",
                "clause_kind",
            ):
                tables.setdefault(m.group(1), []).append(m.group(2))
    for rule in program.rules:
        cited = []
        for cid in _CITE.findall(rule.text):
            if cid in ids:
                cited.append(cid)
            elif cid[:1].isupper():
                for table, listed in tables.items():
                    if re.search(rf"\b{table}\(\s*{cid}\s*,", rule.text):
                        cited += listed
        for cid in dict.fromkeys(cited):
            path = Path(rule.file)
            if path.name not in texts:
                texts[path.name] = path.read_text(encoding="utf-8").splitlines()
            rules.setdefault(cid, []).append(
                RuleText(
                    f"kb/{path.name}",
                    rule.line,
                    _with_comment(texts[path.name], rule.line, rule.text),
                )
            )
    pins = pins_by_clause()  # the pins that fix each clause, as `pyagent clauses` lists them
    about: dict[str, list[str]] = {}
    for name, r in kb_readings().items():
        for ref in r.clauses:
            about.setdefault(ref, []).append(name)
    entries = []
    for cid, (ref, text, kind, _order) in sorted(clause_table().items(), key=lambda kv: kv[1][3]):
        entries.append(
            ClauseEntry(
                cid,
                ref,
                text,
                kind,
                tuple(rules.get(cid, ())),
                tuple(about.get(ref, ())),
                tuple(pins.get(ref, ())),
                _not_encoded().get(ref),
                _not_encoded("zh").get(ref),
                _wording().get(cid, ()),
            )
        )
    encoded = {e.ref for e in entries}
    for ref, why in sorted(_not_encoded().items()):
        if ref not in encoded:  # in the notice, encoded by no rule: its reason instead
            entries.append(
                ClauseEntry(
                    ref.lower().replace(".", "_"),
                    ref,
                    "",
                    "not_encoded",
                    (),
                    tuple(about.get(ref, ())),
                    tuple(pins.get(ref, ())),
                    why,
                    _not_encoded("zh").get(ref),
                )
            )
    return tuple(entries)


def readings_table() -> Mapping[str, object]:
    return kb_readings()
