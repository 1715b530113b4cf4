"""Fixtures of the quiz tests: the week-5 bank, and answers that are right for a given variant."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.quiz import build_variant, load_quiz
from autograder.quiz._variants import Variant

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "quizzes" / "week5.yaml"
STUDENTS = ["s1234567", "alice", "Bob Smith", "s7654321", "zoë"]


@pytest.fixture(scope="session")
def bank_path() -> Path:
    return BANK


@pytest.fixture(scope="session")
def bank():
    return load_quiz(BANK)


@pytest.fixture(scope="session")
def students() -> list[str]:
    return list(STUDENTS)


@pytest.fixture(scope="session")
def right_answers():
    """right_answers(variant) → the answers mapping that earns full marks on it."""
    return _right_answers


def _right_answers(variant: Variant) -> dict:
    """The answers-file mapping that earns full marks on this variant."""
    answers = {}
    for prepared in variant.questions:
        question, expected = prepared.question, prepared.expected
        if question.type == "multiple":
            answers[prepared.id] = sorted(expected)
        elif question.type == "text":
            answers[prepared.id] = question.accept[0]
        else:
            answers[prepared.id] = expected
    return answers


@pytest.fixture
def write_answers(tmp_path):
    """write_answers(name, data) → path of a YAML (or .json) answers file in a temporary folder."""
    import json

    import yaml

    def write(name: str, data) -> Path:
        path = tmp_path / name
        if name.endswith(".json"):
            path.write_text(json.dumps(data))
        else:
            path.write_text(yaml.safe_dump(data, allow_unicode=True))
        return path
    return write


@pytest.fixture(scope="session")
def variant_of(bank):
    return lambda student: build_variant(bank, student)
