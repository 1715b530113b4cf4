"""Grading answers files into the one result model, and every way an answer can be wrong."""
import json

import pytest

from autograder import results
from autograder.quiz import add_quiz_part, grade_answers, load_answers
from autograder.render.gradescope import gradescope_results
from autograder.render.text import render_text
from autograder.results import FAILED, PASSED, QUESTION, GradingResult, PartResult


def _grade(bank, write_answers, name, data):
    return grade_answers(bank, load_answers(write_answers(name, data), bank.id))


@pytest.mark.parametrize("student", ["s1234567", "alice", "Bob Smith"])
def test_a_perfect_answers_file_scores_full_marks(bank, variant_of, right_answers, write_answers, student):
    variant = variant_of(student)
    result = _grade(bank, write_answers, "perfect.yaml", {"student": student, "answers": right_answers(variant)})
    assert result.score == result.max_score == variant.points > 0
    assert all(test.status == PASSED and test.feedback is None for test in result.tests())
    assert result.messages == []


def test_a_blank_answers_file_scores_zero_and_says_what_is_missing(bank, write_answers):
    result = _grade(bank, write_answers, "s1.yaml", {"answers": {}})
    assert result.score == 0 and result.max_score > 0
    assert all(test.feedback.message == "Not answered." for test in result.tests())
    assert "questions not answered" in result.messages[-1]


def test_the_quiz_is_one_part_with_one_question_result_per_drawn_question(bank, variant_of, write_answers):
    result = _grade(bank, write_answers, "s1234567.json", {"answers": {}})
    assert result.student == "s1234567"          # from the file name
    [part] = result.parts
    assert part.name == "quiz:week5" and part.title == bank.title
    assert [test.function for test in part.tests] == [p.id for p in variant_of("s1234567").questions]
    test = part.tests[0]
    assert test.kind == QUESTION and test.id == "quiz:week5::big-picture-nonlinear-model"
    assert test.question.prompt and test.question.your_answer and not test.question.feedback
    assert "hyperplane" in test.question.explanation


def test_a_parameterised_question_answered_with_another_students_numbers_fails(
        bank, variant_of, right_answers, write_answers):
    mine, theirs = variant_of("alice"), variant_of("s1234567")
    copied = right_answers(theirs)
    result = _grade(bank, write_answers, "alice.yaml", {"answers": copied})
    by_id = {test.function: test for test in result.tests()}
    differing = [p.id for p in mine.questions
                 if bank.parameters_of(p.question) and p.expected != theirs.get(p.id).expected]
    assert len(differing) >= 6
    for question_id in differing:
        assert by_id[question_id].status == FAILED and by_id[question_id].score == 0
    fixed = [p.id for p in mine.questions if not bank.parameters_of(p.question) and theirs.get(p.id)]
    assert all(by_id[question_id].status == PASSED for question_id in fixed)


def test_wrong_types_unknown_ids_and_unknown_choices_cost_only_their_question(bank, write_answers):
    answers = {
        "q1-deep-learning-activation": "softmax",
        "activations-with-negative-outputs": {"linear": True},
        "stacked-linear-layers": "perhaps",
        "q3-iterations-per-epoch": "forty-seven",
        "sgd-updates": 12.5,
        "chinchilla-tokens": [1, 2],
        "backprop-order": ["forward", "loss"],
        "contextual-model": ["BERT"],
        "no-such-question": 1,
        "range-of-tanh": "symmetric",    # a pool question s1234567 did not draw
    }
    result = _grade(bank, write_answers, "s1234567.yaml", {"answers": answers})
    by_id = {test.function: test for test in result.tests()}
    expected_messages = {
        "q1-deep-learning-activation": "'softmax' is not one of the choices",
        "activations-with-negative-outputs": "expected a list of choice keys",
        "stacked-linear-layers": "expected true or false, got the text 'perhaps'",
        "q3-iterations-per-epoch": "expected a whole number, got the text 'forty-seven'",
        "sgd-updates": "expected a whole number, got the number 12.5",
        "chinchilla-tokens": "expected a number, got a list",
        "backprop-order": "expected each item key exactly once",
        "contextual-model": "expected a text, got a list",
    }
    for question_id, message in expected_messages.items():
        test = by_id[question_id]
        assert test.score == 0 and test.status == FAILED
        assert test.feedback.message.startswith("Your answer could not be read: ") and message in test.feedback.message
    assert "answer to 'no-such-question' ignored: the quiz has no question with that id" in result.messages
    assert "answer to 'range-of-tanh' ignored: that question is not in your variant of the quiz" in result.messages


