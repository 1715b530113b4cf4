"""Hidden tests of assignments/word2vec/sampler.py.

noise_distribution is deterministic and compared exactly.  NegativeSampler is
random, so it is graded by what any correct sampler must do, however it is
written (its own random stream, a CDF with np.searchsorted, random.choices,
rejection, ...): exact checks where the contract is deterministic (length,
range, exclusion, reproducibility) and Pearson chi-square goodness-of-fit tests
for the frequencies.  Each goodness-of-fit test rejects at ALPHA = 1e-6, so a
correct sampler fails it with probability 1e-6 (df = V - 1, no parameter is
estimated; 20,000 draws on the toy8 counts leave every expected count above
200, where the chi-square approximation is accurate).  A wrong exponent is named
from the maximum-likelihood exponent of the draws (standard error ≈ 0.0075 at
20,000 draws; see /work/shared/research/student-mistakes.md §2).

The power argument is checked with count^1 (a sampler that ignores it draws
count^0.75 and is named), and the independence of the draws of one call by how
much the per-call counts vary over 100 calls (quotas of floor(k·p) vary too little).
"""
import numpy as np
import pytest

from autograder.grading.checks import expect, fail, figure, matches
from autograder.grading.compare import as_numeric_array, show
from autograder.grading.numeric import mle_power, pearson_chi2
from autograder.results import Figure, Series
from autograder.suites.word2vec._common import check_inputs_kept

grades = pytest.mark.grades

TOY8 = np.array([100, 60, 40, 30, 10, 5, 2, 1])   # spans two orders of magnitude, no ties
DRAWS = 20_000
ALPHA = 1e-6                                        # false-failure probability of each goodness-of-fit test
NAMED_POWERS = {1.0: "sampler_power_one", 0.5: "sampler_power_half", 0.0: "sampler_uniform"}


def shuffled_toy8(rng):
    """The toy8 counts in a random order, so that word ids do not follow the counts."""
    return TOY8[rng.permutation(len(TOY8))]


# -- noise_distribution -------------------------------------------------------------------------------------------
def powered(counts, power):
    """count^power, with 0 for a count of 0 (not normalised)."""
    counts = np.asarray(counts, dtype=np.float64)
    weights = np.zeros_like(counts)
    weights[counts > 0] = counts[counts > 0] ** power
    return weights


def noise_mistakes(counts, power):
    counts = np.asarray(counts, dtype=np.float64)

    def zero_count_gets_mass(got):
        array = as_numeric_array(got)
        return array is not None and array.shape == counts.shape and bool(np.any(array[counts == 0] != 0))

    return {
        "zero_count_gets_mass": zero_count_gets_mass,
        "noise_unnormalised": lambda got: matches(got, powered(counts, power)),
        "noise_power_ignored": lambda got: any(matches(got, powered(counts, other) / powered(counts, other).sum())
                                               for other in (1.0, 0.75) if other != power),
    }


@grades("sampler.noise_distribution")
def test_noise_distribution_is_count_to_the_three_quarters(student, ref, rng):
    """noise_distribution(counts) is count^0.75 normalised to sum 1, in the order of counts"""
    counts = shuffled_toy8(rng)
    expect(student.sampler.noise_distribution(counts), ref.sampler.noise_distribution(counts),
           call="noise_distribution(counts)", inputs={"counts": counts},
           mistakes_if=noise_mistakes(counts, 0.75))


@grades("sampler.noise_distribution", weight=0.5)
def test_noise_distribution_uses_the_power_it_is_given(student, ref, calls, rng):
    """noise_distribution(counts, power) raises float counts to the given power, without changing counts"""
    counts = rng.uniform(0.5, 50.0, size=6)
    for power in (0.5, 1.0):
        inputs = {"counts": counts, "power": power}
        got = student.sampler.noise_distribution(counts, power)
        check_inputs_kept(calls, "noise_distribution(counts, power)", inputs)
        expect(got, ref.sampler.noise_distribution(counts, power), call="noise_distribution(counts, power)",
               inputs=inputs, mistakes_if=noise_mistakes(counts, power))


