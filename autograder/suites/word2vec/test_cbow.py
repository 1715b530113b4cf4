"""Hidden tests of CBoW: cbow_loss_and_grad (losses.py), cbow_step and train_cbow (train.py).

cbow_loss_and_grad and cbow_step get their contexts explicitly (a repeated word
included), so they are compared exactly, with the reference and with central
differences.

train_cbow is graded by outcomes on corpora drawn from `rng`, so they change
with the grading seed: a corpus with planted topics whose word ids are renamed
at random (an id says nothing about its topic, so no fixed answer separates
them), and a text of independent random words (where the neighbours say nothing
about the center).  Every train_cbow test first checks that the weights
returned for the planted corpus fit that corpus better than untrained ones, so
a stub or any constant return scores 0 on all of them; the losses reported
must also match the returned weights.  The feedback describes these corpora but
never lists their ids.  The planted run is made once per submission and shared
by the tests that grade it; the seed is checked on a small run of its own.
"""
import math
import weakref

import numpy as np
import pytest

from autograder.grading.checks import expect, fail, figure, matches, ratio
from autograder.grading.compare import as_numeric_array, compare, show
from autograder.grading.numeric import numerical_gradient, working_precision
from autograder.results import Figure, Series
from autograder.suites.caching import once_per_submission
from autograder.suites.replay import runs_fitting_one_order
from autograder.suites.word2vec._common import (
    check_against_central_differences,
    check_inputs_kept,
    check_reported_loss,
    check_seed,
    check_topics,
    expect_items,
    first_mistake,
    loss_of,
    non_finite,
    planted_corpus,
    replayed_orders,
    softmax_terms,
    trained_embeddings,
)
from autograder.suites.word2vec._probe import LR as LR_PROBE
from autograder.suites.word2vec._probe import cbow_first_order

grades = pytest.mark.grades

LOSS_CALL = "cbow_loss_and_grad(V_context, o, U)"
LOSS_ITEMS = ["loss", "grad_V_context", "grad_U"]


# -- cbow_loss_and_grad -----------------------------------------------------------------------------------------
def softmax_loss(h, o, U) -> float:
    """-log softmax(U·h)[o], computed stably (the reference's maths, for the mistakes' variants)."""
    scores = U @ h
    top = scores.max()
    return float(top + np.log(np.sum(np.exp(scores - top))) - scores[o])


def one_nonzero_row(gradient) -> bool:
    """True when exactly one row of a (C, E) gradient, C >= 2, is not zero."""
    gradient = as_numeric_array(gradient)
    return gradient is not None and gradient.ndim == 2 and len(gradient) >= 2 and \
        int(np.count_nonzero(np.any(gradient != 0, axis=1))) == 1


def loss_mistakes(V_context, o, U, expected) -> dict:
    """Predicates of the named mistakes of cbow_loss_and_grad, on a returned tuple."""
    n_context = len(V_context)

    def loss_right(got):
        return matches(got[0], expected[0])

    return {
        "cbow_sum_not_mean": lambda got: n_context > 1 and matches(got[0], softmax_loss(V_context.sum(axis=0), o, U)),
        "cbow_output_vector_as_input": lambda got: matches(got[0], softmax_loss(U[o], o, U)),
        "cbow_grad_not_divided": lambda got: n_context > 1 and loss_right(got) and
        ratio(got[1], expected[1]) == pytest.approx(n_context),
        "cbow_grad_to_one_row": lambda got: loss_right(got) and one_nonzero_row(got[1]),
    }


