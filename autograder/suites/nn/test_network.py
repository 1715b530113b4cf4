"""Hidden tests of assignments/nn/network.py.

Fixtures use N, d and H that all differ (5, 7, 3), so a transposed weight
matrix cannot go unnoticed, and batches of several examples, so a bias
gradient that is not summed over the batch shows.  Gradients are checked
against the reference and against central differences of the loss, in
float64, with inputs kept away from the ReLU kink and outputs away from
saturation (where rounding noise would swamp the differences).

train is graded by outcomes on data drawn from `rng`, so they change with the
grading seed: an XOR-like problem rotated, shifted and relabelled at random, and
the same problem with its classes swapped.  Every train test first checks that
both runs classify held-out points of their problem, which no answer that does
not depend on the data can do in both, so a stub or a constant return scores 0
on all of them; the losses reported must also match the returned parameters.
The feedback describes the problem but never shows its points.
"""
import weakref

import numpy as np
import pytest

from autograder.grading import StudentCallError
from autograder.grading.checks import expect, fail, figure, matches, ratio
from autograder.grading.compare import as_numeric_array, compare, shape_of, show
from autograder.grading.diagnose import Hints, Stage
from autograder.grading.numeric import difference_policy, numerical_gradient, relative_error, working_precision
from autograder.results import Figure, Series
from autograder.sandbox.protocol import GeneratorSeed
from autograder.suites.caching import once_per_submission
from autograder.suites.datasets import XorProblem
from autograder.suites.replay import LazyReplay, close_to, runs_fitting_one_order

grades = pytest.mark.grades
N, D, H = 5, 7, 3


def network(rng, n=N, d=D, hidden=H):
    """Random inputs, 0/1 labels and parameters whose hidden pre-activations stay away from 0."""
    while True:
        params = {"W1": rng.normal(size=(d, hidden)), "b1": rng.normal(size=hidden),
                  "W2": rng.normal(size=(hidden, 1)), "b2": rng.normal(size=1)}
        X = rng.normal(size=(n, d))
        if np.min(np.abs(X @ params["W1"] + params["b1"])) > 1e-2:
            labels = np.array([0.0, 1.0] * n)[:n]
            return X, rng.permutation(labels), params


def check_unchanged(calls, call, inputs):
    if calls.last.changed_arguments:
        changed = calls.last.changed_arguments[0]
        fail(f"{call} changed its argument {changed}. Leave inputs as they are and return new arrays or dicts.",
             inputs=inputs, mistake="modifies_input")


def backward_variants(ref, y, params, cache):
    """Gradients as common mistakes compute them, to name a wrong answer."""
    labels = np.asarray(y, dtype=float).reshape(-1, 1)
    X, U1, O1, O2 = cache["X"], cache["U1"], cache["O1"], cache["O2"]
    n = len(X)

    def from_dU2(dU2, relu_mask=None):
        dO1 = dU2 @ params["W2"].T
        dU1 = dO1 * (U1 > 0) if relu_mask is None else relu_mask(dO1)
        return {"W1": X.T @ dU1, "b1": dU1.sum(axis=0), "W2": O1.T @ dU2, "b2": dU2.sum(axis=0)}

    correct = (O2 - labels) / n
    return {
        "extra_sigmoid_derivative": from_dU2(correct * O2 * (1 - O2)),
        "relu_mask_from_upstream_gradient": from_dU2(correct, relu_mask=lambda dO1: np.maximum(dO1, 0.0)),
    }


@grades("network.dense_forward")
def test_dense_forward_matches_reference(student, ref, calls, rng):
    """dense_forward(X, W, b) = X·W + b with N, d, H all different"""
    X, W, b = rng.normal(size=(N, D)), rng.normal(size=(D, H)), rng.normal(size=H)
    inputs = {"X": X, "W": W, "b": b}
    got = student.network.dense_forward(X, W, b)
    check_unchanged(calls, "dense_forward(X, W, b)", inputs)
    expect(got, ref.network.dense_forward(X, W, b), call="dense_forward(X, W, b)", inputs=inputs,
           mistakes_if={"bias_forgotten": lambda got: matches(got, X @ W)},
           hints=Hints(terms={"X·W": X @ W, "b (the bias)": b}))


@grades("network.forward", weight=2)
def test_forward_output_and_cache(student, ref, calls, rng):
    """forward(X, params) returns ŷ (N, 1) and a cache with X, U1, O1, U2, O2"""
    X, _, params = network(rng)
    inputs = {"X": X, "params": params}
    got = student.network.forward(X, params)
    check_unchanged(calls, "forward(X, params)", inputs)
    y_hat, cache = ref.network.forward(X, params)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail("forward(X, params) should return a pair (y_hat, cache).", inputs=inputs, got=got)
    sigmoid = ref.activations.sigmoid
    expect(got[0], y_hat, call="forward(X, params)", inputs=inputs, hints=Hints(where={"U2": cache["U2"]}), mistakes_if={
        "hidden_activation_missing": lambda got: matches(got, sigmoid((X @ params["W1"] + params["b1"]) @ params["W2"]
                                                                       + params["b2"])),
        "hidden_activation_sigmoid": lambda got: matches(got, sigmoid(sigmoid(X @ params["W1"] + params["b1"])
                                                                      @ params["W2"] + params["b2"]))})
    expect(got[1], cache, call="forward(X, params)", what="returned, as its cache,", inputs=inputs)