@grades("sampler.noise_distribution", weight=0.5)
def test_noise_distribution_gives_zero_count_words_no_mass(student, ref):
    """noise_distribution gives probability 0 to a word with count 0, also with power 0"""
    counts = np.array([4, 0, 1, 0, 9])
    for power in (0.75, 0.0):
        expect(student.sampler.noise_distribution(counts, power), ref.sampler.noise_distribution(counts, power),
               call="noise_distribution(counts, power)", inputs={"counts": counts, "power": power},
               mistakes_if=noise_mistakes(counts, power))


# -- NegativeSampler ----------------------------------------------------------------------------------------------
def new_sampler(student, counts, seed):
    return student.sampler.NegativeSampler.new(counts, seed=seed)


def as_draws(got, k, vocab_size, *, call, inputs, exclude=None) -> np.ndarray:
    """The returned draws as an int array, after checking length, integrality and range."""
    array = as_numeric_array(got)
    if array is None or array.ndim != 1:
        fail(f"{call} should return a 1-D array of {k} word ids.", inputs=inputs, expected=f"{k} word ids",
             got=show(got))
    if len(array) != k:
        dropped = exclude is not None and len(array) < k
        fail(f"{call} returned {len(array)} ids instead of k = {k}.", inputs=inputs, expected=f"{k} ids",
             got=show(got), mistake="sampler_exclude_drops_draws" if dropped else None)
    if array.size and array.dtype.kind not in "iu":
        fail(f"{call} returned an array of dtype {array.dtype}; word ids are integers (the docstring's ndarray "
             "(k,), int), which can index arrays.", inputs=inputs, got=show(got))
    if array.size and (array.min() < 0 or array.max() >= vocab_size):
        fail(f"{call} returned values that are not word ids 0 … {vocab_size - 1}.", inputs=inputs,
             got=show(got))
    return array.astype(np.int64)


def frequency_figure(observed, expected, title):
    words = [float(i) for i in range(len(observed))]
    return Figure(title=title, x_label="word id", y_label="share of the draws", series=[
        Series("your sampler", words, [float(x) for x in observed / max(1, observed.sum())], style="bar"),
        Series("expected (count^0.75)", words, [float(x) for x in expected], style="bar")])


def fits(observed, weights) -> bool:
    """True when the draws pass the goodness-of-fit test against the given weights (to name a wrong power)."""
    return pearson_chi2(observed, weights / weights.sum())[2] >= ALPHA


def check_fit(observed, probabilities, counts, *, call, inputs, power=0.75):
    """Pearson goodness of fit at ALPHA against count^power; on failure, name the exponent the draws follow best."""
    statistic, df, p_value = pearson_chi2(observed, probabilities)
    if p_value >= ALPHA:
        return
    possible = probabilities > 0
    best_power = mle_power(observed[possible], counts[possible])
    named = NAMED_POWERS if power == 0.75 else {0.75: "sampler_power_ignored"}
    mistake = next((name for value, name in named.items() if abs(best_power - value) < 0.1
                    and fits(observed, possible * powered(counts, value))), None)
    n = int(observed.sum())
    shown_p = f"= {p_value:.2g}" if p_value > 1e-300 else "< 1e-300"
    # the right frequencies on the wrong words: the draws fit once both are sorted
    misaligned = mistake is None and fits(np.sort(observed)[::-1], np.sort(probabilities)[::-1])
    best = (f"The draws have the right frequencies, but on the wrong words: sorted, they fit count^{power:g}, so the "
            "probability of word i is not computed from counts[i] (were the counts sorted, or the words reordered?)."
            if misaligned else f"The draws fit count^{best_power:.2f} best.")
    fail(f"The {n} draws of {call} do not follow count^{power:g}: a chi-square goodness-of-fit test gives "
         f"X² = {statistic:.1f} with {df} degrees of freedom, p {shown_p} (a correct sampler fails this test "
         f"with probability 1e-6). {best}",
         inputs=inputs, expected="draws per word ≈ " + show(np.round(n * probabilities, 1)),
         got="draws per word = " + show(observed), mistake=mistake)


