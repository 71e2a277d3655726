"""Signatures: what of a person's input facts an answer can depend on, read off the rules.

Two persons whose signatures for a question are equal get the same answer to it, with the
same ``clauses`` and ``depends_on`` (SPEC section 8): ``pyagent batch`` answers a roster of a
million persons by solving and explaining each distinct signature once.  Both halves of the
signature are computed from the knowledge base, never written by hand:

* **Cones** (`Cones`): the input facts an answer, and its explanation, can reach.  Starting
  from ``answer(P, Q)`` for a question, every rule whose head unifies is followed into its
  body, as ``pyagent.explain.tree`` walks it: reading and table atoms that cannot match under
  this run's readings end a rule the way they end it for the explainer; any other atom is
  followed with the arguments known at that point (others left open), so a cone is never
  narrower than what the explainer can visit.  An input atom reached is kept as a pattern:
  ``assessment(P, 2025, _, _)`` under the calendar reading in 2026.
* **Abstraction** (`Abstraction`): some input values only meet thresholds.
  ``certificate_months`` flows into ``counted_months`` and is only compared, with ``>=`` and
  ``<``, against ``required_months`` (24, 36, 48 in the static model); a value between two
  thresholds can be replaced by any other value between the same two, which keeps every
  comparison, and so every answer and explanation, as it is.  A position that is only tested
  for equality with constants of the knowledge base (the ``Series != unstated`` of a title,
  a field's membership of ``through_field``) keeps those constants and merges every other
  value; a position no rule reads (a certificate's kind, the post's occupation) merges all.
  The analysis follows a value through rule heads and gives up (keeps the value) on anything
  else: arithmetic, aggregates, joins with other person atoms.

A signature uses plain Python values (`native`): a number is an ``int``, a constant its name,
a string ``("str", text)``, ``#sup`` ``("sup",)``; a fact is ``(arguments, world, path)``
and a person's facts are grouped by predicate, in the order `pyagent.engine.facts` makes them.

`FastFacts` builds the same grouped, abstracted facts straight from a JSON row, without
`pyagent.input.case` and `pyagent.engine.facts` (whose clingo symbols cost ~200 µs a person); it
accepts only rows in the plain shapes it knows and returns ``None`` for anything else, which
then takes the slow path (`slow_signature`), so its errors are always those of
`pyagent.input.case`.  tests/test_batch_signature.py checks that the two paths agree.

>>> import datetime as dt
>>> a = analyse(dt.date(2026, 7, 1), {}, {})
>>> a.abstraction.points[("certificate_months", 3)]
(24, 36, 48)
>>> m = a.abstraction.mapper("assessment", 1)
>>> m("excellent") == m("qualified"), m("qualified") == m("unqualified")
(True, False)
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clingo import Function, Number, String, Supremum, Infimum, Symbol, SymbolType

from pyagent.input import vocab
from pyagent.input.case import (
    MAX_ASSESSMENT_YEAR,
    MAX_ITEMS,
    MAX_TEXT,
    MAX_YEAR,
    MAX_YEARS,
    MIN_ASSESSMENT_YEAR,
    MIN_YEAR,
    PERSON_KEYS,
)
from pyagent.input.duration import counted_months
from pyagent.engine.evaluate import Evaluator, Unbound, dedupe, evaluate
from pyagent.engine.facts import BEST, BOTH, REPORT_DATE, WORST, Fact, global_facts, person_facts
from pyagent.kb import readings as kb_readings
from pyagent.input.model import Person
from pyagent.engine.program import Program, Rule, load_program
from pyagent.engine.questions import QUESTIONS
from pyagent.engine.rules import AGGREGATE, ATOM, COMPARISON, NEGATION, Const, Fn, Literal, Var, term_vars
from pyagent.engine.solve import Model, person_term, solve

CITATION = ("clause", 1)
READING = ("reading", 2)

# Person inputs whose facts are the same for every person of a run: pyagent.engine.facts makes them
# from the run's parameters (application_years) alone.  Their values serve as thresholds.
RUN_CONSTANT_INPUTS = ("application_years",)

SUP = ("sup",)
INF = ("inf",)
MERGED = ("str", "*")  # the one value that stands for every merged value


# ---------------------------------------------------------------------------
# Plain values.


def native(s: Symbol) -> object:
    """A clingo symbol as a plain, hashable Python value (see the module docstring)."""
    t = s.type
    if t == SymbolType.Number:
        return s.number
    if t == SymbolType.String:
        return ("str", s.string)
    if t == SymbolType.Function:
        args = s.arguments
        if not args and s.positive:
            return s.name
        return ("fn", s.name, s.positive, *(native(a) for a in args))
    if t == SymbolType.Supremum:
        return SUP
    return INF


def symbol(v: object) -> Symbol:
    """The inverse of `native`."""
    if isinstance(v, int):
        return Number(v)
    if isinstance(v, str):
        return Function(v)
    tag = v[0]  # type: ignore[index]
    if tag == "str":
        return String(v[1])  # type: ignore[index]
    if tag == "sup":
        return Supremum
    if tag == "inf":
        return Infimum
    return Function(v[1], [symbol(a) for a in v[3:]], v[2])  # type: ignore[index]


# ---------------------------------------------------------------------------
# The knowledge base: person predicates, static model.


def _body_literals(rule_body: Sequence[Literal]) -> Iterable[Literal]:
    """Every atom-like literal of a body, aggregate conditions included."""
    for lit in rule_body:
        if lit.kind == AGGREGATE:
            for _, condition in lit.elements:
                yield from _body_literals(condition)
        else:
            yield lit


def _global_predicates(as_of: dt.date) -> frozenset[tuple[str, int]]:
    every = {name: r.default for name, r in kb_readings().items()}
    return frozenset((s.name, len(s.arguments)) for s in global_facts(as_of, every))


def person_predicates(program: Program, as_of: dt.date) -> frozenset[tuple[str, int]]:
    """Predicates whose atoms depend on a person: person inputs and what rules derive from them."""
    out = set(program.defined_inputs - _global_predicates(as_of))
    changed = True
    while changed:
        changed = False
        for rule in program.rules:
            key = (rule.name, rule.arity)
            if key in out:
                continue
            if any(lit.term is not None and isinstance(lit.term, Fn) and lit.signature in out
                   for lit in _body_literals(rule.body) if lit.kind in (ATOM, NEGATION)):
                out.add(key)
                changed = True
    return frozenset(out)


def person_inputs(program: Program, as_of: dt.date) -> tuple[str, ...]:
    """The names of the person input predicates (kb/schema.lp), sorted: the slots of a key."""
    names = {name for name, _ in program.defined_inputs - _global_predicates(as_of)}
    return tuple(sorted(names))


# ---------------------------------------------------------------------------
# Cones.

Pattern = tuple  # native values or None (any), without the person argument


@dataclass(frozen=True)
class Cone:
    """The input facts one question's answer can reach: per predicate, None for every fact
    of it, or the patterns a fact must match."""

    question: str
    inputs: Mapping[str, tuple[Pattern, ...] | None]


def _partial(term: Fn, b: dict) -> tuple[object, ...]:
    """The term's arguments as values (`pyagent.engine.values`, the form of `native`), None unbound."""
    out: list[object] = []
    for a in term.args:
        try:
            out.append(evaluate(a, b))
        except Unbound:
            out.append(None)
    return tuple(out)


