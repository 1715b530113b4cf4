"""The grader's numerical tools against scipy and against known answers."""
import numpy as np
import pytest

from autograder.grading.numeric import chi2_sf, mle_power, numerical_gradient, pearson_chi2, relative_error

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
