"""The hidden tests of nn's train grade what was learned, and each can fail (issue 11).

train is graded on XOR-like problems drawn per grading (tests/test_constant_training.py
shows that answers that ignore the data score 0).  Here each test of train is
turned red by a break of train that still learns, so the test, not the shared
check of the learned network, is what fails.
"""
import pytest
from conftest import reference_as_submission

from autograder.grading import grade_submission

BREAKS = {   # a break of a train that still learns → the test it must fail
    "made_up_losses": ('''
_reference_train = train


def train(X, y, hidden, lr, epochs, batch_size, seed):
    params, losses = _reference_train(X, y, hidden, lr, epochs, batch_size, seed)
    return params, [losses[0] * 0.9 ** epoch for epoch in range(epochs)]   # falling, but not the real ones
''', "test_train_reports_the_loss_of_the_params_it_returns"),
    "losses_reversed": ('''
_reference_train = train


def train(X, y, hidden, lr, epochs, batch_size, seed):
    params, losses = _reference_train(X, y, hidden, lr, epochs, batch_size, seed)
    return params, [losses[-1]] * (epochs - 1) + [losses[-1] * 0.99]   # the last loss, never the first
''', "test_train_loss_falls"),
    "shuffles_X_in_place": ('''
_reference_train = train


def train(X, y, hidden, lr, epochs, batch_size, seed):
    params, losses = _reference_train(X, y, hidden, lr, epochs, batch_size, seed)
    X[:] = X[::-1].copy()
    return params, losses
''', "test_train_returns_params_and_a_loss_per_epoch"),
    "not_reproducible": ('''
_reference_train = train


def train(X, y, hidden, lr, epochs, batch_size, seed):
    return _reference_train(X, y, hidden, lr, epochs, batch_size, None)   # a fresh seed every call
''', "test_train_gives_the_same_result_for_the_same_seed_and_another_for_another"),
    "seed_ignored": ('''
_reference_train = train


def train(X, y, hidden, lr, epochs, batch_size, seed):
    return _reference_train(X, y, hidden, lr, epochs, batch_size, 0)
''', "test_train_gives_the_same_result_for_the_same_seed_and_another_for_another"),
    "last_batch_loss": ('''
def train(X, y, hidden, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    labels = np.asarray(y, dtype=np.float64).reshape(-1)
    params, losses = _init_params(X.shape[1], hidden, rng), []
    for _ in range(epochs):
        for batch in minibatch_indices(len(X), batch_size, rng):
            y_hat, cache = forward(X[batch], params)
            last = bce_loss(y_hat, labels[batch])   # only the last batch's loss is kept
            params = sgd_step(params, backward(labels[batch], params, cache), lr)
        losses.append(last)
    return params, losses
''', "test_train_reports_the_mean_loss_over_each_epochs_examples"),
    "shuffles_once": ('''
def train(X, y, hidden, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    labels = np.asarray(y, dtype=np.float64).reshape(-1)
    params, losses = _init_params(X.shape[1], hidden, rng), []
    batches = minibatch_indices(len(X), batch_size, rng)   # one order for every epoch
    for _ in range(epochs):
        total = 0.0
        for batch in batches:
            y_hat, cache = forward(X[batch], params)
            total += bce_loss(y_hat, labels[batch]) * len(batch)
            params = sgd_step(params, backward(labels[batch], params, cache), lr)
        losses.append(total / len(X))
    return params, losses
''', "test_train_visits_the_examples_in_a_new_order_every_epoch"),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_each_train_test_fails_when_train_is_broken_its_way(name, tmp_path):
    code, target = BREAKS[name]
    folder = reference_as_submission(tmp_path, ["nn"])
    module = folder / "nn" / "network.py"
    module.write_text(module.read_text() + f"\n\n# --- break {name} ---\n" + code)
    tests = {test.id.rsplit("::", 1)[1]: test for test in grade_submission(folder, ["nn"]).tests()
             if test.function == "network.train"}
    assert not tests[target].passed and tests[target].feedback.message
    assert tests["test_train_classifies_new_points_of_the_problem_it_learned"].passed   # it still learns


def test_the_breaks_target_every_train_test(reference_submission):
    graded = grade_submission(reference_submission, ["nn"])
    train_tests = {test.id.rsplit("::", 1)[1] for test in graded.tests() if test.function == "network.train"}
    targeted = {target for _, target in BREAKS.values()}
    assert train_tests - targeted == {"test_train_classifies_new_points_of_the_problem_it_learned"}
    assert all(test.passed for test in graded.tests())
