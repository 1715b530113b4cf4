"""The week-5 bank covers the course page, and each student gets a stable variant of it."""
import hashlib
from collections import Counter

from autograder.quiz import build_variant
from autograder.quiz._variants import derive_seed, drawn_questions

PAGE_SECTIONS = {
    "big-picture", "activations", "non-linearity", "forward-pass", "backpropagation", "training-modes",
    "epochs-and-iterations", "word2vec", "cbow-vs-skip-gram", "skip-gram-pairs", "context-independence",
    "negative-sampling", "kaplan", "chinchilla", "tokens-per-parameter", "test-time-compute",
}


def test_the_bank_has_at_least_20_questions_covering_every_section_of_the_page(bank):
    assert len(bank.questions) >= 20
    tags = {tag for question in bank.questions.values() for tag in question.tags}
    assert tags >= PAGE_SECTIONS


def test_the_bank_contains_the_four_quiz_prep_questions_of_the_page(bank):
    for question_id in ("q1-deep-learning-activation", "q2-cbow-predicts", "q3-iterations-per-epoch",
                        "q4-context-independent"):
        assert question_id in bank.questions
    assert bank.questions["q1-deep-learning-activation"].answer == "relu"
    assert bank.questions["q2-cbow-predicts"].answer == "centre"
    assert bank.questions["q4-context-independent"].answer is False
    q3 = bank.questions["q3-iterations-per-epoch"]
    assert q3.expression.evaluate({"documents": 1000, "batch": 50}) == 20      # the page's own numbers
    assert 1000 in q3.parameters["documents"].values and 50 in q3.parameters["batch"].values


def test_at_least_six_questions_are_parameterised_and_every_type_is_used(bank):
    parameterised = [q for q in bank.questions.values() if bank.parameters_of(q)]
    assert len(parameterised) >= 6
    for question_id in ("q3-iterations-per-epoch", "skipgram-pairs", "chinchilla-tokens", "forward-pass-hidden",
                        "forward-pass-output"):
        assert bank.parameters_of(bank.questions[question_id])
    assert set(Counter(q.type for q in bank.questions.values())) == {
        "single", "multiple", "true_false", "numeric", "integer", "text", "ordering"}


def test_skip_gram_pairs_are_counted_exactly_at_the_edges(bank):
    expression = bank.questions["skipgram-pairs"].expression
    for words in range(5, 31):
        for window in range(1, 5):
            exact = sum(min(i, window) + min(words - 1 - i, window) for i in range(words))
            assert expression.evaluate({"words": words, "window": window}) == exact
    assert expression.evaluate({"words": 100, "window": 2}) == 394      # not the page's rough 400


def test_the_forward_pass_questions_share_one_network_per_student(bank, variant_of):
    variant = variant_of("s1234567")
    hidden, output = variant.get("forward-pass-hidden"), variant.get("forward-pass-output")
    assert hidden.values == output.values and len(hidden.values) == 11
    v = hidden.values
    h1 = max(0, v["w11"] * v["x1"] + v["w21"] * v["x2"] + v["b1"])
    assert hidden.expected == h1


def test_a_student_always_gets_the_same_variant(bank):
    first, again = build_variant(bank, "s1234567"), build_variant(bank, "  S1234567 ")
    assert [(p.id, p.values, p.order, p.prompt) for p in first.questions] == \
           [(p.id, p.values, p.order, p.prompt) for p in again.questions]


def test_students_get_different_numbers_and_choice_orders(bank, students):
    variants = [build_variant(bank, student) for student in students]
    numbers = {tuple(sorted(v.get("q3-iterations-per-epoch").values.items())) for v in variants}
    orders = {tuple(v.get("q1-deep-learning-activation").order) for v in variants}
    assert len(numbers) > 1 and len(orders) > 1


def test_seeds_come_from_sha256_of_quiz_student_and_purpose():
    expected = int.from_bytes(hashlib.sha256(b"week5\x1fs1234567\x1fpool:x").digest()[:8], "big")
    assert derive_seed("week5", "s1234567", "pool:x") == expected
    assert derive_seed("week5", "S1234567 ", "pool:x") == expected
    assert derive_seed("week6", "s1234567", "pool:x") != expected


def test_the_variant_of_a_known_student_never_changes(bank):
    """A regrade months later must rebuild the same variant: pinned values of one student."""
    variant = build_variant(bank, "s1234567")
    assert variant.get("q3-iterations-per-epoch").values == {"documents": 1500, "batch": 32}
    assert variant.get("q3-iterations-per-epoch").expected == 47


def test_pools_draw_their_number_of_questions_for_every_student(bank, students):
    range_questions = {"range-of-tanh", "range-of-sigmoid", "range-of-relu"}
    history = {"kaplan-conclusion", "gpt3-under-trained", "over-training-reason"}
    seen = set()
    for number in range(40):
        drawn = {q.id for q in drawn_questions(bank, f"student-{number}")}
        assert len(drawn & range_questions) == 1 and len(drawn & history) == 2
        seen |= drawn & (range_questions | history)
    assert seen == range_questions | history


def test_every_variant_is_worth_the_same_points(bank):
    assert len({build_variant(bank, f"student-{n}").points for n in range(20)}) == 1


def test_ordering_items_are_never_shown_in_file_order(bank):
    for number in range(30):
        prepared = build_variant(bank, f"student-{number}").get("backprop-order")
        assert prepared.order != list(bank.questions["backprop-order"].items)
