"""Correct variant: every activation as a loop over the entries (np.ndindex), one branch per entry."""


def _entrywise(rule, s):
    values = np.asarray(s, dtype=np.float64)
    result = np.empty(values.shape)
    for index in np.ndindex(values.shape):
        result[index] = rule(float(values[index]))
    return result


def _logistic_of(x):
    # exp only ever of a non-positive number
    if x >= 0:
        return 1.0 / (1.0 + np.exp(-x))
    e = np.exp(x)
    return e / (1.0 + e)


def linear(s):
    return _entrywise(lambda x: x, s)


def sign(s):
    return _entrywise(lambda x: 1.0 if x > 0 else (-1.0 if x < 0 else 0.0), s)


def sigmoid(s):
    return _entrywise(_logistic_of, s)


def relu(s):
    return _entrywise(lambda x: max(x, 0.0), s)


def tanh(s):
    return _entrywise(lambda x: float(np.tanh(x)), s)


def sigmoid_grad(s):
    def slope(x):
        p = _logistic_of(x)
        return p - p * p
    return _entrywise(slope, s)


def relu_grad(s):
    return _entrywise(lambda x: 1.0 if x > 0 else 0.0, s)


def tanh_grad(s):
    def slope(x):
        t = float(np.tanh(x))
        return (1.0 - t) * (1.0 + t)
    return _entrywise(slope, s)
