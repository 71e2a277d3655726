"""SPEC section 9 over every pinned answer: every explanation and reason, in both languages.

Each pinned answer of ``queries/`` is explained (why, its one-line reason, and for an unknown
what decides it) in English and in Chinese, rendered as Markdown (the words a reader sees:
headers, steps, quotes, notes, what decides it), and every line is checked for what SPEC 9
forbids:

- rule text: an atom of a predicate of the knowledge base (``post_counts(P,true)``), or a
  capitalised rule variable between brackets and commas (``(P,true)``, ``, X)``);
- the other language: an English phrase of two words or more under zh; a Chinese phrase
  outside quotation marks under en (the vocabulary's Chinese names of codes aside);
- a placeholder value for an input the case does not state: an input step whose value is not
  stated must say so ("not stated" / 未注明, "not set" / 未设定);
- ``≥`` beside a failed comparison (it reads as it came out: ``23 < 24``).

The pins are solved together (`pyagent.pins.solved`), as ``pyagent check`` does.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from pyagent.cli.render import explanation_markdown
from pyagent.engine.program import load_program
from pyagent.explain.reasons import reason
from pyagent.explain.steps import Explanations
from pyagent.explain.templates import ALIASES
from pyagent.explain.why import explain_solved
from pyagent.kb import readings as kb_readings
from pyagent.pins.check import load_pins, prepare, solved

QUERIES = Path(__file__).resolve().parent.parent / "queries"

_CJK = r"\u3400-\u9fff"
_QUOTED = re.compile(r"「[^」]*」|“[^”]*”|『[^』]*』|《[^》]*》")
_ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,})+\b")
_CHINESE = re.compile(rf"[{_CJK}][{_CJK}，、；：（）0-9]*[{_CJK}]")
_VARIABLE = re.compile(r"[(,]\s*[A-Z][A-Za-z_]*\s*[,)]")
_NOT_STATED = ("not stated", "not set", "未注明", "未设定")


def _predicates() -> set[str]:
    program = load_program()
    names = {name for name, _ in program.by_head}
    return {n for n in names if len(n) > 2}


def _pinned() -> list[tuple]:
    """(pin, expectation) for every pinned answer, pins solved together."""
    pins = load_pins([QUERIES])
    prepare(pins)
    return [(pin, e) for pin in pins for e in pin.expectations]


@pytest.fixture(scope="module")
def rendered() -> list[tuple[str, str, Explanations, str]]:
    """Every pinned answer explained and rendered, in en and zh: (label, lang, doc, text)."""
    out = []
    seen: set[tuple] = set()
    for pin, e in _pinned():
        readings = pin.readings_of(e)
        s = solved(pin, readings)
        index = next(k for k, p in enumerate(pin.case.persons) if p.id == e.person)
        case, pid = s.view(index)
        key = (pin.source, pin.index, tuple(sorted(readings.items())), e.person, e.question)
        if key in seen:
            continue
        seen.add(key)
        for lang in ("en", "zh"):
            x = explain_solved(case, pid, e.question, lang=lang, decide=e.status == "unknown")
            doc = Explanations(
                pin.source,
                pin.case.as_of,
                {**{n: r.default for n, r in kb_readings().items()}, **readings},
                (),
                lang,
                "why",
                (x,),
            )
            settle = "".join(f"{t.name}: {t.sentence(lang)}\n" for t in x.to_settle)
            text = explanation_markdown(doc) + "\n" + reason(x) + "\n" + settle
            out.append((f"{pin.id} · {e.label()} · {lang}", lang, doc, text))
    return out


def _lines(text: str) -> list[str]:
    return [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith(">")
    ]


def test_every_pinned_answer_is_explained_in_both_languages(rendered) -> None:
    assert {lang for _, lang, _, _ in rendered} == {"en", "zh"}
    assert len(rendered) >= 200  # every pinned answer, twice


def test_no_rule_text(rendered) -> None:
    predicates = _predicates()
    atom = re.compile(
        r"\b(" + "|".join(sorted(map(re.escape, predicates), key=len, reverse=True)) + r")\("
    )
    bad = []
    for label, _, _, text in rendered:
        for line in _lines(text):
            plain = _QUOTED.sub("", line)
            if atom.search(plain) or _VARIABLE.search(plain):
                bad.append(f"{label}: {line.strip()}")
    assert not bad, "rule text in an explanation:\n" + "\n".join(bad[:20])


def test_one_language_per_output(rendered) -> None:
    aliases = set(ALIASES.values())
    bad = []
    for label, lang, _, text in rendered:
        for line in _lines(text):
            plain = _QUOTED.sub("", line)
            # an input's place and a reading's name are code, and so is a value the case writes; but
            # under zh what the tool says of a value (not stated, true) is in the language asked
            keep = (lambda m: m.group(1) or "") if lang == "zh" else (lambda m: "")
            plain = re.sub(r"`[^`:]*(?:: ([^`]*))?`", keep, plain)
            if lang == "zh":
                found = _ENGLISH.search(plain)
            else:
                for name in sorted(aliases, key=len, reverse=True):  # the Chinese names of codes
                    plain = plain.replace(name, "")
                found = _CHINESE.search(plain)
            if found:
                bad.append(f"{label}: {found.group(0)!r} in {line.strip()}")
    assert not bad, "a sentence in the other language:\n" + "\n".join(bad[:30])


# -- the en text glosses the notice's Chinese ------------------------------------------------------
# A code is its Chinese name with the code beside it, "合格 (qualified)"; a term of the notice that is
# no code is the English gloss with the Chinese quoted after it, "social benefit 「社会效益」"; a
# whole sentence of the notice is quoted as it stands; nothing else in the en text is Chinese.
_NOT_A_GLOSS = frozenset(
    "the a an of for is are all as with at to and or by in on any not its each one if it was were "
    "that no every from be does do says say than below count counts whether".split()
)


def _codes_with_aliases() -> list[tuple[str, str]]:
    from pyagent.explain.templates import _VOCABULARIES

    pairs = {(alias, code) for v in _VOCABULARIES for code, alias in v.aliases.items()}
    return sorted(pairs, key=lambda p: -len(p[0]))


def unglossed(line: str, values: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The first Chinese of an en line that is neither a code beside its Chinese name, nor a
    term of the notice after its English gloss, nor a quotation of the notice; ``values``:
    the case's own words (an occupation, an unlisted field), kept as written."""
    plain = re.sub(r"“[^”]*”|《[^》]*》|`[^`]*`", " ", line)
    for m in re.finditer(r"「([^」]*)」", plain):
        inner = m.group(1)
        if not re.search(f"[{_CJK}]", inner) or len(inner) > 16 or inner in values:
            continue  # no Chinese, a sentence of the notice, a value of the case
        gloss = re.search(r"([A-Za-z][A-Za-z'-]*)\W*$", plain[: m.start()])
        if gloss is None or gloss.group(1).lower() in _NOT_A_GLOSS:
            return m.group(0)
    bare = re.sub(r"「[^」]*」", " ", plain)
    for alias, code in _codes_with_aliases():
        bare = bare.replace(f"{alias} ({code})", " ")
    for value in values:
        bare = bare.replace(value, " ")
    found = re.search(f"[{_CJK}]+", bare)
    return found.group(0) if found else None