def _has_anonymous(term) -> bool:
    if isinstance(term, Var):
        return term.name == "_"
    if isinstance(term, Fn):
        return any(_has_anonymous(a) for a in term.args)
    return False


def _failure_order(body: Sequence[Literal]) -> list[Literal]:
    """The order in which pyagent.explain.tree examines a rule's body (explain._failure_order)."""
    first = [lit for lit in body if lit.kind == ATOM and lit.signature in (CITATION, READING)]
    rest = [lit for lit in body if not any(lit is f for f in first)]
    return first + [lit for lit in rest if lit.kind == ATOM] + [lit for lit in rest if lit.kind != ATOM]


class _ConeBuilder:
    def __init__(self, program: Program, static: Model, person_preds: frozenset, inputs: Iterable[str]):
        self.program = program
        self.ev = Evaluator(program, static)
        self.person_preds = person_preds
        self.input_names = set(inputs)
        self.p0 = person_term(0, WORST)

    def cone(self, question: str, term: Symbol) -> Cone:
        found: dict[str, set[Pattern]] = {}
        seen: set[tuple] = set()
        # patterns of values (pyagent.engine.evaluate works on them: the form of `native`)
        todo: list[tuple[str, tuple[object, ...]]] = [("answer", (native(self.p0), native(term)))]
        while todo:
            name, pattern = todo.pop()
            key = (name, pattern)
            if key in seen:
                continue
            seen.add(key)
            arity = len(pattern)
            if (name, arity) not in self.person_preds:
                continue
            if name in self.input_names and not self.program.is_derived(name, arity):
                found.setdefault(name, set()).add(
                    tuple(pattern[1:])
                )
                continue
            for rule in self.program.rules_for(name, arity):
                todo.extend(self._body_goals(rule, pattern))
        inputs: dict[str, tuple[Pattern, ...] | None] = {}
        for name, patterns in found.items():
            if any(all(v is None for v in p) for p in patterns):
                inputs[name] = None
            else:
                inputs[name] = tuple(sorted(patterns, key=repr))
        return Cone(question, inputs)

    def _body_goals(self, rule: Rule, pattern: tuple) -> list[tuple[str, tuple]]:
        b0 = self.ev.head_binding(rule, pattern)
        if b0 is None:
            return []
        bindings: list[dict] = [b0]
        goals: list[tuple[str, tuple]] = []
        for lit in _failure_order(rule.body):
            if lit.kind == ATOM and lit.signature == CITATION:
                continue  # the explainer does not bind from the citation
            if lit.kind == ATOM and lit.signature == READING:
                solutions = [nb for cb in bindings for nb in self.ev.literal_solutions(lit, cb)]
                if not solutions:
                    return goals  # a reading not in force: the explainer stops at it
                bindings = _dedupe(solutions)
                continue
            if lit.kind == ATOM and lit.signature not in self.person_preds:
                solutions = [nb for cb in bindings for nb in self.ev.literal_solutions(lit, cb)]
                if solutions:
                    bindings = _dedupe(solutions)
                elif self.program.is_table(*lit.signature) and _has_anonymous(lit.term):
                    return goals  # no entry of the table fits: the explainer drops the rule
                continue
            for inner in _body_literals([lit]):
                if inner.kind not in (ATOM, NEGATION) or not isinstance(inner.term, Fn):
                    continue
                if inner.signature not in self.person_preds:
                    continue
                for cb in bindings:
                    goals.append((inner.term.name, _partial(inner.term, cb)))
        return goals


def _all_vars(lit: Literal) -> set[str]:
    """Every variable of a literal, those inside an aggregate's elements included."""
    out = set(lit.vars)
    if lit.kind == AGGREGATE:
        for terms, condition in lit.elements:
            for t in terms:
                out |= term_vars(t)
            for c in condition:
                out |= _all_vars(c)
    return out


def _dedupe(bindings: list[dict]) -> list[dict]:
    return dedupe(bindings)  # no cap: every fact a question can read


