"""Gradescope's results.json: the format its autograder harness reads.

Top level: score, max_score, execution_time, output, tests; each test: name,
number, score, max_score, status, output, visibility, tags.  The test output
is the student's feedback as text (with a visible example's input and expected
value, or a quiz question's prompt, answer and explanation); the hidden tests'
source never appears.
"""
from __future__ import annotations

import json

from ..results import PASSED, GradingResult, TestResult
from ._blocks import detail_blocks


def _test_output(test: TestResult) -> str:
    lines = []
    if test.feedback:
        lines.append(test.feedback.message)
        for label, value in (("Input", test.feedback.input), ("Expected", test.feedback.expected),
                             ("Got", test.feedback.got), ("Where", test.feedback.where)):
            if value:
                lines.append(f"{label}:\n{value}")
    lines += [f"Note: {note}" for note in test.notes]
    lines += [f"{label}:\n{text}" for label, text in detail_blocks(test)]
    if test.output:
        lines.append(f"Your code printed:\n{test.output[:4000]}")
    return "\n\n".join(lines)


def gradescope_results(result: GradingResult) -> dict:
    tests = []
    for part_number, part in enumerate(result.parts, start=1):
        for test_number, test in enumerate(part.tests, start=1):
            tags = [part.name, test.function, test.kind.value]
            if test.feedback and test.feedback.mistake:
                tags.append(f"mistake:{test.feedback.mistake}")
            tests.append({
                "name": f"{part.name} · {test.function} · {test.title}",
                "number": f"{part_number}.{test_number}",
                "score": round(test.score, 4),
                "max_score": round(test.max_score, 4),
                "status": "passed" if test.status == PASSED else "failed",
                "output": _test_output(test),
                "visibility": test.visibility,
                "tags": tags,
            })
    summary = [f"{part.name}: {part.score:.4g} / {part.max_score:.4g}" + (f" ({part.note})" if part.note else "")
               for part in result.parts]
    output_lines = [f"Student code ran in: {result.isolation}"] if result.isolation else []
    if result.error:
        output_lines.append(f"Grading failed: {result.error}. Your score is 0 until it is regraded; tell your instructor.")
    output_lines += [message for message in result.messages if "\n" not in message] + summary
    return {
        "score": round(result.score, 4),
        "max_score": round(result.max_score, 4),
        "execution_time": round(float(result.execution_time), 3),
        "output": "\n".join(output_lines),
        "tests": tests,
    }


def render_gradescope(result: GradingResult) -> str:
    return json.dumps(gradescope_results(result), indent=2, ensure_ascii=False) + "\n"
