"""Synthetic data sets on which training functions are graded by their outcome."""
from __future__ import annotations

import copy

import numpy as np

XOR_CENTERS = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
XOR_LABELS = np.array([0, 0, 1, 1])


def xor_blobs(n_samples: int, seed: int, spread: float = 0.35) -> tuple[np.ndarray, np.ndarray]:
    """An XOR-like problem no linear classifier can solve.

    Four Gaussian blobs at (±1, ±1); class 1 where the signs differ.
    Returns X (n_samples, 2) float64 and y (n_samples,) int64 of 0/1.
    """
    rng = np.random.default_rng(seed)
    blob = rng.integers(0, 4, n_samples)
    X = XOR_CENTERS[blob] + spread * rng.standard_normal((n_samples, 2))
    return X, XOR_LABELS[blob].astype(np.int64)


class XorProblem:
    """An XOR-like distribution moved by a rotation, a shift and a relabelling drawn from a generator.

    The four blobs of xor_blobs are rotated by a random angle about the origin
    and shifted by a random offset, and the classes are swapped or not at random,
    so a network that was not trained on points of this distribution classifies
    about half of them right.  relabelled() is the same distribution with the
    classes swapped: no fixed network can classify both well.
    """

    def __init__(self, rng: np.random.Generator, spread: float = 0.35, max_shift: float = 0.5):
        angle = rng.uniform(0.0, 2 * np.pi)
        self.rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        self.shift = rng.uniform(-max_shift, max_shift, size=2)
        self.swapped = bool(rng.integers(2))
        self.spread = spread

    def relabelled(self) -> XorProblem:
        """The same distribution with the classes swapped (a copy)."""
        other = copy.copy(self)
        other.swapped = not self.swapped
        return other

    def draw(self, n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n_samples points: X (n_samples, 2) float64 and y (n_samples,) int64 of 0/1."""
        blob = rng.integers(0, 4, n_samples)
        X = XOR_CENTERS[blob] + self.spread * rng.standard_normal((n_samples, 2))
        return X @ self.rotation.T + self.shift, (XOR_LABELS[blob] ^ int(self.swapped)).astype(np.int64)


def planted_topics_corpus(seed: int, n_topics: int = 3, words_per_topic: int = 4,
                          n_sentences: int = 60, sentence_length: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """A corpus whose words fall into topics that never share a sentence.

    Each "sentence" draws all its words from one topic, and sentences are joined
    into one sequence, so words of a topic co-occur and words of different topics
    meet only across sentence joins.  Word w belongs to topic w // words_per_topic.
    Returns ids (n_sentences * sentence_length,) int64 and topic_of_word (V,) int64.
    """
    rng = np.random.default_rng(seed)
    topics = rng.integers(0, n_topics, n_sentences)
    words = rng.integers(0, words_per_topic, (n_sentences, sentence_length))
    ids = (topics[:, None] * words_per_topic + words).reshape(-1).astype(np.int64)
    topic_of_word = np.arange(n_topics * words_per_topic) // words_per_topic
    return ids, topic_of_word


def renamed_words(ids: np.ndarray, topic_of_word: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The same corpus with its word ids renamed by a permutation drawn from rng.

    After renaming, a word's id says nothing about its topic, so embeddings
    that separate the topics must have been learned from this corpus.
    ids: (n,) int, topic_of_word: (V,) int, as from planted_topics_corpus.
    Returns ids (n,) int64 and topic_of_word (V,) int64 in the new names.
    """
    new_name = rng.permutation(len(topic_of_word))   # old id → new id
    renamed_topics = np.empty_like(topic_of_word)
    renamed_topics[new_name] = topic_of_word
    return new_name[ids].astype(np.int64), renamed_topics.astype(np.int64)

def topic_separation(W: np.ndarray, topic_of_word: np.ndarray) -> tuple[float, float]:
    """Mean cosine similarity of word pairs in the same topic and in different topics.

    W: (V, E) float64 embeddings; topic_of_word: (V,) int.  Returns (same, different).
    """
    norms = np.linalg.norm(W, axis=1, keepdims=True)
    unit = W / np.where(norms > 0, norms, 1.0)
    similarity = unit @ unit.T
    same_topic = topic_of_word[:, None] == topic_of_word[None, :]
    off_diagonal = ~np.eye(len(W), dtype=bool)
    return float(similarity[same_topic & off_diagonal].mean()), float(similarity[~same_topic].mean())
