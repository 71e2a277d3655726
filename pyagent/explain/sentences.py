"""From explanation nodes (`pyagent.explain.tree`) to steps with sentences, in one language.

Every sentence comes from the template of its predicate (`pyagent.explain.templates`, kept in
``kb/``); the words around them (ways, comparisons, counts, readings) are in ``TEXT``
(`pyagent.explain.words`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import weakref
from collections.abc import Iterator, Mapping, Sequence

from clingo import Symbol, SymbolType

from pyagent.engine.facts import BEST, WORST
from pyagent.engine.questions import QUESTIONS
from pyagent.engine.solve import person_term
from pyagent.explain.answers import SolvedCase
from pyagent.explain.casedata import case_value, stated_at
from pyagent.explain.inputs import INPUT_FIELDS, input_name, is_parameter
from pyagent.engine.rules import AGGREGATE, ATOM, COMPARISON, NEGATION
from pyagent.explain.nodes import NO, UNKNOWN, YES, Condition, Node, Way, replaced
from pyagent.explain.nodes import all_nodes  # noqa: F401 - re-exported
from pyagent.explain.ranked import as_levels, by_rank, short_of
from pyagent.explain.steps import (
    COMPARE,
    CONCLUSION,
    COUNT,
    FACT,
    INPUT,
    NOT,
    READING,
    SEE_ABOVE,
    WAY,
    ClauseRef,
    Comparison,
    InputRef,
    Step,
)
from pyagent.explain.templates import Phrasing, placeholders, templates_for
from pyagent.explain.words import STATUS_TEXT, TEXT  # noqa: F401 - re-exported
from pyagent.input.model import Person
from pyagent.explain.shown import _json_value, _order, _shown
from pyagent.kb import reading_said


# -- from explanation nodes to steps ----------------------------------------------------
def _identity(c: Condition) -> bool:
    """A comparison that holds because a constant equals itself (a rule's ``H = code``): the
    value is said by the condition that bound it."""
    return bool(c.compared) and all(
        x.op == "=" and x.left == x.right and x.left.type == SymbolType.Function for x in c.compared
    )


def split_paths(path: str) -> list[str]:
    return [p for p in re.split(r", |\+", path) if p]


class Builder:
    """Turns one person's explanation nodes into steps, in one language."""

    def __init__(self, solved: SolvedCase, index: int, lang: str, mode: str) -> None:
        self.solved = solved
        self.index = index
        self.lang = lang
        self.mode = mode
        self.words = TEXT[lang]
        self.person = solved.case.persons[index]
        self.case = solved.case
        key = (index, lang)  # read once per person and language, shared by the person's trees
        static = solved.explainer.readers.get(key)
        if static is None or static[0]() is not solved:  # ``solved`` by a weak reference: the
            # explainer is the case's own, and a cycle would keep the case for the collector
            static = solved.explainer.readers[key] = (
                weakref.ref(solved),
                *self._static(solved, lang),
            )
        _, self.clauses, self.order, self.phrasing, self.reading_values = static
        self.full: dict[str, Node] = {}
        self.shown: set[str] = set()

    def _static(self, solved: SolvedCase, lang: str) -> tuple:
        model = solved.model
        table = solved.explainer.clause_table()
        wording = {
            a.arguments[0].name: a.arguments[2].string
            for a in model.atoms_of("clause_wording", 3)
            if a.arguments[1].name == lang
        }
        wording.update(
            (a.arguments[0].name, a.arguments[1].string)
            for a in model.atoms_of("clause_sentence", 2)
        )
        marks: dict[str, list[str]] = {}
        for a in model.atoms_of("clause_mark", 2):
            marks.setdefault(a.arguments[0].name, []).append(a.arguments[1].string)
        clauses = {
            cid: ClauseRef(cid, ref, wording.get(cid, text), kind, tuple(marks.get(cid, ())))
            for cid, (ref, text, kind, _) in table.items()
        }
        order = {cid: row[3] for cid, row in table.items()}
        phrasing = Phrasing(
            templates_for(solved.program),
            lang,
            person=f"「{self.person.id}」" if lang == "zh" else self.person.id,
            clause_refs={c: r.ref for c, r in clauses.items()},
            questions={q.term: (q.zh if lang == "zh" else q.en) for q in QUESTIONS.values()},
            # reads only the person and the language's words (not the builder: no cycle)
            describe=functools.partial(self._describe, self.person, self.words),
        )
        reading_values = {
            a.arguments[0].name: a.arguments[1].name for a in model.atoms_of("reading", 2)
        }
        return clauses, order, phrasing, reading_values

    # -- names of the person's certificates and titles ---------------------------------
    @staticmethod
    def _describe(person: Person, w: Mapping[str, str], kind: str, index: int) -> str | None:
        if kind == "work_years":  # the years the rules count, whole, beside a stated 9.5
            stated = person.cumulative_work_years
            if stated is None or stated.is_integer() or math.floor(stated) != index:
                return None
            return w["whole_years"].format(n=index, stated=f"{stated:g}")
        items = person.certificates if kind == "certificate" else person.titles
        if items is None or not 0 <= index < len(items):
            return None
        item = items[index]
        if item.obtained is None:
            return w[f"{kind}_undated"]
        return w[f"{kind}_of"].format(date=item.obtained.isoformat())

    # -- sentences ------------------------------------------------------------------------
    def sentence(
        self,
        name: str,
        arity: int,
        args: Sequence,
        person: bool,
        negated: bool = False,
        some: bool = False,
    ) -> str:
        return self.phrasing.sentence(name, arity, args, person=person, negated=negated, some=some)

    def node_text(self, node: Node, negated: bool = False) -> str:
        args: Sequence = node.arguments
        open_args = self._open_args(node)
        if open_args:
            fmts = self._formats(node.predicate, node.arity)
            args = list(args)
            for k, (worst, best) in open_args.items():
                args[k] = self._open_value(worst, best, fmts.get(k))
        return self.sentence(node.predicate, node.arity, args, node.person, negated)

    def _formats(self, name: str, arity: int) -> dict[int, str | None]:
        text = self.phrasing.templates.text(name, arity, self.lang) or ""
        return {int(k) - 1: f for k, f in placeholders(text) if k != "P"}

    def _open_args(self, node: Node) -> dict[int, tuple[Symbol, Symbol]]:
        """The arguments of an unknown atom that hold only in the completion shown: each with
        its value in the other completion and in this one.  An atom that holds in one
        completion only, with a nearest atom in the other differing in some arguments, got
        those from what the case leaves open (a month count of an undated certificate)."""
        args = node.arguments
        if node.status != UNKNOWN or not node.person or not args:
            return {}
        model = self.solved.model
        for world in (WORST, BEST):
            here = [
                a.arguments[1:]
                for a in model.atoms_of(node.predicate, node.arity, person_term(self.index, world))
            ]
            if any(all(x is None or x == y for x, y in zip(args, h)) for h in here):
                continue  # holds in this completion: the other one is looked at
            nearest: tuple[list[int], Sequence[Symbol]] | None = None
            for h in here:
                diff = [k for k, (x, y) in enumerate(zip(args, h)) if x is not None and x != y]
                if (
                    diff
                    and len(diff) < len(args)
                    and (nearest is None or len(diff) < len(nearest[0]))
                ):
                    nearest = (diff, h)
            if nearest is None:
                return {}
            diff, other = nearest
            out: dict[int, tuple[Symbol, Symbol]] = {}
            for k in diff:
                shown = args[k]
                if shown is not None:
                    out[k] = (other[k], shown)
            return out
        return {}

    def _open_value(self, a: Symbol, b: Symbol, fmt: str | None) -> str:
        """A value the case leaves open, between its two completions."""
        w = self.words
        lo, hi = (a, b) if _order(a) <= _order(b) else (b, a)
        if hi.type == SymbolType.Supremum:
            return w["open_at_least"].format(a=self.phrasing.term(lo, fmt))
        return w["open_between"].format(
            a=self.phrasing.term(lo, fmt), b=self.phrasing.term(hi, fmt)
        )

    def clause(self, cid: str | None) -> ClauseRef | None:
        return self.clauses.get(cid) if cid else None

    # -- nodes ------------------------------------------------------------------------------
    def step(self, node: Node, again: bool = False) -> Step | None:
        """``again``: a fact of the knowledge base's tables said already is referred to ("see
        above") rather than left out (`conditions`: one about the person's own values)."""
        s = self._step(node, again)
        if s is not None and s.holds == NO and s.kind != WAY:
            negated = self.node_text(node, negated=True)
            if negated:
                s = replaced(s, negated=negated)
            if None in node.arguments and s.kind != SEE_ABOVE:
                # an input asked for whatever its open values, in the KB's words for that
                # (「有2023年度考核（在现工作岗位）的记录」), never an open value said as 「任一」
                some = self.sentence(
                    node.predicate, node.arity, node.arguments, node.person, some=True
                )
                if some or negated:
                    s = replaced(s, text=some or negated)
        return s

    def _step(self, node: Node, again: bool = False) -> Step | None:
        if not self.full:
            for n in all_nodes(node):
                if not n.repeated and n.key not in self.full:
                    self.full[n.key] = n
        if self.phrasing.hidden(node.predicate, node.arity):
            return None
        if node.repeated:
            node = self.full.get(node.key, node)
        # a line states its condition as the rule requires it; its mark (✓ ✗ ?) says whether
        # it holds, in why and why-not alike: never a negated sentence under a ✗, which the
        # mark would negate again (what failed is said in the negative in `Step.negated`)
        text = self.node_text(node)
        if not node.derived:
            inputs = self.inputs_of(node)
            if node.status == UNKNOWN and any(leaf.unknown for leaf in node.leaves):
                text = self.unstated(inputs) or text
            elif node.status == YES and inputs and all(i.value is None for i in inputs):
                # a fact that stands for an input the case leaves out (a year it does not list)
                # holds in the model, but the input is not stated: never shown as holding
                return Step(self.unstated(inputs) or text, UNKNOWN, INPUT, inputs=inputs)
            return Step(text, node.status, INPUT, inputs=inputs)
        if not node.person and all(not w.conditions for w in node.ways) and node.status != NO:
            # a fact of the knowledge base's own tables: said once; a later instance of a rule
            # with it refers to it when it is about the person's values (「合格计为考核合格」 under
            # each year graded 合格), else leaves it out (the clause of the question, again)
            if node.key in self.shown:
                return Step(text, node.status, SEE_ABOVE) if again else None
            self.shown.add(node.key)
            return Step(text, node.status, FACT)
        if node.key in self.shown:
            return Step(text, node.status, SEE_ABOVE)
        self.shown.add(node.key)
        ways = list(node.ways)
        if node.status != NO and ways:
            first = next((w for w in ways if w.status == node.status), ways[0])
            ways = [first]
        elif len(ways) > 1:  # rules for other kinds of values (a pending grade) say nothing here
            for strict in (True, False):  # two constants that differ first, then table guards
                other = [w for w in ways if self._other_kind(w, strict)]
                if other and any(w not in other and self._reading_only(w) is None for w in ways):
                    ways = [w for w in ways if w not in other]
        if not ways:
            return Step(text, node.status, CONCLUSION)
        if len(ways) == 1:
            w = ways[0]
            only = self._reading_only(w)
            if only is not None:
                return Step(
                    text,
                    node.status,
                    CONCLUSION,
                    self.clause(w.clause),
                    w.readings,
                    children=(only,),
                )
            return Step(
                text,
                node.status,
                CONCLUSION,
                self.clause(w.clause),
                w.readings,
                children=tuple(self.conditions(w)),
            )
        children: list[Step] = []
        for k, w in enumerate(ways, 1):
            only = self._reading_only(w)
            if only is not None:
                children.append(dataclasses.replace(only, clause=self.clause(w.clause)))
                continue
            label = self.words["way"].format(k=k, n=len(ways))
            children.append(
                Step(
                    label,
                    w.status,
                    WAY,
                    self.clause(w.clause),
                    w.readings,
                    children=tuple(self.conditions(w)),
                )
            )
        return Step(text, node.status, CONCLUSION, children=tuple(children))

    def _reading_only(self, way: Way) -> Step | None:
        """A way that fails only because another reading is in force."""
        if len(way.conditions) == 1 and way.conditions[0].reading is not None:
            c = way.conditions[0]
            name, value = c.reading  # type: ignore[misc]
            current = self.reading_values.get(name, "?")
            return Step(self._reading_text(name, value), NO, READING, readings=((name, current),))
        return None

    def _reading_text(self, name: str, value: str) -> str:
        """A way open only under another reading: that reading and the one in force, in words
        (its id beside it, as ``--reading`` takes it)."""
        current = self.reading_values.get(name, "?")
        said, now = (reading_said(name, v, self.lang) for v in (value, current))
        return self.words["reading"].format(name=name, value=value, said=said, current=now)

    def conditions(self, way: Way) -> Iterator[Step]:
        """A rule's conditions in its body's order: for a rule that failed, those that hold too."""
        failed = way.status == NO
        every = (
            sorted((*way.conditions, *way.held), key=lambda c: c.at) if way.held else way.conditions
        )
        # a table fact about the value the case leaves open (工程 is a listed field, beside a field
        # not stated) would bring the placeholder back: it is not shown
        placeholders = {
            a
            for c in every
            if c.node is not None and c.status != NO and self._unstated_node(c.node)
            for a in c.node.arguments
            if a is not None
        }
        # the ranks of levels said by the levels' names (`pyagent.explain.ranked`)
        ranks, hidden = by_rank(self, every)
        beside = frozenset(c.node.key for c in way.held if c.node is not None) or None
        # the values of the person's inputs in this rule instance (the grade of a year): a table
        # fact about one of them is a condition a reader looks for, referred to when said already
        mine = {
            a
            for c in every
            if c.node is not None and c.node.person and not c.node.derived
            for a in c.node.arguments
            if a is not None
        }
        said: set[tuple[str, str]] = set()
        for c in every:
            if id(c) in hidden:
                continue
            if (
                placeholders
                and c.kind == ATOM
                and c.node is not None
                and not c.node.person
                and placeholders.intersection(a for a in c.node.arguments if a is not None)
            ):
                continue
            again = (
                c.node is not None
                and not c.node.person
                and bool(mine.intersection(a for a in c.node.arguments if a is not None))
            )
            s = self.condition(c, failed and c.status == NO, beside, again)
            if s is not None and id(c) in ranks:  # the ranks said, and carried, as levels
                s = as_levels(s, *ranks[id(c)])
            if s is not None and (s.kind != INPUT or (s.text, s.holds) not in said):
                said.add((s.text, s.holds))  # an unstated input said once per rule
                yield s

    def _unstated_node(self, node: Node) -> bool:
        """An input fact the case leaves out (one holding for an unlisted year too: `step`)."""
        if node.derived or (node.status != YES and not any(f.unknown for f in node.leaves)):
            return False
        said = [i.value is None for i in self.inputs_of(node)]
        return (bool(said) and all(said)) if node.status == YES else any(said)

    def _other_kind(self, way: Way, constants_only: bool = False) -> bool:
        """A rule that failed because it is about other kinds of values than the person's: a
        fact table of the knowledge base has no entry for the value (undetermined_grade:
        pending and unknown, not unqualified), or two constants differ."""
        program = self.solved.program
        for c in way.conditions:
            if c.status != NO:
                continue
            if (
                not constants_only
                and c.kind == ATOM
                and c.node is not None
                and not c.node.person
                and program.is_table(c.node.predicate, c.node.arity)
            ):
                return True
            if (
                c.kind == COMPARISON
                and c.compared
                and all(
                    x.op == "=" and x.left.type == x.right.type == SymbolType.Function
                    for x in c.compared
                )
            ):
                return True
        return False

    def condition(
        self, c: Condition, failed: bool, beside: frozenset[str] | None = None, again: bool = False
    ) -> Step | None:
        """``beside``: the atoms of the rule's conditions that hold, shown beside ``c`` (a rule
        that failed, full trees): those of its context are not said again under it."""
        if c.reading is not None:
            return Step(self._reading_text(*c.reading), NO, READING)
        if c.kind == COMPARISON:
            if c.status == YES and _identity(c):
                return None  # 「享受国务院政府特殊津贴 = 享受国务院政府特殊津贴」 says nothing
            return self.comparison(c, failed, beside is not None)
        if c.kind == AGGREGATE:
            return self.aggregate(c)
        if c.kind == NEGATION:
            return self.negation(c)
        if c.node is None:
            return None
        step = self.step(c.node, again)
        if step is None:
            return None
        if c.context:  # what gave it its values (the certificate ← certificates[1])
            context = (n for n in c.context if n.person and n.key not in (beside or ()))
            extra = tuple(s for s in map(self.step, context) if s is not None)
            if extra:
                step = replaced(step, children=extra + step.children)
        return step

    def negation(self, c: Condition) -> Step | None:
        part = c.atom
        if part is None:
            return None
        if self.phrasing.hidden(part.predicate, part.arity):
            return None
        inner = self.sentence(part.predicate, part.arity, part.arguments, part.person)
        # the condition as the rule requires it, in the KB's own negative wording where it has
        # one (「现工作岗位的起始日期未注明」), never 「并非：…已注明」 under a ✗
        text = self.sentence(
            part.predicate, part.arity, part.arguments, part.person, True
        ) or self.words["not"].format(s=inner)
        children: tuple[Step, ...] = ()
        clause = None
        if c.node is not None:
            s = self.step(c.node)
            if s is not None:
                children, clause = s.children, s.clause
        # failing, it says that the inner sentence holds
        return Step(
            text, c.status, NOT, clause, children=children, negated=inner if c.status == NO else ""
        )

    def comparison(self, c: Condition, failed: bool, held: bool = False) -> Step:
        comparisons = tuple(self._compared(x, c, k) for k, x in enumerate(c.compared))
        shown = _shown(comparisons, self.lang)
        children: tuple[Step, ...] = ()
        if failed and c.context:
            said = self.words["context_sep"].join(self.node_text(n) for n in c.context)
            text = self.words["compared"].format(said=said, shown=shown)
            if not held:
                children = tuple(
                    s for s in (self.step(n) for n in c.context if n.person) if s is not None
                )
        else:
            text = shown
        short = short_of(self.phrasing, c) if failed and c.status == NO else ()
        return Step(
            text,  # it reads as it came out (「27 < 36」): why-not's 「不成立：」 would say it twice
            c.status,
            COMPARE,
            comparisons=comparisons,
            children=children,
            negated=self.words["short_of"].format(a=short[0], b=short[1]) if short else "",
            short=short,
        )

    def _compared(self, x, c: Condition | None = None, k: int = 0) -> Comparison:
        """A link of a comparison as it came out: an operand the case leaves open reads
        "unknown" ("not set" for a parameter), never its placeholder value."""
        left, right = _json_value(x.left), _json_value(x.right)
        left_text, right_text = self._value_text(x.left), self._value_text(x.right)
        holds: object = x.holds
        if c is not None and c.status == UNKNOWN and c.sides:
            for pos in (k, k + 1):
                unknown = self._open_operand(c.sides[pos] if pos < len(c.sides) else None)
                if unknown is None:
                    continue
                holds = UNKNOWN
                if pos == k:
                    left, left_text = None, unknown
                else:
                    right, right_text = None, unknown
        return Comparison(left, x.op, right, holds, left_text, right_text)

    def _open_operand(self, node: Node | None) -> str | None:
        """How an operand bound by ``node`` reads when the case leaves it open, or None."""
        if node is None or node.status != UNKNOWN:
            return None
        node = self.full.get(node.key, node)
        paths = [i.path for i in self.inputs_of(node)] if not node.derived else []
        if paths and all(
            is_parameter(p) and case_value(self.case, self.person, p) is None for p in paths
        ):
            return self.words["not_set"]
        return self.words["unknown"]

    def _value_text(self, s: Symbol) -> str:
        if s.type == SymbolType.Number and 19000101 <= s.number <= 21001231:
            return self.phrasing.term(s, "date")
        return self.phrasing.term(s)

    def aggregate(self, c: Condition) -> Step:
        what: list[str] = []
        for part in c.parts:
            if isinstance(part, str):
                what.append(part)
            elif not self.phrasing.hidden(part.predicate, part.arity):
                s = self.sentence(part.predicate, part.arity, part.arguments, part.person)
                what.append(self.words["not"].format(s=s) if part.negated else s)
        value = self._value_text(c.value) if c.value is not None else "?"
        text = self.words["count"].format(what=self.words["count_sep"].join(what), value=value)
        comparisons = tuple(self._compared(x) for x in c.compared)
        if comparisons:
            shown = _shown(comparisons, self.lang)
            text = self.words["compared"].format(said=text, shown=shown)
        return Step(text, c.status, COUNT, comparisons=comparisons)

    # -- inputs ---------------------------------------------------------------------------
    def unstated(self, inputs: Sequence[InputRef]) -> str | None:
        """An input the case leaves out, as it is: not stated (a parameter: not set), never the
        placeholder value the completion gave it.  None when every input is stated."""
        missing = [i.path for i in inputs if i.value is None]
        if not missing:
            return None
        w = self.words
        said = [
            w["is_not_set" if is_parameter(p) else "is_not_stated"].format(
                name=input_name(p, self.lang, self.person)
            )
            for p in missing
        ]
        return w["context_sep"].join(said)

    def inputs_of(self, node: Node) -> tuple[InputRef, ...]:
        paths: list[str] = []
        for leaf in node.leaves:
            for p in split_paths(leaf.path):
                if p not in paths:
                    paths.append(p)
        if not paths:
            paths = [self._input_path(node)]
        refs = [InputRef(*stated_at(self.case, self.person, p)) for p in paths]
        return tuple(r for k, r in enumerate(refs) if r not in refs[:k])

    def _input_path(self, node: Node) -> str:
        """Where in the case an input that is not there would be written."""
        name = node.predicate
        if name == "benefit" and node.arguments and node.arguments[0] is not None:
            return f"{node.arguments[0].name}_benefit"
        if name == "application_years" and node.arguments and node.arguments[0] is not None:
            return f"parameters.application_years.{node.arguments[0].name}"
        if name == "credential" and node.arguments and node.arguments[0] is not None:
            return node.arguments[0].name
        return INPUT_FIELDS.get(name, name)

    # -- notes ------------------------------------------------------------------------------
    def notes(self, signature: tuple[str, int]) -> Iterator[Step]:
        name, arity = signature
        for world in (WORST,):
            for atom in self.solved.model.atoms_of(name, arity, person_term(self.index, world)):
                node = self.solved.explainer.explain(atom, first=True)
                s = self.step(node)
                if s is not None:
                    yield s
