"""The reference solution of part `word2vec` against the maths, not against itself."""
from collections import Counter

import numpy as np
import pytest

from autograder.grading.numeric import numerical_gradient, pearson_chi2, relative_error
from autograder.suites.datasets import planted_topics_corpus, renamed_words, topic_separation

TOY8 = np.array([100, 60, 40, 30, 10, 5, 2, 1])
ALPHA = 1e-6   # false-failure probability of each statistical test below


@pytest.fixture(scope="module")
def pairs(ref):
    return ref("word2vec", "pairs")


@pytest.fixture(scope="module")
def sampler(ref):
    return ref("word2vec", "sampler")


@pytest.fixture(scope="module")
def losses(ref):
    return ref("word2vec", "losses")


@pytest.fixture(scope="module")
def train(ref):
    return ref("word2vec", "train")


def test_build_vocab_orders_by_count_then_alphabet(pairs):
    word_to_id, counts = pairs.build_vocab(["b", "a", "c", "a", "b", "d", "a"])
    assert word_to_id == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert counts.tolist() == [3, 2, 1, 1]
    word_to_id, counts = pairs.build_vocab(["b", "a", "c", "a", "b", "d", "a"], min_count=2)
    assert word_to_id == {"a": 0, "b": 1} and counts.tolist() == [3, 2]
    assert pairs.build_vocab([])[0] == {} and len(pairs.build_vocab([])[1]) == 0


def test_encode_drops_unknown_words(pairs):
    assert pairs.encode(["x", "a", "y", "b"], {"a": 0, "b": 1}).tolist() == [0, 1]


@pytest.mark.parametrize("n, window", [(1, 2), (2, 1), (5, 1), (5, 2), (7, 3), (4, 10)])
def test_skipgram_pairs_count_per_position(pairs, n, window):
    ids = np.arange(n) * 10  # distinct ids, so a pair tells its positions
    found = Counter(map(tuple, pairs.skipgram_pairs(ids, window).tolist()))
    expected = Counter((ids[i], ids[j]) for i in range(n) for j in range(n)
                       if i != j and abs(i - j) <= window)
    assert found == expected
    for position in range(n):   # each center has min(window, left) + min(window, right) contexts
        contexts = sum(count for (center, _), count in found.items() if center == ids[position])
        assert contexts == min(window, position) + min(window, n - 1 - position)


def test_skipgram_pairs_edges_window_zero_and_empty(pairs):
    assert pairs.skipgram_pairs(np.array([3, 4, 5]), 0).shape == (0, 2)
    assert pairs.skipgram_pairs(np.array([], dtype=int), 2).shape == (0, 2)
    assert pairs.skipgram_pairs(np.array([7]), 2).shape == (0, 2)
    assert len(pairs.skipgram_pairs(np.arange(100), 2)) == 394  # the course's "about 400"


def test_skipgram_pairs_keep_a_word_paired_with_its_other_copy(pairs):
    found = Counter(map(tuple, pairs.skipgram_pairs(np.array([1, 2, 1]), 2).tolist()))
    assert found[(1, 1)] == 2 and found[(1, 2)] == 2 and found[(2, 1)] == 2


def test_cbow_examples(pairs):
    assert pairs.cbow_examples(np.array([4, 5, 6, 7]), 1) == [
        ([5], 4), ([4, 6], 5), ([5, 7], 6), ([6], 7)]
    assert pairs.cbow_examples(np.array([4, 5, 6, 7]), 0) == []
    assert pairs.cbow_examples(np.array([9]), 3) == []
    assert pairs.cbow_examples(np.array([1, 2, 3, 4, 5]), 2)[2] == ([1, 2, 4, 5], 3)


def test_noise_distribution_is_count_to_the_three_quarters(sampler):
    p = sampler.noise_distribution(TOY8)
    assert np.allclose(p, TOY8 ** 0.75 / np.sum(TOY8 ** 0.75), rtol=1e-12)
    assert np.isclose(p.sum(), 1.0)
    assert sampler.noise_distribution(np.array([4, 0, 1]), power=0.0).tolist() == [0.5, 0.0, 0.5]


def test_sampler_matches_the_noise_distribution(sampler):
    draws = sampler.NegativeSampler(TOY8, seed=11).sample(20_000)
    observed = np.bincount(draws, minlength=len(TOY8))
    _, _, p_value = pearson_chi2(observed, sampler.noise_distribution(TOY8))
    assert p_value >= ALPHA


