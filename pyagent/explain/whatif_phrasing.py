"""What-if's phrasing: what stands in the way of yes, and a what-if as sentences in one language.

SPEC section 9: under ``zh`` every sentence is Chinese and under ``en`` English, codes aside;
no atom, variable or predicate name of the knowledge base shows.  What stands in the way is
read off the explanation of the answer (``pyagent.explain.why``: the knowledge base's own
sentences), never off rule text; inputs are named as an analyst would, with their place in
the case file set apart: 「2025年度考核结果（annual_assessments[2].grade）」.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING


from pyagent.engine.questions import QUESTIONS
from pyagent.explain.answers import SolvedCase
from pyagent.explain.inputs import input_name as analyst_name
from pyagent.explain.inputs import inputs_named
from pyagent.explain.words import TEXT
from pyagent.explain.reasons import _alternatives, _deciding, names
from pyagent.explain.nodes import NO, UNKNOWN, YES, Node, unknown_inputs
from pyagent.explain.steps import Step
from pyagent.explain.templates import ALIASES
from pyagent.explain.why import explain_solved
from pyagent.input.duration import calendar_months
from pyagent.input.model import Person
from pyagent.input.vocab import FIELDS, GRADES, HONOURS, LEVELS, RANKS
from pyagent.kb import reading_said, readings as kb_readings

if TYPE_CHECKING:
    from pyagent.explain.whatif import Change, WhatIf


@dataclass(frozen=True)
class Reason:
    """What stands in the way: a condition that fails (``fails``), or an unknown input the
    answer still depends on (``depends``), phrased in the language asked for."""

    clause: str | None  # "P3.S1"; None for what an unknown answer depends on
    condition: str  # the sentence
    inputs: tuple[str, ...] = ()  # the places in the case it rests on
    kind: str = "fails"  # fails, depends
    negated: bool = False  # the sentence says the failure itself (its template_not), no mark needed


# -- naming inputs ---------------------------------------------------------------------------
def input_name(path: str, person: Person, lang: str) -> str:
    """An input as an analyst names it, its place in the case set apart (an assessment by its
    year: 「2025年度考核结果（annual_assessments[2]）」; `pyagent.explain.inputs.input_name`)."""
    return analyst_name(path, lang, person)


def joined(items, lang: str) -> str:
    """Items of a list (clause ids, inputs): zh joins them with 、, en with a comma."""
    return ("、" if lang == "zh" else ", ").join(items)


def _inputs(paths: tuple[str, ...] | list[str], person: Person, lang: str) -> str:
    return ("、" if lang == "zh" else "; ").join(input_name(p, person, lang) for p in paths)


def _undecided(paths: tuple[str, ...] | list[str], person: Person, lang: str) -> str:
    """What no change of the person's decides, named as such: of a field stated but not listed
    (field_list=open), whether the 等 of P2.S2 covers it, never 'the field', which a move to
    a post in a listed field does change."""
    field = person.field
    if field is None or field in FIELDS.aliases:
        return _inputs(paths, person, lang)
    covers = (
        f"P2.S2的“等”是否涵盖现岗位所属领域「{field}」（field）"
        if lang == "zh"
        else f"whether the 'and the like' 「等」 ending the list of P2.S2 covers 「{field}」, the "
        "field of the current post (field)"
    )
    return ("、" if lang == "zh" else "; ").join(
        covers if p == "field" else input_name(p, person, lang) for p in paths
    )


# -- what stands in the way ------------------------------------------------------------------
def reasons(solved: SolvedCase, node: Node, question_id: str, lang: str) -> tuple[Reason, ...]:
    """What stands in the way, read off the explanation: for unknown, the unknown inputs;
    for no, the deepest conditions that fail (each as the knowledge base phrases it)."""
    person = solved.case.persons[0]
    if node.status == UNKNOWN:
        return tuple(
            Reason(None, input_name(p, person, lang), (p,), "depends")
            for p in sorted(unknown_inputs(node))
        )
    root = explain_solved(solved, person.id, question_id, lang=lang, decide=False).root
    out: list[Reason] = []
    who = f"「{person.id}」" if lang == "zh" else person.id
    for step, clause, beside in _failed_leaves(root, None, (), who):
        # the inputs it rests on: its own, and those of the conditions of its rule that hold
        paths = tuple(
            dict.fromkeys(i.path for b in (step, *beside) for st in b.walk() for i in st.inputs)
        )
        said = step.negated or step.text
        text = said if lang == "zh" else quote_terms(said)
        negated = bool(step.negated)
        if _unstated(step):  # not stated: said with every input of its kind left out
            (text, paths), negated = _not_stated(root, step, person, lang), True
        else:  # the same failure of other years said once, with all the years
            text = _years_together(root, text, lang)
        r = Reason(clause, text, paths, "fails", negated=negated)
        if all(r.condition != o.condition for o in out):
            out.append(r)
    return tuple(out)


_YEAR = re.compile(r"(?<![\d-])(\d{4})(?![\d-])")


def _years_together(root: Step, text: str, lang: str) -> str:
    """A failure that names a year (「「wu」没有2035年度考核的记录」), said with every year the
    tree fails the same way (「没有2033–2035年度考核的记录」): the failures of one rule that
    follow from the first are left out of the list (`reasons._deciding`), not out of the
    sentence."""
    found = _YEAR.findall(text)
    if len(found) != 1:
        return text
    pattern = re.compile(re.escape(text).replace(found[0], r"(\d{4})"))
    english = quote_terms if lang == "en" else (lambda t: t)
    years = sorted(
        {
            int(m.group(1))
            for st in root.walk()
            if st.holds == NO
            for m in [pattern.fullmatch(english(st.negated or st.text))]
            if m is not None
        }
    )
    if len(years) < 2:
        return text
    sep = "、" if lang == "zh" else ", "
    run = years == list(range(years[0], years[-1] + 1))
    return text.replace(found[0], f"{years[0]}–{years[-1]}" if run else sep.join(map(str, years)))


def _not_stated(root: Step, step: Step, person: Person, lang: str) -> tuple[str, tuple[str, ...]]:
    """An input left out that a failure comes down to, said with the others of its kind the
    tree leaves out (the assessments of every year it asks about, not the last one alone):
    「2033–2035年度考核（annual_assessments中未列出）：未注明」."""
    kinds = {re.sub(r"\d{4}", "", i.path) for i in step.inputs}
    paths = tuple(
        dict.fromkeys(
            i.path
            for s in root.walk()
            if _unstated(s)
            for i in s.inputs
            if re.sub(r"\d{4}", "", i.path) in kinds
        )
    )
    text = TEXT[lang]["is_not_stated"].format(name=inputs_named(paths, lang, person))
    return text, paths


_CJK_RUN = re.compile(r"「[^」]*」|[\u3400-\u9fff][\u3400-\u9fff0-9]*")


def quote_terms(text: str) -> str:
    """An English sentence with the notice's Chinese terms in it quoted (「考核合格」), the Chinese
    names of codes (合格, 高级工) and what is quoted already left as they are (SPEC section 9)."""
    aliases = set(ALIASES.values())

    def quote(m: re.Match[str]) -> str:
        run = m.group(0)
        return run if run.startswith("「") or run in aliases else f"「{run}」"

    return _CJK_RUN.sub(quote, text)


_NOT_A_CONDITION = ("reading", "see_above", "way")


def lang_zh(text: str) -> bool:
    return re.search(r"[\u3400-\u9fff]", _CJK_STRIP.sub("", text)) is not None


_CJK_STRIP = re.compile(r"「[^」]*」|[\u3400-\u9fff]+(?= \()")  # quotes and codes' names in English


def _failed_leaves(
    step: Step,
    clause: str | None,
    beside: tuple[Step, ...],
    person: str = "",
    about: str = "",
    parent: Step | None = None,
) -> Iterator[tuple[Step, str | None, tuple[Step, ...]]]:
    """The failed steps under ``step`` with no failed step under them (a way that fails is
    looked into; a reading not in force, or a step shown above, is not a condition), each with
    the steps beside it that hold (the other conditions of its rule).  Of a rule's failed
    conditions, those that follow from an earlier one are left out (`reasons._deciding`); a
    failure that does not name ``person`` is said of the last step above it that does
    (「「wu」2035年度考核不计为合格：未注明不计为考核合格」)."""
    clause = (
        step.clause.ref if step.clause is not None and step.clause.kind != "contract" else clause
    )
    if person and step.negated and person in step.negated and step.kind != "way":
        about = step.negated
    below = _deciding(
        c for c in step.children if c.holds == NO and c.kind not in ("reading", "see_above")
    )
    if _alternatives(step, below):  # missed by several rules: said by its own sentence
        below = []
    if not below:
        if step.holds == NO and step.kind not in _NOT_A_CONDITION:
            unstated = next((b for b in beside if _unstated(b)), None)
            said_by = parent.negated if parent is not None and parent.negated else about
            # the person's own values are said as such; table values (ranks) by their rule
            own = names(person, step.text) and not step.negated
            if step.kind == "comparison" and not step.children and said_by and not own:
                # the ranks of two levels (2 < 3) are not the person's values: the rule it fails
                if (
                    step.negated
                ):  # 「…：技师（technician）未达到所要求的高级技师（senior_technician）」
                    said_by += ("：" if lang_zh(said_by) else ": ") + step.negated
                yield dataclasses.replace(step, negated=said_by), clause, beside
                return
            if not step.inputs and unstated is not None:  # a grade not stated fails
                yield unstated, clause, beside  # said as not stated (`reasons`)
                return
            said = step.negated or step.text
            if person and about and person not in said and about != said:
                sep = "：" if "「" in person else ": "
                step = dataclasses.replace(step, negated=about + sep + said)
            yield step, clause, beside
        return
    held = tuple(c for c in step.children if c.holds == YES or _unstated(c))
    for c in below:
        yield from _failed_leaves(
            c, clause, held, person, about, step if step.kind != "way" else parent
        )


def _unstated(step: Step) -> bool:
    """An input step of an input the case leaves out."""
    return step.kind == "input" and bool(step.inputs) and all(i.value is None for i in step.inputs)


# -- a what-if as sentences ------------------------------------------------------------------
@dataclass(frozen=True)
class WhatIfText:
    """A what-if in one language, line by line, for a renderer to lay out."""

    title: str
    readings: str
    now: str
    sets_head: str  # the sentence about the changes (before the table, if any)
    columns: tuple[str, str, str]
    rows: tuple[tuple[str, str, str], ...]  # (set number or "", change, clauses)
    set_ends: tuple[int, ...]  # the rows that end a set
    after_sets: tuple[str, ...]  # more sets; the status a set leaves, when not yes
    time: str
    reasons: tuple[str, ...]


_STATUS = {
    "en": {YES: "yes", NO: "no", UNKNOWN: "unknown"},
    "zh": {YES: "是", NO: "否", UNKNOWN: "未知"},
}
_VOCAB = {
    "certificate": LEVELS,
    "grade": GRADES,
    "field": FIELDS,
    "honour": HONOURS,
    "title": RANKS,
}
# kind: (en, zh); {values}: the values that would do, {date}: the date asked, {year}
_CHANGE = {
    "certificate": (
        "obtain a 职业技能等级 (skill_level) certificate on {date}, at {values}",
        "于{date}取得职业技能等级证书，等级为{values}",
    ),
    "grade": ("the {year} annual assessment: {values}", "{year}年度考核结果为{values}"),
    "field": (
        "take up a post in a listed through-field on {date}: {values}",
        "自{date}起到所列贯通领域的岗位工作，领域为{values}",
    ),
    "post": (
        "take up a post with a stated occupation 「工种」 on {date}",
        "自{date}起在职业（工种）明确的岗位上工作",
    ),
    "post.occupation": (
        "state the occupation 「工种」 of the current post",
        "注明现岗位的职业（工种）",
    ),
    "honour": ("receive an honour that P4.S2 counts: {values}", "获得P4.S2所列荣誉，为{values}"),
    "contribution": ("make an outstanding contribution 「有突出贡献」", "作出突出贡献"),
    "social_benefit": ("bring social benefit 「社会效益」", "取得社会效益"),
    "economic_benefit": ("bring economic benefit 「经济效益」", "取得经济效益"),
    "title": (
        "obtain a professional title on {date}, of rank {values}",
        "于{date}取得职称，级别为{values}",
    ),
}


def value_label(kind: str, code: str, lang: str) -> str:
    """A value as the reader sees it, the notice's term first as everywhere in an explanation:
    「合格（qualified）」, "合格 (qualified)"; a field not listed, as written."""
    vocabulary = _VOCAB.get(kind)
    alias = vocabulary.alias(code) if vocabulary is not None else code
    if alias == code:
        return code
    if lang == "zh":
        return f"{alias}（{code}）"
    return f"{alias} ({code})"


def change_text(change: Change, as_of: dt.date, lang: str, listed: bool = False) -> str:
    """One change: what to do, and the values each of which would do (``listed``: more than
    two values one a line, for a table cell)."""
    zh = lang == "zh"
    key = "post.occupation" if change.place == "current_post.occupation" else change.kind
    en, zh_text = _CHANGE.get(key, (change.kind, change.kind))
    labels = [value_label(change.kind, v, lang) for v in change.values if v != "true"]
    lines = listed and len(labels) > 2
    if len(labels) <= 1:
        values = "".join(labels)
    elif zh:
        values = "以下任一：" + ("\n" if lines else "") + ("\n" if lines else "、").join(labels)
    else:
        values = "any of" + ("\n" if lines else " ") + ("\n" if lines else ", ").join(labels)
    year = change.place.rpartition(".")[2]
    return (zh_text if zh else en).format(values=values, date=as_of.isoformat(), year=year)


def span(start: dt.date, end: dt.date, lang: str) -> str:
    """The time from ``start`` to ``end`` in whole years, months and days: 「1年2个月」,
    "1 year 2 months"."""
    months, days = calendar_months(start, end)
    years, months = divmod(months, 12)
    zh = lang == "zh"
    parts = []
    for n, en_unit, zh_unit in (
        (years, "year", "年"),
        (months, "month", "个月"),
        (days, "day", "天"),
    ):
        if n:
            parts.append(f"{n}{zh_unit}" if zh else f"{n} {en_unit}{'s' if n != 1 else ''}")
    return ("" if zh else " ").join(parts) or ("0天" if zh else "0 days")


def phrase(w: WhatIf, lang: str, listed: bool = False) -> WhatIfText:
    """The what-if ``w`` as sentences in ``lang`` (``en`` or ``zh``); ``listed``: the values
    of a change one a line (a table cell that wraps)."""
    zh = lang == "zh"
    person = w.record if w.record is not None else Person(w.person)
    status = _STATUS[lang]
    q = QUESTIONS[w.question]
    day = w.as_of.isoformat()
    if zh:
        title = f"怎样才能为“是”？「{w.person}」· {q.zh}（{w.question}）· 查询日 {day}"
    else:
        title = f"What would make it yes? {w.person} · {q.en} ({w.question}) · as of {day}"
    defaults = {n: r.default for n, r in kb_readings().items()}
    changed = [
        reading_said(n, v, lang) + (f"（{n}={v}）" if zh else f" ({n}={v})")
        for n, v in w.readings.items()
        if defaults.get(n) != v
    ]
    if zh:
        readings = "读法：默认" if not changed else "读法（非默认）：" + "；".join(changed)
    else:
        readings = (
            "Readings: the defaults"
            if not changed
            else "Readings (not the default): " + "; ".join(changed)
        )
    clauses = joined(w.clauses, lang)
    if zh:
        now = f"现在：{status[w.status]}" + (f"（{clauses}）" if clauses else "")
        if w.depends_on:
            now += "，取决于" + _inputs(w.depends_on, person, lang)
        now += "。"
    else:
        now = f"Now: {status[w.status]}" + (f" ({clauses})" if clauses else "")
        if w.depends_on:
            now += "; it depends on " + _inputs(w.depends_on, person, lang)
        now += "."

    rows: list[tuple[str, str, str]] = []
    ends: list[int] = []
    after: list[str] = []
    horizon = w.earliest.horizon.isoformat()
    if w.already_yes:
        sets_head = "已经为“是”：无需任何改变。" if zh else "Already yes: nothing needs to change."
    elif w.size is None:
        sets_head = (
            f"到{horizon}为止，本人情况的任何改变都不能使答案为“是”。"
            if zh
            else f"No change to the person's situation makes it yes by {horizon}."
        )
    else:
        assert w.sets_on is not None
        on = w.sets_on.isoformat()
        later = w.sets_on != w.as_of
        if w.size == 0:
            if later:
                sets_head = (
                    f"无需改变本人情况：自{on}起为“是”。"
                    if zh
                    else f"No change to the person's situation is needed: it is yes from {on}."
                )
            else:  # unknown only through what no change settles (the set says which)
                depends = _undecided(w.sets[0].depends_on, person, lang) if w.sets else ""
                # never 'no change settles it': another change may make it yes outright (a
                # 全国技术能手 beside an allowance of unknown category); what no change decides
                # is what it depends on
                sets_head = (
                    f"目前为未知，取决于{depends}，而这无法通过改变本人情况来确定。"
                    if zh
                    else f"As things stand it is unknown, and depends on {depends}, which no "
                    f"change to the person's situation decides."
                )
        else:
            count = (
                f"（每组{w.size}项）"
                if zh
                else f" ({w.size} change{'s' if w.size != 1 else ''} in each set)"
            )
            if (
                w.status == NO and w.sets and all(s.status != YES for s in w.sets)
            ):  # at best unknown
                since = (f"自{on}起" if zh else f" from {on}") if later else ""
                # never 'no change makes it yes': the search stops at what no change decides
                # (the 等 of P2.S2), and more changes may pass it (a move to a listed field)
                sets_head = (
                    f"以下最少改变{since}使答案由“否”变为“未知”{count}："
                    if zh
                    else f"The fewest changes that make it unknown{since} instead of no{count}:"
                )
            elif later and any(s.status != YES for s in w.sets):  # and what no change settles
                sets_head = (
                    f"今天的任何改变都不能使答案立即为“是”；今天做出以下改变，自{on}起在改变所及范围内为“是”{count}，"
                    "但其后仍有改变本人情况无法确定的事项（见下）："
                    if zh
                    else f"No change makes it yes today; these changes, made today, make it yes from "
                    f"{on} as far as a change can{count}; what they still leave open, which no change "
                    "settles, is said below:"
                )
            elif later:
                sets_head = (
                    f"今天的任何改变都不能使答案立即为“是”；今天做出以下改变，自{on}起为“是”{count}："
                    if zh
                    else f"No change makes it yes today; with these changes, made today, it is yes "
                    f"from {on}{count}:"
                )
            elif any(s.status != YES for s in w.sets):  # yes once what no change settles is
                sets_head = (
                    f"以下最少改变使答案在改变所及范围内为“是”{count}，但其后仍有改变本人情况无法确定的事项（见下）："
                    if zh
                    else f"The fewest changes that make it yes as far as a change can{count}; what "
                    f"they still leave open, which no change settles, is said below:"
                )
            else:
                sets_head = (
                    f"使答案为“是”的最少改变{count}："
                    if zh
                    else f"The fewest changes that make it yes{count}:"
                )
            for k, s in enumerate(w.sets, 1):
                for i, c in enumerate(s.changes):
                    rows.append(
                        (
                            str(k) if i == 0 else "",
                            change_text(c, w.as_of, lang, listed),
                            joined(c.clauses, lang),
                        )
                    )
                ends.append(len(rows) - 1)
            if w.more:
                after.append(
                    "还有同样少的其他改变组合（见 --max）。"
                    if zh
                    else "There are more sets as small (see --max)."
                )
        for k, s in enumerate(w.sets, 1):
            if s.status == YES or not w.size:
                continue
            which = f"第{k}组改变之后" if zh else f"After set {k}"
            if zh:
                after.append(
                    f"{which}仍为未知，取决于"
                    + _undecided(s.depends_on, person, lang)
                    + ("，这一点" if len(s.depends_on) == 1 else "，这些事项")
                    + "改变本人情况无法确定。"
                )
            else:
                after.append(
                    f"{which} it is still unknown: it depends on "
                    + _undecided(s.depends_on, person, lang)
                    + ", which no change to the person's situation settles."
                )

    e = w.earliest
    if e.date is not None:
        if e.date == w.as_of:  # already yes: nothing to wait for
            time = ""
        elif zh:
            time = f"仅凭时间推移：自{e.date.isoformat()}起为“是”（查询日后{span(w.as_of, e.date, lang)}）。"
        else:
            time = (
                f"By time alone: yes from {e.date.isoformat()} "
                f"({span(w.as_of, e.date, lang)} after the date asked)."
            )
        if e.assumed:  # an undated certificate taken as obtained on as_of, its latest
            what = _inputs(e.assumed, person, lang)
            time = time[:-1] + (
                f"，最迟如此：{what}未注明，按最晚可能的{day}计；若取得更早，可能更早为“是”。"
                if zh
                else f", at the latest: {what} is not stated and is taken as {day}, the latest "
                f"it can be; an earlier date may make it yes sooner."
            )
    else:
        years = span(w.as_of, e.horizon, lang)
        if e.possible_from is None:
            time = (
                f"仅凭时间推移：到{horizon}（{years}后）仍不会为“是”；届时仍不满足："
                if zh
                else f"By time alone: not yes by {horizon} ({years} on); what still fails then:"
            )
        elif e.possible_from == w.as_of:
            time = (
                f"仅凭时间推移：到{horizon}（{years}后）仍为未知，不会变为“是”；目前取决于："
                if zh
                else f"By time alone: it stays unknown up to {horizon} ({years} on) and never becomes yes; "
                f"for now it depends on:"
            )
        else:
            since = e.possible_from.isoformat()
            time = (
                f"仅凭时间推移：自{since}起为未知，到{horizon}仍不会为“是”；{since}时取决于："
                if zh
                else f"By time alone: unknown from {since}, and not yes by {horizon}; on {since} it depends on:"
            )
    lines = []
    for r in e.reason:
        where = f" [{r.clause}]" if r.clause else ""
        if r.kind == "depends":
            lines.append(r.condition)
        else:
            mark = "" if r.negated else "不成立：" if zh else "not met: "
            lines.append(mark + r.condition + where)
    columns = ("#", "改变", "条款") if zh else ("#", "change", "clauses")
    return WhatIfText(
        title,
        readings,
        now,
        sets_head,
        columns,
        tuple(rows),
        tuple(ends),
        tuple(after),
        time,
        tuple(lines),
    )
