"""A module that does not import is reported once, at the top of each report, not under every test it fails."""
import json
import re
import shutil

import pytest

from autograder.course import course_root
from autograder.grading import grade_submission
from autograder.render import render_result
from autograder.render.text import render_function

IMPORT_ERROR = "Importing activations.py raised SyntaxError"


@pytest.fixture(scope="module")
def result(tmp_path_factory, reference_submission):
    """nn's activations.py does not parse; scaling's kaplan_loss is wrong in a way of its own."""
    folder = tmp_path_factory.mktemp("does-not-import")
    shutil.copytree(reference_submission / "nn", folder / "nn")
    (folder / "nn" / "activations.py").write_text("def relu(s)\n    return s\n")
    shutil.copytree(reference_submission / "scaling", folder / "scaling")
    laws = folder / "scaling" / "laws.py"
    laws.write_text(re.sub(r"(def kaplan_loss\(.*\n(?:.*\n)*?\s+)return ", r"\1return 2 * ", laws.read_text(), count=1))
    return grade_submission(folder, ["nn", "scaling"])


def test_tests_that_fail_only_for_the_import_name_the_module(result):
    blocked = [test for test in result.tests() if test.feedback and test.feedback.blocked_by]
    assert {test.feedback.blocked_by for test in blocked} == {"activations.py", "network.py"}
    assert all(test.function.startswith(("activations.", "network.")) for test in blocked)
    assert len(blocked) > 40


def test_text_report_shows_the_import_error_once_at_the_top(result):
    text = render_result(result, "text")
    assert text.count(IMPORT_ERROR) == 1
    assert text.index(IMPORT_ERROR) < text.index("nn: Neural networks from scratch")


def test_text_report_still_lists_failures_of_their_own(result):
    text = render_result(result, "text")
    assert "[scaling] laws.kaplan_loss" in text
    assert "What went wrong" in text


def test_html_report_shows_the_import_error_once_in_a_banner_above_the_summary(result):
    page = render_result(result, "html")
    assert page.count(IMPORT_ERROR) == 1
    assert page.index('class="banner error import-problems"') < page.index('id="summary-title"')
    assert page.count("could not be loaded (see the top of this report)") > 40


def test_gradescope_output_names_the_import_error_before_the_scores(result):
    output = json.loads(render_result(result, "json"))["output"]
    assert output.count(IMPORT_ERROR) == 1
    assert output.index(IMPORT_ERROR) < output.index("nn: 0")


def test_a_function_summary_shows_its_import_error_once(result):
    assert render_function(result, "activations.sign").count(IMPORT_ERROR) == 1


def test_the_example_submission_that_does_not_import_fits_on_a_screen_or_two():
    result = grade_submission(course_root() / "examples" / "submissions" / "does_not_import")
    assert len(render_result(result, "text").splitlines()) < 80   # 530 lines when each test repeated the error
