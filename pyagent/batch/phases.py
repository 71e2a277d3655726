"""The three phases of ``pyagent batch``, as tasks a worker runs (locally or on Dask).

1. **Key** (`key_part`): one partition of the roster (a byte range of a JSONL file, or rows
   of a CSV file the parent read) is parsed and validated, row by row, as ``ask`` does
   (`pyagent.input.case`, `pyagent.engine.facts`); each good row becomes its id and one key
   per *plan* (`pyagent.engine.signature.Keys.plans`: questions whose rules reach the same
   input facts share one).  The rows go to a file of the partition (``part-N.rows``: the id
   as it will be written, and per plan the index of its key among the partition's distinct
   keys); what comes back is small: the partition's distinct keys (each with its digest), its
   bad rows, counts.
2. **Answer** (`answer_keys`): each distinct key of the whole roster, once (the parent spools
   the new keys to a file in blocks; a task reads one block and writes its answers to
   ``keys-N.txt``, giving back where each key's answers are and their statuses): solved with the
   facts the key holds (a plan's key is what its questions' rules can reach) and explained by
   the same `Explainer` and `answer_of` as ``ask`` (with ``BatchConfig.replay``, a key whose
   model reads as an explained key's did reuses its answers: `pyagent.batch.replay`).
3. **Join** (`join_part`): a partition's rows with the answers of its keys (read back from
   the blocks' files), written in input order to ``part-N.out``; the parent appends the parts
   to the output by the kernel's copy.

Memory: a worker holds one partition's rows at a time; the parent holds, per distinct key and
per distinct situation, a 16-byte digest while phase 1 runs, then where its answers are (a few
numbers in arrays) and, per partition, the numbers of its keys: never a key, a person, an
answer or a row (`tests/test_batch_parent_memory.py`).  A task's result depends only on its input, so the output is
byte for byte the same however the roster is partitioned and wherever the tasks run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
import os
import pickle
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from clingo import Function

from pyagent.batch.replay import Replay
from pyagent.batch.shapes import (
    Shape,
    ShapeCache,
    ask_answers,
    fast_shape,
    person_memo,
    shape_digest,
)
from pyagent.batch.rows import NotUtf8, load_row_checked, range_rows
from pyagent.engine.cones import person_predicates
from pyagent.engine.facts import Fact, global_facts
from pyagent.engine.questions import QUESTIONS
from pyagent.engine.signature import Keys, analyse
from pyagent.engine.solve import person_term, solve
from pyagent.engine.values import symbol_of
from pyagent.errors import InputError
from pyagent.explain.answers import Answer, answer_of, clause_kinds, clause_refs, status_of
from pyagent.explain.tree import Explainer
from pyagent.input.model import Person
from pyagent.input.person import post_not_yet_held
from pyagent.input.roster import BadRow, csv_person, csv_places, row_person, table_row_person

SOLVE_GROUP = 64  # keys per clingo control in phase 2


_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_text(value: object) -> str:
    """One JSON line: characters that a line reader may take as a line break (U+2028, U+2029,
    NEL) are escaped, so that a row never splits."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKS)


def answer_data(a: Answer) -> dict:
    """An answer as ``ask --json`` writes it (SPEC section 8), with its reason and what would
    settle it where the library gives them."""
    data: dict[str, object] = {
        "question": a.question,
        "status": a.status,
        "clauses": list(a.clauses),
        "depends_on": list(a.depends_on),
    }
    for extra in ("reason", "to_settle"):
        value = getattr(a, extra, None)
        if value is not None:
            data[extra] = value if isinstance(value, str) else _plain(value)
    return data


