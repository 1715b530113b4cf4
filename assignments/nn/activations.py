"""Activation functions and their derivatives.

A neuron first forms a linear score s = θᵀx and then applies an activation
function to it.  Every function in this module works elementwise: it accepts a
float64 array of any shape (a 0-d array or a Python float included) and returns
a new float64 array of the same shape.  None of them may modify its input.
"""
import numpy as np


def linear(s):
    """Identity activation, linear(s) = s.  Range (-inf, +inf); used for regression.

    Inputs:
    - s: ndarray of any shape, float64.

    Returns:
    - ndarray, same shape as s, float64: a new array equal to s (not s itself).
    """
    raise NotImplementedError


def sign(s):
    """Sign (step) activation of the perceptron.  Values in {-1, 0, +1}.

    sign(s) = -1 where s < 0, 0 where s == 0, +1 where s > 0.

    Inputs:
    - s: ndarray of any shape, float64.

    Returns:
    - ndarray, same shape as s, float64 (not bool, not int).

    Edge case: sign(0) is 0.
    """
    raise NotImplementedError


def sigmoid(s):
    """Logistic sigmoid σ(s) = 1 / (1 + exp(-s)).  Range (0, 1).

    Inputs:
    - s: ndarray of any shape, float64.

    Returns:
    - ndarray, same shape as s, float64.

    Numerical stability: must give finite, correct values without any overflow
    warning for |s| up to 1e4.  The textbook formula overflows exp(-s) for very
    negative s; rewrite it so that exp is only ever called on a non-positive number.
    """
    raise NotImplementedError


def relu(s):
    """Rectified linear unit, ReLU(s) = max(0, s).  Range [0, +inf).

    Inputs:
    - s: ndarray of any shape, float64.

    Returns:
    - ndarray, same shape as s, float64: negative entries replaced by 0.

    Edge case: ReLU(0) = 0.  Build a new array; do not zero entries of s in place.
    """
    raise NotImplementedError


def tanh(s):
    """Hyperbolic tangent, tanh(s) = (e^s - e^-s) / (e^s + e^-s).  Range (-1, 1).

    Inputs:
    - s: ndarray of any shape, float64.

    Returns:
    - ndarray, same shape as s, float64.

    Numerical stability: tanh(±1e4) must be ±1, not nan.
    """
    raise NotImplementedError


def sigmoid_grad(s):
    """Derivative of the sigmoid with respect to s, evaluated at s.

    dσ/ds = σ(s) · (1 - σ(s)).  Note the argument is the pre-activation s, not σ(s).

    Inputs:
    - s: ndarray of any shape, float64.

    Returns:
    - ndarray, same shape as s, float64.  For example sigmoid_grad(0) = 0.25.
    """
    raise NotImplementedError


def relu_grad(s):
    """Derivative of ReLU with respect to s, evaluated at s.

    dReLU/ds = 1 where s > 0 and 0 where s <= 0.

    Inputs:
    - s: ndarray of any shape, float64.

    Returns:
    - ndarray, same shape as s, float64 (not bool).

    Edge case: the derivative does not exist at s = 0; this course uses 0 there,
    like PyTorch and TensorFlow, so relu_grad(0) == 0.
    """
    raise NotImplementedError


def tanh_grad(s):
    """Derivative of tanh with respect to s, evaluated at s.

    dtanh/ds = 1 - tanh(s)².  The argument is s itself, not tanh(s).

    Inputs:
    - s: ndarray of any shape, float64.

    Returns:
    - ndarray, same shape as s, float64.  For example tanh_grad(0) = 1.
    """
    raise NotImplementedError
