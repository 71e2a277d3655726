"""The page's server time: one person's answers with every explanation, and a roster upload.

    python bench/bench_web.py [--rounds 30] [--persons 1000]

1. **One person** (targets: ≤ 50 ms median): ``POST /person`` with the form of a 高级工 whose
   2025 assessment is not stated (nine answers, nine explanation trees, one of them decided by
   re-answering), through Starlette's TestClient in this process, median and 90th percentile over
   ``--rounds`` (after one warm-up round: the parsed knowledge base is cached in the process).
   The library's share (`pyagent.web.compute.person_result` alone) is printed beside it.
2. **A roster upload** (target: ≤ 2x ``pyagent batch`` on the same rows): a seeded roster of
   ``--persons`` rows (``bench/roster.py``, CSV) posted to ``/roster`` (answered by
   ``run_batch`` with one job in the server's process), against ``pyagent batch`` on the same
   file as a whole process (every core) and ``run_batch`` in-process with one job.
"""

from __future__ import annotations

import argparse
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


def ms(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[int(0.9 * (len(values) - 1))]
    return f"median {statistics.median(values) * 1e3:.1f} ms, p90 {p90 * 1e3:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--persons", type=int, default=1000)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from pyagent.input.case import parse_case
    from pyagent.web import compute
    from pyagent.web.app import create_app
    from pyagent.web.form import case_text

    client = TestClient(create_app())
    assert client.post("/person", data=FORM).status_code == 200  # warm-up
    page, library = [], []
    case = parse_case(case_text(FORM).text)
    for _ in range(args.rounds):
        t = time.perf_counter()
        r = client.post("/person", data=FORM)
        page.append(time.perf_counter() - t)
        assert r.status_code == 200
        t = time.perf_counter()
        compute.person_result(case, "zh")
        library.append(time.perf_counter() - t)
    print(f"one person, POST /person (answers + 9 explanations): {ms(page)}")
    print(f"  of which the library (person_result): {ms(library)}")

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
        upload = time.perf_counter() - t
        assert r.status_code == 303, r.text[:500]
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
            ],
            check=True,
            capture_output=True,
        )
        cli = time.perf_counter() - t
        from pyagent.batch.pipeline import BatchConfig, run_batch
        import datetime as dt

        t = time.perf_counter()
        run_batch(roster, Path(tmp) / "out2.jsonl", BatchConfig(as_of=dt.date(2026, 7, 1), jobs=1))
        inproc = time.perf_counter() - t
    print(
        f"roster of {args.persons:,} persons ({len(data):,} bytes): POST /roster {upload:.2f} s; "
        f"pyagent batch (whole process) {cli:.2f} s; run_batch in-process, 1 job {inproc:.2f} s; "
        f"upload / pyagent batch = {upload / cli:.2f}x"
    )


if __name__ == "__main__":
    main()
