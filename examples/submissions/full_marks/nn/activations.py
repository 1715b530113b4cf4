"""A correct solution written differently from the reference: math-module loops, lists, np.vectorize.

The grader must give it full marks: correctness is judged by values, not style.
"""
import math

import numpy as np


def _elementwise(function, s):
    array = np.asarray(s, dtype=float)
    return np.array([function(value) for value in array.ravel()], dtype=float).reshape(array.shape)


def _logistic(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def linear(s):
    return _elementwise(lambda x: x, s)


def sign(s):
    return _elementwise(lambda x: float(x > 0) - float(x < 0), s)


def sigmoid(s):
    return _elementwise(_logistic, s)


def relu(s):
    return _elementwise(lambda x: x if x > 0 else 0.0, s)


def tanh(s):
    return _elementwise(math.tanh, s)


def sigmoid_grad(s):
    return _elementwise(lambda x: _logistic(x) * (1 - _logistic(x)), s)


def relu_grad(s):
    return _elementwise(lambda x: 1.0 if x > 0 else 0.0, s)


def tanh_grad(s):
    return _elementwise(lambda x: 1 - math.tanh(x) ** 2, s)