@grades("losses.cbow_loss_and_grad", weight=2)
def test_cbow_loss_and_grad_match_the_reference(student, ref, calls, rng):
    """cbow_loss_and_grad with C = 4 context words (one of them twice) and with C = 1: loss, gradients, inputs kept"""
    for n_context in (4, 1):
        V_context, U, o = rng.normal(size=(n_context, 4)), rng.normal(size=(6, 4)), int(rng.integers(6))
        if n_context > 2:
            V_context[2] = V_context[0]   # the same word twice in the context: two rows
        inputs = {"V_context": V_context, "o": o, "U": U}
        got = student.losses.cbow_loss_and_grad(V_context, o, U)
        check_inputs_kept(calls, LOSS_CALL, inputs)
        expected = ref.losses.cbow_loss_and_grad(V_context, o, U)
        expect_items(got, expected, LOSS_ITEMS, call=LOSS_CALL, inputs=inputs,
                     mistakes_if=loss_mistakes(V_context, o, U, expected))


@grades("losses.cbow_loss_and_grad")
def test_cbow_gradients_match_central_differences_of_the_loss(student, rng):
    """cbow_loss_and_grad's gradients are the slopes of its own loss (central differences, float64)"""
    V_context, U, o = rng.normal(size=(3, 3)), rng.normal(size=(5, 3)), int(rng.integers(5))
    inputs = {"V_context": V_context, "o": o, "U": U}
    got = student.losses.cbow_loss_and_grad(V_context, o, U)
    loss_of(got, LOSS_CALL, inputs)
    if len(got) != 3:
        fail(f"{LOSS_CALL} should return 3 items (loss, grad_V_context, grad_U), but it returned {len(got)}.",
             inputs=inputs)

    def mistake_of(name, gradient, numerical):
        if name != "grad_V_context":
            return None
        if ratio(gradient, numerical) == pytest.approx(len(V_context), rel=1e-4):
            return "cbow_grad_not_divided"
        return "cbow_grad_to_one_row" if one_nonzero_row(gradient) else None

    # step and tolerance fit the precision the function computes in; the wrong gradients sought here are off by 30%+
    check_against_central_differences(lambda: loss_of(student.losses.cbow_loss_and_grad(V_context, o, U), LOSS_CALL,
                                                      inputs),
                                      [V_context, U], got, LOSS_ITEMS[1:], call=LOSS_CALL, inputs=inputs,
                                      sign_mistake=None, rng=rng, mistake_of=mistake_of,
                                      loss_terms=softmax_terms(V_context.mean(axis=0), o, U)[0])


@grades("losses.cbow_loss_and_grad")
def test_cbow_loss_is_stable_for_scores_near_800(student, ref, rng):
    """cbow_loss_and_grad is exact when the scores U·h are near 800"""
    h = np.array([1.0, 0.5])
    spread = 0.25 * rng.integers(-4, 5, size=2)
    V_context = np.array([h + spread, h - spread])   # their mean is h; quarters keep every number exact
    top = float(rng.integers(790, 811))
    scores = np.array([top, top - float(rng.integers(3, 8)), top - float(rng.integers(8, 15)),
                       -float(rng.integers(1, 10))])[rng.permutation(4)]
    second = 2.0 * rng.integers(10, 21, size=4)      # even, so the first entries stay whole numbers
    U = np.column_stack([scores - 0.5 * second, second])   # row w scores U[w]·h = scores[w]
    o = int(np.argsort(-scores)[1])                  # the second best word
    inputs = {"V_context": V_context, "o": o, "U": U}
    expected = ref.losses.cbow_loss_and_grad(V_context, o, U)
    expect_items(student.losses.cbow_loss_and_grad(V_context, o, U), expected, LOSS_ITEMS, call=LOSS_CALL,
                 inputs=inputs, terms=cbow_terms(V_context, o, U),
                 mistakes_if={"cbow_softmax_no_max_shift": lambda got: any(map(non_finite, got)),
                              **loss_mistakes(V_context, o, U, expected)})


def cbow_terms(V_context, o, U) -> dict:
    """The magnitudes of the terms of each returned item (softmax_terms; the C rows share ∂loss/∂h / C)."""
    n_context = len(V_context)
    loss, grad_h, grad_U = softmax_terms(V_context.mean(axis=0), o, U)
    return {"loss": loss, "grad_V_context": np.tile(grad_h / n_context, (n_context, 1)), "grad_U": grad_U}


