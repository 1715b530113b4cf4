"""Root causes across functions: a dependent function's failure names the failed function it builds on, first."""
import pytest
from conftest import reference_as_submission

from autograder import UserError
from autograder.course import load_part
from autograder.grading import grade_submission
from autograder.grading._rootcause import attribute_root_causes
from autograder.render.dashboard import render_dashboard
from autograder.results import Feedback, GradingResult, Kind, PartResult, Status
from autograder.results import TestResult as Result

MANIFEST = """\
part: demo
title: Demo
limits: {call_seconds: 5, submission_seconds: 60}
modules:
  layers:
    relu_grad: {points: 1}
    sigmoid: {points: 1}
    backward: {points: 2, uses: [layers.relu_grad]}
    train: {points: 2, uses: [layers.backward, layers.sigmoid]}
"""


@pytest.fixture
def part(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "assignment.yaml").write_text(MANIFEST)
    return load_part(folder / "assignment.yaml")


def result(function: str, passed: bool, mistake: str | None = None, name: str = "test_values") -> Result:
    feedback = None if passed else Feedback(message=f"{function} returned a wrong result.", mistake=mistake,
                                            mistake_title=mistake)
    return Result(id=f"demo::layers.{function}::{name}", title=name, part="demo", function=f"layers.{function}",
                      kind=Kind.HIDDEN, score=1.0 if passed else 0.0, max_score=1.0,
                      status=Status.PASSED if passed else Status.FAILED, feedback=feedback)


def test_a_failure_of_a_function_whose_building_block_failed_names_it_first(part):
    tests = [result("relu_grad", False), result("backward", False, mistake="gradient_sign_flipped")]
    attribute_root_causes(part, tests)
    feedback = tests[1].feedback
    assert feedback.root_cause == "layers.relu_grad"
    assert feedback.message.startswith("Your relu_grad fails its own tests (see them), and backward builds on it")


def test_a_failure_shared_by_several_tests_names_its_root_cause_once_in_each(part):
    """A check cached once per submission fails every test that uses it with the same feedback object."""
    shared = Feedback(message="train did not learn the problem.")
    tests = [result("backward", False)] + [result("train", False, name=f"test_{index}") for index in range(3)]
    for test in tests[1:]:
        test.feedback = shared
    attribute_root_causes(part, tests)
    for test in tests[1:]:
        assert test.feedback.message.count("fails its own tests") == 1, test.feedback.message
    assert shared.message == "train did not learn the problem."


def test_the_symptoms_catalogued_mistake_is_not_counted_as_a_mistake(part):
    tests = [result("relu_grad", False), result("backward", False, mistake="gradient_sign_flipped")]
    attribute_root_causes(part, tests)
    assert tests[1].feedback.mistake is None


def test_a_root_cause_two_steps_away_is_named_with_the_function_in_between(part):
    tests = [result("relu_grad", False), result("backward", False), result("train", False)]
    attribute_root_causes(part, tests)
    assert tests[2].feedback.root_cause == "layers.relu_grad"
    assert "train builds on it through backward" in tests[2].feedback.message


def test_no_root_cause_is_named_when_the_building_blocks_pass(part):
    tests = [result("relu_grad", True), result("backward", False, mistake="gradient_sign_flipped")]
    attribute_root_causes(part, tests)
    assert tests[1].feedback.root_cause is None and tests[1].feedback.mistake == "gradient_sign_flipped"


def test_a_failure_no_other_function_inherits_makes_no_root_cause(part):
    stability = result("sigmoid", False, name="test_sigmoid_is_stable")
    tests = [stability, result("train", False)]
    attribute_root_causes(part, tests, local_only={stability.id})
    assert tests[1].feedback.root_cause is None


def test_the_dashboard_counts_the_root_cause_and_not_the_symptom(part):
    tests = [result("relu_grad", False, mistake="relu_grad_one_at_zero"),
             result("backward", False, mistake="gradient_sign_flipped")]
    attribute_root_causes(part, tests)
    graded = GradingResult(student="s1", submission="s1", parts=[PartResult(name="demo", title="Demo", tests=tests)])
    page = render_dashboard([graded])
    assert "relu_grad_one_at_zero" in page and "gradient_sign_flipped" not in page


def test_a_manifest_that_uses_an_unknown_function_is_a_located_error(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "assignment.yaml").write_text(MANIFEST.replace("uses: [layers.relu_grad]", "uses: [layers.relu]"))
    with pytest.raises(UserError) as caught:
        load_part(folder / "assignment.yaml")
    assert "assignment.yaml:8:" in str(caught.value) and "'layers.relu'" in str(caught.value)


def test_every_failed_train_test_names_the_failed_backward_once(tmp_path):
    """The probe's case: a backward with its sign flipped fails the 7 train tests, each of which repeated the
    root-cause sentence 7 times (their shared check of the learned network is made once per submission)."""
    folder = reference_as_submission(tmp_path, ["nn"])
    network = folder / "nn" / "network.py"
    network.write_text(network.read_text() + "\n\n_right_backward = backward\n\n\n"
                       "def backward(y, params, cache):\n"
                       "    return {name: -grad for name, grad in _right_backward(y, params, cache).items()}\n")
    result = grade_submission(folder, ["nn"])
    train = [test for test in result.tests() if test.function == "network.train" and test.feedback]
    assert len(train) >= 2
    for test in train:
        assert test.feedback.message.count("fails its own tests") == 1, test.feedback.message
