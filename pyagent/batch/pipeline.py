"""Answer a roster of persons: every question, with clauses and ``depends_on``, in three phases.

>>> from pyagent.batch.pipeline import BatchConfig, run_batch              # doctest: +SKIP
>>> summary = run_batch("roster.jsonl", "answers.jsonl", BatchConfig(as_of=date(2026, 7, 1)))
>>> summary.persons_in == summary.persons_out + summary.errors    # doctest: +SKIP
True

How it scales (bench/README.md has the figures):

* **Signatures** (`pyagent.engine.signature`): a row becomes facts as in ``ask``
  (`pyagent.input.case` validates it, `pyagent.engine.facts` makes its facts), abstracted
  where the rules allow (months between two thresholds, values no rule tells apart), and one
  key per plan, the part of the facts a question's rules reach.  An answer is computed once
  per distinct key of the whole roster, by the same `Explainer` and ``answer_of`` as ``ask``.
* **Three phases** (`pyagent.batch.phases`): key every partition of the roster in parallel,
  answer every distinct key once, join and write in input order.  Rows never stay in memory:
  each partition's rows go to a file of their own between phases 1 and 3, and the distinct
  keys, the situations' persons and their answers to files too, so memory grows by a few
  bytes per distinct key or situation (its digest, where its answers are), not with the
  persons.
* **Every core, or a cluster**: the tasks run in ``jobs`` worker processes, or on Dask
  (`pyagent.batch.workers`), with the same output byte for byte.
* **Bad rows never stop the batch**: each is reported (line, place, reason) and written to
  the errors file; ``persons_in == persons_out + errors`` always.
* **Nothing half-written looks complete**: output and errors go to ``*.partial`` files,
  renamed when the run is done; the summary file, written last, marks a complete run.  An
  interrupted run removes its partial files and raises `BatchInterrupted`.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pyagent.batch import parent
from pyagent.batch.phases import Part
from pyagent.batch.rows import csv_blocks
from pyagent.batch.executors import WorkerLost, executor, start_method  # noqa: F401 - start_method: public here too
from pyagent.batch.outputs import OutputError, Outputs, side_files
from pyagent.batch.workers import worker_count
from pyagent.engine.questions import QUESTIONS
from pyagent.errors import InputError, listed, msg
from pyagent.explain.answers import resolved_readings
from pyagent.input.case import MAX_YEARS, PARAMETERS
from pyagent.input.numerals import number_problem, plain_digits
from pyagent.input.roster import CsvLayout, csv_encoding, read_csv_rows, roster_format

__all__ = [
    "BatchConfig",
    "BatchInterrupted",
    "BatchSummary",
    "outputs_of",
    "parse_parameters",
    "run_batch",
]

SCHEMA = "pyagent.batch/1"
QUESTION_IDS = tuple(QUESTIONS)
STATUSES = ("yes", "no", "unknown")


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
    lang: str = "en"  # the reasons, a table's headers and statuses, the errors' messages
    # each answer's one-line reason and what would settle it, as ``ask --json --lang`` gives
    # them (every distinct situation explained as ask explains it: pyagent.batch.shapes)
    reasons: bool = True
    block_bytes: int = 4 << 20  # a partition of a JSONL roster; CSV: about as many rows
    directory: Path | None = None  # the knowledge base (default: kb/)
    dask: str | None = None  # "local" (a LocalCluster) or a scheduler's address; None: processes
    # the explanation cache across keys (pyagent.batch.replay): the same output; off by
    # default, as it costs more than it saves on the rosters measured (bench/README.md)
    replay: bool = False


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
    # distinct (plan, key) pairs solved and explained: every answer without reasons; with
    # reasons, only the statuses under a compared reading
    keys_solved: int
    situations_answered: int = 0  # with reasons: distinct situations answered as ask does
    answered_by: str = "keys"  # "situations" (with reasons) or "keys" (without)

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
            "flips": {q: dict(c) for q, c in self.flips.items()}
            if self.flips is not None
            else None,
            "seconds": round(self.seconds, 3),
            "persons_per_second": round(self.persons_in / self.seconds) if self.seconds else None,
            "keys_solved": self.keys_solved,
            "situations_answered": self.situations_answered,
            "answered_by": self.answered_by,
        }


_PHASES = {
    "reading the roster": "读取名册",
    "answering": "作答",
    "writing the answers": "写出答案",
}


class BatchInterrupted(Exception):
    """The run was stopped (Ctrl-C, SIGTERM); its partial files were removed."""

    def __init__(self, roster: str, output: str, phase: str) -> None:
        self.roster = roster
        self.output = output
        self.phase = phase
        self.message = msg(
            "interrupted: stopped while {p}; nothing was written to {o} (its partial files "
            "were removed). Run it again on {r} for the full result.",
            "已中断：在{pz}时停止；未向 {o} 写出任何内容（其临时文件已删除）。请对 {r} 重新运行以获得完整结果。",
            p=phase,
            pz=_PHASES.get(phase, phase),
            o=output,
            r=roster,
        )
        super().__init__(str(self.message))

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (en, zh)."""
        return self.message.text(lang)


