"""From raw text to Word2Vec training examples.

Word2Vec labels its own data: the text itself says which words appear near
which.  A corpus here is one sequence of tokens (no sentence boundaries); the
context of the word at position i is the words at positions i-m … i+m other than
i itself, where m is the window (m words on EACH side), cut off at the ends of
the sequence.

- Skip-gram predicts each context word from the center word, so every
  (center, context) pair is one training example.
- CBoW predicts the center word from its whole context at once, so every
  position with at least one context word is one training example.
"""
from collections import Counter

import numpy as np


def build_vocab(tokens, min_count=1):
    """Build the vocabulary of a token list.

    Inputs:
    - tokens: list of str.
    - min_count: int; words that occur fewer times are left out.

    Returns a tuple (word_to_id, counts):
    - word_to_id: dict str → int.  Ids are 0 … V-1, given by descending count; words
      with the same count are ordered alphabetically.
    - counts: ndarray (V,), int: counts[i] is how often the word with id i occurs.

    Edge case: an empty token list gives ({}, an empty int array).
    """
    frequencies = Counter(tokens)
    kept = sorted((word for word, count in frequencies.items() if count >= min_count),
                  key=lambda word: (-frequencies[word], word))
    word_to_id = {word: word_id for word_id, word in enumerate(kept)}
    counts = np.array([frequencies[word] for word in kept], dtype=np.int64)
    return word_to_id, counts


def encode(tokens, word_to_id):
    """Turn tokens into word ids, in order, dropping words not in the vocabulary.

    Inputs:
    - tokens: list of str.
    - word_to_id: dict str → int, as from build_vocab.

    Returns:
    - ndarray (n,), int, with n <= len(tokens).
    """
    return np.array([word_to_id[token] for token in tokens if token in word_to_id], dtype=np.int64)


def skipgram_pairs(ids, window):
    """All skip-gram training pairs of a sequence of word ids.

    For every position i and every offset j in 1 … window, the pairs
    (ids[i], ids[i-j]) and (ids[i], ids[i+j]) are included when that context
    position lies inside the sequence.  The center position itself is never its
    own context, but a word may still be paired with another copy of itself at a
    different position.

    Inputs:
    - ids: ndarray (n,), int.
    - window: int >= 0, the number of context words on each side.

    Returns:
    - ndarray (P, 2), int: one (center id, context id) row per pair.  The order of
      the rows does not matter; how many times each pair appears does.  Window 0,
      an empty sequence or a single word give an empty (0, 2) array.
    """
    ids = np.asarray(ids, dtype=np.int64)
    blocks = [np.empty((0, 2), dtype=np.int64)]
    for offset in range(1, min(window, len(ids) - 1) + 1):
        left, right = ids[:-offset], ids[offset:]
        blocks.append(np.stack([left, right], axis=1))   # context to the right of the center
        blocks.append(np.stack([right, left], axis=1))   # context to the left of the center
    return np.concatenate(blocks)


def cbow_examples(ids, window):
    """All CBoW training examples of a sequence of word ids.

    Inputs:
    - ids: ndarray (n,), int.
    - window: int >= 0, the number of context words on each side.

    Returns:
    - list of tuples (context, center): context is a list of int, the ids at
      positions i-window … i+window except i, inside the sequence, from left to
      right; center is the int ids[i].  Positions without any context word (window
      0, a one-word sequence) give no example.  The order of the examples does not
      matter.
    """
    ids = [int(word_id) for word_id in np.asarray(ids).reshape(-1)]
    examples = []
    for position, center in enumerate(ids):
        context = ids[max(0, position - window):position] + ids[position + 1:position + 1 + window]
        if context:
            examples.append((context, center))
    return examples
