"""The reference solution of part `nn` against the maths, not against itself."""
import warnings

import numpy as np
import pytest

from autograder.grading.numeric import numerical_gradient, relative_error
from autograder.suites.datasets import xor_blobs


@pytest.fixture(scope="module")
def act(ref):
    return ref("nn", "activations")


@pytest.fixture(scope="module")
def net(ref):
    return ref("nn", "network")


def small_network(seed=0, n=5, d=7, hidden=3):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(d, hidden)), "b1": rng.normal(size=hidden),
              "W2": rng.normal(size=(hidden, 1)), "b2": rng.normal(size=1)}
    return rng.normal(size=(n, d)), (rng.random(n) < 0.5).astype(float), params


def test_activation_values_at_known_points(act):
    s = np.array([-2.0, 0.0, 3.0])
    assert np.array_equal(act.sign(s), [-1.0, 0.0, 1.0])
    assert np.array_equal(act.relu(s), [0.0, 0.0, 3.0])
    assert np.array_equal(act.linear(s), s) and act.linear(s) is not s
    assert act.sigmoid(np.array(0.0)) == 0.5
    assert np.isclose(act.sigmoid(np.array(2.0)), 1 / (1 + np.exp(-2.0)))
    assert np.isclose(act.sigmoid_grad(np.array(0.0)), 0.25)
    assert np.isclose(act.sigmoid_grad(np.array(2.0)), 0.104993585, rtol=1e-8)
    assert np.isclose(act.tanh_grad(np.array(1.0)), 0.419974342, rtol=1e-8)


def test_relu_grad_is_zero_at_zero(act):
    assert np.array_equal(act.relu_grad(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 1.0])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_activation_derivatives_match_central_differences(act, name):
    s = np.linspace(-4.1, 4.1, 16)  # an even count of points never hits the ReLU kink at 0
    h = 1e-6
    numerical = (getattr(act, name)(s + h) - getattr(act, name)(s - h)) / (2 * h)
    assert relative_error(getattr(act, f"{name}_grad")(s), numerical) < 1e-6


