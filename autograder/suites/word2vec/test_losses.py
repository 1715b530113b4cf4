"""Hidden tests of assignments/word2vec/losses.py.

Negatives are passed explicitly (a repeated one included), so every check here
is an exact comparison.  Gradients are checked twice: against the reference,
and against central differences of the student's own loss, which tells a wrong
gradient apart from a wrong loss.  The central differences are taken along one
random direction per argument (two calls instead of two per entry), and entry by
entry only to show a student where a gradient is wrong.  Their step and
tolerance fit the precision the student's function computes in
(numeric.difference_policy): h = 1e-5 and 1e-6 relative for float64 (correct
gradients agree to 2e-8), h = 1e-3 and 1e-2 for float32, whose rounding would
turn h = 1e-5 differences into noise.
"""
import numpy as np
import pytest

from autograder.grading import StudentCallError
from autograder.grading.checks import fail, matches, note, ratio
from autograder.grading.diagnose import Hints
from autograder.suites.word2vec._common import (
    check_against_central_differences,
    check_inputs_kept,
    expect_items,
    loss_of,
    neg_sampling_loss_terms,
    non_finite,
    scalar,
    softmax_terms,
)

grades = pytest.mark.grades

SOFTMAX_ITEMS = ["loss", "grad_v_c", "grad_U"]
NEG_ITEMS = ["loss", "grad_v_c", "grad_u_o", "grad_U_neg"]


def loss_or_none(call):
    """The loss of a call that only leads to a note: None when it raises or returns something else."""
    try:
        got = call()
    except StudentCallError:
        return None
    return scalar(got[0]) if isinstance(got, (tuple, list)) and got else None


# -- what a wrong result can be explained by: the terms the reference adds up ---------------------------------------
def log_sigmoid_of_minus(x):
    """-log σ(x), exactly for any x."""
    return np.logaddexp(0.0, -x)


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def softmax_hints(v_c, o, U) -> Hints:
    """The loss and grad_v_c of the full softmax as sums of named terms; V for a factor."""
    scores = U @ v_c
    top = np.max(scores)
    log_normaliser = top + np.log(np.sum(np.exp(scores - top)))
    p = np.exp(scores - log_normaliser)
    return Hints(sizes={"V": len(U)}, items=SOFTMAX_ITEMS, parts={
        "loss": Hints(terms={"log Σ_w exp(u_w·v_c)": log_normaliser, "-u_o·v_c": -scores[o]}),
        "grad_v_c": Hints(terms={"Uᵀ·p": U.T @ p, "-u_o (the true word's term)": -U[o]})})


def neg_sampling_hints(v_c, u_o, U_neg) -> Hints:
    """The loss and grad_v_c of negative sampling as sums of named terms; K and K + 1 (all terms) for a factor."""
    positive, negatives = u_o @ v_c, U_neg @ v_c
    K = len(U_neg)
    return Hints(sizes={"K": K, "K + 1": K + 1}, items=NEG_ITEMS, parts={
        "loss": Hints(terms={"-log σ(u_o·v_c) (the positive term)": log_sigmoid_of_minus(positive),
                             "Σ_k -log σ(-u_k·v_c) (the negatives' terms)": np.sum(log_sigmoid_of_minus(-negatives))}),
        "grad_v_c": Hints(terms={"(σ(u_o·v_c) - 1)·u_o (the positive term)": (sigmoid(positive) - 1.0) * u_o,
                                 "Σ_k σ(u_k·v_c)·u_k (the negatives' terms)": U_neg.T @ sigmoid(negatives)})})


# -- full softmax -------------------------------------------------------------------------------------------------
@grades("losses.softmax_loss_and_grad", weight=2)
def test_softmax_loss_and_grad_match_the_reference(student, ref, calls, rng):
    """softmax_loss_and_grad on random vectors: loss and both gradients, inputs unchanged"""
    v_c, U, o = rng.normal(size=4), rng.normal(size=(6, 4)), int(rng.integers(6))
    inputs = {"v_c": v_c, "o": o, "U": U}
    got = student.losses.softmax_loss_and_grad(v_c, o, U)
    check_inputs_kept(calls, "softmax_loss_and_grad(v_c, o, U)", inputs)
    expected = ref.losses.softmax_loss_and_grad(v_c, o, U)
    expect_items(got, expected, SOFTMAX_ITEMS, call="softmax_loss_and_grad(v_c, o, U)", inputs=inputs,
                 hints=softmax_hints(v_c, o, U),
                 mistakes_if={"softmax_grad_sign": lambda got: matches(got[0], expected[0]) and any(
                     ratio(got[i], expected[i]) is not None and abs(ratio(got[i], expected[i]) + 1) < 1e-6
                     for i in (1, 2))})