def _case_words() -> frozenset[str]:
    """Every string value of a person of the pins (ids, occupations, fields, series, ...)."""
    out: set[str] = set()

    def collect(x: object) -> None:
        if isinstance(x, str):
            out.add(x)
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            for f in dataclasses.fields(x):
                collect(getattr(x, f.name))
        elif isinstance(x, (tuple, list)):
            for y in x:
                collect(y)

    for pin in load_pins([QUERIES]):
        collect(pin.case.persons)
    return frozenset(w for w in out if re.search(f"[{_CJK}]", w))


def test_the_en_text_glosses_every_chinese_term(rendered) -> None:
    """Under en a Chinese word is a code beside its name (「高级工 (senior_worker)」), a term of the
    notice after its English gloss (「application requirements 「申报条件」」) or a quotation:
    never 'the 「申报条件」 for …' nor 'all 合格'."""
    values = _case_words()
    bad = []
    for label, lang, _, text in rendered:
        if lang != "en":
            continue
        for line in _lines(re.sub(r"\\([\\`*_\[\]<>#|])", r"\1", text)):
            found = unglossed(line, values)
            if found:
                bad.append(f"{label}: {found!r} in {line.strip()}")
    assert not bad, "Chinese not glossed under en:\n" + "\n".join(bad[:30])