def bce_hints(y_hat, y) -> Hints:
    """The two terms of the mean BCE, and N: to say which term a wrong loss gets wrong."""
    probabilities = np.clip(np.asarray(y_hat, dtype=float).reshape(-1), 1e-12, 1 - 1e-12)
    labels = np.asarray(y, dtype=float).reshape(-1)
    return Hints(sizes={"N": len(labels)}, terms={
        "-(1/N)·Σ y·log ŷ": -np.mean(labels * np.log(probabilities)),
        "-(1/N)·Σ (1 - y)·log(1 - ŷ)": -np.mean((1 - labels) * np.log1p(-probabilities))})


@grades("network.forward", weight=0.5)
def test_forward_with_one_example(student, ref, rng):
    """forward(X, params) with a batch of one example (N = 1) keeps ŷ of shape (1, 1) and the cache's shapes"""
    X, _, params = network(rng, n=1)
    inputs = {"X": X, "params": params}
    expect(student.network.forward(X, params), ref.network.forward(X, params), call="forward(X, params)",
           inputs=inputs, hints=Hints(items=["y_hat", "cache"]))


@grades("network.bce_loss")
def test_bce_loss_is_the_mean_over_the_batch(student, ref, calls, rng):
    """bce_loss(y_hat, y) is the mean binary cross-entropy, with y of shape (N,), and leaves its inputs unchanged"""
    y_hat = rng.uniform(0.05, 0.95, size=(6, 1))
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    expected = ref.network.bce_loss(y_hat, y)
    broadcast = -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))   # (6, 1) with (6,) → (6, 6)
    got = student.network.bce_loss(y_hat, y)
    check_unchanged(calls, "bce_loss(y_hat, y)", {"y_hat": y_hat, "y": y})
    expect(got, expected, call="bce_loss(y_hat, y)", inputs={"y_hat": y_hat, "y": y},
           mistakes_if={"loss_summed_not_averaged": lambda got: ratio(got, expected) == pytest.approx(6.0),
                        "bce_broadcast_shapes": lambda got: matches(got, broadcast)}, hints=bce_hints(y_hat, y))


@grades("network.bce_loss")
def test_bce_loss_accepts_column_labels(student, ref, rng):
    """bce_loss(y_hat, y) gives the same value when y has shape (N, 1)"""
    y_hat = rng.uniform(0.05, 0.95, size=(4, 1))
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    expect(student.network.bce_loss(y_hat, y), ref.network.bce_loss(y_hat, y), call="bce_loss(y_hat, y)",
           inputs={"y_hat": y_hat, "y": y}, hints=bce_hints(y_hat, y))


@grades("network.bce_loss", weight=0.5)
def test_bce_loss_of_a_single_example(student, ref):
    """bce_loss(y_hat, y) with a batch of one example (N = 1) and integer labels"""
    for y_hat, y in ((np.array([[0.8]]), np.array([1])), (np.array([[0.3]]), np.array([[0]]))):
        expect(student.network.bce_loss(y_hat, y), ref.network.bce_loss(y_hat, y), call="bce_loss(y_hat, y)",
               inputs={"y_hat": y_hat, "y": y}, hints=bce_hints(y_hat, y))


@grades("network.bce_loss")
def test_bce_loss_is_finite_for_saturated_predictions(student, ref, calls):
    """bce_loss stays finite when a prediction is exactly 0 or 1 (predictions are clipped, on a copy)"""
    y_hat = np.array([[1.0], [0.0], [0.5]])
    y = np.array([0.0, 1.0, 1.0])
    got = student.network.bce_loss(y_hat, y)
    check_unchanged(calls, "bce_loss(y_hat, y)", {"y_hat": y_hat, "y": y})
    # a non-finite loss costs the points, float32 or not: a float32 network's ŷ is exactly 1.0 from U² ≈ 17 on,
    # which training reaches, and train must report finite losses
    expect(got, ref.network.bce_loss(y_hat, y), call="bce_loss(y_hat, y)", inputs={"y_hat": y_hat, "y": y},
           mistakes_if={"bce_not_clipped": lambda got: shape_of(got) == () and not np.isfinite(float(got)),
                        "bce_clipped_in_float32": lambda got: shape_of(got) == () and np.isfinite(float(got))
                        and working_precision(got) == np.float32})


BACKWARD_STAGES = [   # the order backpropagation computes the gradients in, for "which layer is wrong"
    Stage("the output layer", ["W2", "b2"], "∂L/∂U² = (O² - y)/N, then ∂L/∂Θ² = O¹ᵀ·∂L/∂U² and ∂L/∂b² its sum over "
          "the batch"),
    Stage("the hidden layer", ["W1", "b1"], "∂L/∂O¹ = ∂L/∂U²·Θ²ᵀ, the ReLU mask ∂L/∂U¹ = ∂L/∂O¹ ⊙ ReLU'(U¹), "
          "then ∂L/∂Θ¹ = Xᵀ·∂L/∂U¹"),
]


