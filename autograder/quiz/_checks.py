"""Consistency rules of a quiz that a JSON Schema cannot express.

Unique ids; answers among the choices; feedback only for existing choices; an
ordering answer that orders every item once; pools that can be drawn and whose
questions are worth the same; parameters that exist, are all used by the answer
and let it evaluate (to a whole number for integer questions) for every value
a student can draw; placeholders in prompts that render; valid regexes.
A student edition has no answer keys, so only the rules that do not need them
apply (ids, pools, parameters_from, placeholders).  Each problem is a located
`UserError`.
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

from .._errors import UserError
from .._yamlio import KeyPath, LocatedYaml
from ._expressions import ExpressionError
from ._markup import TemplateProblem, fill_placeholders
from ._model import Parameter, Question, Quiz
from ._patterns import pattern_problem

EXHAUSTIVE_LIMIT = 4096     # parameter combinations checked one by one up to this many
CORNER_LIMIT = 1024         # beyond it: up to this many corner (min/max) combinations …
RANDOM_SAMPLES = 1000       # … plus this many random ones


@dataclass(frozen=True)
class Unchecked:
    """What the schema already rejected, so these checks skip it and say nothing that follows from it."""

    paths: frozenset = frozenset()            # key paths of questions, pools and pool members left out
    ids: frozenset = frozenset()              # their question ids (a parameters_from may name one)
    shared_from: frozenset = frozenset()      # the ids their parameters_from name (their use of a parameter is unknown)

    @classmethod
    def of(cls, document: LocatedYaml, paths: set[KeyPath]) -> Unchecked:
        ids, shared_from = set(), set()
        for path in paths:
            entry = document.data
            for key in path:
                entry = entry[key]
            for question in entry.get("questions", [entry]) if isinstance(entry, dict) else []:
                if isinstance(question, dict):
                    ids.add(question.get("id"))
                    shared_from.add(question.get("parameters_from"))
        return cls(frozenset(paths), frozenset(ids), frozenset(shared_from))


def check_quiz(quiz: Quiz, document: LocatedYaml, unchecked: Unchecked = Unchecked()) -> list[UserError]:
    problems: list[UserError] = []
    _check_unique_ids(quiz, document, problems, unchecked)
    for question in quiz.listed:
        _check_question(quiz, question, document, problems, unchecked)
    _check_pools(quiz, document, problems, unchecked)
    return problems


def _error(document: LocatedYaml, question: Question, key: tuple, message: str) -> UserError:
    return document.error(question.where + key, f"{question.id}: {message}")


def _check_unique_ids(quiz: Quiz, document: LocatedYaml, problems: list[UserError], unchecked: Unchecked) -> None:
    seen: dict[str, str] = {}
    for question in quiz.listed:
        if question.id in seen:
            problems.append(_error(document, question, ("id",), f"duplicate question id (first used {seen[question.id]})"))
        else:
            line, _ = document.position(question.where + ("id",))
            seen[question.id] = f"on line {line}"
    for index, entry in enumerate(document.data["questions"]):
        if ("questions", index) in unchecked.paths:
            continue
        if "pool" in entry and entry["pool"] in seen:
            problems.append(document.error(("questions", index, "pool"),
                                           f"pool id {entry['pool']!r} is already used ({seen[entry['pool']]})"))
        elif "pool" in entry:
            seen[entry["pool"]] = f"on line {document.position(('questions', index, 'pool'))[0]}"


def _check_question(quiz: Quiz, question: Question, document: LocatedYaml, problems: list[UserError],
                    unchecked: Unchecked) -> None:
    if not quiz.student_edition:
        _check_answer_key(question, document, problems)
    if question.type in ("numeric", "integer"):
        _check_parameters(quiz, question, document, problems, unchecked)
    else:
        _check_placeholders(question, [{}], document, problems)


def _check_answer_key(question: Question, document: LocatedYaml, problems: list[UserError]) -> None:
    if question.type in ("single", "multiple"):
        answers = [question.answer] if question.type == "single" else list(question.answer)
        for index, answer in enumerate(answers):
            if answer not in question.choices:
                key = ("answer",) if question.type == "single" else ("answer", index)
                problems.append(_error(document, question, key, f"answer {answer!r} is not among the choices "
                                                                f"({', '.join(question.choices)})"))
        if question.type == "multiple" and len(set(answers)) != len(answers):
            problems.append(_error(document, question, ("answer",), "answer lists a choice twice"))
        for choice in question.feedback:
            if choice not in question.choices:
                problems.append(_error(document, question, ("feedback", choice),
                                       f"feedback for {choice!r}, which is not among the choices"))
    if question.type == "ordering":
        answer, items = list(question.answer), list(question.items)
        unknown = [key for key in answer if key not in question.items]
        if unknown:
            problems.append(_error(document, question, ("answer",), f"answer names {unknown[0]!r}, which is not "
                                                                    f"among the items ({', '.join(items)})"))
        elif sorted(answer) != sorted(items):
            problems.append(_error(document, question, ("answer",), "answer must list every item exactly once"))
    if question.type == "text" and question.pattern is not None:
        problem = pattern_problem(question.pattern, question.case_sensitive)
        if problem:
            problems.append(_error(document, question, ("pattern",), problem))


def _check_parameters(quiz: Quiz, question: Question, document: LocatedYaml, problems: list[UserError],
                      unchecked: Unchecked) -> None:
    if question.parameters_from is not None:
        source = quiz.questions.get(question.parameters_from)
        if source is None and question.parameters_from in unchecked.ids:
            return                         # its source has schema problems, reported at its place
        if source is None or source.id == question.id:
            problems.append(_error(document, question, ("parameters_from",),
                                   f"parameters_from {question.parameters_from!r} is not another question of this quiz"))
            return
        if question.parameters:
            problems.append(_error(document, question, ("parameters",),
                                   "a question has either parameters or parameters_from, not both"))
            return
        if not source.parameters or source.parameters_from:
            problems.append(_error(document, question, ("parameters_from",),
                                   f"question {source.id!r} has no parameters of its own to share"))
            return
    samples = parameter_samples(quiz.parameters_of(question))
    if quiz.student_edition or (question.expression is not None      # None: did not parse, already reported
                                and _check_expression(quiz, question, samples, document, problems, unchecked)):
        _check_placeholders(question, samples[:50], document, problems)


def _check_expression(quiz: Quiz, question: Question, samples: list[dict], document: LocatedYaml,
                      problems: list[UserError], unchecked: Unchecked) -> bool:
    """The answer uses only (and all) the parameters and evaluates for every sample; False after a problem."""
    parameters = quiz.parameters_of(question)
    expression = question.expression
    assert expression is not None   # only questions with an answer expression are checked here
    unknown = sorted(expression.names - set(parameters))
    if unknown:
        problems.append(_error(document, question, ("answer",), f"answer uses {', '.join(map(repr, unknown))}, "
                                                                "which is not a parameter of this question"))
        return False
    if question.parameters and question.id not in unchecked.shared_from:
        sharing = [other for other in quiz.questions.values()
                   if other.parameters_from == question.id and other.expression is not None]
        used = set(expression.names).union(*(other.expression.names for other in sharing if other.expression))
        for name in question.parameters:
            if name not in used:
                problems.append(_error(document, question, ("parameters", name),
                                       f"parameter {name!r} is not used by the answer"))
    for values in samples:
        try:
            value = expression.evaluate(values)
        except ExpressionError as exc:
            problems.append(_error(document, question, ("answer",), f"answer {expression.text!r} does not "
                                                                    f"evaluate for {_show(values)}: {exc}"))
            return False
        if question.type == "integer" and not float(value).is_integer():
            problems.append(_error(document, question, ("answer",), f"answer {expression.text!r} is "
                                                                    f"{value!r}, not a whole number, for {_show(values)}"))
            return False
    return True


def _check_placeholders(question: Question, samples: list[dict], document: LocatedYaml,
                        problems: list[UserError]) -> None:
    texts: list[tuple[tuple[str, ...], str]] = [(("prompt",), question.prompt)]
    texts += [(("choices", key), text) for key, text in question.choices.items()]
    texts += [(("items", key), text) for key, text in question.items.items()]
    for key, text in texts:
        for values in samples:
            try:
                fill_placeholders(text, values)
            except TemplateProblem as exc:
                problems.append(_error(document, question, key, str(exc)))
                break


def _check_pools(quiz: Quiz, document: LocatedYaml, problems: list[UserError], unchecked: Unchecked) -> None:
    for index, entry in enumerate(document.data["questions"]):
        if "pool" not in entry or ("questions", index) in unchecked.paths:
            continue
        members = entry["questions"]
        if entry["draw"] > len(members):
            problems.append(document.error(("questions", index, "draw"),
                                           f"pool {entry['pool']!r} draws {entry['draw']} of only {len(members)} questions"))
        points = {float(member["points"]) for number, member in enumerate(members)
                  if ("questions", index, "questions", number) not in unchecked.paths}
        if len(points) > 1:
            problems.append(document.error(("questions", index, "questions"),
                                           f"pool {entry['pool']!r}: its questions must be worth the same points, "
                                           f"so that every student's quiz is worth the same "
                                           f"(found {', '.join(f'{p:g}' for p in sorted(points))})"))


def _show(values: dict) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in values.items()) or "no parameters"


def parameter_samples(parameters: dict[str, Parameter]) -> list[dict]:
    """Parameter combinations to try an expression on: all of them, or every corner plus a random sample."""
    if not parameters:
        return [{}]
    names = list(parameters)
    count = math.prod(len(parameters[name].values) for name in names)
    if count <= EXHAUSTIVE_LIMIT:
        return [dict(zip(names, combination))
                for combination in itertools.product(*(parameters[name].values for name in names))]
    extremes = [sorted({min(p.values), max(p.values)}) for p in parameters.values()]
    corners = [dict(zip(names, combination)) for combination in itertools.islice(itertools.product(*extremes),
                                                                                   CORNER_LIMIT)]
    rng = random.Random(0)
    randoms = [{name: parameters[name].values[int(rng.random() * len(parameters[name].values))] for name in names}
               for _ in range(RANDOM_SAMPLES)]
    return corners + randoms
