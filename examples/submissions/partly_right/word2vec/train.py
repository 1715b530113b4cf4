import numpy as np

from losses import cbow_loss_and_grad, neg_sampling_loss_and_grad
from pairs import skipgram_pairs
from sampler import NegativeSampler


def skipgram_step(W_in, W_out, center, context, negatives, lr):
    loss, g_v, g_o, g_neg = neg_sampling_loss_and_grad(W_in[center], W_out[context], W_out[negatives])
    W_in[center] -= lr * g_v
    W_out[context] -= lr * g_o
    W_out[negatives] -= lr * g_neg             # a repeated negative is only updated once
    return loss


def train_skipgram(ids, vocab_size, dim, window, k, epochs, lr, seed):
    raise NotImplementedError


def cbow_step(W_in, W_out, context, center, lr):
    loss, g_context, g_out = cbow_loss_and_grad(W_in[context], center, W_out)
    W_in[context] -= lr * g_context            # a word twice in the context is only updated once
    W_out -= lr * g_out
    return loss


def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    raise NotImplementedError


def most_similar(W, word_id, topn):
    norms = np.linalg.norm(W, axis=1)
    sims = W @ W[word_id] / (norms * norms[word_id] + 1e-12)
    order = [int(i) for i in np.argsort(-sims) if i != word_id]
    return [(i, float(sims[i])) for i in order[:topn]]
