"""An unknown answer: what decides it.  Each unknown input it depends on is varied alone over
its values (grades, true/false, codes ...), over ranges around the thresholds for numbers, or at
the two ends the case leaves open, and the person is answered afresh under each.
"""

from __future__ import annotations

import dataclasses
import re
from functools import partial
from collections.abc import Callable, Iterable, Mapping, Sequence

from pyagent.engine.facts import BEST, BOTH, WORST, Fact, person_facts
from pyagent.engine.questions import Question
from pyagent.explain.answered import Facts, answer_all
from pyagent.explain.answered import statuses as _statuses
from pyagent.explain.answers import SolvedCase
from pyagent.explain.casedata import case_value
from pyagent.explain.inputs import input_claim, input_name
from pyagent.explain.nodes import NO, UNKNOWN, YES, Node
from pyagent.explain.sentences import STATUS_TEXT, TEXT, Builder, all_nodes, split_paths
from pyagent.explain.steps import WHY_NOT, Decider
from pyagent.explain.dates import _DATED, _date_outcomes
from pyagent.explain.thresholds import threshold
from pyagent.explain.variants import Variant, group, labels, number_ranges, range_labels
from pyagent.input.model import NO_POST, Assessment, Case, Certificate, Honour, Person, Post, Title
from pyagent.input.vocab import FIELDS, HONOURS, LEVELS, RANKS


# -- unknown: what decides it -------------------------------------------------------------------
class _Changed(Facts):
    """A variant's facts, with the change it makes to the person (a function, so that the
    changes of several inputs compose: two years graded, one after the other) and the
    parameters it sets (so that variants of several inputs can be combined)."""

    change: Callable[[Person], Person]
    parameters: Mapping[str, int]

    def __new__(
        cls,
        facts,
        change: Callable[[Person], Person],
        parameters: Mapping[str, int] | None = None,
    ):
        self = super().__new__(cls, facts)
        self.change, self.parameters = change, parameters or {}
        return self


def _same(p: Person) -> Person:
    return p


def decide_unknown(
    solved: SolvedCase, person: Person, question: Question, node: Node, builder: Builder, mode: str
) -> tuple[Decider, ...]:
    """For each unknown input the answer depends on, the answer under each of its values.

    Each input is varied alone (the others stay as the case has them), over the values a
    case file may give it (grades, true/false, codes ...), or over ranges around the
    thresholds for numbers; an input with no such list (a date, the periods of technical
    work) is taken at the two ends the case leaves open.  All variants are solved at once.
    """
    case = solved.case
    planned = _PLANNED.get(id(node))
    if planned is not None and planned[0] is node and planned[1] == builder.lang:
        plans = planned[2]
    else:
        plans = _plans(case, person, node, builder)
    variants = [v for _, _, vs, _ in plans for v in vs]
    if not variants:
        return ()
    statuses = _statuses([v.facts for v in variants], case, question, solved.program.directory)
    out: list[Decider] = []
    k = 0
    order = [NO, UNKNOWN, YES] if mode == WHY_NOT else [YES, UNKNOWN, NO]
    for path, subject, vs, ranges in plans:
        results = statuses[k : k + len(vs)]
        k += len(vs)
        outcomes = group(vs, results, ranges, order, builder.words)
        condition = any(v.condition for v in vs)
        if len(set(results)) > 1 and _DATED.fullmatch(path):
            dated = _date_outcomes(case, person, question, path, solved.program.directory, builder)
            if dated:  # the date itself, found to the day: a value, not a condition
                outcomes, condition = dated, False
        out.append(
            Decider(
                path,
                subject,
                case_value(case, person, path),
                outcomes,
                condition=condition,
                claim=input_claim(path, builder.lang, person),
            )
        )
    return _together(
        tuple(out), plans, statuses, case, person, question, solved.program.directory, builder.words
    )


def _plans(
    case: Case, person: Person, node: Node, builder: Builder
) -> list[tuple[str, str, list[Variant], bool]]:
    """(path, subject, variants, ranges) for each unknown input the answer of ``node`` depends on."""
    plans: list[tuple[str, str, list[Variant], bool]] = []
    for path in sorted(_unknown_paths(node)):
        planned = _plan(case, person, path, builder, node)
        if planned is not None:
            subject, vs, ranges = planned
            if subject == path:
                subject = subject_of(path, builder.lang, person)
            plans.append((path, subject, vs, ranges))
    return plans


