"""Hidden tests of assignments/scaling/laws.py, on inputs drawn per submission around the course page's numbers.

Every input comes from `rng` (the submission's own seed), so the expected
values the feedback shows teach the formula but say nothing about the inputs of
the next submission: a table of answers copied from one run's feedback scores
nothing on the next.  Inputs keep four significant digits, so the feedback
reads like the course page.
"""
import numpy as np
import pytest

from autograder.grading.checks import expect, matches
from autograder.grading.diagnose import Hints, with_defaults

grades = pytest.mark.grades


def near(rng, value: float, decades: float = 0.5) -> float:
    """A value within ±decades orders of magnitude of value, rounded to four significant digits."""
    return float(f"{value * 10 ** rng.uniform(-decades, decades):.4g}")


@grades("laws.kaplan_loss")
@pytest.mark.parametrize("N_around", [1e8, 1e9, 7e10, 8.8e13])
def test_kaplan_loss_with_the_default_fit(student, ref, rng, N_around):
    """kaplan_loss(N) = (N_c / N)^α_N with N_c = 8.8e13 and α_N = 0.076"""
    N = near(rng, N_around)
    expect(student.laws.kaplan_loss(N), ref.laws.kaplan_loss(N), call="kaplan_loss(N)", inputs={"N": N},
           hints=Hints(elementwise=(ref.laws.kaplan_loss, N, "N")),
           mistakes_if={"kaplan_ratio_inverted": lambda got: matches(got, (N / 8.8e13) ** 0.076)})


@grades("laws.kaplan_loss")
def test_kaplan_loss_uses_its_parameters(student, ref, rng):
    """kaplan_loss uses the N_c and alpha_N it is given"""
    N, N_c, alpha_N = near(rng, 2e9), near(rng, 1e12), float(f"{rng.uniform(0.05, 0.2):.3g}")
    expect(student.laws.kaplan_loss(N, N_c, alpha_N), ref.laws.kaplan_loss(N, N_c, alpha_N),
           call="kaplan_loss(N, N_c, alpha_N)", inputs={"N": N, "N_c": N_c, "alpha_N": alpha_N},
           hints=Hints(alternatives=with_defaults(ref.laws.kaplan_loss, (N, N_c, alpha_N))))


@grades("laws.chinchilla_optimal", weight=2)
@pytest.mark.parametrize("params, tokens", [(70e9, 1.4e12), (7e9, 140e9), (1e9, 20e9)])
def test_chinchilla_optimal_on_the_course_examples(student, ref, rng, params, tokens):
    """chinchilla_optimal(C) gives back N and D = 20·N from C = 6·N·D"""
    C = near(rng, 6 * params * tokens)
    expected = ref.laws.chinchilla_optimal(C)
    expect(student.laws.chinchilla_optimal(C), (float(expected[0]), float(expected[1])),
           call="chinchilla_optimal(C)", inputs={"C": C},
           hints=Hints(items=["N", "D"], elementwise=(ref.laws.chinchilla_optimal, C, "C")),
           mistakes_if={"chinchilla_forgot_six": lambda got: matches(got, (np.sqrt(C / 20), 20 * np.sqrt(C / 20))),
                        "chinchilla_swapped": lambda got: matches(got, (expected[1], expected[0]))})


@grades("laws.chinchilla_optimal")
def test_chinchilla_optimal_uses_tokens_per_param(student, ref, rng):
    """chinchilla_optimal(C, tokens_per_param) uses the ratio it is given"""
    C, ratio = near(rng, 3.0e22), float(rng.choice([5.0, 10.0, 40.0, 80.0]))
    expected = ref.laws.chinchilla_optimal(C, ratio)
    expect(student.laws.chinchilla_optimal(C, ratio), (float(expected[0]), float(expected[1])),
           call="chinchilla_optimal(C, tokens_per_param)", inputs={"C": C, "tokens_per_param": ratio},
           hints=Hints(items=["N", "D"], alternatives=with_defaults(ref.laws.chinchilla_optimal, (C, ratio)),
                       elementwise=(lambda C: ref.laws.chinchilla_optimal(C, ratio), C, "C")))


@grades("laws.tokens_per_param")
@pytest.mark.parametrize("params, tokens", [(175e9, 300e9), (7e9, 2e12), (3.8e9, 3.3e12)])
def test_tokens_per_param_around_the_course_table(student, rng, params, tokens):
    """tokens_per_param(N, D) = D / N for models like those in the course's table"""
    N, D = near(rng, params, 0.3), near(rng, tokens, 0.3)
    expect(student.laws.tokens_per_param(N, D), D / N, call="tokens_per_param(N, D)", inputs={"N": N, "D": D},
           mistakes_if={"tokens_per_param_inverted": lambda got: matches(got, N / D)})
