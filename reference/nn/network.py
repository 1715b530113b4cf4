"""A neural network with one hidden layer for binary classification.

Notation of the course page, for a batch of N examples with d features and a
hidden layer of H neurons:

    U¹ = X·Θ¹ + b¹        (N, H)   linear scores of the hidden layer
    O¹ = ReLU(U¹)         (N, H)   hidden activations
    U² = O¹·Θ² + b²       (N, 1)   linear score of the output neuron
    O² = σ(U²)            (N, 1)   predicted probability ŷ of class 1

In code Θ¹, b¹, Θ², b² are the entries ``W1``, ``b1``, ``W2``, ``b2`` of a
``params`` dict.  The loss is the mean binary cross-entropy over the batch, and
training uses mini-batch stochastic gradient descent.

No function here may modify its inputs (arrays or dicts).
"""
import numpy as np

from .activations import relu, relu_grad, sigmoid


def dense_forward(X, W, b):
    """Linear (fully connected) layer: U = X·W + b.

    Inputs:
    - X: ndarray (N, d), float64. One example per row.
    - W: ndarray (d, H), float64. Weights; column j feeds neuron j.
    - b: ndarray (H,), float64. Biases, added to every row.

    Returns:
    - U: ndarray (N, H), float64.
    """
    return X @ W + b


def forward(X, params):
    """Forward pass of the network: X → U¹ → O¹ → U² → O².

    Inputs:
    - X: ndarray (N, d), float64.
    - params: dict with
        - "W1": ndarray (d, H), float64
        - "b1": ndarray (H,), float64
        - "W2": ndarray (H, 1), float64
        - "b2": ndarray (1,), float64

    Returns a tuple (y_hat, cache):
    - y_hat: ndarray (N, 1), float64. O², the predicted probability of class 1.
    - cache: dict with exactly the keys "X", "U1", "O1", "U2", "O2", holding X and
      the intermediate arrays of shapes (N, d), (N, H), (N, H), (N, 1), (N, 1).
      backward() needs them.
    """
    U1 = dense_forward(X, params["W1"], params["b1"])
    O1 = relu(U1)
    U2 = dense_forward(O1, params["W2"], params["b2"])
    O2 = sigmoid(U2)
    cache = {"X": X, "U1": U1, "O1": O1, "U2": U2, "O2": O2}
    return O2, cache


def bce_loss(y_hat, y):
    """Mean binary cross-entropy of predictions y_hat against 0/1 labels y.

    L = -(1/N) Σᵢ [ yᵢ·log ŷᵢ + (1 - yᵢ)·log(1 - ŷᵢ) ]

    Inputs:
    - y_hat: ndarray (N, 1), float64. Predicted probabilities.
    - y: ndarray (N,) or (N, 1), float64 or int, entries 0 or 1.

    Returns:
    - float: the mean (not the sum) over the N examples.

    Edge cases: clip the predictions to [1e-12, 1 - 1e-12] before taking logs, so a
    saturated prediction gives a large finite loss instead of inf.  Mind the shapes:
    subtracting a (N,) array from a (N, 1) array broadcasts to (N, N).
    """
    probabilities = np.clip(np.asarray(y_hat, dtype=np.float64).reshape(-1), 1e-12, 1.0 - 1e-12)
    labels = np.asarray(y, dtype=np.float64).reshape(-1)
    per_example = labels * np.log(probabilities) + (1.0 - labels) * np.log1p(-probabilities)
    return float(-np.mean(per_example))


def backward(y, params, cache):
    """Backpropagation: gradients of the mean BCE loss for every parameter.

    The chain rule, from the output back to the input:

        ∂L/∂U² = (O² - y) / N                         (N, 1)  sigmoid + BCE combined
        ∂L/∂Θ² = O¹ᵀ · ∂L/∂U²                          (H, 1)
        ∂L/∂b² = Σ over the batch of ∂L/∂U²             (1,)
        ∂L/∂O¹ = ∂L/∂U² · Θ²ᵀ                          (N, H)
        ∂L/∂U¹ = ∂L/∂O¹ ⊙ ReLU'(U¹)                    (N, H)
        ∂L/∂Θ¹ = Xᵀ · ∂L/∂U¹                           (d, H)
        ∂L/∂b¹ = Σ over the batch of ∂L/∂U¹             (H,)

    Inputs:
    - y: ndarray (N,) or (N, 1), labels 0 or 1.
    - params: dict of "W1" (d, H), "b1" (H,), "W2" (H, 1), "b2" (1,), float64.
    - cache: the dict returned by forward() for the same batch.

    Returns:
    - grads: dict with keys "W1", "b1", "W2", "b2", each an ndarray of float64 with
      exactly the shape of the parameter of the same name.
    """
    X, U1, O1, O2 = cache["X"], cache["U1"], cache["O1"], cache["O2"]
    n_samples = X.shape[0]
    labels = np.asarray(y, dtype=np.float64).reshape(-1, 1)

    dU2 = (O2 - labels) / n_samples
    dW2 = O1.T @ dU2
    db2 = dU2.sum(axis=0)
    dO1 = dU2 @ params["W2"].T
    dU1 = dO1 * relu_grad(U1)
    dW1 = X.T @ dU1
    db1 = dU1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def collapse_linear(W1, b1, W2, b2):
    """The single linear layer equal to two stacked linear layers without activation.

    (X·W1 + b1)·W2 + b2 = X·W + b for every X: this is why a network needs a
    non-linear activation between its layers.

    Inputs:
    - W1: ndarray (d, H), float64;  b1: ndarray (H,), float64.
    - W2: ndarray (H, K), float64;  b2: ndarray (K,), float64.

    Returns a tuple (W, b):
    - W: ndarray (d, K), float64.
    - b: ndarray (K,), float64.
    """
    return W1 @ W2, b1 @ W2 + b2