def prefetch(
    solved: SolvedCase,
    person: Person,
    unknown: Sequence[tuple[Question, Node]],
    builder: Builder,
) -> None:
    """Answer, together, the variants by which `decide_unknown` will decide each of these
    unknown answers of one person: one control for the variants of every answer, and one for
    the inputs each answer needs together (`_together`), instead of one or two per answer.
    `decide_unknown` then finds every variant answered (`pyagent.explain.answered`); what it decides is the
    same, only the solves are shared."""
    prefetch_many(solved, [(person, unknown, builder)])


def prefetch_many(
    solved: SolvedCase,
    persons: Sequence[tuple[Person, Sequence[tuple[Question, Node]], Builder]],
) -> None:
    """`prefetch` for the unknown answers of several persons of one case at once: one control
    for every variant of all of them, one for their joint variants.  A variant's answers do not
    depend on the other persons solved beside it (each is a person of its own in the control),
    so this decides exactly what `prefetch` per person decides, with fewer controls (each costs
    the knowledge base's statements added and grounded again)."""
    case, directory = solved.case, solved.program.directory
    planned = [
        (person, q, node, builder.lang, _plans(case, person, node, builder))
        for person, unknown, builder in persons
        for q, node in unknown
    ]
    if len(_PLANNED) + len(planned) > max(64, len(planned)):
        _PLANNED.clear()
    for _, _, node, lang, plans in planned:
        _PLANNED[id(node)] = (node, lang, plans)
    answer_all(
        [v.facts for *_, plans in planned for _, _, vs, _ in plans for v in vs],
        case,
        directory,
    )
    joint = []
    for person, question, _, _, plans in planned:
        variants = [v.facts for _, _, vs, _ in plans for v in vs]
        if variants:
            _, facts = _joint(plans, _statuses(variants, case, question, directory), case, person)
            if facts is not None:
                joint.append(facts)
    answer_all(joint, case, directory)


# The plans `prefetch` made, by the tree they were made for (kept while that tree lives):
# `decide_unknown` of the same tree and language takes them, its variants answered already.
_PLANNED: dict[int, tuple[Node, str, list]] = {}


def _joint(
    plans, statuses: list[str], case: Case, person: Person
) -> tuple[dict[str, Variant], tuple[Fact, ...] | None]:
    """The inputs none of which makes the answer yes alone (each, at its best, leaves it
    unknown), with the variant of each at its best, and the facts of all of them at their best
    together (None unless two or more)."""
    best: dict[str, Variant] = {}
    k = 0
    for path, _, vs, _ in plans:
        results = statuses[k : k + len(vs)]
        k += len(vs)
        if len(set(results)) > 1 and YES not in results and UNKNOWN in results:
            best[path] = vs[results.index(UNKNOWN)]
    if len(best) < 2:
        return best, None
    return best, _combined(best.values(), case, person)


def _combined(variants: Iterable[Variant], case: Case, person: Person) -> tuple[Fact, ...]:
    """The facts of several inputs' variants together: a change to the person composes with
    the others; the facts of an input taken at an end the case leaves open (a field a reading
    leaves open) replace the person's facts of that input."""
    changed = person
    parameters: dict[str, int] = dict(case.parameters)
    ends: list[tuple[set[Fact], set[Fact]]] = []  # (taken away, added) by an end
    base = set(person_facts(person, case.as_of, case.parameters))
    for v in variants:
        if isinstance(v.facts, _Changed):
            changed = v.facts.change(changed)
            parameters.update(v.facts.parameters)
        else:
            mine = set(v.facts)
            ends.append((base - mine, mine - base))
    facts = list(person_facts(changed, case.as_of, parameters))
    for gone, added in ends:
        facts = [f for f in facts if f not in gone] + [f for f in added if f not in facts]
    return tuple(facts)


