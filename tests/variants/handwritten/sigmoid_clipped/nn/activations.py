"""Correct variant: a stable sigmoid that clips its input to ±500 (exp(500) is far from overflowing)."""


def sigmoid(s):
    clipped = np.clip(np.asarray(s, dtype=np.float64), -500.0, 500.0)
    return 1.0 / (1.0 + np.exp(-clipped))
