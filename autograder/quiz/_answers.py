"""Answers files: what a student hands in for a quiz (format documented in README "Quizzes").

    quiz: week5              # optional; when given it must be the quiz's id
    student: s1234567        # optional; default: the file name without its extension (given: a non-empty id)
    answers:                 # question id → answer
      q1-deep-learning-activation: relu     # single: a choice key
      activations-with-negative-outputs: [tanh, linear]   # multiple: a list of choice keys
      q4-context-independent: false         # true_false
      chinchilla-tokens: 160                # numeric: a number (1.4e12 is fine)
      skipgram-pairs: 394                   # integer
      contextual-model: BERT                # text
      backprop-order: [forward, loss, backward, update]   # ordering: item keys, first to last

YAML or JSON (by extension: .json is JSON, anything else YAML).  A problem with
the file as a whole (unreadable, not a mapping, no `answers`, another quiz) is
a located `UserError`; a problem with one answer (unknown id, wrong type, a key
that is not a choice) only costs that question, with a message saying why.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, though not in the stubs
from pathlib import Path
from typing import Any

from .._errors import UserError
from .._untrusted import Unreadable, read_regular_file
from .._yamlio import load_yaml
from ..course import grading_settings
from ..sandbox.protocol import replace_lone_surrogates
from ._variants import PreparedQuestion


@dataclass
class AnswersFile:
    """One student's answers, as read from a file."""

    path: Path
    student: str
    answers: dict[str, Any] = field(default_factory=dict)
    quiz: str | None = None


MAX_TEXT = 1000        # characters of a text answer


class AnswerProblem(ValueError):
    """One answer is not of the form its question needs; the message says what was expected."""


def answers_size_limit() -> int:
    """The largest answers file read: the course's budget, or 256 KiB for a quiz graded outside a course."""
    try:
        return grading_settings().submission.max_answers_bytes
    except UserError:
        return 256 * 1024


def load_answers(path: str | Path, quiz_id: str | None = None, *, student_decides: bool = True) -> AnswersFile:
    """Read an answers file; UserError (located where possible) if it cannot be used at all.

    student_decides=False is for a caller that knows who handed the file in (a
    batch): the file's `student:` then decides nothing, so one that is empty or
    not a text is read as absent (the file's name) instead of refused.

    The file is hostile input: only a regular file is read, at most
    `answers_size_limit()` bytes, YAML without aliases, JSON without deep nesting.
    """
    path = Path(path)
    text = _read_text(path)
    if path.suffix.lower() == ".json":
        data = _load_json(path, text)
    else:
        document = load_yaml(path, text, aliases=False)
        data = document.data
    data = replace_lone_surrogates(data)   # "\\ud800" parses, but no report could be written with it

    def located(key: str) -> tuple[int | None, int | None]:
        """Where the value of a top-level key stands, for a located error (worked out only for one)."""
        if path.suffix.lower() == ".json":
            return _json_positions(text).get(key, (None, None))
        return document.position((key,)) if key in data else (None, None)

    if not isinstance(data, dict):
        raise UserError("an answers file is a mapping with an 'answers:' mapping of question id → answer", path, 1, 1)
    unknown = sorted(str(key) for key in data if key not in ("quiz", "student", "answers"))
    if unknown:
        raise UserError(f"unknown top-level key {unknown[0]!r} (allowed: quiz, student, answers)", path)
    answers = data.get("answers")
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise UserError("'answers' must be a mapping of question id → answer", path, *located("answers"))
    quiz = data.get("quiz")
    if quiz is not None and quiz_id is not None and str(quiz) != quiz_id:
        raise UserError(f"these answers are for quiz {quiz!r}, not {quiz_id!r}", path, *located("quiz"))
    student = path.name.split(".")[0]
    if "student" in data:
        try:
            student = _student(data, path, located)
        except UserError:
            if student_decides:
                raise
    return AnswersFile(path=path, student=student, quiz=None if quiz is None else str(quiz),
                       answers={str(key): value for key, value in answers.items()})


def _student(data: dict, path: Path, located: Callable[[str], tuple[int | None, int | None]]) -> str:
    """The `student:` id as text (a number such as 1234567 is one); a located UserError if it is none."""
    student = data["student"]
    if student is not None and (isinstance(student, bool) or not isinstance(student, (str, int))):
        raise UserError(f"student: expected the student's id as text, got {_describe(student)}", path,
                        *located("student"))
    if student is None or not str(student).strip():
        raise UserError("student is empty: write the student's id, or leave the key out to use the file's name",
                        path, *located("student"))
    return str(student).strip()


