"""Quiz prompts as the student reads them after grading: Markdown and maths rendered, in HTML and in the terminal."""
import pytest

from autograder.quiz import grade_answers, load_answers
from autograder.quiz._markup import to_terminal
from autograder.render import render_result


@pytest.fixture
def graded(bank, write_answers):
    return grade_answers(bank, load_answers(write_answers("s1.yaml", {"answers": {}}), bank.id))


def _question(result, question_id):
    return next(test for test in result.tests() if test.function == question_id)


def test_the_graded_html_renders_a_prompts_markdown(graded):
    page = render_result(graded, "html")
    assert "<strong>not</strong>" in page and "**not**" not in page


def test_the_graded_html_renders_a_prompts_maths_as_mathml(graded):
    prompt = _question(graded, "forward-pass-output").question.prompt_html
    assert "<math" in prompt and "$" not in prompt
    assert prompt in render_result(graded, "html")


def test_the_graded_html_lists_a_questions_choices_with_their_keys(graded):
    prompt = _question(graded, "q1-deep-learning-activation").question.prompt_html
    assert '<ol type="a">' in prompt and "<code>[relu]</code>" in prompt


def test_the_terminal_report_shows_a_failed_questions_prompt_rendered(graded):
    text = render_result(graded, "text")
    assert "decision boundary that is not a" in text and "**" not in text
    assert "ŷ = σ(v_1 h_1 + v_2 h_2 + c)" in text


def test_to_terminal_drops_markdown_marks_and_keeps_list_items():
    text = to_terminal("Use **ReLU**, not `sigmoid`:\n\n- first $\\sigma(z)$\n- second\n\n1. one\n2. two\n")
    assert text == "Use ReLU, not sigmoid:\n\n- first σ(z)\n- second\n\n1. one\n2. two\n"


def test_to_terminal_leaves_plain_text_as_written():
    assert to_terminal("Sign / step  (x > 0)") == "Sign / step  (x > 0)"
