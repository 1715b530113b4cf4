"""Helpers shared by the word2vec suites (not a test file: the grader collects test_*.py only)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

from autograder.grading.checks import diagnosis, fail, first_mistake, matches
from autograder.grading.compare import as_numeric_array, canonical, compare, show
from autograder.grading.diagnose import Hints, explain_rows, rows_difference
from autograder.grading.numeric import difference_policy, numerical_gradient, relative_error, working_precision
from autograder.suites.datasets import planted_topics_corpus, renamed_words, topic_separation
from autograder.suites.replay import LazyReplay, close_to

T = TypeVar("T")


def non_finite(value) -> bool:
    """True when value holds a nan or an infinity (safe on any returned data)."""
    array = as_numeric_array(value)
    return array is not None and not np.all(np.isfinite(array.astype(np.float64)))


def check_inputs_kept(calls, call: str, inputs: dict, allowed=()) -> None:
    """Fail when the last call wrote into one of its arguments (other than those allowed).

    inputs lists the arguments in the order of the call, so the value after the call can be shown.
    """
    changed = [name for name in calls.last.changed_arguments if name not in allowed]
    if not changed:
        return
    name, after = changed[0], calls.last.arguments_after
    position = list(inputs).index(name) if name in inputs else None
    fail(f"{call} changed its argument {name}. Leave the arguments as they were and build new arrays or lists "
         "for the results.", inputs=inputs,
         expected=f"{name} unchanged: {show(inputs[name])}" if position is not None else None,
         got=f"{name} after the call: {show(after[position])}" if position is not None and position < len(after)
         else None, mistake="overwrites_argument")


def expect_items(got, expected: tuple, names: list[str], *, call: str, inputs, mistakes_if=None,
                 rtol: float = 1e-6, atol: float = 1e-9, hints: Hints | None = None,
                 terms: dict | None = None) -> None:
    """Compare a returned tuple item by item; the feedback names and shows the item that differs, and says how
    the items relate to the expected ones (diagnose.explain, with the item names).

    The items are judged at the precision the function computed in (the least precise of them: a float32
    gradient makes its float() loss float32 too); terms maps an item's name to the magnitudes of the terms its
    expected value sums (see compare.tolerances), where they cancel.
    """
    if not isinstance(got, (tuple, list)) or len(got) != len(expected):
        fail(f"{call} should return a tuple of {len(expected)} items ({', '.join(names)}), but it returned "
             f"{show(got, 200)}.", inputs=inputs)
    precision = working_precision(*got)
    for name, got_item, expected_item in zip(names, got, expected):
        mismatch = compare(got_item, expected_item, where=f"the returned {name}", rtol=rtol, atol=atol,
                           precision=precision, terms=(terms or {}).get(name))
        if mismatch is not None:
            hints = Hints(**{**vars(hints or Hints()), "items": names})
            found = diagnosis(list(got), list(expected), hints, inputs)
            fail(f"{call} returned a wrong {name}. {mismatch.problem[0].upper() + mismatch.problem[1:]}."
                 + (f" {found}" if found else ""), inputs=inputs, expected=show(expected_item), got=show(got_item),
                 mistake=first_mistake(mistakes_if, got))


def softmax_terms(h, o: int, U) -> tuple:
    """Magnitudes of the terms of loss = lse - u_o·h, ∂loss/∂h = Uᵀ(p - y) and ∂loss/∂U = (p - y)·hᵀ.

    h: (E,), U: (V, E), float64; lse = log Σ exp(U·h), p = softmax(U·h), y = onehot(o).  Returns (loss terms: a
    float, (E,), (V, E)).  Besides p and y, each entry carries |lse|·p: rounding lse (of size |scores|) moves
    every p by that much relatively, which scores near 800 make the largest term in float32.
    """
    scores = U @ h
    top = float(scores.max())
    lse = top + float(np.log(np.sum(np.exp(scores - top))))
    weights = np.exp(scores - lse) * (1.0 + abs(lse))
    weights[o] += 1.0
    return abs(lse) + abs(float(scores[o])), np.abs(U).T @ weights, np.outer(weights, np.abs(h))


def neg_sampling_loss_terms(v_c, u_o, U_neg) -> float:
    """The magnitude of the terms of the loss -log σ(u_o·v_c) - Σ log σ(-u_k·v_c): all positive, so the loss.

    v_c, u_o: (E,), U_neg: (K, E), float64.  Returns a float.
    """
    return float(np.logaddexp(0.0, -u_o @ v_c) + np.sum(np.logaddexp(0.0, U_neg @ v_c)))


def scalar(value) -> float | None:
    """A returned single number as a float, or None if it is not one."""
    array = as_numeric_array(value)
    if array is None or array.size != 1:
        return None
    return float(array.reshape(-1)[0])


# -- gradients against central differences -------------------------------------------------------------------
def loss_of(got, call, inputs) -> float:
    """The loss (first item) of a returned tuple, or a failure that says what came back instead."""
    value = scalar(got[0]) if isinstance(got, (tuple, list)) and got else None
    if value is None:
        fail(f"{call} should return a tuple whose first item is the loss, a single number, but it returned "
             f"{show(got, 200)}.", inputs=inputs)
    return value


def slope_along(loss, array, direction, h) -> float:
    """Central difference of loss() along a direction: (f(x + h·d) - f(x - h·d)) / 2h; x is restored."""
    saved = array.copy()
    try:
        array[...] = saved + h * direction
        above = loss()
        array[...] = saved - h * direction
        below = loss()
    finally:
        array[...] = saved
    return (above - below) / (2.0 * h)


def check_against_central_differences(loss, arrays, got, names, *, call, inputs, sign_mistake, rng,
                                      mistake_of=None, loss_terms: float | None = None):
    """Each returned gradient (got[1:], after the loss) against central differences of the student's own loss.

    A central difference along one random direction per argument (two calls) checks a correct gradient; only
    when it disagrees are the central differences of every entry computed, to show the student where.  Step
    and tolerance fit the precision of what the function returned (a float32 loss needs a larger step).  A
    gradient of the opposite sign names sign_mistake; otherwise mistake_of(name, gradient, numerical), if
    given, may name another mistake.

    loss_terms: the magnitude of the terms the exact loss sums, from the inputs (never from the student's
    loss, which could be made huge): the slope along a direction is only known to the rounding of those terms
    over 2h (policy.slope_noise), which matters in float32 when a gradient is much smaller than the loss.
    """
    policy = difference_policy(working_precision(*got))
    noise = 0.0 if loss_terms is None else policy.slope_noise(loss_terms)
    for name, array, gradient in zip(names, arrays, got[1:]):
        gradient = as_numeric_array(gradient)
        if gradient is None or gradient.shape != array.shape:
            fail(f"{call} returned {name} of shape {None if gradient is None else gradient.shape}; it should have "
                 f"the shape of {name[5:]}, {array.shape}.", inputs=inputs)
        gradient = gradient.astype(np.float64)
        direction = rng.normal(size=array.shape)
        measured = slope_along(loss, array, direction, policy.step)
        scale = max(1e-8, abs(measured), float(np.linalg.norm(gradient) * np.linalg.norm(direction)))
        if abs(float(np.sum(gradient * direction)) - measured) <= policy.tolerance * scale + noise:
            continue
        numerical = numerical_gradient(loss, array, h=policy.step)
        mistake = None   # gradient is a float64 array of the right shape here, safe for mistake_of
        if sign_mistake and matches(gradient, -numerical, rtol=max(1e-4, policy.tolerance), atol=1e-7):
            mistake = sign_mistake
        elif mistake_of is not None:
            mistake = mistake_of(name, gradient, numerical)
        precision = "" if policy.precision == np.float64 else f", as your function computes in {policy.precision}"
        fail(f"The {name} returned by {call} is not the slope of the loss it returns: central differences of "
             f"your own loss (h = {policy.step:g}{precision}) give other values (relative error "
             f"{relative_error(gradient, numerical):.2g}).",
             inputs=inputs, expected=show(numerical) + "  (central differences of your loss)", got=show(gradient),
             mistake=mistake)


# -- order-free comparison of pairs and examples -------------------------------------------------------------
def as_rows(value) -> list[tuple] | None:
    """Returned pairs as a list of (center, context) tuples of ints, or None if they are not a (P, 2) integer array."""
    array = as_numeric_array(value)
    if array is None or array.ndim != 2 or array.shape[1] != 2:
        return None
    if array.size and array.dtype.kind not in "iu":   # word ids index arrays: floats (even 3.0) are not ids
        return None
    return [(int(a), int(b)) for a, b in array.tolist()]


def as_items(value) -> list | None:
    """Returned CBoW examples in a canonical form (tuples of plain values), or None."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:   # a single number is not a list of examples
            return None
        value = list(value)
    if not isinstance(value, (list, tuple)):
        return None
    return [canonical(item) for item in value]


