"""Why, and why not: one answer explained for a reader, as data ready to render.

>>> from pyagent.input.case import load_case
>>> from pyagent.explain.why import explain_question
>>> found = explain_question(load_case("queries/demo.yaml"), "title.assistant",
...                          person="li_senior_worker")
>>> found.explanations[0].status
'no'
>>> found.explanations[0].root.children[0].clause.ref
'P3.S1'

The tree comes from `pyagent.explain.tree` (the rules of ``kb/`` walked against the model), and
every sentence from the template of its predicate (`pyagent.explain.templates`, kept in ``kb/``):

- **yes**: the derivation, from the conclusion down to the person's input facts;
- **no**: for every rule that could have given the conclusion, *all* the conditions that
  failed, comparisons as steps of their own with the actual and the required value, each
  followed down to the inputs;
- **unknown**: the derivation where the answer holds, down to the unknown inputs, and for
  each unknown input that decides it, the answer under each of its values (`Decider`).

Each step names the clause it rests on (`ClauseRef`, with the clause's verbatim text) and
the readings that mattered to it.  For the questions on titles, education, papers, foreign
language and computer skills stated in the case are reported as not counted (P2.S3.b).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clingo import Function, Symbol, SymbolType

from pyagent.explain.answers import SolvedCase, resolved_readings, solve_case
from pyagent.errors import InputError
from pyagent.explain.tree import AGGREGATE, COMPARISON, NEGATION, NO, UNKNOWN, YES, Condition, Node, Way
from pyagent.engine.facts import BEST, BOTH, WORST, Fact, global_facts, person_facts
from pyagent.kb import readings as kb_readings
from pyagent.input.model import NO_POST, Assessment, Case, Certificate, Honour, Person, Post, Title
from pyagent.engine.questions import QUESTIONS, Question, question_of
from pyagent.engine.solve import GroundingError, control, person_term
from pyagent.explain.templates import Phrasing, templates_for
from pyagent.input.vocab import FIELDS, HONOURS, LEVELS, RANKS

SCHEMA = "pyagent.explanation/1"
WHY, WHY_NOT = "why", "why_not"
MODES = (WHY, WHY_NOT)

# Step kinds
CONCLUSION = "conclusion"  # a derived atom of the knowledge base
INPUT = "input"  # an input fact of the case
FACT = "fact"  # a fact of the knowledge base itself (a table: level_rank, rank_clause ...)
COMPARE = "comparison"
COUNT = "count"
NOT = "not"
WAY = "way"  # one of several rules for a conclusion
READING = "reading"  # a rule that applies under another reading only
SEE_ABOVE = "see_above"

OPS = {">=": "≥", "<=": "≤", "!=": "≠", "=": "=", "<": "<", ">": ">"}
P2_S3_B_NOTE = ("not_counted", 2)  # P2.S3.b: stated credentials are not counted

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


# -- the data ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ClauseRef:
    """A clause of the notice: its id, its reference and its verbatim text."""

    id: str  # p3_s1
    ref: str  # P3.S1
    text: str
    kind: str = "normative"  # normative, metadata, contract (kb/clauses.lp)


@dataclass(frozen=True)
class InputRef:
    """An input of the case: its path in the case file (relative to the person, or to the
    case for ``as_of`` and ``parameters...``) and its value there (None: not stated)."""

    path: str
    value: object


@dataclass(frozen=True)
class Comparison:
    """A comparison evaluated: the actual value against the required one."""

    actual: object  # a number, a text, or None (unknown)
    op: str  # >=, <, ...
    required: object
    holds: bool
    actual_text: str = ""
    required_text: str = ""


@dataclass(frozen=True)
class Step:
    """One step of an explanation: a sentence, whether it holds, and what it rests on."""

    text: str
    holds: str  # yes / no / unknown
    kind: str  # conclusion, input, fact, comparison, count, not, way, reading, see_above
    clause: ClauseRef | None = None
    readings: tuple[tuple[str, str], ...] = ()  # the readings the step's rule consulted
    inputs: tuple[InputRef, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    children: tuple[Step, ...] = ()

    def walk(self) -> Iterator[Step]:
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(frozen=True)
class Outcome:
    """The answer when a deciding input takes one of ``values``."""

    values: tuple[str, ...]  # the values, as a reader sees them
    status: str


@dataclass(frozen=True)
class Decider:
    """An unknown input the answer depends on, and the answer under each of its values."""

    path: str
    subject: str  # how the input reads ("the 2025 assessment")
    value: object  # its value in the case (None: not stated)
    outcomes: tuple[Outcome, ...]

    @property
    def decides(self) -> bool:
        return len({o.status for o in self.outcomes}) > 1


@dataclass(frozen=True)
class Explanation:
    """Why one person's answer to one question is what it is."""

    person: str
    question: str
    question_text: str
    status: str
    mode: str  # why, why_not
    lang: str
    root: Step
    notes: tuple[Step, ...] = ()
    decided_by: tuple[Decider, ...] = ()
    clauses: tuple[ClauseRef, ...] = ()  # cited in the tree, in the notice's order


