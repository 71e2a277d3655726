"""Answer a roster of persons: every question, with clauses and ``depends_on``, streaming.

>>> from pyagent.batch.pipeline import BatchConfig, run_batch              # doctest: +SKIP
>>> summary = run_batch("roster.jsonl", "answers.jsonl", BatchConfig(as_of=date(2026, 7, 1)))
>>> summary.persons_in == summary.persons_out + summary.errors    # doctest: +SKIP
True

How it scales (bench/README.md has the figures):

* **Signatures** (`pyagent.engine.signature`): each person becomes its input facts, abstracted where
  the rules allow (months between two thresholds, values no rule tells apart), and one key
  per question, the part of the facts that question's cone reaches.  An answer is computed
  once per key: a chunk's new keys are solved together in one clingo control, and explained
  by the same `Explainer` and `answers.answer_of` as ``pyagent ask``.  A row becomes facts as
  in ``ask``: `pyagent.input.case` validates it, `pyagent.engine.facts` makes its facts.
* **Streaming, bounded memory**: the roster is read in blocks of whole lines, at most
  ``2 × jobs`` blocks are in flight, caches are capped, and output is written as it comes,
  in input order.
* **Every core**: ``jobs`` worker processes, each with its own engine and caches.
* **Bad rows never stop the batch**: each is reported (line, place, reason) and written to
  the errors file; ``persons_in == persons_out + errors`` always.
* **Nothing half-written looks complete**: output and errors go to ``*.partial`` files,
  renamed when the run is done; the summary file, written last, marks a complete run.  An
  interrupted run removes its partial files and raises `BatchInterrupted`, which says how
  far it got and what was not processed.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clingo import Function

from pyagent.explain.answers import Answer, answer_of, clause_kinds, clause_refs, resolved_readings, status_of
from pyagent.input.case import PARAMETERS, MAX_YEARS
from pyagent.errors import InputError
from pyagent.batch.outputs import OutputError, Outputs, side_files
from pyagent.batch.workers import init_worker_process, no_sigint, worker_count
from pyagent.explain.tree import Explainer
from pyagent.engine.facts import global_facts
from pyagent.engine.questions import QUESTIONS
from pyagent.batch.rows import NotUtf8, csv_blocks, jsonl_rows, load_row_checked
from pyagent.input.roster import (
    BadRow,
    CsvLayout,
    csv_person,
    csv_places,
    read_blocks,
    read_csv_rows,
    roster_format,
    row_person,
    table_row_person,
)
from pyagent.engine.signature import Keys, analyse
from pyagent.engine.solve import person_term, solve

__all__ = [
    "BatchConfig",
    "BatchInterrupted",
    "BatchSummary",
    "Engine",
    "outputs_of",
    "parse_parameters",
    "run_batch",
]

SCHEMA = "pyagent.batch/1"
QUESTION_IDS = tuple(QUESTIONS)
STATUSES = ("yes", "no", "unknown")
SOLVE_GROUP = 64  # persons per clingo control when a chunk's new keys are solved
CACHE_CAP = 200_000  # entries per cache in each worker


@dataclass(frozen=True)
class BatchConfig:
    """What a batch is asked under: SPEC sections 5 and 6, as for ``pyagent ask``."""

    as_of: dt.date = field(default_factory=dt.date.today)
    readings: Mapping[str, str] = field(default_factory=dict)  # overrides
    parameters: Mapping[str, int] = field(default_factory=dict)
    compare: Mapping[str, str] | None = None  # --compare-reading: overrides to count flips under
    jobs: int | None = None  # worker processes; None: every core
    output_format: str | None = None  # jsonl / csv / xlsx; None: from OUT's name
    input_format: str | None = None  # jsonl / csv / xlsx; None: from ROSTER's name
    lang: str = "en"  # a CSV or xlsx table's headers and statuses (batch/tables.py)
    reasons: bool = True  # a table's reason and to-settle columns (each person explained)
    block_bytes: int = 1 << 20  # a JSONL block; CSV: about as many rows
    directory: Path | None = None  # the knowledge base (default: kb/)


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did: counts per question, flips, persons in = out + errors."""

    roster: str
    output: str
    errors_file: str
    summary_file: str
    as_of: dt.date
    readings: Mapping[str, str]  # every reading, with the value in force
    parameters: Mapping[str, int]
    compare: Mapping[str, str] | None
    persons_in: int
    persons_out: int
    errors: int
    counts: Mapping[str, Mapping[str, int]]  # question -> status -> persons
    flips: Mapping[str, Mapping[str, int]] | None  # question -> "yes->no" -> persons
    seconds: float
    keys_solved: int  # distinct (question, key) answers computed

    def to_json(self) -> dict:
        return {
            "schema": SCHEMA,
            "roster": self.roster,
            "output": self.output,
            "errors_file": self.errors_file,
            "as_of": self.as_of.isoformat(),
            "readings": dict(self.readings),
            "parameters": dict(self.parameters),
            "compare_reading": dict(self.compare) if self.compare else None,
            "persons_in": self.persons_in,
            "persons_out": self.persons_out,
            "errors": self.errors,
            "counts": {q: dict(c) for q, c in self.counts.items()},
            "flips": {q: dict(c) for q, c in self.flips.items()} if self.flips is not None else None,
            "seconds": round(self.seconds, 3),
            "persons_per_second": round(self.persons_in / self.seconds) if self.seconds else None,
            "keys_solved": self.keys_solved,
        }


