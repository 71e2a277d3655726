"""Coverage of the notice by the pinned cases: clauses, readings, and rules that never fired.

>>> from pyagent.pins.check import load_pins
>>> from pyagent.pins.coverage import coverage
>>> report = coverage(load_pins(["queries"]))                    # doctest: +SKIP
>>> report.gaps                                                   # doctest: +SKIP
()

- **Clauses.**  A pinned answer *exercises* a clause when the actual answer cites it (the
  ``clauses`` of SPEC section 8).  A guarantee clause (one whose rules conclude nothing
  any other rule reads: P2.S3.b's ``not_counted/2``) is exercised by the pinned answers of
  a person for whom one of its rules fired.  Every encoded normative clause needs a pin
  answered yes and a pin answered no; a metadata clause (P2.S1) needs one pin.
- **Readings.**  A pinned answer exercises the value of every reading it is computed under.
  A reading's value other than the default is *decisive* in a pin when the same answer,
  computed with that reading back at its default, has another status.  Every reading
  needs a pin in which a value other than its default is decisive.
- **Rules.**  A rule fired in a pin when its body holds in the pin's model (in either
  completion) for some binding; rules that never fired in any pin are listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from clingo import Symbol

from pyagent.explain.answers import resolved_readings
from pyagent.engine.evaluate import Evaluator, Unbound, evaluate
from pyagent.kb import readings as kb_readings
from pyagent.pins.lint import cited_clauses
from pyagent.pins.check import Pin, prepare, register, solved
from pyagent.engine.program import Program, Rule, load_program
from pyagent.engine.questions import QUESTIONS
from pyagent.engine.solve import Model
from pyagent.engine.values import Value, arguments_of, is_person, value_of

__all__ = ["ClauseCoverage", "Coverage", "ReadingCoverage", "UnfiredRule", "coverage"]

STATUSES = ("yes", "no", "unknown")


@dataclass(frozen=True)
class ClauseCoverage:
    id: str  # p3_s1
    ref: str  # P3.S1
    kind: str  # normative, guarantee, metadata
    pins: Mapping[str, int]  # status -> how many pins exercise the clause with it
    required: tuple[str, ...]  # the statuses it needs a pin for ("any": one pin of any status)

    @property
    def missing(self) -> tuple[str, ...]:
        if self.required == ("any",):
            return () if sum(self.pins.values()) else ("any",)
        return tuple(s for s in self.required if not self.pins.get(s))


@dataclass(frozen=True)
class ReadingCoverage:
    name: str
    value: str
    default: bool
    pins: Mapping[str, int]  # status -> how many pins are computed under this value
    decisive: tuple[str, ...]  # pins in which this value (not the default) changes an answer

    @property
    def missing(self) -> bool:
        return not self.default and not self.decisive


@dataclass(frozen=True)
class UnfiredRule:
    file: str
    line: int
    text: str


@dataclass(frozen=True)
class Coverage:
    pins: int
    answers: int  # pinned answers (expectations)
    clauses: tuple[ClauseCoverage, ...]
    readings: tuple[ReadingCoverage, ...]
    unfired: tuple[UnfiredRule, ...]
    rules: int  # rules with a body, the ones that can fire

    @property
    def gaps(self) -> tuple[str, ...]:
        """What the pins fail to cover; CI fails on any."""
        out: list[str] = []
        for c in self.clauses:
            for status in c.missing:
                if status == "any":
                    out.append(f"{c.ref}: no pin exercises this {c.kind} clause")
                else:
                    out.append(f"{c.ref}: no pin answered {status} exercises this clause")
        by_name: dict[str, list[ReadingCoverage]] = {}
        for r in self.readings:
            by_name.setdefault(r.name, []).append(r)
        for name, values in by_name.items():
            if not any(v.decisive for v in values):
                others = ", ".join(v.value for v in values if not v.default)
                out.append(f"reading {name}: no pin has an answer that changes under {others}")
        return tuple(out)


def _guarantees(program: Program, cited: Mapping[str, list[Rule]]) -> set[str]:
    """Clauses whose rules conclude only what no rule reads."""
    read = {lit.signature for r in program.rules for lit in r.body if lit.kind in ("atom", "not")}
    return {
        cid
        for cid, rules in cited.items()
        if rules and all((r.name, r.arity) not in read for r in rules)
    }


def coverage(pins: Iterable[Pin], kb: Path | None = None) -> Coverage:
    """What the pins exercise of the knowledge base in ``kb`` (default: the project's)."""
    pins = list(pins)
    directory = Path(kb) if kb is not None else None
    program = load_program(directory)
    cited = cited_clauses(program)
    guarantees = _guarantees(program, cited)
    defaults = {n: r.default for n, r in kb_readings(directory).items()}

    clause_pins: dict[tuple[str, str], set[str]] = {}
    reading_pins: dict[tuple[str, str, str], set[str]] = {}
    decisive: dict[tuple[str, str], set[str]] = {}
    models: dict = {}
    refs: dict[str, tuple[str, int]] = {}
    kinds: dict[str, str] = {}
    answers = 0

    prepare(pins, directory)
    for pin in pins:  # the same answers with each reading back at its default: solved together
        for e in pin.expectations:
            overrides = pin.readings_of(e)
            for name, value in overrides.items():
                if value != defaults.get(name):
                    register(pin, {k: v for k, v in overrides.items() if k != name}, directory)

    for pin in pins:
        for e in pin.expectations:
            answers += 1
            overrides = pin.readings_of(e)
            s = solved(pin, overrides, directory)
            entry = models.setdefault(id(s.model), (s.model, set()))
            entry[1].update(
                s.person(k, w) for k in range(len(pin.case.persons)) for w in ("worst", "best")
            )
            if not refs:
                refs, kinds = s.clause_refs(), s.clause_kinds()
            index = next(i for i, p in enumerate(pin.case.persons) if p.id == e.person)
            question = QUESTIONS[e.question]
            answer = s.answer(index, question)
            by_ref = {ref: cid for cid, (ref, _) in refs.items()}
            for ref in answer.clauses:
                clause_pins.setdefault((by_ref[ref], answer.status), set()).add(pin.id)
            for cid in guarantees:
                heads = {(r.name, r.arity) for r in cited[cid]}
                for world in ("worst", "best"):
                    person = s.person(index, world)
                    if any(s.model.atoms_of(n, a, person) for n, a in heads):
                        clause_pins.setdefault((cid, answer.status), set()).add(pin.id)
            for name, value in resolved_readings(overrides, directory).items():
                reading_pins.setdefault((name, value, answer.status), set()).add(pin.id)
            for name, value in overrides.items():
                if value == defaults.get(name):
                    continue
                back = {k: v for k, v in overrides.items() if k != name}
                if solved(pin, back, directory).status(index, question) != answer.status:
                    decisive.setdefault((name, value), set()).add(pin.id)

    clauses = []
    for cid, (ref, order) in sorted(refs.items(), key=lambda kv: (kv[1][1], kv[1][0], kv[0])):
        kind = kinds.get(cid, "normative")
        if kind == "contract" or cid not in cited:
            continue
        if cid in guarantees:
            kind = "guarantee"
        required = ("any",) if kind == "metadata" else ("yes", "no")
        counts = {st: len(clause_pins.get((cid, st), ())) for st in STATUSES}
        clauses.append(ClauseCoverage(cid, ref, kind, counts, required))

    readings = []
    for name, r in kb_readings(directory).items():
        for value in r.options:
            counts = {st: len(reading_pins.get((name, value, st), ())) for st in STATUSES}
            readings.append(
                ReadingCoverage(
                    name,
                    value,
                    value == r.default,
                    counts,
                    tuple(sorted(decisive.get((name, value), ()))),
                )
            )

    unfired, with_body = _unfired(program, list(models.values()))
    return Coverage(len(pins), answers, tuple(clauses), tuple(readings), unfired, with_body)


def _unfired(
    program: Program, models: list[tuple[Model, set[Symbol]]]
) -> tuple[tuple[UnfiredRule, ...], int]:
    """Rules whose body held for no person of the pins (a rule about no person: in no model).

    Pins are solved together with other pins (`pyagent.pins.check.prepare`), so a model may hold
    persons of pins not asked about here; only the pins' own persons count.
    """
    evaluators = [(Evaluator(program, m), {value_of(p) for p in persons}) for m, persons in models]
    out = []
    with_body = 0
    for rule in program.rules:
        if not rule.body:
            continue  # a fact holds in every model
        with_body += 1
        if not any(_fires(rule, ev, persons) for ev, persons in evaluators):
            out.append(UnfiredRule(Path(rule.file).name, rule.line, rule.text))
    return tuple(out), with_body


def _fires(rule: Rule, ev: Evaluator, persons: set[Value]) -> bool:
    """Whether the rule's body holds for one of ``persons`` (values, as the evaluator's)."""
    for b in ev.solutions(rule.body, {}):
        try:
            head = evaluate(rule.head, b)
        except Unbound:
            return True
        args = arguments_of(head)
        if not args or not is_person(args[0]) or args[0] in persons:
            return True
    return False