def _plain(value: object) -> object:
    """Dataclasses and tuples as JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Part:
    """A partition of the roster: a byte range of a JSONL file, or CSV rows read already."""

    number: int
    path: str  # the file read (never the name messages give it: the run's ``source``)
    start: int = 0
    end: int = 0
    rows: tuple = ()  # CSV: ((line, cells), ...), line numbers of the file


@dataclass
class KeyedPart:
    """What phase 1 gives back for a partition (its rows are in ``part-N.rows``)."""

    number: int
    lines: int  # lines that start in the partition (a JSONL range); 0 for CSV rows
    persons_in: int
    errors: list[tuple]  # (line, id, place, message): line within the partition for a range
    # per space, per distinct key of the partition (first seen first): its digest
    # (`key_digest`) and the key marshalled, which the parent spools for phase 2 unread
    keys: list[list[tuple[bytes, bytes]]] = field(default_factory=list)
    # with reasons, per distinct shape of the partition: (its digest, the person when this
    # worker has not sent it before, else None); answered once for the roster in phase 2
    shapes: list[tuple[bytes, Person | None]] | None = None


class Context:
    """What a worker needs, built once per process from the batch's arguments."""

    def __init__(self, args: tuple) -> None:
        config, source, in_format, layout, workdir = args
        self.config = config
        self.source = source
        self.in_format = in_format
        self.layout = layout
        self.workdir = Path(workdir)
        base = analyse(config.as_of, config.readings, config.parameters, config.directory)
        abstraction = base.abstraction
        alt = None
        if config.compare:
            alt = analyse(
                config.as_of,
                {**config.readings, **config.compare},
                config.parameters,
                config.directory,
            )
            abstraction = base.abstraction.common(alt.abstraction)
        self.keys = Keys(base, abstraction)
        self.alt_keys = Keys(alt, abstraction) if alt is not None else None
        # with reasons, every shape's answers are ``ask``'s own (`pyagent.batch.shapes`), and
        # only a compared reading's statuses come from keys
        self.reasons = bool(config.reasons)
        # a space of keys: (keys, plan); the base plans first, then the compared reading's
        self.n_base = 0 if self.reasons else len(self.keys.plans)
        self.spaces = [(self.keys, p) for p in range(self.n_base)]
        if self.alt_keys is not None:
            self.spaces += [(self.alt_keys, p) for p in range(len(self.alt_keys.plans))]
        self.program = base.program
        self.refs = clause_refs(base.static)
        self.kinds = clause_kinds(base.static)
        self.shared = global_facts(config.as_of, config.readings)
        self.alt_shared = global_facts(config.as_of, {**config.readings, **(config.compare or {})})
        self.questions = tuple(QUESTIONS.values())
        self.shapes = ShapeCache()
        # where a reason names the person's id, a shape's answers hold this instead (a valid
        # id no data holds by chance; the same in every worker of the run)
        self.token = "id" + hashlib.blake2b(pickle.dumps(args), digest_size=12).hexdigest()
        self._replays: dict[int, Replay] = {}
        self._local = person_predicates(self.program, config.as_of)

    def replay(self, space: int) -> Replay | None:
        """The explanation cache of a base plan (`pyagent.batch.replay`), unless turned off."""
        if not self.config.replay:
            return None
        found = self._replays.get(space)
        if found is None:
            found = self._replays[space] = Replay(self.program, self._local)
        return found

    def questions_of(self, space: int) -> list[int]:
        keys, plan = self.spaces[space]
        return [q for q, p in enumerate(keys.plan_of) if p == plan]

    def person(self, raw: object, line: int) -> Person:
        """A good row's person; raises InputError for a bad one."""
        places = None
        data: object
        if self.in_format == "csv":
            if isinstance(raw, BadRow):
                raise InputError(self.source, "", raw.message, line)
            try:
                data = csv_person(self.layout, raw, self.source, line)  # type: ignore[arg-type]
            except InputError:  # the row's every problem, by column
                table_row_person(self.layout, raw, self.source, line)  # type: ignore[arg-type]
                raise
            places = csv_places(self.layout, raw)  # type: ignore[arg-type]
        else:
            data = load_row_checked(raw, self.source, line)  # type: ignore[arg-type]
        person = row_person(data, self.source, line, places)  # every problem, by column
        late = post_not_yet_held(person, self.config.as_of, self.source, line=line)
        if late is not None:  # SPEC v2: a post that begins after as_of is bad input
            raise late
        return person

    def row(self, raw: object, line: int) -> tuple[str, tuple]:
        """(id, its key per space) of a good row; raises InputError for a bad one."""
        person = self.person(raw, line)
        return person.id, self.shape_keys(person)

    def shape_keys(self, person: Person) -> tuple:
        """The person's key per space (`spaces`)."""
        found: tuple = ()
        if self.n_base:
            full = self.keys.person_key(person)
            found = tuple(self.keys.plan_keys(full))
            if self.alt_keys is not None:
                found += tuple(self.alt_keys.plan_keys(full))
        elif self.alt_keys is not None:
            found = tuple(self.alt_keys.plan_keys(self.keys.person_key(person)))
        return found

    def row_id(self, raw: object) -> str | None:
        """The id of a bad row, when it can be read (to name the row)."""
        try:
            if self.in_format == "jsonl":
                data = json.loads(raw)  # type: ignore[arg-type]
                pid = data.get("id") if isinstance(data, dict) else None
            else:
                pid = raw[self.layout.scalars[0][0]] if self.layout else None  # type: ignore[index]
        except Exception:  # noqa: BLE001 - only to name the row
            pid = None
        if not isinstance(pid, str) or not pid.strip() or not pid.isprintable():
            return None
        return pid


