"""The word2vec trainers' feedback blames the mistake that was made, not a neighbouring one.

A train_skipgram whose only mistake is its window (skipgram_pairs(ids, window + 1)) once lost its points in
the test of the negatives, whose feedback told the student to exclude the context word, which the code did.
"""
from pathlib import Path

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
