"""`pyagent serve`: every page and API route through Starlette's TestClient, bad input, XSS ids,
the JSON Schemas of pyagent/schemas against real outputs, and `pyagent report`."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is part of the test extra")
import warnings  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

import jsonschema  # noqa: E402
from markupsafe import escape  # noqa: E402
from referencing import Registry, Resource  # noqa: E402

from pyagent.input.case import parse_case  # noqa: E402
from pyagent.web.api import SCHEMAS, schema_text  # noqa: E402
from pyagent.web.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "queries" / "demo.yaml"
DEMO_ROSTER = ROOT / "queries" / "demo_roster.csv"
XSS = "<script>alert(1)</script>"

# A 高级工 of 2022 with the 2025 assessment left unstated (the browser test's person).
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
}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


def statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="answer-([a-z_.]+)"[^>]*>.*?data-status="(\w+)"', html, re.S))


def finished(client, r):
    """The page a job's progress page leads to once the job has ended: ``r`` is the 303 to the
    progress page (from an upload or a download); the job is waited for on its own event."""
    assert r.status_code == 303, r.text[:2000]
    url = r.headers["location"]
    token = re.fullmatch(r"/roster/job/([\w-]+)\?lang=\w+(&get=[\w.]+)?", url).group(1)
    assert client.app.state.background.get(token).finished.wait(300)
    return client.get(url, follow_redirects=True)


def download(client, url: str):
    """A download with reasons: its job (a progress page), then the page that fetches it (its
    meta refresh, which a browser follows), then the file."""
    ready = finished(client, client.get(url, follow_redirects=False))
    assert ready.status_code == 200
    target = url.split("?")[0].split("/")[-1]
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', ready.text)
    assert refresh and refresh.group(1).replace("&amp;", "&") == url, ready.text
    assert f"/{target}?" in refresh.group(1)
    return client.get(url, follow_redirects=False)


def validator(name: str):
    schemas = {n: json.loads(schema_text(n)) for n in SCHEMAS}
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    return jsonschema.Draft202012Validator(schemas[name], registry=registry)


def test_every_page_is_served_with_the_security_headers(client):
    for path in (
        "/",
        "/person",
        "/roster",
        "/notice",
        "/api",
        "/api/schema",
        "/static/style.css",
        "/static/app.js",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0], path
    page = client.get("/").text
    assert (
        "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    )  # nothing from outside
    assert '<script src="/static/app.js"' in page and "<script>" not in page


def test_language_follows_the_browser_and_the_switch(client):
    client.cookies.clear()  # nothing remembered: the browser's wish decides
    zh = client.get("/notice", headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert 'lang="zh-CN"' in zh.text and "《通知》逐条" in zh.text
    en = client.get("/notice?lang=en")
    assert 'lang="en"' in en.text and "The notice, clause by clause" in en.text
    assert 'href="/notice?lang=zh"' in en.text  # the switch


def test_the_form_answers_with_unknown_and_what_would_settle_it(client):
    r = client.post("/person", data={**FORM, "lang": "en"})
    assert r.status_code == 200
    found = statuses(r.text)
    assert len(found) == 9 and found["title.participate"] == "unknown"
    assert "annual_assessments" in r.text  # what it depends on / what settles it
    assert "具有高级工以上职业资格或职业技能等级的高技能人才" in r.text  # P2.S3.a quoted in a tree
    assert (
        "取得高级工职业资格或职业技能等级后，从事技术技能工作满2年" in r.text
    )  # P3.S1 quoted in full
    # the same answers as the library gives for the same case
    from pyagent.explain.answers import answer_case
    from pyagent.web.form import case_text

    expected = answer_case(parse_case(case_text(FORM).text), lang="en").persons[0].answers
    assert found == {a.question: a.status for a in expected}
    import html

    reasons = [html.unescape(x) for x in re.findall(r'<td class="reason">(.*?)</td>', r.text, re.S)]
    assert reasons == [
        a.reason for a in expected
    ]  # the library's reasons, as pyagent ask gives them
    assert (
        "annual assessment" in r.text.split('id="answer-title.participate"')[1].split("why-row")[0]
    )


def test_a_reading_switched_shows_the_flip(client):
    form = {**FORM, "annual_assessments[0].at_current_post": "false", "lang": "en"}
    before = client.post("/person", data={**form, "flips": "1"}).text
    fragment = client.post("/person/flips", data=form).text
    assert 'data-reading="assessment_post" data-value="any_post"' in fragment
    flips = re.search(
        r'data-reading="assessment_post" data-value="any_post">(.*?)</div>', before, re.S
    )
    assert flips and "title.participate" in flips.group(1)
    after = client.post("/person", data={**form, "readings.assessment_post": "any_post"}).text
    assert statuses(before)["title.participate"] != statuses(after)["title.participate"]
    assert 'class="was"' in after  # the answer under the default readings shown beside


def test_a_bad_field_is_refused_beside_it_with_the_clis_message(client):
    r = client.post("/person", data={**FORM, "certificates[0].level": "tecnician", "lang": "en"})
    assert r.status_code == 422
    error = re.search(r'data-field="certificates\[0\]\.level">([^<]*)<', r.text)
    assert error and "did you mean &#39;technician&#39;" in error.group(1)
    # the second filled row of a list is named by its own row of the form
    form = {**FORM, "annual_assessments[2].year": "2025", "annual_assessments[2].grade": "bad"}
    r = client.post("/person", data=form)
    assert r.status_code == 422 and 'data-field="annual_assessments[2].grade"' in r.text
    r = client.post("/person", data={**FORM, "cumulative_work_years": "lots"})
    assert r.status_code == 422 and 'data-field="cumulative_work_years"' in r.text
    assert "Traceback" not in r.text


def test_an_id_is_always_text(client):
    r = client.post("/person", data={**FORM, "id": XSS})
    assert r.status_code == 200
    assert XSS not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    report = client.post("/person/report", data={**FORM, "id": XSS})
    assert report.status_code == 200 and XSS not in report.text and "<script" not in report.text


def test_a_pasted_case_is_answered_by_the_answer_button_too(client):
    # pasting a case and pressing 查询 (not 读取案例) answers the pasted case, not the empty form
    text = DEMO.read_text("utf-8")
    r = client.post(
        "/person", data={"case_text": text, "action": "answer", "person_pick": "li_senior_worker"}
    )
    assert r.status_code == 200 and statuses(r.text)["title.assistant"] == "no"
    assert 'value="li_senior_worker"' in r.text
    assert re.search(r'<textarea[^>]*id="f-case_text"[^>]*></textarea>', r.text)  # read: emptied


def test_a_pasted_case_with_several_persons_and_a_bad_one(client):
    text = DEMO.read_text("utf-8")
    r = client.post(
        "/person", data={"case_text": text, "action": "load", "person_pick": "li_senior_worker"}
    )
    assert r.status_code == 200 and statuses(r.text)["title.assistant"] == "no"
    assert 'value="wang_technician"' in r.text  # the person picker
    r = client.post(
        "/person", data={"case_text": "persons: [{id: a, honours: [gold]}]", "action": "load"}
    )
    assert r.status_code == 422 and 'data-field="case_text"' in r.text
    with pytest.raises(Exception) as err:
        parse_case("persons: [{id: a, honours: [gold]}]", "<pasted case>")
    assert str(escape(str(err.value))) in r.text  # the CLI's message, word for word
    up = client.post(
        "/person",
        data={"action": "load"},
        files={"case_file": ("x.yaml", b"\xff\xfe", "application/yaml")},
    )
    assert up.status_code == 422 and "not UTF-8" in up.text


def test_what_if_on_the_page(client):
    r = client.post("/person", data={**FORM, "whatif": "title.participate", "lang": "en"})
    assert r.status_code == 200 and 'id="whatif-result"' in r.text
    assert "2025" in r.text.split('id="whatif-result"')[1]


def test_the_person_report_is_self_contained(client):
    r = client.post("/person/report", data={**FORM, "lang": "zh"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    html = r.text
    assert "<style>" in html and "<script" not in html and 'rel="stylesheet"' not in html
    assert "决定报告" in html and "P3.S1" in html and "@media print" in html
    assert "gao_ji_gong" in html and "2026-07-01" in html


def test_the_roster_page(client, tmp_path):
    from typer.testing import CliRunner

    from pyagent.cli import app

    data = DEMO_ROSTER.read_bytes()
    r = client.post(
        "/roster",
        data={"as_of": "2026-07-01", "parameters.application_years.technician": "8", "lang": "en"},
        files={"roster": ("demo_roster.csv", data, "text/csv")},
        follow_redirects=False,
    )
    r = finished(client, r)
    assert r.status_code == 200 and "<svg" in r.text and "<rect" in r.text
    assert r.text.count('href="/roster/') >= 4
    token = re.search(r"/roster/([\w-]+)/answers\.csv", r.text).group(1)
    person = client.get(f"/roster/{token}/person/1?lang=en")
    assert person.status_code == 200 and "li_senior_worker" in person.text
    assert statuses(person.text)["title.assistant"] == "no"
    # the downloads are what `pyagent batch --lang` writes for the same rows, reasons and all
    for lang in ("en", "zh"):
        cli = tmp_path / lang
        cli.mkdir()
        for kind in ("csv", "jsonl"):
            done = CliRunner().invoke(
                app,
                [
                    "batch",
                    str(DEMO_ROSTER),
                    "-o",
                    str(cli / f"a.{kind}"),
                    "--lang",
                    lang,
                    "--as-of",
                    "2026-07-01",
                    "--parameter",
                    "application_years.technician=8",
                ],
            )
            assert done.exit_code == 0, done.output
        csv = download(client, f"/roster/{token}/answers.csv?lang={lang}")
        assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
        assert csv.content.startswith("\ufeff".encode()) and b"title.participate" in csv.content
        assert csv.content == (cli / "a.csv").read_bytes()
        # written with the CSV: at once, without a job
        jsonl = client.get(f"/roster/{token}/answers.jsonl?lang={lang}", follow_redirects=False)
        assert jsonl.status_code == 200
        jsonl = jsonl.text
        assert jsonl == (cli / "a.jsonl").read_text("utf-8")
        line = validator("batch-line")
        assert all(line.is_valid(json.loads(x)) for x in jsonl.splitlines())
        assert len(jsonl.splitlines()) == 4 and '"reason"' in jsonl
    rep = client.get(f"/roster/{token}/report.html?lang=zh")
    assert rep.status_code == 200 and "<svg" in rep.text and "<script" not in rep.text
    # every page of rows shows each row's reasons: each person's own, as ask gives them
    said = client.get(f"/roster/{token}?lang=zh&page=1").text
    assert said.count('class="reason"') == 4 * 9
    from pyagent.explain.answers import answer_case
    from pyagent.input.sources import load_input

    li = load_input(
        str(DEMO_ROSTER),
        person="li_senior_worker",
        as_of=dt.date(2026, 7, 1),
        parameters={"application_years.technician": 8},
    )
    own = answer_case(li, lang="zh").persons[0].answers
    assert all(str(escape(a.reason)) in said for a in own)
    assert client.get("/roster/nope").status_code == 404
    assert client.get(f"/roster/{token}/person/99").status_code == 404
    assert client.get(f"/roster/{token}/other.txt").status_code == 404


def test_a_roster_over_the_limit_points_to_batch(client, monkeypatch):
    from pyagent.web import roster

    rows = b"\n".join(json.dumps({"id": f"p{i}"}).encode() for i in range(5))
    monkeypatch.setattr(roster, "MAX_ROSTER_PERSONS", 2)
    r = client.post(
        "/roster", data={"lang": "en"}, files={"roster": ("r.jsonl", rows, "application/x-ndjson")}
    )
    assert r.status_code == 422 and "more than 2 rows" in r.text and "pyagent batch" in r.text
    monkeypatch.setattr(roster, "MAX_ROSTER_PERSONS", 100)
    monkeypatch.setattr(roster, "MAX_ROSTER_BYTES", 50)
    r = client.post(
        "/roster", data={"lang": "en"}, files={"roster": ("r.jsonl", rows, "application/x-ndjson")}
    )
    assert r.status_code == 422 and "larger than 50 bytes" in r.text and "pyagent batch" in r.text
    r = client.post("/roster", files={"roster": ("r.txt", rows, "text/plain")})
    assert r.status_code == 422 and "format" in r.text
    r = client.post("/roster", data={"lang": "en"})
    assert r.status_code == 422 and "no roster was uploaded" in r.text


def test_the_notice_page(client):
    html = client.get("/notice?lang=zh").text
    for ref in ("P2.S2", "P2.S3.a", "P3.S1", "P4.S2", "P5.S1.a"):
        assert f'<span class="clause">{ref}</span>' in html
    assert (
        "kb/p3_ranks.lp" in html and "assessment_post" in html and "queries/p3_s1_assistant" in html
    )


def test_the_json_api_gives_the_clis_documents(client):
    text = DEMO.read_bytes()
    ask = client.post("/api/ask", content=text)
    assert ask.status_code == 200 and validator("answers").is_valid(ask.json())
    from pyagent.explain.answers import answer_case
    from pyagent.input.case import load_case

    assert ask.json()["persons"] == answer_case(load_case(DEMO), lang="en").to_json()["persons"]
    assert ask.json()["persons"][1]["answers"][0]["to_settle"]  # li: unknown, settled by 2025
    why = client.post(
        "/api/why?question=title.assistant&person=li_senior_worker&lang=zh", content=text
    )
    assert why.status_code == 200
    validator("explanation").validate(why.json())
    wi = client.post("/api/what-if?question=title.assistant&person=li_senior_worker", content=text)
    assert wi.status_code == 200
    validator("whatif").validate(wi.json())
    batch = client.post("/api/batch?format=csv&as_of=2026-07-01", content=DEMO_ROSTER.read_bytes())
    assert batch.status_code == 200
    validator("batch").validate(batch.json())
    assert batch.json()["roster"] == "roster.csv" and "/tmp" not in batch.text


def test_the_json_api_refuses_bad_input_with_the_clis_message(client):
    r = client.post("/api/ask", content=b"persons: [{id: a, field: Engineering}]")
    assert r.status_code == 422
    with pytest.raises(Exception) as err:
        parse_case("persons: [{id: a, field: Engineering}]", "<request>")
    assert r.json()["error"] == str(err.value)
    assert client.post("/api/ask", content=b"").status_code == 400
    assert (
        client.post("/api/ask?reading=field_list=wide", content=DEMO.read_bytes()).status_code
        == 422
    )
    assert client.post("/api/why", content=DEMO.read_bytes()).status_code == 400
    r = client.post("/api/why?question=title.asistant", content=DEMO.read_bytes())
    assert r.status_code == 422 and "did you mean" in r.json()["error"]
    assert client.post("/api/batch", content=b"{}").status_code == 400
    assert client.get("/api/schema/../../pyproject.toml").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_the_request_size_limit():
    with TestClient(create_app(max_body=1000)) as small:
        r = small.post("/api/ask", content=b"x" * 5000)
        assert r.status_code == 413 and "limit" in r.text


def test_the_schemas_describe_every_json_output(tmp_path):
    from pyagent.input.case import load_case
    from pyagent.pins.check import load_pins, run_pins
    from pyagent.pins.diff import reading_diff

    for name in SCHEMAS:
        jsonschema.Draft202012Validator.check_schema(json.loads(schema_text(name)))
    case = validator("case")
    import yaml

    assert case.is_valid(
        json.loads(json.dumps(yaml.safe_load(DEMO.read_text("utf-8")), default=str))
    )
    assert not case.is_valid({"persons": []})
    pins = sorted((ROOT / "queries" / "p3_s1_assistant").glob("*.yaml"))[:1]
    validator("check").validate(run_pins(load_pins(pins)).to_json())
    validator("diff").validate(reading_diff([DEMO], {"field_list": "open"}).to_json())
    assert load_case(DEMO)


def test_pyagent_report_writes_one_file(tmp_path):
    from typer.testing import CliRunner

    from pyagent.cli import app

    out = tmp_path / "report.html"
    r = CliRunner().invoke(
        app, ["report", str(DEMO), "--person", "li_senior_worker", "--lang", "en", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    html = out.read_text("utf-8")
    assert "Decision report" in html and "li_senior_worker" in html and "<script" not in html
    r = CliRunner().invoke(app, ["report", str(DEMO), "-o", str(tmp_path / "all.html")])
    assert r.exit_code == 0 and "<svg" in (tmp_path / "all.html").read_text("utf-8")
    r = CliRunner().invoke(app, ["report", str(DEMO), "--person", "nobody", "-o", str(out)])
    assert r.exit_code == 2 and "nobody" in r.output and "Traceback" not in r.output


def test_a_roster_id_is_always_text(client):
    rows = (json.dumps({"id": XSS, "honours": []}) + "\n").encode()
    r = client.post(
        "/roster",
        data={"as_of": "2026-07-01"},
        files={"roster": ("x.jsonl", rows, "application/x-ndjson")},
        follow_redirects=False,
    )
    r = finished(client, r)
    assert r.status_code == 200 and XSS not in r.text and "&lt;script&gt;" in r.text
    token = re.search(r"/roster/([\w-]+)/answers\.csv", r.text).group(1)
    person = client.get(f"/roster/{token}/person/0")
    assert person.status_code == 200 and XSS not in person.text


def test_pyagent_serve_binds_this_machine_only_and_says_so():
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyagent", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line and "this machine only" in line
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/notice?lang=en", timeout=5
                ) as r:
                    assert r.status == 200 and "Content-Security-Policy" in r.headers
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not answer")
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_row_numbered_far_away_is_read_and_the_page_stays_small(client):
    r = client.post("/person", data={**FORM, "certificates[99999].level": "technician"})
    assert r.status_code == 200 and len(r.text) < 400_000
    assert 'name="certificates[101].level"' not in r.text


def test_the_language_switch_keeps_the_form(client):
    empty = client.post("/person", data={"lang": "zh"})
    assert (
        empty.status_code == 200 and "单人查询" in empty.text and 'class="error"' not in empty.text
    )
    filled = client.post("/person", data={**FORM, "action": "", "lang": "zh"})
    assert (
        filled.status_code == 200
        and 'value="gao_ji_gong"' in filled.text
        and "为什么" in filled.text
    )
    what = client.post("/person", data={**FORM, "lang": "zh", "whatif": "title.participate"})
    assert "仅凭时间" in what.text and "年度考核获得" in what.text
