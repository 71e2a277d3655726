"""Lint the knowledge base: the conventions that keep it reviewable, checked by machine.

>>> from pyagent.pins.lint import lint
>>> lint().holds                                                 # doctest: +SKIP
True

The checks (each problem names its check, the place and what is wrong):

- ``citation``: every rule of a clause file names the clause it encodes with a body atom
  ``clause(Id)``, and every id it names is declared in ``clauses.lp``.  The table files
  (`TABLE_FILES`) and facts are exempt.
- ``notice``: every clause of the notice's table (``notice/clauses.md``, when it is found)
  is encoded (cited by a rule) or recorded in ``not_encoded/2``, never both; every declared
  clause is cited by some rule.
- ``grounding``: the knowledge base grounds without a single message from clingo (atom
  undefined, operation undefined, ...), once with no input and once with a person whose
  every input is unknown, under every value of every reading at once.
- ``readings``: every reading has options, a default among them, the clauses and the
  question it is about, and a reason; every reading a rule consults is declared, with a
  value it may take; every reading is consulted by a rule and listed in the README.
- ``parameters``: every parameter (SPEC section 6) is named in the README and read by a rule.
- ``docs``: every predicate a rule defines, and every input, has a ``%*!`` docstring.
- ``evaluator``: every rule is in the fragment the explanation evaluator walks.
- ``guarantee``: P2.S3.b: no rule but ``not_counted/2`` reads ``credential/2``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import clingo
from clingo import Function

from pyagent.input.case import PARAMETERS
from pyagent.engine.facts import global_facts, person_facts
from pyagent.kb import kb_dir
from pyagent.input.model import Person
from pyagent.engine.program import Program, Rule, reload_program
from pyagent.engine.rules import ATOM, Const, Fn, Literal, Var
from pyagent.engine.solve import add_facts, control

__all__ = ["TABLE_FILES", "LintProblem", "LintReport", "cited_clauses", "lint", "notice_clauses"]

# Files of tables and engine rules, not of clauses: their rules need not cite a clause.
TABLE_FILES = frozenset({"clauses.lp", "readings.lp", "schema.lp", "show.lp", "main.lp"})
CITATION = ("clause", 1)
READING = ("reading", 2)
GUARANTEE = ("not_counted", 2)  # the one rule that may read credential/2 (P2.S3.b)
CREDENTIAL = ("credential", 2)


@dataclass(frozen=True)
class LintProblem:
    check: str  # citation, notice, grounding, readings, parameters, docs, evaluator, guarantee
    where: str  # file:line, a clause ref, a reading name ...
    message: str

    def __str__(self) -> str:
        return f"{self.where}: [{self.check}] {self.message}"


@dataclass(frozen=True)
class LintReport:
    kb: Path
    notice: Path | None  # the clause table checked against, or None when not found
    rules: int
    problems: tuple[LintProblem, ...]
    notes: tuple[str, ...]

    @property
    def holds(self) -> bool:
        return not self.problems


def _where(rule: Rule) -> str:
    return f"{Path(rule.file).name}:{rule.line}"


def _static_atoms(directory: Path) -> dict[str, list[clingo.Symbol]]:
    """The knowledge base's own atoms (its tables, with no input), by predicate name."""
    ctl, _ = control(directory)  # grounder messages are _check_grounding's to report
    ctl.ground([("base", [])])
    out: dict[str, list[clingo.Symbol]] = {}

    def keep(m: clingo.Model) -> None:
        for s in m.symbols(atoms=True):
            out.setdefault(s.name, []).append(s)

    ctl.solve(on_model=keep)
    return out


def _citations(rule: Rule) -> list[Literal]:
    return [lit for lit in rule.body if lit.kind == ATOM and lit.signature == CITATION]


def _table_values(program: Program, name: str, arity: int, position: int) -> set[str]:
    out: set[str] = set()
    for r in program.rules_for(name, arity):
        if r.body:
            return set()  # not a table: its values are not known without grounding
        arg = r.head.args[position]
        if isinstance(arg, Const) and arg.symbol.type == clingo.SymbolType.Function:
            out.add(arg.symbol.name)
        elif isinstance(arg, Fn) and not arg.args:
            out.add(arg.name)
    return out