@dataclass(frozen=True)
class Explanations:
    """The explanations of one question for one or more persons of a case."""

    source: str
    as_of: dt.date
    readings: Mapping[str, str]  # every reading, with the value in force
    changed: tuple[tuple[str, str], ...]  # the readings that differ from the defaults
    lang: str
    mode: str
    explanations: tuple[Explanation, ...]

    def to_json(self) -> dict:
        """The ``pyagent.explanation/1`` document."""
        return {
            "schema": SCHEMA,
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "readings": dict(self.readings),
            "lang": self.lang,
            "mode": self.mode,
            "explanations": [_explanation_json(e) for e in self.explanations],
        }


def _holds_json(status: str) -> object:
    return True if status == YES else False if status == NO else "unknown"


def _step_json(step: Step) -> dict:
    out: dict[str, object] = {"text": step.text, "holds": _holds_json(step.holds), "kind": step.kind}
    if step.clause is not None:
        out["clause"] = step.clause.ref
        out["quote"] = step.clause.text
    if step.readings:
        out["readings"] = dict(step.readings)
    if step.inputs:
        out["inputs"] = [{"path": i.path, "value": i.value} for i in step.inputs]
    if step.comparisons:
        out["comparisons"] = [
            {"actual": c.actual, "op": c.op, "required": c.required, "holds": c.holds}
            for c in step.comparisons
        ]
    out["children"] = [_step_json(c) for c in step.children]
    return out


def _explanation_json(e: Explanation) -> dict:
    return {
        "person": e.person,
        "question": e.question,
        "question_text": e.question_text,
        "status": e.status,
        "clauses": [{"clause": c.ref, "quote": c.text} for c in e.clauses],
        "tree": _step_json(e.root),
        "notes": [_step_json(n) for n in e.notes],
        "decided_by": [
            {
                "path": d.path,
                "subject": d.subject,
                "value": d.value,
                "outcomes": [{"values": list(o.values), "status": o.status} for o in d.outcomes],
            }
            for d in e.decided_by
        ],
    }


# -- the library calls ------------------------------------------------------------------
def explain_question(
    case: Case,
    question_id: str,
    *,
    person: str | None = None,
    lang: str = "en",
    mode: str = WHY,
    directory: Path | None = None,
) -> Explanations:
    """Explain one question for one person of ``case`` (``person``), or for every person.

    Only the persons explained are solved, so explaining one person of a large case costs
    what one person costs.
    """
    question = question_of(question_id)
    if lang not in TEXT:
        raise InputError("--lang", "", f"{lang!r} is not a language; use en or zh")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    persons = (case.person(person),) if person is not None else case.persons
    solved = solve_case(dataclasses.replace(case, persons=persons), directory)
    explanations = tuple(
        explain_solved(solved, p.id, question.id, lang=lang, mode=mode) for p in persons
    )
    readings = resolved_readings(case.readings, directory)
    defaults = {n: r.default for n, r in kb_readings(directory).items()}
    changed = tuple((n, v) for n, v in readings.items() if defaults.get(n) != v)
    return Explanations(case.source, case.as_of, readings, changed, lang, mode, explanations)


