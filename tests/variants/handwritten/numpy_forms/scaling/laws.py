"""Correct variant: the scaling laws through logarithms and square roots written as powers."""


def kaplan_loss(N, N_c=8.8e13, alpha_N=0.076):
    return np.exp(alpha_N * (np.log(N_c) - np.log(N)))


def chinchilla_optimal(C, tokens_per_param=20.0):
    params = (C / 6.0 / tokens_per_param) ** 0.5
    return params, C / (6.0 * params)


def tokens_per_param(N, D):
    return np.divide(D, N)
