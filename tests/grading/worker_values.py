"""Hypothesis strategies for every value a worker can return, as the grading process decodes it.

sandbox/protocol.py decodes a reply into None, bool, int (any size up to 2**64,
larger ones arrive as floats), float (nan and ±inf included), str, lists,
tuples, dicts with string keys, numpy arrays of any bool, int, uint, float or
complex dtype and any shape (0-d and empty included), numpy Generators (for a
returned seed) and `Unsupported` markers, nested up to 40 deep.  The "expected"
values a suite compares against are the reference's: float64 and int64 arrays,
floats, ints, and tuples, lists and dicts of them.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.sandbox.protocol import Unsupported

DTYPES = st.one_of(hnp.boolean_dtypes(), hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(),
                   hnp.floating_dtypes(), hnp.complex_number_dtypes())
SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)

arrays = st.one_of(
    hnp.arrays(DTYPES, SHAPES),
    # large or extreme arrays, built directly (generating their entries one by one would be slow)
    st.sampled_from([np.zeros((400, 300)), np.full(50_000, np.nan), np.full((3, 1), np.inf),
                     np.array(1e308) * np.array([1.0, -1.0]), np.zeros((0, 2)), np.zeros((2, 0, 3)),
                     np.arange(10**5, dtype=np.int64), np.array(np.iinfo(np.int64).min),
                     np.array([np.iinfo(np.uint64).max], dtype=np.uint64), np.ones((1,) * 30)]),
)

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**63, max_value=2**64 - 1),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.builds(Unsupported, st.sampled_from(["MyClass", "numpy array of dtype object", "a structure too deep"])),
    st.just(np.random.default_rng(1)), arrays,
)

worker_values = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.lists(inner, max_size=5).map(tuple),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)

reference_arrays = st.one_of(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
               elements=st.floats(-1e6, 1e6, allow_nan=False)),
    hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=5),
               elements=st.integers(-1000, 1000)),
)

reference_values = st.recursive(
    st.one_of(reference_arrays, st.floats(-1e6, 1e6, allow_nan=False), st.integers(-1000, 1000)),
    lambda inner: st.one_of(st.lists(inner, min_size=1, max_size=4), st.lists(inner, min_size=1, max_size=4).map(tuple),
                            st.dictionaries(st.sampled_from(["W1", "b1", "W2", "b2", "U1"]), inner, min_size=1,
                                            max_size=4)),
    max_leaves=6,
)

# Values shaped like what the graded functions return (a dict of the right keys, a tuple of the right length, a list
# of (id, similarity) pairs) with anything inside: they reach the deepest checks and descriptions of the suites.
KEYS = st.sampled_from([["W1", "b1", "W2", "b2"], ["X", "U1", "O1", "U2", "O2"], ["W1", "b1"]])
shaped_values = st.one_of(
    worker_values,
    arrays,
    KEYS.flatmap(lambda keys: st.fixed_dictionaries(dict.fromkeys(keys, worker_values))),
    st.integers(2, 4).flatmap(lambda n: st.tuples(*[worker_values] * n)),
    st.tuples(KEYS.flatmap(lambda keys: st.fixed_dictionaries(dict.fromkeys(keys, worker_values))),
              worker_values),
    st.lists(st.tuples(st.one_of(st.integers(-3, 10), worker_values), worker_values), max_size=6),
)
