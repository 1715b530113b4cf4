"""The text blocks a test shows besides its feedback, shared by the renderers."""
from __future__ import annotations

from ..results import TestResult


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
