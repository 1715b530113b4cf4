"""The HTML report as markup: self-contained, escaped, complete."""
from __future__ import annotations

import base64
import hashlib
import re
import sys

import pytest
from _htmltree import parse
from _samples import HOSTILE, activation_curves, sample_result, training_loss
from click.testing import CliRunner

from autograder.cli import main
from autograder.render import html as html_module
from autograder.render.html import format_points, render_html
from autograder.results import FAILED, Feedback, Figure, GradingResult, Series

RESOURCE_ATTRIBUTES = {"src", "href", "xlink:href", "srcset", "action", "formaction", "poster", "data", "background"}


@pytest.fixture
def result() -> GradingResult:
    """A fresh sample without figures, for tests that change it before rendering."""
    return sample_result(with_figures=False)


@pytest.fixture
def result_with_figures() -> GradingResult:
    """A fresh sample with its three figures."""
    return sample_result()


@pytest.fixture(scope="module")
def html() -> str:
    """The full sample's report, rendered once per test module."""
    return render_html(sample_result())


def failed_tests(result):
    return [test for part in result.parts if part.submitted for test in part.tests if test.status == FAILED]


def figures(result):
    return [figure for test in result.tests() for figure in test.figures]


def test_the_report_loads_nothing_from_outside_the_file(html):
    document = parse(html)
    for element in document.iter():
        for name, value in element.attrs.items():
            if name in RESOURCE_ATTRIBUTES and value:
                assert value.startswith(("#", "data:")), f"<{element.tag} {name}={value!r}>"
    assert not document.find_all("link", where=lambda e: e.attrs.get("rel") == "stylesheet")
    assert not document.find_all("script", where=lambda e: "src" in e.attrs)
    assert "@import" not in html
    assert re.findall(r"url\(\s*['\"]?([^#'\")])", html) == []
    assert "http://" not in html and "https://" not in html


def test_a_script_in_student_text_arrives_as_text_and_only_the_reports_own_script_is_present(html):
    document = parse(html)
    scripts = document.find_all("script")
    assert len(scripts) == 1 and "__injected" not in scripts[0].text()
    assert not document.find_all("img")
    assert not [(e.tag, name) for e in document.iter() for name in e.attrs if name.startswith("on")]
    assert "&lt;script&gt;window.__injected" in html
    printed = [pre.text() for pre in document.find_all("pre")]
    assert HOSTILE + "\n" in printed
    assert "<script>window.__injected" in document.find("h1", "student").text()


def test_file_names_and_returned_values_are_escaped(html):
    assert "alice&lt;b&gt;.zip" in html and "<b>.zip" not in html
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html and "<b>bold?" not in html


def test_the_submissions_folder_on_the_grading_machine_is_not_shown(html):
    assert "/srv/uploads" not in html


def test_the_pages_script_is_allowed_by_its_hash_and_nothing_else_is(html):
    document = parse(html)
    policy = document.find_all("meta", where=lambda e: e.attrs.get("http-equiv") == "Content-Security-Policy")
    assert len(policy) == 1
    script = document.find("script").text()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy[0].attrs["content"]
    assert "default-src 'none'" in policy[0].attrs["content"]


def test_the_header_shows_student_score_isolation_grading_time_and_date(html):
    document = parse(html)
    header = document.find("header", "report-header").text()
    assert " ".join(document.find(None, "score-number").text().split()) == "3 / 10 points"
    assert "bubblewrap sandbox" in header and "3.2 s" in header and "2026-11-25 09:24 UTC" in header
    assert document.find(None, "bar").find("span").attrs["style"] == "width: 30.0%"


def test_the_summary_has_a_row_per_part_with_its_points_and_passed_functions(html):
    rows = parse(html).find("section", "summary").find("tbody").find_all("tr")
    cells = [[" ".join(cell.text().split()) for cell in row.find_all("td")] for row in rows]
    assert [row[0] for row in cells] == ["Neural networks from scratch", "Word2Vec from scratch",
                                         "Scaling laws not submitted", "Week 5 quiz"]
    assert [row[1] for row in cells] == ["2 / 5", "0 / 1", "0 / 2", "1 / 2"]
    assert [row[3] for row in cells] == ["2 of 4 functions 2 failed", "0 of 1 function 1 failed", "–",
                                         "1 of 2 questions 1 failed"]


def test_every_failed_tests_message_is_shown_prominently(html, result):
    document = parse(html)
    messages = [p.text() for p in document.find_all("p", "message")]
    for test in failed_tests(result):
        assert test.feedback.message in messages


