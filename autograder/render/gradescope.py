"""Gradescope's results.json: the format its autograder harness reads.

Top level: score, max_score, execution_time, output, stdout_visibility, tests;
each test: name, number, score, max_score, status, output, visibility, tags.
Visibility comes from the parts' manifests (`gradescope:`); the always-visible
output counts only the points of the tests students see now.  The test output
is the student's feedback as text (with a visible example's input and expected
value, or a quiz question's prompt, answer and explanation); the hidden tests'
source never appears.
"""
from __future__ import annotations

import json
import math

from ..results import PASSED, GradingResult, PartResult, TestResult
from ._blocks import detail_blocks, import_problems, seeds_line
from ._visible import visible_controls


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
    return visible_controls("\n\n".join(lines))


PLACES = 4   # decimals of the points in results.json


def _apportioned(values: list[float], total: float, caps: list[int] | None = None) -> list[int]:
    """values in units of 10^-PLACES, each its floor or one more, adding up to total rounded (largest remainders).

    Rounding each value alone makes twelve tests of 1/12 point add up to 0.9996, and the course's 100 points
    to 99.9999.  caps (units) bound each result, for scores that must not pass their test's max_score.
    """
    unit = 10 ** PLACES
    scaled = [value * unit for value in values]
    units = [max(0, math.floor(value + 1e-6)) for value in scaled]   # 1e-6: 0.29 * 10^4 is 2899.9999999999995
    if caps is not None:
        units = [min(units_, cap) for units_, cap in zip(units, caps)]
    missing = round(total * unit) - sum(units)
    for index in sorted(range(len(values)), key=lambda index: units[index] - scaled[index]):
        if missing <= 0:
            break
        if caps is None or units[index] < caps[index]:
            units[index] += 1
            missing -= 1
    return units


def _points(tests: list[TestResult]) -> list[tuple[float, float]]:
    """(score, max_score) of each test rounded to PLACES decimals so that each column adds up to its total
    rounded; a test with full marks keeps score = max_score."""
    unit = 10 ** PLACES
    maxima = _apportioned([test.max_score for test in tests], sum(test.max_score for test in tests))
    full = [test.score >= test.max_score for test in tests]
    partial = [index for index, is_full in enumerate(full) if not is_full]
    rest = sum(test.score for test in tests) - sum(maxima[index] for index, is_full in enumerate(full) if is_full) / unit
    scores = [maxima[index] if is_full else 0 for index, is_full in enumerate(full)]
    for index, units in zip(partial, _apportioned([tests[index].score for index in partial], max(rest, 0.0),
                                                  [maxima[index] for index in partial])):
        scores[index] = units
    return [(score / unit, maximum / unit) for score, maximum in zip(scores, maxima)]


def gradescope_results(result: GradingResult) -> dict:
    tests = []
    every_test = [test for part in result.parts for test in part.tests]
    points = iter(_points(every_test))
    for part_number, part in enumerate(result.parts, start=1):
        for test_number, test in enumerate(part.tests, start=1):
            tags = [part.name, test.function, test.kind.value]
            if test.feedback and test.feedback.mistake:
                tags.append(f"mistake:{test.feedback.mistake}")
            score, max_score = next(points)
            tests.append({
                "name": visible_controls(f"{part.name} · {test.function} · {test.title}"),
                "number": f"{part_number}.{test_number}",
                "score": score,
                "max_score": max_score,
                "status": "passed" if test.status == PASSED else "failed",
                "output": _test_output(test),
                "visibility": test.visibility,
                "tags": tags,
            })
    summary = [_part_summary(part) for part in result.parts]
    output_lines = [f"Student code ran in: {result.isolation}"] if result.isolation else []
    if result.error:
        output_lines.append(f"Grading failed: {result.error}. Your score is 0 until it is regraded; tell your instructor.")
    output_lines += [message for message in result.messages if "\n" not in message]
    problems = import_problems(result)
    if problems:
        output_lines.append("Some of your code could not be loaded, so every test that needs it failed. Fix this first:")
        output_lines += [f"  [{problem.part}] {problem.message} ({problem.tests} test{'s' if problem.tests > 1 else ''} "
                         "failed because of it)" for problem in problems]
    output_lines += summary
    if seeds_line(result):
        output_lines.append(seeds_line(result))
    return {
        "score": round(result.score, 4),
        "max_score": round(result.max_score, 4),
        "execution_time": round(float(result.execution_time), 3),
        "output": visible_controls("\n".join(output_lines)),
        "stdout_visibility": result.stdout_visibility,
        "tests": tests,
    }


# When Gradescope shows a test that is held back, in words for the student.
WHEN_SHOWN = {"after_due_date": "after the due date", "after_published": "when the grades are published",
              "hidden": "to your instructor only"}


def _part_summary(part: PartResult) -> str:
    """The part's points, counting only the tests students see now: the output is always visible.

    The tests held back are only counted, with when they are shown, so the
    summary never gives away what Gradescope hides.
    """
    note = f" ({part.note})" if part.note else ""
    held = [test for test in part.tests if test.visibility != "visible"]
    if not held:
        return f"{part.name}: {part.score:.4g} / {part.max_score:.4g}{note}"
    shown = [test for test in part.tests if test.visibility == "visible"]
    line = f"{part.name}: {sum(t.score for t in shown):.4g} / {sum(t.max_score for t in shown):.4g} on the tests shown now"
    for visibility, words in WHEN_SHOWN.items():
        tests = [test for test in held if test.visibility == visibility]
        if tests:
            line += (f"; {len(tests)} test{'s' if len(tests) > 1 else ''} worth "
                     f"{sum(t.max_score for t in tests):.4g} points shown {words}")
    return line + note


def render_gradescope(result: GradingResult) -> str:
    return json.dumps(gradescope_results(result), indent=2, ensure_ascii=False) + "\n"
