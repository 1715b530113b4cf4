"""A correct network written with explicit loops over examples and a different initialisation."""
import math

import numpy as np

from activations import relu, relu_grad, sigmoid


def dense_forward(X, W, b):
    n, d = X.shape
    out = np.zeros((n, W.shape[1]))
    for i in range(n):
        for j in range(W.shape[1]):
            out[i, j] = sum(X[i, k] * W[k, j] for k in range(d)) + b[j]
    return out


def forward(X, params):
    U1 = dense_forward(X, params["W1"], params["b1"])
    O1 = relu(U1)
    U2 = dense_forward(O1, params["W2"], params["b2"])
    O2 = sigmoid(U2)
    return O2, {"X": X, "U1": U1, "O1": O1, "U2": U2, "O2": O2}


def bce_loss(y_hat, y):
    total = 0.0
    predictions = [min(max(p, 1e-12), 1 - 1e-12) for p in np.ravel(y_hat)]
    labels = list(np.ravel(y))
    for p, t in zip(predictions, labels):
        total -= t * math.log(p) + (1 - t) * math.log(1 - p)
    return total / len(labels)


def backward(y, params, cache):
    X, U1, O1, O2 = cache["X"], cache["U1"], cache["O1"], cache["O2"]
    n = X.shape[0]
    grads = {name: np.zeros_like(value, dtype=float) for name, value in params.items()}
    for i in range(n):   # accumulate one example at a time
        delta2 = (O2[i, 0] - np.ravel(y)[i]) / n
        grads["W2"][:, 0] += delta2 * O1[i]
        grads["b2"][0] += delta2
        delta1 = delta2 * params["W2"][:, 0] * relu_grad(U1[i])
        grads["W1"] += np.outer(X[i], delta1)
        grads["b1"] += delta1
    return grads


def collapse_linear(W1, b1, W2, b2):
    return np.dot(W1, W2), np.dot(b1, W2) + b2


def iterations_per_epoch(n_samples, batch_size):
    return math.ceil(n_samples / batch_size)


def minibatch_indices(n_samples, batch_size, rng):
    order = np.arange(n_samples)
    rng.shuffle(order)
    return np.array_split(order, range(batch_size, n_samples, batch_size)) if n_samples else []


def sgd_step(params, grads, lr):
    updated = {}
    for name in params:
        updated[name] = params[name] - lr * grads[name]
    return updated


def train(X, y, hidden, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    limit1, limit2 = math.sqrt(6 / (d + hidden)), math.sqrt(6 / (hidden + 1))
    params = {"W1": rng.uniform(-limit1, limit1, (d, hidden)), "b1": np.zeros(hidden),
              "W2": rng.uniform(-limit2, limit2, (hidden, 1)), "b2": np.zeros(1)}
    losses = []
    for _ in range(epochs):
        seen, total = 0, 0.0
        for batch in minibatch_indices(len(X), batch_size, rng):
            y_hat, cache = forward(X[batch], params)
            total += bce_loss(y_hat, y[batch]) * len(batch)
            seen += len(batch)
            params = sgd_step(params, backward(y[batch], params, cache), lr)
        losses.append(total / seen)
    return params, losses


def predict(X, params):
    y_hat, _ = forward(X, params)
    return np.array([1 if p >= 0.5 else 0 for p in y_hat[:, 0]])