@grades("sampler.NegativeSampler", weight=2)
def test_sampler_draws_follow_count_to_the_three_quarters(student, ref, rng):
    """20,000 draws of sample(k) follow count^0.75 (chi-square test, false-failure chance 1e-6)"""
    counts, seed = shuffled_toy8(rng), int(rng.integers(2**31))
    inputs = {"counts": counts, "seed": seed, "k": DRAWS}
    draws = as_draws(new_sampler(student, counts, seed).call("sample", DRAWS), DRAWS, len(counts),
                     call="sampler.sample(k)", inputs=inputs)
    observed = np.bincount(draws, minlength=len(counts))
    probabilities = ref.sampler.noise_distribution(counts)
    figure(frequency_figure(observed, probabilities, "Negative sampler: share of 20,000 draws per word"))
    check_fit(observed, probabilities, counts, call="sampler.sample(k)", inputs=inputs)


@grades("sampler.NegativeSampler")
def test_sampler_never_returns_an_excluded_id(student, rng):
    """sample(k, exclude) never returns an excluded id, given as one int or as an array"""
    counts, seed = shuffled_toy8(rng), int(rng.integers(2**31))
    sampler = new_sampler(student, counts, seed)
    top = int(np.argmax(counts))
    for exclude in (top, np.argsort(-counts)[:2]):
        inputs = {"counts": counts, "seed": seed, "k": 2000, "exclude": exclude}
        draws = as_draws(sampler.call("sample", 2000, exclude=exclude), 2000, len(counts),
                         call="sampler.sample(k, exclude)", inputs=inputs, exclude=exclude)
        returned = sorted(set(draws.tolist()) & set(np.atleast_1d(exclude).tolist()))
        if returned:
            fail(f"sampler.sample(k, exclude) returned the excluded id {returned[0]} "
                 f"{int(np.sum(draws == returned[0]))} times in {len(draws)} draws.", inputs=inputs,
                 expected=f"no {returned[0]} among the draws", got=show(draws), mistake="sampler_exclude_ignored")


@grades("sampler.NegativeSampler")
def test_sampler_with_exclusion_keeps_the_relative_probabilities(student, ref, rng):
    """sample(k, exclude) keeps the count^0.75 proportions of the other words (chi-square, false-failure chance 1e-6)"""
    counts, seed = shuffled_toy8(rng), int(rng.integers(2**31))
    exclude = np.argsort(-counts)[[0, 3]]          # the most frequent word and a middle one
    inputs = {"counts": counts, "seed": seed, "k": DRAWS, "exclude": exclude}
    draws = as_draws(new_sampler(student, counts, seed).call("sample", DRAWS, exclude=exclude), DRAWS, len(counts),
                     call="sampler.sample(k, exclude)", inputs=inputs, exclude=exclude)
    observed = np.bincount(draws, minlength=len(counts))
    if observed[exclude].any():
        fail("sampler.sample(k, exclude) returned excluded ids.", inputs=inputs, expected="0 draws of "
             + show(exclude), got="draws per word = " + show(observed), mistake="sampler_exclude_ignored")
    probabilities = ref.sampler.noise_distribution(counts)
    probabilities[exclude] = 0.0
    probabilities /= probabilities.sum()
    check_fit(observed, probabilities, counts, call="sampler.sample(k, exclude)", inputs=inputs)