def test_a_failure_shows_its_mistake_badge_and_the_case_behind_a_click(html):
    document = parse(html)
    failure = [a for a in document.find_all("article", "failed") if "relu_grad" in a.text()][0]
    assert "ReLU derivative is 1 at s = 0" in failure.find("p", "mistake").text()
    details = failure.find("details", "failure-details")
    assert "open" not in details.attrs
    blocks = {block.find(None, "block-label").text(): block.find("pre").text()
              for block in details.find_all(None, "block")}
    assert blocks["Input"] == "s = [-1.,  0.,  2.]"
    assert blocks["Expected"] == "[0., 0., 1.]"
    assert blocks["Got"] == "[0., 1., 1.]  <b>bold?</b>"
    assert blocks["Where in your code"].startswith("nn/activations.py, line 112")
    assert blocks["Your code printed"].startswith("<script>")
    assert "Compare with s > 0, not s >= 0." in details.find("p", "note").text()


def test_tests_are_labelled_example_hidden_test_or_question(html):
    labels = [" ".join(span.text().split()) for span in parse(html).find_all("span", "kind")]
    assert labels.count("example") == 2 and labels.count("hidden test") == 4 and labels.count("question") == 2


def test_passed_tests_are_one_line_and_functions_with_a_failure_are_open(html):
    document = parse(html)
    functions = {f.find(None, "function-name").text(): f for f in document.find_all("details", "function")}
    assert "open" in functions["activations.relu_grad"].attrs
    assert "open" not in functions["activations.relu"].attrs
    passed = functions["activations.relu"].find_all(None, "passed")
    assert passed and all(not test.find_all("p", "message") for test in passed)
    assert all(test.find("summary", "test-row") for test in passed if test.tag == "details")


def test_a_passed_tests_note_stays_visible(html):
    document = parse(html)
    note = [p for p in document.find_all("p", "note") if "RuntimeWarning" in p.text()][0]
    assert "failure-details" not in {cls for ancestor in note.ancestors() for cls in ancestor.classes}


def test_a_visible_examples_input_and_expected_value_are_shown(html):
    document = parse(html)
    example = [t for t in document.find_all("details", "passed") if "example 1: relu(s)" in t.text()][0]
    assert [pre.text() for pre in example.find_all("pre")] == ["s = [-1.,  0.,  2.]", "[0., 0., 2.]"]


def test_each_figure_is_drawn_inline_as_svg_with_unique_ids(html, result_with_figures):
    document = parse(html)
    assert len(document.find_all("svg")) == len(figures(result_with_figures)) == 3
    assert [c.text() for c in document.find_all("figcaption")] == [f.title for f in figures(result_with_figures)]
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    ids = [e.attrs["id"] for e in document.iter() if e.attrs.get("id")]
    assert len(ids) == len(set(ids))
    referenced = set(re.findall(r'(?:href="#|url\(#)([^")]+)', html))
    assert referenced and referenced <= set(ids)


def test_a_plot_keeps_its_text_as_text_and_escapes_it(result):
    figure = activation_curves()
    figure.series[0].label = "yours </svg><script>x()</script> costs $5, not $6"
    result.parts[0].tests[3].figures = [figure]
    svg = parse(render_html(result)).find("svg")
    assert "yours </svg><script>x()</script> costs $5, not $6" in [text.text() for text in svg.find_all("text")]


def test_a_log_scale_plot_labels_its_ticks_as_powers_of_ten(result):
    result.parts[0].tests[4].figures = [training_loss()]
    texts = [text.text() for text in parse(render_html(result)).find("svg").find_all("text")]
    assert "10" in texts and not [text for text in texts if "$" in text or "mathdefault" in text]


def test_a_plot_over_word_ids_has_no_ticks_between_them(result):
    counts = Figure("Counts", "word id", "count", [Series("observed", [0, 1, 2, 3], [5, 9, 7, 2], style="bar")])
    result.parts[0].tests[4].figures = [counts]
    texts = [text.text() for text in parse(render_html(result)).find("svg").find_all("text")]
    assert {"0", "1", "2", "3"} <= set(texts) and not [text for text in texts if "." in text]


def test_plots_are_drawn_without_matplotlib(result_with_figures, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)   # importing it now raises ImportError
    document = parse(render_html(result_with_figures))
    assert len(document.find_all("svg")) == 3 and not document.find_all("table", "figure-table")