def explain_solved(
    solved: SolvedCase,
    person_id: str,
    question_id: str,
    *,
    lang: str = "en",
    mode: str = WHY,
    decide: bool = True,
) -> Explanation:
    """Explain one answer of a case already solved (the in-process call, e.g. in a notebook).

    ``decide``: for an unknown answer, re-answer the person under each value of each
    unknown input it depends on (one more solve); without it ``decided_by`` is empty.
    """
    question = question_of(question_id)
    index = _index(solved, person_id)
    person = solved.case.persons[index]
    node = solved.explainer.explain(Function("answer", [person_term(index, WORST), question.term]), first=True)
    builder = _Builder(solved, index, lang, mode)
    root = builder.step(node)
    assert root is not None
    notes: tuple[Step, ...] = ()
    if question.id.startswith("title."):
        notes = tuple(builder.notes(P2_S3_B_NOTE))
    deciders: tuple[Decider, ...] = ()
    if decide and node.status == UNKNOWN:
        deciders = decide_unknown(solved, person, question, node, builder, mode)
    clauses = _clauses_in(root, notes)
    label = question.zh if lang == "zh" else question.en
    return Explanation(person.id, question.id, label, node.status, mode, lang, root, notes, deciders, clauses)


def _index(solved: SolvedCase, person_id: str) -> int:
    try:
        return solved.index(person_id)
    except KeyError:
        raise InputError(
            solved.case.source, "--person",
            f"no person {person_id!r} in the case; its persons are: "
            + ", ".join(p.id for p in solved.case.persons),
        ) from None


def _clauses_in(root: Step, notes: Sequence[Step]) -> tuple[ClauseRef, ...]:
    seen: dict[str, ClauseRef] = {}
    for top in (root, *notes):
        for s in top.walk():
            if s.clause is not None and s.clause.id not in seen:
                seen[s.clause.id] = s.clause
    return tuple(seen.values())


# -- from explanation nodes to steps ----------------------------------------------------
def _all_nodes(node: Node) -> Iterator[Node]:
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


def _split_paths(path: str) -> list[str]:
    return [p for p in re.split(r", |\+", path) if p]


class _Builder:
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
            for n in _all_nodes(node):
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
            for p in _split_paths(leaf.path):
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


# -- the case as written --------------------------------------------------------------------
def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _clean(d: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in d.items() if v is not None}


def person_data(person: Person) -> dict[str, object]:
    """A person as a case file writes it (SPEC section 2); None: not stated."""
    post: object
    if person.current_post is None:
        post = None
    elif person.current_post is NO_POST:
        post = "none"
    else:
        assert isinstance(person.current_post, Post)
        post = _clean({"since": _date(person.current_post.since), "occupation": person.current_post.occupation})

    def honour(h: Honour) -> object:
        if h.contest_class is None and h.category is None:
            return h.code
        return _clean({"code": h.code, "class": h.contest_class, "category": h.category})

    out: dict[str, object] = {
        "id": person.id,
        "certificates": None if person.certificates is None else [
            _clean({"level": c.level, "kind": c.kind, "obtained": _date(c.obtained), "occupation": c.occupation})
            for c in person.certificates
        ],
        "technical_work": None if person.technical_work is None else [
            _clean({"from": _date(p.start), "to": _date(p.end)}) for p in person.technical_work
        ],
        "field": person.field,
        "current_post": post,
        "annual_assessments": None if person.annual_assessments is None else [
            {"year": a.year, "grade": a.grade, "at_current_post": a.at_current_post}
            for a in person.annual_assessments
        ],
        "honours": None if person.honours is None else [honour(h) for h in person.honours],
        "outstanding_contribution": person.outstanding_contribution,
        "social_benefit": person.social_benefit,
        "economic_benefit": person.economic_benefit,
        "titles": None if person.titles is None else [
            _clean({"rank": t.rank, "series": t.series, "obtained": _date(t.obtained)}) for t in person.titles
        ],
        "cumulative_work_years": person.cumulative_work_years,
    }
    for k, v in person.never_decisive.items():
        out[k] = v if isinstance(v, (str, int, float, bool, list, dict)) or v is None else str(v)
    return out