def multiset_difference(got: list, expected: list, fmt=str, names: list[str] | None = None) -> str:
    """'missing ...; unexpected ...' in words, for results whose order is not graded, and how the unexpected rows
    differ from the missing ones when they all differ alike (diagnose.rows_difference and explain_rows)."""
    difference = rows_difference(got, expected, fmt)
    pairing = explain_rows(got, expected, names, fmt)
    return difference + (f". {pairing[0][:-1]}" if difference and pairing else "")


# -- the trainers' runs on planted corpora ---------------------------------------------------------------------------
def planted_corpus(rng, topics: dict, settings: str) -> dict:
    """A planted-topics corpus with its word ids renamed, and a training seed, drawn from rng.

    topics: the keyword arguments of planted_topics_corpus but its seed; settings: the trainer's other arguments,
    for the feedback.  Returns ids (n,) int64, topic_of_word (V,) int64, seed: int and inputs: the text that
    describes them in the feedback, which never lists the ids.
    """
    ids, topic_of_word = planted_topics_corpus(int(rng.integers(2**32)), **topics)
    ids, topic_of_word = renamed_words(ids, topic_of_word, rng)
    seed = int(rng.integers(2**31))
    described = (f"ids: {len(ids)} word ids, drawn afresh for each grading and not shown: "
                 f"{topics['n_topics']} planted topics of {topics['words_per_topic']} words each (words of one topic "
                 f"fill stretches of {topics['sentence_length']} words), the word ids shuffled\n"
                 f"{settings}, seed = {seed}")
    return {"ids": ids, "topic_of_word": topic_of_word, "seed": seed, "inputs": described}