def test_a_figure_drawn_as_a_table_shows_its_numbers(result_with_figures, monkeypatch):
    def cannot_draw(*arguments):
        raise OverflowError("too big")
    monkeypatch.setattr(html_module, "draw_svg", cannot_draw)
    document = parse(render_html(result_with_figures))
    assert not document.find_all("svg")
    tables = document.find_all("table", "figure-table")
    assert len(tables) == 3
    sampler = [t for t in tables if "observed" in t.text()][0]
    assert [th.text() for th in sampler.find_all("th")] == ["word id", "observed", "expected"]
    assert [td.text() for td in sampler.find("tbody").find("tr").find_all("td")] == ["0", "0.125", "0.03667"]
    assert "could not be drawn (OverflowError)" in sampler.find("caption").text()
    curves = [t for t in tables if "your tanh_grad" in t.text()][0]
    assert len(curves.find("tbody").find_all("tr")) == 16 and "16 of 101 points shown" in curves.text()


def test_a_figure_that_cannot_be_drawn_shows_its_numbers_instead(result):
    result.parts[0].tests[3].figures = [activation_curves()]
    result.parts[0].tests[4].figures = [Figure("Broken", "x", "y", [Series("a", [1, 2, 3], [1, 2])])]
    document = parse(render_html(result))
    assert len(document.find_all("svg")) == 1
    assert "could not be drawn (ValueError)" in document.find("table", "figure-table").text()


def test_a_grading_error_shows_a_banner_and_a_score_of_zero(result):
    result.error = "the sandbox worker died <again>"
    document = parse(render_html(result))
    banner = document.find("div", "error")
    assert banner.attrs.get("role") == "alert"
    assert "Grading failed" in banner.text() and "the sandbox worker died <again>" in banner.text()
    assert document.find(None, "score-number").text().split()[0] == "0"


def test_without_an_error_there_is_no_error_banner(html):
    assert not parse(html).find_all("div", "error")


def test_a_part_not_submitted_shows_its_note_instead_of_tests(html):
    document = parse(html)
    part = [s for s in document.find_all("section", "part") if "Scaling laws" in s.text()][0]
    assert "not submitted: no scaling/laws.py in the submission" in part.find(None, "not-submitted").text()
    assert not part.find_all("article") and not part.find_all(None, "test")


def test_a_quiz_question_shows_prompt_answer_expected_answer_and_explanation(html):
    document = parse(html)
    question = [a for a in document.find_all("article", "question") if "ReLU at zero" in a.text()][0]
    blocks = {b.find(None, "block-label").text(): b.find(None, "text").text()
              for b in question.find_all(None, "question-block")}
    assert blocks == {"Question": "What is ReLU'(0) in this course?",
                      "Your answer": "1 <script>window.__injected = true</script>"
                                     "<img src=x onerror=\"window.__injected = true\">",
                      "Expected answer": "0", "Explanation": "Like PyTorch, the derivative at 0 is taken as 0."}
    assert question.find("p", "message").text() == "Not the answer this course uses."


def test_a_quiz_questions_expected_answer_can_come_from_its_feedback(result):
    question = result.parts[3].tests[1]
    question.question.expected_answer = ""
    question.feedback = Feedback(message="Wrong.", expected="0 (zero)", got="1")
    document = parse(render_html(result))
    blocks = [b.text() for b in document.find_all(None, "expected-answer")]
    assert any("0 (zero)" in text for text in blocks)


def test_printed_output_is_cut_after_a_few_thousand_characters(result):
    result.parts[0].tests[2].output = "x" * 10_000
    html = render_html(result)
    assert "x" * 4000 in html and "x" * 4001 not in html and "6000 more characters not shown" in html


def test_the_ids_of_hidden_tests_never_appear(html, result):
    for test in result.tests():
        assert test.id not in html


def test_a_typical_report_stays_small(html):
    plots = re.findall(r"<svg.*?</svg>", html, re.S)
    assert plots and all(len(plot.encode()) < 20_000 for plot in plots)
    assert len(html.encode()) < 80_000


def test_points_read_as_people_write_them():
    values = (1.0, 0.5, 1.333333, 25.166667, 0.0, 12345.0, 0.1 + 0.2)
    assert [format_points(v) for v in values] == ["1", "0.5", "1.333", "25.17", "0", "12345", "0.3"]


def test_grading_the_stubs_writes_a_report_without_any_hidden_tests_code(tmp_path):
    report = tmp_path / "report.html"
    run = CliRunner().invoke(main, ["grade", "assignments", "--part", "nn", "--format", "html", "-o", str(report)])
    assert run.exit_code == 0, run.output
    html = report.read_text()
    document = parse(html)
    assert "NotImplementedError" in html and len(document.find_all("article", "failed")) > 10
    for leak in ("def test_", "@grades", "expect(", "mistakes_if", "check_elementwise", "import numpy"):
        assert leak not in html
