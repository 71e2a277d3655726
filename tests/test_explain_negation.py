"""A negated literal with an anonymous variable, ``not r(X, _)``: true when no atom of r
matches, as clingo reads it.  The explainer evaluated its atom as a ground term and stopped
with Unbound('_'), so a rule written that way (or a mutant of `pyagent mutate` making one)
could not be explained."""

from __future__ import annotations


import clingo
import pytest

from pyagent.engine.evaluate import Evaluator
from pyagent.engine.program import reload_program
from pyagent.engine.solve import Model
from pyagent.explain.nodes import NO, UNKNOWN, YES
from pyagent.explain.tree import Explainer

RULES = """\
q(a). q(b). q(c).
r(a, 1). r(b, f(2)).
p(X) :- q(X), not r(X, _).
s(X) :- q(X), not r(X, f(_)).
% a person in two completions: the worst has the certificate, the best does not know of one
person(p(0, worst)). person(p(0, best)).
certificate(p(0, worst), c1).
plain(P) :- person(P), not certificate(P, _).
"""


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> tuple[Explainer, Model, set[str]]:
    d = tmp_path_factory.mktemp("negation")
    (d / "main.lp").write_text(RULES, encoding="utf-8")
    ctl = clingo.Control()
    ctl.load(str(d / "main.lp"))
    ctl.ground([("base", [])])
    symbols: list[clingo.Symbol] = []
    ctl.solve(on_model=lambda m: symbols.extend(m.symbols(atoms=True)))
    model = Model(symbols)
    return Explainer(reload_program(d), model, [[]]), model, {str(s) for s in symbols}


def _negation(node):
    (way,) = node.ways
    return next(c for c in way.conditions if c.kind == "not")


@pytest.mark.parametrize("lean", [False, True])
def test_not_with_anonymous_variable_explained_as_clingo_answers(solved, lean):
    explainer, _, held = solved
    for atom in ("p(a)", "p(b)", "p(c)", "s(a)", "s(b)", "s(c)"):
        node = explainer.explain(clingo.parse_term(atom), lean=lean)
        assert node.status == (YES if atom in held else NO), atom
        assert _negation(node).status == node.status, atom  # the negation decides each
    assert held >= {"p(c)", "s(a)", "s(c)"} and not held & {"p(a)", "p(b)", "s(b)"}
    # the failed negation points at the atoms it denies, `_` standing for any value
    assert _negation(explainer.explain(clingo.parse_term("p(a)"))).node.key == "r(a,_)"
    assert _negation(explainer.explain(clingo.parse_term("p(c)"))).text == "not r(c,_)"


def test_not_with_anonymous_variable_across_completions(solved):
    explainer, _, held = solved
    assert "plain(p(0,best))" in held and "plain(p(0,worst))" not in held
    node = explainer.explain(clingo.parse_term("plain(p(0,best))"))
    assert node.status == UNKNOWN
    assert _negation(node).status == UNKNOWN


def test_evaluator_solutions_of_a_negated_anonymous_literal(solved):
    explainer, model, _ = solved
    (rule,) = explainer.program.rules_for("p", 1)
    ev = Evaluator(explainer.program, model)
    assert [b["X"] for b in ev.solutions(rule.body, {})] == ["c"]
    (rule,) = explainer.program.rules_for("s", 1)
    assert sorted(b["X"] for b in ev.solutions(rule.body, {})) == ["a", "c"]
