"""Benchmark the input limits of pyagent.input.case: time and peak memory at each bound.

    python bench/bench_limits.py                 # every scenario, about a minute
    python bench/bench_limits.py --only bomb deep

Each scenario runs in a fresh process (so that its peak resident memory is its own) and
prints the wall time of the measured step (reading, refusing or answering; not the setup)
and the peak RSS of the whole process:

* ``max_bytes_json`` / ``max_bytes_yaml``: read and validate a case file just under the
  default size limit (``pyagent.input.case.MAX_BYTES``), as JSON and as YAML;
* ``over_max_bytes``: refuse a file of 1 GB (sparse): only ``max_bytes + 1`` bytes are read;
* ``bomb``: refuse a billion-laughs YAML alias bomb;
* ``deep``: refuse 100,000 nested brackets, YAML and JSON;
* ``person_at_limits``: answer one person with every list at ``MAX_ITEMS`` entries;
* ``over_limits``: refuse a person with 100,000 certificates;
* ``persons``: answer 200 persons (of ``MAX_PERSONS``): the time per person.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = "2026-07-01"


def full_person(k: int, items: int) -> dict:
    return {
        "id": f"p{k}",
        "certificates": [
            {
                "level": ["senior_worker", "technician", "senior_technician"][i % 3],
                "kind": "skill_level",
                "obtained": f"{1950 + i % 70}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "occupation": "电工",
            }
            for i in range(items)
        ],
        "technical_work": [
            {"from": f"{1920 + i}-01-01", "to": f"{1920 + i}-06-01"} for i in range(items)
        ],
        "field": "engineering",
        "current_post": {"since": "2010-01-01", "occupation": "电工"},
        "annual_assessments": [
            {"year": 2025 - i, "grade": ["qualified", "pending", "basically_qualified"][i % 3]}
            for i in range(min(items, 76))
        ],
        "honours": [{"code": "national_contest_silver"}, "national_contest_first_prize"]
        * (items // 2),
        "titles": [
            {
                "rank": ["junior", "assistant", "intermediate", "associate_senior", "full_senior"][
                    i % 5
                ],
                "series": f"s{i}",
                "obtained": f"{1950 + i % 70}-01-01",
            }
            for i in range(items)
        ],
        "cumulative_work_years": 30,
    }


def scenario(name: str, directory: Path) -> tuple[str, float]:
    """What happened, and the seconds the measured step took (not the setup)."""
    from pyagent.input import case as case_module
    from pyagent.explain.answers import answer_case
    from pyagent.input.case import load_case, parse_case
    from pyagent.errors import InputError

    def refused(run) -> str:
        try:
            run()
        except InputError as err:
            return f"refused: {err.message[:60]}"
        return "ACCEPTED"

    def timed(run):
        began = time.perf_counter()
        out = run()
        return out, time.perf_counter() - began

    if name in ("max_bytes_json", "max_bytes_yaml"):
        persons, size = [], 0
        while True:
            p = json.loads(
                json.dumps(full_person(len(persons), 14))
            )  # no shared objects: no aliases
            size += len(json.dumps(p, ensure_ascii=False).encode()) + 2
            if size > case_module.MAX_BYTES * 0.9 or len(persons) >= case_module.MAX_PERSONS:
                break
            persons.append(p)
        doc = {"as_of": AS_OF, "persons": persons}
        if name.endswith("json"):
            path = directory / "big.json"
            path.write_text(json.dumps(doc, ensure_ascii=False))
        else:
            import yaml

            path = directory / "big.yaml"
            path.write_text(yaml.safe_dump(doc, allow_unicode=True, default_flow_style=None))
        size = path.stat().st_size
        if size > case_module.MAX_BYTES:
            return f"{size:,} bytes: over the limit, generator needs fixing"
        case, seconds = timed(lambda: load_case(path))
        return f"{size:,} bytes, {len(case.persons)} persons read", seconds
    if name == "over_max_bytes":
        path = directory / "huge.yaml"
        with path.open("wb") as handle:
            handle.truncate(10**9)
        return timed(lambda: refused(lambda: load_case(path)))
    if name == "bomb":
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
            f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 10)
        ]
        text = "\n".join(lines) + "\nperson: {id: p, papers: *a9}\n"
        return timed(lambda: refused(lambda: parse_case(text, "b.yaml")))
    if name == "deep":
        yaml_text = "person: {id: p, papers: " + "[" * 100_000 + "]" * 100_000 + "}"
        json_text = '{"person": {"id": "p", "papers": ' + "[" * 100_000 + "]" * 100_000 + "}}"
        return timed(
            lambda: (
                refused(lambda: parse_case(yaml_text, "d.yaml"))
                + " / "
                + refused(lambda: parse_case(json_text, "d.json"))
            )
        )
    if name == "person_at_limits":
        doc = {"as_of": AS_OF, "person": full_person(0, case_module.MAX_ITEMS)}
        answers, seconds = timed(lambda: answer_case(parse_case(json.dumps(doc), "p.json")))
        return f"{len(answers.persons[0].answers)} answers", seconds
    if name == "over_limits":
        doc = {
            "as_of": AS_OF,
            "person": {"id": "p", "certificates": [{"level": "technician"}] * 100_000},
        }
        text = json.dumps(doc)
        return timed(lambda: refused(lambda: parse_case(text, "o.json")))
    if name == "persons":
        doc = {"as_of": AS_OF, "persons": [full_person(k, 3) for k in range(200)]}
        case = parse_case(json.dumps(doc), "many.json")
        _, seconds = timed(lambda: answer_case(case))
        return f"200 persons answered, {seconds / 200 * 1000:.0f} ms a person", seconds
    raise SystemExit(f"unknown scenario {name}")


SCENARIOS = (
    "max_bytes_json", "max_bytes_yaml", "over_max_bytes", "bomb", "deep",
    "person_at_limits", "over_limits", "persons",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        with tempfile.TemporaryDirectory() as tmp:
            what, elapsed = scenario(args.scenario, Path(tmp))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{args.scenario:18} {elapsed:8.2f} s {peak:8.0f} MB  {what}")
        return
    print(f"{'scenario':18} {'time':>10} {'peak RSS':>11}  outcome")
    for name in args.only:
        subprocess.run([sys.executable, __file__, "--scenario", name], check=True)


if __name__ == "__main__":
    main()
