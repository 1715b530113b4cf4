"""Word2Vec losses for one training example, with their gradients.

Skip-gram notation: v_c (E,) is the input vector (a row of W_in) of the center
word c; u_w (E,) is the output vector (a row of W_out, or of U) of a word w; o
is the true context word.  E is the embedding size, V the vocabulary size.

CBoW turns the roles around: the C context words are the input, and their
input vectors v_1 … v_C are averaged into one hidden vector h (E,); o is then
the center word to predict.
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


def cbow_loss_and_grad(V_context, o, U):
    """Full-softmax CBoW loss for one example (a context and its center word), and its gradients.

    h = (1/C) Σ_j v_j                    (the mean of the C context vectors)
    loss = -log softmax(U·h)[o] = -u_o·h + log Σ_w exp(u_w·h)

    Inputs:
    - V_context: ndarray (C, E), float64, C >= 1: row j is the input vector v_j of
      the j-th context word.  A word that occurs twice in the context is two rows.
    - o: int, the id of the center word (the word to predict).
    - U: ndarray (V, E), float64, one output vector per row.

    Returns a tuple (loss, grad_V_context, grad_U):
    - loss: float.
    - grad_V_context: ndarray (C, E), float64, ∂loss/∂V_context.  h is a mean, so
      every row is the same: ∂loss/∂h / C, with ∂loss/∂h = Uᵀ·(p - onehot(o)) and
      p = softmax(U·h).
    - grad_U: ndarray (V, E), float64, ∂loss/∂U = (p - onehot(o))·hᵀ.

    Numerical stability: the scores U·h can be in the hundreds; subtract their
    maximum before exponentiating (log-sum-exp trick).  The inputs are left unchanged.
    """
    raise NotImplementedError