_TOKEN = re.compile(r"([A-Za-z_][A-Za-z_0-9]*)|\[(\d+)\]|\.(\d{4})\b|\.")


def case_value(case: Case, person: Person, path: str) -> object:
    """The value at ``path`` of a person (or of the case: as_of, parameters...), or None."""
    if path == "as_of":
        return case.as_of.isoformat()
    if path.startswith("parameters."):
        return case.parameters.get(path[len("parameters."):])
    if path.startswith("readings"):
        name = path[len("readings."):]
        return dict(case.readings) if not name else case.readings.get(name)
    value: object = person_data(person)
    for m in _TOKEN.finditer(path):
        key, index, year = m.group(1), m.group(2), m.group(3)
        if key is not None:
            value = value.get(key) if isinstance(value, dict) else None
        elif index is not None:
            k = int(index)
            value = value[k] if isinstance(value, list) and k < len(value) else None
        elif year is not None:
            items = value if isinstance(value, list) else []
            value = next((a for a in items if isinstance(a, dict) and a.get("year") == int(year)), None)
        if value is None:
            return None
    return value


# -- unknown: what decides it -------------------------------------------------------------------
@dataclass(frozen=True)
class _Variant:
    label: str
    facts: tuple[Fact, ...]
    range: tuple[int | None, int | None] | None = None  # numbers: the range it stands for


def decide_unknown(
    solved: SolvedCase, person: Person, question: Question, node: Node, builder: _Builder, mode: str
) -> tuple[Decider, ...]:
    """For each unknown input the answer depends on, the answer under each of its values.

    Each input is varied alone (the others stay as the case has them), over the values a
    case file may give it (grades, true/false, codes ...), or over ranges around the
    thresholds for numbers; an input with no such list (a date, the periods of technical
    work) is taken at the two ends the case leaves open.  All variants are solved at once.
    """
    paths = sorted(_unknown_paths(node))
    case = solved.case
    plans: list[tuple[str, str, list[_Variant], bool]] = []
    for path in paths:
        planned = _plan(case, person, path, builder)
        if planned is not None:
            subject, vs, ranges = planned
            if subject == path:
                subject = subject_of(path, builder.lang)
            plans.append((path, subject, vs, ranges))
    variants = [v for _, _, vs, _ in plans for v in vs]
    if not variants:
        return ()
    shown = _shown_answers([v.facts for v in variants], case, solved.program.directory)
    statuses = []
    for i in range(len(variants)):
        worst = Function("answer", [person_term(i, WORST), question.term]) in shown
        best = Function("answer", [person_term(i, BEST), question.term]) in shown
        statuses.append(YES if worst else UNKNOWN if best else NO)
    out: list[Decider] = []
    k = 0
    order = [NO, UNKNOWN, YES] if mode == WHY_NOT else [YES, UNKNOWN, NO]
    for path, subject, vs, ranges in plans:
        results = statuses[k:k + len(vs)]
        k += len(vs)
        outcomes = _group(vs, results, ranges, order, builder.words)
        out.append(Decider(path, subject, case_value(case, person, path), outcomes))
    return tuple(out)