# ---------------------------------------------------------------------------
# Abstraction.


class Abstraction:
    """Per input predicate and argument position (without the person), how values may be
    replaced: ``classes`` maps a value to its representative (a value not listed merges into
    `MERGED`); ``points`` are the thresholds numbers are compared with.  A position with no
    entry keeps every value."""

    def __init__(
        self,
        classes: Mapping[tuple[str, int], Mapping[object, object]],
        points: Mapping[tuple[str, int], tuple[int, ...]],
    ) -> None:
        self.classes = {k: dict(v) for k, v in classes.items()}
        self.points = dict(points)

    def positions(self) -> list[tuple[str, int]]:
        return sorted(self.classes)

    def common(self, other: "Abstraction") -> "Abstraction":
        """The abstraction both allow: two values merge only where both merge them (one key
        then serves two runs, e.g. the readings compared by ``--compare-reading``)."""
        classes: dict[tuple[str, int], dict] = {}
        points: dict[tuple[str, int], tuple[int, ...]] = {}
        for key in set(self.classes) & set(other.classes):
            mine, theirs = self.classes[key], other.classes[key]
            groups: dict[tuple, list] = {}
            for v in set(mine) | set(theirs):
                groups.setdefault((mine.get(v, MERGED), theirs.get(v, MERGED)), []).append(v)
            out: dict[object, object] = {}
            for pair, members in groups.items():
                rep = MERGED if pair == (MERGED, MERGED) else min(members, key=repr)
                for v in members:
                    out[v] = rep
            classes[key] = out
            points[key] = tuple(sorted(set(self.points[key]) | set(other.points[key])))
        return Abstraction(classes, points)

    def mapper(self, name: str, pos: int) -> Callable[[object], object] | None:
        """The function that replaces a value by its representative; None: keep every value."""
        key = (name, pos)
        if key not in self.classes:
            return None
        classes = self.classes[key]
        points = sorted(set(self.points[key]) | {v for v in classes if isinstance(v, int)})
        cache: dict[object, object] = {}

        def representative(v: object) -> object:
            hit = classes.get(v)
            if hit is not None:
                return hit
            if v == SUP or v == INF:
                return v
            if isinstance(v, int):
                hit = cache.get(v)
                if hit is None:
                    i = bisect.bisect_left(points, v)
                    if i < len(points) and points[i] == v:
                        hit = v
                    elif i == 0:
                        hit = points[0] - 1 if points else 0
                    else:
                        hit = points[i - 1] + 1
                    if len(cache) < 4096:
                        cache[v] = hit
                return hit
            return MERGED

        return representative


class _Uses:
    """How the rules use the values of one argument position."""

    def __init__(self) -> None:
        self.equal: set = set()  # constants it is tested against for equality: kept as they are
        self.order: set = set()  # numbers it is compared with by order
        self.tables: set[tuple[str, int]] = set()  # static atoms it is joined with (pred, position)

    def merge(self, other: "_Uses") -> None:
        self.equal |= other.equal
        self.order |= other.order
        self.tables |= other.tables


def _value_uses(
    program: Program,
    static: Model,
    person_preds: frozenset,
    constants: Mapping[str, set[tuple]],
    name: str,
    pos: int,
    arity: int,
    visiting: frozenset,
) -> _Uses | None:
    """How argument ``pos`` (counting the person) of ``name/arity`` is used, or None when a
    rule uses it in a way the abstraction does not cover (arithmetic, aggregates, a join with
    another person atom, a reading)."""
    key = (name, pos, arity)
    uses = _Uses()
    if key in visiting:
        return uses
    visiting = visiting | {key}

    def static_use(lit: Literal, k: int) -> bool:
        """Record a join with a static atom (or a run constant); False: not static."""
        sig = lit.signature
        if sig not in person_preds:
            rules = program.rules_for(*sig)
            if all(not r.body or isinstance(r.head.args[k], Const) for r in rules):
                # facts, and rules for one named value each: join by the facts' rows
                uses.tables.add((sig[0], k))
                for rule in rules:
                    if rule.body:
                        uses.equal.add(native(rule.head.args[k].symbol))  # singled out
            else:
                # derived by rules over a variable here: every value it holds, and every value
                # a rule's head names, stays itself
                uses.equal |= {native(a.arguments[k]) for a in static.atoms_of(*sig)}
                uses.equal |= {native(r.head.args[k].symbol) for r in rules
                               if isinstance(r.head.args[k], Const)}
            return True
        if lit.term.name in constants:
            values = {row[k - 1] for row in constants[lit.term.name]}
            uses.equal |= values
            return True
        return False

    for rule in program.rules:
        top = list(rule.body)
        for lit in _body_literals(top):
            if lit.kind not in (ATOM, NEGATION) or not isinstance(lit.term, Fn):
                continue
            if (lit.term.name, len(lit.term.args)) != (name, arity):
                continue
            arg = lit.term.args[pos]
            if isinstance(arg, Var) and arg.name == "_":
                continue
            if isinstance(arg, Const):
                uses.equal.add(native(arg.symbol))
                continue
            if not isinstance(arg, Var) or lit.kind != ATOM or not any(lit is t for t in top):
                return None
            var = arg.name
            if sum(var in term_vars(a) for a in lit.term.args) != 1:
                return None
            for j, h in enumerate(rule.head.args):
                if var in term_vars(h):
                    if not (isinstance(h, Var) and h.name == var):
                        return None
                    inner = _value_uses(program, static, person_preds, constants,
                                        rule.name, j, rule.arity, visiting)
                    if inner is None:
                        return None
                    uses.merge(inner)
            for other in top:
                if other is lit or var not in _all_vars(other):
                    continue
                if other.kind == ATOM and other.signature in (CITATION, READING):
                    return None
                if other.kind in (ATOM, NEGATION):
                    places = [k for k, a in enumerate(other.term.args) if var in term_vars(a)]
                    if len(places) != 1 or not isinstance(other.term.args[places[0]], Var):
                        return None
                    if not static_use(other, places[0]):
                        return None
                elif other.kind == COMPARISON:
                    if len(other.guards) != 1:
                        return None
                    op, right = other.guards[0]
                    left = other.term
                    if isinstance(left, Var) and left.name == var:
                        partner = right
                    elif isinstance(right, Var) and right.name == var:
                        partner = left
                    else:
                        return None
                    if isinstance(partner, Const):
                        values = {native(partner.symbol)}
                    elif isinstance(partner, Var):
                        binders = [
                            (b, k) for b in top if b.kind == ATOM and isinstance(b.term, Fn)
                            for k, a in enumerate(b.term.args) if isinstance(a, Var) and a.name == partner.name
                        ]
                        if len(binders) != 1:
                            return None
                        b, k = binders[0]
                        if b.signature not in person_preds:
                            values = {native(a.arguments[k]) for a in static.atoms_of(*b.signature)}
                        elif b.term.name in constants:
                            values = {row[k - 1] for row in constants[b.term.name]}
                        else:
                            return None
                    else:
                        return None
                    if op in ("=", "!="):
                        uses.equal |= values
                    elif all(isinstance(v, int) or v in (SUP, INF) for v in values):
                        uses.order |= {v for v in values if isinstance(v, int)}
                    else:
                        return None
                else:
                    return None
    return uses