def test_the_gloss_checker_finds_what_was_seen() -> None:
    seen = [
        "the 「申报条件」 for 高级技师 (senior_technician) require 10 years of cumulative work",
        "if the record of annual assessments 2023–2025 is all three 合格: yes",
        "may apply for 技师 skill evaluation",
        "zhou's annual assessments of 「近3年」 are all 合格",
        # the readings' own words (`pyagent readings --lang en`, the page, the report)
        "Does 「基本合格」 count as 「合格」?",
        "「等」 after a list is most often read as closing it in administrative Chinese",
        "The text says 「在现工作岗位上」 (at the current post) in so many words.",
        "P2.S2 defines the fields of 「职业发展贯通」 as a whole",
        "May a title holder apply for a skill level below the mapped one (「中级」 → 「高级工」)",
    ]
    assert all(unglossed(line) for line in seen)
    fine = [
        "the application requirements 「申报条件」 for 高级技师 (senior_technician) require it",
        "the grade 合格 (qualified) counts as passed 「考核合格」",
        "the honour 自治区/省级/行业技术能手 (regional_technical_expert) is held",
        "「《通知》指出，高技能人才与专业技术人才职业发展贯通领域为工程、农业、工艺美术等。」",
    ]
    assert not any(unglossed(line) for line in fine)


def _kb_en_texts() -> list[tuple[str, str]]:
    """Every English text of the knowledge base a user reads, as shown: the templates (their
    Chinese terms quoted, `quoted_terms`), the terms, and every reading's question, reason for
    its default and values in words (`pyagent readings --lang en`, the page, the report)."""
    from pyagent.explain.templates import load_templates, quoted_terms

    t = load_templates()
    out = [
        (f"template {name}/{arity}", quoted_terms(text))
        for table in (t.sentences, t.negated, t.some)
        for (name, arity, lang), text in table.items()
        if lang == "en"
    ]
    out += [
        (f"term {n}", quoted_terms(text)) for (n, lang), text in t.terms.items() if lang == "en"
    ]
    for name, r in kb_readings().items():
        out += [(f"reading {name}: question", r.question_in("en"))]
        out += [(f"reading {name}: why the default", r.reason_in("en"))]
        out += [(f"reading {name}={v}", w) for v, lang, w in r.value_words if lang == "en"]
    return out


def test_every_en_text_of_the_kb_glosses_its_chinese() -> None:
    """Not only what the pins happen to show: every English text of the knowledge base glosses
    the notice's Chinese the same way (「P2.S2 defines the fields of 「职业发展贯通」…」, 「Does
    「基本合格」 count as 「合格」?」 were the readings' own words)."""
    texts = _kb_en_texts()
    assert sum(1 for label, _ in texts if label.startswith("reading")) >= 3 * 17
    bad = [f"{label}: {found!r} in {text}" for label, text in texts if (found := unglossed(text))]
    assert not bad, "Chinese not glossed under en:\n" + "\n".join(bad)