@grades("losses.softmax_loss_and_grad", weight=0.5)
def test_softmax_with_embedding_dimension_one_and_two_words(student, ref):
    """softmax_loss_and_grad with E = 1 and V = 2 keeps the shapes (1,) and (2, 1) of its gradients"""
    v_c, U = np.array([0.7]), np.array([[1.5], [-0.5]])
    inputs = {"v_c": v_c, "o": 1, "U": U}
    expect_items(student.losses.softmax_loss_and_grad(v_c, 1, U), ref.losses.softmax_loss_and_grad(v_c, 1, U),
                 SOFTMAX_ITEMS, call="softmax_loss_and_grad(v_c, o, U)", inputs=inputs, hints=softmax_hints(v_c, 1, U))


@grades("losses.softmax_loss_and_grad")
def test_softmax_gradients_match_central_differences_of_the_loss(student, rng):
    """softmax_loss_and_grad's gradients are the slopes of its loss (central differences fit to its precision)"""
    v_c, U, o = rng.normal(size=3), rng.normal(size=(4, 3)), int(rng.integers(4))
    call, inputs = "softmax_loss_and_grad(v_c, o, U)", {"v_c": v_c, "o": o, "U": U}
    got = student.losses.softmax_loss_and_grad(v_c, o, U)
    loss_of(got, call, inputs)
    if len(got) != 3:
        fail(f"{call} should return 3 items (loss, grad_v_c, grad_U), but it returned {len(got)}.", inputs=inputs)
    check_against_central_differences(lambda: loss_of(student.losses.softmax_loss_and_grad(v_c, o, U), call, inputs),
                                      [v_c, U], got, SOFTMAX_ITEMS[1:], call=call, inputs=inputs,
                                      sign_mistake="softmax_grad_sign", rng=rng,
                                      loss_terms=softmax_terms(v_c, o, U)[0])


@grades("losses.softmax_loss_and_grad")
def test_softmax_loss_is_stable_for_scores_near_800(student, ref):
    """softmax_loss_and_grad is exact for scores near 800 when the true word is among the highest"""
    v_c = np.array([1.0, 0.5])
    U = np.array([[780.0, 40.0], [779.0, 32.0], [770.0, 40.0], [-5.0, 0.0]])   # scores 800, 795, 790, -5
    inputs = {"v_c": v_c, "o": 1, "U": U}
    expect_items(student.losses.softmax_loss_and_grad(v_c, 1, U), ref.losses.softmax_loss_and_grad(v_c, 1, U),
                 SOFTMAX_ITEMS, call="softmax_loss_and_grad(v_c, o, U)", inputs=inputs,
                 terms=dict(zip(SOFTMAX_ITEMS, softmax_terms(v_c, 1, U))),
                 mistakes_if={"softmax_no_max_shift": lambda got: any(non_finite(item) for item in got)})
    # A true word 805 below the best score: no training run gets there, so only a note.
    low = loss_or_none(lambda: student.losses.softmax_loss_and_grad(v_c, 3, U))
    expected = ref.losses.softmax_loss_and_grad(v_c, 3, U)[0]
    if low is None or not np.isclose(low, expected, rtol=1e-6):
        note(f"With the true word 805 below the best score (o = 3 above), your loss is {low} instead of "
             f"{expected:.6g}. This costs no points, but computing the loss as log Σ exp(scores - max) + max - "
             "scores[o] instead of -log(softmax[o]) keeps it finite.")


# -- negative sampling --------------------------------------------------------------------------------------------
def neg_sampling_mistakes(v_c, u_o, U_neg, expected):
    positive, negatives = u_o @ v_c, U_neg @ v_c
    positive_sigmoid = np.logaddexp(0.0, -positive) + np.sum(np.logaddexp(0.0, -negatives))
    mean_loss = np.logaddexp(0.0, -positive) + np.mean(np.logaddexp(0.0, negatives))
    K = len(U_neg)

    def sign_flipped(got):
        return matches(got[0], expected[0]) and any(
            ratio(got[i], expected[i]) is not None and abs(ratio(got[i], expected[i]) + 1) < 1e-6 for i in (1, 2, 3))

    return {
        "negatives_positive_sigmoid": lambda got: matches(got[0], positive_sigmoid),
        "negatives_mean_not_sum": lambda got: matches(got[0], mean_loss) or (
            ratio(got[3], expected[3]) is not None and abs(ratio(got[3], expected[3]) - 1 / K) < 1e-6),
        "neg_grad_sign": sign_flipped,
    }