# -- cbow_step --------------------------------------------------------------------------------------------------
STEP_CALL = "cbow_step(W_in, W_out, context, center, lr)"


def step_inputs(rng, n_context, repeated=False) -> dict:
    """6 words and E = 3, small enough for the feedback to show the matrices in full; ids drawn from rng.

    The context holds n_context distinct words other than the center; with repeated, its first word
    comes again at its end ([a, b, a] for n_context = 2).
    """
    W_in, W_out = rng.normal(0.0, 0.5, size=(6, 3)), rng.normal(0.0, 0.5, size=(6, 3))
    words = [int(word) for word in rng.permutation(6)]
    center, context = words[0], words[1:1 + n_context]
    return {"W_in": W_in, "W_out": W_out, "context": context + context[:1] * repeated, "center": center, "lr": 0.1}


def reference_step(ref, inputs) -> tuple:
    """(loss, W_in after, W_out after) of the reference, on copies."""
    W_in, W_out = inputs["W_in"].copy(), inputs["W_out"].copy()
    loss = ref.train.cbow_step(W_in, W_out, list(inputs["context"]), inputs["center"], inputs["lr"])
    return loss, W_in, W_out


def call_step(student, inputs):
    return student.train.cbow_step(inputs["W_in"], inputs["W_out"], list(inputs["context"]), inputs["center"],
                                   inputs["lr"])


def weights_after(calls, inputs) -> tuple:
    """W_in and W_out as the student's cbow_step left them (it updates them in place)."""
    after = calls.last.arguments_after
    if not ({"W_in", "W_out"} & set(calls.last.changed_arguments)):
        fail(f"{STEP_CALL} left W_in and W_out unchanged. The step must update the given arrays in place "
             "(np.add.at(W_in, context, ...), W_out -= ...), not new ones.", inputs=inputs,
             mistake="step_not_in_place")
    check_inputs_kept(calls, STEP_CALL, inputs, allowed=("W_in", "W_out"))
    return np.asarray(after[0], dtype=np.float64), np.asarray(after[1], dtype=np.float64)


def step_terms(inputs) -> dict:
    """Magnitudes of the terms of W - lr·grad for W_in and W_out after a step (softmax_terms for the gradients).

    A step computed in float32 writes float32 gradients into float64 weights: it agrees with the exact step to
    a few float32 roundings of these terms, also where W - lr·grad nearly cancels.
    """
    W_in, W_out, context, lr = (inputs[name] for name in ("W_in", "W_out", "context", "lr"))
    _, grad_h, grad_out = softmax_terms(W_in[context].mean(axis=0), inputs["center"], W_out)
    grad_in = np.zeros_like(W_in)
    np.add.at(grad_in, context, grad_h / len(context))
    return {"W_in": np.abs(W_in) + lr * grad_in, "W_out": np.abs(W_out) + lr * grad_out}


def expect_weights(got, expected, name, *, inputs, mistakes_if=None, atol=1e-9, precision=None):
    """Fail unless the weights after the step match; precision: that of the step's computation (its loss's)."""
    mismatch = compare(got, expected, where=f"{name} after the step", atol=atol, precision=precision,
                       terms=step_terms(inputs)[name])
    if mismatch is None:
        return
    fail(f"After {STEP_CALL}, {name} is wrong. {mismatch.problem[0].upper() + mismatch.problem[1:]}.",
         inputs=inputs, expected=mismatch.expected, got=mismatch.got, mistake=first_mistake(mistakes_if, got))


@grades("train.cbow_step")
def test_cbow_step_returns_the_loss_before_the_step(student, ref, rng):
    """cbow_step returns the CBoW loss computed before the update"""
    inputs = step_inputs(rng, 4)
    loss, new_in, new_out = reference_step(ref, inputs)
    after = ref.losses.cbow_loss_and_grad(new_in[inputs["context"]], inputs["center"], new_out)[0]
    expect(call_step(student, inputs), loss, call=STEP_CALL, inputs=inputs,
           mistakes_if={"step_returns_loss_after": lambda got: matches(got, after)})