def _passed_glossed_otherwise(line: str) -> str | None:
    """合格 under en said any way but the two the explanations use: the grade, a code beside
    its name (「合格 (qualified)」, 「基本合格 (basically_qualified)」), or passing the assessment,
    the notice's term after 'passed' (「passed 「合格」」, 「passed 「考核合格」」)."""
    plain = re.sub(r"“[^”]*”|《[^》]*》|`[^`]*`", " ", line)
    for m in re.finditer(r"「([^」]*)」", plain):
        if m.group(1) in ("合格", "考核合格"):
            gloss = re.search(r"([A-Za-z][A-Za-z'-]*)\W*$", plain[: m.start()])
            if gloss is None or gloss.group(1) != "passed":
                return plain[max(0, m.start() - 30) : m.end()]
    bare = re.sub(r"「[^」]*」", " ", plain)
    codes = {"基本": "basically_qualified", "不": "unqualified", "": "qualified"}
    for m in re.finditer("(基本|不)?合格", bare):
        if not bare[m.end() :].startswith(f" ({codes[m.group(1) or '']})"):
            return bare[max(0, m.start() - 30) : m.end() + 15]
    return None


def test_passed_is_glossed_one_way(rendered) -> None:
    """合格 is the grade 合格 (qualified) or passing the assessment, passed 「合格」: never
    「… count as 「合格」?」 (the readings' question), 'qualified years' for the same term, or
    'all 合格' bare; in every pinned explanation and every English text of the knowledge base."""
    lines = [(label, text) for label, text in _kb_en_texts()]
    lines += [
        (label, line)
        for label, lang, _, text in rendered
        if lang == "en"
        for line in _lines(re.sub(r"\\([\\`*_\[\]<>#|])", r"\1", text))  # Markdown's escapes
    ]
    bad = [
        f"{label}: {found!r}" for label, line in lines if (found := _passed_glossed_otherwise(line))
    ]
    assert not bad, "合格 glossed another way under en:\n" + "\n".join(bad[:20])
    seen = [
        "Does 「基本合格」 count as 「合格」?",
        "is read as 「合格」 or 「优秀」",
        "all three 合格",
    ]
    assert all(_passed_glossed_otherwise(line) for line in seen)


def test_zh_lists_are_joined_with_the_enumeration_comma(rendered) -> None:
    """Under zh a list (clause ids, readings, inputs) is joined with 、, never ", "."""
    bad = []
    for label, lang, _, text in rendered:
        if lang != "zh":
            continue
        for line in _lines(text):
            if re.search(r"[\w.\]`], [\w`]", _QUOTED.sub("", line)):
                bad.append(f"{label}: {line.strip()}")
    assert not bad, "a zh list joined by ', ':\n" + "\n".join(bad[:20])


def test_no_unstated_input_is_shown_as_holding(rendered) -> None:
    """An input the case leaves out (a year it does not list) is never a ✓ line, even where the
    fact standing for it holds in the model: it reads 「…：未注明」 as unknown."""
    bad = []
    for label, _, doc, _ in rendered:
        for s in doc.explanations[0].root.walk():
            if (
                s.kind == "input"
                and s.holds == "yes"
                and s.inputs
                and all(i.value is None for i in s.inputs)
            ):
                bad.append(f"{label}: ✓ {s.text}")
    assert not bad, "an unstated input shown as holding:\n" + "\n".join(bad[:20])


_BY_NAME = re.compile(r"不低于|低于|高于|is not below|is below|is above|is not above")
_RANK_FACTS = re.compile(r"五个(技能等级|职称层级)中的第|of the five (skill levels|title ranks)")