def _shown_answers(persons: Sequence[Sequence[Fact]], case: Case, directory: Path | None) -> frozenset[Symbol]:
    """The answers (the shown atoms, kb/show.lp) of these persons: `pyagent.engine.solve.solve`
    without reading the whole model, which is most of its cost for a handful of persons."""
    ctl, messages = control(directory)
    with ctl.backend() as backend:

        def fact(symbol: Symbol) -> None:
            backend.add_rule([backend.add_atom(symbol)])

        for g in global_facts(case.as_of, case.readings):
            fact(g)
        for i, facts in enumerate(persons):
            terms = {w: person_term(i, w) for w in (WORST, BEST)}
            for f in facts:
                for w in ((WORST, BEST) if f.world == BOTH else (f.world,)):
                    fact(Function(f.predicate, [terms[w], *f.arguments]))
    ctl.ground([("base", [])])
    if messages:
        raise GroundingError("clingo: " + "\n".join(messages))
    shown: set[Symbol] = set()
    ctl.solve(on_model=lambda m: shown.update(m.symbols(shown=True)))
    return frozenset(shown)


def _unknown_paths(node: Node) -> set[str]:
    out: set[str] = set()
    for n in _all_nodes(node):
        if n.status != UNKNOWN:
            continue
        for leaf in n.leaves:
            if leaf.unknown:
                out.update(_split_paths(leaf.path))
    return out


def _group(variants: list[_Variant], statuses: list[str], ranges: bool, order: list[str], words) -> tuple[Outcome, ...]:
    if ranges:  # numeric ranges in order: neighbours with the same answer merge into one range
        merged: list[tuple[int | None, int | None, str]] = []
        for v, status in zip(variants, statuses):
            lo, hi = v.range or (None, None)
            if merged and merged[-1][2] == status:
                merged[-1] = (merged[-1][0], hi, status)
            else:
                merged.append((lo, hi, status))
        return tuple(Outcome((_range_label(lo, hi, words),), st) for lo, hi, st in merged)
    by: dict[str, list[str]] = {}
    for v, status in zip(variants, statuses):
        by.setdefault(status, []).append(v.label)
    return tuple(Outcome(tuple(by[st]), st) for st in order if st in by)


def _range_label(lo: int | None, hi: int | None, words) -> str:
    if lo is None and hi is None:
        return words["any_value"]
    if lo is None:
        return words["at_most"].format(n=hi)
    if hi is None:
        return words["at_least"].format(n=lo)
    return str(lo) if lo == hi else words["between"].format(a=lo, b=hi)


