"""Rows that are the same apart from their id are the same situation: answered once.

A *shape* is a row without its id.  Phase 1 (`pyagent.batch.phases.key_part`) validates and
keys each distinct shape once per worker (`ShapeCache`); a later row of the same shape costs
finding its id and a dictionary look-up.  Two levels, each sound on its own:

* **The row's text** (`fast_shape`): a JSONL line that begins ``{"id":"ID",`` where ID is made
  of letters, digits and ``_ . : @ + -`` only (at most 64: text `pyagent.input` accepts as an
  id as it stands, and JSON writes as it stands; `tests/test_batch_shapes.py` checks both
  against `pyagent.input.case.parse_person` and `json_text`).  Two such lines with the same
  text after the id parse to the same mapping but for the id, so they validate alike, and a
  good one's answers are the other's.  Anything else (another first key, an id with other
  characters or escapes) is read in full.  A bad row is never remembered: each is read in full
  and reported with its own line and id, exactly as without the cache.
* **The person without its id** (`person_memo`): any good row, of any format, once validated.

What a shape maps to (`Shape`): its key per space (`pyagent.engine.signature.Keys.plans`)
and its digest (`shape_digest`).  When the answers carry reasons, the parent numbers the
roster's distinct shapes by digest and each is answered once, as ``pyagent ask --json --lang``
answers it, by the same library call (`ask_answers`, run by `pyagent.batch.phases.ask_shapes`),
with a stand-in where a reason names the person's id: each row's own id takes its place when
the row is written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pyagent.input.model import Case, Person

__all__ = [
    "FAST_ID",
    "Shape",
    "ShapeCache",
    "ask_answers",
    "fast_shape",
    "person_memo",
    "shape_digest",
]

FAST_ID = re.compile(r'\{ ?"id" ?: ?"([A-Za-z0-9_.:@+\-]{1,64})" ?, ?')
ASK_BLOCK = 32  # persons per solve (and per task) when they are answered as ``ask`` answers them
CACHE_CAP = 5_000  # shapes a worker keeps (then it starts afresh): few repeat in a varied roster
_PERSON_FIELDS = tuple(f.name for f in dataclasses.fields(Person) if f.name != "id")


def fast_shape(line: str) -> tuple[str, str] | None:
    """(id, the row's text after its id) of a line whose id can be cut out safely, else None."""
    m = FAST_ID.match(line)
    if m is None:
        return None
    return m.group(1), line[m.end() :]


def person_memo(person: Person) -> tuple:
    """Everything of a validated person but the id (hashable)."""
    return tuple(
        json.dumps(v, sort_keys=True, default=str) if isinstance(v, Mapping) else v
        for v in (getattr(person, f) for f in _PERSON_FIELDS)
    )


@dataclass
class Shape:
    """A distinct situation as a worker knows it: its key per space and its digest (by which,
    with reasons, the roster's distinct shapes are answered once: `ask_answers`)."""

    keys: tuple
    digest: bytes


def shape_digest(memo: tuple) -> bytes:
    """A person without its id, in 16 bytes (the same in every process)."""
    return hashlib.blake2b(repr(memo).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class ShapeCache:
    """The shapes a worker has met, by the row's text after the id and by the person without
    the id; bounded (`CACHE_CAP`): full, it starts again."""

    def __init__(self, cap: int = CACHE_CAP) -> None:
        self.cap = cap
        self._found: dict[object, Shape] = {}

    def get(self, key: object) -> Shape | None:
        return self._found.get(key)

    def put(self, key: object, shape: Shape) -> None:
        if len(self._found) >= self.cap:
            self._found.clear()
        self._found[key] = shape


def ask_answers(
    persons: Sequence[Person], *, token: str, source: str, config, json_text
) -> list[tuple[str, tuple[str, ...]]]:
    """Per person: its answers as ``pyagent ask --json --lang`` writes them (each answer one
    JSON text, comma-joined) and their statuses, by `pyagent.explain.answers.answer_case`,
    ``ask``'s own call, ``ASK_BLOCK`` persons a solve.  A reason may name the person by its id
    ("p7 holds no current post"): each person is asked under an id of its own made of
    ``token`` and four digits, and that id is written back as ``token`` alone, for the join
    to put each row's own id in its place (`pyagent.batch.phases.join_part`)."""
    from pyagent.explain.answers import answer_case

    out: list[tuple[str, tuple[str, ...]]] = []
    for start in range(0, len(persons), ASK_BLOCK):
        block = persons[start : start + ASK_BLOCK]
        stand_in = [f"{token}{k:04d}" for k in range(len(block))]
        case = Case(
            source=source,
            as_of=config.as_of,
            readings=dict(config.readings),
            parameters=dict(config.parameters),
            persons=tuple(dataclasses.replace(p, id=i) for p, i in zip(block, stand_in)),
        )
        doc = answer_case(case, config.directory, lang=config.lang).to_json()
        for person, own in zip(doc["persons"], stand_in, strict=True):
            answers = person["answers"]
            text = ",".join(json_text(a) for a in answers).replace(own, token)
            out.append((text, tuple(a["status"] for a in answers)))
    return out