def iterations_per_epoch(n_samples, batch_size):
    """Number of weight updates in one epoch: ceil(n_samples / batch_size).

    An epoch is one pass over all the training data; an iteration is one update,
    made from one mini-batch.  The last batch may be smaller than the others and
    still counts as an iteration.

    Inputs:
    - n_samples: int >= 0.
    - batch_size: int >= 1.

    Returns:
    - int.  For example (1000, 50) → 20 and (10, 4) → 3.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    return -(-int(n_samples) // int(batch_size))


def minibatch_indices(n_samples, batch_size, rng):
    """Shuffle the example indices and cut them into mini-batches.

    Inputs:
    - n_samples: int >= 0.
    - batch_size: int >= 1.
    - rng: a numpy random Generator (np.random.default_rng(seed)).  Use it for the
      shuffle; do not use np.random's global functions and do not reseed.

    Returns:
    - list of ndarrays of int: consecutive slices of one permutation of
      range(n_samples), each of length batch_size except possibly the last.
      Together they hold every index exactly once; there are
      iterations_per_epoch(n_samples, batch_size) of them (none when n_samples is 0).
    """
    permutation = rng.permutation(n_samples)
    return [permutation[start:start + batch_size] for start in range(0, n_samples, batch_size)]


def sgd_step(params, grads, lr):
    """One step of gradient descent: θ ← θ - η·∂L/∂θ for every parameter.

    Inputs:
    - params: dict name → ndarray, float64.
    - grads: dict with the same keys and shapes as params.
    - lr: float, the learning rate η.

    Returns:
    - a new dict with the updated arrays.  params and grads stay unchanged.
    """
    return {name: value - lr * grads[name] for name, value in params.items()}


def _init_params(n_features, hidden, rng):
    """He initialisation for the ReLU layer, zero biases."""
    return {
        "W1": rng.normal(0.0, np.sqrt(2.0 / n_features), size=(n_features, hidden)),
        "b1": np.zeros(hidden),
        "W2": rng.normal(0.0, np.sqrt(1.0 / hidden), size=(hidden, 1)),
        "b2": np.zeros(1),
    }


def train(X, y, hidden, lr, epochs, batch_size, seed):
    """Train the network with mini-batch SGD from a seeded random initialisation.

    Every epoch visits the examples in a new random order, in mini-batches of
    batch_size (see minibatch_indices); every batch gives one forward pass, one
    backward pass and one sgd_step.

    Inputs:
    - X: ndarray (N, d), float64.
    - y: ndarray (N,), labels 0 or 1.
    - hidden: int, the number of hidden neurons H.
    - lr: float, learning rate.
    - epochs: int, number of passes over the data.
    - batch_size: int.
    - seed: int, seeds np.random.default_rng for the initial weights and the shuffles,
      so the same seed gives the same result.

    Returns a tuple (params, losses):
    - params: dict "W1" (d, H), "b1" (H,), "W2" (H, 1), "b2" (1,), float64: the trained weights.
    - losses: list of `epochs` floats: the mean training loss of each epoch (the
      average over the epoch's examples of the loss of the batch they were in).
    """
    rng = np.random.default_rng(seed)
    n_samples, n_features = X.shape
    labels = np.asarray(y, dtype=np.float64).reshape(-1)
    params = _init_params(n_features, hidden, rng)
    losses = []
    for _ in range(epochs):
        epoch_loss = 0.0
        for batch in minibatch_indices(n_samples, batch_size, rng):
            y_hat, cache = forward(X[batch], params)
            epoch_loss += bce_loss(y_hat, labels[batch]) * len(batch)
            params = sgd_step(params, backward(labels[batch], params, cache), lr)
        losses.append(epoch_loss / n_samples)
    return params, losses


def predict(X, params):
    """Predicted class labels: 1 where ŷ >= 0.5, else 0.

    Inputs:
    - X: ndarray (N, d), float64.
    - params: dict as for forward().

    Returns:
    - ndarray (N,), int: entries 0 or 1.
    """
    y_hat, _ = forward(X, params)
    return (y_hat[:, 0] >= 0.5).astype(np.int64)
