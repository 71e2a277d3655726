"""An explanation cache across keys: explain one key, record what it read, replay the reads.

Two keys of a plan often get the same answers although their facts differ (a month count
that no rule of the answer's explanation looks at, an assessment of a year the explanation
never reaches).  Which differences matter is decided by the explanation itself: the answers
(status, clauses, ``depends_on``) are a function of what the explainer reads of the model and
of the person's input paths, since `pyagent.explain.tree.Explainer` is deterministic.  So:

* explaining a key's questions, every read is recorded in order (`_Recorder`): a model
  look-up (``values_of``, ``holds``, ``matching``) or an input's path, with the person's index
  replaced by a mark so that reads of two keys compare;
* the recorded sequences of a plan form a tree (`Replay`): the first read is the same for
  every key (the explainer starts the same way), and which read comes next depends only on
  the results so far.  A new key walks the tree, making each read against its own model; if
  every result is one the tree has met, it ends at a leaf holding the answers: reused.
  Otherwise the key is explained (recorded) and its sequence added.

Sound by construction: a reused answer is the one the explainer would give, because it would
make exactly the reads made, get the same results, and so build the same tree.  Reads of a
predicate no person's facts reach (clause texts, readings: `pyagent.engine.cones.
person_predicates`) are the same in every model of a run and are not recorded.

What it gives, measured (bench/README.md, issue 14): on 10,000 varied persons 41 % of the
keys' answers are replayed (7,910 explanations for 13,317 keys), yet the batch's CPU time is
about the same with it as without (55.0 s against 56.1 s), and 20-30 % more on 3,000 persons:
a replayed key still makes each of its ~50-100 distinct reads against its own model, a
recorded explanation is slower than a plain one, and a miss walks part of the tree first.  So
it is off by default (``BatchConfig.replay``), kept as the measure of how coarse an answer's
key could be and for rosters where it pays; tests/test_batch_replay.py checks that it changes
no byte.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from pyagent.engine.facts import BEST, WORST
from pyagent.engine.program import Program
from pyagent.engine.solve import Model
from pyagent.engine.values import Value, person
from pyagent.explain.tree import Explainer

__all__ = ["Replay"]

_MARK = "§"  # stands for the person's index in a recorded read (no constant is spelt so)
MAX_READS = 50_000  # nodes of a plan's tree (~20 MiB); past it, keys are explained, not recorded


class _Person:
    """Puts the mark in place of person ``index`` in values, and back."""

    __slots__ = ("index", "worst", "best", "marks")

    def __init__(self, index: int) -> None:
        self.index = index
        self.worst, self.best = person(index, WORST), person(index, BEST)

    def mark(self, v: Any) -> Any:
        if type(v) is not tuple:
            return v
        if (
            len(v) == 5
            and v[1] == "p"
            and v[3] == self.index
            and (v == self.worst or v == self.best)
        ):
            return _WORST if v[4] == WORST else _BEST
        return _each(v, self.mark, lambda x: len(x) == 2 and x[0] == "str")

    def unmark(self, v: Any) -> Any:
        if type(v) is not tuple:
            return v
        if v == _WORST:
            return self.worst
        if v == _BEST:
            return self.best
        return _each(v, self.unmark)


_WORST = ("fn", "p", True, _MARK, WORST)
_BEST = ("fn", "p", True, _MARK, BEST)


class _Recorder:
    """A model (and a person's input paths) seen through its reads: each distinct read and its
    result, marked, in the order first made.  What `Explainer` and `Evaluator` call of a model."""

    def __init__(self, model: Model, who: _Person, inputs: dict, local: Collection) -> None:
        self._model = model
        self._who = who
        self._inputs = inputs
        self._local = local  # (name, arity) of the person predicates
        self._local_names = frozenset(name for name, _ in local)  # holds: by name, a superset
        self._reads: dict[tuple, Any] = {}

    def _note(self, read: tuple, result: Any) -> None:
        self._reads.setdefault(read, result)

    def reads(self) -> list[tuple[tuple, Any]]:
        """Each distinct read with its result, marked, in the order first made."""
        mark = self._who.mark
        return [(mark(r), mark(v)) for r, v in self._reads.items()]

    def values_of(self, name: str, arity: int, person: Value | None = None) -> tuple:
        out = self._model.values_of(name, arity, person)
        if person is not None or (name, arity) in self._local:
            self._note(("v", name, arity, person), out)
        return out

    def holds(self, atom: Value) -> bool:
        out = self._model.holds(atom)
        name = atom if type(atom) is str else atom[1] if type(atom) is tuple else None
        if name in self._local_names:
            self._reads.setdefault(("h", atom), out)
        return out

    def matching(
        self, name: str, arity: int, person: Value | None, places: tuple, values: tuple
    ) -> Sequence[Value]:
        out = self._model.matching(name, arity, person, places, values)
        if person is not None or (name, arity) in self._local:
            self._note(("m", name, arity, person, places, values), tuple(out))
        return out

    def get(self, atom: Value, default: Any = None) -> Any:  # the person's input paths
        out = self._inputs.get(atom, default)
        self._note(("i", atom, default), out)
        return out


def _read(read: tuple, model: Model, inputs: dict) -> Any:
    """Make a read (unmarked) against a model, as the recorder made it."""
    kind = read[0]
    if kind == "v":
        return model.values_of(read[1], read[2], read[3])
    if kind == "h":
        return model.holds(read[1])
    if kind == "m":
        return tuple(model.matching(*read[1:]))
    return inputs.get(read[1], read[2])


@contextlib.contextmanager
def _recording(explainer: Explainer, recorder: _Recorder) -> Iterator[None]:
    """The explainer's reads go through ``recorder`` meanwhile; nothing it keeps from earlier
    reads of a person predicate is used (its sub-trees of a person, its held constants)."""
    ev = explainer.ev
    explainer._memo.clear()
    explainer._memo_person = None
    local = recorder._local_names
    for term in [t for t in ev._constants if t.name in local]:
        del ev._constants[term]
    explainer.model = ev.model = recorder  # type: ignore[assignment]
    explainer.inputs = lambda index: recorder  # type: ignore[method-assign, assignment, return-value]
    try:
        yield
    finally:
        explainer.model = ev.model = recorder._model
        del explainer.inputs
        explainer._memo.clear()
        explainer._memo_person = None
        for term in [t for t in ev._constants if t.name in local]:
            del ev._constants[term]


class _Node:
    __slots__ = ("read", "next", "leaf")

    def __init__(self) -> None:
        self.read: tuple | None = None  # the read made here; None at a leaf
        self.next: dict[Any, _Node] = {}
        self.leaf: Any = None  # the answers, at a leaf


class Replay:
    """The explanation cache of one plan: ``answers(model, facts, index, explain)`` gives
    the answers of person ``index`` of a solved group, replayed or computed by
    ``explain(explainer, index)``, where explainer is an `Explainer` of that model."""

    def __init__(self, program: Program, local: Collection[tuple[str, int]]) -> None:
        self.program = program
        self.local = frozenset(local)
        self.root = _Node()
        self.size = 0
        self.hits = 0
        self.misses = 0

    def answers(
        self, explainer: Explainer, index: int, explain: Callable[[Explainer, int], Any]
    ) -> Any:
        """The answers of person ``index`` of ``explainer``'s model (a solved group)."""
        model = explainer.model
        inputs = explainer.inputs(index)
        who = _Person(index)
        node = self.root
        while node.read is not None:
            got = who.mark(_read(who.unmark(node.read), model, inputs))
            child = node.next.get(got)
            if child is None:
                break
            node = child
        else:
            if node is not self.root or self.size:
                self.hits += 1
                return node.leaf
        self.misses += 1
        recorder = _Recorder(model, who, inputs, self.local)
        with _recording(explainer, recorder):
            out = explain(explainer, index)
        if self.size < MAX_READS:
            self._add(recorder.reads(), out)
        return out

    def _add(self, reads: list[tuple[tuple, Any]], out: Any) -> None:
        node = self.root
        for read, result in reads:
            if node.read is None:
                if node.leaf is not None:
                    raise AssertionError("explanations read differently after equal reads")
                node.read = read
            elif node.read != read:
                raise AssertionError("explanations read differently after equal reads")
            child = node.next.get(result)
            if child is None:
                child = node.next[result] = _Node()
                self.size += 1
            node = child
        if node.read is not None:
            raise AssertionError("explanations read differently after equal reads")
        node.leaf = out
        if not self.size:
            self.size = 1  # an explanation that read nothing: every key gets its answers


def _each(v: tuple, f: Callable[[Any], Any], keep: Callable[[tuple], bool] = lambda x: False):
    """``v`` with ``f`` applied to each tuple inside it (but those ``keep`` keeps), copied only
    where something changed."""
    out = None
    for k, x in enumerate(v):
        if type(x) is tuple and not keep(x):
            y = f(x)
            if y is not x:
                if out is None:
                    out = list(v)
                out[k] = y
    return v if out is None else tuple(out)