_CONTEXTS: dict[str, Context] = {}


def context(args: tuple) -> Context:
    """The worker's context for these arguments (built on first use; Dask workers keep it)."""
    key = hashlib.blake2b(pickle.dumps(args), digest_size=16).hexdigest()
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        _CONTEXTS.clear()
        ctx = _CONTEXTS[key] = Context(args)
    return ctx


# ---------------------------------------------------------------------------
# Phase 1.


def key_part(args: tuple, part: Part) -> KeyedPart:
    ctx = context(args)
    if ctx.in_format == "jsonl":
        rows, lines = range_rows(part.path, part.start, part.end)
    else:
        rows, lines = list(part.rows), 0
    fast = ctx.in_format == "jsonl"
    local: dict[object, int] = {}  # a shape's text after the id, or its person memo -> index
    shapes: list[Shape] = []  # the partition's distinct shapes
    sending: dict[int, Person] = {}  # shapes new to this worker: their persons
    remember: list[tuple[object, int]] = []  # (cache key, shape) once answered
    records: list[tuple[int, str, int]] = []  # (line, id as JSON, shape)
    errors: list[tuple] = []
    persons_in = 0
    for line, raw in rows:
        if isinstance(raw, NotUtf8):
            persons_in += 1
            errors.append((line, None, "", raw.message))
            continue
        if isinstance(raw, str):
            if not raw.strip():
                continue  # a blank line is not a person
        elif not any(c.strip() for c in raw):  # type: ignore[attr-defined]
            continue
        persons_in += 1
        cut = fast_shape(raw) if fast else None  # type: ignore[arg-type]
        if cut is not None:
            s = local.get(cut[1])
            if s is None:
                known = ctx.shapes.get(cut[1])
                if known is not None:
                    s = local[cut[1]] = len(shapes)
                    shapes.append(known)
            if s is not None:  # the id alone is new: FAST_ID's ids are good, and JSON as is
                records.append((line, '"' + cut[0] + '"', s))
                continue
        try:
            person = ctx.person(raw, line)
        except InputError as err:
            errors.append((line, ctx.row_id(raw), err.place, err.message))
            continue
        memo = person_memo(person)
        s = local.get(memo)
        if s is None:
            known = ctx.shapes.get(memo)
            s = local[memo] = len(shapes)
            if known is None:
                known = Shape(ctx.shape_keys(person), shape_digest(memo))
                sending[s] = person
                remember.append((memo, s))
            shapes.append(known)
        if cut is not None:
            local[cut[1]] = s
            remember.append((cut[1], s))
        records.append((line, json_text(person.id), s))
    for key, s in remember:
        ctx.shapes.put(key, shapes[s])
    local_keys: list[dict] = [{} for _ in ctx.spaces]
    entries = [
        tuple(m.setdefault(k, len(m)) for m, k in zip(local_keys, shape.keys)) for shape in shapes
    ]
    with open(ctx.workdir / f"part-{part.number}.rows", "wb") as handle:
        marshal.dump((entries, records), handle)
    return KeyedPart(
        part.number,
        lines,
        persons_in,
        errors,
        [[(key_digest(k), marshal.dumps(k)) for k in m] for m in local_keys],
        [(shape.digest, sending.get(s)) for s, shape in enumerate(shapes)] if ctx.reasons else None,
    )