def backward_hints(y, params, cache) -> Hints:
    """The layers of backpropagation, N, and the arrays each bias gradient sums over the batch."""
    labels = np.asarray(y, dtype=float).reshape(-1, 1)
    n = len(cache["X"])
    dU2 = (cache["O2"] - labels) / n
    dU1 = (dU2 @ params["W2"].T) * (cache["U1"] > 0)
    return Hints(sizes={"N": n}, stages=BACKWARD_STAGES, parts={
        "b1": Hints(reductions={"∂L/∂U¹": (dU1, 0, "sum")}), "b2": Hints(reductions={"∂L/∂U²": (dU2, 0, "sum")})})


def _check_gradients(got, expected, inputs, variants, n, hints):
    if not isinstance(got, dict):
        fail("backward(y, params, cache) should return a dict of gradients with keys W1, b1, W2, b2.",
             inputs=inputs, got=got)
    for name in ("W1", "b1", "W2", "b2"):
        if name not in got:
            continue
        shape = shape_of(got[name])
        if name.startswith("b") and shape is not None and len(shape) == 2 and shape[0] == n:
            fail(f"backward returned grads['{name}'] of shape {shape}, but a gradient has the shape of its "
                 f"parameter, {expected[name].shape}.", inputs=inputs, expected=expected[name], got=got[name],
                 mistake="bias_grad_not_summed")
        if name.startswith("b") and shape == () and expected[name].size > 1:
            fail(f"backward returned a single number for grads['{name}'], but it needs one entry per neuron.",
                 inputs=inputs, expected=expected[name], got=got[name], mistake="bias_grad_wrong_axis")
    factors = {name: ratio(got.get(name), expected[name]) for name in expected}
    mistakes_if = {
        "grads_summed_not_averaged": lambda got: all(f == pytest.approx(n) for f in factors.values()),
        "grads_averaged_twice": lambda got: all(f == pytest.approx(1 / n) for f in factors.values()),
        "gradient_sign_flipped": lambda got: all(f == pytest.approx(-1.0) for f in factors.values()),
    }
    for mistake, variant in variants.items():
        mistakes_if[mistake] = lambda got, variant=variant: all(matches(got.get(k), variant[k]) for k in variant)
    expect(got, expected, call="backward(y, params, cache)", what="returned, as gradients,", inputs=inputs,
           mistakes_if=mistakes_if, hints=hints)


@grades("network.backward")
def test_backward_matches_reference(student, ref, calls, rng):
    """backward(y, params, cache) with the reference's cache gives the reference's gradients"""
    X, y, params = network(rng)
    _, cache = ref.network.forward(X, params)
    inputs = {"y": y, "params": params, "cache": "the cache of forward(X, params) for X = " + show(X, 300)}
    got = student.network.backward(y, params, cache)
    check_unchanged(calls, "backward(y, params, cache)", inputs)
    _check_gradients(got, ref.network.backward(y, params, cache), inputs, backward_variants(ref, y, params, cache), N,
                     backward_hints(y, params, cache))


# |U²| at most this in the central-difference test: ŷ stays within [0.047, 0.953], where the loss's rounding noise
# divided by the step stays far below the tolerance.  Saturated outputs (ŷ = 0.999997 for y = 0) made the
# reference itself fail 7 draws in 3000; with this bound and the float64 step of difference_policy, 0 of 70,000
# draws fail and the largest error is 1e-3 of the tolerance (tests/test_nn_gradient_check.py replays the 7).
UNSATURATED = 3.0


def unsaturated_network(rng, n, d, hidden):
    """network(rng, n, d, hidden) redrawn until every output score |U²| is at most UNSATURATED (2 draws in 3 are)."""
    while True:
        X, y, params = network(rng, n=n, d=d, hidden=hidden)
        scores = np.maximum(X @ params["W1"] + params["b1"], 0.0) @ params["W2"] + params["b2"]
        if np.max(np.abs(scores)) <= UNSATURATED:
            return X, y, params


@grades("network.backward")
def test_backward_matches_numerical_gradient(student, ref, rng):
    """backward's gradients agree with central differences of the mean BCE loss, at outputs that do not saturate"""
    X, y, params = unsaturated_network(rng, n=4, d=3, hidden=2)
    step = difference_policy(np.float64).step   # the reference's loss computes in float64
    _, cache = ref.network.forward(X, params)
    got = student.network.backward(y, params, cache)
    inputs = {"X": X, "y": y, "params": params}
    if not isinstance(got, dict) or set(got) != {"W1", "b1", "W2", "b2"}:
        fail("backward(y, params, cache) should return a dict with exactly the keys W1, b1, W2, b2.",
             inputs=inputs, got=got)
    for name, value in params.items():
        trial = dict(params)
        trial[name] = value.copy()
        numerical = numerical_gradient(lambda trial=trial: ref.network.bce_loss(ref.network.forward(X, trial)[0], y),
                                       trial[name], h=step)
        mismatch = compare(got[name], numerical, rtol=1e-5, atol=1e-7)
        if mismatch:
            same_shape = shape_of(got[name]) == numerical.shape
            error = relative_error(as_numeric_array(got[name]), numerical) if same_shape else None
            fail(f"grads['{name}'] does not match the numerical gradient of the loss"
                 + (f" (relative error {error:.2g})" if error is not None else "") + ". " + mismatch.problem + ".",
                 inputs=inputs, expected=numerical, got=got[name])


