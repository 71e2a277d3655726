"""pyagent.engine.values against clingo itself, and the model's index of values against its symbols.

The explanation engine works on plain values instead of `clingo.Symbol` (pyagent.engine.values): they
must stand for symbols one to one, print the same, and sort and compare in clingo's order.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import operator
import random
from pathlib import Path

from clingo import Function, Infimum, Number, String, Supremum, Symbol, Tuple_
from hypothesis import given, settings
from hypothesis import strategies as st

from pyagent.input.case import parse_person
from pyagent.engine.facts import global_facts, person_facts
from pyagent.engine.solve import is_person_term, person_term, solve
from pyagent.engine.values import (
    INF,
    SUP,
    compare,
    convert,
    is_person,
    order_key,
    parse,
    person,
    symbol_of,
    text,
    value_of,
)

ROOT = Path(__file__).resolve().parent.parent
IDENTIFIER = st.from_regex(r"_{0,2}[a-z][A-Za-z0-9_']{0,6}", fullmatch=True)
# Names clingo's grammar cannot write (the Python API can build them): read attribute by attribute.
ODD_NAME = st.sampled_from(["Abc", "电工", "a b", "1a", "-", "a-b", "#x", "", "ab\n"])
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)


def _symbols(names: st.SearchStrategy[str]) -> st.SearchStrategy[Symbol]:
    leaves = st.one_of(
        st.integers(-(2**31), 2**31 - 1).map(Number),
        TEXT.map(String),
        names.map(Function),
        names.map(lambda n: Function(n, [], False)),
        st.sampled_from([Supremum, Infimum]),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(names, st.lists(inner, min_size=1, max_size=3), st.booleans()).map(
                lambda t: Function(t[0], t[1], t[2])
            ),
            st.lists(inner, max_size=3).map(Tuple_),
        ),
        max_leaves=8,
    )


SYMBOLS = _symbols(IDENTIFIER)
ANY_SYMBOLS = _symbols(st.one_of(IDENTIFIER, ODD_NAME))


@settings(max_examples=300, deadline=None)
@given(SYMBOLS)
def test_a_symbol_and_its_value_stand_for_each_other(s: Symbol) -> None:
    v = value_of(s)
    assert v == convert(s) == parse(str(s))
    assert text(v) == str(s)
    assert symbol_of(v) == s
    assert hash(v) == hash(convert(s))
    assert is_person(v) == is_person_term(s)


@settings(max_examples=150, deadline=None)
@given(ANY_SYMBOLS)
def test_names_clingo_cannot_write_are_read_attribute_by_attribute(s: Symbol) -> None:
    v = value_of(s)
    assert v == convert(s)
    assert symbol_of(v) == s


@settings(max_examples=100, deadline=None)
@given(st.lists(SYMBOLS, min_size=2, max_size=10))
def test_values_sort_and_compare_in_clingos_order(symbols: list[Symbol]) -> None:
    values = [value_of(s) for s in symbols]
    assert [value_of(s) for s in sorted(symbols)] == sorted(values, key=order_key)
    ops = {
        "<": operator.lt,
        "<=": operator.le,
        ">": operator.gt,
        ">=": operator.ge,
        "=": operator.eq,
        "!=": operator.ne,
    }
    for a, b in zip(symbols, symbols[1:] + symbols[:1]):
        for op, python in ops.items():
            assert compare(op, value_of(a), value_of(b)) == python(a, b), (str(a), op, str(b))


def test_the_order_of_kinds_and_the_values_of_edge_symbols() -> None:
    kinds = [
        Infimum,
        Number(-5),
        Number(3),
        Function("b"),
        Function("a", [], False),
        String(""),
        Function("", [Number(1)]),
        Function("a", [Number(1)]),
        Function("a", [Number(1)], False),
        Supremum,
    ]
    assert sorted(kinds) == kinds
    assert sorted((value_of(s) for s in reversed(kinds)), key=order_key) == [
        value_of(s) for s in kinds
    ]
    assert value_of(Supremum) == SUP and value_of(Infimum) == INF
    assert value_of(Tuple_([])) == "" and text("") == "()"
    assert value_of(String('a "quoted"\\ line\n')) == ("str", 'a "quoted"\\ line\n')
    assert value_of(person_term(3, "worst")) == person(3, "worst") == ("fn", "p", True, 3, "worst")


def _roster_model(n: int, seed: int):
    spec = importlib.util.spec_from_file_location("bench_roster", ROOT / "bench" / "roster.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)  # type: ignore[union-attr]
    rng = random.Random(seed)
    as_of = dt.date(2026, 7, 1)
    persons = [parse_person(gen.person(rng, f"v{i}"), "roster", f"row {i}") for i in range(n)]
    return solve([person_facts(p, as_of, {}) for p in persons], global_facts(as_of, {}))


def test_the_models_values_are_its_atoms_indexed_as_before() -> None:
    """atoms_of / values_of / holds / matching against an index built from the symbols alone."""
    model = _roster_model(12, 5)
    expected: dict[tuple, list[Symbol]] = {}
    for a in model.atoms:
        args = a.arguments
        expected.setdefault((a.name, len(args), None), []).append(a)
        if args and is_person_term(args[0]):
            expected.setdefault((a.name, len(args), args[0]), []).append(a)
    assert len(expected) > 100
    for (name, arity, who), atoms in expected.items():
        assert model.atoms_of(name, arity, who) == tuple(sorted(atoms))
        values = model.values_of(name, arity, None if who is None else value_of(who))
        assert values == tuple(value_of(a) for a in sorted(atoms))
        assert all(model.holds(v) for v in values)
        if arity >= 2 and who is not None:  # the hash index on a place keeps the order
            second = values[0][4]
            assert tuple(model.matching(name, arity, value_of(who), (1,), (second,))) == tuple(
                v for v in values if v[4] == second
            )
    assert not model.holds(("fn", "person", True, person(99, "worst")))
    assert not model.holds("no_such_predicate")
    assert model.atoms_of("no_such_predicate", 1) == model.values_of("no_such_predicate", 1) == ()


@settings(max_examples=200, deadline=None)
@given(st.lists(ANY_SYMBOLS, min_size=2, max_size=6))
def test_symbols_are_looked_up_by_a_key_equal_exactly_when_they_are(symbols: list[Symbol]) -> None:
    """`symbol_key` (clingo's handle of a symbol) is equal for two symbols exactly when they are
    equal, also for a symbol built again apart; `value_of`'s cache, keyed by it, gives each
    symbol its own value."""
    from pyagent.engine.values import symbol_key

    for a in symbols:
        again = symbol_of(convert(a))  # the same symbol, built anew
        assert symbol_key(again) == symbol_key(a)
        for b in symbols:
            assert (symbol_key(a) == symbol_key(b)) == (a == b)
        assert value_of(a) == convert(a)


def test_models_read_through_the_shared_values_are_the_symbols_own() -> None:
    """A model files each atom with the value `value_of` keeps for the process when an earlier
    model read it (most atoms of a batch's solves), else with its text: every value is its
    symbol's, read anew from the symbol alone, in a first model, a second one of the same
    persons and one of other persons; ``in`` answers for symbols and for anything else."""
    import pyagent.engine.solve as solve_module
    import pyagent.engine.values as values_module

    first = _roster_model(6, 11)
    second = _roster_model(6, 11)  # every atom seen before
    other = _roster_model(6, 12)
    for model in (first, second, other):
        by_name: dict[tuple[str, int], set] = {}
        for a in model.atoms:
            by_name.setdefault((a.name, len(a.arguments)), set()).add(convert(a))
        assert {name for name, _ in by_name} == set(model._by_name)
        for (name, arity), values in by_name.items():
            assert set(model.values_of(name, arity)) == values
            assert all(model.holds(v) for v in values)
        assert all(a in model for a in model.atoms)
    assert first.atoms == second.atoms
    assert Function("no_such_predicate", [Number(1)]) not in first
    assert "person" not in first and 3 not in first
    # the atoms add_facts keeps and the values value_of keeps change nothing: cleared, the
    # same model
    solve_module._ATOMS.clear()
    values_module._VALUES.clear()
    assert _roster_model(6, 11).atoms == first.atoms
