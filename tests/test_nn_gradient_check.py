"""nn's check of backward against central differences: never fails a correct backward, still fails wrong ones.

The suite's test is called in-process with the reference standing in for the
student (it only calls backward, so no worker is needed), on many draws of its
inputs.  Draws 63, 302, … are those where an output saturated (ŷ = 0.999997 for
y = 0) and the old check failed the reference itself.
"""
import types

import numpy as np
import pytest
from conftest import reference_as_submission

import autograder.suites.nn.test_network as suite
from autograder.course import load_reference
from autograder.grading import grade_submission
from autograder.grading.checks import GradeFailure

SATURATED_DRAWS = [63, 302, 1307, 1860, 2150, 2735, 2843]   # the old check failed the reference on these seeds


@pytest.fixture(scope="module")
def reference():
    return types.SimpleNamespace(network=load_reference("nn", "network"),
                                 activations=load_reference("nn", "activations"))


def student_whose_backward(reference, backward):
    """The reference, but with backward(y, params, cache) replaced."""
    network = types.SimpleNamespace(**{name: getattr(reference.network, name) for name in dir(reference.network)
                                       if not name.startswith("__")})
    network.backward = backward
    return types.SimpleNamespace(network=network, activations=reference.activations)


@pytest.mark.parametrize("seed", sorted(set(SATURATED_DRAWS) | set(range(100))))
def test_the_reference_backward_passes_the_numerical_gradient_check(reference, seed):
    suite.test_backward_matches_numerical_gradient(student=reference, ref=reference, rng=np.random.default_rng(seed))


WRONG_BACKWARDS = {
    "gradient_sign_flipped": lambda ref, y, params, cache: {
        name: -value for name, value in ref.network.backward(y, params, cache).items()},
    "grads_summed_not_averaged": lambda ref, y, params, cache: {
        name: len(cache["X"]) * value for name, value in ref.network.backward(y, params, cache).items()},
    "grads_averaged_twice": lambda ref, y, params, cache: {
        name: value / len(cache["X"]) for name, value in ref.network.backward(y, params, cache).items()},
    "extra_sigmoid_derivative": lambda ref, y, params, cache:
        suite.backward_variants(ref, y, params, cache)["extra_sigmoid_derivative"],
    "relu_mask_from_upstream_gradient": lambda ref, y, params, cache:
        suite.backward_variants(ref, y, params, cache)["relu_mask_from_upstream_gradient"],
}


@pytest.mark.parametrize("mistake", sorted(WRONG_BACKWARDS))
def test_a_wrong_backward_fails_the_numerical_gradient_check(reference, mistake):
    """Every draw that can show the mistake shows it (the ReLU-mask mistake only where some ∂L/∂O¹ < 0 under a
    live ReLU, so it is counted over many draws)."""
    student = student_whose_backward(reference, lambda y, params, cache: WRONG_BACKWARDS[mistake](
        reference, y, params, cache))
    caught = 0
    for seed in range(40):
        try:
            suite.test_backward_matches_numerical_gradient(student=student, ref=reference,
                                                           rng=np.random.default_rng(seed))
        except GradeFailure as failure:
            assert "does not match the numerical gradient" in failure.feedback.message
            caught += 1
    assert caught >= (20 if mistake == "relu_mask_from_upstream_gradient" else 40)


def test_the_probes_saturated_draw_keeps_full_marks(tmp_path):
    """The probe's case: the reference graded with this seed lost 2.18 points in backward."""
    result = grade_submission(reference_as_submission(tmp_path, ["nn"]), ["nn"], seed=6832636013476867260)
    backward = [test for test in result.tests() if test.function == "network.backward"]
    assert backward and all(test.score == test.max_score for test in backward), [
        test.feedback.message for test in backward if test.feedback]
