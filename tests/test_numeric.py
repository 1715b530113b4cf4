"""The grader's numerical tools against scipy and against known answers."""
import numpy as np
import pytest

from autograder.grading.numeric import (
    chi2_sf,
    difference_policy,
    mle_power,
    numerical_gradient,
    pearson_chi2,
    relative_error,
    working_precision,
)

stats = pytest.importorskip("scipy.stats", reason="needs the test extra: pip install -e '.[test]'")


@pytest.mark.parametrize("df", [1, 2, 3, 6, 7, 10, 15])
@pytest.mark.parametrize("x", [0.05, 1.0, 4.5, 12.0, 40.0, 90.0])
def test_chi2_sf_matches_scipy(df, x):
    assert chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-9, abs=1e-300)


def test_pearson_chi2_matches_scipy_and_skips_impossible_words():
    observed = np.array([30, 20, 0, 50])
    probabilities = np.array([0.3, 0.25, 0.0, 0.45])
    statistic, df, p_value = pearson_chi2(observed, probabilities)
    expected = stats.chisquare(observed[[0, 1, 3]], 100 * probabilities[[0, 1, 3]])
    assert df == 2 and statistic == pytest.approx(expected.statistic) and p_value == pytest.approx(expected.pvalue)


def test_numerical_gradient_of_a_known_function_restores_its_input():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    gradient = numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    assert relative_error(gradient, 3 * before ** 2) < 1e-8
    assert np.array_equal(x, before)


@pytest.mark.parametrize("power", [0.0, 0.5, 0.75, 1.0])
def test_mle_power_recovers_the_exponent_of_the_draws(power):
    counts = np.array([100, 60, 40, 30, 10, 5, 2, 1])
    p = counts ** power / np.sum(counts ** power)
    observed = np.random.default_rng(0).multinomial(20_000, p)
    assert abs(mle_power(observed, counts) - power) < 0.04


# -- the precision a student's function computes in, and the central differences that fit it ------------------------
def float32_loss(x):
    """A loss computed in float32 (as a correct float32 submission computes it) and returned as a Python float."""
    return float(np.sum(np.sin(x.astype(np.float32)) * np.float32(1.7)))


def test_a_float32_result_is_recognised_by_its_dtype():
    assert working_precision((np.float32(1.5), np.ones(3, dtype=np.float32))) == np.float32


def test_float64_numbers_that_are_float32_values_count_as_float32():
    x = np.random.default_rng(0).normal(size=4)
    assert working_precision(float32_loss(x), np.cos(x).astype(np.float32).astype(np.float64)) == np.float32


def test_float64_results_keep_the_float64_policy():
    x = np.random.default_rng(0).normal(size=4)
    assert working_precision(float(np.sum(np.sin(x))), np.cos(x), 0.5, 3.0) == np.float64
    assert difference_policy(np.float64).step == 1e-5


def test_central_differences_of_a_float32_loss_match_its_gradient_only_at_the_float32_policy():
    x = np.random.default_rng(1).normal(size=5)
    analytic = 1.7 * np.cos(x)
    policy = difference_policy(working_precision(float32_loss(x)))
    at_policy = numerical_gradient(lambda: float32_loss(x), x, h=policy.step)
    at_float64_step = numerical_gradient(lambda: float32_loss(x), x, h=1e-6)
    assert relative_error(analytic, at_policy) < policy.tolerance
    assert relative_error(analytic, at_float64_step) > policy.tolerance   # rounding noise, the old check's "slopes"
