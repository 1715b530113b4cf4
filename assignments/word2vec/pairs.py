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
    raise NotImplementedError


def encode(tokens, word_to_id):
    """Turn tokens into word ids, in order, dropping words not in the vocabulary.

    Inputs:
    - tokens: list of str.
    - word_to_id: dict str → int, as from build_vocab.

    Returns:
    - ndarray (n,), int, with n <= len(tokens).
    """
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError
