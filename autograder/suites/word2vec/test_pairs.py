"""Hidden tests of assignments/word2vec/pairs.py."""
import itertools
from collections import Counter

import numpy as np
import pytest

from autograder.grading import StudentCallError
from autograder.grading.checks import expect, fail
from autograder.grading.compare import as_numeric_array, compare, show
from autograder.suites.word2vec._common import as_items, as_rows, check_inputs_kept, expect_items, multiset_difference

grades = pytest.mark.grades

WORDS = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "far", "away", "fox"]


# -- build_vocab and encode ---------------------------------------------------------------------------------------
def tie_mistakes(tokens, expected_vocab: dict) -> dict:
    """The right words with ids by descending count, but ties broken some other way than alphabetically."""
    counts = Counter(tokens)

    def ties_not_alphabetical(got):
        ids = {word: int(np.asarray(value)) for word, value in got[0].items()}
        order = sorted(ids, key=ids.get)
        return set(ids) == set(expected_vocab) and ids != expected_vocab and \
            sorted(ids.values()) == list(range(len(ids))) and \
            all(counts[a] >= counts[b] for a, b in itertools.pairwise(order))

    return {"vocab_ties_not_alphabetical": ties_not_alphabetical}


@grades("pairs.build_vocab")
def test_build_vocab_orders_ties_alphabetically(student, ref):
    """build_vocab gives ids by descending count, and words with equal counts in alphabetical order"""
    tokens = ["pear", "fig", "apple", "fig", "date", "pear", "kiwi", "apple", "fig"]
    expected = ref.pairs.build_vocab(tokens)
    expect_items(student.pairs.build_vocab(tokens), expected, ["word_to_id", "counts"],
                 call="build_vocab(tokens)", inputs={"tokens": tokens},
                 mistakes_if=tie_mistakes(tokens, expected[0]))


@grades("pairs.build_vocab")
def test_build_vocab_on_random_text(student, ref, calls, rng):
    """build_vocab on random text with repeated words, for several min_count values"""
    tokens = [str(word) for word in rng.choice(WORDS, size=40)]
    for min_count in (1, int(rng.integers(2, 5))):
        expected = ref.pairs.build_vocab(list(tokens), min_count)
        got = student.pairs.build_vocab(tokens, min_count)
        inputs = {"tokens": tokens, "min_count": min_count}
        check_inputs_kept(calls, "build_vocab(tokens, min_count)", inputs)
        expect_items(got, expected, ["word_to_id", "counts"], call="build_vocab(tokens, min_count)", inputs=inputs,
                     mistakes_if=tie_mistakes(tokens, expected[0]))


@grades("pairs.build_vocab")
def test_build_vocab_keeps_words_that_occur_exactly_min_count_times(student, ref):
    """build_vocab keeps a word that occurs exactly min_count times"""
    tokens = ["a", "b", "a", "c", "b", "a", "d", "c"]
    expected = ref.pairs.build_vocab(tokens, 2)
    strict = ref.pairs.build_vocab(tokens, 3)
    expect_items(student.pairs.build_vocab(tokens, 2), expected, ["word_to_id", "counts"],
                 call="build_vocab(tokens, min_count)", inputs={"tokens": tokens, "min_count": 2},
                 mistakes_if={"min_count_exclusive": lambda got: got[0] == strict[0]})


@grades("pairs.build_vocab")
def test_build_vocab_of_no_tokens_is_empty(student):
    """build_vocab([]) gives an empty dict and an empty counts array"""
    expect_items(student.pairs.build_vocab([]), ({}, np.zeros(0, dtype=np.int64)), ["word_to_id", "counts"],
                 call="build_vocab(tokens)", inputs={"tokens": []})


@grades("pairs.encode")
def test_encode_keeps_order_and_repeats_and_drops_unknown_words(student, ref, calls, rng):
    """encode turns known words into ids in order, repeats included, and drops unknown words"""
    known = [str(word) for word in rng.choice(WORDS, size=6, replace=False)]
    word_to_id = {word: int(i) for word, i in zip(known, rng.permutation(len(known)))}
    tokens = [str(word) for word in rng.choice(WORDS + ["<unk>", "zebra"], size=25)]
    inputs = {"tokens": tokens, "word_to_id": word_to_id}
    got = student.pairs.encode(tokens, word_to_id)
    check_inputs_kept(calls, "encode(tokens, word_to_id)", inputs)
    expect(got, ref.pairs.encode(tokens, word_to_id), call="encode(tokens, word_to_id)", inputs=inputs)


