"""A typical first attempt: mostly right, with the classic slips the grader names."""
import numpy as np


def linear(s):
    return np.array(s, dtype=float)


def sign(s):
    return np.sign(s).astype(float)


def sigmoid(s):
    return 1 / (1 + np.exp(-s))          # overflows (with a warning) for very negative s


def relu(s):
    return np.maximum(0, s)


def tanh(s):
    return np.tanh(s)


def sigmoid_grad(s):
    return sigmoid(s) * (1 - sigmoid(s))


def relu_grad(s):
    return (s >= 0).astype(float)        # 1 at s = 0


def tanh_grad(s):
    return 1 - np.tanh(s) ** 2