def test_answers_written_as_text_are_read_when_they_are_unambiguous(bank, variant_of, write_answers):
    prepared = variant_of("s1234567").get("q3-iterations-per-epoch")
    result = _grade(bank, write_answers, "s1234567.yaml", {"answers": {
        "q3-iterations-per-epoch": f" {prepared.expected} ", "stacked-linear-layers": "False",
        "chinchilla-tokens": "1.3e3"}})
    by_id = {test.function: test for test in result.tests()}
    assert by_id["q3-iterations-per-epoch"].status == PASSED
    assert by_id["stacked-linear-layers"].status == PASSED
    assert by_id["chinchilla-tokens"].status == PASSED     # s1234567 has 65B parameters: 1300B tokens


def test_multiple_select_earns_right_minus_wrong_shares_never_below_zero(bank, write_answers):
    def score(picked):
        result = _grade(bank, write_answers, "s1.yaml", {"answers": {"activations-with-negative-outputs": picked}})
        return {t.function: t for t in result.tests()}["activations-with-negative-outputs"].score

    assert score(["linear", "sign", "tanh"]) == 2
    assert score(["linear", "sign"]) == pytest.approx(4 / 3)
    assert score(["linear", "sign", "relu"]) == pytest.approx(2 / 3)
    assert score(["linear", "relu", "sigmoid"]) == 0
    assert score([]) == 0


def test_numeric_answers_are_right_within_the_tolerance_only(bank, variant_of, write_answers):
    prepared = variant_of("s1234567").get("chinchilla-tokens")       # 2 % relative tolerance

    def status(value):
        result = _grade(bank, write_answers, "s1234567.yaml", {"answers": {"chinchilla-tokens": value}})
        return {t.function: t for t in result.tests()}["chinchilla-tokens"].status

    assert status(prepared.expected * 1.019) == PASSED
    assert status(prepared.expected * 0.981) == PASSED
    assert status(prepared.expected * 1.021) == FAILED


def test_text_answers_fold_case_and_whitespace_and_may_match_a_pattern(bank, write_answers):
    def status(question_id, value):
        result = _grade(bank, write_answers, "s1.yaml", {"answers": {question_id: value}})
        return {t.function: t for t in result.tests()}[question_id].status

    assert status("contextual-model", "  bert ") == PASSED
    assert status("contextual-model", "ELMo") == FAILED
    assert status("output-shape", "(n,1)") == PASSED
    assert status("output-shape", "N  *  1") == PASSED
    assert status("output-shape", "1 x N") == FAILED


def test_ordering_with_right_positions_scoring_earns_a_share_per_item_in_place(bank, write_answers):
    result = _grade(bank, write_answers, "s1.yaml", {"answers": {"backprop-order": ["forward", "loss", "update",
                                                                                      "backward"]}})
    test = {t.function: t for t in result.tests()}["backprop-order"]
    assert test.score == 1 and test.max_score == 2
    assert "2 of 4 items are in their right position" in test.feedback.message


def test_a_wrong_choice_gets_its_feedback_the_right_answer_and_the_explanation(bank, write_answers):
    result = _grade(bank, write_answers, "s1.yaml", {"answers": {"q1-deep-learning-activation": "sigmoid"}})
    test = {t.function: t for t in result.tests()}["q1-deep-learning-activation"]
    assert "saturates" in test.feedback.message
    assert "ReLU" in test.feedback.expected and "Sigmoid" in test.feedback.got
    assert test.question.your_answer.endswith("Sigmoid  [sigmoid]")
    assert "keeps deep networks" in test.question.explanation


