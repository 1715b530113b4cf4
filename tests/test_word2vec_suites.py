"""The hidden suites of part word2vec grade solutions, not one way of writing them.

- The reference and an alternative correct solution written differently
  (plain loops, random.Random with an inverse CDF and rejection instead of
  Generator.choice, other row and example orders, other initialisation and
  shuffling) both get full marks: a different but correct solution must never
  lose points.
- The stubs get 0.
- Every hidden test can fail: each is turned red by a small targeted break of
  the function it grades (the named mistakes of tests/fixtures/mistakes/word2vec
  and a few unnamed breaks below).  Breaks of functions that do not call each
  other share a submission, so this stays a handful of gradings.
"""
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import reference_as_submission

from autograder.course import load_part
from autograder.grading import grade_submission

HERE = Path(__file__).parent
ALTERNATIVE = HERE.parent / "examples" / "submissions" / "full_marks" / "word2vec"   # also the demo's full-marks example
MISTAKES = HERE / "fixtures" / "mistakes" / "word2vec"
CATALOGUE = Path(__file__).parents[1] / "autograder" / "suites" / "word2vec" / "mistakes.yaml"


def failures(result):
    return [(test.id, test.feedback and test.feedback.message) for test in result.tests() if not test.passed]


def hidden(result):
    return [test for test in result.tests() if test.kind == "hidden"]


@pytest.fixture(scope="module")
def reference_result(reference_submission):
    return grade_submission(reference_submission, ["word2vec"])


