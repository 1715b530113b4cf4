"""The helpers the suites describe returned values with are total too: generated values, no exception.

Covers the word2vec suites' shared helpers (reading pairs, examples and single
numbers, comparing tuples item by item) and numeric.working_precision, which
looks at whatever a loss function returned before central differences are taken.
"""
import numpy as np
from hypothesis import HealthCheck, given, settings
from worker_values import reference_values, worker_values

from autograder.grading.checks import GradeFailure
from autograder.grading.numeric import difference_policy, working_precision
from autograder.suites.word2vec._common import as_items, as_rows, expect_items, multiset_difference, non_finite, scalar

GENERATED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@GENERATED
@given(value=worker_values)
def test_reading_pairs_examples_and_numbers_never_fails(value):
    rows, items = as_rows(value), as_items(value)
    assert rows is None or all(isinstance(a, int) and isinstance(b, int) for a, b in rows)
    assert items is None or isinstance(items, list)
    number = scalar(value)
    assert number is None or isinstance(number, float)
    assert non_finite(value) in (True, False)


@GENERATED
@given(got=worker_values, expected=reference_values)
def test_comparing_a_returned_tuple_item_by_item_raises_nothing_but_a_grade_failure(got, expected):
    expected = expected if isinstance(expected, tuple) else (expected, expected)
    try:
        expect_items(got, expected, [f"item{index}" for index in range(len(expected))], call="f(x)",
                     inputs={"x": got}, mistakes_if={"neg_grad_sign": lambda value: value[1] < 0})
    except GradeFailure as failure:
        assert failure.feedback.message


@GENERATED
@given(got=worker_values, expected=worker_values)
def test_describing_two_multisets_never_fails(got, expected):
    got_items, expected_items = as_items(got) or [], as_items(expected) or []
    assert isinstance(multiset_difference(got_items, expected_items), str)


@GENERATED
@given(value=worker_values)
def test_the_working_precision_of_any_returned_value_has_a_difference_policy(value):
    policy = difference_policy(working_precision(value))
    assert policy.precision in (np.float64, np.float32)


def test_a_megabyte_string_the_student_returned_is_cut_in_the_feedback():
    from autograder.grading.checks import fail

    try:
        fail("relu(s) returned a str.", got="x" * 2**20)
    except GradeFailure as failure:
        got = failure.feedback.got
    assert got is not None and got.startswith("x" * 2000) and got.endswith("(1,046,576 more characters not shown)")
