"""Comparing and describing results: one numeric policy, and no exception for any value a worker can return.

The generated-input tests feed every path that compares, shows or describes a
returned value with the whole value space of the protocol (tests/grading/
worker_values.py): every dtype, 0-d and empty arrays, nan and inf, huge arrays,
nested containers, markers of unsupported objects.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from worker_values import reference_values, worker_values

from autograder.grading.checks import GradeFailure, expect, fail_mismatch, matches, ratio
from autograder.grading.compare import ATOL_FLOOR, Mismatch, compare, ignore_order, show, tolerances

GENERATED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the numeric policy -------------------------------------------------------------------------------------------
def test_a_value_right_to_1e_200_is_right_whatever_tolerance_a_check_asks_for():
    assert compare(np.array([7e-218, 0.5, 1.0]), np.array([0.0, 0.5, 1.0]), atol=1e-300) is None


def test_the_absolute_floor_scales_with_the_largest_expected_magnitude():
    assert tolerances(np.zeros(2), np.array([1e6, 0.0]), atol=0.0)[1] == pytest.approx(ATOL_FLOOR * 1e6)


def test_a_difference_above_the_floor_is_still_a_mismatch():
    assert compare(np.array([1e-6, 1.0]), np.array([0.0, 1.0]), atol=1e-300) is not None


def test_float32_results_get_the_looser_tolerance():
    expected = np.array([0.1, 1.0 / 3.0])
    assert compare(expected.astype(np.float32), expected) is None
    assert compare(expected.astype(np.float32) * np.float32(1.001), expected) is not None


def test_a_mismatch_found_at_a_tight_tolerance_is_described_with_its_entry():
    """The describing code once recomputed the differing entries at the default tolerance and found none."""
    mismatch = compare(np.array([1e-10, 1.0]), np.array([0.0, 1.0]), rtol=0.0, atol=1e-300)
    assert mismatch is not None and "index (0,)" in mismatch.problem


# -- totality: generated values ----------------------------------------------------------------------------------
@GENERATED
@given(got=worker_values, expected=reference_values)
def test_compare_gives_none_or_a_mismatch_for_any_returned_value(got, expected):
    mismatch = compare(got, expected)
    assert mismatch is None or (isinstance(mismatch, Mismatch) and all(
        isinstance(text, str) for text in (mismatch.where, mismatch.problem, mismatch.expected, mismatch.got)))


@GENERATED
@given(got=worker_values, expected=reference_values, rtol=st.sampled_from([0.0, 1e-6]),
       atol=st.sampled_from([0.0, 1e-300, 1e-9]))
def test_compare_at_any_tolerance_never_fails(got, expected, rtol, atol):
    compare(got, expected, rtol=rtol, atol=atol)


@GENERATED
@given(expected=reference_values)
def test_a_reference_value_matches_itself_and_its_lists(expected):
    assert compare(expected, expected) is None
    if isinstance(expected, np.ndarray) and expected.ndim and expected.size:
        assert compare(expected.tolist(), expected) is None


@GENERATED
@given(value=worker_values, limit=st.sampled_from([20, 80, 400]))
def test_show_gives_a_short_text_for_any_value(value, limit):
    text = show(value, limit)
    assert isinstance(text, str) and len(text) <= limit + 4


@GENERATED
@given(value=worker_values, rule=st.sampled_from([None, "rows", "items"]))
def test_ignore_order_never_fails(value, rule):
    ignore_order(value, rule)


@GENERATED
@given(got=worker_values, expected=worker_values)
def test_ratio_and_matches_never_fail(got, expected):
    factor = ratio(got, expected)
    assert factor is None or isinstance(factor, float)
    assert matches(got, expected) in (True, False)


@GENERATED
@given(got=worker_values, expected=reference_values)
def test_expect_raises_nothing_but_a_grade_failure(got, expected):
    try:
        expect(got, expected, call="f(x)", inputs={"x": got},
               mistakes_if={"modifies_input": lambda value: value[0] == 1})
    except GradeFailure as failure:
        assert failure.feedback.message


@GENERATED
@given(got=worker_values, expected=reference_values)
def test_failing_with_a_mismatch_describes_any_value(got, expected):
    mismatch = compare(got, expected) or Mismatch("result", "result differs", show(expected), show(got))
    with pytest.raises(GradeFailure):
        fail_mismatch(mismatch, call="f(x)", inputs={"x": got}, got=got, expected=expected)
