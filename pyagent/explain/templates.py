"""Sentences for the knowledge base's predicates, from template facts kept in ``kb/``.

Every predicate of the knowledge base has one English and one Chinese template, written
beside its ``%*!`` doc block::

    template(high_skilled, 2, en, "{P} is 高技能人才 for {1}: holds a certificate of 高级工 or above").

``Name, Arity`` name the predicate (the arity counts the person argument, when it has one);
the text has positional placeholders for the arguments after the person: ``{P}`` is the
person, ``{1}`` the first argument after it (or the first argument of a predicate without a
person), and so on.  A placeholder may name a format: ``{1:date}`` (a YYYYMMDD number),
``{1:months}``, ``{1:years}``, ``{1:work_years}`` (years counted whole: the person's stated
value beside them when it is not whole, through ``describe``), ``{1:certificate}`` and ``{1:title}`` (an index into the
person's certificates or titles).  An empty text hides the predicate from explanations
(a guard such as ``person/1``).  Constants that are neither codes of the vocabulary
(``pyagent.input.vocab``, shown with their Chinese alias) nor clause ids (shown as ``P3.S1``) get
their words from ``template_term(Constant, Lang, Text)`` facts beside the predicate that
uses them.

The templates are read from the parsed rules (`pyagent.engine.program`), not from a solve, so a
knowledge base in a temporary directory brings its own.

>>> from clingo import Function, Number
>>> p = Phrasing(load_templates(), "en", clause_refs={"p3_s1": "P3.S1"})
>>> p.sentence("required_months", 2, (Function("p3_s1"), Number(24)), person=False)
'P3.S1 requires 24 months'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from clingo import Symbol, SymbolType

from pyagent.input import vocab
from pyagent.engine.program import Program, load_program
from pyagent.engine.rules import Const

TEMPLATE = ("template", 4)
TEMPLATE_TERM = ("template_term", 3)
TEMPLATE_NOT = ("template_not", 4)  # the sentence in the negative, for a condition that fails
TEMPLATE_ANY = ("template_any", 4)  # an input asked for whatever its open values, for a ✗ line
LANGS = ("en", "zh")

PLACEHOLDER = re.compile(r"\{(P|\d+)(?::([a-z_]+))?\}")
LAST_VALUE = re.compile(r"(?:: |：)\{(\d+)\}$")  # a sentence that ends on a value after a colon
FORMATS = ("date", "months", "years", "work_years", "certificate", "title", "honour", "benefit")

_VOCABULARIES = (
    vocab.LEVELS,
    vocab.CERTIFICATE_KINDS,
    vocab.RANKS,
    vocab.FIELDS,
    vocab.GRADES,
    vocab.HONOURS,
    vocab.CONTEST_CLASSES,
    vocab.ALLOWANCE_CATEGORIES,
)
ALIASES: dict[str, str] = {code: alias for v in _VOCABULARIES for code, alias in v.aliases.items()}

WORDS = {
    "en": {
        "any": "any",
        "unknown": "unknown",
        "not_stated": "(not stated)",
        "months": "{n} months",
        "month": "1 month",
        "months_unknown": "an unknown number of months",
        "years": "{n} years",
        "year": "1 year",
        "certificate": "certificate #{n}",
        "a_certificate": "a certificate",
        "title": "title #{n}",
        "a_title": "a title",
        "an_honour": "any honour",
        "a_benefit": "any benefit",
        "alias": "{alias} ({code})",
        "sep": ", ",
    },
    "zh": {
        "any": "任一",
        "unknown": "未知",
        "not_stated": "（未注明）",
        "months": "{n}个月",
        "month": "1个月",
        "months_unknown": "未知月数",
        "years": "{n}年",
        "year": "1年",
        "certificate": "第{n}项证书",
        "a_certificate": "某项证书",
        "title": "第{n}项职称",
        "a_title": "某项职称",
        "an_honour": "任何荣誉",
        "a_benefit": "任何效益",
        "alias": "{alias}（{code}）",
        "sep": "、",
    },
}


@dataclass(frozen=True)
class Templates:
    """The template facts of one knowledge base."""

    sentences: Mapping[tuple[str, int, str], str]  # (name, arity, lang) -> text
    terms: Mapping[tuple[str, str], str]  # (constant, lang) -> text
    locations: Mapping[tuple[str, int, str], tuple[str, int]] = field(default_factory=dict)
    negated: Mapping[tuple[str, int, str], str] = field(default_factory=dict)  # template_not/4
    some: Mapping[tuple[str, int, str], str] = field(default_factory=dict)  # template_any/4

    def text(
        self, name: str, arity: int, lang: str, negated: bool = False, some: bool = False
    ) -> str | None:
        table = self.some if some else self.negated if negated else self.sentences
        return table.get((name, arity, lang))


def templates_of(program: Program) -> Templates:
    """The ``template/4`` and ``template_term/3`` facts among the program's rules (read off
    the constants' values, `pyagent.engine.values`: no clingo symbol is built)."""
    sentences: dict[tuple[str, int, str], str] = {}
    negated: dict[tuple[str, int, str], str] = {}
    some: dict[tuple[str, int, str], str] = {}
    terms: dict[tuple[str, str], str] = {}
    locations: dict[tuple[str, int, str], tuple[str, int]] = {}
    for signature, into in ((TEMPLATE, sentences), (TEMPLATE_NOT, negated), (TEMPLATE_ANY, some)):
        for rule in program.rules_for(*signature):
            args = [a.value if isinstance(a, Const) else None for a in rule.head.args]
            if rule.body or any(a is None for a in args):
                continue
            name, arity, lang, text = args
            if type(name) is str and type(arity) is int and type(lang) is str and _is_string(text):
                key = (name, arity, lang)
                into[key] = text[1]
                if into is sentences:
                    locations[key] = (rule.file, rule.line)
    for rule in program.rules_for(*TEMPLATE_TERM):
        head = rule.head.args
        if rule.body or not all(isinstance(a, Const) for a in head):
            continue
        term, lang, text = head
        if type(lang.value) is str and _is_string(text.value):
            terms[(str(term), lang.value)] = text.value[1]
    return Templates(sentences, terms, locations, negated, some)