def test_the_existing_renderers_show_quiz_results(bank, write_answers):
    result = _grade(bank, write_answers, "s1.yaml", {"answers": {"q1-deep-learning-activation": "sigmoid"}})
    text = render_text(result)
    assert "quiz:week5: Week 5 quiz" in text and "q1-deep-learning-activation" in text
    gradescope = gradescope_results(result)
    assert gradescope["max_score"] == result.max_score
    assert len(gradescope["tests"]) == len(result.tests())
    assert json.loads(json.dumps(gradescope))["tests"][1]["tags"] == ["quiz:week5", "q1-deep-learning-activation",
                                                                       "question"]


def test_the_result_survives_a_round_trip_through_json(bank, write_answers):
    result = _grade(bank, write_answers, "s1.yaml", {"answers": {"q1-deep-learning-activation": "relu"}})
    again = GradingResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again.score == result.score and again.tests()[1].question == result.tests()[1].question


def test_quiz_and_code_results_of_a_student_appear_in_one_report(bank, write_answers):
    code = GradingResult(student="s1", submission="s1.zip", parts=[PartResult(
        name="nn", title="Neural networks from scratch", max_points=10, tests=[results.TestResult(
            id="nn::relu", title="relu", part="nn", function="activations.relu", kind="hidden",
            score=10, max_score=10, status=PASSED)])])
    quiz = _grade(bank, write_answers, "s1.yaml", {"answers": {"q1-deep-learning-activation": "relu"}})
    combined = add_quiz_part(code, quiz)
    assert [part.name for part in combined.parts] == ["nn", "quiz:week5"]
    assert combined.score == 11 and combined.max_score == 10 + quiz.max_score
    assert "nn: Neural networks" in render_text(combined) and "quiz:week5" in render_text(combined)


@pytest.mark.parametrize("content, message", [
    ("answers: [1, 2]\n", "'answers' must be a mapping"),
    ("- a list\n", "an answers file is a mapping"),
    ("quiz: week6\nanswers: {}\n", "these answers are for quiz 'week6', not 'week5'"),
    ("answer: {}\n", "unknown top-level key 'answer'"),
    ("answers: {a: 1\n", "invalid YAML"),
])
def test_an_unusable_answers_file_is_a_one_line_user_error(bank, tmp_path, content, message):
    from autograder import UserError

    path = tmp_path / "s1.yaml"
    path.write_text(content)
    with pytest.raises(UserError) as caught:
        load_answers(path, bank.id)
    assert message in str(caught.value) and str(caught.value).startswith(str(path))


@pytest.mark.parametrize("name, content, position, message", [
    ("s1.yaml", "quiz: week5\nstudent: [x]\nanswers: {}\n", (2, 10),
     "student: expected the student's id as text, got a list"),
    ("s1.yaml", "student: ''\nanswers: {}\n", (1, 10), "student is empty: write the student's id, or leave "
                                                          "the key out to use the file's name"),
    ("s1.yaml", "student:\nanswers: {}\n", (1, 9), "student is empty"),
    ("s1.yaml", "student: {id: x}\nanswers: {}\n", (1, 10), "got a mapping"),
    ("s1.json", '{"quiz": "week5",\n "answers": {"student": 1},\n  "student": [true]}', (3, 14),
     "student: expected the student's id as text, got a list"),
    ("s1.json", '{"student": "  "}', (1, 13), "student is empty"),
])
def test_a_student_id_that_is_not_a_text_is_a_located_error(bank, tmp_path, name, content, position, message):
    from autograder import UserError

    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(UserError) as caught:
        load_answers(path, bank.id)
    assert message in str(caught.value) and (caught.value.line, caught.value.column) == position


def test_a_student_id_written_as_a_number_is_read_as_text(bank, tmp_path):
    path = tmp_path / "s1.yaml"
    path.write_text("student: 1234567\nanswers: {}\n")
    assert load_answers(path, bank.id).student == "1234567"


def test_invalid_json_answers_are_located(bank, tmp_path):
    from autograder import UserError

    path = tmp_path / "s1.json"
    path.write_text('{"answers": {\n  "q1": relu}}')
    with pytest.raises(UserError, match="invalid JSON") as caught:
        load_answers(path, bank.id)
    assert (caught.value.line, caught.value.column) == (2, 9)


