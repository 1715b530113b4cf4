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

from activations import relu, relu_grad, sigmoid


def dense_forward(X, W, b):
    """Linear (fully connected) layer: U = X·W + b.

    Inputs:
    - X: ndarray (N, d), float64. One example per row.
    - W: ndarray (d, H), float64. Weights; column j feeds neuron j.
    - b: ndarray (H,), float64. Biases, added to every row.

    Returns:
    - U: ndarray (N, H), float64.
    """
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


def sgd_step(params, grads, lr):
    """One step of gradient descent: θ ← θ - η·∂L/∂θ for every parameter.

    Inputs:
    - params: dict name → ndarray, float64.
    - grads: dict with the same keys and shapes as params.
    - lr: float, the learning rate η.

    Returns:
    - a new dict with the updated arrays.  params and grads stay unchanged.
    """
    raise NotImplementedError


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
    raise NotImplementedError


def predict(X, params):
    """Predicted class labels: 1 where ŷ >= 0.5, else 0.

    Inputs:
    - X: ndarray (N, d), float64.
    - params: dict as for forward().

    Returns:
    - ndarray (N,), int: entries 0 or 1.
    """
    raise NotImplementedError
