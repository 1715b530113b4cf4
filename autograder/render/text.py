"""The terminal summary: one line per function, then every failure with its feedback."""
from __future__ import annotations

import textwrap

from ..results import EXAMPLE, PASSED, QUESTION, GradingResult, PartResult, TestResult
from ._blocks import import_problems, is_blocked, seeds_line
from ._visible import visible_controls


def _points(value: float) -> str:
    return f"{value:.4g}" if value != int(value) else str(int(value))


def _function_line(function: str, tests: list[TestResult]) -> str:
    score = sum(test.score for test in tests)
    maximum = sum(test.max_score for test in tests)
    failed = [test for test in tests if test.status != PASSED]
    mark = "ok  " if not failed else "FAIL"
    detail = "" if not failed else f"  {len(failed)} of {len(tests)} test{'s' if len(tests) > 1 else ''} failed"
    return f"  {mark} {function:<36} {_points(score):>6} / {_points(maximum):<5}{detail}"


def _indent(text: str, prefix: str = "      ") -> str:
    return textwrap.indent(text.rstrip(), prefix)


def _failure_block(test: TestResult) -> list[str]:
    kind = "example" if test.kind == EXAMPLE else "question" if test.kind == QUESTION else "test"
    lines = [f"  [{test.part}] {test.function}: {test.title} ({kind}, {_points(test.score)} / {_points(test.max_score)})"]
    if test.question and test.question.prompt:   # a quiz question: what was asked, as the student saw it
        lines += ["      question:", _indent(test.question.prompt, "        ")]
    feedback = test.feedback
    if feedback:
        lines.append(_indent(textwrap.fill(feedback.message, 96, subsequent_indent="")))
        for label, value in (("input", feedback.input), ("expected", feedback.expected), ("got", feedback.got),
                             ("where", feedback.where)):
            if value:
                lines.append(f"      {label}:")
                lines.append(_indent(value, "        "))
    for note in test.notes:
        lines.append(_indent(textwrap.fill(f"note: {note}", 96)))
    return lines


def _part_lines(part: PartResult) -> list[str]:
    header = f"{part.name}: {part.title}  {_points(part.score)} / {_points(part.max_score)}"
    if not part.submitted:
        return [header, f"  {part.note}"]
    lines = [header] + [_function_line(function, tests) for function, tests in part.functions().items()]
    if part.note:
        lines.append(f"  {part.note}")
    return lines


def render_text(result: GradingResult, visible_only: bool = False) -> str:
    """The whole summary as one string (ends with a newline)."""
    title = "Self-check (visible examples only)" if visible_only else "Grade"
    of_what = " from the visible examples" if visible_only else ""
    lines = [f"{title} for {result.student}: {_points(result.score)} / {_points(result.max_score)} points{of_what}"]
    if result.isolation:
        lines.append(f"Student code ran in: {result.isolation}")
    if result.error:
        lines.append(f"GRADING ERROR: {result.error}")
    lines += [f"Note: {message}" for message in result.messages if "\n" not in message]
    lines += _import_banner(result)
    for part in result.parts:
        lines += [""] + _part_lines(part)
    failures = [test for test in result.tests() if test.status != PASSED and test.feedback
                and any(p.submitted for p in result.parts if p.name == test.part)]
    blocked = [test for test in failures if is_blocked(test)]
    failures = [test for test in failures if not is_blocked(test)]
    if failures:
        lines += ["", f"What went wrong ({len(failures)} failed test{'s' if len(failures) > 1 else ''})", ""]
        for test in failures:
            lines += _failure_block(test) + [""]
    if blocked:
        lines += ["", f"The {len(blocked)} test{'s' if len(blocked) > 1 else ''} that failed only because a module "
                      "did not load are not listed one by one: see the top."]
    if visible_only:
        lines += ["", check_summary(result)]
    if seeds_line(result):
        lines += ["", seeds_line(result)]
    return visible_controls("\n".join(lines).rstrip() + "\n")


def render_function(result: GradingResult, function: str) -> str:
    """One function's line and its failures, worded exactly as in `render_text` (ends with a newline)."""
    tests = [test for test in result.tests() if test.function == function]
    if not tests:
        return ""
    lines = [_function_line(function, tests)]
    shown_blocked = False
    for test in tests:
        if test.status != PASSED and test.feedback:
            if is_blocked(test):   # the same import error under every test says nothing new
                if shown_blocked:
                    continue
                shown_blocked = True
            lines += [""] + _failure_block(test)
    return visible_controls("\n".join(lines).rstrip() + "\n")


def _import_banner(result: GradingResult) -> list[str]:
    """The modules that did not load, once each, before anything else."""
    problems = import_problems(result)
    if not problems:
        return []
    lines = ["", "Some of your code could not be loaded, so every test that needs it failed. Fix this first:"]
    for problem in problems:
        count = f"{problem.tests} test{'s' if problem.tests > 1 else ''}"
        lines.append(_indent(textwrap.fill(f"[{problem.part}] {problem.message} ({count} failed because of it)", 96,
                                           subsequent_indent="  "), "  "))
        if problem.where:
            lines += ["      where:", _indent(problem.where, "        ")]
    return lines


def check_summary(result: GradingResult) -> str:
    """The self-check's closing lines: what passed, and how much the hidden tests still hold."""
    examples = [test for test in result.tests() if test.kind == EXAMPLE]
    passed = [test for test in examples if test.status == PASSED]
    visible_points = result.max_score
    hidden_points = sum(part.not_run_points for part in result.parts)
    return (f"Visible examples: {len(passed)} of {len(examples)} passed "
            f"({_points(sum(t.score for t in passed))} of {_points(visible_points)} points).\n"
            f"The hidden tests hold the other {_points(hidden_points)} points and run only when you submit: "
            "passing every visible example does not mean full marks.")
