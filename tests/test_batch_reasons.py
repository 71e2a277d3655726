"""Where batch writes reasons (OUT.csv / OUT.xlsx), they are ``pyagent ask``'s, person by person:
the one-line reason of every answer and what would settle an unknown one, in the language
asked, on generated rosters (SPEC section 9).  Compared with ask, never with fixed strings."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyagent.batch.pipeline import BatchConfig, run_batch
from pyagent.batch.tables import settle_text
from pyagent.explain.answers import answer_case
from pyagent.explain.flips import STATUS_ZH
from pyagent.input.case import parse_person
from pyagent.input.model import Case
from test_batch import AS_OF, PARAMETERS, near_thresholds, persons, write_jsonl


@settings(
    max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10**6), lang=st.sampled_from(["en", "zh"]))
def test_table_reasons_are_asks(tmp_path: Path, seed: int, lang: str) -> None:
    rows = persons(seed, 3) + near_thresholds(seed)[:1]
    roster = write_jsonl(tmp_path / f"r{seed}.jsonl", rows)
    out = tmp_path / f"r{seed}.{lang}.csv"
    run_batch(roster, out, BatchConfig(as_of=AS_OF, parameters=PARAMETERS, jobs=1, lang=lang))
    table = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))[1:]
    case = Case("<ask>", AS_OF, {}, PARAMETERS, tuple(parse_person(r, "<ask>", "") for r in rows))
    asked = answer_case(case, lang=lang).to_json()["persons"]
    assert [r[0] for r in table] == [p["id"] for p in asked]
    for cells, person in zip(table, asked, strict=True):
        answers = person["answers"]
        statuses = [STATUS_ZH[a["status"]] if lang == "zh" else a["status"] for a in answers]
        assert cells[1::4] == statuses
        assert cells[2::4] == [a["reason"] for a in answers]
        assert all(cells[2::4])  # every answer has its reason
        settle = [
            ("；" if lang == "zh" else "; ").join(
                settle_text(s, lang) for s in a.get("to_settle") or ()
            )
            if a["status"] == "unknown"
            else ""
            for a in answers
        ]
        assert cells[4::4] == settle


def test_a_table_says_what_settles_an_unknown_as_ask_says_it(tmp_path: Path) -> None:
    # three yes-or-no inputs needed together (P4.S3): the cell says what each then states and
    # that they are needed together, as ask's to_settle sentence does, never 「若为是，则是」
    row = {
        "id": "p1",
        "certificates": [
            {"level": "senior_technician", "kind": "skill_level", "obtained": "2019-05-01"}
        ],
        "honours": [],
        "titles": [],
    }
    roster = write_jsonl(tmp_path / "r.jsonl", [row])
    for lang, together in (("zh", "须同时具备"), ("en", "none of them makes it yes alone")):
        out = tmp_path / f"r.{lang}.csv"
        run_batch(roster, out, BatchConfig(as_of=AS_OF, parameters=PARAMETERS, jobs=1, lang=lang))
        table = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
        (column,) = [
            k for k, h in enumerate(table[0]) if h.startswith("special_talent.apply") and k % 4 == 0
        ]
        cell = table[1][column]
        assert "若为是" not in cell and "yes if 是" not in cell and "yes if yes" not in cell
        assert cell.count("economic_benefit") >= 3 and together in cell, cell
