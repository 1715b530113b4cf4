"""No student-facing rendering (show, take, the answer page) gives the answer key away."""
import dataclasses
import html
import re

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.quiz._expressions import parse_expression
from autograder.quiz._markup import split_maths
from autograder.quiz._page import render_page
from autograder.quiz._render_terminal import render_variant
from autograder.quiz._variants import build_variant

STUDENTS = ["s1234567", "alice", "Bob Smith", "zoë"]


def _flat(text: str) -> str:
    """Visible text, whitespace collapsed: tags dropped, entities decoded."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("**", "").split())


def _student_outputs(bank_path, bank, student) -> dict[str, str]:
    variant = build_variant(bank, student)
    show = CliRunner().invoke(main, ["quiz", "show", str(bank_path), "--student", student]).output
    take = CliRunner().invoke(main, ["quiz", "take", str(bank_path), "--student", student, "-o", "/dev/null"],
                              input="\n" * len(variant.questions)).output
    return {"show": show, "take": take, "page": render_page(variant)}


def _secrets(bank, student) -> list[str]:
    """Texts that only a graded result may show: explanations, feedback, answers, expressions."""
    secrets = []
    for prepared in build_variant(bank, student).questions:
        question = prepared.question
        for text in [question.explanation, *question.feedback.values()]:
            secrets += [" ".join(part.replace("**", "").split()) for is_maths, part in split_maths(text)
                        if not is_maths and len(part.strip()) >= 20]
        if question.expression is not None and len(question.expression.text) >= 6:
            secrets.append(question.expression.text)
        if question.type == "numeric" and not float(prepared.expected).is_integer():
            secrets.append(f"{prepared.expected:.6g}")
        secrets += [text for text in question.accept if len(text) >= 4]
        if question.pattern:
            secrets.append(question.pattern)
    return secrets


@pytest.mark.parametrize("student", STUDENTS)
def test_no_explanation_feedback_answer_or_expression_appears_before_grading(bank_path, bank, student):
    outputs = {name: _flat(text) for name, text in _student_outputs(bank_path, bank, student).items()}
    secrets = _secrets(bank, student)
    assert len(secrets) > 60
    for name, output in outputs.items():
        leaked = [secret for secret in secrets if secret in output]
        assert not leaked, f"{name} shows {leaked[:3]}"


def test_the_check_would_see_a_leak(bank_path, bank):
    secrets = _secrets(bank, "alice")
    explanation = bank.questions["q1-deep-learning-activation"].explanation
    assert any(secret in _flat(explanation) for secret in secrets)


def _with_another_key(quiz):
    """The same quiz with every answer, explanation and feedback replaced."""
    changed = {}
    for question_id, question in quiz.questions.items():
        replacement = {"explanation": "Something else entirely.", "feedback": {}, "accept": ("zzz",),
                       "pattern": None}
        if question.type == "single":
            replacement["answer"] = [key for key in question.choices if key != question.answer][0]
        elif question.type == "multiple":
            replacement["answer"] = [key for key in question.choices if key not in question.answer][:1]
        elif question.type == "true_false":
            replacement["answer"] = not question.answer
        elif question.type == "ordering":
            replacement["answer"] = list(reversed(question.answer))
        elif question.expression is not None:
            replacement["expression"] = parse_expression("12345")
        changed[question_id] = dataclasses.replace(question, **replacement)
    entries = tuple(changed[entry.id] if entry.id in changed and not hasattr(entry, "draw") else entry
                    for entry in quiz.entries)
    return dataclasses.replace(quiz, questions=changed, entries=entries,
                               listed=tuple(changed[q.id] for q in quiz.listed))


@pytest.mark.parametrize("student", STUDENTS)
def test_renderings_do_not_depend_on_the_answer_key_at_all(bank, student):
    other = _with_another_key(bank)
    assert other.questions["q1-deep-learning-activation"].answer != "relu"
    original, changed = build_variant(bank, student), build_variant(other, student)
    assert render_variant(original) == render_variant(changed)
    assert render_page(original) == render_page(changed)
