"""What the renderers share: a test's text blocks besides its feedback, and the modules that did not import."""
from __future__ import annotations

from dataclasses import dataclass

from ..results import GradingResult, TestResult


def seeds_line(result: GradingResult) -> str:
    """"Hidden test inputs: ... seeds nn 123, scaling 456 ..." for a result whose hidden tests ran, else ""."""
    seeds = [f"{part.name} {part.seed}" for part in result.parts if part.seed is not None]
    if not seeds:
        return ""
    if result.seed is not None:
        return f"Hidden test inputs: drawn from the seed given for this grading ({result.seed})."
    return (f"Hidden test inputs: drawn for these very files (seeds: {', '.join(seeds)}); "
            "the same files always get the same inputs, a changed file gets new ones.")


def detail_blocks(test: TestResult) -> list[tuple[str, str]]:
    """(label, text) of a visible example's input and expected value, or a quiz question's blocks.

    An example's input or expected value already in the test's feedback is not
    repeated: a failed example's feedback names the case that failed.
    """
    blocks: list[tuple[str, str]] = []
    if test.example:
        feedback = test.feedback
        if not (feedback and feedback.input):
            blocks.append(("Input", test.example.input))
        if not (feedback and feedback.expected):
            blocks.append(("Expected", test.example.expected))
    if test.question:
        question = test.question
        blocks += [("Prompt", question.prompt), ("Your answer", question.your_answer),
                   ("Feedback", question.feedback), ("Explanation", question.explanation)]
    return [(label, text) for label, text in blocks if text]


@dataclass
class ImportProblem:
    """A module of the submission that did not import (or is missing), and how many tests failed only for it."""

    part: str
    module: str          # "activations.py"
    message: str         # "Importing activations.py raised SyntaxError: ..."
    where: str | None    # lines of the student's files
    tests: int

    @property
    def label(self) -> str:
        return f"{self.part}/{self.module}"


def is_blocked(test: TestResult) -> bool:
    """Whether the test failed only because a module did not import: reports say that once, at the top."""
    return test.feedback is not None and bool(test.feedback.blocked_by)


def import_problems(result: GradingResult) -> list[ImportProblem]:
    """Every module of a submitted part that did not import, in the order its tests come."""
    problems: dict[tuple[str, str], ImportProblem] = {}
    for part in result.parts:
        if not part.submitted:
            continue
        for test in part.tests:
            if test.feedback is None or not test.feedback.blocked_by:
                continue
            key = (part.name, test.feedback.blocked_by)
            if key not in problems:
                problems[key] = ImportProblem(part.name, test.feedback.blocked_by, test.feedback.message,
                                              test.feedback.where, 0)
            problems[key].tests += 1
    return list(problems.values())
