"""The readings in both languages (SPEC section 9): every reading's question and the reason for
its default are written in kb/readings.lp in English and in Chinese, and the page, the report
and the CLI show them in the language asked, checked with SPEC 9's language patterns
(tests/test_explain_language.py)."""

from __future__ import annotations

import json
import re
import warnings
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from pyagent.cli import app
from pyagent.explain.templates import ALIASES
from pyagent.kb import readings

pytest.importorskip("starlette", reason="the web extra is part of the test extra")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from pyagent.web.app import create_app  # noqa: E402
from test_web import FORM  # noqa: E402

_CJK = r"\u3400-\u9fff"
_QUOTED = re.compile(r"「[^」]*」|“[^”]*”|『[^』]*』|《[^》]*》")
_ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,})+\b")
_CHINESE = re.compile(rf"[{_CJK}][{_CJK}，、；：（）0-9]*[{_CJK}]")


def _wrong_language(text: str, lang: str) -> str | None:
    """The first phrase of ``text`` in the other language (quotes and codes aside, and under en
    a code beside its Chinese name, 「高级工 (senior_worker)」, as the explanations say it), or
    None."""
    plain = _QUOTED.sub(" ", text)
    if lang == "en":
        for alias, code in sorted(((a, c) for c, a in ALIASES.items()), key=lambda p: -len(p[0])):
            plain = plain.replace(f"{alias} ({code})", " ")
    found = (_ENGLISH if lang == "zh" else _CHINESE).search(plain)
    return found.group(0) if found else None


def test_every_reading_has_its_question_and_reason_in_both_languages() -> None:
    for r in readings().values():
        for lang in ("en", "zh"):
            for text in (r.question_in(lang), r.reason_in(lang)):
                assert text.strip(), (r.name, lang)
                assert _wrong_language(text, lang) is None, (r.name, lang, text)
        assert re.search(f"[{_CJK}]", r.question_in("zh") + r.reason_in("zh")), r.name
        assert r.question_in("zh") != r.question and r.reason_in("zh") != r.reason


class _Text(HTMLParser):
    """The text a reader sees inside the elements chosen by ``keep(tag, attrs)`` (codes and
    form options aside), one line per block element."""

    SKIP = {"code", "pre", "script", "style", "option", "select"}

    def __init__(self, keep) -> None:
        super().__init__()
        self.keep, self.stack, self.lines = keep, [], [""]

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("br", "input", "meta", "link", "img"):
            return
        self.stack.append((tag, self.keep(tag, dict(attrs))))
        self.lines.append("")

    def handle_endtag(self, tag) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass
        self.lines.append("")

    def handle_data(self, data) -> None:
        tags = [t for t, _ in self.stack]
        if any(k for _, k in self.stack) and not self.SKIP & set(tags):
            self.lines[-1] += data


def _shown(html: str, keep) -> list[str]:
    parser = _Text(keep)
    parser.feed(html)
    return [line.strip() for line in parser.lines if line.strip()]


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_readings_on_the_page_the_notice_and_the_report_are_in_the_language_asked(
    client, lang
) -> None:
    changed = {**FORM, "lang": lang, "readings.basically_qualified": "passes"}
    person = client.post("/person", data=changed).text
    notice = client.get(f"/notice?lang={lang}").text
    report = client.post("/person/report", data=changed).text
    in_readings = _shown(
        person, lambda tag, a: tag == "tr" and a.get("id", "").startswith("reading-")
    )
    in_notice = _shown(notice, lambda tag, a: tag == "ul" and a.get("class") == "hint")
    in_report = _shown(report, lambda tag, a: tag == "ul" and a.get("class") == "readings-list")
    for where, lines in (("page", in_readings), ("notice", in_notice), ("report", in_report)):
        assert lines, where
        bad = [(line, w) for line in lines if (w := _wrong_language(line, lang))]
        assert not bad, f"{where} ({lang}): {bad[:5]}"
    every = readings()
    for r in every.values():
        assert r.question_in(lang) in " ".join(in_readings)
        assert r.reason_in(lang) in " ".join(in_readings)
    assert every["basically_qualified"].reason_in(lang) in " ".join(in_report)
    assert every["field_list"].question_in(lang) in " ".join(in_notice)


def test_pyagent_readings_and_clauses_say_the_readings_in_the_language_asked() -> None:
    runner = CliRunner()
    for lang in ("zh", "en"):
        doc = json.loads(runner.invoke(app, ["readings", "--json", "--lang", lang]).stdout)
        for row in doc["readings"]:
            r = readings()[row["name"]]
            assert (row["question"], row["reason"]) == (r.question_in(lang), r.reason_in(lang))
        out = runner.invoke(app, ["clauses", "P2.S3.a", "--lang", lang], env={"COLUMNS": "400"})
        said = [line.strip() for line in out.stdout.splitlines() if "assessment_post" in line]
        assert said == [
            ("读法 assessment_post：" if lang == "zh" else "reading assessment_post: ")
            + readings()["assessment_post"].question_in(lang)
        ]
    table = runner.invoke(app, ["readings", "--lang", "zh"], env={"COLUMNS": "400"}).stdout
    assert "默认理由" in table and readings()["field_list"].reason_in("zh")[:20] in table


def test_the_roster_pages_refusals_are_in_the_language_of_the_page(client, monkeypatch) -> None:
    from pyagent.web import roster

    rows = b"\n".join(json.dumps({"id": f"p{i}"}).encode() for i in range(5))
    monkeypatch.setattr(roster, "MAX_ROSTER_PERSONS", 2)
    for lang, said in (("zh", "名单超过本页上限 2 行"), ("en", "more than 2 rows")):
        r = client.post(
            "/roster", data={"lang": lang}, files={"roster": ("r.jsonl", rows, "text/plain")}
        )
        assert r.status_code == 422 and said in r.text and "pyagent batch" in r.text
    r = client.post("/roster", data={"lang": "zh"}, files={"roster": ("r.txt", rows, "text/plain")})
    assert r.status_code == 422 and "无法从文件名判断名单格式" in r.text
    r = client.post("/roster", data={"lang": "zh"})
    assert r.status_code == 422 and "没有上传名单" in r.text


def test_the_notice_page_in_zh_is_chinese_throughout(client) -> None:
    """Clause texts, what is not encoded and why, readings, pins: no English sentence (codes,
    file names and the rules of kb/ aside)."""
    html = client.get("/notice?lang=zh").text
    lines = _shown(html, lambda tag, a: tag == "main")
    assert len(lines) > 50
    bad = [(line, w) for line in lines if (w := _wrong_language(line, "zh"))]
    assert not bad, bad[:5]
    assert "不具规范性" in html  # why a headline is not encoded, in Chinese (kb/clauses.lp)
