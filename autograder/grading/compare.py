"""Comparing what a student's function returned with what was expected.

Used by the hidden suites and by the visible examples (in the grader and in a
student release, where the expected values are stored data).  Everything here
works on plain decoded data (numbers, strings, lists, tuples, dicts, ndarrays,
and `Unsupported` markers); it never calls code that came from a submission.

The contract's leniency lives here: any array-like that converts to a numeric
array of the right shape is accepted, float32 at a looser tolerance, int32 for
int64, lists and tuples interchangeably.  Shapes, keys, lengths and values are
strict, and so is the kind of an integer array (ids, counts, labels): floats
with integer values are not integers.

The numeric policy: no comparison asks for agreement beyond what float64
arithmetic can give.  Whatever tolerance a check passes, differences below
ATOL_FLOOR times the largest finite expected magnitude are agreement (σ(-1e4)
= 7e-218 from a sigmoid that clips its input is as right as 0).  Everything here
is total: any value a worker can return (any dtype, 0-d, empty, huge, nan, inf,
any nesting) gives None or a Mismatch, never an exception.

Where an expected value is a sum whose terms cancel (U·(p - y) with scores near 800,
W - lr·grad where the step nearly undoes W), a float32 computation is only as good
as its terms: a caller that knows them passes `terms`, and a float32 computation
then agrees within FLOAT32_TERMS_RTOL times those magnitudes.  The precision of
the computation is the result's dtype, or `precision` when the caller judged it
from the other values returned with it (a float32 gradient next to a float() loss).
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from ..sandbox.protocol import GeneratorSeed, Unsupported

RTOL, ATOL = 1e-6, 1e-9
FLOAT32_RTOL, FLOAT32_ATOL = 1e-4, 1e-6
ATOL_FLOOR = 1e-12   # relative to the largest finite |expected|: float64 cannot promise more than this
# relative to the magnitudes of the terms an expected entry sums: a few float32 roundings of each (eps = 1.2e-7)
FLOAT32_TERMS_RTOL = 16 * float(np.finfo(np.float32).eps)


@dataclass
class Mismatch:
    """The first place where a returned value differs from the expected one."""

    where: str        # e.g. "result", "result[1]", "cache['U1']"
    problem: str      # one sentence for the student
    expected: str
    got: str


def show(value, limit: int = 400) -> str:
    """A short printable text of a value for feedback."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=24, edgeitems=3, separator=", ")
        if value.ndim and value.size > 1:
            text = f"{text}  (shape {value.shape}, {value.dtype})"
        elif value.dtype != np.float64:
            text = f"{text}  ({value.dtype})"
    elif isinstance(value, float):
        text = f"{value:.10g}"
    elif isinstance(value, GeneratorSeed):
        text = repr(value)
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{key!r}: {show(item, 80)}" for key, item in value.items()) + "}"
    elif isinstance(value, (list, tuple)):
        inner = ", ".join(show(item, 80) for item in value[:12]) + (", ..." if len(value) > 12 else "")
        text = f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    elif isinstance(value, str):
        text = repr(value[:limit + 1])   # a returned string may be megabytes long
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + " ..."


def as_numeric_array(value) -> np.ndarray | None:
    """The value as a numeric ndarray, or None if it is not array-like numbers."""
    if isinstance(value, (Unsupported, str, dict)) or value is None:
        return None
    try:
        array = np.asarray(value)
    except Exception:   # ragged nested lists, integers too large for any dtype, ...
        return None
    return array if array.dtype.kind in "biuf" else None


def shape_of(value) -> tuple | None:
    """The shape of a returned value as an array of numbers, or None (ragged lists, strings, objects, dicts)."""
    array = as_numeric_array(value)
    return None if array is None else array.shape