def test_ranks_of_levels_are_never_shown(rendered) -> None:
    """The ranks of levels are rule machinery: a comparison of them reads by the levels'
    names (「高级工（senior_worker）不低于高级工（senior_worker）」), never 3 ≥ 3, and no line
    says a level's rank."""
    bad = []
    for label, _, doc, text in rendered:
        for line in _lines(text):
            if _RANK_FACTS.search(line):
                bad.append(f"{label}: {line.strip()}")
        for s in doc.explanations[0].root.walk():
            # a bare comparison of two small numbers beside no value of the person's: ranks
            if s.kind == "comparison" and _BY_NAME.search(s.text):  # --json carries the levels
                if not all(isinstance(c.actual, str) for c in s.comparisons):
                    bad.append(f"{label}: {s.text} carries {s.comparisons}")
            if s.kind == "comparison" and re.fullmatch(r"[1-5] [≥>≤<=] [1-5]", s.text):
                mine = {str(i.value) for st in s.walk() for i in st.inputs}
                if not mine & set(re.findall(r"\d", s.text)):
                    bad.append(f"{label}: {s.text}")
    assert not bad, "ranks shown:\n" + "\n".join(bad[:20])


_OPEN = {"zh": re.compile(r"任一"), "en": re.compile(r"(?:the honour|rank|series|:|,) any\b")}


def test_no_open_value_is_said_as_any(rendered) -> None:
    """A failing step with a value left open (no honour at all) is said in the negative, from
    its predicate's template_not (「「li_si」未获得任何荣誉」), never 「获得任一」 / "holds the
    honour any"."""
    bad = []
    for label, lang, _, text in rendered:
        for line in _lines(text):
            if _OPEN[lang].search(_QUOTED.sub("", line)):
                bad.append(f"{label}: {line.strip()}")
    assert not bad, "an open value said as any:\n" + "\n".join(bad[:20])


def test_unstated_inputs_are_said_to_be_unstated(rendered) -> None:
    bad = []
    for label, _, doc, _ in rendered:
        for s in doc.explanations[0].root.walk():
            if (
                s.kind == "input"
                and s.holds == "unknown"
                and s.inputs
                and all(i.value is None for i in s.inputs)
            ):
                if not any(w in s.text for w in _NOT_STATED):
                    bad.append(f"{label}: {s.text}")
    assert not bad, "a placeholder for an input the case does not state:\n" + "\n".join(bad[:20])


def test_failed_comparisons_read_the_way_they_came_out(rendered) -> None:
    bad = []
    for label, _, doc, _ in rendered:
        for s in doc.explanations[0].root.walk():
            for c in s.comparisons:
                if (
                    c.holds is False
                    and c.op in (">=", ">")
                    and f"{c.actual_text} {'≥' if c.op == '>=' else '>'} {c.required_text}"
                    in s.text
                ):
                    bad.append(f"{label}: {s.text}")
            if (
                s.holds == "no"
                and s.kind == "comparison"
                and "≥" in s.text
                and all(c.op in (">=", ">") for c in s.comparisons)
            ):
                bad.append(f"{label}: {s.text}")
    assert not bad, "a failed comparison shown as holding:\n" + "\n".join(bad[:20])


def test_an_open_comparison_reads_as_not_known(rendered) -> None:
    """A comparison one side of which the case leaves open says that whether it holds is not
    known (「是否 ≥ 24：未知」), never "unknown ≥ 24" as if "unknown" were a value."""
    bad = [
        f"{label}: {s.text}"
        for label, _, doc, _ in rendered
        for s in doc.explanations[0].root.walk()
        if s.kind == "comparison"
        and re.search(r"(unknown|未知) [≥>≤<=]|[≥>≤<=] (unknown|未知)", s.text)
    ]
    assert not bad, "an open operand read as a value:\n" + "\n".join(bad[:20])


_FALLBACK = ("不成立：", "not so:", "并非：", "not: ")