@grades("losses.neg_sampling_loss_and_grad", weight=2)
def test_neg_sampling_matches_the_reference(student, ref, calls, rng):
    """neg_sampling_loss_and_grad with K = 4 negatives (one drawn twice) and with K = 1: loss and gradients"""
    for K in (4, 1):
        v_c, u_o, U_neg = rng.normal(0, 0.7, size=5), rng.normal(0, 0.7, size=5), rng.normal(0, 0.7, size=(K, 5))
        if K > 2:
            U_neg[2] = U_neg[0]   # the same word drawn twice: two rows, counted twice
        inputs = {"v_c": v_c, "u_o": u_o, "U_neg": U_neg}
        got = student.losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg)
        check_inputs_kept(calls, "neg_sampling_loss_and_grad(v_c, u_o, U_neg)", inputs)
        expected = ref.losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg)
        expect_items(got, expected, NEG_ITEMS, call="neg_sampling_loss_and_grad(v_c, u_o, U_neg)", inputs=inputs,
                     mistakes_if=neg_sampling_mistakes(v_c, u_o, U_neg, expected),
                     hints=neg_sampling_hints(v_c, u_o, U_neg))


@grades("losses.neg_sampling_loss_and_grad", weight=0.5)
def test_neg_sampling_with_embedding_dimension_one(student, ref):
    """neg_sampling_loss_and_grad with E = 1 keeps the shapes (1,), (1,) and (K, 1) of its gradients (K = 1 and 2)"""
    for U_neg in (np.array([[0.4]]), np.array([[0.4], [-1.2]])):
        v_c, u_o = np.array([0.8]), np.array([-0.3])
        inputs = {"v_c": v_c, "u_o": u_o, "U_neg": U_neg}
        expect_items(student.losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg),
                     ref.losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg), NEG_ITEMS,
                     call="neg_sampling_loss_and_grad(v_c, u_o, U_neg)", inputs=inputs,
                     hints=neg_sampling_hints(v_c, u_o, U_neg))


@grades("losses.neg_sampling_loss_and_grad")
def test_neg_sampling_gradients_match_central_differences_of_the_loss(student, rng):
    """neg_sampling_loss_and_grad's gradients are the slopes of its loss (central differences fit to its precision)"""
    v_c, u_o, U_neg = rng.normal(size=3), rng.normal(size=3), rng.normal(size=(3, 3))
    U_neg[1] = U_neg[2]
    call, inputs = "neg_sampling_loss_and_grad(v_c, u_o, U_neg)", {"v_c": v_c, "u_o": u_o, "U_neg": U_neg}
    got = student.losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg)
    loss_of(got, call, inputs)
    if len(got) != 4:
        fail(f"{call} should return 4 items (loss, grad_v_c, grad_u_o, grad_U_neg), but it returned {len(got)}.",
             inputs=inputs)
    check_against_central_differences(
        lambda: loss_of(student.losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg), call, inputs),
        [v_c, u_o, U_neg], got, NEG_ITEMS[1:], call=call, inputs=inputs, sign_mistake="neg_grad_sign",
        rng=rng, loss_terms=neg_sampling_loss_terms(v_c, u_o, U_neg))


@grades("losses.neg_sampling_loss_and_grad", root_cause=False)   # skipgram_step's tests never reach such scores
def test_neg_sampling_is_exact_for_scores_of_fifty(student, ref):
    """neg_sampling_loss_and_grad stays finite and exact for scores u·v_c of ±50"""
    v_c = np.array([1.0, 0.5])
    u_o = np.array([-40.0, -20.0])                                      # u_o·v_c = -50
    U_neg = np.array([[40.0, 20.0], [40.0, 20.0], [-30.0, -20.0]])      # scores 50, 50, -40
    inputs = {"v_c": v_c, "u_o": u_o, "U_neg": U_neg}
    expect_items(student.losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg),
                 ref.losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg), NEG_ITEMS,
                 call="neg_sampling_loss_and_grad(v_c, u_o, U_neg)", inputs=inputs,
                 mistakes_if={"neg_loss_log_one_minus_sigmoid": lambda got: non_finite(got[0])},
                 hints=neg_sampling_hints(v_c, u_o, U_neg))
    # Scores of ±800: no training run gets there, so only a note.
    v_c, u_o, U_neg = np.array([1.0]), np.array([-800.0]), np.array([[800.0]])
    far = loss_or_none(lambda: student.losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg))
    if far is None or not np.isclose(far, 1600.0, rtol=1e-6):
        note(f"For scores of ±800 (v_c = [1.0], u_o = [-800.0], U_neg = [[800.0]]) your loss is {far} instead of "
             "1600. This costs no points, but np.logaddexp(0, -x) computes -log σ(x) exactly for any x.")
