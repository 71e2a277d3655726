"""Mutation testing of the knowledge base against the pins: ``pyagent mutate``.

Each mutant of `pyagent.pins.mutants` is written into a copy of the knowledge base and the
pins are checked against the copy, in parallel worker processes.  A mutant is

- ``invalid`` when clingo cannot parse or ground it (an unsafe variable, an undefined
  operation);
- ``guarded`` when the knowledge base's own guards stop it before an answer is given: its
  reading tables no longer load (`pyagent.kb.readings`), it has no model, or the tools
  refuse it;
- ``killed`` when a pin does not hold against it, or a reading a pin sets is no longer one
  of the copy's (``pyagent check --kb`` would stop with an error);
- ``survived`` otherwise; then a case on which it answers differently from the original is
  searched for (`pyagent.pins.distinguish`): found, it is printed as a pin to add; not found
  within the bounds, the mutant is ``equivalent`` (probably).

The score is killed / (all - invalid - guarded - equivalent).

>>> from pyagent.pins.mutate import mutate
>>> report = mutate(sample=20, seed=1, jobs=2)              # doctest: +SKIP
>>> report.score                                            # doctest: +SKIP
1.0
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyagent.engine.solve import GroundingError
from pyagent.errors import InputError
from pyagent.kb import kb_dir as default_kb_dir
from pyagent.kb import readings as kb_readings
from pyagent.pins.check import check_expectation
from pyagent.pins.distinguish import Distinction, _clause_ids, distinguish, focus_of
from pyagent.pins.mutants import Mutant, mutants
from pyagent.pins.pin import Pin, load_pins
from pyagent.pins import solved as pin_solves

__all__ = [
    "EQUIVALENTS",
    "MutantResult",
    "MutationReport",
    "VERDICTS",
    "load_equivalents",
    "load_record",
    "mutate",
    "run_mutant",
]

VERDICTS = ("killed", "survived", "equivalent", "invalid", "guarded")
EQUIVALENTS = "EQUIVALENT_MUTANTS.md"


def load_equivalents(path: Path) -> dict[tuple[str, str, str], str]:
    """The mutants listed in ``path``, (file, before, after) -> the reason: the rows of its
    tables (``| `file` | `before` | `after` | reason |``; after ``(deleted)`` for a
    deletion).  Rows under a heading "Known gaps" are survivors no pin kills yet: their
    reason starts with ``gap:``.  No file: none listed."""
    if not path.is_file():
        return {}
    out: dict[tuple[str, str, str], str] = {}
    gaps = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            gaps = "known gaps" in line.lower()
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 4:
            raise InputError(
                str(path), "", "a row needs four cells: file, before, after, reason", number
            )
        file, before, after, reason = (c.strip("`") for c in cells)
        if not reason:
            raise InputError(str(path), "", "a listed mutant needs its reason", number)
        out[(file, before, "" if after == "(deleted)" else after)] = (
            "gap: " if gaps else ""
        ) + reason
    return out


@dataclass(frozen=True)
class MutantResult:
    mutant: Mutant
    verdict: str  # one of VERDICTS
    detail: str  # killed: the pin and what broke; invalid/guarded: the message
    distinction: Distinction | None = None  # survived: the case that tells them apart
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            **self.mutant.to_json(),
            "verdict": self.verdict,
            "detail": self.detail,
            "distinction": None if self.distinction is None else self.distinction.to_json(),
            "seconds": round(self.seconds, 2),
        }


def load_record(path: Path) -> dict[tuple[str, str, str], dict]:
    """The results a ``--record`` file holds, by mutant (file, before, after): one JSON
    object a line, as `MutantResult.to_json` writes it; a later line for the same mutant
    replaces an earlier one.  No file: nothing recorded."""
    out: dict[tuple[str, str, str], dict] = {}
    if not path.is_file():
        return out
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            key = (data["file"], data["before"], data["after"])
            if data["verdict"] not in VERDICTS or not isinstance(data["detail"], str):
                raise ValueError(data["verdict"])
        except (ValueError, KeyError, TypeError) as err:
            raise InputError(
                str(path), "", f"not a result of pyagent mutate ({type(err).__name__})", number
            ) from None
        out[key] = data
    return out


@dataclass(frozen=True)
class MutationReport:
    kb: Path
    pins: int
    total: int  # mutants of the knowledge base
    results: tuple[MutantResult, ...]  # those run (all, or a sample)
    seconds: float
    sample: int | None = None
    seed: int | None = None
    resumed: int = 0  # results taken from a --record file, not run again

    @property
    def full(self) -> bool:
        """Every mutant of the knowledge base has a result (run now or recorded)."""
        return len(self.results) == self.total

    @property
    def mutant_seconds(self) -> float:
        """The wall time of each mutant summed (recorded ones included): what the run costs
        one worker, whatever the number of workers and resumptions."""
        return sum(r.seconds for r in self.results)

    def count(self, verdict: str) -> int:
        return sum(1 for r in self.results if r.verdict == verdict)

    @property
    def counts(self) -> dict[str, int]:
        return {v: self.count(v) for v in VERDICTS}

    @property
    def score(self) -> float | None:
        """killed / (all - invalid - guarded - equivalent); None when nothing counts."""
        c = self.counts
        base = len(self.results) - c["invalid"] - c["guarded"] - c["equivalent"]
        return c["killed"] / base if base else None

    @property
    def survivors(self) -> tuple[MutantResult, ...]:
        return tuple(r for r in self.results if r.verdict == "survived")

    @property
    def new_survivors(self) -> tuple[MutantResult, ...]:
        """Survivors not listed as known gaps: what a weakened pin set, or a new rule no pin
        pins, brings."""
        return tuple(r for r in self.survivors if not r.detail.startswith("known gap: "))

    @property
    def holds(self) -> bool:
        """No mutant survived with a distinguishing case."""
        return not self.survivors

    def to_json(self) -> dict:
        return {
            "schema": "pyagent.mutate/1",
            "kb": str(self.kb),
            "pins": self.pins,
            "mutants": self.total,
            "run": len(self.results),
            "sample": self.sample,
            "seed": self.seed,
            "counts": self.counts,
            "score": self.score,
            "full": self.full,
            "resumed": self.resumed,
            "seconds": round(self.seconds, 1),
            "mutant_seconds": round(self.mutant_seconds, 1),
            "by_operator": {
                op: dict(Counter(r.verdict for r in self.results if r.mutant.operator == op))
                for op in sorted({r.mutant.operator for r in self.results})
            },
            "results": [r.to_json() for r in self.results],
        }


# ---------------------------------------------------------------------------
# One mutant (in a worker).

_STATE: dict[str, object] = {}


def _init(kb: str, pin_paths: Sequence[str], workdir: str, search: bool, equivalents: dict) -> None:
    os.environ["PYAGENT_NO_CACHE"] = "1"  # a mutant's parse is used once: keep ~/.cache clean
    _STATE["search"] = search
    _STATE["equivalents"] = equivalents
    _STATE["kb"] = Path(kb)
    _STATE["pins"] = load_pins(pin_paths, Path(kb))
    _STATE["tmp"] = Path(workdir)


_KILLERS: list[
    tuple[str, str]
] = []  # the pins that killed this process's last mutants, latest first


def _first_failure(
    pins: Sequence[Pin], directory: Path, near: frozenset[str] = frozenset()
) -> str | None:
    """The first pin that does not hold against ``directory``, and why; statuses first
    (a model each), reasons after (explanations).  The pins that killed the last mutants
    (mutants of one rule come one after the other, and one pin often kills them all), then
    those citing a clause of ``near`` (those the mutated file cites) are checked first: the
    verdict is the same, found sooner."""
    recent = {k: i for i, k in enumerate(_KILLERS)}
    pins = sorted(
        pins,
        key=lambda p: (
            recent.get((str(p.source), p.name), len(recent)),
            not any(c in near for e in p.expectations for c in (e.clauses or ())),
        ),
    )
    failure = _failure(pins, directory)
    if failure is not None:
        pin, _ = failure
        key = (str(pin.source), pin.name)
        if key in _KILLERS:
            _KILLERS.remove(key)
        _KILLERS.insert(0, key)
        del _KILLERS[8:]
    return None if failure is None else failure[1]


def _failure(pins: Sequence[Pin], directory: Path) -> tuple[Pin, str] | None:
    """The first of ``pins`` (in this order) that does not hold, and why."""
    pin_solves.prepare(pins, directory)
    known = kb_readings(directory)
    for pin in pins:
        for e in pin.expectations:
            for name, value in pin.readings_of(e).items():
                if name not in known or value not in known[name].options:
                    return (
                        pin,
                        f"{pin.source}: {pin.name}: the reading {name}={value} is not one of the knowledge base's",
                    )
    for reasons in (False, True):
        for pin in pins:
            for e in pin.expectations:
                has_reasons = (
                    e.clauses is not None
                    or e.depends_on is not None
                    or bool(e.explanation_contains)
                )
                if has_reasons != reasons:
                    continue
                if not reasons:
                    s = pin_solves.solved(pin, pin.readings_of(e), directory)
                    index = next(i for i, p in enumerate(pin.case.persons) if p.id == e.person)
                    from pyagent.engine.questions import QUESTIONS

                    if s.status(index, QUESTIONS[e.question]) == e.status:
                        continue
                outcome = check_expectation(pin, e, directory)
                if outcome.problems:
                    return (
                        pin,
                        f"{pin.source}: {pin.name}: {e.label()}: {'; '.join(outcome.problems)}",
                    )
    return None


def run_mutant(
    mutant: Mutant,
    pins: Sequence[Pin],
    kb: Path,
    workdir: Path,
    search: bool = True,
    listed: str | None = None,
) -> MutantResult:
    """Write ``mutant`` into a copy of ``kb`` under ``workdir``, check the pins, and search
    for a distinguishing case when it survives.  ``listed``: the reason the list of
    equivalent mutants gives for it; without ``search`` a listed survivor is taken as
    equivalent, an unlisted one as a survivor."""
    start = time.perf_counter()
    copy = workdir / f"m{mutant.id}"
    shutil.copytree(kb, copy)
    mutant.apply(copy)
    pin_solves._CACHE.clear()
    pin_solves._PENDING.clear()
    try:
        try:
            kb_readings(copy)
        except (RuntimeError, InputError, KeyError, IndexError, AttributeError, TypeError) as err:
            if "error" in str(err) and "parsing" in str(err):
                return MutantResult(mutant, "invalid", _one_line(err))
            return MutantResult(
                mutant, "guarded", f"the reading tables do not load: {_one_line(err)}"
            )
        try:
            failure = _first_failure(pins, copy, _cited(mutant.file, kb))
        except GroundingError as err:
            verdict = "guarded" if "no model" in str(err) else "invalid"
            return MutantResult(mutant, verdict, _one_line(err))
        except RuntimeError as err:  # clingo: parsing failed, unsafe variables
            return MutantResult(mutant, "invalid", _one_line(err))
        except Exception as err:  # an input error, or the explainer cannot read the rules
            return MutantResult(
                mutant, "guarded", f"the tools refuse it: {type(err).__name__}: {_one_line(err)}"
            )
        if failure is not None:
            return MutantResult(mutant, "killed", failure)
        if not search:
            if listed is not None and listed.startswith("gap: "):
                return MutantResult(mutant, "survived", f"known {listed}")
            if listed is not None:
                return MutantResult(mutant, "equivalent", f"listed: {listed}")
            return MutantResult(mutant, "survived", f"not killed, and not listed in {EQUIVALENTS}")
        found = distinguish(
            pins, copy, kb, focus=focus_of(mutant.file, mutant.before, mutant.after, kb)
        )
        if listed is not None and listed.startswith("gap: "):
            listed = None
        if found is None:
            return MutantResult(
                mutant,
                "equivalent",
                f"listed: {listed}"
                if listed
                else "no case within the bounds of the search answers differently",
            )
        note = f" (listed as equivalent in {EQUIVALENTS}, wrongly)" if listed else ""
        return MutantResult(mutant, "survived", f"{found.question} differs{note}", found)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
        elapsed = time.perf_counter() - start
        _STATE["last"] = elapsed


def _cited(file: str, kb: Path) -> frozenset[str]:
    """The clause references (P2.S2) the rules of one file of the knowledge base cite."""
    try:
        text = (kb / file).read_text(encoding="utf-8")
        refs = _clause_ids(kb)
    except OSError:
        return frozenset()
    return frozenset(refs[c] for c in re.findall(r"\bclause\((\w+)\)", text) if c in refs)


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text[:300]


def _work(mutant: Mutant) -> MutantResult:
    listed = _STATE["equivalents"].get(mutant.key)  # type: ignore[attr-defined]
    result = run_mutant(
        mutant,
        _STATE["pins"],  # type: ignore[arg-type]
        _STATE["kb"],  # type: ignore[arg-type]
        _STATE["tmp"],  # type: ignore[arg-type]
        bool(_STATE["search"]),
        listed,  # type: ignore[arg-type]
    )
    return _with_time(result, float(_STATE.get("last", 0.0)))  # type: ignore[arg-type]


def _with_time(result: MutantResult, seconds: float) -> MutantResult:
    from dataclasses import replace

    return replace(result, seconds=seconds)


# ---------------------------------------------------------------------------
# The run.


def select(all_mutants: Sequence[Mutant], sample: int | None, seed: int) -> list[Mutant]:
    """All mutants, or ``sample`` of them drawn with ``seed`` (in id order)."""
    if sample is None or sample >= len(all_mutants):
        return list(all_mutants)
    chosen = random.Random(seed).sample(range(len(all_mutants)), sample)
    return [all_mutants[i] for i in sorted(chosen)]


def mutate(
    kb: Path | str | None = None,
    pins: Iterable[Path | str] | None = None,
    *,
    jobs: int | None = None,
    sample: int | None = None,
    seed: int = 0,
    only: Callable[[Mutant], bool] | None = None,
    search: bool = True,
    equivalents: Path | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    record: Path | str | None = None,
    rerun: Iterable[str] = (),
) -> MutationReport:
    """Mutation testing of the knowledge base in ``kb`` (default: the project's) against the
    pins under ``pins`` (default: ``queries/`` beside it).  ``jobs`` worker processes (default:
    every core); ``sample``: that many mutants drawn with ``seed``; ``only``: a filter.
    ``equivalents``: the list of equivalent mutants (default: ``EQUIVALENT_MUTANTS.md`` in
    the first pin directory); ``search``: False to skip the search for distinguishing
    cases, taking listed survivors as equivalent and the others as survivors (CI).
    ``record``: a file each result is appended to as it comes (JSON lines); the mutants it
    already holds are not run again but taken from it, except those whose verdict is in
    ``rerun`` (e.g. survived, equivalent: after adding pins).  So a long run can be stopped
    and resumed, or sharded with ``only``; a record is for one knowledge base and pin set."""
    start = time.perf_counter()
    directory = Path(kb or default_kb_dir()).resolve()
    if not (directory / "main.lp").is_file():
        raise InputError(str(directory), "", "not a knowledge base directory (no main.lp)")
    pin_paths = [str(p) for p in (pins or [directory.parent / "queries"])]
    loaded = load_pins(pin_paths, directory)  # errors in the pins stop the run here
    if equivalents is None:
        first = next((Path(p) for p in pin_paths if Path(p).is_dir()), None)
        equivalents = first / EQUIVALENTS if first is not None else None
    listed = load_equivalents(Path(equivalents)) if equivalents is not None else {}
    every = mutants(directory)
    chosen = [m for m in select(every, sample, seed) if only is None or only(m)]
    log = Path(record) if record is not None else None
    again = set(rerun)
    for verdict in again:
        if verdict not in VERDICTS:
            raise InputError("--rerun", verdict, f"expected one of {', '.join(VERDICTS)}")
    kept = {k: d for k, d in (load_record(log) if log else {}).items() if d["verdict"] not in again}
    results: list[MutantResult] = [
        MutantResult(
            m, kept[m.key]["verdict"], kept[m.key]["detail"], None, kept[m.key].get("seconds", 0.0)
        )
        for m in chosen
        if m.key in kept
    ]
    chosen = [m for m in chosen if m.key not in kept]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(chosen) or 1))
    sink = log.open("a", encoding="utf-8") if log is not None else None

    def done(r: MutantResult) -> None:
        results.append(r)
        if sink is not None:
            sink.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
            sink.flush()
        if progress is not None:
            progress(len(results), len(results) + len(chosen) - len(fresh))

    fresh: list[MutantResult] = []
    workdir = tempfile.mkdtemp(prefix="pyagent-mutate-")
    saved = os.environ.get("PYAGENT_NO_CACHE")
    try:
        if jobs == 1:
            _init(str(directory), pin_paths, workdir, search, listed)
            for m in chosen:
                fresh.append(_work(m))
                done(fresh[-1])
        else:
            context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
            with context.Pool(
                jobs,
                _init,
                (str(directory), pin_paths, workdir, search, listed),
                maxtasksperchild=50,
            ) as pool:
                for r in pool.imap_unordered(_work, chosen):
                    fresh.append(r)
                    done(r)
    finally:
        if sink is not None:
            sink.close()
        shutil.rmtree(workdir, ignore_errors=True)
        if saved is None:
            os.environ.pop("PYAGENT_NO_CACHE", None)
    results.sort(key=lambda r: r.mutant.id)
    return MutationReport(
        directory,
        len(loaded),
        len(every),
        tuple(results),
        time.perf_counter() - start,
        sample,
        seed if sample is not None else None,
        len(results) - len(fresh),
    )