def test_a_no_reason_says_each_failed_condition_in_the_negative(rendered) -> None:
    """A no's reason names the deepest failed conditions, each in the negative from its
    predicate's ``template_not`` (「卫生不在P2.S2所列八个贯通领域之中」), never a failing step's
    sentence in the positive after 「不成立：」 / "not so:" (a double negative on a rule head), and
    never a failing step's positive sentence as if it held (「卫生是P2.S2所列八个贯通领域之一」)."""
    bad = []
    for label, _, doc, _ in rendered:
        e = doc.explanations[0]
        if e.status != "no":
            continue
        failure = e.reason.split("；已满足：")[0].split("; holds: ")[0]
        if any(f in failure for f in _FALLBACK):
            bad.append(f"{label}: {e.reason}")
            continue
        for s in e.root.walk():
            if (
                s.holds == "no"
                and s.negated
                and s.kind != "comparison"
                and s.text in failure
                and s.text not in s.negated
            ):
                bad.append(f"{label}: {s.text!r} said as if it held in {e.reason}")
                break
    assert not bad, "a failed condition said in the positive:\n" + "\n".join(bad[:20])


def test_a_no_reason_names_values_not_rule_heads(rendered) -> None:
    """The failed conditions of a reason are the leaves: a failed comparison with its values,
    a failed input or table fact, a reading not in force, never the rule above them whose
    conditions fail (「满足P3.S2“取得…后，从事技术技能工作满N年”」).  A rule that fails on a
    comparison of the knowledge base's own tables (the ranks of two levels, 3 ≤ 4) is said by
    the levels' names (「高级工（senior_worker）未达到所要求的技师（technician）」), else by its own
    sentence in the negative (「高级工证书不满足P3.S2的证书条件」): the rank numbers are
    not the person's values; so is a conclusion that several rules miss (「2023年度考核不是在现
    工作岗位上」)."""
    bad = []
    for label, _, doc, _ in rendered:
        e = doc.explanations[0]
        if e.status != "no":
            continue
        for s in e.root.walk():
            fails_below = [c for c in s.children if c.holds == "no" and c.kind not in ("reading",)]
            if not any(st.inputs for c in fails_below for st in c.walk() if st.holds != "yes"):
                continue  # it fails on the knowledge base's tables (ranks, the report date)
            if sum(1 for c in fails_below if c.kind == "way") >= 2:
                continue  # missed by several rules: said by its own sentence (reasons._alternatives)
            if (
                s.holds == "no"
                and fails_below
                and s.kind == "conclusion"
                and s.negated
                and s.negated in e.reason
                and not any(
                    c.negated and c.negated in e.reason or c.text in e.reason
                    for c in s.walk()
                    if c is not s
                )
            ):
                bad.append(f"{label}: {e.reason}")
                break
        if "（3 ≥ 3）" in e.reason or "(3 ≥ 3)" in e.reason:
            bad.append(f"{label}: {e.reason}")
    assert not bad, "a reason names a rule head, not what failed under it:\n" + "\n".join(bad[:20])


def test_what_would_settle_it_says_what_else_an_item_needs(rendered) -> None:
    """An input that cannot make the answer yes alone names the others it needs, and says yes
    where together, each at its value, they give it (P4.S3's contribution and benefits)."""
    bad = []
    for label, _, doc, _ in rendered:
        items = doc.explanations[0].to_settle
        for t in items:
            if t.status != "yes" and len(items) > 1 and not t.together:
                bad.append(
                    f"{label}: {t.path} still unknown, with nothing said of {[x.path for x in items]}"
                )
    assert not bad, "\n".join(bad[:20])


