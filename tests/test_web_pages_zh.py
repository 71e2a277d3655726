"""Every page under ``?lang=zh`` is Chinese throughout, the options of its pickers included
(SPEC section 9: one language per output; codes, file names and the aliases of codes aside):
the roster form's format picker said "auto", the JSON API page was English from its table
headers ("route", "body", "returns") to its schema list, a page that does not exist said
"Not Found", and the roster's download hint named pyagent batch bare in a Chinese sentence."""

from __future__ import annotations

import re
import warnings

import pytest

pytest.importorskip("starlette", reason="the web extra is part of the test extra")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from pyagent.web.app import create_app  # noqa: E402
from test_web import DEMO_ROSTER, FORM, finished  # noqa: E402
from test_web_language import _Text, _wrong_language  # noqa: E402


class _Everything(_Text):
    """The text a reader sees, the options of pickers included (codes and programs aside)."""

    SKIP = {"code", "pre", "script", "style", "textarea"}


def _seen(html: str) -> list[str]:
    parser = _Everything(lambda tag, a: tag == "body")
    parser.feed(html)
    return [line.strip() for line in parser.lines if line.strip()]


@pytest.fixture(scope="module")
def pages() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    bad_row = b"bad_row,tecnician,skill_level,2020-01-01\n"
    with TestClient(create_app(job_wait=2)) as c:
        for lang in ("zh", "en"):
            upload = c.post(
                "/roster",
                data={"lang": lang, "as_of": "2026-07-01"},
                files={"roster": ("r.csv", DEMO_ROSTER.read_bytes() + bad_row, "text/csv")},
                follow_redirects=False,
            )
            out[lang] = {
                "person form": c.get(f"/?lang={lang}").text,
                "answers": c.post("/person", data={**FORM, "lang": lang}).text,
                "roster form": c.get(f"/roster?lang={lang}").text,
                "roster": finished(c, upload).text,
                "notice": c.get(f"/notice?lang={lang}").text,
                "api": c.get(f"/api?lang={lang}").text,
                "no such page": c.get(f"/no/such/page?lang={lang}").text,
                "no such roster": c.get(f"/roster/nothing?lang={lang}").text,
            }
    return out


@pytest.mark.parametrize(
    "name",
    ["person form", "answers", "roster form", "roster", "notice", "api", "no such page"]
    + ["no such roster"],
)
def test_every_page_in_zh_is_chinese_its_pickers_included(pages, name):
    # (under en the notice is quoted and the codes' aliases shown in Chinese, by design)
    lines = _seen(pages["zh"][name])
    assert lines
    bad = [(line, w) for line in lines if (w := _wrong_language(line, "zh"))]
    assert not bad, bad[:8]


def test_the_roster_forms_format_picker_and_a_missing_page_in_zh(pages):
    zh, en = pages["zh"], pages["en"]
    picker = re.search(r'<select name="format"[^>]*>(.*?)</select>', zh["roster form"], re.S)
    assert picker and '<option value="">自动识别</option>' in picker.group(1), picker
    assert '<option value="">auto</option>' in en["roster form"]
    assert "没有这个页面" in zh["no such page"] and "Not Found" not in zh["no such page"]
    assert "No such page" in en["no such page"]
    assert "「pyagent batch」" in zh["roster"]


def test_the_api_page_in_zh_uses_chinese_punctuation(pages):
    api = pages["zh"]["api"]
    assert "（<code>409</code>：尚未结束）" in api
    assert "</a>：案例文件" in api and "</a>: " not in api
    assert " (<code>409</code>: not ended yet)" in pages["en"]["api"]
