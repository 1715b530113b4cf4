"""Numerical tools of the grader: central differences and the statistics of sampler tests.

Pure numpy and the standard library, so that importing them costs nothing.

Central differences of a function are only as good as the precision it computes
in: with h = 1e-6, a float32 loss (rounding ≈ 1e-7 of its size) gives slopes
that are pure rounding noise.  So every check that takes central differences of
a student's function first asks `working_precision` what it computes in and
takes its step and tolerance from `difference_policy`.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DifferencePolicy:
    """How to check a gradient against central differences of a function that computes in some precision."""

    precision: np.dtype   # float64 or float32
    step: float           # h of (f(x + h) - f(x - h)) / 2h, for inputs of order 1
    tolerance: float      # relative error allowed between a gradient and the central differences

    def slope_noise(self, loss_terms: float) -> float:
        """How far rounding alone can move a central difference of a loss whose terms have magnitude loss_terms.

        Each of f(x ± h) is off by a few roundings of its terms (LOSS_ROUNDINGS · eps/2 · loss_terms), and
        their difference is divided by 2h: a slope much smaller than the loss (σ ≈ 1 next to large negative
        terms) is only known to this absolute precision, whatever its relative tolerance says.
        """
        return LOSS_ROUNDINGS * float(np.finfo(self.precision).eps) * abs(loss_terms) / (2.0 * self.step)


# float64: h = 1e-5 leaves rounding (1e-16 / h) and truncation (h²) near 1e-10, far below the tolerance;
# float32: rounding of 1e-7 needs h ≈ 1e-3 (1e-7 / h ≈ h² ≈ 1e-6 to 1e-4 of the slope), and a tolerance of 1e-2.
LOSS_ROUNDINGS = 8   # beyond the relative tolerance, 20,000 float32 draws needed at most 0.6 (eps·|loss|/2h)
_POLICIES = {8: DifferencePolicy(np.dtype(np.float64), 1e-5, 1e-6),
             4: DifferencePolicy(np.dtype(np.float32), 1e-3, 1e-2)}


def _float_values(value, found: list) -> None:
    """Collect the float arrays and numbers inside value (nested lists, tuples, dicts) into found."""
    if isinstance(value, (float, np.floating)):
        found.append(np.asarray(value))
    elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value[:1000]:
            _float_values(item, found)
    elif isinstance(value, dict):
        for item in list(value.values())[:1000]:
            _float_values(item, found)


def _all_float32_numbers(array: np.ndarray) -> bool:
    """True when float64 values are float32 numbers converted: every finite entry survives a round trip,
    and at least one carries more bits than a float16 (so that 0.5 or 3.0 prove nothing)."""
    finite = array[np.isfinite(array)].astype(np.float64).ravel()
    if not finite.size:
        return False
    with np.errstate(all="ignore"):
        exact32 = finite.astype(np.float32).astype(np.float64) == finite
        exact16 = finite.astype(np.float16).astype(np.float64) == finite
    return bool(exact32.all() and not exact16.all())


def working_precision(*values) -> np.dtype:
    """The float precision a function computed in, judged from what it returned.

    The least precise float dtype among the returned arrays and numbers; float64 values that are all
    float32 numbers (computed in float32, then converted with float() or .astype) count as float32.
    Returns float64 or float32 (anything less precise counts as float32).
    """
    found: list = []
    for value in values:
        _float_values(value, found)
    if not found:
        return np.dtype(np.float64)
    if any(array.dtype.itemsize <= 4 for array in found):
        return np.dtype(np.float32)
    joined = np.concatenate([array.ravel() for array in found])
    return np.dtype(np.float32) if _all_float32_numbers(joined) else np.dtype(np.float64)


def difference_policy(precision) -> DifferencePolicy:
    """The central-difference step and tolerance that fit a precision (a dtype; float32 or less: float32's)."""
    return _POLICIES[8 if np.dtype(precision).itemsize >= 8 else 4]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar f() with respect to the array x.

    x (any shape, float64) is perturbed in place, one entry at a time, and
    restored; f must read x each time it is called.  Returns an array shaped like x.
    """
    gradient = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        above = f()
        x[index] = original - h
        below = f()
        x[index] = original
        gradient[index] = (above - below) / (2.0 * h)
    return gradient


def relative_error(analytic, numerical) -> float:
    """max|a - n| / max(1e-8, max(|a| + |n|)): the usual gradient-check error."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numerical = np.asarray(numerical, dtype=np.float64)
    scale = max(1e-8, float(np.max(np.abs(analytic) + np.abs(numerical), initial=0.0)))
    return float(np.max(np.abs(analytic - numerical), initial=0.0)) / scale


def chi2_sf(x: float, df: int) -> float:
    """Survival function P(X > x) of a chi-square variable with integer df >= 1.

    Closed forms for integer degrees of freedom: for even df,
    e^{-x/2} Σ_{i<df/2} (x/2)^i / i!; for odd df, erfc(√(x/2)) plus the odd terms.
    """
    if x <= 0:
        return 1.0
    half = x / 2.0
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for i in range(1, df // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    total = math.erfc(math.sqrt(half))
    term = math.sqrt(half) * 2.0 / math.sqrt(math.pi)   # (x/2)^{1/2} / Γ(3/2)
    for i in range(1, (df + 1) // 2):
        total += math.exp(-half) * term
        term *= half / (i + 0.5)
    return min(1.0, total)


def pearson_chi2(observed: np.ndarray, probabilities: np.ndarray) -> tuple[float, int, float]:
    """Pearson goodness-of-fit test of observed counts against probabilities.

    observed: (V,) int; probabilities: (V,) float64 summing to 1.  Categories
    with probability 0 are left out (an observation there is reported by the
    caller, not by this test).  Returns (statistic, degrees of freedom, p-value).
    """
    observed = np.asarray(observed, dtype=np.float64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    possible = probabilities > 0
    expected = observed[possible].sum() * probabilities[possible] / probabilities[possible].sum()
    statistic = float(np.sum((observed[possible] - expected) ** 2 / expected))
    df = int(possible.sum()) - 1
    return statistic, df, chi2_sf(statistic, df) if df > 0 else 1.0


def mle_power(observed: np.ndarray, counts: np.ndarray) -> float:
    """Maximum-likelihood exponent a of draws from p_i(a) ∝ counts_i^a, a in [-2, 3].

    observed: (V,) draws per word; counts: (V,) positive word counts.  A grid
    search with step 0.001 is exact enough to name a mistake (the standard error
    at 20,000 draws is about 0.0075).
    """
    observed = np.asarray(observed, dtype=np.float64)
    log_counts = np.log(np.asarray(counts, dtype=np.float64))
    powers = np.linspace(-2.0, 3.0, 5001)
    log_weights = powers[:, None] * log_counts[None, :]
    top = log_weights.max(axis=1, keepdims=True)
    log_normaliser = top[:, 0] + np.log(np.exp(log_weights - top).sum(axis=1))
    log_likelihood = log_weights @ observed - observed.sum() * log_normaliser
    return float(powers[int(np.argmax(log_likelihood))])
