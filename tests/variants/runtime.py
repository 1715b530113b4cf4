"""Appended to a student module to re-type what its functions return (runs in the sandbox: numpy only).

A mechanical variant is the reference module followed by this file and one call
`_variant_apply(globals(), [names], _variant_<conversion>)`.  The call replaces
each named function (or class) by one whose results go through the conversion,
so the grader sees float32 arrays, Python lists, int32 ids, ... where the
reference returns float64 arrays.  Calls between the student's own functions
keep seeing the unconverted results (`train` still gets arrays from `forward`),
as they would in code written that way from the start: every replaced function
runs with a snapshot of the module's names in which converted functions are
swapped back for their originals.

The names all start with `_variant` so that they cannot clash with a student
module's own names, in a .py module or in one notebook namespace.
"""
import functools as _variant_functools
import random as _variant_random
import types as _variant_types

import numpy as _variant_np


# -- conversions: value, depth (0 = what the function returned) → value -----------------------------------------
def _variant_float32(value, depth=0):
    """Every float array and float number as float32."""
    if isinstance(value, _variant_np.ndarray):
        return value.astype(_variant_np.float32) if value.dtype.kind == "f" else value
    if isinstance(value, (float, _variant_np.floating)):
        return _variant_np.float32(value)
    return _variant_containers(value, depth, _variant_float32)


def _variant_lists(value, depth=0):
    """Every array as (nested) Python lists; an empty array with two or more axes stays (a list cannot say (0, 2))."""
    if isinstance(value, _variant_np.ndarray):
        return value if value.size == 0 and value.ndim > 1 else value.tolist()
    return _variant_containers(value, depth, _variant_lists)


def _variant_tuples(value, depth=0):
    """Every array as (nested) Python tuples; an empty array with two or more axes stays."""
    if isinstance(value, _variant_np.ndarray):
        if value.size == 0 and value.ndim > 1:
            return value
        return _variant_nested_tuples(value.tolist())
    return _variant_containers(value, depth, _variant_tuples)


def _variant_nested_tuples(value):
    return tuple(_variant_nested_tuples(item) for item in value) if isinstance(value, list) else value


def _variant_int32(value, depth=0):
    """Every integer array as int32, and every integer inside a returned container (word ids) as np.int32."""
    if isinstance(value, _variant_np.ndarray):
        return value.astype(_variant_np.int32) if value.dtype.kind in "iu" else value
    if depth > 0 and isinstance(value, (int, _variant_np.integer)) and not isinstance(value, bool):
        return _variant_np.int32(value)
    return _variant_containers(value, depth, _variant_int32)


def _variant_shuffled_rows(value, depth=0):
    """The rows of a returned 2-D array in another (fixed, pseudo-random) order."""
    array = _variant_np.asarray(value)
    if depth == 0 and array.ndim == 2 and len(array) > 1:
        return array[_variant_np.random.default_rng(len(array)).permutation(len(array))]
    return value


def _variant_shuffled_items(value, depth=0):
    """The items of a returned list in another (fixed, pseudo-random) order."""
    if depth == 0 and isinstance(value, list) and len(value) > 1:
        shuffled = list(value)
        _variant_random.Random(len(shuffled)).shuffle(shuffled)
        return shuffled
    return value


def _variant_containers(value, depth, convert):
    if isinstance(value, list):
        return [convert(item, depth + 1) for item in value]
    if isinstance(value, tuple):
        return tuple(convert(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return {key: convert(item, depth + 1) for key, item in value.items()}
    return value


# -- replacing functions and classes ------------------------------------------------------------------------------
def _variant_unconverted(value):
    """The version of a function or class that returns what the student's code computes, unconverted."""
    return getattr(value, "__dict__", {}).get("_variant_inner", value)


def _variant_defined_in(value, namespace):
    """True for a function, or a class with a method, whose global names are those of namespace."""
    if isinstance(value, _variant_types.FunctionType):
        return value.__globals__ is namespace
    if isinstance(value, type):
        return any(isinstance(member, _variant_types.FunctionType) and member.__globals__ is namespace
                   for member in vars(value).values())
    return False


def _variant_rebound(value, names):
    """The same function (or class), looking up its global names in `names` instead of its module."""
    if isinstance(value, type):
        body = {key: _variant_rebound(member, names) if isinstance(member, _variant_types.FunctionType) else member
                for key, member in vars(value).items() if key not in ("__dict__", "__weakref__")}
        return type(value.__name__, value.__bases__, body)
    copy = _variant_types.FunctionType(value.__code__, names, value.__name__, value.__defaults__, value.__closure__)
    copy.__kwdefaults__ = value.__kwdefaults__
    copy.__qualname__ = value.__qualname__
    copy.__doc__ = value.__doc__
    return copy


def _variant_converting(value, convert):
    """A function whose result goes through convert, or a class whose public methods' results do."""
    if isinstance(value, type):
        body = {key: _variant_converting(member, convert)
                if isinstance(member, _variant_types.FunctionType) and not key.startswith("_") else member
                for key, member in vars(value).items() if key not in ("__dict__", "__weakref__")}
        return type(value.__name__, value.__bases__, body)

    @_variant_functools.wraps(value)
    def converted(*args, **kwargs):
        return convert(value(*args, **kwargs))
    converted.__dict__.pop("_variant_inner", None)
    return converted


def _variant_apply(namespace, names, convert):
    """Replace namespace[name] for each name by a version whose results go through convert.

    Every function and class of the namespace first gets a copy that runs against a snapshot of the
    namespace in which converted names are unconverted; a replacement wraps that copy (or, when the
    name was converted before, the earlier replacement) and keeps the copy as `_variant_inner`.
    """
    snapshot = {key: _variant_unconverted(value) for key, value in namespace.items()}
    for key, value in list(snapshot.items()):
        if _variant_defined_in(value, namespace):
            snapshot[key] = _variant_rebound(value, snapshot)
    for name in names:
        current = namespace[name]
        replacement = _variant_converting(current if "_variant_inner" in vars(current) else snapshot[name], convert)
        replacement._variant_inner = snapshot[name]
        namespace[name] = replacement
