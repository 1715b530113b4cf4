"""What a trainer's run with a tiny learning rate tells about the examples and negatives it trained on.

W_out starts at zero (the contract), so with a tiny lr every score u·v stays near 0 for the whole run and each
step moves W_out, to first order in lr, by what it would move at the start; W_in moves only by O(lr²):
- skip-gram: a pair (c, o) with negatives n_1 … n_k adds lr/2 · v_c to u_o and takes lr/2 · v_c from each u_n;
- CBoW: an example (context, center) adds lr · (onehot(center) - 1/V) ⊗ h to W_out, h the mean of the context's
  rows of W_in.
W_out after the run is then lr times a sum over the steps, in any order, of the initial input vectors, which the
returned W_in still holds (to about lr).  With dim > V those vectors are independent, so the sum can be read
back: for skip-gram, how often each word was a context and a negative of each center, as exact integers.
Measured on the reference, its loops variant and a trainer on Python's random stream (1,000 corpora each): the
integers come back within 1e-4, and within 1e-3 from a trainer that computes in float32.  A trainer that breaks
the contract's start (W_out not zero) or changes lr during the run gives no integers, and the probe says
nothing about it.
"""
from __future__ import annotations

import numpy as np

LR = 1e-6          # the probes' learning rate: second-order terms ~ lr² stay far below the tolerances
INTEGRAL = 0.05    # how far from an integer a recovered count may be (measured: at most 1e-4)


def skipgram_tallies(W_in: np.ndarray, W_out: np.ndarray, lr: float = LR) -> np.ndarray | None:
    """T (V, V) int64 with T[c, w] = (steps on pair (c, w)) - (negatives w drawn for center c), or None.

    W_in, W_out (V, E), float: what train_skipgram returned after a run with this lr (E > V).  None when
    2·W_out/lr is not an integer combination of the rows of W_in: the run was not a plain SGD run from
    W_out = 0 with this lr, so it shows nothing.
    """
    W_in, W_out = np.asarray(W_in, dtype=np.float64), np.asarray(W_out, dtype=np.float64)
    target = (2.0 / lr) * W_out.T                      # (E, V): column w is Σ_c T[c, w] v_c
    if np.linalg.matrix_rank(W_in) < len(W_in):
        return None
    tallies, *_ = np.linalg.lstsq(W_in.T, target, rcond=None)
    rounded = np.round(tallies)
    scale = 1.0 + float(np.max(np.abs(target), initial=0.0))
    if np.max(np.abs(tallies - rounded), initial=0.0) > INTEGRAL or \
            np.max(np.abs(W_in.T @ rounded - target), initial=0.0) > 1e-3 * scale:
        return None
    return np.asarray(rounded, dtype=np.int64)


def pair_tallies(pairs: np.ndarray, vocab_size: int) -> np.ndarray:
    """M (V, V) int64: M[c, w] = how many of the (P, 2) pairs are (c, w)."""
    tallies = np.zeros((vocab_size, vocab_size), dtype=np.int64)
    np.add.at(tallies, (pairs[:, 0], pairs[:, 1]), 1)
    return tallies


def negatives_if(pairs: np.ndarray, tallies: np.ndarray, k: int, epochs: int) -> np.ndarray | None:
    """N (V, V) int64, the negatives w drawn for center c, if the run trained `epochs` times on these pairs
    with k negatives each; None when the tallies say it did not (a negative count, or other totals).
    """
    steps = epochs * pair_tallies(pairs, len(tallies))
    negatives = steps - tallies
    if np.any(negatives < 0) or not np.array_equal(negatives.sum(axis=1), k * steps.sum(axis=1)):
        return None
    return negatives


def cbow_first_order(W_in: np.ndarray, examples, epochs: int) -> np.ndarray:
    """W_out / lr after `epochs` epochs of CBoW steps on the examples from W_out = 0, to first order in lr.

    W_in (V, E); examples: (context list, center) as cbow_examples returns them.  Returns (V, E) float64.
    """
    W_in = np.asarray(W_in, dtype=np.float64)
    total = np.zeros_like(W_in)
    for context, center in examples:
        h = W_in[list(context)].mean(axis=0)
        total -= h / len(W_in)
        total[center] += h
    return epochs * total
