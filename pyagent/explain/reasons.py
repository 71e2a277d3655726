"""An answer in one line, and what would settle an unknown one: read off its explanation.

Both come from the explanation (`pyagent.explain.why.explain_solved`), so from the rules of
``kb/``, never from text written per question:

- `reason`: «否：不成立：「wu」2024年度考核合格（P2.S3.a）；已满足：49 ≥ 36（P3.S2）» — for a no,
  where the failure comes down to (the tree followed while a single condition fails) and
  what of that rule holds; for an unknown, the inputs it depends on; for a yes, the clauses.
- `to_settle`: for an unknown answer, each input that decides it (named as an analyst would),
  the values that make the answer yes (or the best it can be by that input alone), and the
  document that usually shows it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from pyagent.explain.inputs import input_document, input_name, is_parameter
from pyagent.explain.nodes import NO, UNKNOWN, YES
from pyagent.explain.sentences import TEXT, split_paths
from pyagent.explain.shown import _shown
from pyagent.explain.steps import (
    COMPARE,
    COUNT,
    NOT,
    READING,
    SEE_ABOVE,
    WAY,
    ClauseRef,
    Decider,
    Explanation,
    Outcome,
    Step,
)
from pyagent.explain.templates import WORDS as TEMPLATE_WORDS

WORDS = {
    "en": {
        YES: "yes",
        NO: "no",
        UNKNOWN: "unknown",
        "head": "{status}: ",
        "sep": "; ",
        "list": ", ",
        "not": "not so: {s}",
        "holds": "holds: {s}",
        "clause": " ({c})",
        "on": "rests on {c}",
        "depends": "depends on {s}",
        "decides": "depends on {name}: yes if {v}",
        "settle": "{name}: {values}",
        "with": "{s} ({c})",
        "about": "{a}: {s}",
        "jointly": "yes if all of: {s}",
        "or": " or ",
        "and": " and ",
        "yes_if": "yes if {v}",
        "unknown_if": "if {v}, still unknown",
        "yes_together": "yes if {v}, and together with it {o}; none of them makes it yes alone",
        "is_value": "{name} is {values}",
        "has_value": "{name} include {values}",
        "param_value": "{name} is {values}",
        "it_is": "it is ",
        "they_include": "they include ",
        "still": "if {v}, still depends on {o}",
        "short_of_two": "neither {a} nor {b} reaches the {r} required",
        "short_of_all": "none of {a} reaches the {r} required",
        "last": " and ",
    },
    "zh": {
        YES: "是",
        NO: "否",
        UNKNOWN: "未知",
        "head": "{status}：",
        "sep": "；",
        "list": "、",
        "not": "不成立：{s}",
        "holds": "已满足：{s}",
        "clause": "（{c}）",
        "on": "依据{c}",
        "depends": "取决于{s}",
        "decides": "取决于{name}：若{v}，则为是",
        "settle": "{name}：{values}",
        "with": "{s}（{c}）",
        "about": "{a}：{s}",
        "jointly": "以下同时成立时为是：{s}",
        "or": "或",
        "and": "、",
        "yes_if": "若{v}，则为是",
        "unknown_if": "若{v}，仍为未知",
        "yes_together": "若{v}，且{o}，则为是（须同时具备，单独任何一项都不能使答案为是）",
        "is_value": "{name}为{values}",
        "has_value": "{name}包括{values}",
        "param_value": "{name}{values}",
        "it_is": "为",
        "they_include": "所持包括",
        "still": "若{v}，仍取决于{o}",
        "short_of_two": "{a}、{b}均未达到所要求的{r}",
        "short_of_all": "{a}均未达到所要求的{r}",
        "last": "、",
    },
}
_RANK = {NO: 0, UNKNOWN: 1, YES: 2}


@dataclass(frozen=True)
class Settle:
    """One input that would settle an unknown answer."""

    path: str  # where it goes in the case file
    name: str  # as an analyst names it
    values: tuple[str, ...]  # the values that make the answer `status`
    status: str  # yes, or unknown when this input cannot make it yes (alone or `together`)
    document: str  # the document that usually shows it ('' when none is obvious)
    together: tuple[
        str, ...
    ] = ()  # the inputs it needs too (status yes: these at their values give yes)
    together_names: tuple[str, ...] = ()  # those inputs as an analyst names them
    claim: str = ""  # a yes-or-no input taken at yes: what it then states (inputs.input_claim)
    together_claims: tuple[str, ...] = ()  # the same for each of `together` ('' where none)
    stated: bool = False  # its values are conditions said as holding (「…满36个月」), not values
    lang: str = "en"  # the language its name and values are in

    def said(self, lang: str) -> str:
        """The values that make it yes, in words: a yes-or-no input by what it states
        (「带来经济效益（economic_benefit）」), a parameter by what its setting then states
        (「已设定，且…达到该年限」), else its values after 「为」 / "it is" (「若为优秀（excellent）
        或合格（qualified），则为是」, "yes if it is 2024-07-01 or earlier")."""
        if self.claim:
            return self.claim
        values = WORDS[lang]["or"].join(self.values)
        said_set = tuple(
            re.split("[，,]", TEXT[lang][k])[0] for k in ("param_reached", "param_short")
        )
        if self.stated or (is_parameter(self.path) and values.startswith(said_set)):
            return values  # 「若已设定，且…」, "yes if set, and …"
        if lang == "zh" and values.startswith("已"):  # a state: 「若已注明」, not 「若为已注明」
            return values
        return WORDS[lang]["they_include" if _listed(self.path) else "it_is"] + values

    def sentence(self, lang: str) -> str:
        """What it takes, in words: 「若为优秀（excellent）或合格（qualified），则为是」,
        "yes if the work brought economic benefit (economic_benefit) and ...: needed together"."""
        w = WORDS[lang]
        values = self.said(lang)
        names = self.together_names or self.together
        claims = self.together_claims or ("",) * len(names)
        if self.together and self.status == YES:
            others = w["and"].join(claims)
            return w["yes_together"].format(v=values, o=others)
        others = w["and"].join(names)
        if self.together:
            return w["still"].format(v=values, o=others)
        if self.status == YES:
            return w["yes_if"].format(v=values)
        return w["unknown_if"].format(v=values)

    def to_json(self) -> dict:
        return {
            "input": self.path,
            "name": self.name,
            "values": list(self.values),
            "gives": self.status,
            "document": self.document,
            "together": list(self.together),  # every item has it: [] when it settles alone
            "sentence": self.sentence(self.lang),
        }


def to_settle(e: Explanation) -> tuple[Settle, ...]:
    """What would settle an unknown answer (empty for yes and no)."""
    if e.status != UNKNOWN:
        return ()
    out = []
    names = {d.path: _named(d.subject, d.path, e.lang) for d in e.decided_by}
    yes = TEXT[e.lang]["true"]
    w = WORDS[e.lang]
    # what each input must be for yes: a yes-or-no input by what it then states, another by
    # its name and values (「2024年度考核（annual_assessments[1]）为优秀（excellent）或合格（qualified）」)
    claims: dict[str, str] = {}
    for d in e.decided_by:
        best = _best(d)
        claims[d.path] = (
            d.claim
            if d.claim and list(best.values) == [yes]
            else w["param_value"].format(name=names[d.path], values=w["or"].join(best.values))
            if (d.condition and is_parameter(d.path))  # 「…（参数…）已设定，且…达到该年限」
            or (e.lang == "zh" and w["or"].join(best.values).startswith("已"))  # 「…已注明」
            else w["or"].join(best.values)
            if d.condition  # a condition said as holding names its subject itself
            else w["has_value" if _listed(d.path) else "is_value"].format(
                name=names[d.path], values=w["or"].join(best.values)
            )
        )
    for d in e.decided_by:
        if not d.decides:
            continue
        best = _best(d)
        if best.status == NO:
            continue
        together = d.together if best.status == UNKNOWN else ()
        out.append(
            Settle(
                d.path,
                names[d.path],
                best.values,
                YES if together and d.jointly else best.status,
                # a value the case states that is still open is settled by a ruling, where the
                # inputs table names one, not by a record (inputs.input_document)
                input_document(d.path, e.lang, stated=d.value not in (None, "")),
                together,
                tuple(names.get(p) or input_name(p, e.lang) for p in together),
                d.claim if list(best.values) == [yes] else "",
                tuple(
                    claims.get(p) or input_name(p, e.lang) if d.jointly else "" for p in together
                ),
                d.condition,
                e.lang,
            )
        )
    return tuple(out)


def _best(d: Decider) -> Outcome:
    """The outcome of the input's best values: needed together with others, only the values
    that with them make it yes (not a prize that leaves it unknown whatever goes with it)."""
    best = max(d.outcomes, key=lambda o: _RANK[o.status])
    if best.status == UNKNOWN and d.together and d.jointly and d.jointly_values:
        return dataclasses.replace(best, values=d.jointly_values)
    return best


def _listed(path: str) -> bool:
    """A whole list of the case (``titles``, ``certificates``, ``honours``): its values are
    what it includes ("the titles held (titles) include a 中级 (intermediate) title")."""
    return path in ("titles", "certificates", "honours")


def _named(subject: str, path: str, lang: str) -> str:
    """The decider's subject (「2025年度考核」) with the place in the case file, once."""
    head = re.split(r"[.\[]", path)[0]
    if re.fullmatch(r"annual_assessments\.\d{4}", path):  # a year the case does not list
        return input_name(path, lang)
    if (
        not subject or "（" in subject or "(" in subject or head in subject
    ):  # its place said already
        return subject or input_name(path, lang)
    place = path.split(".grade")[0]
    return f"{subject}（{place}）" if lang == "zh" else f"{subject} ({place})"


