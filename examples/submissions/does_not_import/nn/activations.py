import numpy as np


def relu(s)
    return np.maximum(s, 0)
