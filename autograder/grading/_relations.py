"""Numeric relations between a wrong array and the expected one: the building blocks of `diagnose`.

Each detector takes float64 arrays (finite entries only: the caller filters) and
returns a short phrase about `got` relative to `expected`, or None when the
relation does not hold to the tolerance.  A relation is only reported when it
explains every entry; detectors never guess.  All of them are total: any
arrays give a phrase or None, never an exception.
"""
from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np

RTOL, ATOL = 1e-6, 1e-9


def close(got: np.ndarray, expected: np.ndarray, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Same shape and equal to the tolerance (atol at least 1e-12 of expected's scale), finite entries only."""
    if got.shape != expected.shape or not (np.all(np.isfinite(got)) and np.all(np.isfinite(expected))):
        return False
    scale = float(np.max(np.abs(expected), initial=0.0))
    with np.errstate(all="ignore"):
        return bool(np.allclose(got, expected, rtol=rtol, atol=max(atol, 1e-12 * scale)))


def informative(expected: np.ndarray) -> bool:
    """Whether an expected array can show a relation at all: finite, and not all (near) zero."""
    return expected.size > 0 and bool(np.all(np.isfinite(expected))) and float(np.max(np.abs(expected))) > 1e-12


def number(value: float) -> str:
    """A factor in words: 2, 0.5 as 1/2, 1/3, -1, 0.4343, 7e+10."""
    if not np.isfinite(value):
        return str(value)
    if abs(value) < 1e6 and value == int(value):
        return str(int(value))
    inverse = 1.0 / value if value else 0.0
    if 2 <= abs(inverse) < 1e6 and abs(inverse - round(inverse)) < 1e-9 * abs(inverse):
        return f"1/{round(inverse)}" if inverse > 0 else f"-1/{round(-inverse)}"
    return f"{value:.4g}"


def meaningful_factors(sizes: dict[str, float]) -> list[tuple[float, str]]:
    """(factor, its name) for the constants a mistake plausibly multiplies by: 2, ½ and the named sizes."""
    factors: list[tuple[float, str]] = [(-1.0, "-1"), (2.0, "2"), (0.5, "1/2"), (-2.0, "-2"), (-0.5, "-1/2")]
    for name, size in sizes.items():
        if isinstance(size, (int, float)) and np.isfinite(size) and size not in (0, 1, -1):
            inverse = f"1/({name})" if " " in name else f"1/{name}"
            factors += [(float(size), f"{name} = {number(size)}"), (1.0 / size, f"{inverse} = {number(1.0 / size)}")]
    return factors


def constant_factor(got: np.ndarray, expected: np.ndarray, sizes: dict[str, float], rtol: float = RTOL) -> str | None:
    """'N = 5 times', '-1 times', or for an array whose entries all share one factor, 'c times (a constant factor)'."""
    return meaningful_factor(got, expected, sizes, rtol) or any_factor(got, expected, rtol)


def meaningful_factor(got: np.ndarray, expected: np.ndarray, sizes: dict[str, float], rtol: float = RTOL) -> str | None:
    """got = c·expected for c among -1, ±2, ±½ and the named sizes and their inverses."""
    if got.shape != expected.shape or not informative(expected) or close(got, expected, rtol):
        return None
    for factor, name in meaningful_factors(sizes):
        if close(got, factor * expected, rtol):
            return "the exact negative of the expected value (the sign is flipped)" if factor == -1 \
                else f"{name} times the expected value"
    return None


def any_factor(got: np.ndarray, expected: np.ndarray, rtol: float = RTOL) -> str | None:
    """got = c·expected for one c shared by at least two different non-zero entries (a scalar proves nothing)."""
    if got.shape != expected.shape or not informative(expected) or close(got, expected, rtol):
        return None
    nonzero = np.abs(expected) > 1e-12 * float(np.max(np.abs(expected)))
    if expected.ndim and int(nonzero.sum()) >= 2 and len(np.unique(np.round(expected[nonzero], 12))) >= 2:
        with np.errstate(all="ignore"):
            factor = float(np.median(got[nonzero] / expected[nonzero]))
        if np.isfinite(factor) and factor != 0 and close(got, factor * expected, rtol):
            return f"{number(factor)} times the expected value in every entry (a constant factor)"
    return None


def complement(got: np.ndarray, expected: np.ndarray, rtol: float = RTOL) -> str | None:
    """1 - expected, for values that are probabilities."""
    if not informative(expected) or np.any(expected < 0) or np.any(expected > 1) or close(got, expected, rtol):
        return None
    return "1 minus the expected value" if close(got, 1.0 - expected, rtol) else None


def power(got: np.ndarray, expected: np.ndarray, rtol: float = RTOL) -> str | None:
    """The square, the square root or the reciprocal of the expected value (a root or a ratio gone wrong)."""
    if not informative(expected) or np.any(expected <= 0) or close(got, expected, rtol) \
            or np.allclose(expected, 1.0):
        return None
    with np.errstate(all="ignore"):
        candidates = [(expected ** 2, "the square of the expected value (a square root missing?)"),
                      (np.sqrt(expected), "the square root of the expected value (one square root too many?)"),
                      (1.0 / expected, "the reciprocal of the expected value (a ratio upside down, or a denominator "
                                       "without its parentheses: operator precedence reads 1/1 + x as 1 + x)")]
    return next((phrase for value, phrase in candidates if close(got, value, rtol)), None)


def clipped(got: np.ndarray, expected: np.ndarray, rtol: float = RTOL) -> str | None:
    """The expected value capped above and/or floored below at constants (np.clip, np.minimum, ReLU6).

    Holds when got = clip(expected, min(got), max(got)), at least two entries are changed that way, and at
    least two are left as expected (else a constant result would pass for "capped").
    """
    if got.shape != expected.shape or got.size < 4 or not informative(expected) or close(got, expected, rtol):
        return None
    low, high = float(np.min(got)), float(np.max(got))
    if not close(got, np.clip(expected, low, high), rtol):
        return None
    scale = float(np.max(np.abs(expected)))
    atol = max(ATOL, 1e-12 * scale)
    above = expected > high + atol + rtol * abs(high)
    below = expected < low - atol - rtol * abs(low)
    kept = int(got.size - above.sum() - below.sum())
    if above.sum() + below.sum() < 2 or kept < 2:
        return None
    sides = [f"capped above at {number(high)} (the {int(above.sum())} entries where more is expected come back as "
             f"{number(high)})" if above.any() else "",
             f"floored below at {number(low)} (the {int(below.sum())} entries where less is expected come back as "
             f"{number(low)})" if below.any() else ""]
    return "the expected value " + " and ".join(side for side in sides if side) + \
        ", the others right: a clip, np.minimum or np.maximum that should not be there?"


def square_inside(got: np.ndarray, expected: np.ndarray, rtol: float = RTOL) -> str | None:
    """1 ± x where 1 ± x² is expected (a square missing), or 1 ± x² where 1 ± x is expected (a square too many).

    x is found from the values: for expected = 1 - x², got = 1 - x holds when (1 - got)² = 1 - expected.
    Entries where x is 0 or ±1 (x = x²) prove nothing, so at least two others are needed.
    """
    if got.shape != expected.shape or not informative(expected) or close(got, expected, rtol):
        return None
    for sign, shown in ((-1.0, "-"), (1.0, "+")):
        for inner, outer, phrase in ((got, expected, "the square is missing"), (expected, got, "a square too many")):
            x = inner - 1.0                 # = sign·x in the form 1 + sign·x
            squared = sign * (outer - 1.0)  # = x² in the form 1 + sign·x²
            telling = (np.abs(np.abs(x) - 1.0) > 1e-3) & (np.abs(x) > 1e-3)
            with np.errstate(all="ignore"):   # x² of a huge x is inf, which close() then rejects
                square = x ** 2
            if int(telling.sum()) >= 2 and close(square, squared, rtol, ATOL):
                mine, wanted = (f"1 {shown} x", f"1 {shown} x²") if inner is got else (f"1 {shown} x²", f"1 {shown} x")
                return f"{mine} where {wanted} is expected ({phrase}: x**2, not x)"
    return None


def rounded(got: np.ndarray, expected: np.ndarray) -> str | None:
    """The expected value rounded to a whole number (floor division, int())."""
    if not informative(expected) or np.all(expected == np.round(expected)) or np.any(got != np.round(got)):
        return None
    for function, phrase in ((np.floor, "rounded down to a whole number (floor division // or int()?)"),
                             (np.trunc, "cut to a whole number (int() or floor division //?)"),
                             (np.round, "rounded to a whole number"),
                             (np.ceil, "rounded up to a whole number")):
        if np.array_equal(got, function(expected)):
            return phrase
    return None


def transposed(got: np.ndarray, expected: np.ndarray, rtol: float = RTOL) -> str | None:
    """The transpose of the expected matrix (a 2-D result only, and not a symmetric one)."""
    if expected.ndim != 2 or got.shape != expected.T.shape or close(expected, expected.T, rtol):
        return None
    return "the transpose of the expected matrix (its rows and columns swapped)" if close(got, expected.T, rtol) \
        else None


def all_zero(got: np.ndarray, expected: np.ndarray) -> str | None:
    if got.shape == expected.shape and informative(expected) and np.all(got == 0):
        return "all zeros where non-zero values are expected"
    return None


def squeezed(got_shape: tuple, expected_shape: tuple) -> str | None:
    """An axis of size 1 lost or added (np.squeeze, [0], ravel, or a missing reshape)."""
    if got_shape == expected_shape:
        return None
    if tuple(size for size in expected_shape if size != 1) == tuple(size for size in got_shape if size != 1):
        if len(got_shape) < len(expected_shape):
            return (f"it has shape {got_shape} where shape {expected_shape} is expected: an axis of size 1 was lost "
                    "(np.squeeze, .item() or [0] on a result whose size-1 axes must stay)")
        return f"it has shape {got_shape} where shape {expected_shape} is expected: it has an extra axis of size 1"
    return None


def broadcast(got_shape: tuple, expected_shape: tuple) -> str | None:
    """(N, N) where (N, 1) or (N,) is expected: a (N,) array combined with a (N, 1) one."""
    if len(got_shape) == 2 and got_shape[0] == got_shape[1] and got_shape[0] > 1 and \
            expected_shape in ((got_shape[0], 1), (got_shape[0],), (1, got_shape[0])):
        return (f"it has shape {got_shape} where {expected_shape} is expected: an array of shape (N,) combined with "
                "one of shape (N, 1) broadcasts to (N, N); reshape one of them first")
    return None


def subsequence(got: np.ndarray, expected: np.ndarray) -> str | None:
    """For 1-D results of different lengths: extra entries inserted, or entries left out, the rest in order."""
    if got.ndim != 1 or expected.ndim != 1 or len(got) == len(expected):
        return None
    longer, shorter = (got, expected) if len(got) > len(expected) else (expected, got)
    positions, start = [], 0
    for index, value in enumerate(longer):
        if start < len(shorter) and value == shorter[start]:
            start += 1
        else:
            positions.append(index)
    if start < len(shorter):
        return None
    shown = ", ".join(str(position) for position in positions[:8]) + (", ..." if len(positions) > 8 else "")
    if longer is got:
        values = sorted({float(value) for value in got[positions]})
        what = f"(all equal to {number(values[0])})" if len(values) == 1 else ""
        return (f"it has {len(positions)} extra entries {what} at positions {shown}; without them it is exactly the "
                "expected result, in order").replace("  ", " ")
    return f"it lacks {len(positions)} of the expected entries (positions {shown} of the expected result); the others " \
        "are there, in order"


def axis_reduction(got: np.ndarray, source: np.ndarray, axis, how: str) -> str | None:
    """got as `source` reduced some other way than sum/mean over `axis` (the expected reduction)."""
    axes: list = [None, *range(source.ndim)]
    reducers: dict[str, Callable] = {"sum": np.sum, "mean": np.mean}
    for other_how, reduce in reducers.items():
        for other_axis in axes:
            if (other_how, other_axis) == (how, axis):
                continue
            with np.errstate(all="ignore"):
                value = np.asarray(reduce(source, axis=other_axis))
            for candidate in (value, np.broadcast_to(value, got.shape) if value.ndim == 0 and got.shape else value):
                if candidate.shape == got.shape and close(got, candidate):
                    where = "all its axes" if other_axis is None else f"axis {other_axis}"
                    wanted = "all its axes" if axis is None else f"axis {axis}"
                    verb = {"sum": "summed", "mean": "averaged"}
                    return f"{verb[other_how]} over {where}, where it should be {verb[how]} over {wanted}"
    return None


def where_wrong(wrong: np.ndarray, variables: dict[str, np.ndarray]) -> str | None:
    """A sign condition on one named array that holds exactly where the entries (or rows) are wrong."""
    if wrong.size < 2 or wrong.all() or not wrong.any():
        return None
    for name, variable in variables.items():
        values = _aligned(variable, wrong.shape)
        if values is None:
            continue
        for condition, phrase in ((values < 0, f"{name} < 0"), (values > 0, f"{name} > 0"),
                                  (values == 0, f"{name} = 0"), (values <= 0, f"{name} <= 0"),
                                  (values >= 0, f"{name} >= 0")):
            if np.array_equal(condition, wrong):
                return f"the wrong entries are exactly those where {phrase}"
    return None


def _aligned(variable: np.ndarray, shape: tuple) -> np.ndarray | None:
    """variable as an array of the result's shape: equal shape, broadcastable, or one value per row."""
    try:
        if variable.shape == shape:
            return variable
        if variable.ndim == 1 and len(shape) >= 1 and variable.shape[0] == shape[0]:
            return np.broadcast_to(variable.reshape((-1,) + (1,) * (len(shape) - 1)), shape)
        return np.broadcast_to(variable, shape)
    except ValueError:
        return None


def rows_wrong(wrong: np.ndarray, labels: dict[int, str]) -> str | None:
    """Which rows of a 2-D (or higher) result hold the wrong entries, when others are right."""
    if wrong.ndim < 2 or wrong.shape[0] < 2:
        return None
    rows = np.flatnonzero(wrong.reshape(wrong.shape[0], -1).any(axis=1))
    if not 0 < len(rows) < wrong.shape[0]:
        return None
    listed = _listing([str(int(row)) for row in rows[:10]]) + (" ..." if len(rows) > 10 else "")
    named = [labels[int(row)] for row in rows if int(row) in labels]
    what = f" ({_listing(list(dict.fromkeys(named)))})" if named else ""
    several = len(rows) > 1
    return (f"only row{'s' if several else ''} {listed}{what} of {wrong.shape[0]} differ{'' if several else 's'}; "
            "the other rows are right")


def _listing(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def listing(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return _listing(items)


def weighted_terms(got: np.ndarray, terms: dict[str, np.ndarray], sizes: dict[str, float]) -> str | None:
    """got as the sum of the named terms with one or two of them dropped, negated or scaled."""
    names = list(terms)
    if not 1 <= len(names) <= 6:
        return None
    arrays = {}
    for name in names:
        try:
            arrays[name] = np.broadcast_to(terms[name], got.shape).astype(np.float64)
        except ValueError:
            return None
    coefficients = [(0.0, "missing")] + [(factor, f"{label} times too large" if abs(factor) > 1 else
                                          f"{label} times what it should be") for factor, label in
                                         meaningful_factors(sizes)]
    for count in (1, 2):
        for changed in itertools.combinations(names, count):
            for choice in itertools.product(coefficients, repeat=count):
                total = np.zeros(got.shape)
                for name in names:
                    total = total + arrays[name] if name not in changed else total
                for (factor, _), name in zip(choice, changed):
                    total = total + factor * arrays[name]
                if not close(got, total):
                    continue
                if all(informative(arrays[name]) for name in changed):
                    return "; ".join(_term_phrase(name, factor, label) for (factor, label), name in zip(choice, changed))
    return None


def _term_phrase(name: str, factor: float, label: str) -> str:
    if factor == 0:
        return f"the term {name} is missing"
    if factor == -1:
        return f"the term {name} has the wrong sign"
    return f"the term {name} is {label}"


def wrong_term(got: np.ndarray, terms: dict[str, np.ndarray], sizes: dict[str, float]) -> str | None:
    """Every named term right but one, and what the student computed for that one (summed, transposed, ...)."""
    for name, term in terms.items():
        others = [np.broadcast_to(other, got.shape) for key, other in terms.items() if key != name]
        try:
            residual = got - sum(others, np.zeros(got.shape))
            expected_term = np.broadcast_to(term, got.shape)
        except ValueError:
            return None
        if close(residual, expected_term) or not informative(expected_term):
            continue
        term = np.asarray(term, dtype=np.float64)
        candidates = [(np.broadcast_to(np.sum(term), got.shape), "summed over all its entries"),
                      (np.broadcast_to(np.mean(term), got.shape), "averaged over all its entries")]
        for candidate, phrase in candidates:
            if close(residual, candidate):
                return f"every term but {name} is right, and that term is {phrase}"
        factor = constant_factor(residual, expected_term, sizes)
        if factor:
            return f"every term but {name} is right, and that term is {factor.replace('the expected value', 'itself')}"
    return None


# -- results that are sets of rows (examples, pairs): compared as multisets -------------------------------------------
def rows_difference(got: list, expected: list, fmt: Callable = str) -> str:
    """'missing 2: a, b; unexpected 1: c' (up to 8 of each, ×n for repeats): the rows each side lacks, counted."""
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


def rows_pairing(got: list, expected: list, names: list[str] | None = None, fmt: Callable = str) -> str | None:
    """How each unexpected row differs from a missing one, when all differ alike in one list item.

    Rows are tuples whose items are scalars or tuples.  Each unexpected row is matched with a missing row equal
    to it but for one tuple item, from which some entries are left out (or to which some are added); when every
    left-out (added) entry equals another scalar item of its row, that is said too (a value compared where a
    position should be: `w != center` drops copies of the center).
    """
    missing = list((Counter(expected) - Counter(got)).elements())
    extra = list((Counter(got) - Counter(expected)).elements())
    if not missing or not extra or len(extra) > 200:
        return None
    found: list[tuple] = []   # (item index, changed entries, added?, the row, its partner)
    for row in sorted(extra, key=_size, reverse=True):   # the longest first: they have the fewest partners
        candidates = [(len(change[1]), position, m, change) for position, m in enumerate(missing)
                      for change in [_one_item_change(row, m)] if change]
        if not candidates:
            return None
        _, _, partner, (index, entries, added) = min(candidates, key=lambda candidate: candidate[:2])
        missing.remove(partner)
        found.append((index, entries, added, row, partner))
    if len({(index, added) for index, _, added, _, _ in found}) != 1:
        return None
    index, _, added, row, partner = found[0]
    name = lambda i: names[i] if names and len(names) == len(row) else f"item {i}"   # noqa: E731
    count = sum(len(entries) for _, entries, _, _, _ in found)
    verb = "added to" if added else "left out of"
    rows = f"each of the {len(found)} unexpected rows is" if len(found) > 1 else "the unexpected row is"
    text = (f"{rows} a missing row with {count} entr{'y' if count == 1 else 'ies'}{' in all' if len(found) > 1 else ''} "
            f"{verb} its {name(index)} (e.g. {fmt(row)} instead of {fmt(partner)})")
    twins = [j for j in range(len(row)) if j != index and not isinstance(row[j], tuple)
             and all(all(entry == r[j] for entry in entries) for _, entries, _, r, _ in found)]
    if twins:
        text += (f"; every entry {'added' if added else 'left out'} is equal to the {name(twins[0])} of its row "
                 f"(a repeat of that value{'' if added else ' dropped'}: compare positions, not values?)")
    return text


def _size(row) -> int:
    return sum(len(item) if isinstance(item, tuple) else 1 for item in row) if isinstance(row, tuple) else 1


def _one_item_change(row, partner) -> tuple[int, list, bool] | None:
    """(index, the entries, added?) when row equals partner except for entries left out of (or added to) one tuple item."""
    if not isinstance(row, tuple) or not isinstance(partner, tuple) or len(row) != len(partner):
        return None
    differing = [i for i, (a, b) in enumerate(zip(row, partner)) if a != b]
    if len(differing) != 1 or not isinstance(row[differing[0]], tuple) or not isinstance(partner[differing[0]], tuple):
        return None
    mine, theirs = row[differing[0]], partner[differing[0]]
    for shorter, longer, added in ((mine, theirs, False), (theirs, mine, True)):
        if len(shorter) < len(longer) and _is_subsequence(shorter, longer):
            return differing[0], list((Counter(longer) - Counter(shorter)).elements()), added
    return None


def _is_subsequence(short: tuple, long: tuple) -> bool:
    iterator = iter(long)
    return all(any(item == other for other in iterator) for item in short)