def _plan(case: Case, person: Person, path: str, builder: _Builder) -> tuple[str, list[_Variant], bool] | None:
    """The subject and the variants of one unknown input (path), and whether they are ranges."""
    w = builder.words
    ph = builder.phrasing
    as_of, params = case.as_of, case.parameters

    def pf(p: Person, parameters: Mapping[str, int] | None = None) -> tuple[Fact, ...]:
        return tuple(person_facts(p, as_of, parameters if parameters is not None else params))

    def with_(**changes) -> tuple[Fact, ...]:
        return pf(dataclasses.replace(person, **changes))

    m = re.fullmatch(r"annual_assessments\[(\d+)\]\.grade", path)
    if m and person.annual_assessments is not None:
        k = int(m.group(1))
        items = list(person.annual_assessments)
        year = items[k].year
        grades = ("excellent", "qualified", "basically_qualified", "unqualified")
        variants = []
        for g in grades:
            changed = items[:k] + [dataclasses.replace(items[k], grade=g)] + items[k + 1:]
            variants.append(_Variant(ph.code(g), with_(annual_assessments=tuple(changed))))
        return w["assessment_subject"].format(year=year), variants, False
    m = re.fullmatch(r"annual_assessments\.(\d{4})", path)
    if m and person.annual_assessments is not None:
        year = int(m.group(1))
        variants = []
        for g in ("excellent", "qualified", "basically_qualified", "unqualified", "none"):
            items = sorted((*person.annual_assessments, Assessment(year, g)), key=lambda a: a.year)
            variants.append(_Variant(ph.code(g), with_(annual_assessments=tuple(items))))
        return w["assessment_subject"].format(year=year), variants, False
    if path == "annual_assessments" and person.annual_assessments is None:
        y = as_of.year
        years = (y - 3, y - 2, y - 1)
        variants = []
        for g in ("qualified", "basically_qualified"):
            variants.append(_Variant(w["all_grade"].format(grade=ph.code(g)),
                                     with_(annual_assessments=tuple(Assessment(x, g) for x in years))))
        one = tuple(Assessment(x, "unqualified" if x == y - 1 else "qualified") for x in years)
        variants.append(_Variant(w["one_unqualified"].format(grade=ph.code("unqualified")),
                                 with_(annual_assessments=one)))
        variants.append(_Variant(w["none"], with_(annual_assessments=())))
        return w["assessments_subject"].format(a=years[0], b=years[-1]), variants, False
    if path in ("outstanding_contribution", "social_benefit", "economic_benefit"):
        return path, [_Variant(w["true"], with_(**{path: True})), _Variant(w["false"], with_(**{path: False}))], False
    m = re.fullmatch(r"honours\[(\d+)\]\.(class|category)", path)
    if m and person.honours is not None:
        k, what = int(m.group(1)), m.group(2)
        items = list(person.honours)
        values = ("i", "ii") if what == "class" else ("high_skill", "professional")
        field_name = "contest_class" if what == "class" else "category"
        variants = []
        for v in values:
            changed = items[:k] + [dataclasses.replace(items[k], **{field_name: v})] + items[k + 1:]
            variants.append(_Variant(ph.code(v), with_(honours=tuple(changed))))
        return w[f"{what}_subject"].format(k=k), variants, False
    if path == "honours" and person.honours is None:
        variants = [_Variant(w["none"], with_(honours=()))]
        for code in HONOURS.codes:
            variants.append(_Variant(ph.code(code), with_(honours=(Honour(code),))))
        return path, variants, False
    if path == "titles" and person.titles is None:
        variants = [_Variant(w["none"], with_(titles=()))]
        for rank in RANKS.codes:
            variants.append(_Variant(w["title_rank"].format(rank=ph.code(rank)),
                                     with_(titles=(Title(rank, None, None),))))
        return path, variants, False
    if path == "certificates" and person.certificates is None:
        variants = [_Variant(w["none"], with_(certificates=()))]
        for level in LEVELS.codes:
            variants.append(_Variant(w["cert_level"].format(level=ph.code(level)),
                                     with_(certificates=(Certificate(level, None, None),))))
        return path, variants, False
    if path == "field" and person.field is None:
        return path, [
            _Variant(w["listed_field"], with_(field=FIELDS.codes[0])),
            _Variant(w["unlisted_field"], with_(field="其他")),
        ], False
    if path == "current_post" and person.current_post is None:
        return path, [
            _Variant(w["post_stated"], with_(current_post=Post(None, "—"))),
            _Variant(w["post_unstated"], with_(current_post=Post(None, None))),
            _Variant(w["no_post"], with_(current_post=NO_POST)),
        ], False
    if path == "cumulative_work_years" and person.cumulative_work_years is None:
        cuts = sorted({v for k, v in params.items() if k.startswith("application_years.") and v > 0})
        if cuts:
            return path, _ranges(cuts, lambda n: with_(cumulative_work_years=float(n))), True
    m = re.fullmatch(r"parameters\.application_years\.(\w+)", path)
    if m and person.cumulative_work_years is not None:
        years = int(person.cumulative_work_years)
        name = f"application_years.{m.group(1)}"
        def at(n: int) -> tuple[Fact, ...]:
            return pf(person, {**params, name: n})

        variants = [_Variant("", at(years), (None, years)), _Variant("", at(years + 1), (years + 1, None))]
        return path, variants, True
    return _ends(case, person, path, builder)


def _ranges(cuts: list[int], facts_at) -> list[_Variant]:
    """Variants for a whole number: below the first cut, between cuts, from the last cut on."""
    bounds = [(None, cuts[0] - 1)] + [(a, b - 1) for a, b in itertools.pairwise(cuts)] + [(cuts[-1], None)]
    return [_Variant("", facts_at(lo if lo is not None else 0), (lo, hi)) for lo, hi in bounds]


