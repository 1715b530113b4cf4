"""The HTML report in a real browser: Debian's headless Chromium, driven by playwright.

One browser for the module; each test opens the sample report from disk in a
fresh page that blocks and records every request other than the file itself.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _samples import sample_result

from autograder.render.html import render_html

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() or shutil.which("chromium")),
                                reason="Debian's chromium package is not installed")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html-report") / "report.html"
    path.write_text(render_html(sample_result()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OpenReport:
    """A page showing the report, with every request beyond the file and every console error recorded."""

    def __init__(self, browser, path: Path, viewport: dict):
        self.url = path.as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport=viewport)
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: request.url != self.url and self.requests.append(request.url))
        self.page.route("**/*", self._only_the_file)
        self.reload()

    def reload(self) -> OpenReport:
        """Load the file afresh: every <details> as the report writes it, nothing recorded yet."""
        self.requests.clear()
        self.errors.clear()
        self.page.goto(self.url, wait_until="load")
        return self

    def open_all_details(self) -> None:
        self.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")

    def _only_the_file(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()


@pytest.fixture(scope="module")
def desktop_page(browser, report_file):
    opened = OpenReport(browser, report_file, DESKTOP)
    yield opened
    opened.page.close()


@pytest.fixture
def report(desktop_page) -> OpenReport:
    return desktop_page.reload()


def test_the_report_makes_no_requests_and_logs_no_errors(report):
    report.page.click("#expand-failures")
    report.open_all_details()
    report.page.wait_for_timeout(100)
    assert report.requests == []
    assert report.errors == []


def test_the_score_is_visible(report):
    score = report.page.locator("#score")
    assert score.is_visible()
    assert " ".join(score.inner_text().split()) == "3 / 10 points"


def test_clicking_a_failures_summary_shows_its_details(report):
    failure = report.page.locator("article.failed", has_text="relu_grad(s) is 0 at exactly 0")
    got = failure.locator("pre", has_text="[0., 1., 1.]")
    assert failure.locator(".message").is_visible()
    assert not got.is_visible()
    failure.locator("details.failure-details > summary").click()
    assert got.is_visible()


def test_the_expand_button_opens_every_failure_and_collapses_them_again(report):
    page = report.page
    button = page.locator("#expand-failures")
    closed = "Array.from(document.querySelectorAll('.failed details.failure-details')).filter(d => !d.open).length"
    assert button.is_visible() and page.evaluate(closed) > 0
    button.click()
    assert page.evaluate(closed) == 0 and button.inner_text() == "Collapse all failures"
    button.click()
    assert page.evaluate("document.querySelectorAll('.failed details.failure-details[open]').length") == 0


def test_markup_in_student_text_does_not_run(report):
    assert report.page.evaluate("window.__injected") is None
    assert "<script>window.__injected" in report.page.locator("h1").inner_text()


def test_every_plot_is_drawn_with_a_visible_size(report):
    report.open_all_details()
    plots = report.page.locator(".plot svg")
    assert plots.count() == 3
    for index in range(plots.count()):
        box = plots.nth(index).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100


def test_on_a_phone_the_page_needs_no_sideways_scrolling(browser, report_file):
    phone = OpenReport(browser, report_file, PHONE)
    try:
        phone.open_all_details()
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        assert phone.page.locator("#score").is_visible()
    finally:
        phone.page.close()


def test_a_full_page_screenshot_is_saved(report, tmp_path_factory):
    path = tmp_path_factory.mktemp("screenshots") / "report.png"
    report.page.click("#expand-failures")
    report.page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    assert path.stat().st_size > 10_000