def test_a_post_that_is_none_is_not_an_occupation_not_stated(tmp_path) -> None:
    from pyagent.cli.render import THEME, explanation_view
    from pyagent.explain.answers import solve_case
    from pyagent.input.case import load_case
    from rich.console import Console
    import io

    path = tmp_path / "case.yaml"
    path.write_text(
        "as_of: 2026-07-01\npersons:\n  - id: ma\n    certificates: [{level: senior_worker, kind: skill_level, obtained: 2020-01-01}]\n    technical_work: [{from: 2020-01-01}]\n"
        "    field: engineering\n    current_post: none\n    annual_assessments: []\n"
        "    titles: [{rank: intermediate, series: health, obtained: 2018-01-01}]\n    cumulative_work_years: 16\n",
        encoding="utf-8",
    )
    case = load_case(path)
    solved = solve_case(case)
    for lang in ("zh", "en"):
        e = explain_solved(solved, "ma", "skill.technician", lang=lang)
        doc = Explanations("case.yaml", case.as_of, {}, (), lang, "why", (e,))
        out = io.StringIO()
        Console(file=out, width=200, color_system=None, theme=THEME).print(explanation_view(doc))
        for text in (out.getvalue(), explanation_markdown(doc)):
            assert "current_post: none" in text
            assert "current_post.occupation" not in text
            assert "任一" not in text and "any" not in text.split("In short")[0].replace(
                "anyone", ""
            )
            assert "≥ 未设定" not in text and "≥ not set" not in text
            assert "not stated" not in text or lang == "en"
        # P4.S3: the contribution and the two benefits, none of them yes alone, are yes together
        s = explain_solved(solved, "ma", "special_talent.apply", lang=lang)
        assert s.status == "unknown" and len(s.to_settle) == 3
        assert all(t.status == "yes" and len(t.together) == 2 for t in s.to_settle)
        assert ("以下同时成立时为是" if lang == "zh" else "yes if all of") in s.reason


# -- what an analyst reads in one line: the reason and what would settle an unknown ----------------
_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)|「[^」]*」")
_RAW_PATH = re.compile(r"\b[a-z]+(?:_[a-z]+)+(?:\[\d+\]|\.\d{4}|\.[a-z_]+)?|\b[a-z_]+\[\d+\]")
_FAVOURABLE = ("案例允许的最有利", "as favourable as the case allows", "最不利", "unfavourable")
_RANKS = (
    "五个技能等级中的第",
    "五个职称层级中的第",
    "of the five skill levels",
    "of the five title ranks",
)


def _one_liners(doc: Explanations) -> list[str]:
    e = doc.explanations[0]
    return [e.reason, *(f"{t.name}: {t.sentence(doc.lang)}" for t in e.to_settle)]


def _unbracketed(text: str, person: str) -> str:
    """What a reader reads as words: codes and places in brackets, quotes and the id aside."""
    text = text.replace(person, "")
    while True:
        out = _BRACKETED.sub("", text)
        if out == text:
            return out
        text = out


def test_reasons_and_to_settle_name_inputs_in_words(rendered) -> None:
    """An input is named as an analyst names it (「2025年度考核结果」, "the 2025 assessment"), its
    place in the case file only in brackets: never ``annual_assessments[2]`` or
    ``annual_assessments.2026`` or ``technical_work`` as the name itself."""
    bad = []
    for label, _, doc, _ in rendered:
        e = doc.explanations[0]
        for line in _one_liners(doc):
            found = _RAW_PATH.search(_unbracketed(line, e.person))
            if found:
                bad.append(f"{label}: {found.group(0)!r} in {line}")
    assert not bad, "a raw path as a name:\n" + "\n".join(bad[:20])


def test_to_settle_says_the_value_that_makes_it_yes(rendered) -> None:
    """Each item of to_settle says a value or date to check (「满36个月」, 「2024-07-01或更早」),
    never "as favourable as the case allows"."""
    bad = []
    for label, _, doc, _ in rendered:
        for t in doc.explanations[0].to_settle:
            if not t.values or any(f in v for v in t.values for f in _FAVOURABLE):
                bad.append(f"{label}: {t.path}: {t.values}")
    assert not bad, "no threshold to check:\n" + "\n".join(bad[:20])


def test_reasons_carry_no_rank_numbers_nor_open_values(rendered) -> None:
    """A reason says what failed in the analyst's terms: no comparison of rank numbers
    (「3 ≤ 4」 between levels), no 「任一」 / "any" standing for a value left open."""
    bad = []
    for label, lang, doc, _ in rendered:
        r = doc.explanations[0].reason
        if any(k in r for k in _RANKS) or re.search(r"[（(]\d ≤ \d[）)]", r):
            bad.append(f"{label}: {r}")
        if "任一" in r or re.search(r"\bas any\b|: any\b|\(any\b", r):
            bad.append(f"{label}: {r}")
    assert not bad, "noise in a reason:\n" + "\n".join(bad[:20])