def reason(e: Explanation, settle: tuple[Settle, ...] | None = None) -> str:
    """The answer in one line, in the explanation's language."""
    w = WORDS[e.lang]
    head = w["head"].format(status=w[e.status])
    if e.status == UNKNOWN:
        items = settle if settle is not None else to_settle(e)
        if not items:
            said = [input_name(p, e.lang) for p in _unknown_inputs(e.root)]
            return head + w["depends"].format(s=w["list"].join(said))
        # an input that settles it alone: what it must be for yes (a yes-or-no input: what it
        # then states); inputs that cannot make it yes alone are named without values
        parts = [
            w["yes_if"].format(v=s.claim)
            if s.claim
            else w["decides"].format(name=s.name, v=s.said(e.lang))
            for s in items
            if s.status == YES and not s.together
        ]
        unsure = [s.name for s in items if s.status != YES and not s.together]
        unsure += [s.name for s in items if s.status != YES and s.together]
        if unsure:
            parts.append(w["depends"].format(s=w["list"].join(unsure)))
        joint = [
            s.claim or w["settle"].format(name=s.name, values=w["or"].join(s.values))
            for s in items
            if s.together and s.status == YES
        ]
        if joint:
            parts.append(w["jointly"].format(s=w["list"].join(joint)))
        return head + w["sep"].join(parts)
    if e.status == YES:
        # in the notice's order, as the answer's `clauses` (P2.S2, P2.S3.a, P3.S1)
        refs = sorted((c.ref for c in e.clauses if c.kind == "normative"), key=notice_order)
        return head + w["on"].format(c=w["list"].join(refs))
    failed = _failed_leaves(e.root, w, e.person)
    parts = [s.text + _clause(s, w) for s in failed[:MAX_FAILED]]
    held = _held_duration(e.root, w)
    if held is not None:
        parts.append(w["holds"].format(s=held.text) + _clause(held, w))
    return head + w["sep"].join(parts)


