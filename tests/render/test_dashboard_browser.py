"""The class dashboard in a real browser (Debian's headless Chromium): desktop and phone widths, sorting, no network."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _class_samples import sample_class

from autograder.render.dashboard import SimilarityPair, SimilaritySection, render_dashboard

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": {"width": 1100, "height": 900}, "phone": {"width": 390, "height": 844}}

pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() or shutil.which("chromium")),
                                reason="Debian's chromium package is not installed")


@pytest.fixture(scope="module")
def dashboard_file(tmp_path_factory) -> Path:
    pair = SimilarityPair(part="nn", first="student010", second="student011", first_share=0.9, second_share=0.8,
                          overlap_tokens=400, view="similarity/nn/student010--student011.html")
    path = tmp_path_factory.mktemp("dashboard") / "index.html"
    path.write_text(render_dashboard(sample_class(), similarity=SimilaritySection(
        pairs=[pair], compared={"nn": 119}, csv="similarity.csv")), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=sorted(WIDTHS))
def opened(request, browser, dashboard_file):
    """The dashboard in a fresh page of one width, with every request beyond the file and every error recorded."""
    page = browser.new_page(viewport=WIDTHS[request.param])
    url = dashboard_file.as_uri()
    record = {"page": page, "requests": [], "errors": [], "viewport": WIDTHS[request.param]}
    page.on("console", lambda message: message.type == "error" and record["errors"].append(message.text))
    page.on("pageerror", lambda error: record["errors"].append(str(error)))

    def only_the_file(route):
        if route.request.url == url:
            route.continue_()
        else:
            record["requests"].append(route.request.url)
            route.abort()

    page.route("**/*", only_the_file)
    page.goto(url, wait_until="load")
    yield record
    page.close()


def test_the_students_table_starts_on_the_first_screen(opened):
    box = opened["page"].locator("#students").bounding_box()
    assert box is not None and box["y"] < opened["viewport"]["height"]


def test_the_page_never_scrolls_sideways(opened):
    width = opened["page"].evaluate("document.documentElement.scrollWidth")
    assert width <= opened["viewport"]["width"]


def test_the_charts_are_drawn_at_a_readable_size(opened):
    box = opened["page"].locator(".plot svg").first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150


def test_sorting_by_total_puts_the_lowest_then_the_highest_score_first(opened):
    page = opened["page"]
    total = page.locator("#students thead button", has_text="Total")
    first_total = "document.querySelector('#students tbody tr').cells[5].dataset.sort"
    total.click()
    assert float(page.evaluate(first_total)) == 0
    total.click()
    assert float(page.evaluate(first_total)) == 99
    assert page.locator("#students thead th[aria-sort='descending']").count() == 1


def test_the_page_loads_nothing_and_logs_no_error(opened):
    opened["page"].locator("details.all-rates > summary").click()
    assert opened["requests"] == [] and opened["errors"] == []


def test_the_side_by_side_page_fits_a_phone_and_a_desktop(browser, tmp_path):
    from autograder.render.dashboard import render_similarity_pair

    pair = SimilarityPair(part="nn", first="ann", second="ben", first_share=0.9, second_share=0.8,
                          overlap_tokens=400, view="")
    code = [("def relu(s):\n", False), ("    return np.maximum(s, 0)  # " + "x" * 200 + "\n", True)]
    path = tmp_path / "pair.html"
    path.write_text(render_similarity_pair(pair, code, code), encoding="utf-8")
    for viewport in WIDTHS.values():
        page = browser.new_page(viewport=viewport)
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert page.locator("mark").count() == 2 and page.locator("pre").first.is_visible()
        page.close()
