"""The parent's side of a batch's three phases (`pyagent.batch.phases` has the workers'):
what it keeps between them, and how it hands out the tasks and puts their results together.

What the parent keeps (`Keyed`, `Located`) is a few bytes per distinct key and per distinct
situation: a 16-byte digest while phase 1 runs (to number them), then where phase 2 wrote each
one's answers, in arrays.  The keys themselves and the situations' persons wait in a spool
file between phases 1 and 2 (in blocks, one task each), the answers in a file per block,
each partition's rows in a file of the partition: none of them is ever held in the parent
(`tests/test_batch_parent_memory.py`).  The output is each partition's file appended in order
by the kernel's copy (`append_file`).
"""

from __future__ import annotations

import errno
import marshal
import os
import pickle
import shutil
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pyagent.batch.phases import json_text
from pyagent.batch.shapes import ASK_BLOCK
from pyagent.errors import InputError

__all__ = [
    "ANSWER_CHUNK",
    "BadRowLine",
    "Keyed",
    "Located",
    "append_file",
    "phase_answers",
    "phase_ask",
    "phase_join",
    "phase_keys",
    "to_answer",
]

ANSWER_CHUNK = 256  # keys per phase-2 task


class BadRowLine(dict):
    """A line of the errors file (``line``, ``id``, ``place``, ``message`` in the batch's
    language), as ``on_error`` receives it; ``texts`` has its message in every language, for
    a reader that shows it in another (the page)."""

    texts: dict[str, str]


@dataclass
class Keyed:
    """Phase 1 over the whole roster, as the parent keeps it: per distinct key (per space) and,
    with reasons, per distinct situation, a 16-byte digest and a number, never the key or the
    person itself: new keys and new situations' persons are spooled to a file (``spool``), in
    blocks that phase 2's tasks read; and per partition, where its keys and situations went."""

    spool: BinaryIO
    spaces: int = 0
    index: list[dict[bytes, int]] = field(default_factory=list)  # per space: digest -> key
    key_counts: list[int] = field(default_factory=list)  # per space: distinct keys
    key_pending: list[list[bytes]] = field(default_factory=list)  # per space: not yet spooled
    key_blocks: list[tuple[int, int, int]] = field(default_factory=list)  # (space, at, first)
    maps: list[list[array]] = field(default_factory=list)  # per partition, per space: local -> key
    offsets: list[int] = field(default_factory=list)  # per partition: added to its row numbers
    persons_in: int = 0
    errors: int = 0
    shapes: dict[bytes, int] = field(default_factory=dict)  # digest -> global shape (phase 1)
    situations: int = 0  # distinct shapes
    shape_maps: list[array] = field(default_factory=list)  # per partition: local -> global shape
    blocks: list[int] = field(default_factory=list)  # the offset of each block of persons
    pending: list[tuple[int, object]] = field(default_factory=list)  # not yet spooled
    # a shape named by its digest before the partition that sends its person has come in
    # (a worker sends a person with the first partition *it* ran, and on Dask a worker may run
    # partitions out of order): where it goes, filled in when the person comes
    awaiting: dict[bytes, list[tuple[int, int]]] = field(default_factory=dict)

    def add_keys(self, found: list[list[tuple[bytes, bytes]]]) -> None:
        """A partition's distinct keys per space, (digest, marshalled key): each new one
        numbered and spooled."""
        if not self.index and found:
            self.spaces = len(found)
            self.index = [{} for _ in found]
            self.key_counts = [0] * len(found)
            self.key_pending = [[] for _ in found]
        mapping = []
        for s, keys in enumerate(found):
            index, pending = self.index[s], self.key_pending[s]
            local = array("i")
            for digest, blob in keys:
                g = index.get(digest)
                if g is None:
                    g = index[digest] = len(index)
                    pending.append(blob)
                    if len(pending) >= ANSWER_CHUNK:
                        self.flush_keys(s)
                        pending = self.key_pending[s]
                local.append(g)
            mapping.append(local)
        self.maps.append(mapping)

    def flush_keys(self, s: int) -> None:
        pending = self.key_pending[s]
        if pending:
            self.key_blocks.append((s, self.spool.tell(), self.key_counts[s]))
            marshal.dump(pending, self.spool)
            self.key_counts[s] += len(pending)
            self.key_pending[s] = []

    def add_shapes(self, found: list[tuple[bytes, object]]) -> None:
        """A partition's shapes: each new one numbered and its person spooled."""
        gids = array("i")
        part = len(self.shape_maps)
        for digest, person in found:
            g = self.shapes.get(digest)
            if g is None:
                if person is None:  # its person comes with a later partition
                    self.awaiting.setdefault(digest, []).append((part, len(gids)))
                    gids.append(-1)
                    continue
                g = self.shapes[digest] = len(self.shapes)
                self.pending.append((g, person))
                if len(self.pending) >= ASK_BLOCK:
                    self.flush()
                for k, i in self.awaiting.pop(digest, ()):
                    self.shape_maps[k][i] = g
            gids.append(g)
        self.shape_maps.append(gids)

    def flush(self) -> None:
        if self.pending:
            self.blocks.append(self.spool.tell())
            pickle.dump(self.pending, self.spool, protocol=pickle.HIGHEST_PROTOCOL)
            self.pending = []

    def end(self) -> None:
        """Phase 1 is over: the last blocks spooled, and the digests let go (phases 2 and 3
        know keys and situations by their numbers)."""
        if self.awaiting:  # no worker sent the person of a situation it named
            raise RuntimeError(f"{len(self.awaiting)} situation(s) named but never sent")
        for s in range(self.spaces):
            self.flush_keys(s)
        self.flush()
        self.spool.close()
        assert self.key_counts == [len(m) for m in self.index]
        self.situations = len(self.shapes)
        self.index = []
        self.shapes = {}


