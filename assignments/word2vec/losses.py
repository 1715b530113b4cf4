"""Skip-gram losses for one (center, context) pair, with their gradients.

Notation: v_c (E,) is the input vector (a row of W_in) of the center word c;
u_w (E,) is the output vector (a row of W_out, or of U) of a word w; o is the
true context word.  E is the embedding size, V the vocabulary size.
"""
import numpy as np


def softmax_loss_and_grad(v_c, o, U):
    """Full-softmax skip-gram loss and its gradients.

    loss = -log softmax(U·v_c)[o] = -u_o·v_c + log Σ_w exp(u_w·v_c)

    Inputs:
    - v_c: ndarray (E,), float64, the center word's input vector.
    - o: int, the id of the true context word.
    - U: ndarray (V, E), float64, one output vector per row.

    Returns a tuple (loss, grad_v_c, grad_U):
    - loss: float.
    - grad_v_c: ndarray (E,), float64, ∂loss/∂v_c = Uᵀ·(p - onehot(o)), p = softmax(U·v_c).
    - grad_U: ndarray (V, E), float64, ∂loss/∂U = (p - onehot(o))·v_cᵀ.

    Numerical stability: the scores U·v_c can be in the hundreds; subtract their
    maximum before exponentiating (log-sum-exp trick).
    """
    raise NotImplementedError


def neg_sampling_loss_and_grad(v_c, u_o, U_neg):
    """Negative-sampling loss for one (center, context) pair and K negatives.

    loss = -log σ(u_o·v_c) - Σ_k log σ(-u_k·v_c)

    Inputs:
    - v_c: ndarray (E,), float64, the center word's input vector.
    - u_o: ndarray (E,), float64, the true context word's output vector.
    - U_neg: ndarray (K, E), float64, one row per negative draw.  A word drawn twice
      appears as two rows and counts twice.

    Returns a tuple (loss, grad_v_c, grad_u_o, grad_U_neg):
    - loss: float (a sum over the negatives, not a mean).
    - grad_v_c: ndarray (E,), float64.
    - grad_u_o: ndarray (E,), float64.
    - grad_U_neg: ndarray (K, E), float64, row k is ∂loss/∂u_k.

    Numerical stability: use -log σ(x) = log(1 + exp(-x)) = np.logaddexp(0, -x),
    which stays finite and exact for scores of ±50 and beyond.
    """
    raise NotImplementedError