def _ends(case: Case, person: Person, path: str, builder: _Builder) -> tuple[str, list[_Variant], bool] | None:
    """An input with no list of values: the two ends the case leaves open (its facts in the
    best completion, then in the worst), each described by the sentences of its facts."""
    facts = person_facts(person, case.as_of, case.parameters)
    mine = [f for f in facts if f.world != BOTH and f.path is not None and path in _split_paths(f.path)]
    if not mine:
        return None
    others = [f for f in facts if f not in mine]

    def pinned(world: str) -> tuple[Fact, ...]:
        kept = [dataclasses.replace(f, world=BOTH) for f in mine if f.world == world]
        return tuple(others + kept)

    w = builder.words
    best, worst = ENDS[builder.lang].get(path, (w["favourable"], w["unfavourable"]))
    return path, [_Variant(best, pinned(BEST)), _Variant(worst, pinned(WORST))], False


SUBJECTS = {
    "en": {
        "certificates": "the certificate held",
        "titles": "the title held",
        "honours": "the honour held",
        "field": "the field of the post",
        "current_post": "the current post",
        "cumulative_work_years": "the number of cumulative work years",
        "technical_work": "the technical work",
        "notice_date": "the date of the notice",
        "current_post.occupation": "the occupation of the current post",
    },
    "zh": {
        "certificates": "所持证书",
        "titles": "所持职称",
        "honours": "所获荣誉",
        "field": "现岗位所属领域",
        "current_post": "现工作岗位",
        "cumulative_work_years": "累计工作年限",
        "technical_work": "技术技能工作经历",
        "notice_date": "《通知》的印发日期",
        "current_post.occupation": "现岗位的职业（工种）",
    },
}
PHRASES = {
    "en": {"if": "if {subject} is {values}: {status}", "otherwise": "otherwise: {status}", "sep": "; "},
    "zh": {"if": "若{subject}为{values}：{status}", "otherwise": "否则：{status}", "sep": "；"},
}


def subject_of(path: str, lang: str) -> str:
    if path.startswith("parameters."):
        return ("参数" if lang == "zh" else "the parameter ") + path[len("parameters."):]
    return SUBJECTS[lang].get(path, path)


# The two ends of an input with no list of values, where plain words say them better.
ENDS = {
    "en": {"current_post.occupation": ("stated", "not stated"), "notice_date": ("on or before the date asked", "later")},
    "zh": {"current_post.occupation": ("已注明", "未注明"), "notice_date": ("不晚于查询日", "晚于查询日")},
}


def phrase_decider(d: Decider, lang: str = "en") -> str:
    """``if the 2025 assessment is 优秀 (excellent) or 合格 (qualified): yes; otherwise: no``."""
    w = TEXT[lang]
    ph = PHRASES[lang]
    status = STATUS_TEXT[lang]
    if not d.decides:
        return w["alone"].format(status=status[d.outcomes[0].status]) if d.outcomes else ""
    parts = []
    for k, o in enumerate(d.outcomes):
        if k == len(d.outcomes) - 1:
            parts.append(ph["otherwise"].format(status=status[o.status]))
        else:
            values = w["values_sep"].join(o.values)
            parts.append(ph["if"].format(subject=d.subject, values=values, status=status[o.status]))
    return ph["sep"].join(parts)


__all__ = [
    "COMPARE",
    "CONCLUSION",
    "FACT",
    "INPUT",
    "SCHEMA",
    "WHY",
    "WHY_NOT",
    "ClauseRef",
    "Comparison",
    "Decider",
    "Explanation",
    "Explanations",
    "InputRef",
    "Outcome",
    "Step",
    "case_value",
    "decide_unknown",
    "explain_question",
    "explain_solved",
    "person_data",
    "phrase_decider",
    "question_of",
    "subject_of",
]