@dataclass
class Located:
    """Where phase 2 wrote each answer, one entry per key (or situation), in arrays: the
    block (its file), the byte offset and length, and its statuses (numbered: few differ)."""

    block: array = field(default_factory=lambda: array("i"))
    at: array = field(default_factory=lambda: array("q"))
    length: array = field(default_factory=lambda: array("i"))
    status: array = field(default_factory=lambda: array("i"))
    statuses: dict[tuple, int] = field(default_factory=dict)
    by_number: list[tuple] = field(default_factory=list)

    def add(self, block: int, at: int, length: int, statuses: tuple) -> None:
        statuses = tuple(statuses)
        n = self.statuses.get(statuses)
        if n is None:
            n = self.statuses[statuses] = len(self.by_number)
            self.by_number.append(statuses)
        self.block.append(block)
        self.at.append(at)
        self.length.append(length)
        self.status.append(n)

    def __len__(self) -> int:
        return len(self.status)

    def __getitem__(self, g: int) -> tuple:
        return (self.block[g], self.at[g], self.length[g], self.by_number[self.status[g]])


def phase_keys(
    run, parts, err_file, source, total, progress, on_error, lang="en", spool=None, position=None
) -> Keyed:
    """Phase 1; each bad row goes to the errors file with its message in ``lang`` (SPEC
    section 9: one language per output); with reasons, the new shapes' persons to ``spool``.
    ``position(part)``: how far into the roster's ``total`` bytes a partition ends (default:
    a byte range's end)."""
    keyed = Keyed(spool)
    line = 1  # the first line of the next JSONL partition
    for (part,), got in run.ordered("key_part", ((p,) for p in parts)):
        keyed.add_keys(got.keys)
        if got.shapes is not None:
            keyed.add_shapes(got.shapes)
        offset = line if part.rows == () else 0
        keyed.offsets.append(offset)
        for rel, pid, place, message in got.errors:
            at = rel + offset
            error = InputError(source, place, message, at)
            e = BadRowLine(line=at, id=pid, place=place, message=error.text(lang))
            e.texts = {"en": error.text("en"), "zh": error.text("zh")}
            err_file.write(json_text(e) + "\n")
            if on_error is not None:
                on_error(e)
        line += got.lines
        keyed.persons_in += got.persons_in
        keyed.errors += len(got.errors)
        if progress is not None:
            done = position(part) if position is not None else part.end
            progress("reading", done, total, keyed.persons_in)
    return keyed


def to_answer(keyed: Keyed) -> int:
    """How many distinct situations and keys phase 2 answers (its progress's total)."""
    return keyed.situations + sum(keyed.key_counts)


