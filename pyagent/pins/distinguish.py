"""A case on which two knowledge bases answer differently: the pin a surviving mutant asks for.

The search solves both programs over the same input facts and compares their answers, over
a bounded space of persons built from the pins themselves, in three rounds (the first
difference ends the search):

1. ``pins``: every person of every pin, under the readings of each of its expectations, every
   question, compared in full (status, clauses, ``depends_on``);
2. ``readings``: the same persons under the default readings and under each other value of
   each reading, one at a time, compared by status;
3. ``variants``: each person with one input changed (each stated input made unknown, each
   element of a list dropped, each level, grade, honour, rank, field and flag replaced by
   the others of its vocabulary, dates moved by a month and a year, work years by one),
   under the pin's readings, compared by status.

The first round compares reasons, which only the explainer gives, so it is compared here in
Python.  The other two are solved for: `pyagent.pins.differ` puts both programs, renamed
apart, in one clingo program with a choice of one candidate's input facts and a constraint
that some answer's status differs, and a model of it is the case.  A variant is kept only
if it is a valid person (`pyagent.input.case.parse_person`), so that the case found can
become a pin as it is printed (`Distinction.yaml`).  No difference within these bounds:
the mutant is reported as probably equivalent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pyagent.engine.facts import global_facts, person_facts
from pyagent.engine.program import load_program
from pyagent.engine.questions import QUESTIONS
from pyagent.engine.solve import solve
from pyagent.errors import InputError
from pyagent.explain.answers import Answer, SolvedCase, status_of
from pyagent.explain.tree import Explainer
from pyagent.explain.why import person_data
from pyagent.input.case import parse_person
from pyagent.input.model import NO_POST, Case, Person
from pyagent.input.person import PERSON_KEYS
from pyagent.input.vocab import NEVER_DECISIVE
from pyagent.input.vocab import CERTIFICATE_KINDS, GRADES, HONOURS, LEVELS, RANKS
from pyagent.kb import kb_dir as default_kb_dir
from pyagent.kb import readings as kb_readings
from pyagent.pins.pin import Pin

__all__ = ["ROUNDS", "Candidate", "Distinction", "Focus", "candidates", "distinguish", "focus_of"]

ROUNDS = ("pins", "readings", "variants")


@dataclass(frozen=True)
class Candidate:
    """A person asked on a date under readings and parameters: one case of the search."""

    person: Person
    as_of: dt.date
    readings: tuple[tuple[str, str], ...]
    parameters: tuple[tuple[str, int], ...]
    origin: str  # how it was made: "pin 'name'", "pin 'name', certificates[0].level: technician"


@dataclass(frozen=True)
class Distinction:
    """A case and a question on which the original and the mutant answer differently."""

    candidate: Candidate
    question: str
    original: Answer
    mutant: Answer
    round: str  # one of ROUNDS

    def case_data(self) -> dict:
        """The case as a pin file writes it, expecting the original's answer."""
        c = self.candidate
        expected: dict[str, object] = {"status": self.original.status}
        if self.original.clauses:
            expected["clauses"] = list(self.original.clauses)
        if self.original.status == "unknown":
            expected["depends_on"] = list(self.original.depends_on)
        data: dict[str, object] = {
            "name": f"{self.question} of {c.person.id}: say in a sentence what this case pins",
            "as_of": c.as_of.isoformat(),
        }
        if c.readings:
            data["readings"] = dict(c.readings)
        if c.parameters:
            data["parameters"] = dict(c.parameters)
        data["person"] = {k: v for k, v in person_data(c.person).items() if v is not None}
        data["expect"] = {c.person.id: {self.question: expected}}
        return data

    def yaml(self) -> str:
        return yaml.safe_dump(
            [self.case_data()],
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,
            width=100,
        )

    def to_json(self) -> dict:
        return {
            "round": self.round,
            "origin": self.candidate.origin,
            "question": self.question,
            "case": self.case_data(),
            "original": dataclasses.asdict(self.original),
            "mutant": dataclasses.asdict(self.mutant),
        }


# ---------------------------------------------------------------------------
# The space searched.


def _pin_settings(pin: Pin) -> list[tuple[tuple[str, str], ...]]:
    out: list[tuple[tuple[str, str], ...]] = []
    for e in pin.expectations:
        key = tuple(sorted(pin.readings_of(e).items()))
        if key not in out:
            out.append(key)
    return out


@dataclass(frozen=True)
class Focus:
    """What a mutant touches, to bound the search: the readings it names (None: not known,
    every reading) and the clauses it cites (None: every pin's persons are varied)."""

    readings: frozenset[str] | None = None
    clauses: frozenset[str] | None = None