def parse_parameters(pairs: Iterable[str], source: str = "--parameter") -> dict[str, int]:
    """``name=value`` strings: the parameters of SPEC section 6, whole years 0..100.

    >>> parse_parameters(["application_years.technician=5"])
    {'application_years.technician': 5}
    """
    out: dict[str, int] = {}
    for pair in pairs:
        name, sep, value = (p.strip() for p in pair.partition("="))
        if not sep or not name or not value:
            raise InputError(
                source,
                pair,
                msg(
                    "expected NAME=VALUE, e.g. application_years.technician=5",
                    "应为 名称=取值，如 application_years.technician=5",
                ),
            )
        if name not in PARAMETERS:
            raise InputError(
                source,
                name,
                msg(
                    "not a parameter; expected one of: {c}",
                    "不是参数；应为以下之一：{c}",
                    c=listed(PARAMETERS),
                ),
            )
        plain = plain_digits(value)
        if plain is None:
            raise InputError(source, name, number_problem(value, whole=True))
        if not (plain.isdigit() and 0 <= int(plain) <= MAX_YEARS):
            raise InputError(
                source,
                name,
                msg(
                    "{v!r} is not a whole number of years 0..{m}",
                    "「{z}」不是 0..{m} 之间的整数年数",
                    v=value,
                    z=value,
                    m=MAX_YEARS,
                ),
            )
        if name in out and out[name] != int(plain):
            raise InputError(source, name, msg("given twice", "给出两次"))
        out[name] = int(plain)
    return out


def outputs_of(out: Path) -> tuple[Path, Path]:
    """The errors file and the summary file that go beside ``out``."""
    return side_files(Path(out))


# progress(phase, done, total, persons read): "reading" the roster (done and total in bytes;
# a worksheet's total 0: not known), "answering" its distinct situations and keys (done and
# total in those), "writing" the answers (done and total in partitions)
Progress = Callable[[str, int, int, int], None]


