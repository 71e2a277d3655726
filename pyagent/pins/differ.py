"""A case on which two knowledge bases answer differently, solved for by clingo in one program.

The program holds both knowledge bases, their rules renamed apart (every predicate the rules
define gets a prefix, ``o_`` for the original and ``m_`` for the other; the input predicates
``kb/schema.lp`` declares with ``#defined`` stay shared), a choice of exactly one of a
bounded set of input fact sets for one person (``pick(K)``: each candidate's facts, in its
two completions, and its date and reading overrides, hold when it is picked), and a
constraint that some answer's status differs between the two.  A model is a case that
tells them apart; none, and no candidate does.

The fact sets are those `pyagent.engine.facts` gives for real persons (the candidates of
`pyagent.pins.distinguish`: the pins' persons under their readings, each reading value, and
each person with one input changed), not arbitrary atoms: a fact set no case can produce
(a contest class without its honour) would tell apart mutants that no person can.

>>> differing(candidates, kb_dir(), mutant_copy)            # doctest: +SKIP
(17, 'special_talent.apply')
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import clingo
from clingo import Function, Symbol
from clingo import ast

from pyagent.engine.facts import BOTH, global_facts, person_facts
from pyagent.engine.questions import QUESTIONS
from pyagent.engine.solve import WORLDS, person_term
from pyagent.pins.distinguish import Candidate

__all__ = ["differing", "program_text"]

ORIGINAL, OTHER = "o_", "m_"


def _statements(directory: Path) -> list[ast.AST]:
    """The statements of ``directory/main.lp`` and the files it includes, comments left out."""
    out: list[ast.AST] = []
    ast.parse_files(
        [str(directory / "main.lp")],
        lambda s: out.append(s) if s.ast_type != ast.ASTType.Comment else None,
        logger=lambda _code, _message: None,
        message_limit=0,
    )
    return out


def inputs(statements: Sequence[ast.AST]) -> frozenset[str]:
    """The names of the input predicates: those a ``#defined`` statement declares."""
    return frozenset(s.name for s in statements if s.ast_type == ast.ASTType.Defined)


class _Rename(ast.Transformer):
    """Every atom's predicate, unless an input, gets ``prefix``; terms inside atoms keep
    their names (``title(participate)`` is a term, not a predicate)."""

    def __init__(self, prefix: str, keep: frozenset[str]) -> None:
        self.prefix = prefix
        self.keep = keep

    def _term(self, term: ast.AST) -> ast.AST:
        t = term.ast_type
        if t == ast.ASTType.Function and term.name not in self.keep:
            return term.update(name=self.prefix + term.name)
        if t == ast.ASTType.SymbolicTerm and term.symbol.type == clingo.SymbolType.Function:
            s = term.symbol
            if s.name not in self.keep:
                renamed = Function(self.prefix + s.name, s.arguments, s.positive)
                return term.update(symbol=renamed)
        if t == ast.ASTType.UnaryOperation:  # -p(X): classical negation
            return term.update(argument=self._term(term.argument))
        if t == ast.ASTType.Pool:  # t(a; b): a pool of atoms
            return term.update(arguments=[self._term(a) for a in term.arguments])
        return term

    def visit_SymbolicAtom(self, atom: ast.AST) -> ast.AST:
        return atom.update(symbol=self._term(atom.symbol))


_DROPPED = {ast.ASTType.ShowSignature, ast.ASTType.ShowTerm, ast.ASTType.Defined}


def _renamed(statements: Sequence[ast.AST], prefix: str, keep: frozenset[str]) -> list[ast.AST]:
    rename = _Rename(prefix, keep)
    return [rename(s) for s in statements if s.ast_type not in _DROPPED]


def _atom(predicate: str, arguments: Sequence[Symbol]) -> str:
    return str(Function(predicate, list(arguments)))


def program_text(cands: Sequence[Candidate]) -> str:
    """The choice of one candidate's input facts and the constraint that an answer differs
    (the two knowledge bases, renamed, are added beside it by `differing`)."""
    lines = [f"1 {{ pick(0..{len(cands) - 1}) }} 1."]
    terms = {w: person_term(0, w) for w in WORLDS}
    for k, c in enumerate(cands):
        heads: list[str] = [str(s) for s in global_facts(c.as_of, dict(c.readings))]
        for f in person_facts(c.person, c.as_of, dict(c.parameters)):
            for w in WORLDS if f.world == BOTH else (f.world,):
                heads.append(_atom(f.predicate, [terms[w], *f.arguments]))
        lines += [f"{head} :- pick({k})." for head in dict.fromkeys(heads)]
    lines += [f"question({q.term})." for q in QUESTIONS.values()]
    worst, best = terms["worst"], terms["best"]
    for p in (ORIGINAL, OTHER):  # as `explain.answers.status_of` reads a status
        lines += [
            f"{p}status(Q, yes) :- question(Q), {p}answer({worst}, Q).",
            f"{p}status(Q, unknown) :- question(Q), {p}answer({best}, Q), not {p}answer({worst}, Q).",
            f"{p}status(Q, no) :- question(Q), not {p}answer({best}, Q), not {p}answer({worst}, Q).",
        ]
    lines += [
        f"differs(Q) :- {ORIGINAL}status(Q, S), not {OTHER}status(Q, S).",
        ":- not differs(_).",
        "#show pick/1.",
        "#show differs/1.",
    ]
    return "\n".join(lines) + "\n"


def differing(cands: Sequence[Candidate], original: Path, other: Path) -> tuple[int, str] | None:
    """The index of a candidate on which the knowledge bases in ``original`` and ``other``
    give some question a different status, and that question's id (the first in SPEC
    order), solved for in one clingo program; None when no candidate does."""
    if not cands:
        return None
    first = _statements(original)
    keep = inputs(first)
    ctl = clingo.Control(["--warn=none"])
    with ast.ProgramBuilder(ctl) as builder:
        for s in _renamed(first, ORIGINAL, keep):
            builder.add(s)
        for s in _renamed(_statements(other), OTHER, keep):
            builder.add(s)
    ctl.add("base", [], program_text(cands))
    ctl.ground([("base", [])])
    found: list[Symbol] = []
    with ctl.solve(yield_=True) as handle:
        for model in handle:
            found = list(model.symbols(shown=True))
            break
    if not found:
        return None
    pick = next(s.arguments[0].number for s in found if s.name == "pick")
    differs = {s.arguments[0] for s in found if s.name == "differs"}
    question = next(q.id for q in QUESTIONS.values() if q.term in differs)
    return pick, question