def _together(
    deciders: tuple[Decider, ...],
    plans,
    statuses: list[str],
    case: Case,
    person: Person,
    question: Question,
    directory,
    words,
) -> tuple[Decider, ...]:
    """Inputs none of which makes the answer yes alone (each, at its best, leaves it unknown):
    each is told which others it needs.  Where their variants can be combined (fields of the
    person, parameters), one solve checks that together, each at its best, they make it yes;
    ``Decider.together`` names the others, ``Decider.jointly`` says whether that gives yes,
    ``Decider.jointly_values`` which of its values do with the others at their best (never a
    national contest prize, which leaves the green channel unknown whatever goes with it); a
    number's values are its ranges that do, neighbours merged (「10或以下」)."""
    best, facts = _joint(plans, statuses, case, person)
    if len(best) < 2:
        return deciders
    combos: list[tuple[str, Variant]] = []
    tried: list[tuple[Fact, ...]] = []
    ranged: set[str] = set()
    k = 0
    for path, _, vs, ranges in plans:
        results = statuses[k : k + len(vs)]
        k += len(vs)
        if path not in best:
            continue
        if ranges:
            ranged.add(path)
        others = [v for p, v in best.items() if p != path]
        for v, status in zip(vs, results):
            if status == UNKNOWN:
                combos.append((path, v))
                tried.append(_combined([*others, v], case, person))
    found = _statuses(tried, case, question, directory) if tried else []
    yes: dict[str, list[Variant]] = {}
    for (path, v), status in zip(combos, found):
        if status == YES:
            yes.setdefault(path, []).append(v)
    values = {
        path: range_labels(vs, words) if path in ranged else labels(vs) for path, vs in yes.items()
    }
    # the others' best with its own best: all of them at their best (as `_joint` found them)
    jointly = facts is not None and all(any(v is best[p] for v in yes.get(p, ())) for p in best)
    return tuple(
        dataclasses.replace(
            d,
            together=tuple(p for p in best if p != d.path),
            jointly=jointly,
            jointly_values=tuple(values.get(d.path, ())) if jointly else (),
        )
        if d.path in best
        else d
        for d in deciders
    )


def _unknown_paths(node: Node) -> set[str]:
    out: set[str] = set()
    for n in all_nodes(node, held=False):
        if n.status != UNKNOWN:
            continue
        for leaf in n.leaves:
            if leaf.unknown:
                out.update(split_paths(leaf.path))
    return out