def cited_clauses(program: Program) -> dict[str, list[Rule]]:
    """Clause id -> the rules that cite it.

    ``clause(p3_s1)`` cites p3_s1; ``clause(S)`` cites every value a table atom of the same
    body (``rank_clause(S, ...)``) gives S.  A variable no table binds cites nothing here.
    """
    out: dict[str, list[Rule]] = {}
    for rule in program.rules:
        for lit in _citations(rule):
            arg = lit.term.args[0]
            ids: set[str] = set()
            if isinstance(arg, Const):
                ids.add(arg.symbol.name)
            elif isinstance(arg, Fn) and not arg.args:
                ids.add(arg.name)
            elif isinstance(arg, Var):
                for other in rule.body:
                    if other.kind != ATOM or other is lit or not isinstance(other.term, Fn):
                        continue
                    for k, a in enumerate(other.term.args):
                        if (
                            isinstance(a, Var)
                            and a.name == arg.name
                            and program.is_table(*other.signature)
                        ):
                            ids |= _table_values(program, other.term.name, len(other.term.args), k)
            for cid in ids:
                out.setdefault(cid, []).append(rule)
    return out


def notice_clauses(path: Path) -> list[tuple[str, str]]:
    """(id, kind) of every row of the notice's clause table (``notice/clauses.md``)."""
    from pyagent.input.document import _read_file

    rows = []
    for line in _read_file(path, 50_000_000, "a clause table").splitlines():
        m = re.match(r"^\|\s*(H\.\d+|P\d[\w.]*)\s*\|.*\|\s*([^|]*?)\s*\|\s*$", line)
        if m:
            rows.append((m.group(1), m.group(2)))
    return rows


def default_notice(directory: Path) -> Path | None:
    """``../shared/notice/clauses.md`` beside the repository, where the README says it is;
    only for the ``kb/`` of a source checkout (an installed copy has no such neighbour, and
    lint checks the knowledge base's own clause table there)."""
    directory = directory.resolve()
    if directory.name != "kb" or not (directory.parent / "pyproject.toml").is_file():
        return None
    candidate = directory.parent.parent / "shared" / "notice" / "clauses.md"
    return candidate if candidate.is_file() else None


def lint(kb: Path | None = None, notice: Path | None = None) -> LintReport:
    """Every check of this module on the knowledge base in ``kb`` (default: the project's)."""
    directory = Path(kb) if kb is not None else kb_dir()
    notice = notice if notice is not None else default_notice(directory)
    problems: list[LintProblem] = []
    notes: list[str] = []
    syntax = _check_syntax(directory)
    if syntax:
        return LintReport(
            directory, notice, 0, tuple(syntax), ("the other checks need it to parse",)
        )
    program = reload_program(directory)  # a copy may have been edited
    texts = {p: p.read_text(encoding="utf-8") for p in program.files}

    static = _static_atoms(directory)
    declared = {s.arguments[0].name: s.arguments[1].string for s in static.get("clause_text", [])}
    not_encoded = {s.arguments[0].string for s in static.get("not_encoded", [])}
    cited = cited_clauses(program)

    problems += _check_citations(program, declared)
    problems += _check_notice(declared, not_encoded, cited, notice, notes)
    table = _reading_table(static)
    problems += _check_grounding(directory, table)
    problems += _check_readings(program, directory, table)
    problems += _check_parameters(program, directory)
    problems += _check_docs(program, texts)
    problems += [
        LintProblem(
            "evaluator",
            u.split(": ", 1)[0],
            "the explanation evaluator cannot walk " + u.split(": ", 1)[-1],
        )
        for u in program.unsupported
    ]
    problems += _check_guarantee(program)
    rules = sum(1 for r in program.rules if r.body)  # counted as coverage counts them
    return LintReport(directory, notice, rules, tuple(problems), tuple(notes))


def _check_syntax(directory: Path) -> list[LintProblem]:
    """The knowledge base parses: clingo's messages if it does not."""
    messages: list[str] = []
    ctl = clingo.Control(logger=lambda _code, m: messages.append(" ".join(m.split())))
    try:
        ctl.load(str(directory / "main.lp"))
    except RuntimeError as err:
        found = [m for m in messages if re.match(r"^\S+:\d+", m)] or [str(err)]
        return [LintProblem("syntax", _place(m)[0], _place(m)[1]) for m in found]
    return []


def _place(message: str) -> tuple[str, str]:
    """``file:line:col-col: text`` -> (``file.lp:line``, text)."""
    m = re.match(r"^(\S+?):(\d+)(?::[\d\-:]+)?: (.*)$", message)
    if not m:
        return "kb", message
    return f"{Path(m.group(1)).name}:{m.group(2)}", m.group(3)