def candidates(
    pins: Sequence[Pin], round: str, directory: Path | None = None, focus: Focus | None = None
) -> list[Candidate]:
    """The candidates of one round of the search (see the module's doc): with ``focus``, the
    readings round tries only the readings the mutant names (none: the defaults alone) and
    the variants round varies only the persons of pins citing a clause the mutant cites."""
    focus = focus or Focus()
    out: list[Candidate] = []
    for pin in pins:
        if round == "variants" and focus.clauses is not None:
            cited = {c for e in pin.expectations for c in (e.clauses or ())}
            if not cited & focus.clauses:
                continue
        params = tuple(sorted(pin.case.parameters.items()))
        origin = f"pin {pin.name!r}"
        for person in pin.case.persons:
            if round == "pins":
                for setting in _pin_settings(pin):
                    out.append(Candidate(person, pin.case.as_of, setting, params, origin))
            elif round == "readings":
                settings: list[tuple[tuple[str, str], ...]] = [()]
                for name, r in kb_readings(directory).items():
                    if focus.readings is not None and name not in focus.readings:
                        continue
                    settings += [((name, o),) for o in r.options if o != r.default]
                for setting in settings:
                    out.append(Candidate(person, pin.case.as_of, setting, params, origin))
            else:
                own = tuple(sorted(pin.case.readings.items()))
                for what, variant in _variants(person, pin.case.as_of):
                    out.append(Candidate(variant, pin.case.as_of, own, params, f"{origin}, {what}"))
    return out


def _valid(person: Person, as_of: dt.date) -> Person | None:
    data = {k: v for k, v in person_data(person).items() if v is not None}
    try:
        parsed = parse_person(data, "<variant>", "person")
    except InputError:
        return None
    if any(p.start > as_of for p in parsed.technical_work or ()):
        return None
    return parsed


def _variants(person: Person, as_of: dt.date) -> Iterator[tuple[str, Person]]:
    seen: set[str] = {repr(person)}
    for what, variant in _changes(person):
        valid = _valid(variant, as_of)
        if valid is not None and repr(valid) not in seen:
            seen.add(repr(valid))
            yield what, valid


def _shift(day: dt.date | None, months: int) -> dt.date | None:
    if day is None:
        return None
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def _neighbours(codes: Sequence[str], code: str) -> list[str]:
    """The codes next to ``code`` in its vocabulary's order (the level above and below)."""
    k = list(codes).index(code)
    return [codes[i] for i in (k - 1, k + 1) if 0 <= i < len(codes)]


# The keys of SPEC section 2 that an answer can turn on (the id and P2.S3.b's never-decisive
# facts aside), in the section's order.
DECISIVE_KEYS = tuple(k for k in PERSON_KEYS if k != "id" and k not in NEVER_DECISIVE)


def _changes(p: Person) -> Iterator[tuple[str, Person]]:
    r = dataclasses.replace
    for name in DECISIVE_KEYS:
        if getattr(p, name) is not None:
            yield f"{name} unknown", r(p, **{name: None})
    for name in ("certificates", "technical_work", "annual_assessments", "honours", "titles"):
        items = getattr(p, name)
        for k in range(len(items or ())):
            yield f"{name}[{k}] dropped", r(p, **{name: items[:k] + items[k + 1 :]})
    for name in ("outstanding_contribution", "social_benefit", "economic_benefit"):
        value = getattr(p, name)
        for other in (True, False):
            if value is not other:
                yield f"{name}: {other}", r(p, **{name: other})
    for field in ("engineering", "finance"):
        if p.field != field:
            yield f"field: {field}", r(p, field=field)
    if p.current_post is not NO_POST:
        yield "current_post: none", r(p, current_post=NO_POST)
    if p.cumulative_work_years is not None:
        for d in (-1, 1):
            yield (
                f"cumulative_work_years: {p.cumulative_work_years + d}",
                r(p, cumulative_work_years=max(0, p.cumulative_work_years + d)),
            )
    certs = p.certificates or ()
    for k, c in enumerate(certs):

        def cert(new, what, k=k):
            return f"certificates[{k}].{what}", r(
                p, certificates=certs[:k] + (new,) + certs[k + 1 :]
            )

        for level in _neighbours(LEVELS.codes, c.level):
            yield cert(r(c, level=level), f"level: {level}")
        for kind in (*CERTIFICATE_KINDS.codes, None):
            if kind != c.kind:
                yield cert(r(c, kind=kind), f"kind: {kind}")
        for months in (-12, -1, 1, 12):
            if c.obtained is not None:
                yield cert(
                    r(c, obtained=_shift(c.obtained, months)), f"obtained {months:+d} months"
                )
    grades = p.annual_assessments or ()
    for k, a in enumerate(grades):

        def grade(new, what, k=k):
            return f"annual_assessments[{k}].{what}", r(
                p, annual_assessments=grades[:k] + (new,) + grades[k + 1 :]
            )

        for g in GRADES.codes:
            if g != a.grade:
                yield grade(r(a, grade=g), f"grade: {g}")
        yield grade(
            r(a, at_current_post=not a.at_current_post), f"at_current_post: {not a.at_current_post}"
        )
    honours = p.honours or ()
    for k, h in enumerate(honours):

        def honour(new, what, k=k):
            return f"honours[{k}].{what}", r(p, honours=honours[:k] + (new,) + honours[k + 1 :])

        for code in _neighbours(HONOURS.codes, h.code):
            yield honour(r(h, code=code, contest_class=None, category=None), f"code: {code}")
        for cls in ("i", "ii", None):
            if h.code.startswith("national_contest_") and cls != h.contest_class:
                yield honour(r(h, contest_class=cls), f"class: {cls}")
        for cat in ("high_skill", "professional", None):
            if h.code == "state_council_allowance" and cat != h.category:
                yield honour(r(h, category=cat), f"category: {cat}")
    titles = p.titles or ()
    for k, t in enumerate(titles):

        def title(new, what, k=k):
            return f"titles[{k}].{what}", r(p, titles=titles[:k] + (new,) + titles[k + 1 :])

        for rank in _neighbours(RANKS.codes, t.rank):
            yield title(r(t, rank=rank), f"rank: {rank}")
        for series in ("engineering", "finance", None):
            if series != t.series:
                yield title(r(t, series=series), f"series: {series}")