def notice_order(ref: str) -> tuple:
    """P2.S3.a before P3.S1 before P10.S1: a clause reference by its numbers and letters."""
    return tuple(
        (0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.findall(r"\d+|[a-z]+", ref)
    )


MAX_FAILED = 3  # the failed conditions a reason names (the ask table's column is narrow)


def _clause(step: Step, w) -> str:
    return (
        w["clause"].format(c=step.clause.ref)
        if step.clause is not None and step.clause.kind != "contract"
        else ""
    )


def _plain(text: str, lang: str) -> str:
    """A step's sentence without why-not's 「不成立：」 in front."""
    prefix = TEXT[lang]["negated"].format(s="")
    return text[len(prefix) :] if text.startswith(prefix) else text


def _failed_leaves(root: Step, w, person: str = "") -> list[Step]:
    """Where a no comes down to: the deepest failed conditions of the tree, each said in the
    negative with its values (a failed comparison: 「…23个月；P3.S2要求36个月（23 < 36）」; a failed
    input or table fact; a reading not in force: 「基本合格不计为考核合格」).  Ways ("way 1 of 2")
    are passed through; a way that applies only under another reading is not a failure of the
    person's.  A failure that does not name the person is said of the last step above it
    that does, in the negative (「「wu」2024年度考核不计为合格：…」)."""
    lang = "zh" if w is WORDS["zh"] else "en"
    found: list[tuple[str, str, object]] = []  # (whose, what, clause)
    shorts: dict[int, tuple[str, str]] = {}  # place in found -> (level held, level required)

    def said(step: Step, parent: Step | None) -> str:
        if (
            step.kind in (COMPARE, COUNT)
            and not step.children
            and parent is not None
            # the person's own values are said as such; table values (ranks) by their rule
            and (bool(step.negated) or not names(person, step.text))
        ):
            if parent.negated:  # not the levels' ranks 3 ≤ 4: the levels by name, said once
                # (「高级工（senior_worker）未达到所要求的技师（technician）」), else the rule's
                # own negative (「高级工证书不满足P3.S2的证书条件」)
                return step.negated or parent.negated
        if step.kind in (COMPARE, COUNT):
            text = _plain(step.text, lang)
            if parent is not None and text == _shown(
                step.comparisons, lang
            ):  # a bare 16 < 18: say what of
                what = parent.negated or _plain(parent.text, lang)
                return w["with"].format(s=what, c=text)
            return text
        if step.kind == NOT and step.negated:
            # a negation that fails: what it denies holds, said with the duration its
            # derivation counted (「「li」最近取得的技师证书未满足P3.S2的年限要求：2024-11-01取得的证书
            # 之后…：20个月（20 < 36）」), the certificate the rule found too short
            counted = _duration_under(step, w, lang)
            if counted is not None:
                return w["about"].format(a=step.negated, s=counted.text)
        return step.negated or w["not"].format(s=_plain(step.text, lang))

    def walk(step: Step, parent: Step | None, about: Step | None, clause) -> None:
        clause = step.clause or clause
        if step.kind == SEE_ABOVE:
            return
        failing = _deciding(c for c in step.children if c.holds == NO and c.kind != READING)
        if person and person in step.text and step.kind != WAY and step.negated:
            about = step
        if failing and step.kind not in (COMPARE, COUNT) and not _alternatives(step, failing):
            for c in failing:
                walk(c, step if step.kind != WAY else parent, about, clause)
            return
        if step.kind in (WAY, READING):
            return
        text = said(step, parent)
        whose = (
            about.negated
            if person and person not in text and about is not None and about is not step
            else ""
        )
        if all((whose, text) != (a, b) for a, b, _ in found):
            if step.short and text == step.negated:
                shorts[len(found)] = step.short
            found.append((whose, text, step.clause or clause))

    walk(root, None, None, None)
    found = _short_together(found, shorts, w)
    out: list[Step] = []
    groups: dict[str, tuple[int, int]] = {}  # whose -> (its place in out, how many after it)
    for whose, text, clause in found:  # the failures of one step said after it once
        if whose and whose in groups:
            k, n = groups[whose]
            groups[whose] = (k, n + 1)
            if n < 2:  # two of them said, the rest an ellipsis
                out[k] = Step(
                    out[k].text + w["list"] + (text if n < 1 else "…"),
                    NO,
                    out[k].kind,
                    out[k].clause,
                )
            continue
        if whose:
            groups[whose] = (len(out), 0)
            text = w["about"].format(a=whose, s=text)
        out.append(Step(text, NO, "", clause))  # type: ignore[arg-type]
    return out


def _short_together(
    found: list[tuple[str, str, object]], shorts: dict[int, tuple[str, str]], w
) -> list[tuple[str, str, object]]:
    """Levels that each fall short of the one a clause requires, said once for all of them
    (「高级工（senior_worker）、技师（technician）均未达到所要求的高级技师（senior_technician）」): a
    person holding both is not told of the first alone, which reads as the highest held."""
    together: dict[tuple, list[int]] = {}
    for k, (whose, _, clause) in enumerate(found):
        if k in shorts:
            together.setdefault((whose, getattr(clause, "ref", None), shorts[k][1]), []).append(k)
    out: list[tuple[str, str, object]] = []
    for k, (whose, text, clause) in enumerate(found):
        places = (
            together.get((whose, getattr(clause, "ref", None), shorts[k][1]))
            if k in shorts
            else None
        )
        if places and len(places) > 1:
            if k != places[0]:
                continue
            held = list(dict.fromkeys(shorts[p][0] for p in places))
            required = shorts[k][1]
            if len(held) == 2:
                text = w["short_of_two"].format(a=held[0], b=held[1], r=required)
            elif len(held) > 2:
                listed = w["list"].join(held[:-1]) + w["last"] + held[-1]
                text = w["short_of_all"].format(a=listed, r=required)
        out.append((whose, text, clause))
    return out


def names(person: str, text: str) -> bool:
    """Whether ``text`` speaks of the person (its id as a code in brackets, 「中级工
    （intermediate_worker）」, does not)."""
    return bool(person) and re.search(rf"(?<![（(]){re.escape(person)}(?![）)])", text) is not None


def _alternatives(step: Step, failing: list[Step]) -> bool:
    """A conclusion missed by several rules, each failing (「2023年度考核是在现工作岗位上」 by a
    stated at_current_post, by the post's start, ...): said by its own sentence in the negative
    (「2023年度考核不是在现工作岗位上」) rather than by every way it could have held."""
    return step.kind != WAY and bool(step.negated) and sum(1 for c in failing if c.kind == WAY) >= 2


def _heads(step: Step) -> set[str]:
    """The inputs a failed step comes down to, by their item (``annual_assessments[2]``,
    ``current_post``, ``honours``): those of its parts that do not hold."""

    def heads(steps) -> set[str]:
        return {p.split(".")[0] for st in steps for i in st.inputs for p in split_paths(i.path)}

    return heads(st for st in step.walk() if st.holds != YES)


def _deciding(failing) -> list[Step]:
    """The failed conditions of one rule that decide it: a condition resting on a field an
    earlier failed one rests on already follows from it (no honour at all, then not that
    honour's class; no post, then not each year at the post) and is left out."""
    out: list[Step] = []
    seen: set[str] = set()
    for c in failing:
        heads = _heads(c)
        if heads & seen:
            continue
        seen |= heads
        out.append(c)
    return out


def _held_duration(root: Step, w) -> Step | None:
    """A duration that is met beside the failure (「…49个月（49 ≥ 36）」): the first comparison
    that holds whose actual value a condition beside it states as months or years.  Where the
    conclusion above holds by several such durations (P3's years after each qualifying
    certificate), the one its clock counts: the most time (under certificate_clock=earliest the
    years count from the earliest certificate, which has the most), of equal ones the earliest
    certificate's, never merely the first certificate of the case."""
    lang = "zh" if w is WORDS["zh"] else "en"
    stack: list[tuple[Step, ClauseRef | None, Step | None]] = [(root, root.clause, None)]
    while stack:
        s, clause, parent = stack.pop()
        found = _held_in(s, clause, w, lang)
        if found is not None:
            others = [
                _held_in(t, t.clause or clause, w, lang)
                for t in (parent.children if parent is not None else ())
                if t is not s and t.kind != SEE_ABOVE
            ]
            return min([found, *(o for o in others if o is not None)], key=lambda h: h[1])[0]
        for c in reversed(s.children):
            if c.kind != SEE_ABOVE:
                stack.append((c, c.clause or clause, s))
    return None


def _duration_under(step: Step, w, lang: str) -> Step | None:
    """The first duration compared, and holding, in the steps under ``step`` (the derivation of
    what a failed negation denies: a certificate too short, 20 < 36), said with its comparison."""
    for s in step.walk():
        if s.kind != SEE_ABOVE:
            found = _held_in(s, s.clause, w, lang, any_op=True)
            if found is not None:
                return found[0]
    return None


def _held_in(
    s: Step, clause: ClauseRef | None, w, lang: str, any_op: bool = False
) -> tuple[Step, tuple] | None:
    """The duration met among the children of ``s``, said with its comparison, and its order
    among alternatives (the most time first; of equal ones, the earliest date it counts from).
    ``any_op``: a duration compared any way (one too short, 20 < 36), not only a requirement
    met."""
    for c in s.children:
        if (
            c.kind != COMPARE
            or c.holds != YES
            or not c.comparisons
            or (c.comparisons[0].op not in (">=", ">") and not any_op)
        ):
            continue  # a requirement met: 49 ≥ 36
        actual = c.comparisons[0].actual
        if not isinstance(actual, int):
            continue
        units = [TEMPLATE_WORDS[lang][k].format(n=actual) for k in ("months", "years")]
        for sib in s.children:
            if sib is not c and sib.holds == YES and any(u in sib.text for u in units):
                said = Step(
                    w["with"].format(s=_plain(sib.text, lang), c=c.text),
                    YES,
                    COMPARE,
                    sib.clause or s.clause or clause,
                )
                return said, (-actual, _earliest_date(sib))
    return None


def _earliest_date(step: Step) -> str:
    """The earliest date among the inputs under ``step`` (a certificate's ``obtained``), as
    written (ISO dates order as text); "~" (after every date) when none is stated."""
    dates = [
        str(i.value.get("obtained"))
        for st in step.walk()
        for i in st.inputs
        if isinstance(i.value, dict) and i.value.get("obtained") is not None
    ]
    return min(dates, default="~")


def _unknown_inputs(step: Step) -> list[str]:
    out: list[str] = []
    for s in step.walk():
        if s.holds == UNKNOWN:
            for i in s.inputs:
                if i.value is None and i.path not in out:
                    out.append(i.path)
    return out


__all__ = ["Settle", "reason", "to_settle"]