def test_sigmoid_and_tanh_are_stable_up_to_1e4(act):
    s = np.array([-1e4, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise"):
            sigma = act.sigmoid(s)
            tanh = act.tanh(s)
    assert np.all(np.isfinite(sigma)) and np.all(np.isfinite(tanh))
    assert np.allclose(sigma, [0, 0, 1.9287498479639178e-22, 0.5, 1, 1, 1], rtol=1e-12, atol=0)
    assert np.array_equal(tanh[[0, -1]], [-1.0, 1.0])


def test_activations_keep_any_shape_and_do_not_modify_input(act):
    s = np.arange(-6.0, 6.0).reshape(2, 3, 2)
    before = s.copy()
    for name in ["linear", "sign", "sigmoid", "relu", "tanh", "sigmoid_grad", "relu_grad", "tanh_grad"]:
        out = getattr(act, name)(s)
        assert out.shape == s.shape and out.dtype == np.float64, name
    assert np.array_equal(s, before)


def test_forward_shapes_and_cache(net):
    X, _, params = small_network()
    y_hat, cache = net.forward(X, params)
    assert y_hat.shape == (5, 1)
    assert set(cache) == {"X", "U1", "O1", "U2", "O2"}
    assert cache["U1"].shape == cache["O1"].shape == (5, 3)
    assert np.allclose(cache["O1"], np.maximum(X @ params["W1"] + params["b1"], 0))


def test_bce_is_the_mean_and_accepts_both_label_shapes(net):
    y_hat = np.array([[0.9], [0.2], [0.6]])
    y = np.array([1.0, 0.0, 1.0])
    expected = -np.mean(np.log([0.9, 0.8, 0.6]))
    assert np.isclose(net.bce_loss(y_hat, y), expected, rtol=1e-12)
    assert np.isclose(net.bce_loss(y_hat, y.reshape(-1, 1)), expected, rtol=1e-12)
    assert np.isfinite(net.bce_loss(np.array([[1.0], [0.0]]), np.array([0.0, 1.0])))


def test_backward_matches_central_differences(net):
    X, y, params = small_network(seed=3)
    _, cache = net.forward(X, params)
    assert np.min(np.abs(cache["U1"])) > 1e-3, "fixture must stay away from the ReLU kink"
    grads = net.backward(y, params, cache)
    for name, value in params.items():
        param = value.copy()
        trial = dict(params)

        def loss(trial=trial, name=name, param=param):
            trial[name] = param
            return net.bce_loss(net.forward(X, trial)[0], y)

        numerical = numerical_gradient(loss, param)
        assert grads[name].shape == params[name].shape
        assert relative_error(grads[name], numerical) < 1e-6, name


def test_collapse_linear_equals_two_stacked_layers(net):
    rng = np.random.default_rng(1)
    W1, b1, W2, b2 = rng.normal(size=(4, 6)), rng.normal(size=6), rng.normal(size=(6, 2)), rng.normal(size=2)
    X = rng.normal(size=(5, 4))
    W, b = net.collapse_linear(W1, b1, W2, b2)
    assert np.allclose(X @ W + b, (X @ W1 + b1) @ W2 + b2, rtol=1e-12)


@pytest.mark.parametrize("n, batch, expected", [(1000, 50, 20), (10, 4, 3), (8, 4, 2), (0, 3, 0), (3, 10, 1)])
def test_iterations_per_epoch_is_the_ceiling(net, n, batch, expected):
    assert net.iterations_per_epoch(n, batch) == expected
    assert len(net.minibatch_indices(n, batch, np.random.default_rng(0))) == expected


def test_minibatches_cover_every_index_once_and_reshuffle(net):
    rng = np.random.default_rng(0)
    first = net.minibatch_indices(10, 4, rng)
    second = net.minibatch_indices(10, 4, rng)
    assert [len(batch) for batch in first] == [4, 4, 2]
    assert sorted(np.concatenate(first).tolist()) == list(range(10))
    assert not np.array_equal(np.concatenate(first), np.concatenate(second))


def test_sgd_step_returns_new_params_and_keeps_inputs(net):
    params = {"W": np.array([1.0, 2.0]), "b": np.array([0.5])}
    grads = {"W": np.array([0.5, -1.0]), "b": np.array([1.0])}
    before = {k: v.copy() for k, v in params.items()}
    new = net.sgd_step(params, grads, 0.1)
    assert np.allclose(new["W"], [0.95, 2.1]) and np.allclose(new["b"], [0.4])
    assert all(np.array_equal(params[k], before[k]) for k in params)


def test_train_solves_xor_like_data(net):
    X, y = xor_blobs(200, seed=7)
    params, losses = net.train(X, y, hidden=16, lr=0.5, epochs=60, batch_size=20, seed=1)
    accuracy = np.mean(net.predict(X, params) == y)
    assert accuracy >= 0.95
    assert len(losses) == 60 and losses[-1] < losses[0]


def test_train_is_deterministic_for_a_seed(net):
    X, y = xor_blobs(40, seed=2)
    first, _ = net.train(X, y, hidden=4, lr=0.1, epochs=3, batch_size=8, seed=5)
    second, _ = net.train(X, y, hidden=4, lr=0.1, epochs=3, batch_size=8, seed=5)
    assert all(np.array_equal(first[k], second[k]) for k in first)


def test_predict_thresholds_at_one_half(net):
    _, _, params = small_network()
    X = np.random.default_rng(4).normal(size=(6, 7))
    labels = net.predict(X, params)
    assert labels.shape == (6,) and labels.dtype.kind == "i"
    assert np.array_equal(labels, (net.forward(X, params)[0][:, 0] >= 0.5).astype(int))