def tolerances(got: np.ndarray, expected: np.ndarray, rtol: float = RTOL, atol: float = ATOL, *,
               precision=None, terms=None) -> tuple[float, float | np.ndarray]:
    """The (rtol, atol) a comparison of got with expected really uses.

    float32 (or less precise) results, and results of a float32 `precision` (a dtype), get FLOAT32_RTOL/ATOL at
    least, and, given `terms` (the magnitudes of the terms each expected entry is a sum of: a number or an
    array that broadcasts to expected's shape), an atol of FLOAT32_TERMS_RTOL × terms, entry by entry.  atol is
    never below ATOL_FLOOR times the largest finite magnitude of expected (or of terms).
    """
    single = got.dtype.kind == "f" and got.dtype.itemsize <= 4
    if precision is not None and np.dtype(precision).itemsize <= 4:
        single = True
    if single:
        rtol, atol = max(rtol, FLOAT32_RTOL), max(atol, FLOAT32_ATOL)
    with np.errstate(all="ignore"):
        magnitudes = np.abs(expected[np.isfinite(expected)]) if expected.dtype.kind in "fc" else np.abs(expected)
        scale = float(np.max(magnitudes, initial=0.0))
        if terms is not None:
            scale = max(scale, float(np.max(terms, initial=0.0)))
    atol = max(atol, ATOL_FLOOR * scale if np.isfinite(scale) else 0.0)
    if single and terms is not None:
        return rtol, np.maximum(atol, FLOAT32_TERMS_RTOL * np.broadcast_to(np.asarray(terms, float), expected.shape))
    return rtol, atol


def compare(got, expected, where: str = "result", rtol: float = RTOL, atol: float = ATOL, *,
            precision=None, terms=None) -> Mismatch | None:
    """None when got matches expected, else the first Mismatch found.

    precision and terms: see tolerances (terms only for an expected number or array, not a nesting of them).
    """
    with np.errstate(all="ignore"):   # inf - inf and overflowing differences of hostile values: no warnings
        return _compare(got, expected, where, rtol, atol, precision, terms)


def _compare(got, expected, where: str, rtol: float, atol: float, precision=None, terms=None) -> Mismatch | None:
    if isinstance(expected, (np.ndarray, np.generic)) or \
            (isinstance(expected, Real) and not isinstance(expected, bool)):
        return _compare_numbers(got, np.asarray(expected), where, rtol, atol,
                                scalar=not isinstance(expected, np.ndarray), precision=precision, terms=terms)
    if isinstance(expected, (list, tuple)):
        return _compare_sequences(got, expected, where, rtol, atol, precision)
    if isinstance(expected, dict):
        return _compare_dicts(got, expected, where, rtol, atol, precision)
    if isinstance(got, Unsupported) or type(got) is not type(expected) or got != expected:
        return Mismatch(where, f"{where} should be {show(expected)}", show(expected), show(got))
    return None


def _kind_name(value) -> str:
    if isinstance(value, Unsupported):
        return f"an object of type {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype}"
    return f"a {type(value).__name__}"


def _compare_numbers(got, expected: np.ndarray, where, rtol, atol, scalar: bool, precision=None,
                     terms=None) -> Mismatch | None:
    got_array = as_numeric_array(got)

    def expected_text() -> str:   # only a mismatch needs the text (array2string is most of a passing check's time)
        return show(expected if not scalar else expected.item())

    if got_array is None:
        wanted = "a number" if scalar else f"an array of numbers with shape {expected.shape}"
        return Mismatch(where, f"{where} should be {wanted}, but your function returned {_kind_name(got)}",
                        expected_text(), show(got))
    if got_array.shape != expected.shape:
        if scalar:
            problem = f"{where} should be a single number, but it has shape {got_array.shape}"
        else:
            problem = f"{where} has shape {got_array.shape}, but shape {expected.shape} was expected"
        return Mismatch(where, problem, expected_text(), show(got))
    if expected.dtype.kind in "iub":
        if not np.array_equal(got_array, expected):
            return _value_mismatch(got_array, expected, where)
        if expected.dtype.kind in "iu" and got_array.dtype.kind == "f" and not scalar and expected.size:
            # ids, counts and labels must be able to index arrays: integer-valued floats cannot
            return Mismatch(where, f"{where} has the right values, but as an array of dtype {got_array.dtype}: an "
                                   "array of integers was expected (use dtype=int, or .astype(int))",
                            expected_text(), show(got))
        return None
    got_float = got_array.astype(np.float64)
    if np.any(~np.isfinite(got_float) & np.isfinite(expected)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(got_float) & np.isfinite(expected))[0])
        at = f" at index {bad}" if got_float.ndim else ""
        return Mismatch(where, f"{where} contains {got_float[bad] if bad else got_float.item()}{at} where a finite "
                        f"number was expected (an overflow or a division by zero?)", expected_text(), show(got))
    rtol, atol = tolerances(got_array, expected, rtol, atol, precision=precision, terms=terms)
    differs = ~np.isclose(got_float, expected, rtol=rtol, atol=atol, equal_nan=True)
    if differs.any():
        return _value_mismatch(got_float, expected, where, differs)
    return None


