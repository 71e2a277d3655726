"""Signatures: what of a person's input facts an answer can depend on, read off the rules.

Two persons whose signatures for a question are equal get the same answer to it, with the
same ``clauses`` and ``depends_on`` (SPEC section 8): ``pyagent batch`` answers a roster of a
million persons by solving and explaining each distinct signature once.  Both halves of the
signature are computed from the knowledge base, never written by hand:

* **Cones** (`pyagent.engine.cones`): the input facts an answer, and its explanation, can
  reach, as patterns per input predicate.
* **Abstraction** (`pyagent.engine.abstraction`): values the rules cannot tell apart (months
  between two thresholds, grades and fields no rule distinguishes) replaced by one
  representative.

A person's facts come from the one fact builder, `pyagent.engine.facts.person_values` (plain
values: a number is an ``int``, a constant its name, a string ``("str", text)``, ``#sup``
``("sup",)``); a key's fact is ``(arguments, world, path)`` and a person's facts are grouped
by predicate, in the order the builder makes them (`Keys.full_key`).  A question's key is
the part of the full key its cone reaches (`Keys.question_keys`).

>>> import datetime as dt
>>> a = analyse(dt.date(2026, 7, 1), {}, {})
>>> a.abstraction.points[("certificate_months", 3)]
(24, 36, 48)
>>> m = a.abstraction.mapper("assessment", 1)
>>> m("excellent") == m("qualified"), m("qualified") == m("unqualified")
(True, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyagent.engine.abstraction import MERGED, Abstraction, abstraction
from pyagent.engine.cones import Cone, Pattern, _ConeBuilder, person_inputs, person_predicates
from pyagent.engine.facts import BOTH, Fact, ValueFact, global_facts, person_values
from pyagent.engine.program import Program, load_program
from pyagent.engine.questions import QUESTIONS
from pyagent.engine.solve import Model, solve
from pyagent.engine.values import symbol_of
from pyagent.input.model import Person

__all__ = ["Abstraction", "Analysis", "Cone", "Keys", "MERGED", "analyse", "person_key"]

# Person inputs whose facts are the same for every person of a run: pyagent.engine.facts makes them
# from the run's parameters (application_years) alone.  Their values serve as thresholds.
RUN_CONSTANT_INPUTS = ("application_years",)

# ---------------------------------------------------------------------------
# The analysis of one run: as_of, readings, parameters.


@dataclass(frozen=True)
class Analysis:
    as_of: dt.date
    readings: Mapping[str, str]  # the overrides
    parameters: Mapping[str, int]
    slots: tuple[str, ...]  # person input predicates: the groups of a key, in this order
    cones: Mapping[str, Cone]  # question id -> cone
    abstraction: Abstraction
    constant_facts: Mapping[str, tuple]  # RUN_CONSTANT_INPUTS: their facts (native), per run
    static: Model
    program: Program


def analyse(
    as_of: dt.date,
    readings: Mapping[str, str],
    parameters: Mapping[str, int],
    directory: Path | None = None,
) -> Analysis:
    program = load_program(directory)
    static = solve([], global_facts(as_of, readings), directory=directory)
    preds = person_predicates(program, as_of)
    slots = person_inputs(program, as_of)
    arities = {name: arity for name, arity in program.defined_inputs if name in slots}
    probe = person_values(Person("probe"), as_of, parameters)
    constant_facts = {
        name: tuple(_key_fact(f) for f in probe if f[0] == name) for name in RUN_CONSTANT_INPUTS
    }
    constants = {name: {row[0] for row in rows} for name, rows in constant_facts.items()}
    builder = _ConeBuilder(program, static, preds, slots)
    cones = {qid: builder.cone(qid, q.term) for qid, q in QUESTIONS.items()}
    return Analysis(
        as_of,
        dict(readings),
        dict(parameters),
        slots,
        cones,
        abstraction(program, static, preds, constants, arities),
        constant_facts,
        static,
        program,
    )


# ---------------------------------------------------------------------------
# Keys.

KeyFact = tuple  # (arguments, world, path): a fact of a key, without its predicate


def _key_fact(f: ValueFact) -> KeyFact:
    _, args, world, path = f
    return (args, world, None if world == BOTH else path)  # only an unknown's path is shown


class Keys:
    """Keys of persons under one analysis: the full key and one key per question.

    ``abstraction`` (default: the analysis's own) lets two analyses share full keys.
    """

    def __init__(self, analysis: Analysis, abstraction: Abstraction | None = None) -> None:
        self.analysis = analysis
        self.abstraction = abstraction or analysis.abstraction
        slots = analysis.slots
        self.index = {name: i for i, name in enumerate(slots)}
        self.mappers: dict[str, list[tuple[int, Callable]]] = {}
        for name, pos in self.abstraction.positions():
            m = self.abstraction.mapper(name, pos)
            if m is not None:
                self.mappers.setdefault(name, []).append((pos, m))
        self.mapped = tuple((self.index[name], tuple(ms)) for name, ms in self.mappers.items())
        self.constants = tuple(
            (self.index[name], tuple((self.abstract(name, a), w, p) for a, w, p in expected))
            for name, expected in analysis.constant_facts.items()
        )
        # per question: ((slot index, filter), ...) in slot order; questions with the same
        # plan share one key
        plans: list[tuple] = []
        self.plan_of: list[int] = []
        for cone in analysis.cones.values():
            plan = tuple(
                (self.index[name], _compile(patterns))
                for name, patterns in sorted(cone.inputs.items(), key=lambda kv: self.index[kv[0]])
            )
            if plan not in plans:
                plans.append(plan)
            self.plan_of.append(plans.index(plan))
        self.plans = tuple(plans)

    def abstract(self, name: str, args: tuple) -> tuple:
        ms = self.mappers.get(name)
        if not ms:
            return args
        out = list(args)
        for pos, m in ms:
            out[pos] = m(out[pos])
        return tuple(out)

    def full_key(self, facts: Iterable[ValueFact]) -> tuple:
        """The abstracted facts of one person (`person_values`), grouped by predicate."""
        groups: list[list] = [[] for _ in self.analysis.slots]
        index = self.index
        for name, args, world, path in facts:
            # only an unknown's path is ever shown
            groups[index[name]].append((args, world, None if world == BOTH else path))
        for i, ms in self.mapped:
            groups[i] = _abstract_group(groups[i], ms)
        key = tuple(tuple(g) for g in groups)
        for i, expected in self.constants:
            if key[i] != expected:
                raise RuntimeError(
                    f"{self.analysis.slots[i]} facts differ between persons: "
                    "the abstraction assumes not"
                )
        return key

    def person_key(self, person: Person) -> tuple:
        """The full key of a validated person."""
        a = self.analysis
        return self.full_key(person_values(person, a.as_of, a.parameters))

    def plan_keys(self, full: tuple) -> list[tuple]:
        """One key per distinct plan (see ``plan_of``): the part of ``full`` its cone reaches."""
        out = []
        for plan in self.plans:
            parts = []
            for i, test in plan:
                group = full[i]
                if test is None or not group:
                    parts.append(group)
                elif test[0] == "in":
                    k, values = test[1], test[2]
                    parts.append(tuple(f for f in group if f[0][k] in values))
                else:
                    parts.append(
                        tuple(
                            f
                            for f in group
                            if any(all(f[0][k] == v for k, v in p) for p in test[1])
                        )
                    )
            out.append(tuple(parts))
        return out

    def question_keys(self, full: tuple) -> list[tuple]:
        """One key per question, in QUESTIONS order."""
        keys = self.plan_keys(full)
        return [keys[i] for i in self.plan_of]

    def facts(self, full: tuple) -> list[Fact]:
        """A representative person's facts for a key (what clingo solves)."""
        out = []
        for name, group in zip(self.analysis.slots, full):
            for args, world, path in group:
                out.append(Fact(name, tuple(symbol_of(a) for a in args), world, path))
        return out


def _compile(patterns: tuple[Pattern, ...] | None) -> tuple | None:
    """A cone's patterns as a test: None (every fact), ("in", position, values) when each
    pattern fixes the same one position, else ("any", ((position, value), ...) per pattern)."""
    if patterns is None:
        return None
    fixed = [tuple((k, v) for k, v in enumerate(p) if v is not None) for p in patterns]
    positions = {tuple(k for k, _ in f) for f in fixed}
    if len(positions) == 1 and len(next(iter(positions))) == 1:
        k = next(iter(positions))[0]
        return ("in", k, frozenset(f[0][1] for f in fixed))
    return ("any", tuple(fixed))


def person_key(keys: Keys, person: Person) -> tuple:
    """The full key of a validated person (`Keys.person_key`)."""
    return keys.person_key(person)


def _abstract_group(group: Sequence[tuple], mappers: Sequence[tuple[int, Callable]]) -> list:
    """A predicate's facts with their values abstracted, unless that would merge two facts that
    were apart (two atoms would become one): then the facts stay as they are."""
    out = [(_remap(args, mappers), w, p) for args, w, p in group]
    if len({(a, w) for a, w, _ in out}) != len({(a, w) for a, w, _ in group}):
        return list(group)
    return out


def _remap(args: tuple, mappers: Sequence[tuple[int, Callable]]) -> tuple:
    out = list(args)
    for pos, m in mappers:
        out[pos] = m(out[pos])
    return tuple(out)