@grades("network.backward")
def test_backward_accepts_column_labels(student, ref, rng):
    """backward gives the same gradients when y has shape (N, 1)"""
    X, y, params = network(rng)
    _, cache = ref.network.forward(X, params)
    column = y.reshape(-1, 1)
    expect(student.network.backward(column, params, cache), ref.network.backward(column, params, cache),
           call="backward(y, params, cache)", inputs={"y": column, "params": params})


@grades("network.backward", weight=0.5)
def test_backward_with_one_example_and_one_hidden_neuron(student, ref, rng):
    """backward with a batch of one example and one hidden neuron (N = H = 1) keeps every gradient's shape"""
    X, y, params = network(rng, n=1, d=3, hidden=1)
    _, cache = ref.network.forward(X, params)
    inputs = {"y": y, "params": params, "cache": "the cache of forward(X, params) for X = " + show(X, 300)}
    expect(student.network.backward(y, params, cache), ref.network.backward(y, params, cache),
           call="backward(y, params, cache)", what="returned, as gradients,", inputs=inputs,
           hints=backward_hints(y, params, cache))


@grades("network.collapse_linear")
def test_collapse_linear_equals_two_linear_layers(student, ref, calls, rng):
    """collapse_linear gives W, b with X·W + b = (X·W1 + b1)·W2 + b2, and leaves its inputs unchanged"""
    W1, b1, W2, b2 = rng.normal(size=(4, 6)), rng.normal(size=6), rng.normal(size=(6, 2)), rng.normal(size=2)
    inputs = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    got = student.network.collapse_linear(W1, b1, W2, b2)
    check_unchanged(calls, "collapse_linear(W1, b1, W2, b2)", inputs)
    expect(got, ref.network.collapse_linear(W1, b1, W2, b2),
           call="collapse_linear(W1, b1, W2, b2)", inputs=inputs,
           hints=Hints(items=["W", "b"], parts={"b": Hints(terms={"b1·W2": b1 @ W2, "b2": b2})}),
           mistakes_if={"collapse_bias_not_mapped": lambda got: matches(got[1], b1.sum() + b2)
                        or matches(got[1], b2 + b1[:2])})


def epoch_shape(rng, case: str) -> tuple[int, int]:
    """(n_samples, batch_size) of one kind, drawn per submission: the kinds are the edge cases, not the numbers."""
    batch_size = int(rng.integers(2, 65))
    batches = int(rng.integers(2, 40))
    n_samples = {"a multiple": batch_size * batches, "one over a multiple": batch_size * batches + 1,
                 "a remainder": batch_size * batches + int(rng.integers(1, batch_size)),
                 "fewer than one batch": int(rng.integers(1, batch_size)), "none": 0}[case]
    return n_samples, batch_size


EPOCH_CASES = ["a multiple", "one over a multiple", "a remainder", "fewer than one batch", "none"]