def _classes(uses: _Uses, static: Model) -> dict[object, object] | None:
    """Value -> representative: values in ``equal`` stand for themselves; the others are
    grouped by the rows of the static atoms they are joined with (two values in exactly the
    same rows are interchangeable), a group standing for all its members by its least one;
    a value in no row at all is left out (it merges into `MERGED`).  None when numbers are
    joined with tables (they are kept as they are)."""
    columns: dict[tuple[str, int], dict[object, frozenset]] = {}
    members: set = set()
    for q, k in sorted(uses.tables):
        rows: dict[object, set] = {}
        arity = next((len(a.arguments) for a in static.atoms if a.name == q), None)
        for atom in static.atoms_of(q, arity) if arity is not None else ():
            args = [native(a) for a in atom.arguments]
            rows.setdefault(args[k], set()).add(tuple(args[:k] + args[k + 1:]))
        columns[(q, k)] = {v: frozenset(r) for v, r in rows.items()}
        members |= set(rows)
    if uses.tables and any(isinstance(v, int) for v in members):
        return None
    out: dict[object, object] = {v: v for v in uses.equal}
    groups: dict[tuple, list] = {}
    for v in members - uses.equal:
        signature = tuple(columns[c].get(v, frozenset()) for c in sorted(columns))
        groups.setdefault(signature, []).append(v)
    for group in groups.values():
        rep = min(group, key=repr)
        for v in group:
            out[v] = rep
    if MERGED in out and out[MERGED] != MERGED:
        return None  # the stand-in would collide with a real value
    return out


def abstraction(
    program: Program,
    static: Model,
    person_preds: frozenset,
    constants: Mapping[str, set[tuple]],
    arities: Mapping[str, int],
) -> Abstraction:
    """The abstraction of every person input position the rules allow (see the docstring)."""
    classes: dict[tuple[str, int], dict] = {}
    points: dict[tuple[str, int], tuple[int, ...]] = {}
    for name, arity in sorted(arities.items()):
        if name in constants:
            continue
        for pos in range(1, arity):
            uses = _value_uses(program, static, person_preds, constants, name, pos, arity, frozenset())
            if uses is None:
                continue
            mapping = _classes(uses, static)
            if mapping is None:
                continue
            classes[(name, pos - 1)] = mapping
            points[(name, pos - 1)] = tuple(sorted(uses.order))
    return Abstraction(classes, points)


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
    probe = person_facts(Person("probe"), as_of, parameters)
    constant_facts = {
        name: tuple(_native_fact(f) for f in probe if f.predicate == name) for name in RUN_CONSTANT_INPUTS
    }
    constants = {name: {row[0] for row in rows} for name, rows in constant_facts.items()}
    builder = _ConeBuilder(program, static, preds, slots)
    cones = {qid: builder.cone(qid, q.term) for qid, q in QUESTIONS.items()}
    return Analysis(
        as_of, dict(readings), dict(parameters), slots, cones,
        abstraction(program, static, preds, constants, arities), constant_facts, static, program,
    )


# ---------------------------------------------------------------------------
# Keys.

NativeFact = tuple  # (arguments, world, path)


def _native_fact(f: Fact) -> NativeFact:
    return (tuple(native(a) for a in f.arguments), f.world, None if f.world == BOTH else f.path)


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
        for (name, pos) in self.abstraction.positions():
            m = self.abstraction.mapper(name, pos)
            if m is not None:
                self.mappers.setdefault(name, []).append((pos, m))
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

    def full_key(self, facts: Sequence[Fact]) -> tuple:
        """The abstracted facts of one person (pyagent.engine.facts), grouped by predicate."""
        groups: list[list] = [[] for _ in self.analysis.slots]
        for f in facts:
            args = tuple(native(a) for a in f.arguments)
            path = None if f.world == BOTH else f.path  # only an unknown's path is ever shown
            groups[self.index[f.predicate]].append((args, f.world, path))
        for name, ms in self.mappers.items():
            i = self.index[name]
            groups[i] = _abstract_group(groups[i], ms)
        key = tuple(tuple(g) for g in groups)
        for name, expected in self.analysis.constant_facts.items():
            got = key[self.index[name]]
            if got != tuple((self.abstract(name, a), w, p) for a, w, p in expected):
                raise RuntimeError(f"{name} facts differ between persons: the abstraction assumes not")
        return key

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
                    parts.append(tuple(
                        f for f in group if any(all(f[0][k] == v for k, v in p) for p in test[1])
                    ))
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
                out.append(Fact(name, tuple(symbol(a) for a in args), world, path))
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