@grades("train.cbow_step", weight=2)
def test_cbow_step_moves_the_weights_against_the_gradient(student, ref, calls, rng):
    """cbow_step moves every context row of W_in and all of W_out by -lr × gradient, in place"""
    inputs = step_inputs(rng, 4)
    W_in, W_out, context = inputs["W_in"], inputs["W_out"], inputs["context"]
    _, expected_in, expected_out = reference_step(ref, inputs)
    precision = working_precision(call_step(student, inputs))
    got_in, got_out = weights_after(calls, inputs)
    touched = np.zeros(len(W_in), dtype=bool)
    touched[context] = True
    outside = np.flatnonzero(~touched)   # the rows of no context word (np.setdiff1d would import numpy.ma: 30 ms)

    def ascent(before, expected):
        return lambda got: ratio(np.asarray(got) - before, expected - before) == pytest.approx(-1)

    expect_weights(got_in, expected_in, "W_in", inputs=inputs, precision=precision, mistakes_if={
        "cbow_matrices_swapped": lambda got: not np.array_equal(np.asarray(got)[outside], W_in[outside]),
        "step_grad_ascent": ascent(W_in, expected_in),
        "cbow_grad_to_one_row": lambda got: int(np.count_nonzero(
            np.any(np.asarray(got)[context] != W_in[context], axis=1))) == 1})
    expect_weights(got_out, expected_out, "W_out", inputs=inputs, precision=precision,
                   mistakes_if={"step_grad_ascent": ascent(W_out, expected_out)})


@grades("train.cbow_step")
def test_cbow_step_moves_a_repeated_context_word_once_per_occurrence(student, ref, calls, rng):
    """cbow_step with a word twice in the context moves its row twice (checked against central differences)"""
    inputs = step_inputs(rng, 2, repeated=True)
    W_in, W_out, context, center, lr = (inputs[name] for name in ("W_in", "W_out", "context", "center", "lr"))
    twice, once = context[0], context[1]
    work_in, work_out = W_in.copy(), W_out.copy()
    loss_and_grad = ref.losses.cbow_loss_and_grad

    def loss():
        return loss_and_grad(work_in[context], center, work_out)[0]

    expected_in = W_in - lr * numerical_gradient(loss, work_in)
    expected_out = W_out - lr * numerical_gradient(loss, work_out)
    _, exact_in, _ = reference_step(ref, inputs)
    precision = working_precision(call_step(student, inputs))
    got_in, got_out = weights_after(calls, inputs)
    mistakes_if = {"cbow_repeated_context_once":   # the repeated word moved half as far, the other one right
                   lambda got: matches(np.asarray(got)[once], exact_in[once]) and
                   ratio(np.asarray(got)[twice] - W_in[twice], exact_in[twice] - W_in[twice]) == pytest.approx(0.5),
                   "cbow_grad_to_one_row": lambda got: not np.array_equal(np.asarray(got)[twice], W_in[twice]) and
                   np.array_equal(np.asarray(got)[once], W_in[once])}
    expect_weights(got_in, expected_in, "W_in", inputs=inputs, atol=1e-8, mistakes_if=mistakes_if,
                   precision=precision)
    expect_weights(got_out, expected_out, "W_out", inputs=inputs, atol=1e-8, precision=precision)