@grades("pairs.encode")
def test_encode_of_only_unknown_words_is_empty(student):
    """encode gives an empty array when no token is in the vocabulary"""
    tokens, word_to_id = ["zebra", "yak"], {"cat": 0, "dog": 1}
    expect(student.pairs.encode(tokens, word_to_id), np.zeros(0, dtype=np.int64), call="encode(tokens, word_to_id)",
           inputs={"tokens": tokens, "word_to_id": word_to_id})


# -- skip-gram pairs ----------------------------------------------------------------------------------------------
def _pairs(ids, window, positions):
    """(ids[i], ids[j]) for every position i and every j in positions(i, n)."""
    ids = [int(word) for word in ids]
    return [(ids[i], ids[j]) for i in range(len(ids)) for j in positions(i, len(ids), window)]


def _inside(i, n, w):
    return [j for j in range(i - w, i + w + 1) if j != i and 0 <= j < n]


PAIR_VARIANTS = {   # mistake id → the pairs that mistake produces
    "pairs_center_with_itself": lambda i, n, w: list(range(max(0, i - w), min(n, i + w + 1))),
    "pairs_right_edge_short": lambda i, n, w: [j for j in range(max(0, i - w), min(n, i + w)) if j != i],
    "pairs_left_edge_short": lambda i, n, w: [j for j in _inside(i, n, w) if j > 0],
    "pairs_wraparound": lambda i, n, w: [j for j in range(i - w, i + w + 1) if j != i and -n <= j < n],
    "window_total_width": lambda i, n, w: _inside(i, n, w // 2),
    "pairs_one_side_only": lambda i, n, w: list(range(i + 1, min(n, i + w + 1))),
}


def pair_mistake(rows, ids, window) -> str | None:
    """The id of the mistake whose pairs are exactly the returned ones, if any."""
    found = Counter(rows)
    same_word = Counter((ids[i], ids[j]) for i in range(len(ids)) for j in _inside(i, len(ids), window)
                        if ids[i] != ids[j])
    if found == same_word:
        return "pairs_identity_exclusion"
    for mistake, positions in PAIR_VARIANTS.items():
        if found == Counter(_pairs(ids, window, positions)):
            return mistake
    return None


def confirmed_pair_mistake(student, rows, ids, window) -> str | None:
    """The mistake whose pairs equal the returned ones, if it also explains the pairs of the next wider window.

    Two mistakes can give the same pairs at one window (halving window 2 and stopping one offset short both
    leave offset 1 only), so a name needs a second window's agreement.
    """
    mistake = pair_mistake(rows, ids, window)
    if mistake is None:
        return None
    try:
        wider = as_rows(student.pairs.skipgram_pairs(np.asarray(ids, dtype=np.int64), window + 1))
    except StudentCallError:
        return None
    return mistake if wider is not None and pair_mistake(wider, ids, window + 1) == mistake else None


def check_pairs(student, ref, ids, window):
    """Call skipgram_pairs and compare its rows with the reference as a multiset (row order is not graded)."""
    ids = np.asarray(ids, dtype=np.int64)
    inputs = {"ids": ids, "window": window}
    got = student.pairs.skipgram_pairs(ids, window)
    expected = ref.pairs.skipgram_pairs(ids, window)
    rows = as_rows(got)
    if rows is None:
        mismatch = compare(got, expected)
        empty = as_numeric_array(got) is not None and as_numeric_array(got).size == 0
        fail(f"skipgram_pairs(ids, window) should return an integer array of shape (P, 2), one (center, context) "
             f"row per pair. {mismatch.problem[0].upper() + mismatch.problem[1:] if mismatch else ''}.",
             inputs=inputs, expected=show(expected), got=show(got),
             mistake="pairs_empty_wrong_shape" if empty and len(expected) == 0 else None)
    expected_rows = [tuple(row) for row in expected.tolist()]
    if Counter(rows) != Counter(expected_rows):
        difference = multiset_difference(rows, expected_rows, names=["center", "context"])
        fail(f"skipgram_pairs(ids, window) returned the wrong pairs ({difference}). "
             "The order of the rows is not graded, but how often each pair appears is; the rows below are sorted.",
             inputs=inputs, expected=show(np.array(sorted(expected_rows)).reshape(-1, 2)),
             got=show(np.array(sorted(rows)).reshape(-1, 2)),
             mistake=confirmed_pair_mistake(student, rows, [int(i) for i in ids], window))
    return got


@grades("pairs.skipgram_pairs")
def test_skipgram_pairs_on_random_ids_with_repeats(student, ref, calls, rng):
    """skipgram_pairs on random ids with repeated words, windows 2 and 3, without changing ids"""
    ids = rng.integers(0, 6, size=14)
    for window in (2, 3):
        check_pairs(student, ref, ids, window)
        check_inputs_kept(calls, "skipgram_pairs(ids, window)", {"ids": ids, "window": window})


@grades("pairs.skipgram_pairs")
def test_skipgram_pairs_reach_every_position_of_the_window(student, ref, rng):
    """skipgram_pairs pairs every center with exactly the words up to window positions away on both sides"""
    check_pairs(student, ref, rng.choice(np.arange(10, 60), size=7, replace=False), 2)


@grades("pairs.skipgram_pairs")
def test_skipgram_pairs_pair_a_word_with_its_copy_at_another_position(student, ref):
    """skipgram_pairs pairs a word with another copy of itself at a different position"""
    check_pairs(student, ref, [3, 1, 3, 3, 2], 2)


@grades("pairs.skipgram_pairs", weight=0.5)
def test_skipgram_pairs_window_wider_than_the_sequence(student, ref):
    """skipgram_pairs with a window wider than the whole sequence pairs every two positions"""
    check_pairs(student, ref, [40, 41, 42, 43], 6)


@grades("pairs.skipgram_pairs", weight=0.5)
def test_skipgram_pairs_are_empty_without_context(student, ref):
    """skipgram_pairs gives an empty (0, 2) array for window 0, a one-word sequence and an empty sequence"""
    for ids, window in (([3, 4, 5], 0), ([7], 2), ([], 2)):
        check_pairs(student, ref, ids, window)


# -- CBoW examples ------------------------------------------------------------------------------------------------
def _cbow(ids, window, context_of, keep_empty=False, swapped=False):
    ids = [int(word) for word in ids]
    examples = []
    for i, center in enumerate(ids):
        context = context_of(ids, i, window)
        if context or keep_empty:
            examples.append((center, context) if swapped else (context, center))
    return examples


def _context(ids, i, w):
    return ids[max(0, i - w):i] + ids[i + 1:i + 1 + w]


CBOW_VARIANTS = {   # mistake id → the examples that mistake produces
    "cbow_empty_context_kept": lambda ids, w: _cbow(ids, w, _context, keep_empty=True),
    "cbow_swapped_tuple": lambda ids, w: _cbow(ids, w, _context, swapped=True),
    "cbow_center_in_context": lambda ids, w: _cbow(ids, w, lambda s, i, m: s[max(0, i - m):i + 1 + m]),
}


def show_example(item) -> str:
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple):
        return f"({list(item[0])}, {item[1]})"
    return repr(item)