def _value_mismatch(got: np.ndarray, expected: np.ndarray, where: str, differs: np.ndarray | None = None) -> Mismatch:
    """The Mismatch of two arrays of one shape whose entries differ where `differs` is True (exact != if None)."""
    if differs is None:
        differs = np.asarray(got != expected)
    if got.ndim == 0:
        expected_text, got_text = show(expected.item()), show(got.item())
        return Mismatch(where, f"{where} is {got_text}, but {expected_text} was expected", expected_text, got_text)
    wrong = np.argwhere(differs)
    count = len(wrong)
    if not count:   # cannot happen for a caller that found a difference; a description must not fail anyway
        return Mismatch(where, f"{where} differs from the expected values", show(expected), show(got))
    first = tuple(int(i) for i in wrong[0])
    return Mismatch(where, f"{where} differs from the expected values in {count} of {got.size} entries; "
                           f"the first is at index {first}: expected {show(expected[first].item())}, "
                           f"got {show(got[first].item())}", show(expected), show(got))


def _compare_sequences(got, expected, where, rtol, atol, precision=None) -> Mismatch | None:
    if isinstance(got, np.ndarray) and got.ndim >= 1:
        got = list(got)
    if not isinstance(got, (list, tuple)):
        return Mismatch(where, f"{where} should be a {type(expected).__name__} of {len(expected)} items, "
                               f"but your function returned {_kind_name(got)}", show(expected), show(got))
    if len(got) != len(expected):
        return Mismatch(where, f"{where} should have {len(expected)} items, but it has {len(got)}",
                        show(expected), show(got))
    for index, (got_item, expected_item) in enumerate(zip(got, expected)):
        mismatch = compare(got_item, expected_item, f"{where}[{index}]", rtol, atol, precision=precision)
        if mismatch:
            return mismatch
    return None


def _compare_dicts(got, expected, where, rtol, atol, precision=None) -> Mismatch | None:
    if not isinstance(got, dict):
        return Mismatch(where, f"{where} should be a dict with keys {sorted(expected)}, but your function "
                               f"returned {_kind_name(got)}", show(expected), show(got))
    missing = [key for key in expected if key not in got]
    extra = [key for key in got if key not in expected]
    if missing or extra:
        parts = ([f"is missing the key(s) {', '.join(map(repr, missing))}"] if missing else []) + \
                ([f"has unexpected key(s) {', '.join(map(repr, extra[:5]))}"] if extra else [])
        return Mismatch(where, f"{where} {' and '.join(parts)}", show(sorted(expected)), show(sorted(got)))
    for key, expected_item in expected.items():
        mismatch = compare(got[key], expected_item, f"{where}[{key!r}]", rtol, atol, precision=precision)
        if mismatch:
            return mismatch
    return None


def canonical(value):
    """Nested tuples of plain Python values, for order-free comparison of lists of items."""
    if isinstance(value, np.ndarray):
        return canonical(value.tolist())
    if isinstance(value, (list, tuple)):
        return tuple(canonical(item) for item in value)
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, (int, float, str, bool, type(None))) else repr(value)


def ignore_order(value, rule: str | None):
    """Put a result in a canonical order where the contract does not grade order."""
    try:
        if rule == "rows":
            array = np.asarray(value)
            if array.ndim == 2 and array.dtype.kind in "biuf" and len(array):
                return array[np.lexsort(array.T[::-1])]
        elif rule == "items" and isinstance(value, (list, tuple)):
            return sorted(value, key=lambda item: repr(canonical(item)))
    except (ValueError, TypeError):
        pass
    return value