def _is_string(v: object) -> TypeGuard[tuple[str, str]]:
    return type(v) is tuple and len(v) == 2 and v[0] == "str"


_BY_PROGRAM: dict[int, tuple[Program, Templates]] = {}


def templates_for(program: Program) -> Templates:
    """The templates of a parsed program, read once per program."""
    known = _BY_PROGRAM.get(id(program))
    if known is None or known[0] is not program:
        known = (program, templates_of(program))
        _BY_PROGRAM[id(program)] = known
    return known[1]


def load_templates(directory: Path | None = None) -> Templates:
    """The templates of the knowledge base in ``directory`` (default: the installed one)."""
    return templates_for(load_program(directory))


# A callback naming one of the person's certificates or titles: (kind, index) -> text or None.
Describe = Callable[[str, int], "str | None"]


@dataclass
class Phrasing:
    """Turns atoms into sentences in one language.

    ``person`` is how ``{P}`` reads; ``clause_refs`` maps clause ids to their references
    (``p3_s1`` -> ``P3.S1``); ``questions`` maps question terms to their label;
    ``describe`` names the person's certificates and titles (see `Describe`).
    """

    templates: Templates
    lang: str = "en"
    person: str = "the person"
    clause_refs: Mapping[str, str] = field(default_factory=dict)
    questions: Mapping[Symbol, str] = field(default_factory=dict)
    describe: Describe | None = None
    _terms: dict[tuple[Symbol, str | None], str] = field(default_factory=dict, repr=False)
    # sentences said already (a phrasing is shared by the trees of one person); not copied by
    # `dataclasses.replace`, which may change what they read
    _said: dict[tuple, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def words(self) -> Mapping[str, str]:
        return WORDS[self.lang]

    def has(self, name: str, arity: int) -> bool:
        return self.templates.text(name, arity, self.lang) is not None

    def hidden(self, name: str, arity: int) -> bool:
        """An empty template: the predicate is a guard, never shown."""
        return self.templates.text(name, arity, self.lang) == ""

    def sentence(
        self,
        name: str,
        arity: int,
        args: Sequence[Symbol | str | None],
        *,
        person: bool,
        negated: bool = False,
        some: bool = False,
    ) -> str:
        """The sentence for ``name(P, args...)`` (``person``) or ``name(args...)``; ``negated``:
        the sentence that says it does not hold (``template_not/4``; "" when there is none);
        ``some``: the input asked for whatever its open (None) values (``template_any/4``;
        "" when there is none).

        An argument may be None (any value) or a string (a variable, shown as written).
        Without a template the atom is written out, so that a missing template shows
        rather than breaks an explanation (tests/test_explain_templates.py keeps them all).
        """
        key = (name, arity, tuple(args), person, negated, some)
        said = self._said.get(key)
        if said is None:
            said = self._said[key] = self._sentence(name, arity, args, person, negated, some)
        return said

    def _sentence(
        self,
        name: str,
        arity: int,
        args: Sequence[Symbol | str | None],
        person: bool,
        negated: bool,
        some: bool = False,
    ) -> str:
        text = self.templates.text(name, arity, self.lang, negated, some)
        negated = negated or some  # both leave out the values that may be any
        if text is None and negated:
            return ""  # no sentence in the negative: the caller says it its own way
        if text is None:
            shown = [self.term(a) for a in args]
            inside = ", ".join(([self.person] if person else []) + shown)
            return f"{name}({inside})"
        if self.lang == "en":
            text = quoted_terms(text)

        def fill(m: re.Match[str]) -> str:
            key, fmt = m.group(1), m.group(2)
            if key == "P":
                return self.person
            k = int(key) - 1
            if not 0 <= k < len(args):
                return m.group(0)
            if negated and args[k] is None and fmt is None:
                return ""  # 「没有2025年度考核的记录」, not 「（任一，任一）」: tidied below
            return self.term(args[k], fmt)

        last = LAST_VALUE.search(text)
        if (
            last is not None
            and last.group(1) != "P"
            and 0 <= int(last.group(1)) - 1 < len(args)
            and args[int(last.group(1)) - 1] is None
        ):
            text = text[: last.start()]  # 「已注明：任一」: a value that may be any is not said
        if not negated:
            return PLACEHOLDER.sub(fill, text)
        said = PLACEHOLDER.sub(fill, text)
        said = re.sub(r"([（(])\s*[，,]\s*", r"\1", said)
        said = re.sub(r"\s*[，,]\s*([）)])", r"\1", said)
        return re.sub(r"\s*(（）|\(\))", "", said)

    # -- values ------------------------------------------------------------------
    def term(self, value: Symbol | str | None, fmt: str | None = None) -> str:
        w = self.words
        if value is None:
            if fmt == "certificate":
                return w["a_certificate"]
            if fmt == "title":
                return w["a_title"]
            if fmt == "honour":
                return w["an_honour"]
            if fmt == "benefit":
                return w["a_benefit"]
            return w["any"]
        if isinstance(value, str):
            return value
        key = (value, fmt)
        known = self._terms.get(key)
        if known is None:
            known = self._symbol(value, fmt)
            self._terms[key] = known
        return known

    def _symbol(self, value: Symbol, fmt: str | None) -> str:
        w = self.words
        t = value.type
        if t == SymbolType.Supremum:
            return w["months_unknown"] if fmt == "months" else w["unknown"]
        if t == SymbolType.Infimum:
            return w["unknown"]
        if t == SymbolType.Number:
            return self._number(value.number, fmt)
        if t == SymbolType.String:  # the case's own words (an occupation, an unlisted field)
            if not value.string:
                return w["not_stated"]
            return quoted_terms(value.string) if self.lang == "en" else value.string
        return self._function(value)

    def _number(self, n: int, fmt: str | None) -> str:
        w = self.words
        if fmt == "date" and 10000101 <= n <= 99991231:
            return f"{n // 10000:04d}-{n // 100 % 100:02d}-{n % 100:02d}"
        if fmt == "months":
            return w["month"] if n == 1 and self.lang == "en" else w["months"].format(n=n)
        if fmt == "work_years" and self.describe is not None:
            described = self.describe(fmt, n)
            if described:
                return described
        if fmt in ("years", "work_years"):
            return w["year"] if n == 1 and self.lang == "en" else w["years"].format(n=n)
        if fmt in ("certificate", "title"):
            described = self.describe(fmt, n) if self.describe is not None else None
            return described or w[fmt].format(n=n)
        return str(n)

    def _function(self, value: Symbol) -> str:
        if value in self.questions:
            return self.questions[value]
        if not value.arguments:
            return self.constant(value.name)
        if value.name == "":
            return self.words["sep"].join(self.term(a) for a in value.arguments)
        return str(value)

    def constant(self, name: str) -> str:
        """A constant as a reader sees it: a clause reference, a code with its alias, a term."""
        if name in self.clause_refs:
            return self.clause_refs[name]
        word = self.templates.terms.get((name, self.lang))
        if word is not None:
            return quoted_terms(word) if self.lang == "en" else word
        alias = ALIASES.get(name)
        if alias is not None:
            return self.words["alias"].format(alias=alias, code=name)
        return name

    def code(self, name: str) -> str:
        """A vocabulary code with its alias (``高级工 (senior_worker)``), else as written."""
        alias = ALIASES.get(name)
        return self.words["alias"].format(alias=alias, code=name) if alias else name


# A run of Chinese: from a CJK character to the last CJK character before anything other than
# CJK, digits, 「，」「、」「…」 or an N between two CJK characters (「近N年」).  The same as the
# regular expression
#     [\u3400-\u9fff](?:[\u3400-\u9fff0-9，、…]|N(?=[\u3400-\u9fff]))*[\u3400-\u9fff]|[\u3400-\u9fff]
# scanned by hand: `re` compiles a class of 27,000 code points one by one, about 5 ms of every
# command's start (tests/test_explain_templates.py checks the two agree).
def _is_cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


_CJK_ALSO = frozenset("0123456789，、…")


def cjk_runs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every run of Chinese in ``text``, left to right."""
    i, n = 0, len(text)
    while i < n:
        if not _is_cjk(text[i]):
            i += 1
            continue
        last = j = i
        while j + 1 < n:
            c = text[j + 1]
            if _is_cjk(c):
                last = j + 1
            elif c not in _CJK_ALSO and not (c == "N" and j + 2 < n and _is_cjk(text[j + 2])):
                break
            j += 1
        yield i, last + 1
        i = last + 1


_QUOTED_TERMS: dict[str, str] = {}


def quoted_terms(text: str) -> str:
    """An English template with its Chinese terms of the notice quoted: ``meets the gate of
    P2.S3.a: 「高技能人才」 with 「近3年年度考核合格」``, so that every sentence stays English with
    the Chinese quoted (SPEC 9).  The Chinese names of codes (高级工) stand as names; text
    already in quotation marks is left alone.

    >>> quoted_terms("{P} is 高技能人才 for {1}: holds a certificate of 高级工 or above")
    '{P} is 「高技能人才」 for {1}: holds a certificate of 高级工 or above'
    """
    known = _QUOTED_TERMS.get(text)
    if known is not None:
        return known
    names = set(ALIASES.values())
    out: list[str] = []
    at = 0
    depth = 0
    for start, end in cjk_runs(text):
        before = text[at:start]
        depth += (
            before.count("「")
            + before.count("“")
            + before.count("《")
            - before.count("」")
            - before.count("”")
            - before.count("》")
        )
        out.append(before)
        run = text[start:end]
        out.append(run if depth > 0 or run in names else f"「{run}」")
        at = end
    out.append(text[at:])
    found = "".join(out).replace("(「", "「").replace("」)", "」")
    _QUOTED_TERMS[text] = found
    return found


def placeholders(text: str) -> list[tuple[str, str | None]]:
    """The placeholders of a template: (``P`` or a position, format or None)."""
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text)]


__all__ = [
    "ALIASES",
    "FORMATS",
    "LANGS",
    "Phrasing",
    "Templates",
    "load_templates",
    "placeholders",
    "quoted_terms",
    "templates_for",
    "templates_of",
]
