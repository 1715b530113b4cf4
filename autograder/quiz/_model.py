"""A quiz file loaded into objects: `Quiz`, its `Question`s and `Pool`s.

`load_quiz` parses the YAML (keeping positions), validates it against
QUIZ_SCHEMA (or STUDENT_QUIZ_SCHEMA for a file with `edition: student`),
builds the objects and runs the consistency checks of `_checks.py`; every
problem is a located `UserError`, all of them at once.  A student edition's
questions have no answer, expression, explanation, feedback, accepted texts or
tolerances: it can be shown and taken, and `require_answer_keys` refuses to
grade or export it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import UserError, UserErrors
from .._yamlio import KeyPath, LocatedYaml, load_yaml, schema_problems
from ._expressions import Expression, ExpressionError, parse_expression
from ._schema import QUIZ_SCHEMA, STUDENT_EDITION, STUDENT_QUIZ_SCHEMA

MAX_PARAMETER_VALUES = 10_000


@dataclass(frozen=True)
class Parameter:
    """A parameter of a question: the values a student's variant draws one from."""

    name: str
    values: tuple[int | float, ...]


@dataclass(frozen=True)
class Question:
    """One question as the quiz file gives it (the same for every student)."""

    id: str
    type: str
    points: float
    prompt: str                       # Markdown with $inline maths$ and {{ parameter }} placeholders
    explanation: str                  # "" in a student edition
    where: tuple                      # key path of the question in the file (for located errors)
    title: str = ""
    tags: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)     # single, multiple: key → text, in file order
    items: dict[str, str] = field(default_factory=dict)       # ordering: key → text, in file order
    feedback: dict[str, str] = field(default_factory=dict)    # per choice (or "true"/"false"), shown after grading
    shuffle: bool = True
    answer: Any = None                # raw answer of the file (choice key(s), bool, number/expression, order);
                                      # None in a student edition
    expression: Expression | None = None      # numeric and integer: the parsed answer (None: student edition)
    scoring: str = "all_or_nothing"
    absolute_tolerance: float = 0.0
    relative_tolerance: float = 0.0
    accept: tuple[str, ...] = ()
    pattern: str | None = None
    case_sensitive: bool = False
    parameters: dict[str, Parameter] = field(default_factory=dict)
    parameters_from: str | None = None
    pool: str | None = None


@dataclass(frozen=True)
class Pool:
    """'Draw `draw` of these questions' for each student."""

    id: str
    draw: int
    question_ids: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True)
class Quiz:
    """A whole quiz bank: questions and pools in file order."""

    id: str
    title: str
    path: Path
    entries: tuple[Question | Pool, ...]          # file order; a Pool stands where its questions were
    questions: dict[str, Question]                # every question by id, pool members included
    description: str = ""
    listed: tuple[Question, ...] = ()             # every question in file order, repeats of an id included
    student_edition: bool = False                 # `edition: student`: no answer keys (see require_answer_keys)

    @property
    def pools(self) -> list[Pool]:
        return [entry for entry in self.entries if isinstance(entry, Pool)]

    def parameter_source(self, question: Question) -> Question:
        """The question whose parameters (and drawn values) this question uses."""
        return self.questions[question.parameters_from] if question.parameters_from else question

    def parameters_of(self, question: Question) -> dict[str, Parameter]:
        return self.parameter_source(question).parameters


STUDENT_EDITION_REFUSAL = "this is a student edition without answer keys"


def require_answer_keys(quiz: Quiz, action: str) -> None:
    """Refuse (one-line UserError) to grade or export a student edition: it has nothing to grade against."""
    if quiz.student_edition:
        raise UserError(f"{STUDENT_EDITION_REFUSAL}; {action} needs the full quiz", quiz.path)


def is_student_edition(data: Any) -> bool:
    return isinstance(data, dict) and data.get("edition") == STUDENT_EDITION


def load_quiz(path: str | Path) -> Quiz:
    """Load, validate and check a quiz file; raise every problem found as located errors.

    Schema problems do not hide the others: the questions (and pool members)
    that pass the schema are built and checked as usual, so one run reports a
    misspelt field in one question and a wrong answer key in another.  Each
    problem is reported once, in file order.
    """
    from ._checks import Unchecked, check_quiz

    document = load_yaml(path)
    if document.data is None:
        raise UserError("the file is empty; a quiz needs quiz, title and questions", document.path, 1, 1)
    located = schema_problems(document, STUDENT_QUIZ_SCHEMA if is_student_edition(document.data) else QUIZ_SCHEMA)
    not_finite = non_finite_numbers(document)
    places = {where for where, _ in not_finite}     # said more precisely than the schema's "greater than …"
    located = [(where, error) for where, error in located if tuple(where) not in places] + not_finite
    problems: list[UserError] = [error for _, error in located]
    broken = _broken_entries(document, [where for where, _ in located])
    if broken is None:                    # no list of questions to check on its own
        raise UserErrors(problems)
    quiz = _build(document, problems, broken)
    problems += check_quiz(quiz, document, Unchecked.of(document, broken))
    if problems:
        unique = {str(error): error for error in problems}
        raise UserErrors(sorted(unique.values(), key=lambda error: (error.line or 0, error.column or 0)))
    return quiz