def _plan(
    case: Case, person: Person, path: str, builder: Builder, node: Node | None = None
) -> tuple[str, list[Variant], bool] | None:
    """The subject and the variants of one unknown input (path), and whether they are ranges."""
    w = builder.words
    ph = builder.phrasing
    as_of, params = case.as_of, case.parameters

    def pf(p: Person, parameters: Mapping[str, int] | None = None) -> tuple[Fact, ...]:
        return tuple(person_facts(p, as_of, parameters if parameters is not None else params))

    def with_(**changes) -> tuple[Fact, ...]:
        return changed_by(lambda p: dataclasses.replace(p, **changes))

    def changed_by(change: Callable[[Person], Person]) -> tuple[Fact, ...]:
        return _Changed(pf(change(person)), change)

    m = re.fullmatch(r"annual_assessments\[(\d+)\]\.grade", path)
    if m and person.annual_assessments is not None:
        k = int(m.group(1))
        year = person.annual_assessments[k].year
        grades = ("excellent", "qualified", "basically_qualified", "unqualified")
        variants = [Variant(ph.code(g), changed_by(partial(_graded, k, g))) for g in grades]
        return w["assessment_subject"].format(year=year), variants, False
    m = re.fullmatch(r"annual_assessments\.(\d{4})", path)
    if m and person.annual_assessments is not None:
        year = int(m.group(1))
        variants = [
            Variant(ph.code(g), changed_by(partial(_added, Assessment(year, g))))
            for g in ("excellent", "qualified", "basically_qualified", "unqualified", "none")
        ]
        return w["assessment_subject"].format(year=year), variants, False
    if path == "annual_assessments" and person.annual_assessments is None:
        y = as_of.year
        window = (y - 3, y - 2, y - 1)
        variants = []
        for g in ("qualified", "basically_qualified"):
            variants.append(
                Variant(
                    # 优秀 passes too: 'all three 合格' alone would make 'otherwise: no' false
                    w["all_passing" if g == "qualified" else "all_grade"].format(grade=ph.code(g)),
                    with_(annual_assessments=tuple(Assessment(x, g) for x in window)),
                )
            )
        one = tuple(Assessment(x, "unqualified" if x == y - 1 else "qualified") for x in window)
        variants.append(
            Variant(
                w["one_unqualified"].format(grade=ph.code("unqualified")),
                with_(annual_assessments=one),
            )
        )
        variants.append(Variant(w["none"], with_(annual_assessments=())))
        return w["assessments_subject"].format(a=window[0], b=window[-1]), variants, False
    if path in ("outstanding_contribution", "social_benefit", "economic_benefit"):
        return path, [Variant(w[str(v).lower()], with_(**{path: v})) for v in (True, False)], False
    m = re.fullmatch(r"honours\[(\d+)\]\.(class|category)", path)
    if m and person.honours is not None:
        k, what = int(m.group(1)), m.group(2)
        items = list(person.honours)
        values = ("i", "ii") if what == "class" else ("high_skill", "professional")
        field_name = "contest_class" if what == "class" else "category"
        variants = []
        for v in values:
            changed = (
                items[:k] + [dataclasses.replace(items[k], **{field_name: v})] + items[k + 1 :]
            )
            variants.append(Variant(ph.code(v), with_(honours=tuple(changed))))
        return input_name(path, builder.lang, person), variants, False
    if path == "honours" and person.honours is None:
        variants = [Variant(w["none"], with_(honours=()))]
        for code in HONOURS.codes:
            variants.append(Variant(ph.code(code), with_(honours=(Honour(code),))))
        return path, variants, False
    if path == "titles" and person.titles is None:
        variants = [Variant(w["none"], with_(titles=()))]
        for rank in RANKS.codes:
            variants.append(
                Variant(
                    w["title_rank"].format(rank=ph.code(rank)),
                    with_(titles=(Title(rank, None, None),)),
                )
            )
        return path, variants, False
    if path == "certificates" and person.certificates is None:
        variants = [Variant(w["none"], with_(certificates=()))]
        for level in LEVELS.codes:
            variants.append(
                Variant(
                    w["cert_level"].format(level=ph.code(level)),
                    with_(certificates=(Certificate(level, None, None),)),
                )
            )
        return path, variants, False
    if path == "field" and person.field is None:
        return (
            path,
            [
                Variant(w["listed_field"], with_(field=FIELDS.codes[0])),
                Variant(w["unlisted_field"], with_(field="其他")),
            ],
            False,
        )
    if path == "current_post" and person.current_post is None:
        return (
            path,
            [
                Variant(w["post_stated"], with_(current_post=Post(None, "—"))),
                Variant(w["post_unstated"], with_(current_post=Post(None, None))),
                Variant(w["no_post"], with_(current_post=NO_POST)),
            ],
            False,
        )
    if path == "cumulative_work_years" and person.cumulative_work_years is None:
        cuts = sorted(
            {v for k, v in params.items() if k.startswith("application_years.") and v > 0}
        )
        if cuts:
            return path, number_ranges(cuts, lambda n: with_(cumulative_work_years=float(n))), True
    m = re.fullmatch(r"parameters\.application_years\.(\w+)", path)
    if m and person.cumulative_work_years is None:
        # the years are not stated either: the parameter and the years are needed together,
        # set and stated (a requirement the years reach: yes; one they fall short of: no); as
        # the case leaves them, unknown (never "yes if 0", a requirement of none)
        name = f"application_years.{m.group(1)}"

        def both(required: int, years: int) -> tuple[Fact, ...]:
            def change(p: Person) -> Person:
                return dataclasses.replace(p, cumulative_work_years=float(years))

            return _Changed(
                pf(change(person), {**params, name: required}), change, {name: required}
            )

        said = input_name("cumulative_work_years", builder.lang, person)
        return (
            path,
            [
                Variant(w["param_reached"].format(years=said), both(1, 1), condition=True),
                Variant(w["param_short"].format(years=said), both(1, 0), condition=True),
                Variant(w["param_open"], _Changed(pf(person), _same), rest=True),
            ],
            False,
        )
    if m and person.cumulative_work_years is not None:
        years = int(person.cumulative_work_years)
        name = f"application_years.{m.group(1)}"

        def at(n: int) -> tuple[Fact, ...]:
            return _Changed(pf(person, {**params, name: n}), _same, {name: n})

        variants = [
            Variant("", at(years), (None, years)),
            Variant("", at(years + 1), (years + 1, None)),
        ]
        return path, variants, True
    return _ends(case, person, path, builder, node)


def _graded(k: int, grade: str, p: Person) -> Person:
    """The person with assessment ``k`` graded ``grade``."""
    items = list(p.annual_assessments or ())
    items[k] = dataclasses.replace(items[k], grade=grade)
    return dataclasses.replace(p, annual_assessments=tuple(items))


def _added(assessment: Assessment, p: Person) -> Person:
    """The person with a year's assessment added (in the order of the years)."""
    items = sorted((*(p.annual_assessments or ()), assessment), key=lambda a: a.year)
    return dataclasses.replace(p, annual_assessments=tuple(items))