def test_sampler_honours_exclude_and_renormalises(sampler):
    draws = sampler.NegativeSampler(TOY8, seed=12).sample(20_000, exclude=[0, 3])
    observed = np.bincount(draws, minlength=len(TOY8))
    assert observed[0] == 0 and observed[3] == 0
    expected = sampler.noise_distribution(TOY8)
    expected[[0, 3]] = 0
    _, _, p_value = pearson_chi2(observed, expected / expected.sum())
    assert p_value >= ALPHA
    assert 0 not in sampler.NegativeSampler(TOY8, seed=1).sample(50, exclude=0)


def test_sampler_rejects_a_wrong_power(sampler):
    """The test above can fail: a power-1.0 sampler gives a p-value far below ALPHA."""
    draws = sampler.NegativeSampler(TOY8, power=1.0, seed=11).sample(20_000)
    _, _, p_value = pearson_chi2(np.bincount(draws, minlength=8), sampler.noise_distribution(TOY8))
    assert p_value < ALPHA


def test_sampler_is_deterministic_for_a_seed_and_draws_with_replacement(sampler):
    first = sampler.NegativeSampler(TOY8, seed=3)
    second = sampler.NegativeSampler(TOY8, seed=3)
    assert np.array_equal(first.sample(30), second.sample(30))
    assert not np.array_equal(first.sample(30), first.sample(30))
    assert len(first.sample(20)) == 20  # more draws than words


def _gradient_check(function, arrays, analytic_grads):
    for array, analytic in zip(arrays, analytic_grads):
        numerical = numerical_gradient(function, array)
        assert relative_error(analytic, numerical) < 1e-6


def test_softmax_loss_and_grad_match_central_differences(losses):
    rng = np.random.default_rng(0)
    v_c, U = rng.normal(size=4), rng.normal(size=(6, 4))
    loss, grad_v_c, grad_U = losses.softmax_loss_and_grad(v_c, 2, U)
    scores = U @ v_c
    assert np.isclose(loss, -scores[2] + np.log(np.sum(np.exp(scores))), rtol=1e-12)
    _gradient_check(lambda: losses.softmax_loss_and_grad(v_c, 2, U)[0], [v_c, U], [grad_v_c, grad_U])


def test_softmax_loss_is_stable_for_large_scores(losses):
    U = np.array([[800.0], [790.0], [-5.0]])
    loss, grad_v_c, _ = losses.softmax_loss_and_grad(np.array([1.0]), 0, U)
    assert np.isfinite(loss) and np.isclose(loss, np.log1p(np.exp(-10.0) + np.exp(-805.0)))
    assert np.all(np.isfinite(grad_v_c))


def test_neg_sampling_loss_and_grad_match_central_differences(losses):
    rng = np.random.default_rng(1)
    v_c, u_o, U_neg = rng.normal(size=5), rng.normal(size=5), rng.normal(size=(3, 5))
    U_neg[2] = U_neg[0]  # a negative drawn twice
    loss, grad_v_c, grad_u_o, grad_U_neg = losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg)

    def sig(x):
        return 1 / (1 + np.exp(-x))

    assert np.isclose(loss, -np.log(sig(u_o @ v_c)) - np.sum(np.log(sig(-U_neg @ v_c))), rtol=1e-12)
    _gradient_check(lambda: losses.neg_sampling_loss_and_grad(v_c, u_o, U_neg)[0],
                    [v_c, u_o, U_neg], [grad_v_c, grad_u_o, grad_U_neg])


def test_neg_sampling_loss_is_exact_for_scores_of_fifty(losses):
    loss, *_ = losses.neg_sampling_loss_and_grad(np.array([1.0]), np.array([-50.0]), np.array([[50.0]]))
    assert np.isclose(loss, 100.0 + 2 * np.log1p(np.exp(-50.0)), rtol=1e-12)


