"""Helpers shared by the word2vec suites (not a test file: the grader collects test_*.py only)."""
from __future__ import annotations

from collections import Counter

import numpy as np

from autograder.grading.checks import fail, matches
from autograder.grading.compare import as_numeric_array, canonical, compare, show
from autograder.grading.numeric import numerical_gradient, relative_error

GRADIENT_TOLERANCE = 1e-6   # relative error of a float64 gradient against central differences (correct: < 2e-8)


def non_finite(value) -> bool:
    """True when value holds a nan or an infinity (safe on any returned data)."""
    array = as_numeric_array(value)
    return array is not None and not np.all(np.isfinite(array.astype(np.float64)))


def check_inputs_kept(calls, call: str, inputs: dict, allowed=()) -> None:
    """Fail when the last call wrote into one of its arguments (other than those allowed).

    inputs lists the arguments in the order of the call, so the value after the call can be shown.
    """
    changed = [name for name in calls.last.changed_arguments if name not in allowed]
    if not changed:
        return
    name, after = changed[0], calls.last.arguments_after
    position = list(inputs).index(name) if name in inputs else None
    fail(f"{call} changed its argument {name}. Leave the arguments as they were and build new arrays or lists "
         "for the results.", inputs=inputs,
         expected=f"{name} unchanged: {show(inputs[name])}" if position is not None else None,
         got=f"{name} after the call: {show(after[position])}" if position is not None and position < len(after)
         else None, mistake="overwrites_argument")


def expect_items(got, expected: tuple, names: list[str], *, call: str, inputs, mistakes_if=None,
                 rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Compare a returned tuple item by item; the feedback names and shows the item that differs."""
    if not isinstance(got, (tuple, list)) or len(got) != len(expected):
        fail(f"{call} should return a tuple of {len(expected)} items ({', '.join(names)}), but it returned "
             f"{show(got, 200)}.", inputs=inputs)
    for name, got_item, expected_item in zip(names, got, expected):
        mismatch = compare(got_item, expected_item, where=f"the returned {name}", rtol=rtol, atol=atol)
        if mismatch is not None:
            fail(f"{call} returned a wrong {name}. {mismatch.problem[0].upper() + mismatch.problem[1:]}.",
                 inputs=inputs, expected=show(expected_item), got=show(got_item),
                 mistake=first_mistake(mistakes_if, got))


def first_mistake(mistakes_if, got) -> str | None:
    """The first mistake id whose predicate holds for got (predicates see arbitrary data, so errors mean no)."""
    for mistake, predicate in (mistakes_if or {}).items():
        try:
            if predicate(got):
                return mistake
        except Exception:
            continue
    return None


def scalar(value) -> float | None:
    """A returned single number as a float, or None if it is not one."""
    array = as_numeric_array(value)
    if array is None or array.size != 1:
        return None
    return float(array.reshape(-1)[0])


# -- gradients against central differences -------------------------------------------------------------------
def loss_of(got, call, inputs) -> float:
    """The loss (first item) of a returned tuple, or a failure that says what came back instead."""
    value = scalar(got[0]) if isinstance(got, (tuple, list)) and got else None
    if value is None:
        fail(f"{call} should return a tuple whose first item is the loss, a single number, but it returned "
             f"{show(got, 200)}.", inputs=inputs)
    return value


def slope_along(loss, array, direction, h=1e-5) -> float:
    """Central difference of loss() along a direction: (f(x + h·d) - f(x - h·d)) / 2h; x is restored."""
    saved = array.copy()
    try:
        array[...] = saved + h * direction
        above = loss()
        array[...] = saved - h * direction
        below = loss()
    finally:
        array[...] = saved
    return (above - below) / (2.0 * h)


def check_against_central_differences(loss, arrays, analytic, names, *, call, inputs, sign_mistake, rng,
                                      mistake_of=None, h=1e-5, tolerance=GRADIENT_TOLERANCE):
    """Each returned gradient against central differences of the student's own loss.

    A central difference along one random direction per argument (two calls, step h) checks a correct gradient;
    only when it disagrees (relative error above tolerance) are the central differences of every entry computed,
    to show the student where.  A gradient of the opposite sign names sign_mistake; otherwise
    mistake_of(name, gradient, numerical), if given, may name another mistake.
    """
    for name, array, gradient in zip(names, arrays, analytic):
        gradient = as_numeric_array(gradient)
        if gradient is None or gradient.shape != array.shape:
            fail(f"{call} returned {name} of shape {None if gradient is None else gradient.shape}; it should have "
                 f"the shape of {name[5:]}, {array.shape}.", inputs=inputs)
        gradient = gradient.astype(np.float64)
        direction = rng.normal(size=array.shape)
        measured = slope_along(loss, array, direction, h)
        scale = max(1e-8, abs(measured), float(np.linalg.norm(gradient) * np.linalg.norm(direction)))
        if abs(float(np.sum(gradient * direction)) - measured) <= tolerance * scale:
            continue
        numerical = numerical_gradient(loss, array)
        mistake = None   # gradient is a float64 array of the right shape here, safe for mistake_of
        if sign_mistake and matches(gradient, -numerical, rtol=1e-4, atol=1e-7):
            mistake = sign_mistake
        elif mistake_of is not None:
            mistake = mistake_of(name, gradient, numerical)
        fail(f"The {name} returned by {call} is not the slope of the loss it returns: central differences of "
             f"your own loss (h = 1e-6) give other values (relative error {relative_error(gradient, numerical):.2g}).",
             inputs=inputs, expected=show(numerical) + "  (central differences of your loss)", got=show(gradient),
             mistake=mistake)


# -- order-free comparison of pairs and examples -------------------------------------------------------------
def as_rows(value) -> list[tuple] | None:
    """Returned pairs as a list of (center, context) tuples of ints, or None if they are not (P, 2) numbers."""
    array = as_numeric_array(value)
    if array is None or array.ndim != 2 or array.shape[1] != 2:
        return None
    if array.size and not np.all(array == np.round(array)):
        return None
    return [(int(a), int(b)) for a, b in array.tolist()]


def as_items(value) -> list | None:
    """Returned CBoW examples in a canonical form (tuples of plain values), or None."""
    if isinstance(value, np.ndarray):
        value = list(value)
    if not isinstance(value, (list, tuple)):
        return None
    return [canonical(item) for item in value]


def multiset_difference(got: list, expected: list, fmt=str) -> str:
    """'missing ...; unexpected ...' in words, for results whose order is not graded."""
    got_counts, expected_counts = Counter(got), Counter(expected)
    missing = expected_counts - got_counts
    extra = got_counts - expected_counts

    def listed(counter: Counter) -> str:
        items = sorted(counter.items(), key=lambda item: repr(item[0]))
        text = ", ".join(fmt(key) + (f" ×{count}" if count > 1 else "") for key, count in items[:8])
        return text + (", ..." if len(items) > 8 else "")

    parts = []
    if missing:
        parts.append(f"missing {sum(missing.values())}: {listed(missing)}")
    if extra:
        parts.append(f"unexpected {sum(extra.values())}: {listed(extra)}")
    return "; ".join(parts)
