"""A hand-built class of grading results for the dashboard's tests: no grading needed, every case there.

`sample_class(n)` gives n students over three parts of 33 tests each, scores
spread from 0 to full marks, and among them: a named mistake that shows in up to six
tests of one student, a submission whose module did not import, one that timed
out, and one that could not be graded at all.
"""
from __future__ import annotations

from autograder.results import FAILED, HIDDEN, PASSED, Feedback, GradingResult, PartResult, TestResult

PARTS = {"nn": "Neural networks from scratch", "word2vec": "Word2Vec from scratch", "scaling": "Scaling laws"}
FUNCTIONS = 11
TESTS_PER_FUNCTION = 3
MISTAKE = ("relu-grad-at-zero", "ReLU derivative is 1 at s = 0")
IMPORT_ERROR = "Importing activations.py raised SyntaxError: expected ':' (activations.py, line 4)."


def _test(part: str, function: int, index: int, passed: bool, feedback: Feedback | None = None) -> TestResult:
    name = f"module{function}.function{function}"
    return TestResult(id=f"{part}::{name}::test_{index}", title=f"{name} case {index}", part=part, function=name,
                      kind=HIDDEN, score=1.0 if passed else 0.0, max_score=1.0, status=PASSED if passed else FAILED,
                      feedback=None if passed else (feedback or Feedback(message="Wrong result.")))


def _student(number: int, count: int) -> GradingResult:
    student = f"student{number:03d}"
    result = GradingResult(student=student, submission=f"{student}.zip", isolation="bubblewrap sandbox")
    share = number / max(1, count - 1)   # how much of the class's code this student got right
    for part, title in PARTS.items():
        tests = []
        for function in range(FUNCTIONS):
            for index in range(TESTS_PER_FUNCTION):
                passed = (function * TESTS_PER_FUNCTION + index) / (FUNCTIONS * TESTS_PER_FUNCTION) < share
                feedback = None
                if not passed and part == "nn" and function >= FUNCTIONS - 2 and number % 4 == 1:
                    feedback = Feedback(message="Wrong gradient at 0.", mistake=MISTAKE[0], mistake_title=MISTAKE[1])
                tests.append(_test(part, function, index, passed, feedback))
        result.parts.append(PartResult(name=part, title=title, max_points=FUNCTIONS * TESTS_PER_FUNCTION, tests=tests))
    return result


def sample_class(count: int = 120) -> list[GradingResult]:
    """count students, three of them in trouble: student001 does not import, 002 timed out, 003 was refused."""
    results = [_student(number, count) for number in range(count)]
    for test in results[1].part("nn").tests[:9]:
        test.status, test.score = FAILED, 0.0
        test.feedback = Feedback(message=IMPORT_ERROR, blocked_by="activations.py")
    for test in results[2].part("scaling").tests[:2]:
        test.status, test.score = FAILED, 0.0
        test.feedback = Feedback(message="Calling kaplan_loss(N) timed out after 5 s.")
    refused = results[3]
    refused.error = "not a readable zip file (File is not a zip file)"
    for part in refused.parts:
        part.submitted, part.note = False, refused.error
    return results