@pytest.fixture(scope="module")
def alternative_submission(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alternative")
    shutil.copytree(ALTERNATIVE, folder / "word2vec", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_reference_gets_full_marks_on_word2vec(reference_result):
    assert reference_result.error is None
    assert failures(reference_result) == []
    assert reference_result.score == reference_result.max_score == 45


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_alternative_correct_solution_gets_full_marks(alternative_submission, seed):
    result = grade_submission(alternative_submission, ["word2vec"], seed=seed)
    assert result.error is None
    assert failures(result) == []
    assert result.score == 45


@pytest.mark.parametrize("seed", [1, 2])
def test_reference_gets_full_marks_with_other_test_inputs(reference_submission, seed):
    result = grade_submission(reference_submission, ["word2vec"], seed=seed)
    assert failures(result) == [] and result.score == 45


CORRECT_SAMPLERS = {   # other correct ways to write the sampler: each must get full marks
    "searchsorted_on_a_cdf": """
class NegativeSampler:
    def __init__(self, counts, power=0.75, seed=None):
        self.p = noise_distribution(counts, power)
        self.rng = np.random.default_rng(seed)

    def sample(self, k, exclude=None):
        p = self.p.copy()
        if exclude is not None:
            p[np.asarray(exclude)] = 0.0
        cdf = np.cumsum(p / p.sum())
        return np.minimum(np.searchsorted(cdf, self.rng.random(k), side="right"), len(p) - 1)
""",
    "random_choices": """
import random


class NegativeSampler:
    def __init__(self, counts, power=0.75, seed=None):
        self.weights = list(noise_distribution(counts, power))
        self.random = random.Random(seed)

    def sample(self, k, exclude=None):
        weights = list(self.weights)
        for word in ([] if exclude is None else np.atleast_1d(exclude)):
            weights[int(word)] = 0.0
        return np.array(self.random.choices(range(len(weights)), weights=weights, k=k), dtype=int)
""",
    "redraw_excluded_draws": """
class NegativeSampler:
    def __init__(self, counts, power=0.75, seed=None):
        self.p = noise_distribution(counts, power)
        self.rng = np.random.default_rng(seed)

    def sample(self, k, exclude=None):
        draws = self.rng.choice(len(self.p), size=k, p=self.p)
        if exclude is not None:
            bad = np.isin(draws, exclude)
            while bad.any():
                draws[bad] = self.rng.choice(len(self.p), size=int(bad.sum()), p=self.p)
                bad = np.isin(draws, exclude)
        return draws
""",
}


@pytest.mark.parametrize("name", sorted(CORRECT_SAMPLERS))
def test_correct_samplers_written_other_ways_get_full_marks(name, tmp_path):
    folder = reference_as_submission(tmp_path, ["word2vec"])
    target = folder / "word2vec" / "sampler.py"
    target.write_text(target.read_text() + "\n\n" + CORRECT_SAMPLERS[name])
    result = grade_submission(folder, ["word2vec"])
    assert failures(result) == [] and result.score == 45


def test_stubs_get_zero_on_word2vec(stub_submission):
    result = grade_submission(stub_submission, ["word2vec"])
    assert result.error is None and result.score == 0
    assert all(test.feedback and test.feedback.message for test in result.tests())


def test_every_function_with_hidden_points_has_a_hidden_test(reference_result):
    part = load_part(Path(__file__).parents[1] / "assignments" / "word2vec" / "assignment.yaml")
    tested = {test.function for test in hidden(reference_result)}
    assert {spec.qualified_name for spec in part.functions if spec.hidden_points > 0} <= tested


def test_hidden_tests_share_each_functions_hidden_points(reference_result):
    part = load_part(Path(__file__).parents[1] / "assignments" / "word2vec" / "assignment.yaml")
    for spec in part.functions:
        points = sum(test.max_score for test in hidden(reference_result) if test.function == spec.qualified_name)
        assert points == pytest.approx(spec.hidden_points), spec.qualified_name


def test_every_word2vec_mistake_has_a_mutation_test():
    catalogued = set(yaml.safe_load(CATALOGUE.read_text()))
    assert catalogued == {path.name for path in MISTAKES.iterdir() if path.is_dir()}
    assert len(catalogued) >= 14


# -- every hidden test can fail -------------------------------------------------------------------------------------
UNNAMED_BREAKS = {   # module and wrong code of breaks that are not catalogued mistakes
    "encode_unknown_as_minus_one": ("pairs", '''
def encode(tokens, word_to_id):
    return np.array([word_to_id.get(token, -1) for token in tokens], dtype=np.int64)
'''),
    "build_vocab_fails_on_empty_text": ("pairs", '''
def build_vocab(tokens, min_count=1):
    frequencies = Counter(tokens)
    most = max(frequencies.values())          # ValueError for an empty text
    kept = sorted((w for w, c in frequencies.items() if c >= min_count), key=lambda w: (-frequencies[w], w))
    return {w: i for i, w in enumerate(kept)}, np.array([frequencies[w] for w in kept], dtype=np.int64)
'''),
    "noise_sorted_and_zero_to_the_zero": ("sampler", '''
def noise_distribution(counts, power=0.75):
    weights = np.sort(np.asarray(counts, dtype=np.float64) ** power)[::-1]
    return weights / weights.sum()
'''),
    "sampler_smoothed_and_never_empty": ("sampler", '''
class NegativeSampler:
    def __init__(self, counts, power=0.75, seed=None):
        self.probabilities = noise_distribution(np.asarray(counts) + 1.0, power)
        self.rng = np.random.default_rng(seed)

    def sample(self, k, exclude=None):
        p = self.probabilities.copy()
        if exclude is not None:
            p[np.asarray(exclude)] = 0.0
        return self.rng.choice(len(p), size=max(k, 1), p=p / p.sum())
'''),
    "train_returns_a_loss_per_pair": ("train", '''
def train_skipgram(ids, vocab_size, dim, window, k, epochs, lr, seed):
    rng = np.random.default_rng(seed)
    W_in = (rng.random((vocab_size, dim)) - 0.5) / dim
    W_out = np.zeros((vocab_size, dim))
    sampler = NegativeSampler(np.bincount(ids, minlength=vocab_size), seed=seed)
    pairs = skipgram_pairs(ids, window)
    losses = []
    for _ in range(epochs):
        for center, context in pairs[rng.permutation(len(pairs))]:
            losses.append(skipgram_step(W_in, W_out, center, context, sampler.sample(k, exclude=context), lr))
    return W_in, W_out, losses
'''),
    "train_barely_learns": ("train", '''
_reference_train_skipgram = train_skipgram


def train_skipgram(ids, vocab_size, dim, window, k, epochs, lr, seed):
    return _reference_train_skipgram(ids, vocab_size, dim, window, k, epochs, lr / 100, seed)
'''),
    "cbow_step_returns_loss_after": ("train", '''
_reference_cbow_step = cbow_step


def cbow_step(W_in, W_out, context, center, lr):
    _reference_cbow_step(W_in, W_out, context, center, lr)
    return cbow_loss_and_grad(W_in[context], center, W_out)[0]
'''),
    "train_cbow_returns_a_loss_per_example": ("train", '''
def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    rng = np.random.default_rng(seed)
    W_in = (rng.random((vocab_size, dim)) - 0.5) / dim
    W_out = np.zeros((vocab_size, dim))
    losses = []
    for _ in range(epochs):
        for context, center in cbow_examples(ids, window):
            losses.append(cbow_step(W_in, W_out, context, center, lr))
    return W_in, W_out, losses
'''),
    "train_cbow_barely_learns": ("train", '''
_reference_train_cbow = train_cbow


def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    return _reference_train_cbow(ids, vocab_size, dim, window, epochs, lr / 100, seed)
'''),
    "train_cbow_losses_summed": ("train", '''
_reference_train_cbow = train_cbow


def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    W_in, W_out, losses = _reference_train_cbow(ids, vocab_size, dim, window, epochs, lr, seed)
    return W_in, W_out, [loss * len(cbow_examples(ids, window)) for loss in losses]
'''),
    "train_cbow_not_reproducible": ("train", '''
_reference_train_cbow = train_cbow


def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    return _reference_train_cbow(ids, vocab_size, dim, window, epochs, lr, None)   # a fresh seed every call
'''),
    "train_made_up_losses": ("train", '''
_reference_train_skipgram = train_skipgram


def train_skipgram(ids, vocab_size, dim, window, k, epochs, lr, seed):
    W_in, W_out, losses = _reference_train_skipgram(ids, vocab_size, dim, window, k, epochs, lr, seed)
    return W_in, W_out, [losses[0] * 0.7 ** epoch for epoch in range(epochs)]   # falling, but not the real ones
'''),
    "train_cbow_random_W_out": ("train", '''
def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    rng = np.random.default_rng(seed)
    W_in = (rng.random((vocab_size, dim)) - 0.5) / dim
    W_out = (rng.random((vocab_size, dim)) - 0.5) / dim   # not zeros
    examples, losses = cbow_examples(ids, window), []
    for _ in range(epochs):
        total = 0.0
        for index in rng.permutation(len(examples)):
            total += cbow_step(W_in, W_out, examples[index][0], examples[index][1], lr)
        losses.append(total / max(len(examples), 1))
    return W_in, W_out, losses
'''),
    "train_cbow_shuffles_once": ("train", '''
def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    rng = np.random.default_rng(seed)
    W_in, W_out = (rng.random((vocab_size, dim)) - 0.5) / dim, np.zeros((vocab_size, dim))
    examples, losses = cbow_examples(ids, window), []
    order = rng.permutation(len(examples))   # one order for every epoch
    for _ in range(epochs):
        total = 0.0
        for index in order:
            total += cbow_step(W_in, W_out, examples[index][0], examples[index][1], lr)
        losses.append(total / max(len(examples), 1))
    return W_in, W_out, losses
'''),
    "train_negatives_may_hit_context": ("train", '''
def train_skipgram(ids, vocab_size, dim, window, k, epochs, lr, seed):
    rng = np.random.default_rng(seed)
    ids = np.asarray(ids, dtype=np.int64)
    W_in, W_out = (rng.random((vocab_size, dim)) - 0.5) / dim, np.zeros((vocab_size, dim))
    sampler = NegativeSampler(np.bincount(ids, minlength=vocab_size), seed=int(rng.integers(2**32)))
    pairs, losses = skipgram_pairs(ids, window), []
    for _ in range(epochs):
        total = 0.0
        for center, context in pairs[rng.permutation(len(pairs))]:
            total += skipgram_step(W_in, W_out, center, context, sampler.sample(k), lr)   # the context may be drawn
        losses.append(total / max(len(pairs), 1))
    return W_in, W_out, losses
'''),
    "train_cbow_made_up_losses": ("train", '''
_reference_train_cbow = train_cbow


def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    W_in, W_out, losses = _reference_train_cbow(ids, vocab_size, dim, window, epochs, lr, seed)
    return W_in, W_out, [losses[0] * 0.7 ** epoch for epoch in range(epochs)]   # falling, but not the real ones
'''),
}

# Each round is one submission: the reference with these breaks appended.  A round breaks at most one function
# of each kind, and never both a function and one it calls (skipgram_step calls neg_sampling_loss_and_grad,
# NegativeSampler calls noise_distribution, train_skipgram calls almost everything), so each target fails
# because of its own break.
ROUNDS = [
    (["vocab_ties_not_alphabetical", "encode_unknown_as_minus_one", "pairs_center_with_itself", "cbow_swapped_tuple",
      "softmax_grad_sign", "neg_grad_sign", "most_similar_includes_word", "sampler_power_one"],
     ["test_build_vocab_orders_ties_alphabetically", "test_build_vocab_on_random_text",
      "test_encode_keeps_order_and_repeats_and_drops_unknown_words", "test_encode_of_only_unknown_words_is_empty",
      "test_skipgram_pairs_on_random_ids_with_repeats", "test_skipgram_pairs_reach_every_position_of_the_window",
      "test_skipgram_pairs_pair_a_word_with_its_copy_at_another_position",
      "test_skipgram_pairs_window_wider_than_the_sequence", "test_skipgram_pairs_are_empty_without_context",
      "test_cbow_examples_on_random_ids", "test_cbow_examples_cut_the_context_at_the_ends",
      "test_softmax_loss_and_grad_match_the_reference",
      "test_softmax_gradients_match_central_differences_of_the_loss",
      "test_softmax_loss_is_stable_for_scores_near_800", "test_softmax_with_embedding_dimension_one_and_two_words",
      "test_neg_sampling_matches_the_reference", "test_neg_sampling_with_embedding_dimension_one",
      "test_neg_sampling_gradients_match_central_differences_of_the_loss", "test_most_similar_ranks_by_cosine",
      "test_most_similar_handles_zero_vectors_and_a_large_topn",
      "test_sampler_draws_follow_count_to_the_three_quarters",
      "test_sampler_with_exclusion_keeps_the_relative_probabilities"]),
    (["min_count_exclusive", "cbow_empty_context_kept", "neg_loss_log_one_minus_sigmoid",
      "sampler_without_replacement", "cbow_grad_not_divided"],
     ["test_build_vocab_keeps_words_that_occur_exactly_min_count_times",
      "test_cbow_examples_skip_positions_without_context", "test_neg_sampling_is_exact_for_scores_of_fifty",
      "test_sampler_draws_with_replacement", "test_cbow_loss_and_grad_match_the_reference",
      "test_cbow_gradients_match_central_differences_of_the_loss"]),
    (["build_vocab_fails_on_empty_text", "sampler_exclude_ignored", "step_returns_loss_after",
      "cbow_softmax_no_max_shift"],
     ["test_build_vocab_of_no_tokens_is_empty", "test_sampler_never_returns_an_excluded_id",
      "test_skipgram_step_returns_the_loss_before_the_step", "test_cbow_loss_is_stable_for_scores_near_800"]),
    (["sampler_ignores_seed", "step_grad_ascent", "cbow_matrices_swapped"],
     ["test_sampler_is_reproducible_for_a_seed", "test_skipgram_step_moves_the_weights_against_the_gradient",
      "test_cbow_step_moves_the_weights_against_the_gradient",
      "test_skipgram_step_with_embedding_dimension_one_and_two_words"]),
    (["sampler_reseeds_each_call", "duplicate_negatives_not_accumulated", "cbow_repeated_context_once"],
     ["test_sampler_successive_calls_differ", "test_skipgram_step_applies_a_repeated_negative_once_per_occurrence",
      "test_cbow_step_moves_a_repeated_context_word_once_per_occurrence"]),
    (["sampler_smoothed_and_never_empty", "cbow_step_returns_loss_after"],
     ["test_sampler_returns_k_word_ids", "test_sampler_never_draws_a_word_with_count_zero",
      "test_cbow_step_returns_the_loss_before_the_step"]),
    (["noise_sorted_and_zero_to_the_zero", "cbow_center_in_own_context"],
     ["test_noise_distribution_is_count_to_the_three_quarters", "test_noise_distribution_uses_the_power_it_is_given",
      "test_noise_distribution_gives_zero_count_words_no_mass",
      "test_train_cbow_cannot_predict_the_center_from_random_neighbours"]),
    (["train_returns_a_loss_per_pair", "train_cbow_returns_a_loss_per_example"],
     ["test_train_skipgram_returns_V_by_E_matrices_and_a_loss_per_epoch",
      "test_train_cbow_returns_V_by_E_matrices_and_a_loss_per_epoch"]),
    (["train_barely_learns", "train_cbow_barely_learns"],
     ["test_train_skipgram_loss_falls_over_the_epochs", "test_train_skipgram_recovers_planted_topics",
      "test_train_cbow_loss_falls_over_the_epochs", "test_train_cbow_recovers_planted_topics"]),
    (["train_losses_summed", "train_cbow_losses_summed"],
     ["test_train_skipgram_reports_the_mean_loss_per_pair", "test_train_cbow_reports_the_mean_loss_per_example"]),
    (["train_not_reproducible", "train_cbow_not_reproducible"],
     ["test_train_skipgram_gives_the_same_result_for_the_same_seed_and_another_for_another",
      "test_train_cbow_gives_the_same_result_for_the_same_seed_and_another_for_another"]),
    (["train_made_up_losses", "train_cbow_made_up_losses"],
     ["test_train_skipgram_reports_the_loss_of_the_weights_it_returns",
      "test_train_cbow_reports_the_loss_of_the_weights_it_returns"]),
    (["train_negatives_may_hit_context", "train_cbow_random_W_out"],
     ["test_train_skipgram_never_draws_the_context_word_as_a_negative", "test_train_cbow_starts_W_out_at_zero"]),
    (["train_cbow_shuffles_once"], ["test_train_cbow_visits_the_examples_in_a_new_order_every_epoch"]),
    (["train_negatives_raw_counts"], ["test_train_skipgram_draws_its_negatives_from_count_to_the_three_quarters"]),
    (["train_window_off_by_one"], ["test_train_skipgram_trains_on_the_pairs_of_its_window"]),
    (["train_same_order_every_epoch"], ["test_train_skipgram_visits_the_pairs_in_a_new_order_every_epoch"]),
    (["cbow_train_window_off_by_one", "sampler_power_ignored"],
     ["test_train_cbow_trains_on_the_examples_of_its_window", "test_sampler_uses_the_power_it_is_given"]),
    (["sampler_draws_not_independent"], ["test_sampler_draws_of_one_call_are_independent"]),
]


def broken_submission(folder: Path, breaks: list[str]) -> Path:
    reference_as_submission(folder, ["word2vec"])
    for name in breaks:
        if name in UNNAMED_BREAKS:
            overrides = [UNNAMED_BREAKS[name]]
        else:
            overrides = [(path.stem, path.read_text()) for path in (MISTAKES / name).glob("*.py")]
        for module, code in overrides:
            target = folder / "word2vec" / f"{module}.py"
            target.write_text(target.read_text() + f"\n\n# --- break {name} ---\n" + code)
    return folder


CONSTANT_TRAIN_CBOW = '''
def train_cbow(ids, vocab_size, dim, window, epochs, lr, seed):
    """A made-up answer that ignores its data: words 0-3, 4-7 and 8-11 as three topics, and falling losses."""
    W_in = np.zeros((vocab_size, dim))
    W_in[np.arange(vocab_size), (np.arange(vocab_size) // 4) % dim] = 1.0
    return W_in, 3.0 * W_in, [np.log(vocab_size) * 0.8 ** epoch for epoch in range(epochs)]
'''


def test_a_train_cbow_that_ignores_its_data_scores_zero_on_every_training_test(tmp_path):
    """The stubs score 0 everywhere (above); so must a made-up constant answer of the right shapes."""
    folder = reference_as_submission(tmp_path, ["word2vec"])
    target = folder / "word2vec" / "train.py"
    target.write_text(target.read_text() + "\n\n" + CONSTANT_TRAIN_CBOW)
    tests = [test for test in hidden(grade_submission(folder, ["word2vec"])) if test.function == "train.train_cbow"]
    assert len(tests) == 10 and [test.score for test in tests] == [0.0] * 10


def test_the_rounds_target_every_hidden_test(reference_result):
    targeted = [test for _, targets in ROUNDS for test in targets]
    assert sorted(set(targeted)) == sorted({test.id.rsplit("::", 1)[1] for test in hidden(reference_result)})


@pytest.mark.parametrize("breaks, targets", ROUNDS, ids=["+".join(breaks)[:60] for breaks, _ in ROUNDS])
def test_each_hidden_test_fails_when_its_function_is_broken(breaks, targets, tmp_path):
    result = grade_submission(broken_submission(tmp_path, breaks), ["word2vec"])
    outcome = {test.id.rsplit("::", 1)[1]: test for test in hidden(result)}
    still_passing = [name for name in targets if outcome[name].passed]
    assert still_passing == []
    assert all(outcome[name].feedback.message for name in targets)


def test_the_expected_skipgram_loss_of_the_suite_is_the_mean_of_sampled_losses():
    """corpus_loss takes the expectation over the negatives exactly: it must equal the average of the reference's
    loss over many draws of negatives (from the reference's sampler, never the pair's context word)."""
    from autograder.course import load_reference
    from autograder.suites.word2vec.test_train import corpus_loss

    class Reference:
        pairs, sampler = load_reference("word2vec", "pairs"), load_reference("word2vec", "sampler")

    rng = np.random.default_rng(0)
    ids, vocab_size, k = rng.integers(0, 6, size=30), 6, 2
    W_in, W_out = rng.normal(0.0, 0.8, size=(vocab_size, 3)), rng.normal(0.0, 0.8, size=(vocab_size, 3))
    loss = load_reference("word2vec", "losses").neg_sampling_loss_and_grad
    sampler = Reference.sampler.NegativeSampler(np.bincount(ids, minlength=vocab_size), seed=1)
    sampled = [loss(W_in[center], W_out[context], W_out[sampler.sample(k, exclude=context)])[0]
               for _ in range(300) for center, context in Reference.pairs.skipgram_pairs(ids, 1)]
    assert corpus_loss(Reference, W_in, W_out, ids, 1, k) == pytest.approx(np.mean(sampled), rel=0.01)
