"""The judge of the held-out sets (tests/heldout.py) counts a localise string only as a whole word.

A string found inside a longer identifier-like token ("exp" in "expected", "int" in "print") says
nothing about where the mistake is, so it must not count as a localisation; strings ending in a
bracket or quote ("['W2']") still match next to anything.
"""
from __future__ import annotations

from pathlib import Path

import heldout
import pytest

from autograder import results
from autograder.results import Feedback, Kind, Status


def case(localise: tuple[str, ...], acceptable: tuple[str, ...] = ()) -> heldout.Case:
    return heldout.Case(part="scaling", name="made_up", folder=Path("."), function="laws.kaplan_loss",
                        bug="a made-up case", localise=localise, acceptable_mistakes=acceptable)


def failed(message: str, expected: str | None = None, got: str | None = None,
           mistake: str | None = None, function: str = "laws.kaplan_loss") -> results.TestResult:
    return results.TestResult(id=f"scaling::{function}::t", title="t", part="scaling", function=function,
                      kind=Kind.HIDDEN, score=0.0, max_score=1.0, status=Status.FAILED,
                      feedback=Feedback(message=message, expected=expected, got=got, mistake=mistake))


@pytest.mark.parametrize("text, wanted", [
    ("the expected value differs", "exp"),
    ("print(x) gave", "int"),
    ("got 10.5 for the mean", "0.5"),
    ("got 0.55", "0.5"),
    ("kaplan_loss(N, alpha_nu=0.1)", "alpha_n"),
    ("a negative sign", "negat"),
    ("U1_copy changed", "U1"),
])
def test_a_string_inside_a_longer_token_is_not_a_localisation(text, wanted):
    verdict = heldout.judge(case((wanted,)), [failed(text)])
    assert verdict.localised_by == [] and not verdict.diagnosed


@pytest.mark.parametrize("text, wanted", [
    ("exp(s) overflows", "exp"),
    ("The Exponent is off", "exponent"),
    ("grads['W2'] is wrong", "['W2']"),
    ("grads['W2'] is wrong", "W2"),
    ("got 0.5, expected 1", "0.5"),
    ("shape (N, 1) instead of (N,)", "(n,)"),
    ("ids -1 appear", "-1"),
    ("dU2 / N", "/ n"),
    ("rows: 1/N of the expected", "1/n"),
])
def test_a_whole_word_is_a_localisation(text, wanted):
    verdict = heldout.judge(case((wanted,)), [failed("see below", expected="x", got=text)])
    assert verdict.localised_by == [wanted] and verdict.diagnosed


def test_only_failed_tests_count_and_names_are_sorted_into_right_and_wrong():
    passed = failed("exponent", mistake="kaplan_wrong")
    passed.score = 1.0
    verdict = heldout.judge(case(("exponent",), ("right_one",)),
                            [passed, failed("power", mistake="right_one"), failed("x", mistake="other")])
    assert verdict.localised_by == [] and verdict.acceptable_names == ["right_one"]
    assert verdict.wrong_names == ["other"] and not verdict.diagnosed and verdict.lost_points