def slow_signature(keys: Keys, person: Person) -> tuple:
    """The full key of a validated person, through pyagent.engine.facts (the reference path)."""
    a = keys.analysis
    return keys.full_key(person_facts(person, a.as_of, a.parameters))


# ---------------------------------------------------------------------------
# The fast path: a JSON row straight to its full key.

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SQUASH = re.compile(r"[\s_\-]+")
_LEVEL_ORDER = ("junior_worker", "intermediate_worker", "senior_worker", "technician", "senior_technician")
_RANK_ORDER = ("junior", "assistant", "intermediate", "associate_senior", "full_senior")
_SKILL_PARAMETERS = ("senior_worker", "technician", "senior_technician")
_CERT_KEYS = frozenset(("level", "kind", "obtained", "occupation"))
_PERIOD_KEYS = frozenset(("from", "to"))
_POST_KEYS = frozenset(("since", "occupation"))
_ASSESSMENT_KEYS = frozenset(("year", "grade", "at_current_post"))
_HONOUR_KEYS = frozenset(("code", "class", "category"))
_TITLE_KEYS = frozenset(("rank", "series", "obtained"))
_PERSON_KEYS = frozenset(PERSON_KEYS)
_TRISTATE = {"true": True, "false": False, "unknown": None}


class _Slow(Exception):
    """The row is not in a shape the fast path knows: take the slow path."""


def _get(table: Mapping[str, str], value: object) -> str | None:
    return table.get(value) if type(value) is str else None


def _lookup(v: vocab.Vocabulary) -> dict[str, str]:
    out = {alias: code for code, alias in v.aliases.items()}
    out.update({code: code for code in v.aliases})
    return out


