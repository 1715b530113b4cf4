"""Correct variant: Python's random.Random and an inverse CDF found by a linear scan."""
import random


def noise_distribution(counts, power=0.75):
    weights = []
    for count in np.asarray(counts, dtype=np.float64).ravel():
        weights.append(count ** power if count > 0 else 0.0)
    total = sum(weights)
    if total <= 0:
        raise ValueError("no word has a positive count")
    return np.array([weight / total for weight in weights])


class NegativeSampler:
    def __init__(self, counts, power=0.75, seed=None):
        self.weights = [float(p) for p in noise_distribution(counts, power)]
        self.stream = random.Random(seed)

    def _one(self, weights, total):
        target = self.stream.random() * total
        running = 0.0
        last = None
        for word, weight in enumerate(weights):
            if weight > 0:
                running += weight
                last = word
                if target < running:
                    return word
        return last          # rounding left target at the very top

    def sample(self, k, exclude=None):
        banned = set() if exclude is None else {int(word) for word in np.atleast_1d(exclude)}
        weights = [0.0 if word in banned else weight for word, weight in enumerate(self.weights)]
        total = sum(weights)
        if total <= 0:
            raise ValueError("every word is excluded")
        return np.array([self._one(weights, total) for _ in range(int(k))], dtype=np.int64)
