"""The scaling formulas on the course page's own numbers."""
import numpy as np
import pytest


@pytest.fixture(scope="module")
def laws(ref):
    return ref("scaling", "laws")


@pytest.mark.parametrize("params, tokens", [(70e9, 1.4e12), (7e9, 140e9)])
def test_chinchilla_rule_of_twenty(laws, params, tokens):
    N, D = laws.chinchilla_optimal(6 * params * tokens)
    assert np.isclose(N, params, rtol=1e-12) and np.isclose(D, tokens, rtol=1e-12)
    assert np.isclose(laws.tokens_per_param(N, D), 20.0)


@pytest.mark.parametrize("params, tokens, ratio", [(175e9, 300e9, 1.7), (70e9, 1.4e12, 20),
                                                   (7e9, 2e12, 286), (3.8e9, 3.3e12, 868)])
def test_tokens_per_param_table(laws, params, tokens, ratio):
    assert round(laws.tokens_per_param(params, tokens), 1 if ratio < 10 else 0) == ratio


def test_kaplan_loss_is_a_decreasing_power_law(laws):
    assert np.isclose(laws.kaplan_loss(8.8e13), 1.0)
    assert np.isclose(laws.kaplan_loss(1e9), (8.8e13 / 1e9) ** 0.076)
    gain_small = laws.kaplan_loss(100e6) - laws.kaplan_loss(200e6)
    gain_large = laws.kaplan_loss(1e9) - laws.kaplan_loss(2e9)
    assert gain_small > gain_large > 0  # diminishing returns