def key_digest(key: tuple) -> bytes:
    """A plan's key in 16 bytes, the same in every process (a key holds tuples, text, whole
    numbers and None only, whose ``repr`` is their value)."""
    return hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=16).digest()


# ---------------------------------------------------------------------------
# Phase 2.


def answer_keys(args: tuple, number: int, space: int, spool: str, offset: int) -> list[tuple]:
    """One block of the keys of one space (marshalled keys, marshalled as a list at ``offset``
    of ``spool``), answered: for a base plan, the JSON texts of each key's answers go to
    ``keys-N.txt``, one line per question of the plan, and what comes back is, per key,
    (byte offset, byte length, statuses); for a compared reading's plan, its statuses."""
    ctx = context(args)
    with open(spool, "rb") as handle:
        handle.seek(offset)
        keys = [marshal.loads(blob) for blob in marshal.load(handle)]
    answered = key_answers(ctx, space, keys)
    if space >= ctx.n_base:
        return answered
    out = []
    at = 0
    with open(ctx.workdir / f"keys-{number}.txt", "wb") as handle:
        for answers in answered:
            data = "\n".join(text for text, _ in answers).encode("utf-8") + b"\n"
            handle.write(data)
            out.append((at, len(data) - 1, tuple(status for _, status in answers)))
            at += len(data)
    return out


def key_answers(ctx: Context, space: int, keys: list[tuple]) -> list[tuple]:
    """The answers of these keys of one space: per key, for a base plan, a (JSON text, status)
    per question of the plan; for a compared reading's plan, a status per question."""
    space_keys, plan = ctx.spaces[space]
    questions = [ctx.questions[q] for q in ctx.questions_of(space)]
    alt = space >= ctx.n_base
    slots = [space_keys.analysis.slots[i] for i, _ in space_keys.plans[plan]]
    out: list[tuple] = []
    for start in range(0, len(keys), SOLVE_GROUP):
        group = keys[start : start + SOLVE_GROUP]
        facts = [
            [
                Fact(name, tuple(symbol_of(a) for a in args_), world, path)
                for name, part in zip(slots, key)
                for args_, world, path in part
            ]
            for key in group
        ]
        model = solve(
            facts,
            ctx.alt_shared if alt else ctx.shared,
            directory=ctx.config.directory,
            source=ctx.source,
        )
        if alt:
            out.extend(tuple(status_of(model, i, q) for q in questions) for i in range(len(group)))
            continue
        explainer = Explainer(ctx.program, model, facts)

        def explain(explainer: Explainer, i: int) -> tuple:
            answers = []
            for q in questions:
                node = explainer.explain(
                    Function("answer", [person_term(i, "worst"), q.term]), lean=True
                )
                a = answer_of(q, node, ctx.refs, ctx.kinds)
                answers.append((json_text(answer_data(a)), a.status))
            return tuple(answers)

        replay = ctx.replay(space)
        for i in range(len(group)):
            if replay is None:
                out.append(explain(explainer, i))
            else:
                out.append(replay.answers(explainer, i, explain))
    return out


def ask_shapes(args: tuple, number: int, spool: str, offset: int) -> list[tuple]:
    """With reasons: the persons of one block of the spool (``(shape, person)`` pickled at
    ``offset``), answered as ``ask --json --lang`` answers them (`ask_answers`); their texts
    go to ``ask-N.txt``, a line each, and what comes back is, per shape, (shape, byte offset,
    byte length, statuses)."""
    ctx = context(args)
    with open(spool, "rb") as handle:
        handle.seek(offset)
        block = pickle.load(handle)
    answered = ask_answers(
        [p for _, p in block],
        token=ctx.token,
        source=ctx.source,
        config=ctx.config,
        json_text=json_text,
    )
    out = []
    at = 0
    with open(ctx.workdir / f"ask-{number}.txt", "wb") as handle:
        for (g, _), (text, statuses) in zip(block, answered, strict=True):
            data = text.encode("utf-8") + b"\n"
            handle.write(data)
            out.append((g, at, len(data) - 1, statuses))
            at += len(data)
    return out


# ---------------------------------------------------------------------------
# Phase 3.


