"""What an unknown input with no list of values must reach for the best answer, read off the
rules (SPEC 9: "yes if ..."): the unknown comparisons that rest on it, each said as its measured
side at the required value (「技师（technician）证书之后可计入P3.S2的技术技能工作时间满36个月」), or,
with no comparison, the unknown condition of the case itself said as holding.
"""

from __future__ import annotations

import dataclasses

from clingo import Symbol, SymbolType

from pyagent.engine.facts import BEST
from pyagent.engine.solve import person_term
from pyagent.explain.nodes import UNKNOWN, Node
from pyagent.explain.sentences import Builder, all_nodes, split_paths

# A threshold of an unknown comparison, said as the value to reach (SPEC 9: "yes if ...").
THRESHOLD = {
    "en": {
        ">=": "at least {v}",
        ">": "more than {v}",
        "<=": "at most {v}",
        "<": "less than {v}",
        "or": " or ",
        "and": " and ",
        "short": "less than that",
    },
    "zh": {
        ">=": "满{v}",
        ">": "超过{v}",
        "<=": "不超过{v}",
        "<": "少于{v}",
        "or": "或",
        "and": "且",
        "short": "不满此数",
    },
}


def _rests_on(node: Node, path: str) -> bool:
    """Whether an unknown input at ``path`` is among what ``node`` rests on."""
    return any(
        leaf.unknown and path in split_paths(leaf.path)
        for n in all_nodes(node, held=False)
        for leaf in n.leaves
    )


def threshold(node: Node, path: str, builder: Builder) -> tuple[str, str]:
    """What an input with no list of values must reach for the best answer, read off the rules:
    each unknown comparison whose measured side rests on ``path`` (「技术技能工作时间：未知 ≥ 36」)
    said as that side's sentence at the required value (「技师（technician）证书之后可计入P3.S2的
    技术技能工作时间：满36个月」), and the other end: 「不满此数」, or, where no comparison decides
    it and the unknown condition itself is said as holding (「评审认定本人所获…等同于奖牌」), that
    condition in the negative (「评审不认定…」), never 「不满此数」 of what is not a number.
    ('', '') when nothing decides it."""
    t = THRESHOLD[builder.lang]
    said: list[str] = []
    for n in all_nodes(node, held=False):
        if n.status != UNKNOWN:
            continue
        for way in n.ways:
            for c in way.conditions:
                if c.kind != "compare" or c.status != UNKNOWN or len(c.compared) != 1:
                    continue
                side = c.sides[0] if c.sides else None
                x = c.compared[0]
                if side is None or x.op not in t or not _rests_on(side, path):
                    continue
                k = next((i for i, a in enumerate(side.arguments) if a == x.left), None)
                if k is None:
                    continue
                text = _at_value(builder, side, k, x.right, t[x.op])
                if text and text not in said:
                    said.append(text)
    if said:
        return t["or"].join(said[:2]), t["short"]
    # no comparison: the unknown condition of the case itself, said as holding
    denied: list[str] = []
    for n in all_nodes(node, held=False):
        if n.status == UNKNOWN and not n.derived and _rests_on(n, path):
            text = _impersonal(builder, n)
            if text and text not in said and not builder.phrasing.hidden(n.predicate, n.arity):
                said.append(text)
                denied.append(_impersonal(builder, n, negated=True))
    if not said:
        return "", ""
    # either fails: each in the negative, or, without its negative sentence, "otherwise"
    other = t["and"].join(denied[:2]) if all(denied[:2]) else builder.words["otherwise"]
    return t["or"].join(said[:2]), other


PERSON = {"en": "the person", "zh": "本人"}  # a value to check is not about one id


def _impersonal(builder: Builder, n: Node, negated: bool = False) -> str:
    """The sentence of an unknown condition said as holding (``negated``: as failing, '' when
    the KB has no such sentence), of "the person" (「本人」)."""
    ph = dataclasses.replace(builder.phrasing, person=PERSON[builder.lang], _terms={})
    return ph.sentence(n.predicate, n.arity, list(n.arguments), person=n.person, negated=negated)


def _at_value(builder: Builder, side: Node, k: int, value: Symbol, form: str) -> str:
    """``side``'s sentence with its ``k``-th argument at ``value`` put as ``form`` (满{v}); a
    certificate the case does not list is named by its level in the completion shown."""
    ph = builder.phrasing
    fmt = builder._formats(side.predicate, side.arity).get(k)
    args: list = list(side.arguments)
    args[k] = form.format(v=ph.term(value, fmt))
    levels = {
        a.arguments[1].number: a.arguments[2].name
        for a in builder.solved.model.atoms_of("certificate", 4, person_term(builder.index, BEST))
        if a.arguments[1].type == SymbolType.Number
    }
    own = ph.describe

    def describe(kind: str, index: int) -> str | None:
        found = own(kind, index) if own is not None else None
        if found is None and kind == "certificate" and index in levels:
            return builder.words["cert_level"].format(level=ph.code(levels[index]))
        return found

    phrasing = dataclasses.replace(ph, describe=describe, _terms={})
    text = phrasing.sentence(side.predicate, side.arity, args, person=side.person)
    # 「…工作时间满36个月」, "..., counted for P3.S2, is at least 36 months"
    return text.replace("：" + args[k], args[k]).replace(": " + args[k], ", is " + args[k])


__all__ = ["THRESHOLD", "threshold"]
