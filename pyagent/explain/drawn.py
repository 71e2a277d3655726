"""What a reader is shown of an explanation step, whatever the face: the terminal's tree, its
Markdown, the page and the decision report all draw a step from these, so that a step reads
the same everywhere.

- `drawn`: the steps drawn; a comparison with a side not set (``16 ≥ not set``) is not, the
  line above it says "not set" already (its data stays in ``--json``).
- `inputs_shown`: the inputs a step rests on, ``path: value`` (``cumulative_work_years: 8``),
  never the raw data of a whole item (a certificate is named by its path, its level and date
  are in the sentence).
- `readings_shown`: the readings a step depends on, in words, not their ids.
- `suffix`: "(see above)" for a step said in full earlier in the tree.

>>> input_value_text(8.0, "en"), input_value_text(None, "zh"), input_value_text(True, "zh")
('8', '未注明', '是')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pyagent.kb import reading_said

if TYPE_CHECKING:
    from pyagent.explain.steps import Step

WORDS = {
    "en": {
        "see_above": " (see above)",
        "readings_of": " (reading: {list})",
        "not_stated": "not stated",
        "not_set": "not set",
    },
    "zh": {
        "see_above": "（见上文）",
        "readings_of": "（读法：{list}）",
        "not_stated": "未注明",
        "not_set": "未设定",
    },
}
_UNSET = {w["not_set"] for w in WORDS.values()}


def sentences_listed(items: Iterable[str], lang: str) -> str:
    """Sentences in a list (readings in words): joined with 「；」 / "; "."""
    return ("；" if lang == "zh" else "; ").join(items)


def drawn(steps: Sequence[Step]) -> list[Step]:
    """The steps drawn: a comparison with a side not set is not (the line above says so)."""
    return [
        s
        for s in steps
        if not (
            s.kind == "comparison"
            and s.holds == "unknown"
            and any(c.actual_text in _UNSET or c.required_text in _UNSET for c in s.comparisons)
        )
    ]


def input_value_text(value: object, lang: str, named: bool = False) -> str | None:
    """An input's value when it is short enough to show beside a step, else None (a whole
    certificate or list: the step's sentence says what of it counts)."""
    if value is None:
        return WORDS[lang]["not_stated"]
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("true" if value else "false")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    from pyagent.explain.templates import ALIASES

    if named and isinstance(value, str) and value in ALIASES:  # a code: with its Chinese name
        return f"{ALIASES[value]}（{value}）" if lang == "zh" else f"{ALIASES[value]} ({value})"
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


def inputs_shown(step: Step, lang: str = "en") -> list[str]:
    """The inputs a step rests on (``path: value``); one the case leaves out is said in the
    step's own sentence ("not stated"), so it is not repeated here."""
    if (
        step.kind == "input"
        and step.holds == "unknown"
        and any(i.value is None for i in step.inputs)
    ):
        return []
    shown = []
    for ref in step.inputs:
        value = input_value_text(ref.value, lang)
        shown.append(ref.path + (f": {value}" if value is not None else ""))
    return shown


def readings_shown(step: Step, lang: str) -> str:
    """ " (reading: …)" / 「（读法：…）」 after a step that rests on readings, in words; "" for a
    step that rests on none, or is itself a reading's step."""
    if not step.readings or step.kind == "reading":
        return ""
    said = sentences_listed((reading_said(n, v, lang) for n, v in step.readings), lang)
    return WORDS[lang]["readings_of"].format(list=said)


def suffix(step: Step, lang: str) -> str:
    """ " (see above)" after a step said in full earlier in the tree, else ""."""
    return WORDS[lang]["see_above"] if step.kind == "see_above" else ""
