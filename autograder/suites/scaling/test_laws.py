"""Hidden tests of assignments/scaling/laws.py, on the course page's own numbers."""
import numpy as np
import pytest

from autograder.grading.checks import expect, matches
from autograder.grading.diagnose import Hints, with_defaults

grades = pytest.mark.grades


@grades("laws.kaplan_loss")
@pytest.mark.parametrize("N", [1e8, 1e9, 7e10, 8.8e13])
def test_kaplan_loss_with_the_default_fit(student, ref, N):
    """kaplan_loss(N) = (N_c / N)^α_N with N_c = 8.8e13 and α_N = 0.076"""
    expect(student.laws.kaplan_loss(N), ref.laws.kaplan_loss(N), call="kaplan_loss(N)", inputs={"N": N},
           mistakes_if={"kaplan_ratio_inverted": lambda got: matches(got, (N / 8.8e13) ** 0.076)})


@grades("laws.kaplan_loss")
def test_kaplan_loss_uses_its_parameters(student, ref):
    """kaplan_loss uses the N_c and alpha_N it is given"""
    inputs = {"N": 2e9, "N_c": 1e12, "alpha_N": 0.1}
    expect(student.laws.kaplan_loss(2e9, 1e12, 0.1), ref.laws.kaplan_loss(2e9, 1e12, 0.1),
           call="kaplan_loss(N, N_c, alpha_N)", inputs=inputs,
           hints=Hints(alternatives=with_defaults(ref.laws.kaplan_loss, (2e9, 1e12, 0.1))))


@grades("laws.chinchilla_optimal", weight=2)
@pytest.mark.parametrize("params, tokens", [(70e9, 1.4e12), (7e9, 140e9), (1e9, 20e9)])
def test_chinchilla_optimal_on_the_course_examples(student, ref, params, tokens):
    """chinchilla_optimal(C) gives back N and D = 20·N from C = 6·N·D"""
    C = 6 * params * tokens
    expected = ref.laws.chinchilla_optimal(C)
    expect(student.laws.chinchilla_optimal(C), (float(expected[0]), float(expected[1])),
           call="chinchilla_optimal(C)", inputs={"C": C}, hints=Hints(items=["N", "D"]),
           mistakes_if={"chinchilla_forgot_six": lambda got: matches(got, (np.sqrt(C / 20), 20 * np.sqrt(C / 20))),
                        "chinchilla_swapped": lambda got: matches(got, (expected[1], expected[0]))})


@grades("laws.chinchilla_optimal")
def test_chinchilla_optimal_uses_tokens_per_param(student, ref):
    """chinchilla_optimal(C, tokens_per_param) uses the ratio it is given"""
    C = 3.0e22
    expected = ref.laws.chinchilla_optimal(C, 40.0)
    expect(student.laws.chinchilla_optimal(C, 40.0), (float(expected[0]), float(expected[1])),
           call="chinchilla_optimal(C, tokens_per_param)", inputs={"C": C, "tokens_per_param": 40.0},
           hints=Hints(items=["N", "D"], alternatives=with_defaults(ref.laws.chinchilla_optimal, (C, 40.0))))


@grades("laws.tokens_per_param")
@pytest.mark.parametrize("params, tokens", [(175e9, 300e9), (7e9, 2e12), (3.8e9, 3.3e12)])
def test_tokens_per_param_from_the_course_table(student, params, tokens):
    """tokens_per_param(N, D) = D / N for the models in the course's table"""
    expect(student.laws.tokens_per_param(params, tokens), tokens / params, call="tokens_per_param(N, D)",
           inputs={"N": params, "D": tokens},
           mistakes_if={"tokens_per_param_inverted": lambda got: matches(got, params / tokens)})