def _notice_sentences() -> str:
    """The notice's words as the knowledge base holds them (clause texts and whole sentences)."""
    kb = Path(__file__).resolve().parent.parent / "kb"
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(kb.glob("*.lp")))
    found = re.findall(r'^clause_(?:text|sentence)\(.*"([^"]*)"\)\.', text, re.M)
    assert len(found) >= 10, "the clause texts of kb/ were not found"
    return "\n".join(found)


def _strings(value: object) -> set[str]:
    """Every string a person's data holds (ids, fields, occupations, series...)."""
    if isinstance(value, str):
        return {value}
    if dataclasses.is_dataclass(value):
        value = [getattr(value, f.name) for f in dataclasses.fields(value)]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def test_quotes_are_the_notices_words(rendered) -> None:
    """SPEC 9: a quote is the notice's own words (a whole sentence, or marked words of it), never
    a paraphrase or a made-up fragment such as 「取得…后，从事技术技能工作满N年」.  Under en every
    「…」 quote that is not a person's id nor the Chinese name of a code must be found in the
    notice, piece by piece around an ellipsis."""
    notice = _notice_sentences()
    aliases = set(ALIASES.values())
    # what a case writes (an id, an unlisted field such as 卫生) is quoted as the case has it
    written = {v for pin, _ in _pinned() for p in pin.case.persons for v in _strings(p)}
    bad = []
    for label, lang, _, text in rendered:
        if lang != "en":
            continue
        for quote in re.findall(r"「([^」]*)」", text.replace("**", "")):
            if quote in written or quote in aliases or not re.search(f"[{_CJK}]", quote):
                continue
            pieces = [p for p in re.split(r"…+", quote) if p]
            if not all(p in notice for p in pieces):
                bad.append(f"{label}: 「{quote}」")
    assert not bad, "quotes not in the notice:\n" + "\n".join(sorted(set(bad))[:20])


def test_unstated_inputs_in_a_tree_are_named_in_words(rendered) -> None:
    """An input the case leaves out reads by its name (「2023年度考核是否在现工作岗位上
    （annual_assessments[2]）：未注明」), its place only in brackets, never 'whether assessment
    annual_assessments[2] was …' nor 「该年度考核…」 without its year."""
    bad = []
    for label, _, doc, _ in rendered:
        e = doc.explanations[0]
        for s in e.root.walk():
            if s.kind == "input" and s.inputs and all(i.value is None for i in s.inputs):
                found = _RAW_PATH.search(_unbracketed(s.text, e.person))
                if found or "该年度" in s.text:
                    bad.append(f"{label}: {s.text}")
    assert not bad, "an unstated input named by its path:\n" + "\n".join(bad[:20])


def test_a_failed_line_states_its_condition_not_a_double_negative(rendered) -> None:
    """A ✗ line states the condition the rule requires, and the mark says it failed: never a
    sentence in the negative after 「不成立：」/「并非：」/"not:", and never the KB's negative
    sentence of the step itself (「✗ 2024年度考核不计为合格」 reads as a double negative).  A
    condition the rule needs to be absent is said in the KB's own negative wording
    (「现工作岗位的起始日期未注明」), and only a comparison or a reading says how it came out."""
    bad = []
    for label, _, doc, _ in rendered:
        for s in doc.explanations[0].root.walk():
            if s.holds != "no" or s.kind in ("comparison", "reading", "way", "count"):
                continue
            if s.text.startswith(_FALLBACK) or (s.negated and s.text == s.negated):
                bad.append(f"{label}: ✗ {s.text}")
    assert not bad, "a ✗ line in the negative:\n" + "\n".join(sorted(set(bad))[:20])
