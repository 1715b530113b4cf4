"""What the stubs' docstrings promise is graded: each broken promise loses points, with words that say which.

Issue 15 found promises no test kept (`linear` returning s itself, `sign`
returning ints); going through every docstring added checks for these.  Each
case is the reference of one part with one function redefined to break one
promise and nothing else (values stay right where the promise is about types),
like the mutation fixtures of tests/fixtures/mistakes/.
"""
from __future__ import annotations

import pytest
from conftest import reference_as_submission

from autograder.grading import grade_submission

CASES = {   # id → (part, module, wrong definition, function, words its feedback must contain)
    "linear returns a view of s": ("nn", "activations", '''
def linear(s):
    return np.asarray(s).view()
''', "activations.linear", "itself (or a view of it)"),
    "relu_grad returns booleans": ("nn", "activations", '''
def relu_grad(s):
    return np.asarray(s) > 0
''', "activations.relu_grad", "dtype bool"),
    "sigmoid rejects a Python float": ("nn", "activations", '''
_sigmoid_of_arrays = sigmoid
def sigmoid(s):
    return _sigmoid_of_arrays(s.copy())
''', "activations.sigmoid", "raised AttributeError"),
    "iterations_per_epoch returns a float": ("nn", "network", '''
def iterations_per_epoch(n_samples, batch_size):
    return np.ceil(n_samples / batch_size)
''', "network.iterations_per_epoch", "should return an int"),
    "minibatch_indices returns float indices": ("nn", "network", '''
_integer_batches = minibatch_indices
def minibatch_indices(n_samples, batch_size, rng):
    return [batch.astype(float) for batch in _integer_batches(n_samples, batch_size, rng)]
''', "network.minibatch_indices", "cannot index X"),
    "predict returns float labels": ("nn", "network", '''
_integer_labels = predict
def predict(X, params):
    return _integer_labels(X, params).astype(float)
''', "network.predict", "an array of integers was expected"),
    "bce_loss clips its input in place": ("nn", "network", '''
_bce_of_copies = bce_loss
def bce_loss(y_hat, y):
    np.clip(y_hat, 1e-12, 1 - 1e-12, out=y_hat)
    return _bce_of_copies(y_hat, y)
''', "network.bce_loss", "changed its argument y_hat"),
    "encode returns float ids": ("word2vec", "pairs", '''
_integer_ids = encode
def encode(tokens, word_to_id):
    return _integer_ids(tokens, word_to_id).astype(float)
''', "pairs.encode", "an array of integers was expected"),
    "skipgram_pairs returns float ids": ("word2vec", "pairs", '''
_integer_pairs = skipgram_pairs
def skipgram_pairs(ids, window):
    return _integer_pairs(ids, window).astype(float)
''', "pairs.skipgram_pairs", "integer array of shape (P, 2)"),
    "the sampler returns float ids": ("word2vec", "sampler", '''
class NegativeSampler(NegativeSampler):
    def sample(self, k, exclude=None):
        return super().sample(k, exclude).astype(float)
''', "sampler.NegativeSampler", "word ids are integers"),
    "softmax squeezes its gradients": ("word2vec", "losses", '''
_unsqueezed_softmax = softmax_loss_and_grad
def softmax_loss_and_grad(v_c, o, U):
    loss, grad_v_c, grad_U = _unsqueezed_softmax(v_c, o, U)
    return loss, np.squeeze(grad_v_c), np.squeeze(grad_U)
''', "losses.softmax_loss_and_grad", "an axis of size 1 was lost"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_broken_docstring_promise_loses_points_and_says_which(case, tmp_path):
    part, module, source, function, words = CASES[case]
    folder = reference_as_submission(tmp_path, [part])
    target = folder / part / f"{module}.py"
    target.write_text(target.read_text() + "\n\n# --- a broken promise ---\n" + source)
    tests = [test for test in grade_submission(folder, [part]).tests() if test.function == function]
    lost = [test for test in tests if test.score < test.max_score]
    assert lost, f"{case}: {function} got full marks"
    assert any(words in test.feedback.message for test in lost), [test.feedback.message for test in lost]
