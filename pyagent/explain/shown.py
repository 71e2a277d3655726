"""How a comparison reads: each link as it came out (``23 < 24``; a failed ``>=`` reads
``<``), a side the case leaves open as not known, and a comparison's values in --json.  Used by
`pyagent.explain.sentences` and `pyagent.explain.reasons`."""

from __future__ import annotations

from collections.abc import Sequence

from clingo import Symbol, SymbolType

from pyagent.explain.nodes import UNKNOWN
from pyagent.explain.steps import OPS, Comparison

OPEN_COMPARISON = {"en": "whether {s}: not known", "zh": "是否 {s}：未知"}
NEGATED = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "=": "≠", "!=": "=="}


def _order(s: Symbol) -> tuple[int, object]:
    if s.type == SymbolType.Number:
        return (0, s.number)
    if s.type == SymbolType.Supremum:
        return (1, 0)
    return (0, str(s))


def _shown(comparisons: Sequence[Comparison], lang: str = "en") -> str:
    """``23 < 24``: each link as it came out (a failed ``>=`` reads ``<``)."""
    out = []
    for x in comparisons:
        op = OPS.get(x.op, x.op) if x.holds is not False else NEGATED.get(x.op, "≠")
        if op == "==":
            op = "="
        if x.holds == UNKNOWN and (x.actual is None) != (x.required is None):
            # one side left open: whether it holds is what is not known (「是否 ≥ 24：未知」),
            # never "unknown ≥ 24" as if "unknown" were a value
            known = x.required_text if x.actual is None else x.actual_text
            said = f"{op} {known}" if x.actual is None else f"{known} {op}"
            out.append(OPEN_COMPARISON[lang].format(s=said))
            continue
        out.append(f"{x.actual_text} {op} {x.required_text}")
    return ("、" if lang == "zh" else ", ").join(out)


def _json_value(s: Symbol) -> object:
    if s.type == SymbolType.Number:
        return s.number
    if s.type == SymbolType.String:
        return s.string
    if s.type in (SymbolType.Supremum, SymbolType.Infimum):
        return None
    return str(s)
