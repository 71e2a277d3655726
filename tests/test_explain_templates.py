"""The sentence templates kept in kb/: one English and one Chinese per predicate, beside its doc.

A maintainer who adds a predicate adds its two templates next to its ``%*!`` block; these
tests say which is missing, or which placeholder does not fit the predicate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clingo import Function, Number, String, Supremum

from pyagent.kb import kb_dir
from pyagent.engine.program import load_program
from pyagent.engine.rules import AGGREGATE, Fn
from pyagent.explain.templates import (
    FORMATS,
    LANGS,
    TEMPLATE,
    TEMPLATE_ANY,
    TEMPLATE_NOT,
    TEMPLATE_TERM,
    Phrasing,
    load_templates,
    placeholders,
)

DOC = re.compile(r"^%\*! (\w+)\(([^)]*)\)\s*$")
TEMPLATE_LINE = re.compile(r"^template\((\w+), (\d+), (\w+), ")
SELF = {TEMPLATE, TEMPLATE_TERM, TEMPLATE_NOT, TEMPLATE_ANY}  # the template predicates themselves


def used_predicates() -> set[tuple[str, int]]:
    """Every predicate the knowledge base defines, reads, or takes as input."""
    program = load_program()
    out: set[tuple[str, int]] = set(program.defined_inputs)
    for rule in program.rules:
        out.add((rule.name, rule.arity))
        stack = list(rule.body)
        while stack:
            lit = stack.pop()
            if lit.kind == AGGREGATE:
                for _, condition in lit.elements:
                    stack.extend(condition)
            elif isinstance(lit.term, Fn) and lit.term.name:
                out.add(lit.signature)
    return out - SELF


def doc_blocks() -> dict[tuple[str, int], tuple[str, int, list[str]]]:
    """``%*!`` blocks: (name, arity) -> (file, line of the closing ``*%``, argument names)."""
    out: dict[tuple[str, int], tuple[str, int, list[str]]] = {}
    for path in sorted(kb_dir().glob("*.lp")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for k, line in enumerate(lines):
            m = DOC.match(line)
            if not m:
                continue
            args = [a.strip() for a in m.group(2).split(",") if a.strip()]
            end = next(j for j in range(k, len(lines)) if lines[j].strip() == "*%")
            out[(m.group(1), len(args))] = (path.name, end + 1, args)
    return out


def test_the_knowledge_base_is_found_with_its_templates():
    templates = load_templates()
    assert len(templates.sentences) > 100
    assert ("high_skilled", 2, "en") in templates.sentences


@pytest.mark.parametrize("lang", LANGS)
def test_every_predicate_has_a_template(lang):
    templates = load_templates()
    missing = sorted(f"{n}/{a}" for n, a in used_predicates() if templates.text(n, a, lang) is None)
    assert not missing, f"predicates without a {lang} template: {', '.join(missing)}"


def test_no_template_names_a_predicate_the_knowledge_base_does_not_have():
    used = used_predicates()
    stray = sorted({f"{n}/{a}" for n, a, _ in load_templates().sentences if (n, a) not in used})
    assert not stray, f"templates of unknown predicates: {', '.join(stray)}"


def test_placeholders_fit_their_predicate():
    """``{P}`` only where the predicate is about a person; ``{n}`` within its arguments; known formats."""
    docs = doc_blocks()
    problems = []
    for (name, arity, lang), text in load_templates().sentences.items():
        args = docs[(name, arity)][2]
        person = bool(args) and args[0] == "P"
        after = arity - person
        for key, fmt in placeholders(text):
            if key == "P" and not person:
                problems.append(f"{name}/{arity} {lang}: {{P}} but no person argument")
            if key != "P" and not 1 <= int(key) <= after:
                problems.append(
                    f"{name}/{arity} {lang}: {{{key}}} but {after} argument(s) after the person"
                )
            if fmt is not None and fmt not in FORMATS:
                problems.append(f"{name}/{arity} {lang}: unknown format {fmt!r}")
    assert not problems, "\n".join(problems)


def test_templates_sit_beside_the_doc_block_of_their_predicate():
    docs = doc_blocks()
    for (name, arity, lang), (file, line) in load_templates().locations.items():
        assert (name, arity) in docs, f"{name}/{arity} has templates but no %*! doc block"
        doc_file, end, _ = docs[(name, arity)]
        assert Path(file).name == doc_file and 0 < line - end <= 4, (
            f"template({name}, {arity}, {lang}, ...) at {Path(file).name}:{line} is not right "
            f"after the doc block ending at {doc_file}:{end}"
        )


def test_every_doc_block_is_followed_by_its_templates_in_both_languages():
    for path in sorted(kb_dir().glob("*.lp")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for k, line in enumerate(lines):
            m = DOC.match(line)
            if not m or path.name not in {p.name for p in load_program().files}:
                continue
            name = m.group(1)
            if (name, 4) in (TEMPLATE, TEMPLATE_NOT, TEMPLATE_ANY) or (name, 3) == TEMPLATE_TERM:
                continue
            end = next(j for j in range(k, len(lines)) if lines[j].strip() == "*%")
            after = [TEMPLATE_LINE.match(x) for x in lines[end + 1 : end + 3]]
            langs = {a.group(3) for a in after if a and a.group(1) == name}
            assert langs == {"en", "zh"}, (
                f"{path.name}:{end + 1}: {name} is not followed by its two templates"
            )


def test_a_sentence_fills_values_formats_and_aliases():
    en = Phrasing(load_templates(), "en", person="wang", clause_refs={"p3_s1": "P3.S1"})
    zh = Phrasing(load_templates(), "zh", person="wang", clause_refs={"p3_s1": "P3.S1"})
    args = (Function("p3_s1"), Number(0), Number(23))
    assert en.sentence("counted_months", 4, args, person=True) == (
        "technical work after certificate #0, counted for P3.S1: 23 months"
    )
    assert "23个月" in zh.sentence("counted_months", 4, args, person=True)
    assert (
        en.sentence("as_of_date", 1, (Number(20260701),), person=False)
        == "the question is asked on 2026-07-01"
    )
    assert en.sentence(
        "level_rank", 2, (Function("technician"), Number(4)), person=False
    ).startswith("技师 (technician) is level 4")
    assert "unknown" in en.sentence("cumulative_work_years", 2, (Supremum,), person=True)
    assert (
        en.sentence("field", 2, (String("finance"),), person=True)
        == "the field of wang's current post is finance"
    )


def test_a_phrasing_copied_with_another_person_says_its_own_sentences():
    """A phrasing remembers the sentences it said (the trees of one person share it); a copy
    made by `dataclasses.replace` with other words must not say the original's."""
    import dataclasses

    en = Phrasing(load_templates(), "en", person="wang")
    args = (String("finance"),)
    assert en.sentence("field", 2, args, person=True).endswith("of wang's current post is finance")
    other = dataclasses.replace(en, person="the person", _terms={})
    assert "the person's current post" in other.sentence("field", 2, args, person=True)
    assert en.sentence("field", 2, args, person=True).endswith("wang's current post is finance")