# -- train_cbow -------------------------------------------------------------------------------------------------
TRAIN_CALL = "train_cbow(ids, vocab_size, dim, window, epochs, lr, seed)"
TOPICS = dict(n_topics=3, words_per_topic=4, n_sentences=30, sentence_length=5)
V, DIM, WINDOW, EPOCHS, LR = TOPICS["n_topics"] * TOPICS["words_per_topic"], 10, 2, 4, 0.3   # 600 steps
UNTRAINED_LOSS = math.log(V)   # every example's loss while W_out is still zero
# Measured over 2,000 corpora and training seeds each, for the reference and the alternative of
# examples/submissions/full_marks (the figures in the comments are the extremes seen over both):
FITTED = 0.85 * UNTRAINED_LOSS   # the loss of the returned weights over the corpus: at most 0.75 log V (untrained: 1)
SEPARATION = 0.5                 # same-topic minus cross-topic cosine: at least 0.88 (untrained: 0 ± 0.1)
CONSISTENT = (0.8, 1.2)          # that loss over the reported last-epoch loss: 0.85 to 1.11
RANDOM_TEXT = dict(vocab_size=8, n_words=200, dim=8, window=1, epochs=4, lr=0.5)
SEES_THE_CENTER = 0.93           # last loss / log V on random text: at least 0.98 (center in its context: < 0.88)
PROBE = dict(vocab_size=6, dim=8, window=2, epochs=1)   # a run with a tiny lr on 20 random words (see _probe.py)

_runs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # student → (corpus, result or error, arguments changed)


def planted_run(student, calls, rng) -> tuple:
    """(corpus, result, arguments changed) of the student's run on a planted corpus, made once per submission."""
    def run():
        corpus = planted_corpus(rng, TOPICS, f"vocab_size = {V}, dim = {DIM}, window = {WINDOW}, epochs = {EPOCHS}, "
                                             f"lr = {LR}")
        got = student.train.train_cbow(corpus["ids"].copy(), V, DIM, WINDOW, EPOCHS, LR, corpus["seed"])
        return corpus, got, list(calls.last.changed_arguments)
    return once_per_submission(_runs, student, run)


def trained(got, *, vocab_size, dim, epochs, inputs) -> tuple:
    """(W_in, W_out, losses) as float64 after checking the types and shapes of what train_cbow returned."""
    return trained_embeddings(got, call=TRAIN_CALL, vocab_size=vocab_size, dim=dim, epochs=epochs, inputs=inputs)


def corpus_loss(ref, W_in, W_out, ids, window) -> float:
    """The mean CBoW loss of the weights over every example of ids (the reference's loss)."""
    loss_and_grad = ref.losses.cbow_loss_and_grad
    return float(np.mean([loss_and_grad(W_in[context], center, W_out)[0]
                          for context, center in ref.pairs.cbow_examples(ids, window)]))


_fits: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # student → fitted_run's result, or the failure it raised


def fitted_run(student, ref, calls, rng) -> tuple:
    """(corpus, W_in, W_out, losses, loss of the returned weights over the corpus) of the planted run.

    Fails unless the returned weights fit the planted corpus clearly better than untrained ones: weights
    that were not learned from this corpus cannot, since its ids are renamed at random for each grading.
    """
    return once_per_submission(_fits, student, lambda: check_fit(ref, *planted_run(student, calls, rng)[:2]))


def check_fit(ref, corpus, got) -> tuple:
    W_in, W_out, losses = trained(got, vocab_size=V, dim=DIM, epochs=EPOCHS, inputs=corpus["inputs"])
    fit = corpus_loss(ref, W_in, W_out, corpus["ids"], WINDOW)
    if not fit < FITTED:
        fail(f"The W_in and W_out returned by {TRAIN_CALL} do not fit the corpus they were trained on: their mean "
             f"loss over its CBoW examples is {fit:.4f}, while untrained weights give log V = {UNTRAINED_LOSS:.4f} "
             f"and a correct trainer about {0.64 * UNTRAINED_LOSS:.2f}. Each cbow_step must change the weights "
             "that train_cbow returns, and train_cbow must train on the ids it is given.", inputs=corpus["inputs"],
             expected=f"a mean loss below {FITTED:.4f}", got=f"{fit:.4f}")
    return corpus, W_in, W_out, losses, fit


