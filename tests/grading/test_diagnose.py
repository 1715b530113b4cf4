"""Diagnoses for mistakes nobody catalogued: each relation on synthetic data, and silence on right answers."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from worker_values import reference_values, worker_values

from autograder.grading import diagnose
from autograder.grading.diagnose import Hints, Stage, explain, with_defaults

GENERATED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RNG = np.random.default_rng(20240515)
A = RNG.normal(size=(4, 3))          # a generic expected matrix: no zeros, no symmetry, no shared factors


def said(got, expected, hints=None) -> str:
    return " ".join(explain(got, expected, hints))


# -- relations between a wrong array and the expected one -----------------------------------------------------------
def test_a_flipped_sign_is_named():
    assert "sign is flipped" in said(-A, A)


@pytest.mark.parametrize("factor, words", [(2.0, "2 times"), (0.5, "1/2 times")])
def test_a_factor_of_two_or_one_half_is_named(factor, words):
    assert words in said(factor * A, A)


def test_a_factor_equal_to_a_named_size_is_named_with_the_size():
    assert "N = 5 times" in said(5 * A, A, Hints(sizes={"N": 5}))
    assert "1/(K + 1) = 1/4 times" in said(A / 4, A, Hints(sizes={"K + 1": 4}))


def test_an_unexplained_common_factor_of_an_array_is_called_a_constant_factor():
    assert "0.4343 times the expected value in every entry (a constant factor)" in said(A / np.log(10), A)


def test_a_scalar_off_by_an_arbitrary_factor_is_not_called_a_factor():
    assert "factor" not in said(0.4343, 1.0)


def test_a_transposed_matrix_is_named():
    assert "transpose" in said(A.T, A)


def test_all_zeros_are_named():
    assert "all zeros" in said(np.zeros_like(A), A)


def test_the_input_returned_unchanged_is_named():
    s = RNG.normal(size=5)
    assert "the input s, unchanged" in said(s, np.maximum(s, 0.0), Hints(inputs={"s": s}))


def test_one_minus_the_expected_probabilities_is_named():
    p = RNG.uniform(0.05, 0.95, size=6)
    assert "1 minus the expected value" in said(1 - p, p)


@pytest.mark.parametrize("got, words", [(lambda x: x ** 2, "square"), (np.sqrt, "square root"),
                                        (lambda x: 1 / x, "reciprocal")])
def test_a_power_of_the_expected_value_is_named(got, words):
    positive = RNG.uniform(2.0, 9.0, size=3)
    assert words in said(got(positive), positive)


def test_a_result_rounded_down_is_named():
    assert "rounded down" in said(np.floor(np.array([1.7, 285.71])), np.array([1.7, 285.71]))


def test_an_elementwise_function_at_a_negated_or_halved_input_is_named():
    s = RNG.normal(size=7)

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    hints = Hints(elementwise=(sigmoid, s, "s"))
    assert "-s (the negated input)" in said(sigmoid(-s), sigmoid(s), hints)
    assert "s/2 (half the input)" in said(sigmoid(s / 2), sigmoid(s), hints)


def test_a_missing_term_of_a_sum_is_named():
    first, second = RNG.normal(size=5), RNG.normal(size=5)
    assert "the term b is missing" in said(first, first + second, Hints(terms={"a": first, "b": second}))


def test_a_term_with_the_wrong_sign_or_scale_is_named():
    first, second = RNG.normal(size=5), RNG.normal(size=5)
    hints = Hints(terms={"a": first, "b": second}, sizes={"N": 6})
    assert "the term b has the wrong sign" in said(first - second, first + second, hints)
    assert "the term b is N = 6 times too large" in said(first + 6 * second, first + second, hints)


def test_a_term_summed_over_its_entries_is_named():
    XW, b = RNG.normal(size=(5, 3)), RNG.normal(size=3)
    assert "every term but b is right, and that term is summed over all its entries" in said(
        XW + b.sum(), XW + b, Hints(terms={"X·W": XW, "b": b}))


def test_a_missing_factor_of_a_product_is_named():
    sigma = RNG.uniform(0.1, 0.9, size=6)
    hints = Hints(factors={"σ(s)": sigma, "1 - σ(s)": 1 - sigma})
    assert "without its factor σ(s)" in said(1 - sigma, sigma * (1 - sigma), hints)


def test_a_sum_over_the_wrong_axis_is_named():
    delta = RNG.normal(size=(5, 3))
    hints = Hints(reductions={"∂L/∂U": (delta, 0, "sum")})
    assert "summed over axis 1, where it should be summed over axis 0" in said(delta.sum(axis=1), delta.sum(axis=0), hints)


def test_a_lost_axis_of_size_one_is_named():
    assert "an axis of size 1 was lost" in said(np.float64(0.3), np.array([0.3]))
    assert "an axis of size 1 was lost" in said(np.array([0.1, 0.2]), np.array([[0.1], [0.2]]))


def test_a_broadcast_to_n_by_n_is_named():
    assert "broadcasts to (N, N)" in said(np.ones((5, 5)), np.ones((5, 1)))


def test_extra_entries_inserted_in_a_sequence_are_named():
    assert "2 extra entries (all equal to 0) at positions 0, 3" in said(np.array([0, 4, 5, 0, 6]), np.array([4, 5, 6]))


def test_where_the_wrong_entries_are_is_named_by_a_sign_condition():
    s = RNG.normal(size=(3, 4))
    leaky = np.where(s > 0, s, 0.01 * s)
    assert "exactly those where s < 0" in said(leaky, np.maximum(s, 0), Hints(where={"s": s}))


def test_the_rows_that_differ_are_named_with_their_labels():
    before = RNG.normal(size=(6, 3))
    expected = before.copy()
    expected[[0, 3]] -= 0.1
    got = before.copy()
    got[[0, 3]] -= 1.0
    hints = Hints(before=before, row_labels={0: "the negatives' rows", 3: "the negatives' rows"}, sizes={"1/lr": 10})
    text = said(got, expected, hints)
    assert "rows 0 and 3 (the negatives' rows) of 6 differ" in text
    assert "10 times the expected change" in text


# -- structures -------------------------------------------------------------------------------------------------
GRADS = {"W1": A, "b1": RNG.normal(size=3), "W2": RNG.normal(size=(3, 1)), "b2": RNG.normal(size=1)}
STAGES = [Stage("the output layer", ["W2", "b2"], "∂L/∂U²"), Stage("the hidden layer", ["W1", "b1"], "the ReLU mask")]


def test_the_right_and_wrong_keys_of_a_dict_are_named():
    got = {**GRADS, "W1": GRADS["W1"] + 1.0}
    assert "b1, W2 and b2 are right; W1 is not" in said(got, GRADS)


def test_wrong_keys_of_one_stage_say_where_the_error_enters():
    got = {**GRADS, "W1": GRADS["W1"] + 1.0, "b1": GRADS["b1"] * 3}
    assert "The error enters after the output layer is done, in the step to the hidden layer (the ReLU mask)" in \
        said(got, GRADS, Hints(stages=STAGES))


def test_a_factor_shared_by_every_wrong_item_is_named_once():
    expected = (1.5, RNG.normal(size=3), RNG.normal(size=(2, 3)))
    got = tuple(item / 5 for item in expected)
    assert "Loss, grad and grad_U are all 1/K = 1/5 times" in said(
        got, expected, Hints(sizes={"K": 5}, items=["loss", "grad", "grad_U"]))


def test_a_list_in_reverse_order_is_named():
    assert "reverse order" in said([(3, 0.1), (2, 0.5), (1, 0.9)], [(1, 0.9), (2, 0.5), (3, 0.1)])


def test_a_ranking_in_ascending_order_is_named():
    assert "ascending order" in said([(4, -0.8), (5, 0.2)], [(1, 0.9), (2, 0.5)])


def test_items_holding_the_right_elements_in_another_order_are_named():
    assert "in another order inside it" in said([([3, 1], 2), ([5], 4)], [([1, 3], 2), ([5], 4)])


def test_an_ignored_argument_is_named_from_the_defaults_of_the_reference():
    def law(N, N_c=8.8e13, alpha=0.076):
        return (N_c / N) ** alpha
    hints = Hints(alternatives=with_defaults(law, (2e9, 1e12, 0.1)))
    assert "the default values of N_c and alpha give (are N_c and alpha ignored?)" in said(law(2e9), law(2e9, 1e12, 0.1),
                                                                                          hints)


# -- silence where nothing can be said, and totality -------------------------------------------------------------
def test_an_unrelated_wrong_array_gets_no_relation():
    assert said(RNG.normal(size=(4, 3)), A) == ""


@GENERATED
@given(expected=reference_values)
def test_a_right_result_written_another_way_gets_no_diagnosis(expected):
    """float32, lists and tuples of the right values: no detector may say anything (correct variants)."""
    assert explain(expected, expected) == []
    if isinstance(expected, np.ndarray) and expected.size:
        assert explain(expected.tolist(), expected) == []
        if expected.dtype.kind == "f":
            assert explain(expected.astype(np.float32), expected) == []


@GENERATED
@given(got=worker_values, expected=reference_values)
def test_every_diagnosis_path_is_total_for_any_returned_value(got, expected):
    """diagnose._explain, without the guard that explain() keeps as a last resort, never raises."""
    hints = Hints(sizes={"N": 3}, terms={"a": expected, "b": got}, factors={"f": got}, where={"s": got}, before=got,
                  items=["x", "y"], inputs={"s": got}, stages=STAGES, row_labels={0: "first"},
                  reductions={"d": (got, 0, "sum")}, elementwise=(np.tanh, got, "s"), alternatives={"other": got},
                  parts={"x": Hints(terms={"t": got})})
    with np.errstate(all="ignore"):
        sentences = diagnose._explain(got, expected, hints, "your result")
    assert all(isinstance(sentence, str) for sentence in sentences)
    assert all(sentence.endswith(".") for sentence in explain(got, expected, hints))