def _json_positions(text: str) -> dict[str, tuple[int, int]]:
    """Line and column of the value of each top-level key of a JSON object (for located errors)."""
    decoder = json.JSONDecoder()
    positions: dict[str, tuple[int, int]] = {}
    index = _skip_space(text, 0)
    if text[index:index + 1] != "{":
        return positions
    index = _skip_space(text, index + 1)
    try:
        while text[index:index + 1] == '"':
            key, index = scanstring(text, index + 1)
            index = _skip_space(text, _skip_space(text, index) + 1)          # past the colon
            line = text.count("\n", 0, index) + 1
            positions.setdefault(key, (line, index - text.rfind("\n", 0, index)))
            index = _skip_space(text, decoder.raw_decode(text, index)[1])
            if text[index:index + 1] != ",":
                break
            index = _skip_space(text, index + 1)
    except (ValueError, RecursionError):         # json.loads read it, so never expected; the positions found stand
        pass
    return positions


def _skip_space(text: str, index: int) -> int:
    while text[index:index + 1] in (" ", "\t", "\n", "\r"):    # "" past the end stops it
        index += 1
    return index


def _read_text(path: Path) -> str:
    if not path.exists():
        raise UserError("file not found", path)
    try:
        return read_regular_file(path, answers_size_limit()).decode("utf-8")
    except Unreadable as problem:
        raise UserError(f"the answers file {problem}", path) from None
    except UnicodeDecodeError:
        raise UserError("the answers file is not UTF-8 text", path) from None


def _load_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"invalid JSON: {exc.msg}", path, exc.lineno, exc.colno) from None
    except (RecursionError, ValueError) as exc:   # nested too deeply, a number too long to convert
        raise UserError(f"unreadable JSON ({type(exc).__name__})", path) from None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _key(value: Any, prepared: PreparedQuestion) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise AnswerProblem(f"expected a choice key ({', '.join(prepared.order)}), got {_describe(value)}")
    key = str(value).strip()
    if key not in prepared.texts:
        raise AnswerProblem(f"{key!r} is not one of the choices ({', '.join(prepared.order)})")
    return key


def read_answer(prepared: PreparedQuestion, value: Any) -> Any:
    """The answer in its question's form (str, set, bool, float, int, list); AnswerProblem if it has none."""
    kind = prepared.question.type
    if kind == "single":
        return _key(value, prepared)
    if kind == "multiple":
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            raise AnswerProblem(f"expected a list of choice keys ({', '.join(prepared.order)}), got {_describe(value)}")
        return {_key(item, prepared) for item in value}
    if kind == "true_false":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().casefold() in ("true", "false"):
            return value.strip().casefold() == "true"
        raise AnswerProblem(f"expected true or false, got {_describe(value)}")
    if kind == "numeric":
        return float(_number(value, "a number"))
    if kind == "integer":
        number = _number(value, "a whole number")
        if isinstance(number, float) and not number.is_integer():
            raise AnswerProblem(f"expected a whole number, got {_describe(value)}")
        return int(number)
    if kind == "text":
        if isinstance(value, (list, dict, bool)) or value is None:
            raise AnswerProblem(f"expected a text, got {_describe(value)}")
        if len(str(value)) > MAX_TEXT:
            raise AnswerProblem(f"expected a short text, got {len(str(value))} characters")
        return str(value)
    if kind == "ordering":
        if not isinstance(value, list):
            raise AnswerProblem(f"expected the item keys in order ({', '.join(prepared.order)}), got {_describe(value)}")
        keys = [_key(item, prepared) for item in value]
        if sorted(keys) != sorted(prepared.texts):
            raise AnswerProblem(f"expected each item key exactly once ({', '.join(prepared.order)})")
        return keys
    raise AssertionError(kind)                                # pragma: no cover - the schema lists the types


def _number(value: Any, wanted: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise AnswerProblem(f"expected {wanted}, got {_describe(value)}")
    if isinstance(value, str):
        try:
            value = float(value.strip()) if any(c in value for c in ".eE") else int(value.strip())
        except ValueError:
            raise AnswerProblem(f"expected {wanted}, got {_describe(value)}") from None
    try:
        number = float(value)
    except OverflowError:                       # an integer of hundreds of digits
        raise AnswerProblem(f"expected {wanted}, got a number too large to use") from None
    if math.isnan(number):
        raise AnswerProblem(f"expected {wanted}, got NaN (not a number)")
    if math.isinf(number):
        raise AnswerProblem(f"expected {wanted}, got {'-' if number < 0 else ''}infinity")
    return value


def dump_answers(quiz_id: str, student: str, answers: dict[str, Any], json_format: bool) -> str:
    """The text of an answers file (JSON, or YAML)."""
    data = {"quiz": quiz_id, "student": student, "answers": answers}
    if json_format:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import yaml
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