@grades("train.train_cbow")
def test_train_cbow_returns_V_by_E_matrices_and_a_loss_per_epoch(student, ref, calls, rng):
    """train_cbow returns trained W_in and W_out of shape (V, E) and one loss per epoch, and leaves ids unchanged"""
    corpus, *_ = fitted_run(student, ref, calls, rng)
    if "ids" in planted_run(student, calls, rng)[2]:
        fail(f"{TRAIN_CALL} changed its argument ids. Leave it as it was; shuffle the examples, or a copy.",
             inputs=corpus["inputs"], mistake="overwrites_argument")


@grades("train.train_cbow", weight=0.5)
def test_train_cbow_reports_the_mean_loss_per_example(student, ref, calls, rng):
    """train_cbow's first-epoch loss is a mean over examples, near log V since W_out starts at zero"""
    corpus, _, _, losses, _ = fitted_run(student, ref, calls, rng)
    if not 0.5 * UNTRAINED_LOSS <= losses[0] <= 1.05 * UNTRAINED_LOSS:
        fail(f"The first epoch's loss of {TRAIN_CALL} is {losses[0]:.6g}. With W_out starting at zero, every "
             f"prediction starts uniform, with loss log V = {UNTRAINED_LOSS:.4f}, and falls, so the mean over the "
             "examples of the first epoch lies a little below that.", inputs=corpus["inputs"],
             expected=f"between {0.5 * UNTRAINED_LOSS:.4f} and {1.05 * UNTRAINED_LOSS:.4f}", got=show(losses),
             mistake="train_losses_summed" if losses[0] > 20 * UNTRAINED_LOSS else None)


@grades("train.train_cbow", weight=0.5)
def test_train_cbow_loss_falls_over_the_epochs(student, ref, calls, rng):
    """the mean loss of train_cbow's last epoch is clearly below that of its first"""
    corpus, _, _, losses, _ = fitted_run(student, ref, calls, rng)
    epochs = [float(epoch) for epoch in range(1, EPOCHS + 1)]
    figure(Figure(title="train_cbow on a planted-topics corpus", x_label="epoch", y_label="mean loss per example",
                  series=[Series("your train_cbow", epochs, [float(x) for x in losses]),
                          Series("untrained: log V", epochs, [UNTRAINED_LOSS] * EPOCHS, style="dashed")]))
    if not losses[-1] < 0.9 * losses[0]:   # correct trainers end at most 0.75 times their first epoch
        fail(f"The loss of {TRAIN_CALL} did not fall by at least 10% from the first epoch to the last.",
             inputs=corpus["inputs"], expected=f"losses[-1] < 0.9 × losses[0] = {0.9 * losses[0]:.4g}",
             got=show(losses))


@grades("train.train_cbow", weight=0.5)
def test_train_cbow_reports_the_loss_of_the_weights_it_returns(student, ref, calls, rng):
    """train_cbow's last-epoch loss agrees with the loss of the W_in and W_out it returns"""
    corpus, _, _, losses, fit = fitted_run(student, ref, calls, rng)
    check_reported_loss(losses, fit, CONSISTENT, call=TRAIN_CALL, over="examples", step="cbow_step",
                        inputs=corpus["inputs"])


@grades("train.train_cbow", weight=2)
def test_train_cbow_recovers_planted_topics(student, ref, calls, rng):
    """after train_cbow, words of the same planted topic are clearly more similar than words of different topics"""
    corpus, W_in, _, _, _ = fitted_run(student, ref, calls, rng)
    check_topics(W_in, corpus["topic_of_word"], SEPARATION, 1.3, call=TRAIN_CALL, inputs=corpus["inputs"])


@grades("train.train_cbow", weight=0.5)
def test_train_cbow_gives_the_same_result_for_the_same_seed_and_another_for_another(student, ref, calls, rng):
    """train_cbow run twice with the same seed gives the same result, and with another seed another one"""
    fitted_run(student, ref, calls, rng)
    ids = np.concatenate([np.arange(5), rng.integers(0, 5, size=15)])   # small runs: this checks the seed only
    check_seed(student.train.train_cbow, (ids, 5, 3, 1, 2, 0.1),
               ("ids", "vocab_size", "dim", "window", "epochs", "lr", "seed"), call=TRAIN_CALL, rng=rng)


