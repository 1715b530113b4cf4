from collections import Counter

import numpy as np


def build_vocab(tokens, min_count=1):
    counts = Counter(tokens)
    words = sorted([w for w in counts if counts[w] >= min_count], key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(words)}, np.array([counts[w] for w in words], dtype=int)


def encode(tokens, word_to_id):
    return np.array([word_to_id[t] for t in tokens if t in word_to_id], dtype=int)


def skipgram_pairs(ids, window):
    pairs = []
    for i in range(len(ids)):
        for j in range(max(0, i - window), min(len(ids), i + window + 1)):
            pairs.append((ids[i], ids[j]))        # forgets to skip j == i
    return np.array(pairs, dtype=int).reshape(-1, 2)


def cbow_examples(ids, window):
    examples = []
    for i in range(len(ids)):
        context = [int(x) for x in ids[max(0, i - window):i]] + [int(x) for x in ids[i + 1:i + 1 + window]]
        if context:
            examples.append((context, int(ids[i])))
    return examples
