"""A student's variant as terminal text, without answers, explanations or feedback."""
from __future__ import annotations

import string
import textwrap

from ._markup import to_terminal
from ._variants import PreparedQuestion, Variant

#: how to write each type's answer in an answers file (shown to students; see README "Quizzes")
ANSWER_FORMS = {
    "single": "one of the keys in [brackets]",
    "multiple": "a list of the keys in [brackets] you pick, e.g. [key, other-key]; [] for none",
    "true_false": "true or false",
    "numeric": "a number, e.g. 1.5, -0.25 or 3.2e9",
    "integer": "a whole number",
    "text": "a short text",
    "ordering": "a list of every key in [brackets], first to last",
}

SCORING_RULES = {
    ("multiple", "all_or_nothing"): "Select all that apply. Full points only for exactly the right choices.",
    ("multiple", "right_minus_wrong"): ("Select all that apply. Each right choice you pick earns an equal share of "
                                        "the points, each wrong one you pick takes one share away, and the score "
                                        "is never below zero."),
    ("ordering", "all_or_nothing"): "Full points only for the whole order right.",
    ("ordering", "right_positions"): "Each item in its right position earns an equal share of the points.",
}


def letters(count: int) -> list[str]:
    return list(string.ascii_lowercase[:count])


def _points(value: float) -> str:
    text = f"{value:g}"
    return f"{text} point" + ("" if value == 1 else "s")


def scoring_rule(prepared: PreparedQuestion) -> str:
    return SCORING_RULES.get((prepared.question.type, prepared.question.scoring), "")


def answer_form(prepared: PreparedQuestion) -> str:
    return ANSWER_FORMS[prepared.question.type]


def question_body(prepared: PreparedQuestion) -> str:
    """The prompt, then its choices or items as `a) text  [key]`; no hint of the answer."""
    lines = [to_terminal(prepared.prompt).strip()]
    rule = scoring_rule(prepared)
    if rule:
        lines += ["", rule]
    if prepared.order:
        lines.append("")
        for letter, key in zip(letters(len(prepared.order)), prepared.order):
            text = to_terminal(prepared.texts[key]).strip().replace("\n", " ")
            lines.append(f"  {letter}) {text}  [{key}]")
    return "\n".join(lines)


def render_question(prepared: PreparedQuestion) -> str:
    question = prepared.question
    header = f"{prepared.number}. {question.id}  ({_points(question.points)})"
    return "\n".join([header, textwrap.indent(question_body(prepared), "   "),
                      f"   Answer: {answer_form(prepared)}"])


def render_variant(variant: Variant) -> str:
    """The whole quiz for one student, as shown by `autograder quiz show`."""
    quiz = variant.quiz
    lines = [quiz.title, f"Variant of student {variant.student}: {len(variant.questions)} questions, "
                         f"{_points(variant.points)}.", ""]
    if quiz.description:
        lines += [to_terminal(quiz.description).strip(), ""]
    for prepared in variant.questions:
        lines += [render_question(prepared), ""]
    return "\n".join(lines).rstrip() + "\n"