class FastFacts:
    """A JSON row (already ``json.loads``-ed) to its full key, for the plain shapes only.

    ``key(row)`` returns ``(id, full key, number of mapping keys read)`` or raises `_Slow`
    (caught by `signature`) for anything it does not handle: it never decides that a row is
    bad, `pyagent.input.case` does.  Each branch mirrors `pyagent.input.case` (what is accepted) and
    `pyagent.engine.facts` (the facts made, in their order).
    """

    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        a = keys.analysis
        self.as_of = a.as_of
        self.year_end = dt.date(a.as_of.year, 12, 31)
        self.slots = a.slots
        self.ix = {name: i for i, name in enumerate(a.slots)}
        m = {name: dict(ms) for name, ms in keys.mappers.items()}
        ident = lambda v: v  # noqa: E731
        self.m_kind = m.get("certificate", {}).get(2, ident)
        self.m_level = m.get("certificate", {}).get(1, ident)
        self.m_months = m.get("certificate_months", {}).get(3, ident)
        self.m_field = m.get("field", {}).get(0, ident)
        self.m_occupation = m.get("post_occupation", {}).get(0, ident)
        self.m_grade = m.get("assessment", {}).get(1, ident)
        self.m_series = m.get("title", {}).get(2, ident)
        self.m_rank = m.get("title", {}).get(1, ident)
        self.m_years = m.get("cumulative_work_years", {}).get(0, ident)
        self.m_honour = m.get("honour", {}).get(0, ident)
        self.m_class = m.get("honour_class", {}).get(1, ident)
        self.m_category = m.get("honour_category", {}).get(1, ident)
        inline = {
            ("certificate", 1), ("certificate", 2), ("certificate_months", 3), ("field", 0),
            ("post_occupation", 0), ("assessment", 1), ("title", 1), ("title", 2),
            ("cumulative_work_years", 0), ("honour", 0), ("honour_class", 1), ("honour_category", 1),
        }
        # positions with a mapper that the code below does not apply: applied at the end
        post: dict[str, list[tuple[int, Callable]]] = {}
        for name, ms in keys.mappers.items():
            for pos, mapper in ms:
                if (name, pos) not in inline and name not in RUN_CONSTANT_INPUTS:
                    post.setdefault(name, []).append((pos, mapper))
        self.post = tuple((self.ix[name], tuple(ms)) for name, ms in post.items() if name in self.ix)
        self.enabled = set(a.slots) == set(_FAST_SLOTS)
        self.levels = _lookup(vocab.LEVELS)
        self.kinds = _lookup(vocab.CERTIFICATE_KINDS)
        self.fields = _lookup(vocab.FIELDS)
        self.grades = _lookup(vocab.GRADES)
        self.honours = _lookup(vocab.HONOURS)
        self.classes = _lookup(vocab.CONTEST_CLASSES)
        self.categories = _lookup(vocab.ALLOWANCE_CATEGORIES)
        self.ranks = _lookup(vocab.RANKS)
        self.squashed = {
            _SQUASH.sub("", s).casefold() for c, al in vocab.FIELDS.aliases.items() for s in (c, al)
        }
        self.dates: dict[str, dt.date] = {}
        self.elapsed: dict[tuple[dt.date, dt.date], int] = {}
        self.constant = {name: tuple((keys.abstract(name, args), w, p) for args, w, p in rows)
                         for name, rows in a.constant_facts.items()}
        self.notice = ((((), BEST, "notice_in_force"),) if a.as_of < REPORT_DATE else ())
        self.unknown_certs_no_work = self._unknown_certificates(None)
        self.unknown_titles = tuple(
            ((t, self.m_rank(rank), self.m_series("stated")), BEST, "titles") for t, rank in enumerate(_RANK_ORDER)
        )
        self.field_unknown = (((self.m_field("engineering"),), BEST, "field"),)
        self.cwy_unknown = (((self.m_years(0),), WORST, "cumulative_work_years"),
                            ((SUP,), BEST, "cumulative_work_years"))
        self.person = (((), BOTH, None),)
        self.unknown_honours = self._unknown_honours()

    # -- helpers ------------------------------------------------------------
    def _best_months(self, periods, end: dt.date, counting: str, path: str) -> tuple[object, str]:
        """facts.person_facts: an unknown date counts, at best, all the technical work."""
        if counting == "elapsed":
            return SUP, path
        if periods is None:
            return SUP, f"{path}, technical_work"
        return self.m_months(counted_months(dt.date.min, periods, end)), path

    def _unknown_certificates(self, periods) -> tuple[tuple, tuple]:
        certs, months = [], []
        ends = (("as_of", self.as_of), ("year_end", self.year_end))
        for c, level in enumerate(_LEVEL_ORDER):
            certs.append(((c, self.m_level(level), self.m_kind("unstated")), BEST, "certificates"))
            for end_name, end in ends:
                for counting in ("technical_work", "elapsed"):
                    value, path = self._best_months(periods, end, counting, "certificates")
                    months.append(((c, end_name, counting, value), BEST, path))
        return tuple(certs), tuple(months)

    def _unknown_honours(self) -> tuple[tuple, tuple, tuple, tuple]:
        honour, klass, prize, category = [], [], [], []
        for code in vocab.HONOURS.codes:
            honour.append(((self.m_honour(code),), BEST, "honours"))
            if code.startswith("national_contest_"):
                klass.append(((self.m_honour(code), self.m_class("i")), BEST, "honours"))
            if code.startswith("national_contest_") and code.endswith("_prize"):
                prize.append(((self.m_honour(code),), BEST, "honours"))
        category.append(((self.m_honour("state_council_allowance"), self.m_category("high_skill")), BEST, "honours"))
        return tuple(honour), tuple(klass), tuple(prize), tuple(category)

    def _date(self, v: object) -> dt.date:
        if type(v) is not str:
            raise _Slow
        d = self.dates.get(v)
        if d is not None:
            return d
        if not _ISO.fullmatch(v):
            raise _Slow
        try:
            d = dt.date.fromisoformat(v)
        except ValueError:
            raise _Slow from None
        if not MIN_YEAR <= d.year <= MAX_YEAR:
            raise _Slow
        if len(self.dates) < 100_000:
            self.dates[v] = d
        return d

    @staticmethod
    def _text(v: object) -> str:
        if type(v) is not str or not v.isprintable():
            raise _Slow
        s = v.strip()
        if not s or len(s) > MAX_TEXT:
            raise _Slow
        return s

    def _field_value(self, v: object) -> object:
        """A field or series: the code, or an unlisted field as ("str", text)."""
        if type(v) is str:
            code = self.fields.get(v)
            if code is not None:
                return code
        s = self._text(v)
        code = self.fields.get(s)
        if code is not None:
            return code
        if _SQUASH.sub("", s).casefold() in self.squashed:
            raise _Slow  # a listed field mistyped: pyagent.input.case says so
        if not s.isascii() and not unicodedata.is_normalized("NFKC", s):
            raise _Slow  # look-alike characters (full-width): pyagent.input.person.normal
        return ("str", s)

    def _months(self, obtained: dt.date, periods, end: dt.date) -> int:
        return counted_months(obtained, periods, end)

    def _elapsed(self, obtained: dt.date, end: dt.date) -> int:
        k = (obtained, end)
        v = self.elapsed.get(k)
        if v is None:
            v = counted_months(obtained, (), end, within_work=False)
            if len(self.elapsed) < 200_000:
                self.elapsed[k] = v
        return v

    # -- the row ------------------------------------------------------------
    def key(self, row: object) -> tuple[str, tuple, int]:
        if type(row) is not dict:
            raise _Slow
        nkeys = len(row)
        for k in row:
            if k not in _PERSON_KEYS:
                raise _Slow
        raw_id = row.get("id")
        if type(raw_id) is not str or not raw_id.isprintable():
            raise _Slow
        pid = raw_id.strip()
        if not pid or len(pid) > MAX_TEXT:
            raise _Slow
        as_of = self.as_of
        ix = self.ix
        groups: list = [()] * len(self.slots)
        groups[ix["person"]] = self.person

        # technical work first: certificate_months needs it
        work = row.get("technical_work")
        periods = None
        if work is not None:
            if type(work) is not list or len(work) > MAX_ITEMS:
                raise _Slow
            periods = []
            for p in work:
                if type(p) is not dict:
                    raise _Slow
                nkeys += len(p)
                for k in p:
                    if k not in _PERIOD_KEYS:
                        raise _Slow
                start = p.get("from")
                if start is None:
                    raise _Slow
                start = self._date(start)
                end = p.get("to")
                if end is not None:
                    end = self._date(end)
                    if end < start:
                        raise _Slow
                periods.append(_Period(start, end))

        certs = row.get("certificates")
        if certs is None:
            if periods is None:
                groups[ix["certificate"]], groups[ix["certificate_months"]] = self.unknown_certs_no_work
            else:
                groups[ix["certificate"]], groups[ix["certificate_months"]] = self._unknown_certificates(periods)
        else:
            if type(certs) is not list or len(certs) > MAX_ITEMS:
                raise _Slow
            cert_facts, month_facts = [], []
            m_months = self.m_months
            for c, cert in enumerate(certs):
                if type(cert) is not dict:
                    raise _Slow
                nkeys += len(cert)
                for k in cert:
                    if k not in _CERT_KEYS:
                        raise _Slow
                level = _get(self.levels, cert.get("level"))
                if level is None:
                    raise _Slow
                kind = cert.get("kind")
                if kind is not None:
                    kind = _get(self.kinds, kind)
                    if kind is None:
                        raise _Slow
                obtained = cert.get("obtained")
                if obtained is not None:
                    obtained = self._date(obtained)
                occupation = cert.get("occupation")
                if occupation is not None:
                    self._text(occupation)
                if obtained is not None and obtained > as_of:
                    continue
                here = f"certificates[{c}]"
                cert_facts.append(((c, self.m_level(level), self.m_kind(kind or "unstated")), BOTH, None))
                if obtained is None:
                    path = here + ".obtained"
                    lo = m_months(0)
                    for end_name, end in (("as_of", as_of), ("year_end", self.year_end)):
                        for counting in ("technical_work", "elapsed"):
                            value, at = self._best_months(periods, end, counting, path)
                            month_facts.append(((c, end_name, counting, lo), WORST, at))
                            month_facts.append(((c, end_name, counting, value), BEST, at))
                    continue
                for end_name, end in (("as_of", as_of), ("year_end", self.year_end)):
                    elapsed = self._elapsed(obtained, end)
                    if periods is None:
                        month_facts.append(((c, end_name, "technical_work", m_months(0)), WORST, "technical_work"))
                        month_facts.append(((c, end_name, "technical_work", m_months(elapsed)), BEST, "technical_work"))
                    else:
                        months = counted_months(obtained, periods, end)
                        month_facts.append(((c, end_name, "technical_work", m_months(months)), BOTH, None))
                    month_facts.append(((c, end_name, "elapsed", m_months(elapsed)), BOTH, None))
            groups[ix["certificate"]] = tuple(cert_facts)
            groups[ix["certificate_months"]] = tuple(month_facts)

        field = row.get("field")
        if field is None:
            groups[ix["field"]] = self.field_unknown
        else:
            value = self._field_value(field)
            groups[ix["field"]] = (((self.m_field(value),), BOTH, None),)
            if type(value) is tuple:
                groups[ix["unlisted_field_may_be_listed"]] = (((), BEST, "field"),)

        post = row.get("current_post")
        if post is None:
            groups[ix["current_post"]] = (((), BEST, "current_post"),)
            groups[ix["post_occupation"]] = (((self.m_occupation(("str", "")),), BEST, "current_post"),)
        elif type(post) is str:
            if post.strip().lower() not in ("none", "无"):
                raise _Slow
        elif type(post) is dict:
            nkeys += len(post)
            for k in post:
                if k not in _POST_KEYS:
                    raise _Slow
            since = post.get("since")
            if since is not None:
                self._date(since)
            occupation = post.get("occupation")
            groups[ix["current_post"]] = (((), BOTH, None),)
            if occupation is not None:
                text = self._text(occupation)
                groups[ix["post_occupation"]] = (((self.m_occupation(("str", text)),), BOTH, None),)
            else:
                groups[ix["post_occupation"]] = (((self.m_occupation(("str", "")),), BEST,
                                                   "current_post.occupation"),)
        else:
            raise _Slow

        nkeys += self._assessments(row.get("annual_assessments"), groups)
        nkeys += self._honours(row.get("honours"), groups)

        for name, pred, args in (
            ("outstanding_contribution", "outstanding_contribution", ()),
            ("social_benefit", "benefit", ("social",)),
            ("economic_benefit", "benefit", ("economic",)),
        ):
            value = row.get(name)
            if value is not None and type(value) is not bool:
                if type(value) is not str:
                    raise _Slow
                folded = value.strip().lower()
                if folded not in _TRISTATE:
                    raise _Slow
                value = _TRISTATE[folded]
            if value is True:
                groups[ix[pred]] += ((args, BOTH, None),)
            elif value is None:
                groups[ix[pred]] += ((args, BEST, name),)

        titles = row.get("titles")
        if titles is None:
            groups[ix["title"]] = self.unknown_titles
        else:
            if type(titles) is not list or len(titles) > MAX_ITEMS:
                raise _Slow
            out = []
            for t, title in enumerate(titles):
                if type(title) is not dict:
                    raise _Slow
                nkeys += len(title)
                for k in title:
                    if k not in _TITLE_KEYS:
                        raise _Slow
                rank = _get(self.ranks, title.get("rank"))
                if rank is None:
                    raise _Slow
                series = title.get("series")
                series = "unstated" if series is None else self._field_value(series)
                obtained = title.get("obtained")
                if obtained is not None and self._date(obtained) > as_of:
                    continue
                out.append(((t, self.m_rank(rank), self.m_series(series)), BOTH, None))
            groups[ix["title"]] = tuple(out)

        years = row.get("cumulative_work_years")
        if years is None:
            groups[ix["cumulative_work_years"]] = self.cwy_unknown
        else:
            ty = type(years)
            if ty is not int and ty is not float:
                raise _Slow
            if not (math.isfinite(years) and 0 <= years <= MAX_YEARS):
                raise _Slow
            groups[ix["cumulative_work_years"]] = (((self.m_years(math.floor(float(years))),), BOTH, None),)
        for name, facts in self.constant.items():
            groups[ix[name]] = facts
        if self.notice:
            groups[ix["notice_issued_by_as_of"]] = self.notice
        credentials = [k for k in vocab.NEVER_DECISIVE if k in row]
        for k in credentials:  # bounded like any field: plain short text, or the full path says why
            v = row[k]
            if not (v is None or (type(v) is str and len(v) <= 200)):
                raise _Slow
        if credentials:
            groups[ix["credential"]] = tuple(((k,), BOTH, None) for k in sorted(credentials))
        for i, ms in self.post:
            groups[i] = tuple(_abstract_group(groups[i], ms))
        return pid, tuple(groups), nkeys

    def _assessments(self, listed: object, groups: list) -> int:
        ix = self.ix
        year = self.as_of.year
        m_grade = self.m_grade
        if listed is None:
            a, g = [], []
            for y in range(year - 3, year):
                a.append(((y, m_grade("unknown"), "true"), BOTH, None))
                g.append(((y,), BEST, "annual_assessments"))
            groups[ix["assessment"]] = tuple(a)
            groups[ix["grade_may_pass"]] = tuple(g)
            return 0
        if type(listed) is not list or len(listed) > MAX_ITEMS:
            raise _Slow
        if not listed:
            return 0
        nkeys = 0
        parsed: dict[int, tuple[int, str, bool]] = {}
        for k, item in enumerate(listed):
            if type(item) is not dict:
                raise _Slow
            nkeys += len(item)
            for key in item:
                if key not in _ASSESSMENT_KEYS:
                    raise _Slow
            y = item.get("year")
            if type(y) is not int or not MIN_ASSESSMENT_YEAR <= y <= MAX_ASSESSMENT_YEAR or y in parsed:
                raise _Slow
            grade = _get(self.grades, item.get("grade"))
            if grade is None:
                raise _Slow
            at_post = item.get("at_current_post")
            if at_post is None:
                at_post = True
            elif type(at_post) is not bool:
                raise _Slow
            parsed[y] = (k, grade, at_post)
        a, g = [], []
        by_year = {y: v for y, v in parsed.items() if y <= year}
        for y in range(min(min(by_year, default=year), year - 3) - 3, year):
            if y not in by_year:
                a.append(((y, m_grade("unknown"), "true"), BOTH, None))
                g.append(((y,), BEST, f"annual_assessments.{y}"))
        for y in sorted(by_year):
            k, grade, at_post = by_year[y]
            here = f"annual_assessments[{k}]"
            a.append(((y, m_grade(grade), "true" if at_post else "false"), BOTH, None))
            if grade == "pending":
                g.append(((y,), BEST, here + ".grade"))
        groups[ix["assessment"]] = tuple(a)
        groups[ix["grade_may_pass"]] = tuple(g)
        return nkeys

    def _honours(self, listed: object, groups: list) -> int:
        ix = self.ix
        if listed is None:
            (groups[ix["honour"]], groups[ix["honour_class"]], groups[ix["prize_may_be_medal"]],
             groups[ix["honour_category"]]) = self.unknown_honours
            return 0
        if type(listed) is not list or len(listed) > MAX_ITEMS:
            raise _Slow
        nkeys = 0
        honour, klass, prize, category = [], [], [], []
        m_h = self.m_honour
        for k, item in enumerate(listed):
            contest_class = cat = None
            if type(item) is str:
                code = _get(self.honours, item)
            elif type(item) is dict:
                nkeys += len(item)
                for key in item:
                    if key not in _HONOUR_KEYS:
                        raise _Slow
                code = _get(self.honours, item.get("code"))
                contest_class = item.get("class")
                cat = item.get("category")
                if code is not None and contest_class is not None:
                    if "_contest_" not in code:
                        raise _Slow
                    contest_class = _get(self.classes, contest_class)
                    if contest_class is None:
                        raise _Slow
                if code is not None and cat is not None:
                    if code != "state_council_allowance":
                        raise _Slow
                    cat = _get(self.categories, cat)
                    if cat is None:
                        raise _Slow
            else:
                raise _Slow
            if code is None:
                raise _Slow
            here = f"honours[{k}]"
            h = m_h(code)
            honour.append(((h,), BOTH, None))
            if code.startswith("national_contest_"):
                if contest_class is not None:
                    klass.append(((h, self.m_class(contest_class)), BOTH, None))
                else:
                    klass.append(((h, self.m_class("i")), BEST, here + ".class"))
            if code.startswith("national_contest_") and code.endswith("_prize"):
                prize.append(((h,), BEST, here))
            if code == "state_council_allowance":
                if cat is not None:
                    category.append(((h, self.m_category(cat)), BOTH, None))
                else:
                    category.append(((h, self.m_category("high_skill")), BEST, here + ".category"))
        groups[ix["honour"]] = tuple(honour)
        groups[ix["honour_class"]] = tuple(klass)
        groups[ix["prize_may_be_medal"]] = tuple(prize)
        groups[ix["honour_category"]] = tuple(category)
        return nkeys


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


class _Period:
    """A technical-work period as pyagent.input.duration reads it (start, end)."""

    __slots__ = ("start", "end")

    def __init__(self, start: dt.date, end: dt.date | None) -> None:
        self.start = start
        self.end = end


# The person input predicates the fast path knows how to make; another set disables it.
_FAST_SLOTS = (
    "application_years", "assessment", "benefit", "certificate", "certificate_months", "credential",
    "cumulative_work_years", "current_post", "field", "grade_may_pass", "honour", "honour_category",
    "honour_class", "notice_issued_by_as_of", "outstanding_contribution", "person",
    "post_occupation", "prize_may_be_medal", "title", "unlisted_field_may_be_listed",
)
