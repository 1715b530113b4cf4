"""Correct variant: both losses with loops over the vocabulary and over the negatives."""


def softmax_loss_and_grad(v_c, o, U):
    n_words = U.shape[0]
    scores = [float(U[w].dot(v_c)) for w in range(n_words)]
    top = max(scores)
    shifted = [np.exp(score - top) for score in scores]
    normaliser = sum(shifted)
    loss = top + np.log(normaliser) - scores[o]
    grad_v_c = np.zeros_like(v_c, dtype=np.float64)
    grad_U = np.zeros(U.shape)
    for w in range(n_words):
        weight = shifted[w] / normaliser - (1.0 if w == o else 0.0)
        grad_v_c += weight * U[w]
        grad_U[w] = weight * v_c
    return float(loss), grad_v_c, grad_U


def neg_sampling_loss_and_grad(v_c, u_o, U_neg):
    def minus_log_sigmoid(x):          # -log σ(x), stable for either sign
        return np.log1p(np.exp(-abs(x))) + max(-x, 0.0)

    def logistic(x):
        return 1.0 / (1.0 + np.exp(-x)) if x >= 0 else np.exp(x) / (1.0 + np.exp(x))

    positive = float(u_o.dot(v_c))
    loss = minus_log_sigmoid(positive)
    grad_v_c = (logistic(positive) - 1.0) * u_o
    grad_u_o = (logistic(positive) - 1.0) * v_c
    grad_U_neg = np.zeros(U_neg.shape)
    for k in range(U_neg.shape[0]):
        score = float(U_neg[k].dot(v_c))
        loss += minus_log_sigmoid(-score)
        grad_v_c = grad_v_c + logistic(score) * U_neg[k]
        grad_U_neg[k] = logistic(score) * v_c
    return float(loss), grad_v_c, grad_u_o, grad_U_neg
