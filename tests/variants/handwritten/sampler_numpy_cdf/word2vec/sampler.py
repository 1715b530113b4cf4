"""Correct variant: a numpy Generator's uniforms through np.searchsorted on the cumulative sum;
excluded draws are drawn again until none is left."""


class NegativeSampler:
    def __init__(self, counts, power=0.75, seed=None):
        self.probabilities = noise_distribution(counts, power)
        self.cdf = np.cumsum(self.probabilities)
        self.uniforms = np.random.default_rng(seed)

    def _draws(self, n):
        found = np.searchsorted(self.cdf, self.uniforms.random(n) * self.cdf[-1], side="right")
        return np.minimum(found, len(self.cdf) - 1)

    def sample(self, k, exclude=None):
        draws = self._draws(int(k))
        if exclude is None:
            return draws
        banned = np.atleast_1d(np.asarray(exclude, dtype=np.int64))
        allowed = np.ones(len(self.probabilities), dtype=bool)
        allowed[banned] = False
        if self.probabilities[allowed].sum() <= 0:
            raise ValueError("every word with a positive count is excluded")
        bad = np.isin(draws, banned)
        while bad.any():
            draws[bad] = self._draws(int(bad.sum()))
            bad = np.isin(draws, banned)
        return draws