@grades("sampler.NegativeSampler")
def test_sampler_draws_with_replacement(student, rng):
    """sample(k) draws with replacement: repeated ids occur, and k larger than the vocabulary works"""
    counts, seed = shuffled_toy8(rng), int(rng.integers(2**31))
    sampler = new_sampler(student, counts, seed)
    inputs = {"counts": counts, "seed": seed, "k": 5}
    batches = [as_draws(got, 5, len(counts), call="sampler.sample(k)", inputs=inputs)
               for got in sampler.call("sample", 5, repeat=40)]
    with_repeats = sum(len(set(batch.tolist())) < len(batch) for batch in batches)
    different = len({tuple(batch.tolist()) for batch in batches})
    # A correct sampler repeats an id in about 95% of these calls: P(none) < 1e-50.  Identical calls (a sampler
    # reseeded on every call) say nothing about replacement; that has its own test.
    if with_repeats == 0 and different >= 10:
        fail("In 40 calls of sampler.sample(5), no call returned the same id twice. The draws must be "
             "independent, so on these counts about 38 of the 40 calls should contain a repeated id.",
             inputs=inputs, expected="repeated ids in most calls", got="no repeated id in any call; the first calls: "
             + ", ".join(show(batch) for batch in batches[:4]), mistake="sampler_without_replacement")
    many = 3 * len(counts)
    as_draws(sampler.call("sample", many), many, len(counts), call="sampler.sample(k)",
             inputs={"counts": counts, "seed": seed, "k": many})


@grades("sampler.NegativeSampler")
def test_sampler_is_reproducible_for_a_seed(student, rng):
    """two samplers made with the same seed give the same draws"""
    counts, seed = shuffled_toy8(rng), int(rng.integers(2**31))
    inputs = {"counts": counts, "seed": seed, "k": 30}
    first = new_sampler(student, counts, seed).call("sample", 30, repeat=2)
    second = new_sampler(student, counts, seed).call("sample", 30, repeat=2)
    first = [as_draws(got, 30, len(counts), call="sampler.sample(k)", inputs=inputs) for got in first]
    second = [as_draws(got, 30, len(counts), call="sampler.sample(k)", inputs=inputs) for got in second]
    if not all(np.array_equal(a, b) for a, b in zip(first, second)):
        fail("Two samplers made with the same seed returned different draws from sample(30) (two calls each).",
             inputs=inputs, expected=show(first[0]) + " (the first sampler)", got=show(second[0]) + " (the second)",
             mistake="sampler_ignores_seed")


@grades("sampler.NegativeSampler")
def test_sampler_successive_calls_differ(student, rng):
    """two successive calls of sample(k) on one sampler give different draws"""
    counts, seed = shuffled_toy8(rng), int(rng.integers(2**31))
    inputs = {"counts": counts, "seed": seed, "k": 20}
    first, second = [as_draws(got, 20, len(counts), call="sampler.sample(k)", inputs=inputs)
                     for got in new_sampler(student, counts, seed).call("sample", 20, repeat=2)]
    if np.array_equal(first, second):   # a correct sampler repeats 20 draws with probability below 1e-14
        fail("Two successive calls of sampler.sample(20) returned exactly the same draws.", inputs=inputs,
             expected="different draws", got=f"{show(first)} twice", mistake="sampler_reseeds_each_call")


@grades("sampler.NegativeSampler", weight=0.5)
def test_sampler_returns_k_word_ids(student, rng):
    """sample(k) returns k word ids in 0 … V-1, also for k = 0 and k = 1"""
    counts, seed = shuffled_toy8(rng), int(rng.integers(2**31))
    sampler = new_sampler(student, counts, seed)
    for k in (0, 1, 7):
        as_draws(sampler.call("sample", k), k, len(counts), call="sampler.sample(k)",
                 inputs={"counts": counts, "seed": seed, "k": k})


@grades("sampler.NegativeSampler", weight=0.5)
def test_sampler_never_draws_a_word_with_count_zero(student, rng):
    """a word with count 0 is never drawn"""
    counts, seed = np.array([5.0, 0.0, 3.0, 0.0, 2.0]), int(rng.integers(2**31))
    inputs = {"counts": counts, "seed": seed, "k": 2000}
    sampler = new_sampler(student, counts, seed)
    draws = as_draws(sampler.call("sample", 2000), 2000, len(counts), call="sampler.sample(k)", inputs=inputs)
    zero = [word for word in (1, 3) if word in draws]
    if zero:
        fail(f"sampler.sample(k) drew word {zero[0]}, whose count is 0, {int(np.sum(draws == zero[0]))} times.",
             inputs=inputs, expected=f"no {zero[0]} among the draws", got=show(draws))


