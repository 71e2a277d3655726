"""The page's server time: one person's answers with every explanation, and a roster upload.

    python bench/bench_web.py [--rounds 30] [--persons 1000]

1. **One person** (targets: ≤ 50 ms median): ``POST /person`` with the form of a 高级工 whose
   2025 assessment is not stated (nine answers, nine explanation trees, three of them unknown and
   decided by re-answering), through Starlette's TestClient in this process, median and 90th
   percentile over ``--rounds`` (after one warm-up round: the parsed knowledge base is cached in
   the process).  Each round is a person the server has not seen (the start of technical work
   moved by a day: the same answers, but no variant answered from the cache of an earlier
   round).  Wall-clock and CPU time (``time.process_time``: the server runs in a thread of this
   process) are both printed: on a shared machine the CPU time is the comparable figure.
   The library's share (`pyagent.web.compute.person_result` alone) is printed beside it.
2. **A roster upload** (target: ≤ 2x ``pyagent batch`` on the same rows): a seeded roster of
   ``--persons`` rows (``bench/roster.py``, CSV) posted to ``/roster`` (checked, then answered
   in the background by ``run_batch`` with one job in the server's process; timed until that
   job has ended), against ``pyagent batch`` on the same
   file as a whole process (every core) and ``run_batch`` in-process with one job.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent

FORM = {
    "id": "gao_ji_gong",
    "as_of": "2026-07-01",
    "certificates[0].level": "senior_worker",
    "certificates[0].kind": "skill_level",
    "certificates[0].obtained": "2022-03-01",
    "technical_work[0].from": "2018-01-01",
    "field": "engineering",
    "current_post.since": "2018-01-01",
    "current_post.occupation": "电工",
    "annual_assessments[0].year": "2023",
    "annual_assessments[0].grade": "qualified",
    "annual_assessments[1].year": "2024",
    "annual_assessments[1].grade": "qualified",
    "honours": "none",
    "titles": "none",
    "action": "answer",
    "lang": "zh",
}


def ms(values: list[float], cpu: list[float] | None = None) -> str:
    values = sorted(values)
    p90 = values[int(0.9 * (len(values) - 1))]
    out = f"median {statistics.median(values) * 1e3:.1f} ms, p90 {p90 * 1e3:.1f} ms"
    if cpu:
        out += f" (CPU median {statistics.median(cpu) * 1e3:.1f} ms)"
    return out


def form(round_: int) -> dict[str, str]:
    """The bench's person, its technical work begun ``round_`` days after 2018-01-01."""
    start = dt.date(2018, 1, 1) + dt.timedelta(days=round_)
    return {**FORM, "technical_work[0].from": start.isoformat()}


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--persons", type=int, default=1000, help="0: no roster")
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from pyagent.input.case import parse_case
    from pyagent.web import compute
    from pyagent.web.app import create_app
    from pyagent.web.form import case_text

    print(load())
    client = TestClient(create_app())
    assert client.post("/person", data=FORM).status_code == 200  # warm-up
    page, page_cpu, library, library_cpu = [], [], [], []
    for k in range(1, args.rounds + 1):
        t, c = time.perf_counter(), time.process_time()
        r = client.post("/person", data=form(k))
        page.append(time.perf_counter() - t)
        page_cpu.append(time.process_time() - c)
        assert r.status_code == 200 and "status-unknown" in r.text
        case = parse_case(case_text(form(k + args.rounds)).text)
        t, c = time.perf_counter(), time.process_time()
        compute.person_result(case, "zh")
        library.append(time.perf_counter() - t)
        library_cpu.append(time.process_time() - c)
    print(f"one person, POST /person (answers + 9 explanations): {ms(page, page_cpu)}")
    print(f"  of which the library (person_result): {ms(library, library_cpu)}")
    print(load())

    if args.persons <= 0:
        return
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "roster.csv"
        subprocess.run(
            [sys.executable, str(HERE / "roster.py"), str(args.persons), "-o", str(roster)],
            check=True,
        )
        data = roster.read_bytes()
        t = time.perf_counter()
        r = client.post(
            "/roster",
            data={"as_of": "2026-07-01"},
            files={"roster": ("roster.csv", data, "text/csv")},
            follow_redirects=False,
        )
        check = time.perf_counter() - t
        assert r.status_code == 303, r.text[:500]
        # answered in the background: until its job has ended (its event, not a poll)
        job = client.app.state.background.get(r.headers["location"].split("/")[-1].split("?")[0])
        assert job.finished.wait(3600) and job.result, "the upload's job did not end well"
        upload = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pyagent",
                "batch",
                str(roster),
                "-o",
                str(Path(tmp) / "out.jsonl"),
                "--as-of",
                "2026-07-01",
                "--quiet",
                "--no-reasons",  # as the page's upload: reasons a page of rows at a time
            ],
            check=True,
            capture_output=True,
        )
        cli = time.perf_counter() - t
        from pyagent.batch.pipeline import BatchConfig, run_batch

        t = time.perf_counter()
        run_batch(
            roster,
            Path(tmp) / "out2.jsonl",
            BatchConfig(as_of=dt.date(2026, 7, 1), jobs=1, reasons=False),
        )
        inproc = time.perf_counter() - t
    print(load())
    print(
        f"roster of {args.persons:,} persons ({len(data):,} bytes): POST /roster {check:.2f} s "
        f"(checked, then its progress page), answered {upload:.2f} s after it; "
        f"pyagent batch (whole process) {cli:.2f} s; run_batch in-process, 1 job {inproc:.2f} s; "
        f"upload / pyagent batch = {upload / cli:.2f}x"
    )


if __name__ == "__main__":
    main()
