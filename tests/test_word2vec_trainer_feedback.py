"""The word2vec trainers' feedback blames the mistake that was made, not a neighbouring one.

A train_skipgram whose only mistake is its window (skipgram_pairs(ids, window + 1)) once lost its points in
the test of the negatives, whose feedback told the student to exclude the context word, which the code did.
"""
from pathlib import Path

from conftest import reference_as_submission
from test_mistakes import FIXTURES, build_mistaken_submission

from autograder.grading import grade_submission


def test_a_wrong_window_is_blamed_on_the_window_not_on_the_negatives(tmp_path: Path):
    case = FIXTURES / "word2vec" / "train_window_off_by_one"
    result = grade_submission(build_mistaken_submission(case, tmp_path), ["word2vec"])
    failed = [test for test in result.tests()
              if test.function == "train.train_skipgram" and test.score < test.max_score]
    assert any(test.feedback.mistake == "train_window_off_by_one" for test in failed), "the window is not named"
    blamed = [test.id for test in failed if "negatives" in test.id or "exclude" in test.feedback.message]
    assert blamed == [], "tests of the negatives fail for a wrong window"


ONE_NEGATIVE_SHORT = '''
def train_skipgram(ids, vocab_size, dim, window, k, epochs, lr, seed):
    rng = np.random.default_rng(seed)
    ids = np.asarray(ids, dtype=np.int64)
    W_in, W_out = (rng.random((vocab_size, dim)) - 0.5) / dim, np.zeros((vocab_size, dim))
    sampler = NegativeSampler(np.bincount(ids, minlength=vocab_size), seed=int(rng.integers(2**32)))
    pairs, losses = skipgram_pairs(ids, window), []
    for _ in range(epochs):
        total = 0.0
        for center, context in pairs[rng.permutation(len(pairs))]:
            total += skipgram_step(W_in, W_out, center, context, sampler.sample(k - 1, exclude=context), lr)
        losses.append(total / max(len(pairs), 1))
    return W_in, W_out, losses
'''


def test_too_few_negatives_per_pair_are_counted_in_the_feedback(tmp_path: Path):
    folder = reference_as_submission(tmp_path, ["word2vec"])
    target = folder / "word2vec" / "train.py"
    target.write_text(target.read_text() + "\n\n" + ONE_NEGATIVE_SHORT)
    result = grade_submission(folder, ["word2vec"])
    [window_test] = [test for test in result.tests()
                     if test.id.endswith("test_train_skipgram_trains_on_the_pairs_of_its_window")]
    assert window_test.score == 0 and "with 7 negatives per pair" in window_test.feedback.message