class BatchInterrupted(Exception):
    """The run was stopped (Ctrl-C, SIGTERM); its partial files were removed."""

    def __init__(self, roster: str, output: str, last_line: int, persons_out: int) -> None:
        self.roster = roster
        self.output = output
        self.last_line = last_line
        self.persons_out = persons_out
        super().__init__(
            f"interrupted: {persons_out:,} persons up to line {last_line:,} of {roster} were "
            f"answered, the rest (from line {last_line + 1:,} on) was not processed; nothing was "
            f"written to {output} (its partial files were removed). Run it again for the full result."
        )


def parse_parameters(pairs: Iterable[str], source: str = "--parameter") -> dict[str, int]:
    """``name=value`` strings: the parameters of SPEC section 6, whole years 0..100.

    >>> parse_parameters(["application_years.technician=5"])
    {'application_years.technician': 5}
    """
    out: dict[str, int] = {}
    for pair in pairs:
        name, sep, value = (p.strip() for p in pair.partition("="))
        if not sep or not name or not value:
            raise InputError(source, pair, "expected NAME=VALUE, e.g. application_years.technician=5")
        if name not in PARAMETERS:
            raise InputError(source, name, f"not a parameter; expected one of: {', '.join(PARAMETERS)}")
        if not (value.isascii() and value.isdigit()) or not 0 <= int(value) <= MAX_YEARS:
            raise InputError(source, name, f"{value!r} is not a whole number of years 0..{MAX_YEARS}")
        if name in out and out[name] != int(value):
            raise InputError(source, name, "given twice")
        out[name] = int(value)
    return out


def outputs_of(out: Path) -> tuple[Path, Path]:
    """The errors file and the summary file that go beside ``out``."""
    return side_files(out)


# ---------------------------------------------------------------------------
# The engine: one per process.


@dataclass
class _Chunk:
    """What a worker gives back for one block, in input order."""

    text: str  # output lines
    errors: list[dict]
    persons_in: int
    persons_out: int
    last_line: int
    combos: Counter  # (statuses, alt statuses) -> persons
    keys_solved: int = 0
    flipped: list = field(default_factory=list)  # (line, id) of persons whose answers flip