def _check_citations(program: Program, declared: dict[str, str]) -> Iterable[LintProblem]:
    for rule in program.rules:
        if Path(rule.file).name in TABLE_FILES or not rule.body:
            continue
        cites = _citations(rule)
        if not cites:
            yield LintProblem("citation", _where(rule), f"the rule names no clause: {rule.text}")
        for lit in cites:
            arg = lit.term.args[0]
            name = (
                arg.symbol.name
                if isinstance(arg, Const)
                else arg.name
                if isinstance(arg, Fn)
                else None
            )
            if name is not None and name not in declared:
                yield LintProblem(
                    "citation", _where(rule), f"clause({name}) is not declared in clauses.lp"
                )


def _check_notice(
    declared: dict[str, str],
    not_encoded: set[str],
    cited: dict[str, list[Rule]],
    notice: Path | None,
    notes: list[str],
) -> Iterable[LintProblem]:
    encoded_refs = {ref for cid, ref in declared.items() if cid in cited}
    for cid, ref in sorted(declared.items()):
        if cid not in cited and cid != "questions":
            yield LintProblem(
                "notice", ref, f"declared in clauses.lp as {cid} but no rule cites it"
            )
    for ref in sorted(encoded_refs & not_encoded):
        yield LintProblem("notice", ref, "both encoded and recorded as not encoded")
    if notice is None:
        notes.append(
            "no notice clause table given (--notice FILE); checked the knowledge base's own "
            "table (kb/clauses.lp) only"
        )
        return
    rows = notice_clauses(notice)
    ids = {cid for cid, _ in rows}
    for cid, kind in rows:
        if cid not in encoded_refs and cid not in not_encoded:
            yield LintProblem(
                "notice", cid, f"neither encoded nor recorded as not encoded ({kind})"
            )
    for ref in sorted((set(declared.values()) | not_encoded) - ids - {"SPEC.3"}):
        yield LintProblem("notice", ref, f"not a clause of {notice.name}")


def _check_grounding(directory: Path, table: dict[str, dict[str, list]]) -> Iterable[LintProblem]:
    """Ground with no input, then with a person whose every input is unknown under every
    value of every reading at once; any message from clingo is a problem."""
    everyone = Person(id="lint")
    as_of = dt.date(2021, 7, 1)  # before the report date: the notice date is unknown too
    all_values = [
        Function("reading_override", [Function(n), o])
        for n, parts in table.items()
        for o in parts.get("reading_option", [])
    ]
    for label, persons, shared in (
        ("no input", [], []),
        (
            "every input unknown, every reading",
            [person_facts(everyone, as_of, {})],
            global_facts(as_of, {}) + all_values,
        ),
    ):
        messages: list[str] = []

        def logger(code: clingo.MessageCode, message: str, messages: list[str] = messages) -> None:
            messages.append(" ".join(message.split()))

        ctl = clingo.Control(["--warn=all"], logger=logger, message_limit=1000)
        ctl.load(str(directory / "main.lp"))
        add_facts(ctl, persons, shared)
        try:
            ctl.ground([("base", [])])
        except RuntimeError as err:
            messages.append(str(err))
        for m in dict.fromkeys(messages):
            where, text = _place(m)
            yield LintProblem("grounding", where, f"{text} (grounding with {label})")


def _reading_literals(program: Program) -> Iterable[tuple[Rule, str | None, str | None]]:
    for rule in program.rules:
        if Path(rule.file).name == "readings.lp":
            continue
        for lit in rule.body:
            if lit.kind in (ATOM, "not") and lit.signature == READING:
                name, value = (_const(a) for a in lit.term.args)
                yield rule, name, value


def _const(term) -> str | None:
    if isinstance(term, Const) and term.symbol.type == clingo.SymbolType.Function:
        return term.symbol.name
    if isinstance(term, Fn) and not term.args:
        return term.name
    return None


def _reading_table(static: dict[str, list[clingo.Symbol]]) -> dict[str, dict[str, list]]:
    """Reading name -> reading_option/default/about/reason -> their second arguments."""
    table: dict[str, dict[str, list]] = {}
    for pred in (
        "reading_option",
        "reading_default",
        "reading_about",
        "reading_reason",
        "reading_words",
    ):
        for s in static.get(pred, []):
            table.setdefault(s.arguments[0].name, {}).setdefault(pred, []).append(s.arguments[1])
    return table


