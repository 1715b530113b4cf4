"""`autograder quiz take`: answer a variant question by question in the terminal.

Each question is shown as `quiz show` shows it; the student types a choice
letter or key (several, separated by spaces or commas, for multiple select and
ordering), true/false, a number or a text.  An empty line skips the question.
Input that does not fit is explained and asked again; the answers file is
written at the end, or when the input ends early.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from .._filenames import safe_file_name
from ._answers import AnswerProblem, dump_answers, read_answer
from ._model import Quiz
from ._render_terminal import letters, render_question
from ._variants import PreparedQuestion, build_variant

_TRUE = {"t", "true", "y", "yes"}
_FALSE = {"f", "false", "n", "no"}


def _keys(prepared: PreparedQuestion, text: str) -> list[str]:
    """Choice letters or keys, separated by spaces or commas, as keys."""
    by_letter = dict(zip(letters(len(prepared.order)), prepared.order))
    keys = []
    for word in filter(None, re.split(r"[\s,;\[\]]+", text)):
        if word in prepared.texts:
            keys.append(word)
        elif word.lower() in by_letter:
            keys.append(by_letter[word.lower()])
        else:
            raise AnswerProblem(f"{word!r} is neither a letter ({', '.join(by_letter)}) nor a key")
    return keys


def parse_typed_answer(prepared: PreparedQuestion, text: str) -> Any:
    """What the student typed, as the value for the answers file (AnswerProblem if it does not fit)."""
    kind = prepared.question.type
    text = text.strip()
    if kind == "single":
        keys = _keys(prepared, text)
        if len(keys) != 1:
            raise AnswerProblem("type one letter or key")
        value: Any = keys[0]
    elif kind == "multiple":
        value = [] if text.lower() in ("none", "-") else _keys(prepared, text)
    elif kind == "ordering":
        value = _keys(prepared, text)
    elif kind == "true_false":
        if text.lower() not in _TRUE | _FALSE:
            raise AnswerProblem("type true or false (t/f)")
        value = text.lower() in _TRUE
    else:
        value = text
    answer = read_answer(prepared, value)           # the same checks as grading
    if kind == "multiple":
        return [key for key in prepared.order if key in answer]
    return answer


def _hint(prepared: PreparedQuestion) -> str:
    return {
        "single": "a letter",
        "multiple": "letters separated by spaces, or 'none'",
        "ordering": "all the letters, first to last",
        "true_false": "true or false",
        "numeric": "a number",
        "integer": "a whole number",
        "text": "your answer",
    }[prepared.question.type]


def take_quiz(quiz: Quiz, student: str, output: str | None) -> Path:
    variant = build_variant(quiz, student)
    path = Path(output or f"{safe_file_name(student)}-{quiz.id}.yaml")
    click.echo(f"{quiz.title}\nVariant of student {student}: {len(variant.questions)} questions. "
               "Press Enter to skip a question.\n")
    answers: dict[str, Any] = {}
    try:
        for prepared in variant.questions:
            click.echo(render_question(prepared).rsplit("\n   Answer:", 1)[0])
            while True:
                typed = click.prompt(f"   Your answer ({_hint(prepared)})", default="", show_default=False)
                if not typed.strip():
                    break
                try:
                    answers[prepared.id] = parse_typed_answer(prepared, typed)
                    break
                except AnswerProblem as problem:
                    click.echo(f"   Not understood: {problem}. Try again.")
            click.echo("")
    except click.Abort:
        click.echo("\nInput ended: saving the answers given so far.", err=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_answers(quiz.id, student, answers, path.suffix.lower() == ".json"), encoding="utf-8")
    skipped = len(variant.questions) - len(answers)
    click.echo(f"wrote {path}: {len(answers)} answers" + (f", {skipped} skipped" if skipped else ""))
    return path
