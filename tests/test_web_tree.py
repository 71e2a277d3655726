"""The page's explanation trees say each step as `pyagent why` does (`pyagent.explain.drawn`).

They did not: the page drew every comparison again as rule text, "(8 >= 未注明: 成立)" for a
comparison whose parameter is not set (unknown, said to hold), "(technician >= senior_worker:
成立)" in codes; the half sentence 「是否 8 ≥：未知」 that the terminal leaves out; a certificate
as its raw data (``certificates[0] = {"level": …}``); 8 years as ``8.0``; the readings by their
ids (「所依读法：certificate_clock=earliest」); and a repeated step without "(see above)"."""

from __future__ import annotations

import re
import warnings
from html import unescape

import pytest
from typer.testing import CliRunner

pytest.importorskip("starlette", reason="the web extra is part of the test extra")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from pyagent.cli import app  # noqa: E402
from pyagent.web.app import create_app  # noqa: E402

# A 技师 of 2023 without a title; the reverse path's parameter application_years.* not set,
# so the page's tree of skill.senior_worker holds a comparison of 8 years with a side not set.
CASE = """\
as_of: 2026-12-02
persons:
  - id: guli
    certificates:
      - {level: 技师, kind: 职业资格, obtained: 2023-06-30, occupation: 中式烹调师}
    technical_work:
      - {from: 2018-03-01}
    field: 工艺美术
    current_post: {since: 2024-02-01}
    annual_assessments:
      - {year: 2023, grade: 合格}
      - {year: 2024, grade: 合格}
      - {year: 2025, grade: 合格}
    titles: []
    cumulative_work_years: 8
"""


def _steps(html: str) -> list[str]:
    """Each step of the page's trees as one line of text (mark, sentence, clause, readings,
    inputs), the clause quotes left out."""
    html = re.sub(r"<blockquote.*?</blockquote>", "", html, flags=re.S)
    out = []
    for m in re.finditer(r'<span class="mark mark-\w+">(.*?)(?=<ul|</div>|</summary>)', html, re.S):
        text = unescape(re.sub(r"<[^>]+>", " ", m.group(1)))
        out.append(" ".join(text.split()))
    return out


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    with TestClient(create_app()) as c:
        return {
            lang: c.post("/person", data={"case_text": CASE, "action": "answer", "lang": lang}).text
            for lang in ("zh", "en")
        }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pages_trees_show_no_rule_text_nor_raw_data(pages, lang):
    steps = _steps(pages[lang])
    assert len(steps) > 100
    joined = "\n".join(steps)
    for bad in (">=", " = {", '"level"', "8.0", "所依读法", "readings consulted", "=earliest"):
        assert bad not in joined, (bad, [s for s in steps if bad in s][:3])
    assert not [s for s in steps if re.search(r"(是否 8 ≥：|whether 8 ≥:)", s)]
    assert "← cumulative_work_years: 8" in joined
    assert "← certificates[0]" in joined
    words = {"zh": "（读法：年限从最早的一份相应证书起算）", "en": "(reading: the years count from"}
    assert words[lang] in joined


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_step_on_the_page_reads_as_in_pyagent_why(pages, lang, tmp_path):
    case = tmp_path / "guli.yaml"
    case.write_text(CASE, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["why", str(case), "title.participate", "--lang", lang], env={"COLUMNS": "400"}
    )
    assert result.exit_code == 0, result.output
    lines = [
        line.split("✓ ", 1)[1].split(" [")[0].strip()
        for line in result.output.splitlines()
        if "✓ " in line
    ]
    steps = _steps(pages[lang])
    # every line of the terminal's tree is a step of the page's, "(see above)" included
    missing = [x for x in lines if not any(x in s for s in steps)]
    assert lines and not missing, missing[:5]
    above = {"zh": "（见上文）", "en": "(see above)"}[lang]
    assert any(above in x for x in lines) and any(above in s for s in steps)