_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _json(value: object) -> str:
    """One JSON line: characters that a line reader may take as a line break (U+2028, U+2029,
    NEL) are escaped, so that a row never splits."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKS)


def _csv_cell(text: str) -> str:
    if any(c in text for c in ',"\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def _plain(value: object) -> object:
    """Dataclasses and tuples as JSON data."""
    import dataclasses as _dc

    if _dc.is_dataclass(value) and not isinstance(value, type):
        value = _dc.asdict(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _put(cache: dict, key: object, value: object, cap: int) -> None:
    if len(cache) >= cap:
        for old in list(iter(cache))[: max(1, cap // 10)]:  # oldest tenth out
            del cache[old]
    cache[key] = value


class Engine:
    """Answers persons under one configuration, with caches keyed by signatures."""

    def __init__(self, config: BatchConfig, source: str, input_format: str,
                 output_format: str, layout: CsvLayout | None = None) -> None:
        self.config = config
        self.source = source
        self.input_format = input_format
        self.output_format = output_format
        self.layout = layout
        base = analyse(config.as_of, config.readings, config.parameters, config.directory)
        alt = None
        abstraction = base.abstraction
        if config.compare:
            alt = analyse(config.as_of, {**config.readings, **config.compare}, config.parameters,
                          config.directory)
            abstraction = base.abstraction.common(alt.abstraction)
        self.keys = Keys(base, abstraction)
        self.alt_keys = Keys(alt, abstraction) if alt is not None else None
        self.program = base.program
        self.refs = clause_refs(base.static)
        self.kinds = clause_kinds(base.static)
        self.shared = global_facts(config.as_of, config.readings)
        self.alt_shared = global_facts(config.as_of, {**config.readings, **(config.compare or {})})
        self.questions = tuple(QUESTIONS.values())
        n = len(self.questions)
        self.full: dict[tuple, tuple] = {}  # full key -> (json, csv, statuses, alt statuses)
        self.answers: list[dict] = [{} for _ in range(n)]  # question key -> Answer
        self.alt_status: list[dict] = [{} for _ in range(n)]  # question key -> status
        self.answer_json: dict[Answer, str] = {}

    # -- one row ------------------------------------------------------------
    def _row(self, line: int, raw: object) -> tuple[str, tuple]:
        """(id, full key) of a good row; raises InputError for a bad one."""
        if self.input_format == "csv":
            if isinstance(raw, BadRow):
                raise InputError(self.source, "", raw.message, line)
            try:
                data = csv_person(self.layout, raw, self.source, line)  # type: ignore[arg-type]
            except InputError:  # the row's every problem, by column
                table_row_person(self.layout, raw, self.source, line)  # type: ignore[arg-type]
                raise
        else:
            data = load_row_checked(raw, self.source, line)  # type: ignore[arg-type]
        places = csv_places(self.layout, raw) if self.input_format == "csv" else None  # type: ignore[arg-type]
        person = row_person(data, self.source, line, places)  # every problem, by column
        return person.id, self.keys.person_key(person)

    # -- a block ------------------------------------------------------------
    def process(self, rows: Sequence[tuple[int, object]]) -> _Chunk:
        good: list[tuple[int, str, tuple, tuple | None]] = []
        errors: list[dict] = []
        fresh: dict[tuple, None] = {}
        persons_in = 0
        last = rows[-1][0] if rows else 0
        for line, raw in rows:
            if self.input_format == "jsonl":
                if not raw.strip():  # type: ignore[union-attr]
                    continue  # a blank line is not a person
            elif not any(c.strip() for c in raw):  # type: ignore[union-attr]
                continue
            persons_in += 1
            try:
                pid, full = self._row(line, raw)
            except InputError as err:
                errors.append(self._error(err, line, raw))
                continue
            entry = self.full.get(full)
            good.append((line, pid, full, entry))
            if entry is None:
                fresh[full] = None
        entries, solved = self._resolve(list(fresh)) if fresh else ({}, 0)
        lines: list[str] = []
        combos: Counter = Counter()
        flipped = []
        if self.output_format == "jsonl":
            for line, pid, full, entry in good:
                entry = entry or entries[full]
                lines.append('{"id":' + _json(pid) + ',"answers":' + entry[0] + "}\n")
                combos[entry[2], entry[3]] += 1
                if entry[3] is not None and entry[3] != entry[2]:
                    flipped.append((line, pid))
        else:
            for _, pid, full, entry in good:
                entry = entry or entries[full]
                lines.append(_csv_cell(pid) + entry[1] + "\n")
                combos[entry[2], entry[3]] += 1
        return _Chunk("".join(lines), errors, persons_in, len(good), last, combos, solved, flipped)

    def _error(self, err: InputError, line: int, raw: object) -> dict:
        pid = None
        try:
            if self.input_format == "jsonl":
                data = json.loads(raw)  # type: ignore[arg-type]
                pid = data.get("id") if isinstance(data, dict) else None
            else:
                pid = raw[self.layout.scalars[0][0]] if self.layout else None  # type: ignore[index]
        except Exception:  # noqa: BLE001 - only to name the row
            pid = None
        if not isinstance(pid, str) or not pid.strip() or not pid.isprintable():
            pid = None
        message = str(err) if err.line is not None else str(InputError(err.source, err.place, err.message, line))
        return {"line": line, "id": pid, "place": err.place, "message": message}

    # -- new keys -----------------------------------------------------------
    def _resolve(self, fulls: list[tuple]) -> tuple[dict[tuple, tuple], int]:
        """Answer every question for these new full keys: their entries, and how many
        (question, key) answers had to be solved."""
        keys, alt_keys = self.keys, self.alt_keys
        todo: list[tuple[tuple, list[tuple[int, tuple]], list[tuple[int, tuple]]]] = []
        new: dict[tuple[int, tuple], Answer] = {}  # kept here: a cache may drop entries meanwhile
        new_alt: dict[tuple[int, tuple], str] = {}
        found: dict[tuple, tuple[list, list | None]] = {}
        for full in fulls:
            qkeys = keys.question_keys(full)
            answers = [self.answers[i].get(k) or new.get((i, k)) for i, k in enumerate(qkeys)]
            # a key claimed by an earlier person of this block is solved once, for both
            missing = [(i, k) for i, k in enumerate(qkeys) if answers[i] is None and (i, k) not in new]
            for i, k in missing:
                new[(i, k)] = None  # type: ignore[assignment]  # claimed
            alt_missing: list[tuple[int, tuple]] = []
            alt: list | None = None
            if alt_keys is not None:
                alt_qkeys = alt_keys.question_keys(full)
                alt = [(k, self.alt_status[i].get(k) or new_alt.get((i, k))) for i, k in enumerate(alt_qkeys)]
                alt_missing = [(i, k) for i, (k, v) in enumerate(alt) if v is None and (i, k) not in new_alt]
                for i, k in alt_missing:
                    new_alt[(i, k)] = None  # type: ignore[assignment]
            found[full] = ([(k, a) for k, a in zip(qkeys, answers)], alt)
            if missing or alt_missing:
                todo.append((full, missing, alt_missing))
        solved = 0
        for start in range(0, len(todo), SOLVE_GROUP):
            group = todo[start:start + SOLVE_GROUP]
            facts = [keys.facts(full) for full, _, _ in group]
            if any(missing for _, missing, _ in group):
                model = solve(facts, self.shared, directory=self.config.directory, source=self.source)
                explainer = Explainer(self.program, model, facts)
                for index, (_, missing, _) in enumerate(group):
                    for i, k in missing:
                        q = self.questions[i]
                        atom = Function("answer", [person_term(index, "worst"), q.term])
                        node = explainer.explain(atom, lean=True)  # what answer_of reads, alone
                        answer = answer_of(q, node, self.refs, self.kinds)
                        new[(i, k)] = answer
                        _put(self.answers[i], k, answer, CACHE_CAP)
                        solved += 1
            if any(alt for _, _, alt in group):
                model = solve(facts, self.alt_shared, directory=self.config.directory, source=self.source)
                for index, (_, _, alt_missing) in enumerate(group):
                    for i, k in alt_missing:
                        status = status_of(model, index, self.questions[i])
                        new_alt[(i, k)] = status
                        _put(self.alt_status[i], k, status, CACHE_CAP)
        entries: dict[tuple, tuple] = {}
        for full in fulls:
            pairs, alt = found[full]
            answers = [a if a is not None else new[(i, k)] for i, (k, a) in enumerate(pairs)]
            statuses = tuple(a.status for a in answers)
            alt_statuses = (tuple(v if v is not None else new_alt[(i, k)] for i, (k, v) in enumerate(alt))
                            if alt is not None else None)
            as_json = "[" + ",".join(self._answer_json(a) for a in answers) + "]"
            as_csv = "," + ",".join(statuses)
            entry = (as_json, as_csv, statuses, alt_statuses)
            entries[full] = entry
            _put(self.full, full, entry, CACHE_CAP)
        return entries, solved

    def _answer_json(self, a: Answer) -> str:
        text = self.answer_json.get(a)
        if text is None:
            data = {"question": a.question, "status": a.status, "clauses": list(a.clauses),
                    "depends_on": list(a.depends_on)}
            for extra in ("reason", "to_settle"):  # where the library gives them
                value = getattr(a, extra, None)
                if value is not None:
                    data[extra] = value if isinstance(value, str) else _plain(value)
            text = _json(data)
            if len(self.answer_json) < CACHE_CAP:
                self.answer_json[a] = text
        return text


# ---------------------------------------------------------------------------
# Blocks of rows, and the worker processes.


_ENGINE: Engine | None = None


def _init_worker(args: tuple) -> None:
    global _ENGINE
    init_worker_process()  # SIGINT ignored, dies with its parent, prints nothing
    _ENGINE = Engine(*args)
    gc.collect()
    gc.freeze()  # the KB and the analysis stay: the collector need not walk them again


def _work(block: object) -> _Chunk:
    assert _ENGINE is not None
    return _process_block(_ENGINE, block)


def _process_block(engine: Engine, block: object) -> _Chunk:
    if engine.input_format == "jsonl":
        rows = jsonl_rows(block, engine.source)  # type: ignore[arg-type]
        bad = [(line, raw) for line, raw in rows if isinstance(raw, NotUtf8)]
        if bad:
            rows = [(line, raw) for line, raw in rows if not isinstance(raw, NotUtf8)]
            chunk = engine.process(rows)
            for line, raw in bad:
                err = InputError(engine.source, "", raw.message, line)
                chunk.errors.append({"line": line, "id": None, "place": "", "message": str(err)})
                chunk.persons_in += 1
            chunk.errors.sort(key=lambda e: e["line"])
            chunk.last_line = max(chunk.last_line, max(line for line, _ in bad))
            return chunk
        return engine.process(rows)
    return engine.process(block)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# The run.

Progress = Callable[[int, int, int], None]  # (persons done, bytes done, bytes in all)


def run_batch(
    roster: str | Path,
    out: str | Path,
    config: BatchConfig,
    *,
    progress: Progress | None = None,
    on_error: Callable[[dict], None] | None = None,
    on_flip: Callable[[int, str], None] | None = None,
) -> BatchSummary:
    """Answer every person of ``roster`` into ``out`` (and its errors and summary files).

    Raises `InputError` when the run cannot start (no roster, bad header, bad options) and
    `BatchInterrupted` when it is stopped; a bad row never raises, it goes to ``on_error``
    and to the errors file.  ``on_flip(line, id)`` is called for each person whose answers
    differ under ``config.compare``.  OUT.csv and OUT.xlsx are written from the JSON lines
    at the end (`pyagent.batch.tables`).
    """
    started = time.perf_counter()
    roster, out = Path(roster), Path(out)
    source = str(roster)
    in_format = roster_format(roster, config.input_format)
    out_format = roster_format(out, config.output_format)
    if not roster.is_file():
        raise InputError(source, "", "no such file" if not roster.exists() else "not a file")
    errors_path, summary_path = outputs_of(out)
    total = roster.stat().st_size

    files = Outputs.claim(roster, out)  # checks OUT and its side files, locks, temp files
    try:
        handle = open(roster, "rb")
    except BaseException:
        files.discard()
        raise
    layout = None
    text_handle = None
    try:
        if in_format == "xlsx":
            from pyagent.input.sheets import read_rows

            header, sheet_rows = read_rows(roster, source)
            layout = CsvLayout.from_header(header, source)
            in_format = "csv"  # a worksheet's rows are answered as CSV rows are
            blocks = csv_blocks(sheet_rows, config.block_bytes // 600 or 1, source)
        elif in_format == "csv":
            import io

            # surrogateescape: a bad byte in a late row is that row's error (roster.BadRow)
            text_handle = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="",
                                           errors="surrogateescape")
            try:
                layout, csv_rows = read_csv_rows(text_handle, source)
            except UnicodeDecodeError:
                raise InputError(source, "", "not UTF-8 text") from None
            blocks: Iterator[object] = csv_blocks(csv_rows, config.block_bytes // 600 or 1, source)
        else:
            blocks = read_blocks(handle, config.block_bytes)
        jobs = worker_count(config.jobs)
        engine_args = (config, source, in_format, "jsonl", layout)
        return _run(blocks, engine_args, jobs, handle, total, roster, out, errors_path,
                    summary_path, files, config, started, progress, on_error, out_format, on_flip)
    finally:
        files.discard()
        if text_handle is not None:
            text_handle.close()
        handle.close()


def start_method() -> str:
    """fork where it is safe (Linux); elsewhere forkserver or spawn (macOS, Windows), whose
    workers build their engine from the pickled arguments.  PYAGENT_START_METHOD overrides."""
    import multiprocessing
    import sys

    methods = multiprocessing.get_all_start_methods()
    chosen = os.environ.get("PYAGENT_START_METHOD")
    if chosen in methods:
        return chosen  # type: ignore[return-value]
    if sys.platform.startswith("linux") and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _run(blocks, engine_args, jobs, handle, total, roster, out, errors_path, summary_path,
         files, config, started, progress, on_error, out_format, on_flip=None) -> BatchSummary:
    counts = {q: {s: 0 for s in STATUSES} for q in QUESTION_IDS}
    flips: dict[str, Counter] | None = {q: Counter() for q in QUESTION_IDS} if config.compare else None
    persons_in = persons_out = n_errors = solved = 0
    last_line = 0
    pool = None
    out_file, err_file = files.out_file, files.err_file

    def take(chunk: _Chunk) -> None:
        nonlocal persons_in, persons_out, n_errors, solved, last_line
        try:  # disk full, read-only, ...: one message, nothing left behind
            out_file.write(chunk.text)
            err_file.write("".join(_json(e) + "\n" for e in chunk.errors))
        except OSError as err:
            raise OutputError(str(out), err) from None
        for e in chunk.errors:
            if on_error is not None:
                on_error(e)
        persons_in += chunk.persons_in
        persons_out += chunk.persons_out
        n_errors += len(chunk.errors)
        solved += chunk.keys_solved
        last_line = max(last_line, chunk.last_line)
        if on_flip is not None:
            for line, pid in chunk.flipped:
                on_flip(line, pid)
        for (statuses, alt), n in chunk.combos.items():
            for q, s in zip(QUESTION_IDS, statuses):
                counts[q][s] += n
            if flips is not None and alt is not None:
                for q, s, a in zip(QUESTION_IDS, statuses, alt):
                    if s != a:
                        flips[q][f"{s}->{a}"] += n
        if progress is not None:
            progress(persons_in, handle.tell() if not handle.closed else total, total)

    try:
        if jobs == 1:
            engine = Engine(*engine_args)
            for block in blocks:
                take(_process_block(engine, block))
        else:
            import itertools
            import multiprocessing

            first = list(itertools.islice(blocks, jobs))  # never more workers than blocks
            jobs = max(1, len(first))
            blocks = itertools.chain(first, blocks)
            ctx = multiprocessing.get_context(start_method())
            with no_sigint():  # a Ctrl-C while the workers start reaches only the parent
                pool = ctx.Pool(jobs, initializer=_init_worker, initargs=(engine_args,))
            pending: deque = deque()
            for block in blocks:
                pending.append(pool.apply_async(_work, (block,)))
                while len(pending) >= 2 * jobs:
                    take(pending.popleft().get())
            while pending:
                take(pending.popleft().get())
            pool.close()
            pool.join()
            pool = None
        convert = None
        if out_format != "jsonl":  # the table is written from the JSON lines
            from pyagent.batch.tables import jsonl_to_table

            def convert(answers: Path, table: Path) -> None:
                jsonl_to_table(answers, table, out_format, config.lang,
                               roster if config.reasons else None, config)
        files.commit(convert)
    except KeyboardInterrupt:
        raise BatchInterrupted(str(roster), str(out), last_line, persons_out) from None
    finally:
        if pool is not None:
            with no_sigint():
                pool.terminate()
                pool.join()
    assert persons_in == persons_out + n_errors
    summary = BatchSummary(
        roster=str(roster), output=str(out), errors_file=str(errors_path),
        summary_file=str(summary_path), as_of=config.as_of,
        readings=resolved_readings(config.readings, config.directory),
        parameters=dict(config.parameters), compare=dict(config.compare) if config.compare else None,
        persons_in=persons_in, persons_out=persons_out, errors=n_errors, counts=counts,
        flips={q: dict(sorted(c.items())) for q, c in flips.items()} if flips is not None else None,
        seconds=time.perf_counter() - started, keys_solved=solved,
    )
    files.write_summary(json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n")
    return summary
