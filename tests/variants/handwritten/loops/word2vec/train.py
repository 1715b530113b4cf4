"""Correct variant: the trainer with Python's random module, updates applied negative by negative."""
import random


def skipgram_step(W_in, W_out, center, context, negatives, lr):
    v = W_in[center].copy()                  # every gradient from the weights before the step
    u_pos = W_out[context].copy()
    negative_rows = [W_out[int(word)].copy() for word in np.asarray(negatives).ravel()]
    loss, grad_v, grad_pos, grad_negs = neg_sampling_loss_and_grad(
        v, u_pos, np.array(negative_rows).reshape(-1, len(v)))
    W_in[center] -= lr * grad_v
    W_out[context] -= lr * grad_pos
    for word, grad in zip(np.asarray(negatives).ravel(), grad_negs):
        W_out[int(word)] -= lr * grad          # a repeated word moves once per occurrence
    return loss


def train_skipgram(ids, vocab_size, dim, window, k, epochs, lr, seed):
    stream = random.Random(seed)
    W_in = np.array([[(stream.random() - 0.5) / dim for _ in range(dim)] for _ in range(vocab_size)])
    W_out = np.zeros((vocab_size, dim))
    counts = np.zeros(vocab_size)
    for word in np.asarray(ids).ravel():
        counts[int(word)] += 1
    sampler = NegativeSampler(counts, seed=stream.randrange(2**32))
    pairs = [tuple(row) for row in skipgram_pairs(ids, window).tolist()]
    losses = []
    for _ in range(epochs):
        order = list(range(len(pairs)))
        stream.shuffle(order)
        total = 0.0
        for index in order:
            center, context = pairs[index]
            negatives = sampler.sample(k, exclude=context)
            total += skipgram_step(W_in, W_out, center, context, negatives, lr)
        losses.append(total / len(pairs) if pairs else 0.0)
    return W_in, W_out, losses


def most_similar(W, word_id, topn):
    n_words = W.shape[0]
    norms = [float(np.sqrt(W[w].dot(W[w]))) for w in range(n_words)]
    scored = []
    for other in range(n_words):
        if other == word_id:
            continue
        if norms[other] == 0 or norms[word_id] == 0:
            similarity = 0.0
        else:
            similarity = float(W[other].dot(W[word_id])) / (norms[other] * norms[word_id])
        scored.append((other, similarity))
    scored.sort(key=lambda entry: -entry[1])
    return scored[:topn]