def trained_embeddings(got, *, call: str, vocab_size: int, dim: int, epochs: int, inputs) -> tuple:
    """(W_in, W_out, losses) as float64 after checking the types and shapes of what a trainer returned."""
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        fail(f"{call} should return a tuple (W_in, W_out, losses), but it returned {show(got, 200)}.", inputs=inputs)
    W_in, W_out, losses = (as_numeric_array(item) for item in got)
    for name, matrix, item in (("W_in", W_in, got[0]), ("W_out", W_out, got[1])):
        if matrix is None or matrix.shape != (vocab_size, dim):
            fail(f"{call} returned {name} of shape {None if matrix is None else matrix.shape}; it should be "
                 f"(vocab_size, dim) = {(vocab_size, dim)}.", inputs=inputs, got=show(item))
        if non_finite(matrix):
            fail(f"{call} returned {name} with nan or inf in it.", inputs=inputs, got=show(matrix))
    if losses is None or losses.shape != (epochs,) or non_finite(losses):
        fail(f"{call} should return losses as a list of {epochs} finite numbers, one per epoch.",
             inputs=inputs, got=show(got[2]))
    assert W_in is not None and W_out is not None   # checked above: fail() does not return
    return W_in.astype(np.float64), W_out.astype(np.float64), losses.astype(np.float64)