def run_batch(
    roster: str | Path,
    out: str | Path,
    config: BatchConfig,
    *,
    progress: Progress | None = None,
    on_error: Callable[[dict], None] | None = None,
    on_flip: Callable[[int, str], None] | None = None,
    source: str | None = None,
) -> BatchSummary:
    """Answer every person of ``roster`` into ``out`` (and its errors and summary files).

    Raises `InputError` when the run cannot start (no roster, bad header, bad options) and
    `BatchInterrupted` when it is stopped; a bad row never raises, it goes to ``on_error``
    and to the errors file.  ``on_flip(line, id)`` is called for each person whose answers
    differ under ``config.compare``.  OUT.csv and OUT.xlsx are written from the JSON lines
    at the end (`pyagent.batch.tables`).  ``source`` names the roster in messages and the
    summary (``<stdin>`` for standard input saved to ``roster``); default: its path.
    """
    started = time.perf_counter()
    roster, out = Path(roster), Path(out)
    source = source or str(roster)
    in_format = roster_format(roster, config.input_format, "--input-format")
    out_format = roster_format(out, config.output_format)
    if not roster.is_file():
        raise InputError(
            source,
            "",
            msg("no such file", "文件不存在")
            if not roster.exists()
            else msg("not a file", "不是文件"),
        )
    try:  # a roster this user may not read is bad input, said before any work
        with open(roster, "rb"):
            pass
    except OSError as err:
        from pyagent.input.document import cannot_read

        raise InputError(source, "", cannot_read(err)) from None
    errors_path, summary_path = outputs_of(out)
    total = roster.stat().st_size
    files = Outputs.claim(roster, out)  # checks OUT and its side files, locks, temp files
    handle = None
    workdir: Path | None = None
    phase = "reading the roster"
    try:
        layout = None
        rows_per_part = max(1, config.block_bytes // 600)
        position: Callable[[Part], int] | None  # how far into the roster a partition ends
        if in_format == "xlsx":
            from pyagent.input.sheets import read_rows

            header, sheet_rows = read_rows(roster, source)
            layout = CsvLayout.from_header(header, source)
            in_format = "csv"  # a worksheet's rows are answered as CSV rows are
            parts: Iterator[Part] = (
                Part(k, str(roster), rows=tuple(block))
                for k, block in enumerate(csv_blocks(sheet_rows, rows_per_part, source))
            )
            count = None
            position = None  # rows come from a worksheet: how far is not known
        elif in_format == "csv":
            import io

            with open(roster, "rb") as head:  # UTF-8, or the GB18030 of Excel's "CSV"
                encoding = csv_encoding(head.read(1 << 16), source)
            # surrogateescape: a bad byte in a late row is that row's error (roster.BadRow)
            handle = io.TextIOWrapper(
                open(roster, "rb"), encoding=encoding, newline="", errors="surrogateescape"
            )
            try:
                layout, csv_rows = read_csv_rows(handle, source)
            except UnicodeDecodeError:
                raise InputError(source, "", msg("not UTF-8 text", "不是 UTF-8 文字")) from None
            parts = (
                Part(k, str(roster), rows=tuple(block))
                for k, block in enumerate(csv_blocks(csv_rows, rows_per_part, source))
            )
            count = None
            raw = handle.buffer  # how far the CSV reader has read (ahead by its buffer)
            position = lambda _part: raw.tell()  # noqa: E731
        else:
            size = _partition_bytes(total, config)
            starts = range(0, total, size)
            parts = (
                Part(k, str(roster), start, min(start + size, total))
                for k, start in enumerate(starts)
            )
            count = len(starts)
            position = lambda part: part.end  # noqa: E731
        _sweep_parts(out)  # left by a run that was killed (we hold OUT's lock: none is live)
        workdir = Path(
            tempfile.mkdtemp(
                prefix=f".{out.name}.", suffix=".parts", dir=out.parent if str(out.parent) else "."
            )
        )
        args = (config, source, in_format, layout, str(workdir))
        try:
            with (
                executor(config, args, count) as run,
                open(workdir / "spool", "wb") as spool,
            ):
                keyed = parent.phase_keys(
                    run,
                    parts,
                    files.err_file,
                    source,
                    total if position is not None else 0,
                    progress,
                    on_error,
                    config.lang,
                    spool,
                    position if position is not None else lambda _part: 0,
                )
                if keyed.persons_in == 0:  # bad input, as a case with no persons is
                    from pyagent.input.sources import no_persons

                    raise InputError(source, "", no_persons(in_format))
                phase = "answering"
                keyed.end()
                if progress is not None:
                    progress("answering", 0, parent.to_answer(keyed), keyed.persons_in)
                asked = parent.phase_ask(run, keyed, workdir, progress)
                answers = parent.phase_answers(run, keyed, workdir, progress)
                phase = "writing the answers"
                persons_out, combos = parent.phase_join(
                    run, keyed, answers, asked, workdir, files.out_file, on_flip, progress
                )
        except OSError as err:  # disk full, read-only, ...: one message, nothing left behind
            raise OutputError(str(out), err) from None
        except WorkerLost:  # killed by the system (out of memory?) or by a signal
            raise OutputError(
                str(out),
                msg(
                    "a worker process was killed before it finished (out of memory?)",
                    "某个工作进程在完成前被终止（内存不足？）",
                ),
            ) from None
        files.commit(_table_writer(out_format, config, roster))
        summary = _summary(
            config, source, out, errors_path, summary_path, keyed, persons_out, combos, started
        )
        files.write_summary(json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n")
        return summary
    except KeyboardInterrupt:
        raise BatchInterrupted(source, str(out), phase) from None
    finally:
        files.discard()
        if handle is not None:
            handle.close()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


def _partition_bytes(total: int, config: BatchConfig) -> int:
    """A JSONL partition: ``block_bytes`` at most, small enough that every worker gets a few
    (a small roster still uses every core), never below 16 KiB."""
    workers = worker_count(config.jobs)
    return max(
        min(config.block_bytes, 16 << 10), min(config.block_bytes, -(-total // (4 * workers)))
    )


def _table_writer(out_format: str, config: BatchConfig, roster: Path):
    """OUT.csv and OUT.xlsx: the table is written from the JSON lines (`pyagent.batch.tables`),
    which carry each answer's reason and what would settle it unless ``config.reasons`` is off."""
    if out_format == "jsonl":
        return None
    from pyagent.batch.tables import jsonl_to_table

    def convert(answers: Path, table: Path) -> None:
        jsonl_to_table(answers, table, out_format, config.lang)

    return convert


def _sweep_parts(out: Path) -> None:
    prefix = "." + out.name + "."
    parent = out.parent if str(out.parent) else Path(".")
    for path in parent.glob(glob.escape(prefix) + "*.parts"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _summary(
    config, roster, out, errors_path, summary_path, keyed, persons_out, combos, started
) -> BatchSummary:
    assert keyed.persons_in == persons_out + keyed.errors
    counts = {q: {s: 0 for s in STATUSES} for q in QUESTION_IDS}
    flips: dict[str, Counter] | None = (
        {q: Counter() for q in QUESTION_IDS} if config.compare else None
    )
    for (statuses, alt), n in combos.items():
        for q, s in zip(QUESTION_IDS, statuses):
            counts[q][s] += n
        if flips is not None and alt is not None:
            for q, s, a in zip(QUESTION_IDS, statuses, alt):
                if s != a:
                    flips[q][f"{s}->{a}"] += n
    return BatchSummary(
        roster=str(roster),
        output=str(out),
        errors_file=str(errors_path),
        summary_file=str(summary_path),
        as_of=config.as_of,
        readings=resolved_readings(config.readings, config.directory),
        parameters=dict(config.parameters),
        compare=dict(config.compare) if config.compare else None,
        persons_in=keyed.persons_in,
        persons_out=persons_out,
        errors=keyed.errors,
        counts=counts,
        flips={q: dict(sorted(c.items())) for q, c in flips.items()} if flips is not None else None,
        seconds=time.perf_counter() - started,
        keys_solved=sum(keyed.key_counts),
        situations_answered=keyed.situations,
        answered_by="situations" if config.reasons else "keys",
    )