@grades("train.train_cbow", weight=0.5)
def test_train_cbow_starts_W_out_at_zero(student, ref, calls, rng):
    """with lr = 0 train_cbow returns its initial weights: W_out all zeros, and every epoch's loss log V"""
    fitted_run(student, ref, calls, rng)
    ids, seed = rng.integers(0, 5, size=12), int(rng.integers(2**31))
    inputs = f"ids = np.array({ids.tolist()})\nvocab_size = 5, dim = 3, window = 1, epochs = 2, lr = 0.0, seed = {seed}"
    _, W_out, losses = trained(student.train.train_cbow(ids, 5, 3, 1, 2, 0.0, seed), vocab_size=5, dim=3,
                               epochs=2, inputs=inputs)
    if np.any(W_out != 0):
        fail(f"With lr = 0 nothing moves, so {TRAIN_CALL} returns its initial weights, and the initial W_out is "
             "not zero. Start W_out at zeros (only W_in gets small random values), so that every first prediction "
             "is uniform and the first loss is log V.", inputs=inputs, expected="W_out: all zeros", got=show(W_out))
    if not np.allclose(losses, math.log(5), rtol=1e-5):
        fail(f"With lr = 0 and W_out at zero, every prediction is uniform, so every epoch's mean loss is log V = "
             f"{math.log(5):.6f}.", inputs=inputs, expected=f"losses = [{math.log(5):.6f}, {math.log(5):.6f}]",
             got=show(losses))


@grades("train.train_cbow", weight=0.5)
def test_train_cbow_visits_the_examples_in_a_new_order_every_epoch(student, ref, calls, rng):
    """train_cbow's order of the examples changes from epoch to epoch (recovered by replaying tiny runs)"""
    fitted_run(student, ref, calls, rng)
    tiny_runs = 5
    shown = []

    def runs():
        for _ in range(tiny_runs):
            ids = rng.permutation(4)[:3]   # three different words: the examples ([b], a), ([a, c], b), ([b], c)
            examples = ref.pairs.cbow_examples(ids, 1)
            arguments = dict(ids=ids, vocab_size=4, dim=2, window=1, epochs=3, lr=1.0)

            def step(W_in, W_out, example, examples=examples):
                context, center = examples[example]
                ref.train.cbow_step(W_in, W_out, context, center, 1.0)
            replay, inputs = replayed_orders(student.train.train_cbow, arguments, len(examples), step,
                                             call=TRAIN_CALL, seed=int(rng.integers(2**31)), rtol=1e-6)
            shown.append(inputs)
            yield replay
    # measured over 200 reference runs: every one replays, 5% also fit one order (see runs_fitting_one_order)
    replayed = runs_fitting_one_order(runs(), total=tiny_runs)
    if replayed:
        fail(f"Every epoch of your {TRAIN_CALL} goes through the examples in the same order: replaying {replayed} "
             "small runs (3 examples, 3 epochs, from the weights that lr = 0 returns) with cbow_step gives your "
             "weights only when all epochs use one order. Draw a new random order of the examples from the seeded "
             "generator at the start of every epoch.", inputs=shown[0], expected="a new order of the examples in each "
             "epoch", got="the same order in every epoch", mistake="cbow_train_same_order_every_epoch")


