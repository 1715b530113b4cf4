"""Each student's variant of a quiz: which pool questions, which numbers, which order of choices.

Every random draw comes from its own seed, the first 8 bytes of
sha256(quiz id, student id, purpose), so a student always sees the same variant
on any machine and Python version, and a grader rebuilds it from the student id
alone.  Only `random.Random(seed).random()` is used, whose sequence Python
guarantees to keep; `Random.choice` or `shuffle` may change between versions.
Student ids are compared with case and surrounding whitespace ignored.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from ._markup import fill_placeholders
from ._model import Pool, Question, Quiz


def normalise_student(student: str) -> str:
    return " ".join(str(student).split()).casefold()


def derive_seed(quiz_id: str, student: str, purpose: str) -> int:
    """A stable 64-bit seed for one purpose (a pool, a question's parameters, a shuffle) of one student."""
    text = "\x1f".join((quiz_id, normalise_student(student), purpose))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


class Draw:
    """Random choices from one seed, built only on Random.random() (stable across Python versions)."""

    def __init__(self, seed: int):
        self._random = random.Random(seed)

    def index(self, size: int) -> int:
        return min(int(self._random.random() * size), size - 1)

    def shuffled(self, items: list) -> list:
        items = list(items)
        for last in range(len(items) - 1, 0, -1):      # Fisher–Yates
            other = self.index(last + 1)
            items[last], items[other] = items[other], items[last]
        return items


@dataclass
class PreparedQuestion:
    """A question as one student sees it, with the answer key of that variant (never shown before grading)."""

    question: Question
    number: int
    values: dict[str, Any]               # the drawn parameter values
    prompt: str                          # Markdown with the values filled in
    order: list[str]                     # choice (or ordering item) keys in the order shown
    texts: dict[str, str] = field(default_factory=dict)    # those keys' texts, values filled in
    expected: Any = None                 # single: key; multiple: set of keys; true_false: bool;
                                         # numeric: float; integer: int; text: None (see accept/pattern); ordering: list
                                         # None for every question of a student edition

    @property
    def id(self) -> str:
        return self.question.id


@dataclass
class Variant:
    """One student's quiz."""

    quiz: Quiz
    student: str
    questions: list[PreparedQuestion]

    @property
    def points(self) -> float:
        return sum(prepared.question.points for prepared in self.questions)

    def get(self, question_id: str) -> PreparedQuestion | None:
        for prepared in self.questions:
            if prepared.id == question_id:
                return prepared
        return None


def drawn_questions(quiz: Quiz, student: str) -> list[Question]:
    """The questions this student gets, in file order: fixed ones, and `draw` of each pool."""
    chosen: list[Question] = []
    for entry in quiz.entries:
        if isinstance(entry, Pool):
            picked = Draw(derive_seed(quiz.id, student, f"pool:{entry.id}")).shuffled(list(entry.question_ids))
            picked_set = set(picked[:entry.draw])
            chosen += [quiz.questions[question_id] for question_id in entry.question_ids if question_id in picked_set]
        else:
            chosen.append(entry)
    return chosen


def parameter_values(quiz: Quiz, question: Question, student: str) -> dict[str, Any]:
    """This student's values of the question's parameters (shared with its parameters_from question)."""
    source = quiz.parameter_source(question)
    draw = Draw(derive_seed(quiz.id, student, f"parameters:{source.id}"))
    return {name: parameter.values[draw.index(len(parameter.values))] for name, parameter in source.parameters.items()}


def prepare_question(quiz: Quiz, question: Question, student: str, number: int = 1) -> PreparedQuestion:
    """The question as this student sees it, and its answer key for them (none in a student edition)."""
    values = parameter_values(quiz, question, student)
    shown = {name: int(value) if isinstance(value, float) and value.is_integer() else value
             for name, value in values.items()}
    keyed = question.choices or question.items
    order = list(keyed)
    if question.type == "ordering" or (question.type in ("single", "multiple") and question.shuffle):
        order = Draw(derive_seed(quiz.id, student, f"order:{question.id}")).shuffled(order)
        if question.type == "ordering" and order == list(keyed):
            order = order[1:] + order[:1]        # never in file order (often the right one); the key is not consulted
    return PreparedQuestion(
        question=question, number=number, values=values, prompt=fill_placeholders(question.prompt, shown),
        order=order, texts={key: fill_placeholders(text, shown) for key, text in keyed.items()},
        expected=None if quiz.student_edition else expected_answer(question, values),
    )


def expected_answer(question: Question, values: dict[str, Any]) -> Any:
    """The right answer of a question for these parameter values."""
    if question.type == "multiple":
        return set(question.answer)
    if question.type == "ordering":
        return list(question.answer)
    if question.type in ("numeric", "integer"):
        assert question.expression is not None   # validation requires an answer expression for these types
        value = question.expression.evaluate(values)
        return float(value) if question.type == "numeric" else round(value)
    if question.type == "text":
        return None
    return question.answer


def build_variant(quiz: Quiz, student: str) -> Variant:
    """The student's whole variant of the quiz."""
    return Variant(quiz=quiz, student=student,
                   questions=[prepare_question(quiz, question, student, number)
                              for number, question in enumerate(drawn_questions(quiz, student), start=1)])