def test_a_predicate_without_template_is_written_out_not_lost():
    en = Phrasing(load_templates(), "en", person="wang")
    assert (
        en.sentence("no_such_predicate", 2, (Number(1),), person=True)
        == "no_such_predicate(wang, 1)"
    )


def test_guards_are_hidden_by_an_empty_template():
    en = Phrasing(load_templates(), "en")
    assert en.hidden("person", 1)
    assert not en.hidden("gate", 1)


def test_the_runs_of_chinese_are_those_of_the_regular_expression() -> None:
    """templates.cjk_runs scans by hand what this regular expression finds (compiling it costs
    every command about 5 ms: `re` lists the 27,000 code points of the class one by one)."""
    import random
    import re

    from pyagent.explain.templates import cjk_runs

    pattern = re.compile(
        r"[\u3400-\u9fff](?:[\u3400-\u9fff0-9，、…]|N(?=[\u3400-\u9fff]))*[\u3400-\u9fff]"
        r"|[\u3400-\u9fff]"
    )
    alphabet = ["高", "级", "N", "1", "，", "、", "…", " ", "a", "「", "\u3400", "\u9fff", "\u33ff"]
    rng = random.Random(13)
    texts = ["{P} is 高技能人才 for {1}", "近N年年度考核合格", "近N年", "N高", "高N", "高1，"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(5000)]
    for text in texts:
        assert list(cjk_runs(text)) == [m.span() for m in pattern.finditer(text)], text
