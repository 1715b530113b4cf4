"""Correct variant: the sigmoid as scipy.special.expit computes it, 1 / (1 + exp(-s)), overflow silenced.

exp(-s) overflows to inf for s < -709, and 1 / (1 + inf) is exactly 0, the right value; the
overflow is expected, so it is silenced instead of warned about.
"""


def sigmoid(s):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(s, dtype=np.float64)))
