"""A roster's summary says its numbers one way wherever it is shown: 5,000 (a comma between
thousands, in zh as in en, as every message of the project writes a count) in the summary of
``pyagent batch`` on stderr, on the page of a roster and in its report."""

from __future__ import annotations

import io
import re
import types

import pytest
from rich.console import Console

from pyagent.cli.batch import _summary_table
from test_web import DEMO_ROSTER, client, finished  # noqa: F401  (client: a fixture)


def _big(summary: dict) -> dict:
    """The summary of the demo roster as if it had 5,000 persons (1,234 of them yes)."""
    counts = {q: {"yes": 1234, "no": 3766, "unknown": 0} for q in summary["counts"]}
    return {**summary, "persons_in": 5000, "persons_out": 5000, "counts": counts}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_and_its_report_say_5_000(client, lang):  # noqa: F811
    r = client.post(
        "/roster",
        data={"as_of": "2026-07-01", "lang": lang},
        files={"roster": ("demo_roster.csv", DEMO_ROSTER.read_bytes(), "text/csv")},
        follow_redirects=False,
    )
    page = finished(client, r)
    token = re.search(r"/roster/([\w-]+)/answers\.csv", page.text).group(1)
    from pyagent.web.roster import stored

    result = stored(token)
    assert result is not None
    result.summary = _big(result.summary)
    for url in (f"/roster/{token}?lang={lang}", f"/roster/{token}/report.html?lang={lang}"):
        text = client.get(url).text
        summary = re.search(r"<h2>[^<]*</h2>\s*<p>(.*?)</p>", text, re.S).group(1)
        assert "5,000" in summary and "5000" not in summary, summary
        assert "1,234" in text and "1234" not in text.replace("1,234", ""), url
    said = client.get(f"/roster/{token}?lang={lang}").text
    seconds = re.search(r"· ([\d,.]+) (seconds|秒)", said).group(1)
    assert re.fullmatch(r"[\d,]+\.\d", seconds), seconds  # to a tenth, as batch says it


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_batch_summary_says_5_000(lang):
    counts = {"title.assistant": {"yes": 1234, "no": 3766, "unknown": 0}}
    summary = types.SimpleNamespace(
        counts=counts,
        flips=None,
        compare=None,
        persons_in=5000,
        persons_out=5000,
        errors=0,
        seconds=12.34,
        output="o.csv",
        errors_file="o.csv.errors.jsonl",
    )
    out = io.StringIO()
    _summary_table(Console(file=out, width=200, color_system=None), summary, None, lang)
    text = out.getvalue()
    assert "5,000" in text and "1,234" in text and "5000" not in text, text
