"""The page in a real browser: headless Chromium driven by Selenium against `pyagent serve`.

Debian's ``chromium`` and ``chromium-driver`` are needed (`.ci/run` installs them when they are
missing); screenshots of each step are saved in the test's temporary directory.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("selenium")
uvicorn = pytest.importorskip("uvicorn")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
)

from pyagent.web.app import create_app  # noqa: E402
from test_web_jobs import Held  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        "--lang=en-US",
    ):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(
        service=webdriver.ChromeService(executable_path=DRIVER), options=options
    )
    driver.downloads = downloads
    yield driver
    driver.quit()


def put(driver, name: str, value: str) -> None:
    """Set an input or select named ``name`` (date inputs take ISO text this way, whatever the locale)."""
    element = driver.find_element(By.NAME, name)
    if element.tag_name == "select":
        Select(element).select_by_value(value)
    else:
        driver.execute_script("arguments[0].value = arguments[1];", element, value)


def status(driver, question: str) -> str:
    cell = driver.find_element(By.CSS_SELECTOR, f'tr[id="answer-{question}"] td.status-cell')
    return cell.get_attribute("data-status")


def shown(driver, by: str, what: str) -> str | None:
    """The text of an element of a page that may be replaced as it is read (a page that
    refreshes itself), or None while there is none."""
    try:
        return driver.find_element(by, what).text
    except (NoSuchElementException, StaleElementReferenceException):
        return None


def submitted(driver, click) -> None:
    """Click something that submits, and wait for the next page."""
    old = driver.find_element(By.TAG_NAME, "html")
    click()
    WebDriverWait(driver, 20).until(EC.staleness_of(old))


def test_the_page_in_a_browser(server, browser, tmp_path, monkeypatch):
    d = browser
    shots = tmp_path / "screenshots"
    shots.mkdir()
    d.get(f"{server}/person?lang=en")
    assert "One person" in d.title
    # a 高级工 of 2022, the 2025 assessment left unstated
    for name, value in {
        "id": "gao_ji_gong",
        "as_of": "2026-07-01",
        "certificates[0].level": "senior_worker",
        "certificates[0].kind": "skill_level",
        "certificates[0].obtained": "2022-03-01",
        "technical_work[0].from": "2018-01-01",
        "field": "engineering",
        "current_post": "post",
        "current_post.since": "2018-01-01",
        "current_post.occupation": "电工",
        "annual_assessments[0].year": "2023",
        "annual_assessments[0].grade": "qualified",
        "annual_assessments[1].year": "2024",
        "annual_assessments[1].grade": "qualified",
        "honours": "none",
        "titles": "none",
    }.items():
        put(d, name, value)
    d.save_screenshot(str(shots / "1-form.png"))
    submitted(d, lambda: d.find_element(By.ID, "submit").click())
    assert status(d, "title.participate") == "unknown"
    settle = d.find_element(By.CSS_SELECTOR, 'tr[id="answer-title.participate"] td.to-settle').text
    assert "2025" in settle
    d.save_screenshot(str(shots / "2-answers.png"))

    # the why tree of 助理级 quotes P3.S1 in full
    why = d.find_element(By.ID, "why-title.assistant")
    why.find_element(By.TAG_NAME, "summary").click()
    quotes = [
        q.text for q in why.find_elements(By.CSS_SELECTOR, "blockquote.quote") if q.is_displayed()
    ]
    assert any(q.startswith("P3.S1") and "从事技术技能工作满2年" in q for q in quotes), quotes
    d.execute_script("arguments[0].scrollIntoView();", why)
    d.save_screenshot(str(shots / "3-why.png"))

    # 2023 not at the current post: no; the readings panel shows assessment_post would flip it
    put(d, "annual_assessments[0].at_current_post", "false")
    submitted(d, lambda: d.find_element(By.ID, "submit").click())
    assert status(d, "title.participate") == "no"
    flip = WebDriverWait(d, 20).until(
        EC.presence_of_element_located(
            (By.CSS_SELECTOR, '#flips-assessment_post .flip[data-value="any_post"]')
        )
    )
    assert "title.participate" in flip.text
    toggle = d.find_element(By.NAME, "readings.assessment_post")
    d.execute_script("arguments[0].scrollIntoView();", toggle)
    d.save_screenshot(str(shots / "4-flips.png"))
    submitted(d, lambda: Select(toggle).select_by_value("any_post"))  # the script answers again
    assert status(d, "title.participate") == "unknown"
    was = d.find_element(By.CSS_SELECTOR, 'tr[id="answer-title.participate"] .was').text
    assert "no" in was
    d.save_screenshot(str(shots / "5-flipped.png"))

    # the decision report downloads as one file
    d.find_element(By.ID, "report").click()
    deadline = time.time() + 20
    while time.time() < deadline and not [p for p in d.downloads.glob("report-*.html")]:
        time.sleep(0.1)
    reports = list(d.downloads.glob("report-*.html"))
    assert reports and "<script" not in reports[0].read_text("utf-8")

    # the demo roster: its progress page (the job held while answering), then the chart
    held = Held(monkeypatch)
    d.get(f"{server}/roster?lang=en")
    d.find_element(By.NAME, "roster").send_keys(str(ROOT / "queries" / "demo_roster.csv"))
    put(d, "as_of", "2026-07-01")
    submitted(d, lambda: d.find_element(By.ID, "roster-submit").click())
    assert held.reached.wait(60)
    _, done, total, _ = held.report
    # the page refreshes itself (no script): one of its refreshes shows the held phase
    WebDriverWait(d, 20).until(lambda d: "answering" in (shown(d, By.ID, "job-step") or ""))
    bar = d.find_element(By.ID, "job-progress")
    assert (bar.get_attribute("max"), bar.get_attribute("value")) == (str(total), str(done))
    assert f"{done} of {total} distinct answer keys answered" in d.find_element(By.ID, "job").text
    d.save_screenshot(str(shots / "6-roster-progress.png"))
    held.release.set()
    WebDriverWait(d, 60).until(lambda d: shown(d, By.CSS_SELECTOR, "svg.chart") is not None)
    chart = d.find_element(By.CSS_SELECTOR, "svg.chart")
    assert len(chart.find_elements(By.TAG_NAME, "rect")) >= 9
    d.save_screenshot(str(shots / "7-roster.png"))
    # the answers with reasons: a job, its page, then the file (the page's refresh fetches it)
    result = d.current_url
    d.find_element(By.ID, "download-csv").click()
    WebDriverWait(d, 60).until(lambda d: list(d.downloads.glob("demo_roster-answers.csv")))
    assert "ready" in d.find_element(By.TAG_NAME, "h1").text
    done_file = d.downloads / "demo_roster-answers.csv"
    WebDriverWait(d, 20).until(lambda d: done_file.read_bytes().startswith(b"\xef\xbb\xbfid,"))
    d.get(result)
    d.find_element(By.LINK_TEXT, "li_senior_worker").click()
    assert status(d, "title.assistant") == "no"
    assert len(list(shots.glob("*.png"))) == 7
