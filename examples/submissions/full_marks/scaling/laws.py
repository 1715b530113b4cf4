"""Correct scaling formulas, written with the math module."""
import math


def kaplan_loss(N, N_c=8.8e13, alpha_N=0.076):
    return math.exp(alpha_N * (math.log(N_c) - math.log(N)))


def chinchilla_optimal(C, tokens_per_param=20.0):
    # C = 6 N D and D = r N  =>  C = 6 r N^2
    N = math.sqrt(C / 6 / tokens_per_param)
    return N, N * tokens_per_param


def tokens_per_param(N, D):
    return D / N
