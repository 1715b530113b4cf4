"""Canvas-compatible QTI, made by text2qti from its plain-text quiz format.

The quiz is written as text2qti source (Markdown with `$…$` maths, which
text2qti turns into Canvas equation images), parsed by `text2qti.quiz.Quiz`
and packed by `text2qti.qti.QTI` into the zip Canvas imports.  text2qti has no
ordering or matching type: an ordering question becomes a single choice among
the right order and three wrong ones.
"""
from __future__ import annotations

import itertools
import random

from .._errors import UserError
from ._export import ExportGroup, export_plan, plain_number, tolerance
from ._model import Quiz
from ._variants import PreparedQuestion

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _block(marker: str, text: str) -> list[str]:
    """`marker text`, continuation lines indented under the text (text2qti's rule)."""
    lines = text.strip().splitlines() or [""]
    indent = " " * (len(marker) + 1)
    return [f"{marker} {lines[0]}"] + [f"{indent}{line}" if line.strip() else "" for line in lines[1:]]


def _ordering_choices(prepared: PreparedQuestion) -> tuple[str, list[tuple[bool, str]]]:
    """An ordering as a single choice: the items lettered in the prompt, orders of letters as choices."""
    labels = dict(zip(prepared.order, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    listing = "\n".join(f"- **{labels[key]}**: {prepared.texts[key]}" for key in prepared.order)
    right = list(prepared.expected)
    wrong = [list(order) for order in itertools.permutations(right) if list(order) != right]
    random.Random(prepared.id).shuffle(wrong)
    orders = [(True, right)] + [(False, order) for order in wrong[:3]]
    random.Random(prepared.id + "/choices").shuffle(orders)
    return listing, [(is_right, " → ".join(labels[key] for key in order)) for is_right, order in orders]


def question_source(prepared: PreparedQuestion, notes: list[str]) -> list[str]:
    question = prepared.question
    lines = [f"Title: {question.id}", f"Points: {question.points:g}"]
    prompt = prepared.prompt
    if question.type == "ordering":
        listing, choices = _ordering_choices(prepared)
        prompt += f"\n\n{listing}\n\nWhich order is right, first to last?"
    lines += _block("1.", prompt)
    lines += _block("...", question.explanation)
    kind = question.type
    if kind == "single":
        for letter, key in zip(_LETTERS, prepared.order):
            lines += _block(f"{'*' if key == prepared.expected else ''}{letter})", prepared.texts[key])
            if key in question.feedback:
                lines += _block("...", question.feedback[key])
    elif kind == "multiple":
        for key in prepared.order:
            lines += _block("[*]" if key in prepared.expected else "[ ]", prepared.texts[key])
            if key in question.feedback:
                lines += _block("...", question.feedback[key])
        notes.append("multiple-select questions: Canvas scores them by its own partial-credit rule")
    elif kind == "true_false":
        for letter, (value, text) in zip(_LETTERS, ((True, "True"), (False, "False"))):
            lines += _block(f"{'*' if value == prepared.expected else ''}{letter})", text)
            if text.lower() in question.feedback:
                lines += _block("...", question.feedback[text.lower()])
    elif kind == "numeric":
        lines.append(f"= {plain_number(prepared.expected)} +- {plain_number(tolerance(prepared))}")
    elif kind == "integer":
        lines.append(f"= {plain_number(prepared.expected)}")
    elif kind == "text":
        if question.pattern:
            notes.append(f"{question.id}: its pattern cannot be exported; only the accepted answers are")
        lines += [f"* {text}" for text in question.accept]
    elif kind == "ordering":
        for letter, (is_right, text) in zip(_LETTERS, choices):
            lines += _block(f"{'*' if is_right else ''}{letter})", text)
        notes.append(f"{question.id}: ordering exported as a single choice among four orders")
    return lines


def quiz_source(quiz: Quiz, count: int) -> tuple[str, list[str]]:
    """The whole quiz in text2qti's format."""
    plan, notes = export_plan(quiz, count)
    lines = [f"Quiz title: {quiz.title}"]
    if quiz.description:
        lines += _block("Quiz description:", quiz.description)
    lines += ["Shuffle answers: true", ""]
    for item in plan:
        if isinstance(item, ExportGroup):
            lines += ["GROUP", f"pick: {item.pick}", f"points per question: {item.points:g}", ""]
            for prepared in item.questions:
                lines += question_source(prepared, notes) + [""]
            lines += ["END_GROUP", ""]
        else:
            lines += question_source(item, notes) + [""]
    return "\n".join(lines), list(dict.fromkeys(notes))


def build_qti_zip(quiz: Quiz, count: int) -> tuple[bytes, list[str]]:
    """The QTI zip for Canvas, and notes on what differs from the quiz."""
    try:
        from text2qti.config import Config
        from text2qti.err import Text2qtiError
        from text2qti.qti import QTI
        from text2qti.quiz import Quiz as Text2qtiQuiz
    except ImportError:
        raise UserError("QTI export needs text2qti: pip install 'week5-autograder[quiz]'") from None
    source, notes = quiz_source(quiz, count)
    try:
        parsed = Text2qtiQuiz(source, config=Config(), source_name=str(quiz.path))
        return QTI(parsed).zip_bytes(), notes
    except Text2qtiError as exc:
        first = str(exc).splitlines()
        raise UserError(f"text2qti refused the exported quiz: {' '.join(first)}", quiz.path) from None
