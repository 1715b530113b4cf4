import math


def kaplan_loss(N, N_c=8.8e13, alpha_N=0.076):
    return (N_c / N) ** alpha_N


def chinchilla_optimal(C, tokens_per_param=20.0):
    N = math.sqrt(C / tokens_per_param)   # forgot that C = 6·N·D
    return N, tokens_per_param * N


def tokens_per_param(N, D):
    return D / N