def join_part(
    args: tuple, number: int, answers: list[list[tuple]], asked: list[tuple] | None = None
) -> tuple[int, Counter, list]:
    """Write partition ``number``'s rows with their answers (``answers[space][local index]``:
    for a base plan, where `answer_keys` wrote the key's answers, (block, byte offset, byte
    length, statuses); for a compared reading's plan, its statuses; with reasons,
    ``asked[shape]``: where `ask_shapes` wrote its answers, and their statuses)
    to ``part-N.out`` as JSON lines: (persons written, persons per (statuses, compared
    statuses), (row, id) of the persons whose answers flip).  Each shape's answers are put
    together once; a row is its id and its shape's text."""
    ctx = context(args)
    n_base = ctx.n_base
    where = []  # per question: (space, position among the space's questions)
    if n_base:
        for q in range(len(ctx.questions)):
            plan = ctx.keys.plan_of[q]
            where.append((plan, ctx.questions_of(plan).index(q)))
    alt_where = []
    if ctx.alt_keys is not None:
        for q in range(len(ctx.questions)):
            plan = n_base + ctx.alt_keys.plan_of[q]
            alt_where.append((plan, ctx.questions_of(plan).index(q)))
    rows_file = ctx.workdir / f"part-{number}.rows"
    with open(rows_file, "rb") as handle:
        entries, records = marshal.load(handle)
    texts: list[list[bytes]] = []  # per shape: its line after the id, cut where the id goes
    token = ctx.token.encode("ascii")
    combos_of: list[tuple] = []
    files: dict[int, BinaryIO] = {}
    found = [
        _key_texts(ctx.workdir, local) if s < n_base else local for s, local in enumerate(answers)
    ]
    for n, indexes in enumerate(entries):
        got = [found[s][i] for s, i in enumerate(indexes)]
        if asked is not None:
            k, at, length, statuses = asked[n]
            if k not in files:
                files[k] = open(ctx.workdir / f"ask-{k}.txt", "rb")
            files[k].seek(at)
            text = files[k].read(length)
        else:
            text = b",".join(got[s][0][k] for s, k in where)
            statuses = tuple(got[s][1][k] for s, k in where)
        alt = tuple(got[s][k] for s, k in alt_where) if alt_where else None
        texts.append((b',"answers":[' + text + b"]}\n").split(token))
        combos_of.append((tuple(statuses), alt))
    for opened in files.values():
        opened.close()
    per_shape = [0] * len(entries)
    flipped: list[tuple[int, str]] = []
    flips = {
        s for s, (statuses, alt) in enumerate(combos_of) if alt is not None and alt != statuses
    }
    out_file = ctx.workdir / f"part-{number}.out"
    with open(out_file, "wb", buffering=1 << 20) as handle:
        write = handle.write  # line by line: a partition's output is never held whole
        for line, pid, s in records:
            per_shape[s] += 1
            if s in flips:
                flipped.append((line, json.loads(pid)))
            parts = texts[s]
            if len(parts) == 1:
                write(b'{"id":' + pid.encode("utf-8") + parts[0])
            else:  # a reason names the person: its own id, as JSON text writes it
                write(b'{"id":' + pid.encode("utf-8") + pid[1:-1].encode("utf-8").join(parts))
    combos: Counter = Counter()
    for s, n in enumerate(per_shape):
        if n:
            combos[combos_of[s]] += n
    os.unlink(rows_file)
    return len(records), combos, flipped


def _key_texts(workdir: Path, located: list[tuple]) -> list[tuple[list[bytes], tuple]]:
    """Per key of a base plan, located as (block, byte offset, byte length, statuses) in the
    blocks `answer_keys` wrote: (the JSON text of each of its answers, their statuses)."""
    fds: dict[int, int] = {}
    try:
        out = []
        for block, at, length, statuses in located:
            fd = fds.get(block)
            if fd is None:
                fd = fds[block] = os.open(workdir / f"keys-{block}.txt", os.O_RDONLY)
            data = os.pread(fd, length, at)
            if len(data) != length:  # pragma: no cover - the file is ours, whole
                raise OSError(f"keys-{block}.txt: short read")
            out.append((data.split(b"\n"), statuses))
        return out
    finally:
        for fd in fds.values():
            os.close(fd)