def _check_readings(
    program: Program, directory: Path, table: dict[str, dict[str, list]]
) -> Iterable[LintProblem]:
    readme = directory.resolve().parent / "README.md"
    readme_text = readme.read_text(encoding="utf-8") if readme.is_file() else None
    consulted: set[str] = set()
    for rule, name, value in _reading_literals(program):
        if name is None:
            continue
        consulted.add(name)
        if name not in table:
            yield LintProblem(
                "readings", _where(rule), f"reading({name}, ...) is not a declared reading"
            )
        elif value is not None and value not in {
            o.name for o in table[name].get("reading_option", [])
        }:
            yield LintProblem(
                "readings", _where(rule), f"{value} is not a value of the reading {name}"
            )
    for name, parts in table.items():
        options = [o.name for o in parts.get("reading_option", [])]
        if len(options) < 2:
            yield LintProblem(
                "readings", name, "a reading needs at least two values (reading_option/2)"
            )
        defaults = [d.name for d in parts.get("reading_default", [])]
        if len(defaults) != 1 or defaults[0] not in options:
            yield LintProblem(
                "readings", name, "needs exactly one default among its values (reading_default/2)"
            )
        if not parts.get("reading_about"):
            yield LintProblem(
                "readings",
                name,
                "does not say which clauses and question it is about (reading_about/3)",
            )
        if not parts.get("reading_reason") or not parts["reading_reason"][0].string.strip():
            yield LintProblem(
                "readings", name, "gives no reason for its default (reading_reason/2)"
            )
        if "zh" not in {w.name for w in parts.get("reading_words", [])}:
            yield LintProblem(
                "readings",
                name,
                "has no Chinese question and reason for its default (reading_words/4)",
            )
        if name not in consulted:
            yield LintProblem("readings", name, "no rule consults it")
        if readme_text is not None and f"`{name}`" not in readme_text:
            yield LintProblem("readings", name, "is not documented in README.md")


def _check_parameters(program: Program, directory: Path) -> Iterable[LintProblem]:
    readme = directory.resolve().parent / "README.md"
    readme_text = readme.read_text(encoding="utf-8") if readme.is_file() else None
    used = any(
        lit.signature == ("application_years", 3)
        for r in program.rules
        for lit in r.body
        if lit.kind == ATOM
    )
    for name in PARAMETERS:
        if not used:
            yield LintProblem("parameters", name, "no rule reads application_years/3")
        suffix = name.split(".", 1)[1]
        if (
            readme_text is not None
            and name not in readme_text
            and f"`.{suffix}`" not in readme_text
        ):
            yield LintProblem("parameters", name, "is not documented in README.md")


_DOC = re.compile(
    r"^%\*!\s*([a-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)|^%\*!\s*([a-z_][A-Za-z0-9_]*)\s*$", re.MULTILINE
)


def _check_docs(program: Program, texts: dict[Path, str]) -> Iterable[LintProblem]:
    documented: set[tuple[str, int]] = set()
    for text in texts.values():
        for m in _DOC.finditer(text):
            if m.group(1):
                args = [a for a in m.group(2).split(",") if a.strip()]
                documented.add((m.group(1), len(args)))
            else:
                documented.add((m.group(3), 0))
    first: dict[tuple[str, int], Rule] = {}
    for rule in program.rules:
        first.setdefault((rule.name, rule.arity), rule)
    for sig, rule in sorted(first.items()):
        if sig not in documented:
            yield LintProblem("docs", _where(rule), f"{sig[0]}/{sig[1]} has no %*! docstring")
    for sig in sorted(program.defined_inputs - documented):
        yield LintProblem("docs", "schema.lp", f"the input {sig[0]}/{sig[1]} has no %*! docstring")


def _check_guarantee(program: Program) -> Iterable[LintProblem]:
    for rule in program.rules:
        if (rule.name, rule.arity) == GUARANTEE:
            continue
        if any(_mentions(lit, CREDENTIAL) for lit in rule.body):
            yield LintProblem(
                "guarantee",
                _where(rule),
                "reads credential/2: P2.S3.b says education, papers, foreign language and "
                "computer skills may not be conditions (only not_counted/2 may read them)",
            )


def _mentions(lit: Literal, sig: tuple[str, int]) -> bool:
    if lit.kind in (ATOM, "not") and lit.signature == sig:
        return True
    return any(_mentions(c, sig) for _, cond in lit.elements for c in cond)
