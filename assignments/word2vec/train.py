"""Training Word2Vec with SGD, one example at a time: skip-gram with negative
sampling (SGNS), and CBoW with the full softmax.

Two embedding matrices are learned: W_in (V, E) holds the input vector v_w of
every word (the embeddings we keep), W_out (V, E) its output vector u_w.
"""
import numpy as np

from losses import cbow_loss_and_grad, neg_sampling_loss_and_grad
from pairs import cbow_examples, skipgram_pairs
from sampler import NegativeSampler


def skipgram_step(W_in, W_out, center, context, negatives, lr):
    """One SGD step of skip-gram with negative sampling on one pair.

    Computes the negative-sampling loss of (center, context) with the given
    negatives, then moves v_center, u_context and every u_negative against their
    gradients.  All gradients are computed from the weights before the step.

    Inputs:
    - W_in: ndarray (V, E), float64, updated IN PLACE (row `center` only).
    - W_out: ndarray (V, E), float64, updated IN PLACE (rows `context` and `negatives`).
    - center: int, the center word id.
    - context: int, the true context word id.
    - negatives: ndarray (K,), int, negative word ids.  An id repeated in
      `negatives` receives its update once per occurrence (with numpy, note that
      W_out[ids] -= ... applies a repeated index only once; np.add.at does not).
    - lr: float, the learning rate.

    Returns:
    - float: the loss before the step.
    """
    raise NotImplementedError


def train_skipgram(ids, vocab_size, dim, window, k, epochs, lr, seed):
    """Train skip-gram embeddings with negative sampling on a sequence of word ids.

    Every epoch goes through all skip-gram pairs of `ids` (skipgram_pairs) in a
    new random order and makes one skipgram_step per pair, with k negatives drawn
    from the count^0.75 noise distribution of `ids` (never the true context word).

    Inputs:
    - ids: ndarray (n,), int, entries in 0 … vocab_size-1.
    - vocab_size: int V.
    - dim: int E, the embedding size.
    - window: int, context words on each side.
    - k: int, negatives per pair.
    - epochs: int.
    - lr: float, the learning rate.
    - seed: int; the same seed must give the same result.

    Returns a tuple (W_in, W_out, losses):
    - W_in: ndarray (V, E), float64, the trained input vectors (the embeddings).
    - W_out: ndarray (V, E), float64, the trained output vectors.
    - losses: list of `epochs` floats, the mean loss over the pairs of each epoch.

    Initialise W_in with small random values (for example uniform in
    [-0.5/E, 0.5/E]) and W_out with zeros.
    """
    raise NotImplementedError


def cbow_step(W_in, W_out, context, center, lr):
    """One SGD step of CBoW (full softmax) on one example.

    Computes cbow_loss_and_grad of the context's input vectors and the center,
    then moves every context row of W_in and every row of W_out against its
    gradient.  All gradients are computed from the weights before the step.

    Inputs:
    - W_in: ndarray (V, E), float64, updated IN PLACE (the rows in `context` only).
    - W_out: ndarray (V, E), float64, updated IN PLACE (every row: the full softmax
      involves every output vector).
    - context: list of int (C >= 1), the context word ids, as in cbow_examples.  An
      id that occurs twice receives its update twice (with numpy, W_in[ids] -= ...
      applies a repeated index only once; np.add.at does not).
    - center: int, the center word id.
    - lr: float, the learning rate.

    Returns:
    - float: the loss before the step.
    """
    raise NotImplementedError


def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    """Train CBoW embeddings (full softmax) on a sequence of word ids.

    Every epoch goes through all CBoW examples of `ids` (cbow_examples) in a new
    random order and makes one cbow_step per example.

    Inputs:
    - ids: ndarray (n,), int, entries in 0 … vocab_size-1.
    - vocab_size: int V.
    - dim: int E, the embedding size.
    - window: int, context words on each side.
    - epochs: int.
    - lr: float, the learning rate.
    - seed: int; the same seed must give the same result, and another seed a
      different one (initial values and order come from it).

    Returns a tuple (W_in, W_out, losses):
    - W_in: ndarray (V, E), float64, the trained input vectors (the embeddings).
    - W_out: ndarray (V, E), float64, the trained output vectors.
    - losses: list of `epochs` floats, the mean loss over the examples of each epoch.

    Initialise W_in with small random values (for example uniform in
    [-0.5/E, 0.5/E]) and W_out with zeros, so that the first loss is log V.
    """
    raise NotImplementedError


def most_similar(W, word_id, topn):
    """The words whose vectors are closest to word_id's by cosine similarity.

    cos(a, b) = a·b / (‖a‖·‖b‖); a zero vector has similarity 0 with everything.

    Inputs:
    - W: ndarray (V, E), float64, one embedding per row.
    - word_id: int.
    - topn: int, how many words to return.

    Returns:
    - list of min(topn, V-1) tuples (other_id: int, similarity: float), most similar
      first.  word_id itself is never in the list.  Ties may come in any order.
    """
    raise NotImplementedError
