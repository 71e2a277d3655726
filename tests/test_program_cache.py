"""The parse of kb/ cached on disk: the same program back, never a stale one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pyagent.kb import kb_dir
from pyagent.engine.program import load_program, reload_program

parse = reload_program  # past the in-process cache: each call reads disk or parses


def _texts(program) -> list[tuple[str, int, str]]:
    return [(Path(r.file).name, r.line, r.text) for r in program.rules]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PYAGENT_NO_CACHE", raising=False)
    return tmp_path / "cache" / "pyagent"


def test_a_cached_program_equals_a_parsed_one(cache: Path, monkeypatch: pytest.MonkeyPatch):
    first = parse(kb_dir())
    assert len(list(cache.glob("program-*.json"))) == 1
    again = parse(kb_dir())  # from the cache
    monkeypatch.setenv("PYAGENT_NO_CACHE", "1")
    fresh = parse(kb_dir())
    assert _texts(again) == _texts(first) == _texts(fresh)
    assert again.by_head.keys() == fresh.by_head.keys()
    assert again.defined_inputs == fresh.defined_inputs
    consts = [str(t) for r in again.rules for t in r.head.args]
    assert consts == [str(t) for r in fresh.rules for t in r.head.args]


def test_an_edited_knowledge_base_is_parsed_again(cache: Path, tmp_path: Path):
    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    before = parse(copy)
    path = copy / "p3_ranks.lp"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "rank_clause(p3_s1, assistant, senior_worker, 2).",
            "rank_clause(p3_s1, assistant, senior_worker, 3).",
        ),
        encoding="utf-8",
    )
    after = parse(copy)
    assert any("senior_worker,2)" in t for _, _, t in _texts(before))
    assert any("senior_worker,3)" in t for _, _, t in _texts(after))
    assert len(list(cache.glob("program-*.json"))) == 2


def test_an_unwritable_cache_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert _texts(parse(kb_dir())) == _texts(load_program())


def _constants(program) -> list:
    """Every constant of every rule, in order, as (its text, its value, its clingo symbol)."""
    from pyagent.engine.rules import BinOp, Const, Fn, Minus

    out: list = []

    def term(t) -> None:
        if isinstance(t, Const):
            out.append((str(t), t.value, t.symbol))
        elif isinstance(t, Fn):
            for a in t.args:
                term(a)
        elif isinstance(t, BinOp):
            term(t.left)
            term(t.right)
        elif isinstance(t, Minus):
            term(t.arg)

    def literal(lit) -> None:
        for t in (lit.term, *(g for _, g in lit.guards)):
            if t is not None:
                term(t)
        for guard in (lit.left, lit.right):
            if guard is not None:
                term(guard[1])
        for terms, conditions in lit.elements:
            for t in terms:
                term(t)
            for c in conditions:
                literal(c)

    for r in program.rules:
        term(r.head)
        for lit in r.body:
            literal(lit)
    return out


def test_constants_read_from_the_cache_are_clingos(cache: Path, monkeypatch: pytest.MonkeyPatch):
    """The cache's constants are read as values without clingo; each has the value and the
    symbol clingo's own parse gives."""
    parse(kb_dir())
    cached = _constants(parse(kb_dir()))
    monkeypatch.setenv("PYAGENT_NO_CACHE", "1")
    fresh = _constants(parse(kb_dir()))
    assert len(cached) == len(fresh) > 1000
    assert cached == fresh