# ---------------------------------------------------------------------------
# Solving a round under a knowledge base.

_ORIGINAL: dict[tuple, list] = {}


def answers(
    cands: Sequence[Candidate], directory: Path | None, reasons: bool
) -> list[dict[str, Answer]]:
    """Every question for every candidate: statuses only (clauses and depends_on empty)
    unless ``reasons``.  Candidates of one date and readings are solved together."""
    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(cands):
        groups.setdefault((c.as_of, c.readings), []).append(i)
    out: list[dict[str, Answer]] = [{} for _ in cands]
    program = load_program(directory) if reasons else None
    for (as_of, setting), members in groups.items():
        facts = tuple(
            tuple(person_facts(cands[i].person, as_of, dict(cands[i].parameters))) for i in members
        )
        model = solve(facts, global_facts(as_of, dict(setting)), directory=directory)
        solved = None
        if program is not None:  # loaded when reasons are asked for
            case = Case(
                "<search>", as_of, dict(setting), {}, tuple(cands[i].person for i in members)
            )
            solved = SolvedCase(case, program, model, facts, Explainer(program, model, facts))
        for k, i in enumerate(members):
            for q in QUESTIONS.values():
                if solved is not None:
                    out[i][q.id] = solved.answer(k, q)
                else:
                    out[i][q.id] = Answer(q.id, status_of(model, k, q), (), ())
    return out


def distinguish(
    pins: Sequence[Pin],
    mutant: Path,
    original: Path | None = None,
    rounds: Iterable[str] = ROUNDS,
    focus: Focus | None = None,
) -> Distinction | None:
    """The first case (in the order of the rounds) on which the knowledge bases in
    ``original`` (default: the project's) and ``mutant`` answer differently, or None."""
    from pyagent.pins.differ import differing  # it reads Candidate from here

    original = Path(original or default_kb_dir()).resolve()
    for round in rounds:
        cands = candidates(pins, round, original, focus)
        if round != "pins":  # statuses: solved for in one clingo program
            found = differing(cands, original, mutant)
            if found is None:
                continue
            c, q = cands[found[0]], found[1]
            was, now = answers([c], original, False)[0][q], answers([c], mutant, False)[0][q]
            return Distinction(c, q, was, now, round)
        key = (str(original), round, tuple(id(p) for p in pins), focus)
        if key not in _ORIGINAL:
            _ORIGINAL[key] = answers(cands, original, True)
        before = _ORIGINAL[key]
        after = answers(cands, mutant, True)
        for c, a, b in zip(cands, before, after):
            for q in QUESTIONS:
                if a[q] != b[q]:
                    return Distinction(c, q, a[q], b[q], round)
    return None


_NAMES = re.compile(r"\b(reading(?:_option|_default)?|clause)\((\w+)")


def focus_of(file: str, before: str, after: str, directory: Path) -> Focus:
    """The readings and clauses a mutant's statement names (``reading(field_list, ...)``,
    ``clause(p2_s2)``), read off its two texts; a statement that names no reading leaves
    the defaults alone, one that cites no clause by name (``clause(S)``, a table) varies
    every pin's persons."""
    readings: set[str] = set()
    clauses: set[str] = set()
    every_reading = every_clause = False
    for text in (before, after):
        for kind, name in _NAMES.findall(text):
            variable = name[0].isupper() or name[0] == "_"
            if kind == "clause":
                every_clause |= variable
                clauses.add(name)
            else:
                every_reading |= variable
                readings.add(name)
    refs = _clause_ids(directory)
    named = {refs[c] for c in clauses if c in refs}
    return Focus(
        None if every_reading else frozenset(readings),
        None if every_clause or not named else frozenset(named),
    )


def _clause_ids(directory: Path) -> dict[str, str]:
    text = (directory / "clauses.lp").read_text(encoding="utf-8")
    return dict(re.findall(r'^clause_text\(\s*(\w+)\s*,\s*"([^"]+)"', text, flags=re.MULTILINE))
