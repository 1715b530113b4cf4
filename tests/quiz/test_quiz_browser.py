"""The answer page in headless Chromium: fill the form, download the answers file, grade it."""
import json
from pathlib import Path

import pytest

from autograder.quiz import grade_answers, load_answers
from autograder.quiz._page import render_page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright  # the test extra; Debian's chromium, never a download

    assert CHROMIUM.exists(), "the browser test needs Debian's chromium at /usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def _fill(page, prepared, value):
    """Answer one question on the page the way a student would."""
    fieldset = page.locator(f'fieldset[data-question="{prepared.id}"]')
    kind = prepared.question.type
    if kind in ("single", "true_false"):
        key = {True: "true", False: "false"}.get(value, value)
        fieldset.locator(f'input[value="{key}"]').check()
    elif kind == "multiple":
        for key in value:
            fieldset.locator(f'input[value="{key}"]').check()
    elif kind == "ordering":
        for select, key in zip(fieldset.locator("select").all(), value):
            select.select_option(key)
    else:
        fieldset.locator("input").fill(str(value))


def _download(page, tmp_path) -> Path:
    with page.expect_download() as download_info:
        page.click("#download")
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    return path


def test_a_student_fills_the_page_downloads_the_answers_and_gets_full_marks(
        browser, bank, variant_of, right_answers, tmp_path):
    variant = variant_of("Bob Smith")
    page_file = tmp_path / "quiz.html"
    page_file.write_text(render_page(variant), encoding="utf-8")
    page = browser.new_page(accept_downloads=True)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    assert page.locator("fieldset.question").count() == len(variant.questions)
    assert page.locator("math").count() > 10                      # maths drawn as MathML, no script needed
    right = right_answers(variant)
    for prepared in variant.questions:
        _fill(page, prepared, right[prepared.id])
    assert page.text_content("#status") == f"{len(variant.questions)} of {len(variant.questions)} answered"
    answers_file = _download(page, tmp_path)
    assert answers_file.name == "Bob Smith-week5.json"
    assert all(url.startswith(("file:", "blob:")) for url in requests)
    data = json.loads(answers_file.read_text())
    assert data["student"] == "Bob Smith" and data["quiz"] == "week5"
    result = grade_answers(bank, load_answers(answers_file, bank.id))
    assert result.score == result.max_score == variant.points
    page.close()


def test_an_unfinished_page_gives_a_file_that_grades_what_was_answered(browser, bank, variant_of, tmp_path):
    variant = variant_of("alice")
    page_file = tmp_path / "quiz.html"
    page_file.write_text(render_page(variant), encoding="utf-8")
    page = browser.new_page(accept_downloads=True)
    page.goto(page_file.as_uri())
    first = variant.questions[0]
    _fill(page, first, first.expected)
    page.locator('fieldset[data-question="q3-iterations-per-epoch"] input').fill("many")
    answers_file = _download(page, tmp_path)
    result = grade_answers(bank, load_answers(answers_file, bank.id))
    by_id = {test.function: test for test in result.tests()}
    assert result.score == first.question.points
    assert "expected a whole number, got the text 'many'" in by_id["q3-iterations-per-epoch"].feedback.message
    page.close()