def test_gradescope_output_shows_each_questions_prompt_answer_and_explanation(bank, write_answers):
    result = _grade(bank, write_answers, "s1.yaml", {"answers": {"q1-deep-learning-activation": "relu"}})
    output = gradescope_results(result)["tests"][1]["output"]
    assert "Prompt:\nWhich activation function" in output
    assert "Your answer:\n" in output and "ReLU  [relu]" in output
    assert "Explanation:\nReLU, max(0, z), is cheap" in output


@pytest.mark.parametrize("question_id, value, message", [
    ("q3-iterations-per-epoch", 10 ** 400, "a number too large to use"),
    ("chinchilla-tokens", ".inf", "expected a number"),
    ("chinchilla-tokens", float("nan"), "expected a number, got NaN (not a number)"),
    ("chinchilla-tokens", float("-inf"), "expected a number, got -infinity"),
    ("q3-iterations-per-epoch", float("inf"), "expected a whole number, got infinity"),
    ("chinchilla-tokens", "1" * 5000, "expected a number"),
    ("contextual-model", "x" * 5000, "expected a short text, got 5000 characters"),
])
def test_absurd_answers_are_explained_not_crashed_on(bank, write_answers, question_id, value, message):
    result = _grade(bank, write_answers, "s1.yaml", {"answers": {question_id: value}})
    test = {t.function: t for t in result.tests()}[question_id]
    assert test.score == 0 and message in test.feedback.message


def test_answers_of_every_wrong_kind_are_graded_without_a_crash(bank, variant_of):
    import random

    from autograder.quiz._grading import grade_variant

    values = [None, True, 0, -1, 1.5, float("nan"), "", "relu", "1e999", [], [None], ["relu", "relu"], {"a": 1},
              10 ** 400, "x" * 2000]
    rng = random.Random(2)
    for number in range(30):
        variant = variant_of(f"student-{number}")
        part, _ = grade_variant(variant, {p.id: rng.choice(values) for p in variant.questions})
        assert 0 <= part.score <= part.max_score


def _text_quiz(tmp_path, pattern: str):
    """A one-question quiz whose text answers are matched by pattern (no accepted texts)."""
    from autograder.quiz import load_quiz

    path = tmp_path / "patterned.yaml"
    path.write_text("quiz: patterned\ntitle: Patterned\nquestions:\n  - id: word\n    type: text\n    points: 2\n"
                    f"    prompt: Write it.\n    pattern: '{pattern}'\n    explanation: As the pattern says.\n")
    return load_quiz(path)


@pytest.mark.timeout(60)   # a hang guard, not a speed check: Python's re needs about 2**60 steps for this answer
@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$", "(a*)*b?"])
def test_a_pattern_that_backtracks_catastrophically_still_grades_every_answer(tmp_path, write_answers, pattern):
    quiz = _text_quiz(tmp_path, pattern)
    wrong = _grade(quiz, write_answers, "s1.yaml", {"answers": {"word": "a" * 60 + "!"}})
    right = _grade(quiz, write_answers, "s2.yaml", {"answers": {"word": "A" * 60}})
    assert (wrong.score, wrong.tests()[0].status) == (0, FAILED)
    assert (right.score, right.tests()[0].status) == (2, PASSED)


def test_a_pattern_the_engine_cannot_decide_gives_the_student_the_points_and_tells_the_instructor(
        tmp_path, write_answers, monkeypatch):
    from autograder.quiz import _patterns

    quiz = _text_quiz(tmp_path, "BERT")

    class FailingEngine:
        def fullmatch(self, text):
            raise MemoryError("out of memory")
    monkeypatch.setattr(_patterns, "_compiled", lambda pattern, case_sensitive: FailingEngine())
    result = _grade(quiz, write_answers, "s1.yaml", {"answers": {"word": "GPT"}})
    [test] = result.tests()
    assert (result.score, result.max_score, test.status) == (2, 2, results.ERROR)
    assert "not your fault" in test.feedback.message and "you get its points" in test.feedback.message
    assert result.flags == ["quiz:patterned word: the grader could not decide whether the answer matches the "
                            "pattern; its points were given: check the answer by hand"]
