"""The visible part of a test cell: plain asserts on a function's visible examples.

The expected values are computed by the reference when the notebook is built
and written into the cell as literals (rounded to 10 significant digits, so the
text is the same on every machine), so the cell runs in a student's copy,
which has no reference.  The asserts follow the engine's comparison
(`autograder.grading.compare.compare`): shapes, lengths and keys exactly, numbers within the
engine's loosest (float32) tolerance, so a function that passes the engine's
examples always passes them too.
"""
from __future__ import annotations

from numbers import Real

import numpy as np

from ..course import FunctionSpec
from ..grading.compare import FLOAT32_ATOL, FLOAT32_RTOL, ignore_order

TOLERANCE = f"rtol={FLOAT32_RTOL:g}, atol={FLOAT32_ATOL:g}"


def number_text(value) -> str:
    """A number as Python source: ints exactly, floats to 10 significant digits."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(float(f"{float(value):.10g}"))


def literal(value) -> str:
    """Python source that rebuilds a value (arrays as np.array(...))."""
    if isinstance(value, np.ndarray):
        dtype = ", dtype=np.int64" if value.dtype.kind in "iu" and value.size == 0 else ""
        return f"np.array({_nested(value.tolist())}{dtype})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key!r}: {literal(item)}" for key, item in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(item) for item in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, (Real, np.generic)) and not isinstance(value, str):
        return number_text(value)
    return repr(value)


def _nested(items) -> str:
    if isinstance(items, list):
        return "[" + ", ".join(_nested(item) for item in items) + "]"
    return number_text(items)


def call_text(name: str, args: list, kwargs: dict) -> str:
    arguments = [literal(arg) for arg in args] + [f"{key}={literal(value)}" for key, value in kwargs.items()]
    return f"{name}({', '.join(arguments)})"


def assertions(expression: str, expected, label: str) -> list[str]:
    """Asserts that `expression` matches `expected` as the engine's compare would judge it."""
    if isinstance(expected, (np.ndarray, np.generic)) or (isinstance(expected, Real) and not isinstance(expected, bool)):
        shape = np.asarray(expected).shape
        return [f"assert np.shape({expression}) == {shape!r}, {f'{label} has the wrong shape'!r}",
                f"assert np.allclose({expression}, {literal(expected)}, {TOLERANCE}), {f'{label} has wrong values'!r}"]
    if isinstance(expected, (list, tuple)) and expected and all(_is_number(item) for item in expected):
        return [f"assert np.shape({expression}) == {(len(expected),)!r}, {f'{label} has the wrong length'!r}",
                f"assert np.allclose({expression}, {literal(list(expected))}, {TOLERANCE}), "
                f"{f'{label} has wrong values'!r}"]
    if isinstance(expected, (list, tuple)):
        lines = [f"assert len({expression}) == {len(expected)}, {f'{label} has the wrong length'!r}"]
        for index, item in enumerate(expected):
            lines += assertions(f"{expression}[{index}]", item, f"{label}[{index}]")
        return lines
    if isinstance(expected, dict) and expected and all(_integers_only(item) and _is_number(item)
                                                       for item in expected.values()):
        return [f"assert dict({expression}) == {literal(expected)}, {f'{label} is wrong'!r}"]
    if isinstance(expected, dict):
        keys = "{" + ", ".join(repr(key) for key in sorted(expected, key=repr)) + "}"
        lines = [f"assert set({expression}) == {keys}, {f'{label} has the wrong keys'!r}"]
        for key, item in expected.items():
            lines += assertions(f"{expression}[{key!r}]", item, f"{label}[{key!r}]")
        return lines
    return [f"assert {expression} == {literal(expected)}, {f'{label} is wrong'!r}"]


def _is_number(value) -> bool:
    return isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_))


def _integers_only(value) -> bool:
    """True when every number in a nested value is an integer (so == compares it exactly)."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iu"
    if isinstance(value, (list, tuple)):
        return all(_integers_only(item) for item in value)
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _item_key(item) -> str:
    """The order of an `unordered: items` result, computable in the student's copy without the grader."""
    return repr([np.asarray(part).tolist() for part in item])


def example_lines(spec: FunctionSpec, index: int, args: list, kwargs: dict, expected) -> list[str]:
    """One example's call and asserts; `got` holds the result."""
    label = f"example {index + 1}: {spec.name}(...)"
    lines = [f"got = {call_text(spec.name, args, kwargs)}"]
    if spec.unordered == "rows":
        lines.append("got = np.asarray(got)[np.lexsort(np.asarray(got).T[::-1])]  # the order of the rows is free")
        expected = ignore_order(expected, "rows")
    elif spec.unordered == "items":
        lines.append("got = sorted(got, key=lambda item: repr([np.asarray(part).tolist() for part in item]))"
                     "  # the order of the items is free")
        expected = sorted(expected, key=_item_key)
        if _integers_only(expected):
            canonical = [[np.asarray(part).tolist() for part in item] for item in expected]
            return lines + [f"assert [[np.asarray(part).tolist() for part in item] for item in got] == "
                            f"{canonical!r}, {f'{label} has wrong items'!r}"]
    return lines + assertions("got", expected, label)