@grades("train.train_cbow", weight=0.5)
def test_train_cbow_cannot_predict_the_center_from_random_neighbours(student, ref, calls, rng):
    """on a text of independent random words, train_cbow's loss stays near log V: no example shows its own center"""
    fitted_run(student, ref, calls, rng)
    text = RANDOM_TEXT
    ids, seed = rng.integers(0, text["vocab_size"], text["n_words"]), int(rng.integers(2**31))
    inputs = (f"ids: {text['n_words']} word ids drawn independently and uniformly from 0 … {text['vocab_size'] - 1} "
              "(drawn afresh for each grading and not shown)\n" +
              ", ".join(f"{name} = {text[name]}" for name in ("vocab_size", "dim", "window", "epochs", "lr")) +
              f", seed = {seed}")
    _, _, losses = trained(student.train.train_cbow(ids, text["vocab_size"], text["dim"], text["window"],
                                                    text["epochs"], text["lr"], seed),
                           vocab_size=text["vocab_size"], dim=text["dim"], epochs=text["epochs"], inputs=inputs)
    floor = SEES_THE_CENTER * math.log(text["vocab_size"])
    if not losses[-1] >= floor:
        fail(f"On a text of independent random words, the neighbours of a word say nothing about it, so no CBoW "
             f"model can predict the center much better than chance: the loss should stay near log V = "
             f"{math.log(text['vocab_size']):.4f}. Your last epoch's loss is {losses[-1]:.4f}.", inputs=inputs,
             expected=f"losses[-1] >= {floor:.4f}", got=show(losses), mistake="cbow_center_in_own_context")


@grades("train.train_cbow", weight=0.5)
def test_train_cbow_trains_on_the_examples_of_its_window(student, ref, calls, rng):
    """with a tiny lr, W_out shows one cbow_step per example of cbow_examples(ids, window)"""
    fitted_run(student, ref, calls, rng)
    ids, seed, window = rng.integers(0, PROBE["vocab_size"], size=20), int(rng.integers(2**31)), PROBE["window"]
    inputs = (f"ids = np.array({ids.tolist()})\n" + ", ".join(f"{name} = {value}" for name, value in PROBE.items())
              + f", lr = {LR_PROBE}, seed = {seed}")
    W_in, W_out, _ = trained(student.train.train_cbow(ids.copy(), *PROBE.values(), LR_PROBE, seed),
                             vocab_size=PROBE["vocab_size"], dim=PROBE["dim"], epochs=PROBE["epochs"], inputs=inputs)
    expected = cbow_first_order(W_in, ref.pairs.cbow_examples(ids, window), PROBE["epochs"])
    scaled, tolerance = W_out / LR_PROBE, 1e-3 * float(np.max(np.abs(expected)))   # measured error: below 1e-6

    def fits(examples) -> bool:
        return bool(np.max(np.abs(scaled - cbow_first_order(W_in, examples, PROBE["epochs"]))) <= tolerance)
    if fits(ref.pairs.cbow_examples(ids, window)) or np.max(np.abs(scaled)) > 1e3 * np.max(np.abs(expected)):
        return   # right, or W_out did not start at zero (test_train_cbow_starts_W_out_at_zero says so)
    words = [int(word) for word in ids]
    with_center = [(words[max(0, i - window):i + window + 1], center) for i, center in enumerate(words)]
    mistake = ("cbow_train_window_off_by_one" if fits(ref.pairs.cbow_examples(ids, window + 1))
               or fits(ref.pairs.cbow_examples(ids, window - 1)) else
               "cbow_center_in_own_context" if fits(with_center) else None)
    fail(f"After a run of {TRAIN_CALL} with lr = {LR_PROBE:g}, W_out shows which steps were made: while W_out is "
         "near zero, a step on the example (context, center) adds lr·(onehot(center) - 1/V)·h to W_out, h the mean "
         "of the context's rows of W_in. Your W_out is not the sum of one step per example of "
         "cbow_examples(ids, window) in each epoch"
         + ("; it is that sum for the examples of window - 1 or window + 1." if mistake == "cbow_train_window_off_by_one"
            else "; it is that sum for contexts that include the center itself." if mistake else "."),
         inputs=inputs, expected="W_out / lr ≈ " + show(expected), got="W_out / lr = " + show(scaled), mistake=mistake)
