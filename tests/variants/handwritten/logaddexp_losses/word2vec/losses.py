"""Correct variant: both losses written with np.logaddexp, the sigmoid as exp(-logaddexp(0, -x))."""


def softmax_loss_and_grad(v_c, o, U):
    scores = U.dot(v_c)
    log_normaliser = np.logaddexp.reduce(scores)
    probabilities = np.exp(scores - log_normaliser)
    loss = log_normaliser - scores[o]
    delta = probabilities - np.eye(len(scores))[o]
    return float(loss), delta.dot(U), delta[:, None] * v_c[None, :]


def neg_sampling_loss_and_grad(v_c, u_o, U_neg):
    positive = u_o.dot(v_c)
    negatives = U_neg.dot(v_c)
    loss = np.logaddexp(0.0, -positive) + np.logaddexp(0.0, negatives).sum()
    sigma_positive = np.exp(-np.logaddexp(0.0, -positive))     # σ(u_o·v_c)
    sigma_negatives = np.exp(-np.logaddexp(0.0, -negatives))   # σ(u_k·v_c)
    grad_v_c = (sigma_positive - 1.0) * u_o + sigma_negatives.dot(U_neg)
    grad_u_o = (sigma_positive - 1.0) * v_c
    grad_U_neg = sigma_negatives[:, None] * v_c[None, :]
    return float(loss), grad_v_c, grad_u_o, grad_U_neg