@grades("network.iterations_per_epoch")
@pytest.mark.parametrize("n_samples_is", EPOCH_CASES + ["a remainder, again"])
def test_iterations_per_epoch(student, rng, n_samples_is):
    """iterations_per_epoch is ceil(n_samples / batch_size)"""
    n_samples, batch_size = epoch_shape(rng, n_samples_is.removesuffix(", again"))
    expected = -(-n_samples // batch_size)
    expect(student.network.iterations_per_epoch(n_samples, batch_size), expected,
           call="iterations_per_epoch(n_samples, batch_size)", inputs={"n_samples": n_samples, "batch_size": batch_size},
           mistakes_if={"iterations_floor": lambda got: got == n_samples // batch_size,
                        "iterations_extra_batch": lambda got: got == n_samples // batch_size + 1,
                        "iterations_not_integer": lambda got: matches(got, n_samples / batch_size)})


@grades("network.iterations_per_epoch", weight=0.5)
def test_iterations_per_epoch_returns_an_int(student, rng):
    """iterations_per_epoch returns an int, as range() needs (np.ceil gives a float)"""
    n_samples, batch_size = epoch_shape(rng, "a remainder")
    got = student.network.iterations_per_epoch(n_samples, batch_size)
    integer_array = isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind in "iu"
    if isinstance(got, bool) or not (isinstance(got, int) or integer_array):
        fail("iterations_per_epoch(n_samples, batch_size) should return an int (the docstring's type; range() "
             f"and list indices need one), but it returned {show(got)} of type {type(got).__name__}. "
             "Use -(-n // b) or int(math.ceil(n / b)).", inputs={"n_samples": n_samples, "batch_size": batch_size},
             expected=str(-(-n_samples // batch_size)), got=show(got))


def _joined(batches: list[np.ndarray]) -> np.ndarray:
    """The batches' indices in order, one array (empty when there are no batches)."""
    return np.concatenate(batches) if batches else np.zeros(0, dtype=np.int64)


def _batches(got, call, inputs):
    if not isinstance(got, (list, tuple)):
        fail(f"{call} should return a list of index arrays.", inputs=inputs, got=got)
    arrays = []
    for batch in got:
        array = as_numeric_array(batch)
        if array is None or (array.dtype.kind not in "iu" and array.size):
            kind = f" (one has dtype {array.dtype}, which cannot index X)" if array is not None else ""
            fail(f"{call} should return a list of arrays of integer indices{kind}.", inputs=inputs, got=got)
        arrays.append(array.reshape(-1).astype(np.int64))
    return arrays


@grades("network.minibatch_indices", weight=2)
@pytest.mark.parametrize("n_samples_is", ["a remainder", "a multiple", "fewer than one batch", "none"])
def test_minibatches_cover_every_index_once(student, rng, n_samples_is):
    """minibatch_indices cuts one permutation into ceil(n / batch) batches, only the last smaller"""
    call = "minibatch_indices(n_samples, batch_size, rng)"
    n_samples, batch_size = epoch_shape(rng, n_samples_is)
    seed = GeneratorSeed(int(rng.integers(0, 2**31)))
    inputs = {"n_samples": n_samples, "batch_size": batch_size, "rng": seed}
    batches = _batches(student.network.minibatch_indices(n_samples, batch_size, seed), call, inputs)
    sizes = [len(batch) for batch in batches]
    expected_sizes = [batch_size] * (n_samples // batch_size) + ([n_samples % batch_size] if n_samples % batch_size else [])
    together = np.concatenate(batches) if batches else np.array([], dtype=int)
    if sizes != expected_sizes:
        mistake = ("last_batch_dropped" if sizes == expected_sizes[:-1] else
                   "empty_last_batch" if sizes == expected_sizes + [0] else None)
        fail(f"{call} returned batches of sizes {sizes}; expected {expected_sizes}.", inputs=inputs,
             expected=str(expected_sizes), got=str(sizes), mistake=mistake)
    if sorted(together.tolist()) != list(range(n_samples)):
        fail(f"{call} must use every index 0…{n_samples - 1} exactly once, but the batches hold "
             f"{show(np.sort(together))}.", inputs=inputs, mistake="batches_with_replacement")


@grades("network.minibatch_indices")
def test_minibatches_are_shuffled_with_the_given_rng(student, rng):
    """minibatch_indices shuffles with the rng it is given: the same seed gives the same batches, others others"""
    call = "minibatch_indices(n_samples, batch_size, rng)"
    n_samples, batch_size = epoch_shape(rng, "a remainder")   # n_samples >= 5
    one, *others = (int(seed) for seed in rng.choice(2**31, size=4, replace=False))
    inputs = {"n_samples": n_samples, "batch_size": batch_size, "rng": GeneratorSeed(one)}

    def order(seed: int) -> np.ndarray:
        return _joined(_batches(student.network.minibatch_indices(n_samples, batch_size, GeneratorSeed(seed)),
                                call, {**inputs, "rng": GeneratorSeed(seed)}))
    first, again = order(one), order(one)
    other = [order(seed) for seed in others]
    if np.array_equal(first, np.arange(n_samples)) and np.array_equal(other[0], np.arange(n_samples)):
        fail(f"{call} returned the indices in their original order: the data must be shuffled.",
             inputs=inputs, got=first, mistake="batches_not_shuffled")
    if not np.array_equal(first, again):
        fail(f"{call} gave different batches for two generators with the same seed.", inputs=inputs,
             expected=first, got=again, mistake="ignores_given_rng")
    # a correct shuffle repeats one order for three other seeds with probability (1/n!)³ <= (1/120)³ ≈ 6e-7
    if all(np.array_equal(first, batches) for batches in other):
        fail(f"{call} gave the same batches for generators with {len(others) + 1} different seeds "
             f"({', '.join(str(seed) for seed in [one, *others])}): the order must come from the rng it is given, "
             "not from a generator of its own.", inputs=inputs, got=first, mistake="rng_replaced")


@grades("network.sgd_step")
def test_sgd_step_moves_against_the_gradient(student, ref, calls, rng):
    """sgd_step returns θ - η·∂L/∂θ for every parameter and leaves its inputs unchanged"""
    _, _, params = network(rng)
    grads = {name: rng.normal(size=value.shape) for name, value in params.items()}
    inputs = {"params": params, "grads": grads, "lr": 0.1}
    got = student.network.sgd_step(params, grads, 0.1)
    check_unchanged(calls, "sgd_step(params, grads, lr)", inputs)
    expected = ref.network.sgd_step(params, grads, 0.1)
    expect(got, expected, call="sgd_step(params, grads, lr)", inputs=inputs, mistakes_if={
        "gradient_ascent": lambda got: all(matches(got[k], params[k] + 0.1 * grads[k]) for k in params)})


# -- train ----------------------------------------------------------------------------------------------------------
TRAIN_CALL = "train(X, y, hidden, lr, epochs, batch_size, seed)"
SETTINGS = {"hidden": 16, "lr": 0.5, "epochs": 50, "batch_size": 20}   # 250 SGD steps per run
N_TRAIN, N_HELD_OUT = 100, 400
PARAM_SHAPES = {"W1": (2, SETTINGS["hidden"]), "b1": (SETTINGS["hidden"],), "W2": (SETTINGS["hidden"], 1), "b2": (1,)}
# Measured over 150 drawn problems each, for the reference and the alternative of examples/submissions/full_marks:
LEARNED = 0.95            # held-out accuracy: at least 0.98 (a network not trained on the problem: 0.5 on average)
CONSISTENT = (0.6, 1.2)   # the BCE of the returned params on X over the reported last-epoch loss: 0.81 to 0.99
FALLS = 0.5               # the last epoch's loss over the first: at most 0.07 (30 reference runs)
RUNS = ("the problem", "the same problem relabelled")

_fits: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # student → the two checked runs, or the failure


def described(seed: int, relabelled: bool = False, n_samples: int = N_TRAIN, settings=None) -> str:
    """The inputs of a run on a drawn problem, for the feedback: its points are never shown."""
    return (f"X: {n_samples} points of an XOR-like problem drawn afresh for each grading and not shown: four clusters "
            "around the corners of a square, rotated and shifted at random, where opposite corners share a class; "
            "y: their 0/1 labels" + (", the classes of the first run swapped" if relabelled else "") + "\n"
            + ", ".join(f"{name} = {value}" for name, value in (settings or SETTINGS).items()) + f", seed = {seed}")


def trained(got, inputs) -> tuple[dict, np.ndarray]:
    """(params as float64, losses as float64) after checking the types and shapes of what train returned."""
    if not isinstance(got, (tuple, list)) or len(got) != 2 or not isinstance(got[0], dict):
        fail(f"{TRAIN_CALL} should return a pair (params, losses).", inputs=inputs, got=got)
    params = {}
    for name, shape in PARAM_SHAPES.items():
        array = as_numeric_array(got[0].get(name))
        if array is None or array.shape != shape:
            fail(f"{TRAIN_CALL} returned params['{name}'] of shape {shape_of(got[0].get(name))}; expected {shape}.",
                 inputs=inputs)
        if not np.all(np.isfinite(array)):
            fail(f"{TRAIN_CALL} returned params['{name}'] with nan or inf in it.", inputs=inputs, got=array)
        params[name] = array.astype(np.float64)
    losses = as_numeric_array(got[1])
    if losses is None or losses.shape != (SETTINGS["epochs"],) or not np.all(np.isfinite(losses)):
        fail(f"{TRAIN_CALL} should return one finite loss per epoch ({SETTINGS['epochs']} values), but returned "
             f"{show(got[1], 200)}.", inputs=inputs)
    return params, losses.astype(np.float64)


def fitted_runs(student, ref, calls, rng) -> list[dict]:
    """The student's two runs, each checked to classify held-out points of the problem it was trained on.

    The first run trains on an XOR-like problem drawn from rng, the second on
    the same problem with its classes swapped; both are judged on the same
    held-out points.  Any network that does not depend on y classifies them
    right in one run exactly as often as wrong in the other, so a constant
    answer fails here, and so every train test.  Made once per submission.
    """
    return once_per_submission(_fits, student, lambda: check_runs(student, ref, calls, rng))


def check_runs(student, ref, calls, rng) -> list[dict]:
    problem = XorProblem(rng)
    X_held_out, y_held_out = problem.draw(N_HELD_OUT, rng)
    runs = []
    for relabelled, drawn in ((False, problem), (True, problem.relabelled())):
        X, y = drawn.draw(N_TRAIN, rng)
        seed = int(rng.integers(2**31))
        inputs = described(seed, relabelled)
        got = student.network.train(X, y, **SETTINGS, seed=seed)
        changed = list(calls.last.changed_arguments)
        params, losses = trained(got, inputs)
        labels = 1 - y_held_out if relabelled else y_held_out
        accuracy = float(np.mean(ref.network.predict(X_held_out, params) == labels))
        runs.append({"X": X, "y": y, "inputs": inputs, "params": params, "losses": losses, "changed": changed,
                     "accuracy": accuracy})
        if accuracy < LEARNED:
            flat = np.ptp(losses) <= 1e-9 * max(1.0, abs(losses[0]))   # the same loss up to rounding: no update kept
            fail(f"After {TRAIN_CALL} on {RUNS[relabelled]}, your network classifies {accuracy:.0%} of "
                 f"{N_HELD_OUT} new points of the same problem correctly; at least {LEARNED:.0%} is expected (a "
                 "correct train gets about 99%). The problem is drawn afresh, so the network must be learned from "
                 "the X and y it is given. Check that each batch's forward, backward and update use the same rows "
                 "of X and y, and that the update subtracts the gradient."
                 + (f" Your loss is exactly {losses[0]:.6g} in every epoch: the weights never changed. Keep the "
                    "parameters that sgd_step returns." if flat else ""),
                 inputs=inputs, expected=f">= {LEARNED:.0%}", got=f"{accuracy:.1%}")
    return runs


@grades("network.train", weight=0.5)
def test_train_returns_params_and_a_loss_per_epoch(student, ref, calls, rng):
    """train returns trained params of the right shapes and one loss per epoch, and leaves X and y unchanged"""
    for run in fitted_runs(student, ref, calls, rng):
        if run["changed"]:
            fail(f"{TRAIN_CALL} changed its argument {run['changed'][0]}. Leave X and y as they are; shuffle "
                 "indices, or a copy.", inputs=run["inputs"], mistake="modifies_input")


@grades("network.train", weight=2)
def test_train_classifies_new_points_of_the_problem_it_learned(student, ref, calls, rng):
    """train learns a drawn XOR-like problem and the same problem relabelled: 95% of held-out points right in both"""
    runs = fitted_runs(student, ref, calls, rng)
    epochs = [float(epoch) for epoch in range(1, SETTINGS["epochs"] + 1)]
    figure(Figure(title="train: mean training loss per epoch", x_label="epoch", y_label="loss",
                  series=[Series(f"your train on {RUNS[index]}", epochs, run["losses"].tolist())
                          for index, run in enumerate(runs)]))


@grades("network.train", weight=0.5)
def test_train_loss_falls(student, ref, calls, rng):
    """train's loss of the last epoch is well below that of the first"""
    for run in fitted_runs(student, ref, calls, rng):
        losses = run["losses"]
        if not losses[-1] < FALLS * losses[0]:
            fail(f"The loss of {TRAIN_CALL} did not fall to less than {FALLS:g} times that of the first epoch, "
                 "while the network learned the problem: report the mean training loss of each epoch.",
                 inputs=run["inputs"], expected=f"losses[-1] < {FALLS * losses[0]:.4g}", got=show(losses))


@grades("network.train", weight=0.5)
def test_train_reports_the_loss_of_the_params_it_returns(student, ref, calls, rng):
    """train's last-epoch loss agrees with the BCE of the params it returns on the X and y it was given"""
    low, high = CONSISTENT
    for run in fitted_runs(student, ref, calls, rng):
        last = float(run["losses"][-1])
        fit = ref.network.bce_loss(ref.network.forward(run["X"], run["params"])[0], run["y"])
        if not low * last - 1e-3 <= fit <= high * last + 1e-3:   # 1e-3: rounding of tiny losses
            fail(f"{TRAIN_CALL} reports {last:.4f} as the mean loss of its last epoch, but the params it returns "
                 f"have a mean BCE loss of {fit:.4f} on the same X and y. The weights change during the epoch, so "
                 "the two differ a little, not more: report the mean of the batch losses of each epoch, and return "
                 "the params you trained.", inputs=run["inputs"],
                 expected=f"losses[-1] near {fit:.4f}", got=show(run["losses"]))


@grades("network.train", weight=0.5)
def test_train_gives_the_same_result_for_the_same_seed_and_another_for_another(student, ref, calls, rng):
    """train run twice with the same seed gives the same weights, and with another seed other weights"""
    fitted_runs(student, ref, calls, rng)
    X, y = XorProblem(rng).draw(30, rng)
    settings = {"hidden": 4, "lr": 0.1, "epochs": 3, "batch_size": 8}
    seed = int(rng.integers(2**31))
    inputs = described(seed, n_samples=len(X), settings=settings)
    first = student.network.train(X, y, **settings, seed=seed)
    second = student.network.train(X, y, **settings, seed=seed)
    if compare(second, first, rtol=0, atol=0) is not None:
        fail("train returned different results for the same seed: draw the initial weights and the shuffles "
             "from np.random.default_rng(seed), not from np.random's global state.",
             inputs=inputs, mistake="ignores_given_rng")
    other_seed = seed + 1 + int(rng.integers(1000))
    if matches(student.network.train(X, y, **settings, seed=other_seed), first, rtol=0, atol=0):
        fail(f"train gave the same result for seed {seed} and seed {other_seed}. The initial weights and the "
             "order of the batches should come from the seed.",
             inputs=described(other_seed, n_samples=len(X), settings=settings))


def tiny_run(student, X, y, settings: dict, seed: int) -> tuple[dict, np.ndarray, str]:
    """(params, losses, the inputs for the feedback) of a small train run, types and shapes checked."""
    inputs = (f"X = np.array({np.round(X, 4).tolist()})\ny = np.array({y.astype(int).tolist()})\n"
              + ", ".join(f"{name} = {value}" for name, value in settings.items()) + f", seed = {seed}")
    got = student.network.train(X, y, **settings, seed=seed)
    shapes = {"W1": (X.shape[1], settings["hidden"]), "b1": (settings["hidden"],), "W2": (settings["hidden"], 1),
              "b2": (1,)}
    if not isinstance(got, (tuple, list)) or len(got) != 2 or not isinstance(got[0], dict):
        fail(f"{TRAIN_CALL} should return a pair (params, losses).", inputs=inputs, got=got)
    params, losses = {}, as_numeric_array(got[1])
    for name, shape in shapes.items():
        array = as_numeric_array(got[0].get(name))
        if array is None or array.shape != shape:
            fail(f"{TRAIN_CALL} should return params of shapes {shapes}.", inputs=inputs, got=show(got, 300))
        params[name] = array.astype(np.float64)
    if losses is None or losses.shape != (settings["epochs"],):
        fail(f"{TRAIN_CALL} should return {settings['epochs']} losses, one per epoch.", inputs=inputs,
             got=show(got[1], 300))
    return params, losses.astype(np.float64), inputs


@grades("network.train", weight=0.5)
def test_train_reports_the_mean_loss_over_each_epochs_examples(student, ref, calls, rng):
    """with lr = 0 the weights never move, so every epoch's reported loss is the BCE of the returned params on X, y"""
    fitted_runs(student, ref, calls, rng)
    X, y = rng.normal(size=(30, 2)), rng.permutation(np.arange(30) % 2).astype(np.float64)
    settings = {"hidden": 4, "lr": 0.0, "epochs": 2, "batch_size": 8}   # batches of 8, 8, 8 and 6 examples
    params, losses, inputs = tiny_run(student, X, y, settings, int(rng.integers(2**31)))
    mean = ref.network.bce_loss(ref.network.forward(X, params)[0], y)
    if not np.allclose(losses, mean, rtol=1e-4, atol=1e-7):
        fail(f"With lr = 0 the weights never change, so the mean loss of each epoch over its examples (each "
             f"example counted with the loss of the batch it was in) is the BCE loss of the returned params on "
             f"all of X and y, {mean:.6f}, in every epoch. Your train reports other losses: average the batch "
             "losses over the epoch's examples (weighted by the batch sizes), not the last batch's loss or a plain "
             "mean over batches.", inputs=inputs, expected=f"losses = [{mean:.6f}, {mean:.6f}]", got=show(losses))


@grades("network.train", weight=0.5)
def test_train_visits_the_examples_in_a_new_order_every_epoch(student, ref, calls, rng):
    """train's order of the examples changes from epoch to epoch (recovered by replaying tiny runs with the reference)"""
    fitted_runs(student, ref, calls, rng)
    settings = {"hidden": 3, "lr": 1.0, "epochs": 3, "batch_size": 1}
    tiny_runs = 5
    described_runs = []

    def runs():
        for _ in range(tiny_runs):
            X, y = rng.normal(size=(3, 2)), rng.permutation([0.0, 1.0, 1.0])
            seed = int(rng.integers(2**31))
            start, _, _ = tiny_run(student, X, y, {**settings, "lr": 0.0}, seed)
            end, _, inputs = tiny_run(student, X, y, settings, seed)
            described_runs.append(inputs)

            def step(params, example, X=X, y=y):
                _, cache = ref.network.forward(X[[example]], params)
                return ref.network.sgd_step(params, ref.network.backward(y[[example]], params, cache), settings["lr"])
            yield LazyReplay(start, len(X), settings["epochs"], step, close_to(end, rtol=1e-6))
    # measured over 300 reference runs: every one replays, 5% also fit one order (see runs_fitting_one_order)
    replayed = runs_fitting_one_order(runs(), total=tiny_runs)
    if replayed:
        fail(f"Every epoch of your train visits the examples in the same order: replaying {replayed} small runs "
             "(3 examples, batch_size = 1, 3 epochs, the initial weights being those that lr = 0 returns) with "
             "forward, backward and sgd_step gives your weights only when all epochs use one order. Draw a new "
             "order (minibatch_indices with the rng) at the start of every epoch, not once before the epoch loop.",
             inputs=described_runs[0], expected="a new order of the examples in each epoch",
             got="the same order in every epoch")


@grades("network.predict")
def test_predict_labels(student, ref, calls, rng):
    """predict returns 0/1 labels of shape (N,), and leaves its inputs unchanged"""
    X, _, params = network(rng, n=8)
    y_hat, _ = ref.network.forward(X, params)
    got = student.network.predict(X, params)
    check_unchanged(calls, "predict(X, params)", {"X": X, "params": params})
    expect(got, ref.network.predict(X, params), call="predict(X, params)",
           inputs={"X": X, "params": params},
           mistakes_if={"predict_returns_probabilities": lambda got: matches(got, y_hat[:, 0]) or matches(got, y_hat),
                        "predict_column_shape": lambda got: np.shape(got) == (8, 1)})


@grades("network.predict", weight=0.5)
def test_predict_with_one_example(student, ref, rng):
    """predict(X, params) with a batch of one example returns labels of shape (1,)"""
    X, _, params = network(rng, n=1)
    expect(student.network.predict(X, params), ref.network.predict(X, params), call="predict(X, params)",
           inputs={"X": X, "params": params})


def predicts_like_the_reference(student, ref, rng) -> bool:
    """Whether the student's predict agrees with the reference on a random network whose scores U² spread
    around the decision boundary (about -1 … 1, none exactly 0), where a wrong threshold shows."""
    X, _, params = network(rng, n=64)
    scores = ref.network.forward(X, params)[1]["U2"][:, 0]
    spread = max(float(np.std(scores)), 1e-6)
    params = {**params, "W2": params["W2"] / spread, "b2": (params["b2"] - np.median(scores)) / spread + 1e-3}
    try:
        return matches(student.network.predict(X, params), ref.network.predict(X, params))
    except StudentCallError:
        return False


@grades("network.predict")
def test_predict_at_exactly_one_half_is_class_one(student, ref, rng):
    """predict gives 1 where ŷ is exactly 0.5"""
    X = rng.normal(size=(3, 2))
    params = {"W1": rng.normal(size=(2, 2)), "b1": np.zeros(2), "W2": np.zeros((2, 1)), "b2": np.zeros(1)}
    got = student.network.predict(X, params)
    # a strict threshold differs from the right one only at exactly 0.5: name it only if predict is right elsewhere
    strict = matches(got, np.array([0, 0, 0])) and predicts_like_the_reference(student, ref, rng)
    expect(got, np.array([1, 1, 1]), call="predict(X, params)", inputs={"X": X, "params": params},
           mistakes_if={"predict_threshold_strict": lambda got: strict})