def check_cbow(student, ref, calls, ids, window):
    ids = np.asarray(ids, dtype=np.int64)
    inputs = {"ids": ids, "window": window}
    got = student.pairs.cbow_examples(ids, window)
    check_inputs_kept(calls, "cbow_examples(ids, window)", inputs)
    expected = as_items(ref.pairs.cbow_examples(ids, window))
    items = as_items(got)
    if items is not None and Counter(items) == Counter(expected):
        return
    mistake = None
    if items is not None:
        for mistake_id, variant in CBOW_VARIANTS.items():
            if Counter(items) == Counter(as_items(variant(ids.tolist(), window))):
                mistake = mistake_id
                break
    difference = multiset_difference(items, expected, show_example, ["context", "center"]) if items is not None else ""
    fail("cbow_examples(ids, window) returned the wrong examples"
         + (f" ({difference})" if difference else "")
         + ". Each example is a tuple (context, center), context being the list of ids around the center from left "
           "to right; the order of the examples is not graded, and they are sorted below.",
         inputs=inputs, expected="[" + ", ".join(show_example(item) for item in sorted(expected, key=repr)) + "]",
         got=("[" + ", ".join(show_example(item) for item in sorted(items, key=repr)) + "]") if items is not None
         else show(got), mistake=mistake)


@grades("pairs.cbow_examples")
def test_cbow_examples_on_random_ids(student, ref, calls, rng):
    """cbow_examples on random ids with repeated words, windows 1 and 2"""
    ids = rng.integers(0, 5, size=9)
    for window in (1, 2):
        check_cbow(student, ref, calls, ids, window)


@grades("pairs.cbow_examples", weight=0.5)
def test_cbow_examples_cut_the_context_at_the_ends(student, ref, calls):
    """cbow_examples near both ends of the sequence keep only the context words inside it"""
    check_cbow(student, ref, calls, [4, 5, 6, 7, 8], 3)


@grades("pairs.cbow_examples", weight=0.5)
def test_cbow_examples_skip_positions_without_context(student, ref, calls):
    """cbow_examples gives no example for window 0, a one-word sequence or an empty sequence"""
    for ids, window in (([3, 4, 5], 0), ([9], 3), ([], 2)):
        check_cbow(student, ref, calls, ids, window)