def phase_ask(run, keyed: Keyed, workdir: Path, progress=None) -> Located | None:
    """With reasons: every distinct shape of the roster, once, answered as ``ask`` answers it
    (`pyagent.batch.phases.ask_shapes`): per shape, where its answers were written.
    ``progress("answering", done, total, persons)`` after each block."""
    if not keyed.blocks:
        return None
    spool = str(workdir / "spool")
    asked = Located()
    tasks = ((k, spool, at) for k, at in enumerate(keyed.blocks))
    for (k, _, _), got in run.ordered("ask_shapes", tasks):
        for g, at, length, statuses in got:
            assert g == len(asked)  # the blocks hold the shapes in their order
            asked.add(k, at, length, statuses)
        if progress is not None:
            progress("answering", len(asked), to_answer(keyed), keyed.persons_in)
    return asked


def phase_answers(run, keyed: Keyed, workdir: Path, progress=None) -> list[Located | list[tuple]]:
    """Every distinct key of the roster, once, by blocks (`pyagent.batch.phases.answer_keys`):
    per space, where each key's answers were written (a compared reading's: its statuses).
    ``progress("answering", done, total, persons)`` after each block, counting on from the
    situations `phase_ask` answered."""
    spool = str(workdir / "spool")
    answers: list[Located | list[tuple]] = [Located() for _ in range(keyed.spaces)]
    tasks = ((k, s, spool, at) for k, (s, at, _) in enumerate(keyed.key_blocks))
    for (k, s, _, _), got in run.ordered("answer_keys", tasks):
        located = answers[s]
        for item in got:
            if isinstance(item[0], str):  # a compared reading's plan: its statuses
                located.add(-1, 0, 0, item)
            else:
                located.add(k, *item)
        if progress is not None:
            done = keyed.situations + sum(len(a) for a in answers)
            progress("answering", done, to_answer(keyed), keyed.persons_in)
    return answers


def append_file(source: BinaryIO, target: BinaryIO) -> None:
    """All of ``source`` after what ``target`` holds, copied by the kernel where it can
    (``copy_file_range``: no pass of the bytes through this process; a reflink where the file
    system shares blocks), else by ``sendfile``, else through a buffer."""
    src, dst = source.fileno(), target.fileno()
    size = os.fstat(src).st_size
    done = 0
    for copy in (getattr(os, "copy_file_range", None), getattr(os, "sendfile", None)):
        if copy is None:
            continue
        try:
            while done < size:
                if copy is os.sendfile:
                    sent = copy(dst, src, done, size - done)
                else:
                    sent = copy(src, dst, size - done, done)
                if sent == 0:
                    break
                done += sent
        except OSError as err:
            if done or err.errno not in _NO_KERNEL_COPY:
                raise
            continue
        if done == size:
            return
    source.seek(done)
    shutil.copyfileobj(source, target, 1 << 20)
    target.flush()


_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


def phase_join(run, keyed: Keyed, answers, asked, workdir: Path, target, on_flip, progress=None):
    """Phase 3: each partition's rows joined with their answers, appended in order;
    ``progress("writing", partitions done, partitions, persons)`` after each."""
    tasks = (
        (
            k,
            [
                [answers[s][g] if answers[s].block[g] >= 0 else answers[s][g][3] for g in local]
                for s, local in enumerate(maps)
            ],
            [asked[g] for g in keyed.shape_maps[k]] if asked is not None else None,
        )
        for k, maps in enumerate(keyed.maps)
    )
    combos: Counter = Counter()
    persons_out = 0
    for (k, _, _), (n, c, flipped) in run.ordered("join_part", tasks):
        persons_out += n
        combos.update(c)
        if on_flip is not None:
            for line, pid in flipped:
                on_flip(line + keyed.offsets[k], pid)
        piece = workdir / f"part-{k}.out"
        target.flush()  # the part's bytes go after what was written, as they are
        target.buffer.flush()
        with open(piece, "rb") as handle:
            append_file(handle, target.buffer)
        piece.unlink()
        if progress is not None:
            progress("writing", k + 1, len(keyed.maps), keyed.persons_in)
    return persons_out, combos