@grades("sampler.NegativeSampler", weight=0.5)
def test_sampler_uses_the_power_it_is_given(student, ref, rng):
    """NegativeSampler(counts, power=1.0) draws follow count^1 (chi-square test, false-failure chance 1e-6)"""
    counts, seed = shuffled_toy8(rng), int(rng.integers(2**31))
    draws_wanted = DRAWS // 2   # 10,000 draws: count^0.75 against count^1 fails with p < 1e-20
    inputs = {"counts": counts, "power": 1.0, "seed": seed, "k": draws_wanted}
    sampler = student.sampler.NegativeSampler.new(counts, power=1.0, seed=seed)
    draws = as_draws(sampler.call("sample", draws_wanted), draws_wanted, len(counts), call="sampler.sample(k)",
                     inputs=inputs)
    check_fit(np.bincount(draws, minlength=len(counts)), ref.sampler.noise_distribution(counts, 1.0), counts,
              call="sampler.sample(k) of NegativeSampler(counts, power=1.0)", inputs=inputs, power=1.0)


INDEPENDENT_CALLS, INDEPENDENT_K = 100, 20
# Measured on 10^6 sets of 100 calls of 20 independent draws: lowest z -4.02, one below -4 (a lighter lower tail
# than the normal's); floor(k·p) copies plus a few draws: z of -9.5 or less in 200 sets.
EVENNESS_Z = -5.0


@grades("sampler.NegativeSampler", weight=0.5)
def test_sampler_draws_of_one_call_are_independent(student, ref, rng):
    """the words of 100 calls of sample(20) vary from call to call as much as independent draws do"""
    counts, seed = shuffled_toy8(rng), int(rng.integers(2**31))
    inputs = {"counts": counts, "seed": seed, "k": INDEPENDENT_K}
    batches = [as_draws(got, INDEPENDENT_K, len(counts), call="sampler.sample(k)", inputs=inputs) for got in
               new_sampler(student, counts, seed).call("sample", INDEPENDENT_K, repeat=INDEPENDENT_CALLS)]
    per_call = np.array([np.bincount(batch, minlength=len(counts)) for batch in batches])
    z = evenness(per_call, ref.sampler.noise_distribution(counts), INDEPENDENT_K)
    if z < EVENNESS_Z:
        fail(f"The draws of one call of sampler.sample({INDEPENDENT_K}) are spread more evenly over the words than "
             f"independent draws can be: over {INDEPENDENT_CALLS} calls, the per-call counts of the words stray from "
             f"k·p by {z:.1f} standard deviations less than independent draws do (a correct sampler goes below "
             f"{EVENNESS_Z:g} with probability below 1e-6).", inputs=inputs,
             expected="per-call counts that vary like independent draws (binomial)",
             got="per-call draws per word: " + ", ".join(show(row) for row in per_call[:4]) + " …",
             mistake="sampler_draws_not_independent")


def evenness(per_call: np.ndarray, probabilities: np.ndarray, k: int) -> float:
    """z-score of Σ over calls of each call's Pearson X² against its exact mean and variance for independent draws.

    per_call (calls, V) int: each call's draws per word; probabilities (V,) of the draws, all positive.  For k
    independent draws X² has mean V - 1 and variance 2(V - 1) + (Σ 1/p - V² - 2V + 2) / k, exactly; the sum over
    calls is close to normal, with a lower tail lighter than the normal's.  Draws more even than chance (quotas of
    floor(k·p)) give a large negative z.
    """
    calls, V = per_call.shape
    expected = k * probabilities
    statistic = float(np.sum((per_call - expected) ** 2 / expected))
    variance = calls * (2 * (V - 1) + (float(np.sum(1 / probabilities)) - V * V - 2 * V + 2) / k)
    return (statistic - calls * (V - 1)) / variance ** 0.5
