"""Correct variant: one np.where on z = exp(-|s|): σ(s) = 1/(1+z) for s >= 0 and z/(1+z) for s < 0."""


def sigmoid(s):
    z = np.exp(-np.abs(np.asarray(s, dtype=np.float64)))
    return np.where(s < 0, z, 1.0) / (1.0 + z)