def test_skipgram_step_is_a_gradient_step_with_repeated_negatives(train, losses):
    rng = np.random.default_rng(2)
    W_in, W_out = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    center, context, negatives, lr = 1, 4, np.array([2, 5, 2]), 0.05
    work_in, work_out = W_in.copy(), W_out.copy()

    def loss():
        return losses.neg_sampling_loss_and_grad(work_in[center], work_out[context], work_out[negatives])[0]

    grad_in, grad_out = numerical_gradient(loss, work_in), numerical_gradient(loss, work_out)
    returned = train.skipgram_step(work_in, work_out, center, context, negatives, lr)
    assert np.isclose(returned, losses.neg_sampling_loss_and_grad(W_in[1], W_out[4], W_out[negatives])[0])
    assert relative_error((W_in - work_in) / lr, grad_in) < 1e-6
    assert relative_error((W_out - work_out) / lr, grad_out) < 1e-6


def test_train_skipgram_recovers_planted_topics(train):
    ids, topic_of_word = planted_topics_corpus(seed=5)
    W_in, W_out, epoch_losses = train.train_skipgram(ids, len(topic_of_word), dim=10, window=2, k=3,
                                                     epochs=4, lr=0.1, seed=0)
    same, different = topic_separation(W_in, topic_of_word)
    assert same > different + 0.3
    assert W_in.shape == W_out.shape == (12, 10) and len(epoch_losses) == 4
    assert epoch_losses[-1] < epoch_losses[0]


def test_cbow_loss_and_grad_match_central_differences(losses):
    rng = np.random.default_rng(3)
    V_context, U = rng.normal(size=(4, 5)), rng.normal(size=(7, 5))
    V_context[3] = V_context[1]   # a word twice in the context
    loss, grad_V_context, grad_U = losses.cbow_loss_and_grad(V_context, 6, U)
    scores = U @ (V_context.sum(axis=0) / 4)
    assert np.isclose(loss, -scores[6] + np.log(np.sum(np.exp(scores))), rtol=1e-12)
    _gradient_check(lambda: losses.cbow_loss_and_grad(V_context, 6, U)[0], [V_context, U], [grad_V_context, grad_U])
    assert np.allclose(grad_V_context, grad_V_context[0])   # the mean shares the gradient equally


def test_cbow_loss_is_stable_for_large_scores(losses):
    V_context = np.array([[1.5], [0.5]])                    # h = [1.0]
    loss, grad_V_context, grad_U = losses.cbow_loss_and_grad(V_context, 0, np.array([[800.0], [790.0], [-5.0]]))
    assert np.isclose(loss, np.log1p(np.exp(-10.0) + np.exp(-805.0)))
    assert np.all(np.isfinite(grad_V_context)) and np.all(np.isfinite(grad_U))


def test_cbow_step_is_a_gradient_step_with_a_repeated_context_word(train, losses):
    rng = np.random.default_rng(4)
    W_in, W_out = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    context, center, lr = [2, 5, 2], 1, 0.05
    work_in, work_out = W_in.copy(), W_out.copy()

    def loss():
        return losses.cbow_loss_and_grad(work_in[context], center, work_out)[0]

    grad_in, grad_out = numerical_gradient(loss, work_in), numerical_gradient(loss, work_out)
    returned = train.cbow_step(work_in, work_out, context, center, lr)
    assert np.isclose(returned, losses.cbow_loss_and_grad(W_in[context], center, W_out)[0])
    assert relative_error((W_in - work_in) / lr, grad_in) < 1e-6
    assert relative_error((W_out - work_out) / lr, grad_out) < 1e-6


def test_train_cbow_recovers_planted_topics_whatever_the_word_ids(train):
    rng = np.random.default_rng(6)
    ids, topic_of_word = renamed_words(*planted_topics_corpus(seed=6, n_sentences=30, sentence_length=5), rng)
    W_in, W_out, epoch_losses = train.train_cbow(ids, len(topic_of_word), dim=10, window=2, epochs=4, lr=0.3, seed=0)
    same, different = topic_separation(W_in, topic_of_word)
    assert same > different + 0.5
    assert W_in.shape == W_out.shape == (12, 10) and len(epoch_losses) == 4
    assert epoch_losses[0] < np.log(12) < epoch_losses[0] * 1.1 and epoch_losses[-1] < 0.8 * epoch_losses[0]


def test_most_similar_ranks_by_cosine(train):
    W = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0], [0.0, 0.0]])
    result = train.most_similar(W, 0, 3)
    assert [word for word, _ in result] == [1, 2, 4] or [word for word, _ in result] == [1, 4, 2]
    assert np.isclose(result[0][1], 0.9 / np.hypot(0.9, 0.1))
    assert len(train.most_similar(W, 0, 10)) == 4
