"""Scaling laws: how loss, model size and data size trade off.

N is the number of model parameters, D the number of training tokens and C the
training compute in FLOPs.  Training a transformer costs about C ≈ 6·N·D FLOPs
(about 2·N·D for the forward pass and 4·N·D for the backward pass).

Every function takes and returns Python floats (numpy arrays need not work).
"""
import numpy as np


def kaplan_loss(N, N_c=8.8e13, alpha_N=0.076):
    """Kaplan et al. (2020): test loss as a power law in model size.

    L(N) = (N_c / N)^alpha_N

    Inputs:
    - N: float > 0, the number of (non-embedding) parameters.
    - N_c: float, the critical constant of the fit.
    - alpha_N: float, the exponent of the fit.

    Returns:
    - float: the predicted loss (in nats per token).
    """
    raise NotImplementedError


def chinchilla_optimal(C, tokens_per_param=20.0):
    """Hoffmann et al. (2022): the compute-optimal model size and data size.

    Solve C = 6·N·D together with D = tokens_per_param·N for N and D.

    Inputs:
    - C: float > 0, the training compute in FLOPs.
    - tokens_per_param: float, D / N at the optimum (about 20).

    Returns a tuple (N, D) of floats: parameters and training tokens.
    For example the compute of a 70e9-parameter model trained on 1.4e12 tokens
    gives back (7e10, 1.4e12).
    """
    raise NotImplementedError


def tokens_per_param(N, D):
    """Training tokens per model parameter, D / N.

    Inputs:
    - N: float > 0, parameters.
    - D: float >= 0, training tokens.

    Returns:
    - float.  For example GPT-3 (175e9 parameters, 300e9 tokens) gives about 1.7.
    """
    raise NotImplementedError