def _ends(
    case: Case, person: Person, path: str, builder: Builder, node: Node | None = None
) -> tuple[str, list[Variant], bool] | None:
    """An input with no list of values: the two ends the case leaves open (its facts in the
    best completion, then in the worst).  The best end is said as the threshold it must meet
    where a comparison of the rules decides it (`pyagent.explain.thresholds.threshold`: 「…满36个月」), else in words."""
    facts = person_facts(person, case.as_of, case.parameters)
    mine = [
        f for f in facts if f.world != BOTH and f.path is not None and path in split_paths(f.path)
    ]
    if not mine:
        return None
    others = [f for f in facts if f not in mine]

    def pinned(world: str) -> tuple[Fact, ...]:
        kept = [dataclasses.replace(f, world=BOTH) for f in mine if f.world == world]
        return tuple(others + kept)

    w = builder.words
    # a yes-or-no input (the inputs table states what it says when yes): its two ends are yes
    # and no, never "as favourable as the case allows"
    yes_no = (w["true"], w["false"]) if input_claim(path, builder.lang, person) else None
    best, worst = ENDS[builder.lang].get(path) or yes_no or (w["favourable"], w["unfavourable"])
    said, short = (
        threshold(node, path, builder) if node is not None and best == w["favourable"] else ("", "")
    )
    if said:
        best, worst = said, short
    return (
        path,
        [Variant(best, pinned(BEST), condition=bool(said)), Variant(worst, pinned(WORST))],
        False,
    )


PHRASES = {
    "en": {
        "if": "if {subject} is {values}: {status}",
        "if_met": "for {subject}, if {values}: {status}",
        "for": "for {subject}: {parts}",
        "if_only": "if {values}: {status}",
        "if_true": "if {claim}: {status}",
        "otherwise": "otherwise: {status}",
        "sep": "; ",
    },
    "zh": {
        "if": "若{subject}为{values}：{status}",
        "if_met": "就{subject}而言，若{values}：{status}",
        "for": "就{subject}而言：{parts}",
        "if_only": "若{values}：{status}",
        "if_true": "若{claim}：{status}",
        "otherwise": "否则：{status}",
        "sep": "；",
    },
}


def subject_of(path: str, lang: str, person: Person | None = None) -> str:
    """An unknown input as an analyst names it (`pyagent.explain.inputs.input_name`)."""
    return input_name(path, lang, person)


# The two ends of an input with no list of values, where plain words say them better.
ENDS = {
    "en": {
        "current_post.occupation": ("stated", "not stated"),
        "notice_in_force": ("on or before the date asked", "later"),
    },
    "zh": {
        "current_post.occupation": ("已注明", "未注明"),
        "notice_in_force": ("不晚于查询日", "晚于查询日"),
    },
}


def phrase_decider(d: Decider, lang: str = "en") -> str:
    """``if the 2025 assessment is 优秀 (excellent) or 合格 (qualified): yes; otherwise: no``."""
    w = TEXT[lang]
    ph = PHRASES[lang]
    status = STATUS_TEXT[lang]
    if not d.decides:
        if not d.outcomes:
            return ""
        return w["alone"].format(subject=d.subject, status=status[d.outcomes[0].status])
    parts = []
    outcomes = list(d.outcomes)
    if (
        d.claim
    ):  # a yes-or-no input said by what it states at yes, first: never "if whether … is no"
        at_yes = [o for o in outcomes if list(o.values) == [w["true"]]]
        outcomes = at_yes + [o for o in outcomes if o not in at_yes]
    for k, o in enumerate(outcomes):
        if k == len(outcomes) - 1:
            parts.append(ph["otherwise"].format(status=status[o.status]))
        else:
            values = w["values_sep"].join(o.values)
            # a yes-or-no input taken at yes is said as what it states (SPEC 9), from the
            # inputs table: 「若2023年度考核在现工作岗位上（…）：是」, not 'if whether … is yes'
            claim = d.claim if list(o.values) == [w["true"]] else ""
            if claim:
                parts.append(ph["if_true"].format(claim=claim, status=status[o.status]))
                continue
            form = ph["if_met"] if d.condition else ph["if"]
            if d.condition and len(d.outcomes) > 2:  # the subject said once, before its cases
                form = ph["if_only"]
            parts.append(form.format(subject=d.subject, values=values, status=status[o.status]))
    if d.condition and len(d.outcomes) > 2:
        return ph["for"].format(subject=d.subject, parts=ph["sep"].join(parts))
    return ph["sep"].join(parts)


__all__ = ["Decider", "decide_unknown", "phrase_decider", "prefetch", "subject_of"]
