"""Hand-built grading results for the HTML report's tests.

`sample_result()` has a bit of everything the report must show: passed and
failed tests of each kind, a named mistake, notes, printed output, three
figures (curves over a reference, bars against a distribution, a loss per
epoch on a log scale), a part not submitted, a quiz, and student-controlled
text that tries to inject markup.
"""
from __future__ import annotations

import math

from autograder.results import (
    EXAMPLE,
    FAILED,
    HIDDEN,
    PASSED,
    QUESTION,
    ExampleDetails,
    Feedback,
    Figure,
    GradingResult,
    PartResult,
    QuestionDetails,
    Series,
    TestResult,
)

HOSTILE = "<script>window.__injected = true</script><img src=x onerror=\"window.__injected = true\">"


def _test(part: str, function: str, title: str, *, kind: str = HIDDEN, points: float = 1.0, passed: bool = True,
          **extra) -> TestResult:
    return TestResult(id=f"{part}::{function}::{title}", title=title, part=part, function=function, kind=kind,
                      score=points if passed else 0.0, max_score=points, status=PASSED if passed else FAILED,
                      **extra)


def activation_curves() -> Figure:
    xs = [x / 10 for x in range(-50, 51)]
    return Figure(title="Your tanh_grad over the reference", x_label="s", y_label="tanh'(s)", series=[
        Series("your tanh_grad", xs, [1 - math.tanh(x) for x in xs]),
        Series("reference", xs, [1 - math.tanh(x) ** 2 for x in xs], style="dashed")])


def sampler_frequencies() -> Figure:
    words = list(range(8))
    expected = [w ** 0.75 + 1 for w in words]
    total = sum(expected)
    return Figure(title="Noise samples: observed frequency against P(w) ∝ count^0.75", x_label="word id",
                  y_label="frequency", series=[
                      Series("observed", words, [1 / 8] * 8, style="bar"),
                      Series("expected", words, [e / total for e in expected], style="dashed")])


def training_loss() -> Figure:
    epochs = list(range(1, 11))
    return Figure(title="Training loss per epoch", x_label="epoch", y_label="loss", log_y=True, series=[
        Series("your loss", epochs, [2.3 * 0.7 ** e for e in epochs])])


def nn_part() -> PartResult:
    tests = [
        _test("nn", "activations.relu", "example 1: relu(s) on the inputs shown", kind=EXAMPLE, points=0.5,
              example=ExampleDetails(input="s = [-1.,  0.,  2.]", expected="[0., 0., 2.]")),
        _test("nn", "activations.relu", "relu(s) on random inputs", points=0.5,
              notes=["Your code raised a RuntimeWarning (overflow encountered in exp). It cost no points."]),
        _test("nn", "activations.relu_grad", "relu_grad(s) is 0 at exactly 0", passed=False, output=HOSTILE + "\n",
              feedback=Feedback(message="relu_grad(s) returned a wrong result: expected 0 at index (1,), got 1.",
                                input="s = [-1.,  0.,  2.]", expected="[0., 0., 1.]", got="[0., 1., 1.]  <b>bold?</b>",
                                mistake="relu_grad_one_at_zero", mistake_title="ReLU derivative is 1 at s = 0",
                                where="nn/activations.py, line 112, in relu_grad: return (s >= 0) * 1.0"),
              notes=["Compare with s > 0, not s >= 0."]),
        _test("nn", "activations.tanh_grad", "tanh_grad(s) on random inputs", points=2.0, passed=False,
              feedback=Feedback(message="tanh_grad(s) returned a wrong result in 95 of 101 entries.",
                                input="s = linspace(-5, 5, 101)", expected="1 - tanh(s)**2", got="1 - tanh(s)"),
              figures=[activation_curves()]),
        _test("nn", "network.train", "training lowers the loss", points=1.0, figures=[training_loss()]),
    ]
    return PartResult(name="nn", title="Neural networks from scratch", max_points=5.0, tests=tests)


def word2vec_part() -> PartResult:
    tests = [
        _test("word2vec", "sampler.sample_negatives", "example 1: negatives follow the unigram^0.75 table",
              kind=EXAMPLE, passed=False, figures=[sampler_frequencies()],
              feedback=Feedback(message="sample_negatives drew every word equally often; expected the "
                                        "unigram distribution raised to 0.75.",
                                expected="P = [0.03, 0.06, ...]", got="P = [0.125, 0.125, ...]",
                                mistake="uniform_negatives", mistake_title="negatives drawn uniformly")),
    ]
    return PartResult(name="word2vec", title="Word2Vec from scratch", max_points=1.0, tests=tests)


def scaling_part() -> PartResult:
    note = "not submitted: no scaling/laws.py in the submission"
    tests = [_test("scaling", "laws.kaplan_loss", "not submitted", points=2.0, passed=False,
                   feedback=Feedback(message=note))]
    return PartResult(name="scaling", title="Scaling laws", submitted=False, note=note, max_points=2.0,
                      tests=tests)


def quiz_part() -> PartResult:
    tests = [
        _test("quiz:week5", "q1", "Why negative sampling?", kind=QUESTION,
              question=QuestionDetails(prompt="Why does Word2Vec use negative sampling?",
                                       your_answer="b) it is cheaper",
                                       expected_answer="b) it avoids the full softmax over the vocabulary",
                                       explanation="The softmax needs all |V| scores per step.")),
        _test("quiz:week5", "q2", "ReLU at zero", kind=QUESTION, passed=False,
              feedback=Feedback(message="Not the answer this course uses."),
              question=QuestionDetails(prompt="What is ReLU'(0) in this course?", your_answer="1 " + HOSTILE,
                                       expected_answer="0",
                                       explanation="Like PyTorch, the derivative at 0 is taken as 0.")),
    ]
    return PartResult(name="quiz:week5", title="Week 5 quiz", max_points=2.0, tests=tests)


def sample_result(with_figures: bool = True) -> GradingResult:
    """The rich sample; without figures it renders in milliseconds instead of half a second."""
    result = GradingResult(student="alice" + HOSTILE, submission="/srv/uploads/alice<b>.zip",
                           parts=[nn_part(), word2vec_part(), scaling_part(), quiz_part()],
                           isolation="bubblewrap sandbox (own PID and network namespaces)", seed=7,
                           started_at="2026-11-25T09:24:15+00:00", execution_time=3.21,
                           messages=["Ignored __MACOSX/ in the zip."], student_output="importing " + HOSTILE,
                           version="0.1.0")
    if not with_figures:
        for test in result.tests():
            test.figures = []
    return result
