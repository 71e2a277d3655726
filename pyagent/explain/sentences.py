"""From explanation nodes (`pyagent.explain.tree`) to steps with sentences, in one language.

Every sentence comes from the template of its predicate (`pyagent.explain.templates`, kept in
``kb/``); the words around them (ways, comparisons, counts, readings) are in ``TEXT``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence

from clingo import Symbol, SymbolType

from pyagent.engine.facts import WORST
from pyagent.engine.questions import QUESTIONS
from pyagent.engine.solve import person_term
from pyagent.explain.answers import SolvedCase
from pyagent.explain.casedata import case_value
from pyagent.engine.rules import AGGREGATE, COMPARISON, NEGATION
from pyagent.explain.nodes import NO, UNKNOWN, YES, Condition, Node, Way
from pyagent.explain.steps import (
    COMPARE,
    CONCLUSION,
    COUNT,
    FACT,
    INPUT,
    NOT,
    OPS,
    READING,
    SEE_ABOVE,
    WAY,
    WHY_NOT,
    ClauseRef,
    Comparison,
    InputRef,
    Step,
)
from pyagent.explain.templates import Phrasing, templates_for

TEXT = {
    "en": {
        "way": "way {k} of {n}",
        "context_sep": "; ",
        "compared": "{said} ({shown})",
        "reading": "applies only under reading {name}={value} (in force: {current})",
        "not": "not: {s}",
        "negated": "not: {s}",
        "count": "the number of {what}: {value}",
        "count_sep": " and ",
        "otherwise": "otherwise",
        "values_sep": " or ",
        "alone": "whatever its value: {status}",
        "at_most": "at most {n}",
        "at_least": "at least {n}",
        "between": "{a} to {b}",
        "any_value": "any value",
        "favourable": "as favourable as the case allows",
        "unfavourable": "as unfavourable as the case allows",
        "none": "none",
        "all_grade": "all three {grade}",
        "one_unqualified": "one of them {grade}",
        "listed_field": "one of the eight through-fields",
        "unlisted_field": "a field the notice does not list",
        "no_post": "no post (none)",
        "post_stated": "a post with a stated occupation",
        "post_unstated": "a post whose occupation is not stated",
        "assessment_subject": "the {year} assessment",
        "assessments_subject": "the record of annual assessments {a}–{b}",
        "class_subject": "the contest class of honours[{k}]",
        "category_subject": "the category of honours[{k}]",
        "certificate_of": "the certificate of {date}",
        "certificate_undated": "the certificate obtained on an unknown date",
        "title_of": "the title of {date}",
        "title_undated": "the title obtained on an unknown date",
        "cert_level": "a {level} certificate",
        "title_rank": "a {rank} title",
        "true": "true",
        "false": "false",
    },
    "zh": {
        "way": "途径{k}（共{n}条）",
        "context_sep": "；",
        "compared": "{said}（{shown}）",
        "reading": "仅在读法{name}={value}下适用（当前：{current}）",
        "not": "并非：{s}",
        "negated": "不成立：{s}",
        "count": "{what}的数量：{value}",
        "count_sep": "且",
        "otherwise": "否则",
        "values_sep": "或",
        "alone": "无论取何值：{status}",
        "at_most": "不超过{n}",
        "at_least": "至少{n}",
        "between": "{a}至{b}",
        "any_value": "任意值",
        "favourable": "取案例允许的最有利值",
        "unfavourable": "取案例允许的最不利值",
        "none": "无",
        "all_grade": "三年均为{grade}",
        "one_unqualified": "其中一年为{grade}",
        "listed_field": "八个贯通领域之一",
        "unlisted_field": "《通知》未列明的领域",
        "no_post": "无岗位（none）",
        "post_stated": "有岗位且注明职业（工种）",
        "post_unstated": "有岗位但未注明职业（工种）",
        "assessment_subject": "{year}年度考核",
        "assessments_subject": "{a}–{b}年度考核",
        "class_subject": "honours[{k}]的赛事类别",
        "category_subject": "honours[{k}]的类别",
        "certificate_of": "{date}取得的证书",
        "certificate_undated": "取得日期不详的证书",
        "title_of": "{date}取得的职称",
        "title_undated": "取得日期不详的职称",
        "cert_level": "{level}证书",
        "title_rank": "{rank}职称",
        "true": "true",
        "false": "false",
    },
}
STATUS_TEXT = {"en": {YES: "yes", NO: "no", UNKNOWN: "unknown"}, "zh": {YES: "是", NO: "否", UNKNOWN: "未知"}}


# -- from explanation nodes to steps ----------------------------------------------------
def all_nodes(node: Node) -> Iterator[Node]:
    """Every node of a tree, context nodes included."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        for way in n.ways:
            for c in way.conditions:
                if c.node is not None:
                    stack.append(c.node)
                stack.extend(c.context)


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
        model = solved.model
        table = solved.explainer.clause_table()
        self.clauses = {cid: ClauseRef(cid, ref, text, kind) for cid, (ref, text, kind, _) in table.items()}
        self.order = {cid: row[3] for cid, row in table.items()}
        self.phrasing = Phrasing(
            templates_for(solved.program),
            lang,
            person=self.person.id,
            clause_refs={c: r.ref for c, r in self.clauses.items()},
            questions={q.term: (q.zh if lang == "zh" else q.en) for q in QUESTIONS.values()},
            describe=self._describe,
        )
        self.full: dict[str, Node] = {}
        self.shown: set[str] = set()
        self.reading_values = {a.arguments[0].name: a.arguments[1].name for a in model.atoms_of("reading", 2)}

    # -- names of the person's certificates and titles ---------------------------------
    def _describe(self, kind: str, index: int) -> str | None:
        w = self.words
        items = self.person.certificates if kind == "certificate" else self.person.titles
        if items is None or not 0 <= index < len(items):
            return None
        item = items[index]
        if item.obtained is None:
            return w[f"{kind}_undated"]
        return w[f"{kind}_of"].format(date=item.obtained.isoformat())

    # -- sentences ------------------------------------------------------------------------
    def sentence(self, name: str, arity: int, args: Sequence, person: bool) -> str:
        return self.phrasing.sentence(name, arity, args, person=person)

    def node_text(self, node: Node) -> str:
        return self.sentence(node.predicate, node.arity, node.arguments, node.person)

    def _negative(self, text: str, status: str) -> str:
        """why-not speaks of what fails: a failing step says so."""
        if self.mode == WHY_NOT and status == NO:
            return self.words["negated"].format(s=text)
        return text

    def clause(self, cid: str | None) -> ClauseRef | None:
        return self.clauses.get(cid) if cid else None

    # -- nodes ------------------------------------------------------------------------------
    def step(self, node: Node) -> Step | None:
        if not self.full:
            for n in all_nodes(node):
                if not n.repeated and n.key not in self.full:
                    self.full[n.key] = n
        if self.phrasing.hidden(node.predicate, node.arity):
            return None
        if node.repeated:
            node = self.full.get(node.key, node)
        text = self._negative(self.node_text(node), node.status)
        if not node.derived:
            return Step(text, node.status, INPUT, inputs=self.inputs_of(node))
        if not node.person and all(not w.conditions for w in node.ways) and node.status != NO:
            # a fact of the knowledge base's own tables: said once
            if node.key in self.shown:
                return None
            self.shown.add(node.key)
            return Step(text, node.status, FACT)
        if node.key in self.shown:
            return Step(text, node.status, SEE_ABOVE)
        self.shown.add(node.key)
        ways = list(node.ways)
        if node.status != NO and ways:
            first = next((w for w in ways if w.status == node.status), ways[0])
            ways = [first]
        if not ways:
            return Step(text, node.status, CONCLUSION)
        if len(ways) == 1:
            w = ways[0]
            only = self._reading_only(w)
            if only is not None:
                return Step(text, node.status, CONCLUSION, self.clause(w.clause), w.readings, children=(only,))
            return Step(
                text, node.status, CONCLUSION, self.clause(w.clause), w.readings,
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
                Step(label, w.status, WAY, self.clause(w.clause), w.readings, children=tuple(self.conditions(w)))
            )
        return Step(text, node.status, CONCLUSION, children=tuple(children))

    def _reading_only(self, way: Way) -> Step | None:
        """A way that fails only because another reading is in force."""
        if len(way.conditions) == 1 and way.conditions[0].reading is not None:
            c = way.conditions[0]
            name, value = c.reading  # type: ignore[misc]
            current = self.reading_values.get(name, "?")
            text = self.words["reading"].format(name=name, value=value, current=current)
            return Step(text, NO, READING, readings=((name, current),))
        return None

    def conditions(self, way: Way) -> Iterator[Step]:
        failed = way.status == NO
        for c in way.conditions:
            s = self.condition(c, failed)
            if s is not None:
                yield s

    def condition(self, c: Condition, failed: bool) -> Step | None:
        if c.reading is not None:
            name, value = c.reading
            current = self.reading_values.get(name, "?")
            return Step(self.words["reading"].format(name=name, value=value, current=current), NO, READING)
        if c.kind == COMPARISON:
            return self.comparison(c, failed)
        if c.kind == AGGREGATE:
            return self.aggregate(c)
        if c.kind == NEGATION:
            return self.negation(c)
        if c.node is None:
            return None
        step = self.step(c.node)
        if step is None:
            return None
        if c.context:
            extra = tuple(s for s in (self.step(n) for n in c.context if n.person) if s is not None)
            if extra:
                step = dataclasses.replace(step, children=extra + step.children)
        return step

    def negation(self, c: Condition) -> Step | None:
        part = c.atom
        if part is None:
            return None
        if self.phrasing.hidden(part.predicate, part.arity):
            return None
        inner = self.sentence(part.predicate, part.arity, part.arguments, part.person)
        text = self.words["not"].format(s=inner)
        children: tuple[Step, ...] = ()
        clause = None
        if c.node is not None:
            s = self.step(c.node)
            if s is not None:
                children, clause = s.children, s.clause
        return Step(text, c.status, NOT, clause, children=children)

    def comparison(self, c: Condition, failed: bool) -> Step:
        comparisons = tuple(self._compared(x) for x in c.compared)
        shown = ", ".join(f"{x.actual_text} {OPS.get(x.op, x.op)} {x.required_text}" for x in comparisons)
        children: tuple[Step, ...] = ()
        if failed and c.context:
            said = self.words["context_sep"].join(self.node_text(n) for n in c.context)
            text = self.words["compared"].format(said=said, shown=shown)
            children = tuple(s for s in (self.step(n) for n in c.context if n.person) if s is not None)
        else:
            text = shown
        return Step(self._negative(text, c.status), c.status, COMPARE, comparisons=comparisons, children=children)

    def _compared(self, x) -> Comparison:
        return Comparison(
            _json_value(x.left), x.op, _json_value(x.right), x.holds,
            self._value_text(x.left), self._value_text(x.right),
        )

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
            shown = ", ".join(f"{x.actual_text} {OPS.get(x.op, x.op)} {x.required_text}" for x in comparisons)
            text = self.words["compared"].format(said=text, shown=shown)
        return Step(self._negative(text, c.status), c.status, COUNT, comparisons=comparisons)

    # -- inputs ---------------------------------------------------------------------------
    def inputs_of(self, node: Node) -> tuple[InputRef, ...]:
        paths: list[str] = []
        for leaf in node.leaves:
            for p in split_paths(leaf.path):
                if p not in paths:
                    paths.append(p)
        if not paths:
            paths = [self._input_path(node)]
        return tuple(InputRef(p, case_value(self.case, self.person, p)) for p in paths)

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


# Where each input predicate comes from in a case file (for an input that is not there).
INPUT_FIELDS = {
    "person": "id",
    "certificate": "certificates",
    "certificate_months": "certificates",
    "field": "field",
    "unlisted_field_may_be_listed": "field",
    "current_post": "current_post",
    "post_occupation": "current_post.occupation",
    "assessment": "annual_assessments",
    "grade_may_pass": "annual_assessments",
    "honour": "honours",
    "honour_class": "honours",
    "honour_category": "honours",
    "prize_may_be_medal": "honours",
    "outstanding_contribution": "outstanding_contribution",
    "title": "titles",
    "cumulative_work_years": "cumulative_work_years",
    "notice_issued_by_as_of": "as_of",
    "as_of_date": "as_of",
    "as_of_year": "as_of",
    "reading_override": "readings",
}


def _json_value(s: Symbol) -> object:
    if s.type == SymbolType.Number:
        return s.number
    if s.type == SymbolType.String:
        return s.string
    if s.type in (SymbolType.Supremum, SymbolType.Infimum):
        return None
    return str(s)


