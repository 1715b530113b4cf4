"""Negative sampling: drawing "noise" words for a (center, context) pair.

Negative sampling turns the expensive softmax over the whole vocabulary into a
few binary decisions: is this (center, word) pair real, or noise?  The noise
words are drawn from the unigram distribution raised to the power 3/4,

    P_noise(w) = count(w)^0.75 / Σ_v count(v)^0.75,

which gives rare words a little more and frequent words a little less than
their raw share of the text.
"""
import numpy as np


def noise_distribution(counts, power=0.75):
    """The noise distribution P(w) ∝ count(w)^power.

    Inputs:
    - counts: ndarray (V,), int or float, counts[i] >= 0 is the count of word i.
    - power: float, 0.75 in Word2Vec.

    Returns:
    - ndarray (V,), float64, summing to 1.  Entry i belongs to word i (keep the
      order of counts).  A word with count 0 gets probability 0, whatever the power.
    """
    raise NotImplementedError


class NegativeSampler:
    """Draws negative words from the noise distribution of a vocabulary.

    Inputs:
    - counts: ndarray (V,), the word counts.
    - power: float, the exponent of the noise distribution (0.75).
    - seed: int or None; the same seed must give the same sequence of draws.
      Keep one numpy Generator (np.random.default_rng(seed)) for the sampler's
      whole life: do not reseed on every call.
    """

    def __init__(self, counts, power=0.75, seed=None):
        raise NotImplementedError

    def sample(self, k, exclude=None):
        """Draw k negative word ids.

        Inputs:
        - k: int >= 0, the number of draws.  k may exceed the vocabulary size.
        - exclude: None, an int, or an array of ints: word ids that must never be
          returned (usually the true context word).

        Returns:
        - ndarray (k,), int, entries in 0 … V-1.  The draws are independent and with
          replacement, so the same id can appear more than once.  Excluded ids never
          appear; every other word keeps its relative probability (draw again,
          do not just drop the excluded draws).
        """
        raise NotImplementedError