def non_finite_numbers(document: LocatedYaml) -> list[tuple[KeyPath, UserError]]:
    """Every number of the file that is not finite (`.nan`, `.inf`, `1.0e+400`, a 400-digit integer), located.

    No number of a quiz (points, tolerances, parameter values and ranges, an
    answer) has a use for one, and each would reach grading, reports and
    exports as NaN or infinity.  A JSON Schema cannot say "finite"; `nan`
    even passes every bound.
    """
    found: list[tuple[KeyPath, UserError]] = []
    stack: list[tuple[KeyPath, Any]] = [((), document.data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((where + (key,), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((where + (index,), item) for index, item in enumerate(value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and not _finite(value):
            place = ".".join(map(str, where)) or "top level"
            if isinstance(value, float) and math.isnan(value):
                problem = ".nan is not a number"
            elif isinstance(value, float):
                problem = f"{'-' if value < 0 else ''}.inf is not a finite number"
            else:
                problem = f"an integer of {len(str(abs(value)))} digits is too large a number"
            found.append((where, document.error(where, f"{place}: {problem}; write a number such as 1 or 0.5")))
    return found


def _finite(number: int | float) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:                 # an int beyond any float
        return False


def _broken_entries(document: LocatedYaml, wheres: list[KeyPath]) -> set[KeyPath] | None:
    """Key paths of the questions, pools and pool members with schema problems (skipped by the checks).

    None when the file has no list of questions to go through.
    """
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return None
    broken: set[KeyPath] = set()
    for where in wheres:
        if len(where) < 2 or where[0] != "questions":
            continue                                      # the top level: title, quiz id …
        if len(where) >= 4 and where[2] == "questions" and isinstance(where[3], int):
            broken.add(tuple(where[:4]))                  # one member of a pool
        else:
            broken.add(tuple(where[:2]))                  # a whole question or pool
    return broken


def _build(document: LocatedYaml, problems: list[UserError], broken: frozenset[KeyPath] | set[KeyPath] = frozenset()) -> Quiz:
    data = document.data
    entries: list[Question | Pool] = []
    questions: dict[str, Question] = {}
    listed: list[Question] = []
    for index, entry in enumerate(data["questions"]):
        if ("questions", index) in broken:
            continue
        if "pool" in entry:
            members = []
            for member_index, member in enumerate(entry["questions"]):
                if ("questions", index, "questions", member_index) in broken:
                    continue
                question = _question(member, ("questions", index, "questions", member_index), entry["pool"],
                                     document, problems)
                members.append(question)
                listed.append(question)
                questions.setdefault(question.id, question)
            entries.append(Pool(id=entry["pool"], draw=entry["draw"], title=entry.get("title", ""),
                                question_ids=tuple(question.id for question in members)))
        else:
            question = _question(entry, ("questions", index), None, document, problems)
            entries.append(question)
            listed.append(question)
            questions.setdefault(question.id, question)
    return Quiz(id=_text(data.get("quiz")), title=_text(data.get("title")), description=_text(data.get("description")),
                path=document.path, entries=tuple(entries), questions=questions, listed=tuple(listed),
                student_edition=is_student_edition(data))


def _text(value: Any) -> str:
    """A top-level text of the file, or "" where the schema already reported it missing or wrong."""
    return value if isinstance(value, str) else ""


def _question(data: dict, where: tuple, pool: str | None, document: LocatedYaml,
              problems: list[UserError]) -> Question:
    expression = None
    if data["type"] in ("numeric", "integer") and "answer" in data:       # a student edition has none
        try:
            expression = parse_expression(data["answer"])
        except ExpressionError as exc:
            problems.append(document.error(where + ("answer",), f"{data['id']}: answer: {exc}"))
    parameters = {}
    for name, spec in data.get("parameters", {}).items():
        try:
            parameters[name] = Parameter(name, _parameter_values(spec))
        except ValueError as exc:
            problems.append(document.error(where + ("parameters", name), f"{data['id']}: parameter {name}: {exc}"))
    tolerance = data.get("tolerance", {})
    return Question(
        id=data["id"], type=data["type"], points=float(data["points"]), prompt=data["prompt"],
        explanation=data.get("explanation", ""), where=where, title=data.get("title", ""),
        tags=tuple(data.get("tags", ())), choices=dict(data.get("choices", {})), items=dict(data.get("items", {})),
        feedback={str(key).lower() if isinstance(key, bool) else key: text
                  for key, text in data.get("feedback", {}).items()},
        shuffle=data.get("shuffle", True), answer=data.get("answer"), expression=expression,
        scoring=data.get("scoring", "all_or_nothing"),
        absolute_tolerance=float(tolerance.get("absolute", 0.0)),
        relative_tolerance=float(tolerance.get("relative", 0.0)),
        accept=tuple(data.get("accept", ())), pattern=data.get("pattern"),
        case_sensitive=data.get("case_sensitive", False), parameters=parameters,
        parameters_from=data.get("parameters_from"), pool=pool,
    )


def _parameter_values(spec: dict) -> tuple[int | float, ...]:
    """All the values a parameter can take: its `values`, or min..max in steps of `step` (default 1)."""
    if "values" in spec:
        return tuple(spec["values"])
    low, high, step = spec["min"], spec["max"], spec.get("step", 1)
    if high < low:
        raise ValueError(f"max ({high}) is smaller than min ({low})")
    steps = (high - low) / step
    if not math.isfinite(steps):          # -1e308 to 1e308: the width itself overflows
        raise ValueError(f"the range from {low:g} to {high:g} is too wide; at most {MAX_PARAMETER_VALUES} values")
    count = round(steps) + 1
    if count > MAX_PARAMETER_VALUES:
        raise ValueError(f"{count} values; at most {MAX_PARAMETER_VALUES}")
    if all(isinstance(value, int) for value in (low, high, step)):
        return tuple(range(low, high + 1, step))
    values = tuple(round(low + k * step, 10) for k in range(count))
    if abs(values[-1] - high) > 1e-9 * max(1.0, abs(high)):
        raise ValueError(f"max ({high}) is not min ({low}) plus a whole number of steps ({step})")
    return values
