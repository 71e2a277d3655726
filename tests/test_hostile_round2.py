"""Hostile conditions, round two (issue 12): one test (or a few) per numbered item.

Each test is named after its item (``test_item1_...``) and failed on the code before the fix.
The long soak (20 random interruptions of a 30,000-row batch) is ``bench/soak_batch.py`` and
the ``soak`` marker; a small version runs here.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyagent.batch import outputs as outputs_module
from pyagent.batch.outputs import OutputError, Outputs
from pyagent.batch.pipeline import BatchConfig, run_batch
from pyagent.batch.workers import MAX_JOBS, cpus, worker_count
from pyagent.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-07-01"
PYAGENT = [sys.executable, "-m", "pyagent"]


def person(i: int, **extra: object) -> dict:
    row = {
        "id": f"p{i}",
        "certificates": [{"level": "technician", "kind": "skill_level", "obtained": "2019-05-10"}],
        "technical_work": [{"from": "2014-09-01"}],
        "field": "engineering",
        "annual_assessments": [{"year": 2024, "grade": "qualified"}],
    }
    row.update(extra)
    return row


def roster(path: Path, n: int = 4) -> Path:
    path.write_text("".join(json.dumps(person(i)) + "\n" for i in range(n)), encoding="utf-8")
    return path


def config(**kw) -> BatchConfig:
    import datetime as dt

    base = dict(as_of=dt.date(2026, 7, 1), jobs=1)
    base.update(kw)
    return BatchConfig(**base)


def cli(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PYAGENT, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, **kw
    )


def one_message(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith((".partial", ".lock")))


# -- 1. Two batches to one output -------------------------------------------------------------


def test_item1_a_second_batch_to_the_same_output_is_refused_and_the_first_completes(tmp_path):
    r = roster(tmp_path / "r.jsonl")
    out = tmp_path / "c.jsonl"
    with Outputs.claim(r, out):  # a first run holds OUT
        with pytest.raises(InputError, match="another pyagent batch is writing this output"):
            run_batch(r, out, config())
    assert not out.exists() and leftovers(tmp_path) == []
    summary = run_batch(r, out, config())  # the lock went with the first run
    assert summary.persons_out == 4 and len(out.read_text().splitlines()) == 4


def test_item1_temporary_files_are_unique_per_run_and_exclusive(tmp_path):
    r = roster(tmp_path / "r.jsonl")
    first = Outputs.claim(r, tmp_path / "a.jsonl")
    second = Outputs.claim(r, tmp_path / "b.jsonl")
    try:
        names = [p.name for p in first._temps + second._temps]
        assert len(set(names)) == 4 and all(
            n.startswith(".") and n.endswith(".partial") for n in names
        )
        assert not (tmp_path / "a.jsonl.partial").exists()  # the old, shared name is gone
    finally:
        first.discard()
        second.discard()
    assert leftovers(tmp_path) == []


def test_item1_cli_concurrent_runs_one_refused_with_one_message(tmp_path):
    r = roster(tmp_path / "r.jsonl")
    out = tmp_path / "c.jsonl"
    holder = Outputs.claim(r, out)  # another process's view: the lock is held
    try:
        done = cli("batch", str(r), "-o", str(out), "--as-of", AS_OF, "-j", "1")
    finally:
        holder.discard()
    assert done.returncode == 2
    assert "another pyagent batch" in one_message(done.stderr)


# -- 2. Outputs that destroy inputs or other files ---------------------------------------------


@pytest.mark.parametrize("name", ["x.jsonl.errors.jsonl", "x.jsonl.summary.json"])
def test_item2_a_roster_named_like_a_side_file_is_refused_untouched(tmp_path, name):
    r = roster(tmp_path / name)
    before = r.read_bytes()
    with pytest.raises(InputError, match="roster itself"):
        run_batch(r, tmp_path / "x.jsonl", config(input_format="jsonl"))
    assert r.read_bytes() == before and leftovers(tmp_path) == []


def test_item2_a_roster_named_like_the_old_partial_file_is_kept(tmp_path):
    r = roster(tmp_path / "x.jsonl.partial")
    before = r.read_bytes()
    run_batch(r, tmp_path / "x.jsonl", config(input_format="jsonl"))
    assert r.read_bytes() == before
    assert len((tmp_path / "x.jsonl").read_text().splitlines()) == 4


def test_item2_a_hard_link_or_symlink_to_the_roster_is_refused(tmp_path):
    r = roster(tmp_path / "r.jsonl")
    before = r.read_bytes()
    os.link(r, tmp_path / "hard.jsonl")
    (tmp_path / "soft.jsonl.errors.jsonl").symlink_to(r)
    for out in ("hard.jsonl", "soft.jsonl"):
        with pytest.raises(InputError, match="roster itself"):
            run_batch(r, tmp_path / out, config())
    assert r.read_bytes() == before


def test_item2_planted_symlinks_are_never_followed(tmp_path):
    r = roster(tmp_path / "r.jsonl")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "x.jsonl.partial").symlink_to(victim)  # the old fixed temp name
    (tmp_path / ".x.jsonl.lock").symlink_to(victim)  # the lock file
    with pytest.raises(InputError, match="lock"):
        run_batch(r, tmp_path / "x.jsonl", config())
    (tmp_path / ".x.jsonl.lock").unlink()
    run_batch(r, tmp_path / "x.jsonl", config())
    assert victim.read_text() == "precious\n"
    assert (tmp_path / "x.jsonl.partial").is_symlink()


@pytest.mark.parametrize("kind", ["fifo", "dev-null", "directory", "side-directory"])
def test_item2_special_files_and_directories_are_refused_before_any_work(
    tmp_path, kind, monkeypatch
):
    r = roster(tmp_path / "r.jsonl")
    out = tmp_path / "x.jsonl"
    if kind == "fifo":
        os.mkfifo(out)
    elif kind == "dev-null":
        out = Path(os.devnull)
    elif kind == "directory":
        out.mkdir()
    else:
        (tmp_path / "x.jsonl.summary.json").mkdir()
    from pyagent.batch import pipeline

    monkeypatch.setattr(pipeline, "executor", None)  # any work at all would fail loudly
    with pytest.raises(InputError, match="special file|directory"):
        run_batch(r, out, config(output_format="jsonl"))
    assert leftovers(tmp_path) == []
    if kind == "dev-null":
        assert Path(os.devnull).is_char_device()


# -- 3. Tracebacks where one message belongs (the batch's) -------------------------------------


def test_item3_output_an_existing_directory_is_one_message_exit_2(tmp_path):
    r = roster(tmp_path / "r.jsonl")
    (tmp_path / "d").mkdir()
    done = cli(
        "batch", str(r), "-o", str(tmp_path / "d"), "--as-of", AS_OF, "-j", "1", "--format", "jsonl"
    )
    assert done.returncode == 2
    assert "is a directory" in one_message(done.stderr)


def test_item3_an_unwritable_output_directory_is_one_message(tmp_path, monkeypatch):
    r = roster(tmp_path / "r.jsonl")

    def read_only(*args, **kw):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(outputs_module.tempfile, "mkstemp", read_only)
    with pytest.raises(InputError, match="read-only"):
        run_batch(r, tmp_path / "x.jsonl", config())
    assert leftovers(tmp_path) == []


def _small_files() -> None:  # in the child: files over 64 KiB fail (EFBIG), as on a full disk
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_item3_a_full_disk_is_one_message_exit_1_and_no_partial_file(tmp_path, jobs):
    r = roster(tmp_path / "r.jsonl", 200)  # about 180 KB of answers
    out = tmp_path / "x.jsonl"
    done = cli(
        "batch", str(r), "-o", str(out), "--as-of", AS_OF, "-j", jobs, preexec_fn=_small_files
    )
    assert done.returncode == 1, done.stderr
    assert "cannot write the output" in one_message(done.stderr)
    assert not out.exists() and leftovers(tmp_path) == []


def _killed(*args):  # a task whose worker is killed by the system (out of memory, a signal)
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.skipif(sys.platform != "linux", reason="the workers inherit the patch by fork")
@pytest.mark.parametrize("task", ["key_part", "answer_keys", "ask_shapes", "join_part"])
def test_item3_a_worker_killed_is_one_message_and_no_partial_file(tmp_path, monkeypatch, task):
    # multiprocessing.Pool left such a task pending for ever (and its terminate could deadlock)
    from pyagent.batch import executors

    monkeypatch.setattr(executors, "_TASKS", {**executors._TASKS, task: _killed})
    monkeypatch.setattr(executors, "worker_count", lambda jobs: 2)  # workers even on one CPU
    r = roster(tmp_path / "r.jsonl", 40)
    out = tmp_path / "x.jsonl"
    reasons = task != "answer_keys"  # answer_keys answers keys without reasons
    with pytest.raises(OutputError, match="worker process was killed"):
        run_batch(r, out, config(jobs=2, block_bytes=2000, reasons=reasons))
    assert not out.exists() and leftovers(tmp_path) == []


def test_item3_output_error_names_the_reason():
    assert "disk is full" in str(OutputError("x", OSError(errno.ENOSPC, "No space left")))


# -- 9. --jobs without a cap -------------------------------------------------------------------


def test_item9_jobs_are_capped_at_the_cpus():
    assert worker_count(300) == min(cpus(), MAX_JOBS)
    assert worker_count(100_000) <= min(cpus(), MAX_JOBS)
    assert worker_count(None) == min(cpus(), MAX_JOBS)
    assert worker_count(1) == 1


def test_item9_never_more_workers_than_blocks(tmp_path, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor

    started: list[int] = []
    real = ProcessPoolExecutor.__init__

    def spy(self, max_workers=None, *args, **kw):
        started.append(max_workers)
        real(self, max_workers, *args, **kw)

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", spy)
    monkeypatch.setattr("pyagent.batch.executors.worker_count", lambda jobs: 8)
    r = roster(tmp_path / "r.jsonl", 3)
    run_batch(r, tmp_path / "x.jsonl", config(jobs=300))
    assert started == []  # one partition of 3 rows: answered in this process, no worker at all
    run_batch(r, tmp_path / "y.jsonl", config(jobs=300, block_bytes=r.stat().st_size // 2 + 1))
    assert started == [2]  # two partitions: two workers, not 300 (nor 8)


# -- 11. The parse cache never unpickles -------------------------------------------------------


def _planted_cache(folder: Path, canary: Path) -> str:
    import pickle

    from pyagent.engine.program import _fingerprint
    from pyagent.kb import kb_dir

    class Payload:
        def __reduce__(self):
            return (exec, (f"open({str(canary)!r}, 'w').write('ran'); raise SystemExit(7)",))

    key = _fingerprint(kb_dir().resolve())
    folder.mkdir(parents=True, exist_ok=True)
    for name in (f"program-{key}.pickle", f"program-{key}.json"):
        (folder / name).write_bytes(pickle.dumps(Payload()))
    return key


def test_item11_a_crafted_cache_file_never_runs_and_the_program_is_parsed(tmp_path, monkeypatch):
    from pyagent.engine.program import reload_program
    from pyagent.kb import kb_dir

    canary = tmp_path / "canary"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PYAGENT_NO_CACHE", raising=False)
    key = _planted_cache(tmp_path / "cache" / "pyagent", canary)
    program = reload_program(kb_dir())
    assert not canary.exists() and program.rules
    cached = json.loads((tmp_path / "cache" / "pyagent" / f"program-{key}.json").read_text())
    assert cached["format"].startswith("pyagent.program/")  # replaced by plain data


@pytest.mark.parametrize(
    "payload",
    [
        '{"format": "pyagent.program/2", "directory": "x", "rules": "no"}',
        "[1, 2, 3]",
        '{"format": "pyagent.program/2"',
        "\xff\xfe",
    ],
)
def test_item11_a_cache_file_in_any_doubt_is_parsed_again(tmp_path, monkeypatch, payload):
    from pyagent.engine import program_cache
    from pyagent.engine.program import _fingerprint, reload_program
    from pyagent.kb import kb_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("PYAGENT_NO_CACHE", raising=False)
    key = _fingerprint(kb_dir().resolve())
    (tmp_path / "pyagent").mkdir()
    (tmp_path / "pyagent" / f"program-{key}.json").write_text(
        payload, encoding="utf-8", errors="surrogateescape"
    )
    assert program_cache.read(key, kb_dir().resolve()) is None
    assert reload_program(kb_dir()).rules


def test_item11_the_cli_is_not_steered_by_a_planted_cache(tmp_path):
    canary = tmp_path / "canary"
    _planted_cache(tmp_path / "cache" / "pyagent", canary)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("PYAGENT_NO_CACHE", None)
    done = cli("ask", "queries/demo.yaml", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert not canary.exists()


# -- 12. Smaller: the cache under a missing home ------------------------------------------------


def test_item12_a_missing_home_is_not_created_by_the_cache(tmp_path):
    home = tmp_path / "nonexistent"
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "PYAGENT_NO_CACHE")}
    env["HOME"] = str(home)
    code = (
        "from pyagent.engine.program import reload_program; from pyagent.kb import kb_dir;"
        " assert reload_program(kb_dir()).rules"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert not home.exists()


# -- 6. Invisible and look-alike characters ---------------------------------------------------

LOOKALIKES = [
    "engi\u200bneering",
    "\ufeffengineering",
    "\u200fengineering\u200e",
    "engi\u00adneering",
    "工\u200d程",
    "ｅｎｇｉｎｅｅｒｉｎｇ",
    "工\u2060程",
]


@pytest.mark.parametrize("text", LOOKALIKES)
def test_item6_invisible_and_lookalike_characters_in_a_field_are_normalised(text):
    from pyagent.input.case import parse_person

    assert parse_person({"id": "a", "field": text}, "<t>", "p").field == "engineering"
    titled = parse_person(
        {"id": "a", "titles": [{"rank": "intermediate", "series": text}]}, "<t>", "p"
    )
    assert titled.titles[0].series == "engineering"


@pytest.mark.parametrize(
    "place, value, code",
    [
        (("certificates", 0, "level"), "ｔｅｃｈｎｉｃｉａｎ", "technician"),
        (("certificates", 0, "level"), "技\u200b师", "technician"),
        (("certificates", 0, "kind"), "skill\u00ad_level", "skill_level"),
        (("annual_assessments", 0, "grade"), "\ufeff合格", "qualified"),
        (("honours", 0), "national\u200b_technical_expert", "national_technical_expert"),
        (("titles", 0, "rank"), "中\u200c级", "intermediate"),
    ],
)
def test_item6_every_code_field_is_normalised_alike(place, value, code):
    from pyagent.input.case import parse_person

    row = person(
        0, honours=["china_skills_award"], titles=[{"rank": "junior", "series": "engineering"}]
    )
    target = row
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = value
    parsed = parse_person(row, "<t>", "p")
    found = {
        "certificates": lambda: getattr(parsed.certificates[0], place[-1]),
        "annual_assessments": lambda: parsed.annual_assessments[0].grade,
        "honours": lambda: parsed.honours[0].code,
        "titles": lambda: parsed.titles[0].rank,
    }[place[0]]()
    assert found == code


def test_item6_a_batch_answers_lookalikes_as_the_plain_value(tmp_path):
    rows = [person(0)] + [person(i + 1, field=t) for i, t in enumerate(LOOKALIKES)]
    r = tmp_path / "r.jsonl"
    r.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows), encoding="utf-8")
    summary = run_batch(r, tmp_path / "a.jsonl", config())
    assert summary.errors == 0
    answers = [
        json.loads(line)["answers"] for line in (tmp_path / "a.jsonl").read_text().splitlines()
    ]
    assert all(a == answers[0] for a in answers)


# -- 3. Tracebacks where one message belongs (options) -----------------------------------------


@pytest.mark.parametrize("value", ["²", "５", "٣"])
def test_item3_a_parameter_that_is_not_ascii_digits_is_one_message(tmp_path, value):
    r = roster(tmp_path / "r.jsonl")
    done = cli(
        "batch",
        str(r),
        "-o",
        str(tmp_path / "a.jsonl"),
        "--as-of",
        AS_OF,
        "--parameter",
        f"application_years.technician={value}",
    )
    assert done.returncode == 2
    said = one_message(done.stderr)  # what the value is: full-width, or no digits at all
    assert ("full-width digits" in said) == (value == "５") and "digits" in said, said
    assert not (tmp_path / "a.jsonl").exists()


def test_item3_max_bytes_beyond_any_file_is_one_message():
    done = cli("ask", "queries/demo.yaml", "--max-bytes", "1" + "0" * 27)
    assert done.returncode == 2
    assert "--max-bytes" in one_message(done.stderr)


def test_item3_stdout_on_a_full_disk_is_one_message_exit_1():
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*PYAGENT, "ask", "queries/demo.yaml", "--json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    assert done.returncode == 1
    assert "disk is full" in one_message(done.stderr)


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    import shutil

    from pyagent.kb import kb_dir

    copy = tmp_path / "kb"
    shutil.copytree(kb_dir(), copy)
    return copy


def test_item3_check_with_a_broken_main_lp_is_one_message(kb_copy):
    with (kb_copy / "main.lp").open("a") as handle:
        handle.write("\nbroken(\n")
    done = cli("check", "queries/p3_s1_assistant", "--kb", str(kb_copy))
    assert done.returncode == 2
    assert "cannot parse the knowledge base" in one_message(done.stderr)


def test_item3_lint_of_a_binary_notice_is_one_message():
    done = cli("lint", "--notice", sys.executable)
    assert done.returncode == 2
    assert "not UTF-8" in one_message(done.stderr)


def test_item3_an_unreadable_lp_is_one_message(kb_copy, monkeypatch):
    from pyagent.engine.program import reload_program

    real = os.open

    def deny(path, *args, **kw):
        if str(path).endswith("p3_ranks.lp"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kw)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(InputError, match="p3_ranks.lp: cannot read the file: Permission denied"):
        reload_program(kb_copy)


# -- 8. --timeout ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e10", "1e18", "1e300"])
def test_item8_a_huge_timeout_is_no_limit(value):
    done = cli("ask", "queries/demo.yaml", "--json", "--timeout", value)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["persons"]


def test_item8_the_timeout_bounds_reading_the_case(monkeypatch):
    from typer.testing import CliRunner

    from pyagent.cli import app
    from pyagent.errors import EXIT_TIME_LIMIT
    from pyagent.input import sources

    def slow_load(*args, **kw):  # a case whose reading takes forever
        time.sleep(30)

    monkeypatch.setattr(sources, "load_input", slow_load)
    started = time.monotonic()
    done = CliRunner().invoke(app, ["ask", "queries/demo.yaml", "--timeout", "0.5"])
    assert time.monotonic() - started < 10
    assert done.exit_code == EXIT_TIME_LIMIT
    assert "did not finish within 0.5 s" in done.output


# -- 10. Hangs and silent skips ----------------------------------------------------------------


@pytest.mark.parametrize("command", [["ask"], ["check"], ["diff", "-r", "field_list=open"]])
def test_item10_a_fifo_as_a_case_or_pin_is_refused_not_waited_on(tmp_path, command):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    done = cli(*command, str(fifo), timeout=60)
    assert done.returncode == 2
    assert "not a regular file" in one_message(done.stderr)


def test_item10_a_fifo_lp_in_the_knowledge_base_is_refused(kb_copy):
    os.mkfifo(kb_copy / "extra.lp")
    done = cli("check", "queries/p3_s1_assistant", "--kb", str(kb_copy), timeout=60)
    assert done.returncode == 2
    assert "extra.lp: not a regular file" in one_message(done.stderr)


@pytest.mark.parametrize("command", ["check", "diff"])
def test_item10_an_unreadable_subdirectory_fails_instead_of_all_hold(
    tmp_path, monkeypatch, command
):
    import shutil

    from pyagent.pins.check import load_pins
    from pyagent.pins.diff import reading_diff

    pins = tmp_path / "pins"
    shutil.copytree(ROOT / "queries" / "p3_s1_assistant", pins)
    (pins / "hidden").mkdir()
    real = os.scandir

    def unreadable(path="."):  # as for a directory of mode 000 read by another user
        if str(path).endswith("hidden"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", unreadable)
    with pytest.raises(
        InputError, match="hidden: cannot read the directory: permission denied"
    ) as caught:
        if command == "check":
            load_pins([pins])
        else:
            reading_diff([pins], {"field_list": "open"}, None)
    # under zh in Chinese, as a file's (it was the system's English in both)
    assert caught.value.text("zh").endswith(
        "hidden：无法读取目录：没有读取权限（当前用户不可读取）"
    )


# -- 4. Signals with -j 2, and the soak (small) ------------------------------------------------


def _soak_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("soak_batch", ROOT / "bench" / "soak_batch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_item4_ctrl_c_with_workers_prints_one_line(tmp_path):
    sig = signal.SIGINT
    soak = _soak_module()
    r = tmp_path / "r.jsonl"
    soak._roster(r, 400, 5)
    run = soak._batch(r, tmp_path / "a.jsonl")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(soak._children(run.pid)) < 2:
        time.sleep(0.05)  # the workers are up
    time.sleep(0.3)
    run.send_signal(sig)
    _, err = run.communicate(timeout=60)
    if run.returncode == 0:
        pytest.fail("the batch finished before it could be interrupted")
    assert run.returncode == 130
    assert one_message(err).startswith("interrupted:")
    assert leftovers(tmp_path) == [] and not (tmp_path / "a.jsonl").exists()


def test_item4_workers_die_with_a_killed_parent_and_print_nothing(tmp_path):
    soak = _soak_module()
    r = tmp_path / "r.jsonl"
    soak._roster(r, 400, 6)
    run = soak._batch(r, tmp_path / "a.jsonl")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(soak._children(run.pid)) < 2:
        time.sleep(0.05)
    workers = soak._children(run.pid)
    assert workers, "no worker started"
    run.send_signal(signal.SIGKILL)
    _, err = run.communicate(timeout=60)
    deadline = time.monotonic() + 5
    while any(soak._alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(soak._alive(w) for w in workers)
    assert err == ""


def test_item4_soak_small_interruptions_and_concurrent_runs_leave_only_correct_outputs(tmp_path):
    problems = _soak_module().soak(
        rows=60, rounds=3, seed=11, workdir=tmp_path, quiet=True, cycle=True
    )  # SIGINT, SIGTERM, SIGKILL
    assert problems == []


@pytest.mark.soak
def test_item4_soak_full(tmp_path):  # pytest -m soak: 20 interruptions of 30,000 rows
    problems = _soak_module().soak(rows=30_000, rounds=20, seed=7, workdir=tmp_path, quiet=True)
    assert problems == []


# -- 5. YAML aliases in never-decisive fields --------------------------------------------------


def test_item5_aliases_of_long_text_are_refused_by_size(tmp_path):
    from pyagent.input.case import load_case

    text = (
        "as_of: 2026-07-01\nperson:\n  id: a\n  education: &s " + "x" * 100_000 + "\n"
        "  papers: [" + ", ".join(["*s"] * 50) + "]\n"
    )
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match="aliases expand the document past"):
        load_case(path)


def test_item5_a_huge_never_decisive_list_is_refused_quickly():
    from pyagent.input.case import parse_person

    started = time.monotonic()
    with pytest.raises(InputError, match="papers"):
        parse_person({"id": "a", "papers": ["p"] * 200_000}, "<t>", "p")
    with pytest.raises(InputError, match="education"):
        parse_person({"id": "a", "education": "x" * 20_000}, "<t>", "p")
    assert time.monotonic() - started < 2
    kept = parse_person({"id": "a", "papers": ["one", "two"], "education": "本科"}, "<t>", "p")
    assert kept.never_decisive == {"papers": ["one", "two"], "education": "本科"}


def test_item5_a_batch_row_with_a_huge_never_decisive_field_is_a_bad_row(tmp_path):
    r = tmp_path / "r.jsonl"
    r.write_text(json.dumps(person(0)) + "\n" + json.dumps(person(1, papers=["p"] * 5000)) + "\n")
    summary = run_batch(r, tmp_path / "a.jsonl", config())
    assert summary.persons_out == 1 and summary.errors == 1


# -- 7. One bad CSV row stops the batch --------------------------------------------------------


def _csv_roster(path: Path, rows: list[bytes]) -> Path:
    header = b"id,cert1_level,cert1_obtained,field,assessment_2024\n"
    good = [b"p%d,technician,2019-05-10,engineering,qualified\n" % i for i in range(3)]
    path.write_bytes(header + good[0] + b"".join(rows) + good[1] + good[2])
    return path


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(
    "bad, says",
    [
        (b"big," + b"x" * 140_000 + b",2019-05-10,engineering,qualified\n", "cert1_level"),
        (b"latin,technician,2019-05-10,ing\xe9nierie,qualified\n", "not UTF-8"),
        (b'quote,"technician,2019-05-10,engineering,qualified\n', ""),
    ],
    ids=["long-cell", "bad-byte", "open-quote"],
)
def test_item7_one_bad_csv_row_goes_to_the_errors_file(tmp_path, jobs, bad, says):
    r = _csv_roster(tmp_path / "r.csv", [bad])
    out = tmp_path / "a.jsonl"
    summary = run_batch(r, out, config(jobs=jobs, block_bytes=600))
    assert summary.persons_in == summary.persons_out + summary.errors
    assert summary.errors == 1
    errors = [json.loads(x) for x in (tmp_path / "a.jsonl.errors.jsonl").read_text().splitlines()]
    assert errors[0]["line"] == 3 and says in errors[0]["message"]
    if says != "":  # an open quote swallows the rest of the file into one cell
        assert summary.persons_out == 3


def test_item7_a_jsonl_roster_with_a_bom_keeps_row_1(tmp_path):
    r = tmp_path / "r.jsonl"
    r.write_bytes(
        b"\xef\xbb\xbf" + "".join(json.dumps(person(i)) + "\n" for i in range(3)).encode()
    )
    summary = run_batch(r, tmp_path / "a.jsonl", config())
    assert summary.errors == 0 and summary.persons_out == 3


def test_item7_a_line_separator_inside_an_id_never_splits_a_row(tmp_path):
    r = tmp_path / "r.jsonl"
    rows = [person(0, id="a\u2028b"), person(1, id="c\u2029d"), person(2)]
    r.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in rows), encoding="utf-8")
    summary = run_batch(r, tmp_path / "a.jsonl", config())
    assert summary.persons_out == 3
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()  # splits on U+2028 too
    assert [json.loads(x)["id"] for x in lines] == [x["id"] for x in rows]


# -- 12. Smaller --------------------------------------------------------------------------------


def test_item12_formula_cells_in_a_csv_output_are_inert(tmp_path):
    import csv

    r = tmp_path / "r.jsonl"
    ids = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "plain"]
    r.write_text("".join(json.dumps(person(i, id=x)) + "\n" for i, x in enumerate(ids)))
    run_batch(r, tmp_path / "a.csv", config())
    with open(tmp_path / "a.csv", encoding="utf-8-sig", newline="") as handle:
        cells = [row[0] for row in csv.reader(handle)][1:]
    assert cells == ["'" + x for x in ids[:4]] + ["plain"]


def test_item12_an_unreadable_case_is_one_line():
    done = cli("ask", "/nonexistent/case.yaml")
    assert done.returncode == 2
    assert "no such file" in one_message(done.stderr)


def test_item12_escape_sequences_in_file_names_are_printed_inert(tmp_path):
    name = tmp_path / "evil\x1b[31mred\x07.yaml"
    name.write_text("as_of: [\n")
    done = cli("ask", str(name))
    assert done.returncode == 2
    line = one_message(done.stderr)
    assert "\x1b" not in line and "\x07" not in line and "\\x1b[31mred" in line


def test_item12_over_long_person_and_numbers_are_not_echoed_in_full(tmp_path):
    done = cli("why", "queries/demo.yaml", "title.assistant", "--person", "x" * 100_000)
    assert done.returncode == 2
    assert len(one_message(done.stderr)) < 2000
    case = tmp_path / "c.yaml"
    case.write_text(
        "person:\n  id: a\n  annual_assessments: [{year: " + "9" * 309 + ", grade: qualified}]\n"
    )
    done = cli("ask", str(case))
    assert done.returncode == 2
    assert "9" * 40 not in one_message(done.stderr)