def check_seed(train: Callable, arguments: tuple, names: tuple, *, call: str, rng) -> None:
    """Fail unless train(*arguments, seed) gives the same result twice and another with another seed.

    arguments: every argument but the seed (the last one), with names their names, for the feedback.
    """
    seed = int(rng.integers(2**31))

    def described(seed):
        return "\n".join([f"ids = np.array({np.asarray(arguments[0]).tolist()})"] + [
            f"{name} = {value}" for name, value in zip(names[1:], arguments[1:] + (seed,))])

    first, second = (train(*arguments, seed) for _ in range(2))
    if isinstance(first, (tuple, list)) and isinstance(second, (tuple, list)) and len(first) == len(second) == 3:
        mismatch = next(filter(None, (compare(b, a, where=f"{name} of the second run", rtol=0, atol=0) for name, a, b
                                      in zip(("W_in", "W_out", "losses"), first, second))), None)
    else:
        mismatch = compare(second, first, where="the second run's result", rtol=0, atol=0)
    if mismatch is not None:
        fail(f"Two calls of {call} with the same arguments and seed gave different results: "
             f"{mismatch.problem}.", inputs=described(seed), expected=mismatch.expected + "  (the first run)",
             got=mismatch.got, mistake="train_not_reproducible")
    other_seed = seed + 1 + int(rng.integers(1000))
    other = train(*arguments, other_seed)
    if matches(other, first, rtol=0, atol=0):
        fail(f"{call} gave the same result for seed {seed} and seed {other_seed}. The initial values and the "
             "order of the examples should come from the seed.", inputs=described(other_seed),
             expected=f"another result than with seed = {seed}", got=show(other, 300))


def check_reported_loss(losses, fit: float, bounds: tuple[float, float], *, call: str, over: str, step: str,
                        inputs) -> None:
    """Fail unless the reported last-epoch loss is within bounds (low, high) of fit, the loss of the returned weights.

    over: what fit is the mean over ("pairs", "examples"); step: the function whose losses the epoch averages.
    """
    low, high = bounds
    if not low * losses[-1] <= fit <= high * losses[-1]:
        fail(f"{call} reports {losses[-1]:.4f} as the mean loss of its last epoch, but the W_in and W_out it "
             f"returns have a mean loss of {fit:.4f} over the same {over}. The weights change during the epoch, "
             f"so the two differ by a few percent, not more: report the mean of the losses that {step} returned "
             "in the last epoch, and return the weights it trained.", inputs=inputs,
             expected=f"losses[-1] between {fit / high:.4f} and {fit / low:.4f}", got=show(losses))


def check_topics(W_in, topic_of_word, separation: float, typical: float, *, call: str, inputs) -> None:
    """Fail unless words of the same planted topic are more similar than words of different ones, by separation."""
    same, different = topic_separation(W_in, topic_of_word)
    if not same - different > separation:
        fail(f"After {call}, the mean cosine similarity of two words of the same topic is {same:.3f} and of "
             f"two words of different topics {different:.3f}. Training should put the first clearly above the "
             f"second (by more than {separation}); a correct trainer gets about {typical}.", inputs=inputs,
             expected=f"same-topic similarity above {different + separation:.3f}", got=f"{same:.3f}")


# -- replaying a trainer's tiny runs ---------------------------------------------------------------------------
def replayed_orders(train: Callable, arguments: dict, examples: int, step: Callable, *, call: str, seed: int,
                    rtol: float) -> tuple[LazyReplay, str]:
    """(whether some per-epoch orders of the examples reproduce the trainer's weights, and one order repeated
    in every epoch does; the inputs for the feedback).

    train(**arguments, seed=seed) runs twice: with lr = 0, which returns the initial weights unchanged, and with
    arguments["lr"]; the reference's step(W_in, W_out, example) (in place) is replayed from the first run's
    weights in every order of the examples (see autograder/suites/replay.py), as far as the replay's questions need.
    """
    inputs = "\n".join([f"ids = np.array({np.asarray(arguments['ids']).tolist()})"]
                       + [f"{name} = {value}" for name, value in arguments.items() if name != "ids"]
                       + [f"seed = {seed}"])
    shape = {"vocab_size": arguments["vocab_size"], "dim": arguments["dim"], "epochs": arguments["epochs"]}
    start = trained_embeddings(train(**{**arguments, "lr": 0.0}, seed=seed), call=call, inputs=inputs, **shape)
    end = trained_embeddings(train(**arguments, seed=seed), call=call, inputs=inputs, **shape)

    def one_step(state: dict, example: int) -> dict:
        W_in, W_out = state["W_in"].copy(), state["W_out"].copy()
        step(W_in, W_out, example)
        return {"W_in": W_in, "W_out": W_out}
    replay = LazyReplay({"W_in": start[0], "W_out": start[1]}, examples, arguments["epochs"], one_step,
                        close_to({"W_in": end[0], "W_out": end[1]}, rtol=rtol))
    return replay, inputs
