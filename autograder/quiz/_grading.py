"""Grading answers against a student's variant, into the one result model.

The quiz becomes a `PartResult` named `quiz:<id>` with one `TestResult` per
question of the student's variant (kind QUESTION, function = question id);
wrong answers carry `Feedback` (what was wrong, expected, got), and every
question carries `QuestionDetails`: the prompt as the student saw it, their
answer, feedback on the choices they picked, and the explanation.
"""
from __future__ import annotations

import datetime
import html
import time
from pathlib import Path
from typing import Any

from ..results import Feedback, GradingResult, Kind, PartResult, QuestionDetails, Status, TestResult
from ._answers import AnswerProblem, AnswersFile, read_answer
from ._markup import inline_html, to_html, to_terminal
from ._model import Quiz, require_answer_keys
from ._patterns import PatternUndecided, pattern_matches
from ._render_terminal import letters, question_body, scoring_rule
from ._variants import PreparedQuestion, Variant, build_variant


def part_name(quiz: Quiz) -> str:
    return f"quiz:{quiz.id}"


def question_title(prepared: PreparedQuestion) -> str:
    """The question's title, or the start of its prompt as plain text."""
    if prepared.question.title:
        return prepared.question.title
    text = " ".join(to_terminal(prepared.prompt).replace("**", "").replace("`", "").split())
    return text if len(text) <= 70 else text[:67].rstrip() + "…"


def question_html(prepared: PreparedQuestion) -> str:
    """The prompt, its scoring rule and its choices or items as HTML, as the student saw them (no answer)."""
    parts = [to_html(prepared.prompt)]
    rule = scoring_rule(prepared)
    if rule:
        parts.append(f"<p>{html.escape(rule)}</p>")
    if prepared.order:
        items = "".join(f"<li>{inline_html(prepared.texts[key])} <code>[{html.escape(key)}]</code></li>"
                        for key in prepared.order)
        parts.append(f'<ol type="a">{items}</ol>')
    return "\n".join(parts)


def format_number(value: float) -> str:
    return f"{value:.6g}"


def _choice(prepared: PreparedQuestion, key: str) -> str:
    letter = letters(len(prepared.order))[prepared.order.index(key)]
    return f"{letter}) {to_terminal(prepared.texts[key]).strip()}  [{key}]"


def show_answer(prepared: PreparedQuestion, answer: Any) -> str:
    """An answer (the student's or the expected one) as readable text."""
    kind = prepared.question.type
    if kind == "single":
        return _choice(prepared, answer)
    if kind == "multiple":
        keys = [key for key in prepared.order if key in answer]
        return "\n".join(_choice(prepared, key) for key in keys) or "(no choice selected)"
    if kind == "true_false":
        return "true" if answer else "false"
    if kind == "numeric":
        return format_number(answer)
    if kind == "ordering":
        return "\n".join(f"{position}. {to_terminal(prepared.texts[key]).strip()}  [{key}]"
                         for position, key in enumerate(answer, start=1))
    return str(answer)


def show_expected(prepared: PreparedQuestion) -> str:
    question = prepared.question
    if question.type == "text":
        accepted = [f'"{text}"' for text in question.accept]
        if question.pattern:
            accepted.append(f"any text matching the pattern {question.pattern}")
        return " or ".join(accepted)
    if question.type == "numeric":
        allowed = []
        if question.absolute_tolerance:
            allowed.append(f"±{format_number(question.absolute_tolerance)}")
        if question.relative_tolerance:
            allowed.append(f"±{format_number(question.relative_tolerance * 100)}%")
        return format_number(prepared.expected) + (f" ({' or '.join(allowed)} accepted)" if allowed else "")
    return show_answer(prepared, prepared.expected)


def _fold(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def score_fraction(prepared: PreparedQuestion, answer: Any) -> float:
    """The share of the question's points this (well-formed) answer earns, from 0 to 1.

    PatternUndecided when a text answer's match with the pattern could not be decided.
    """
    question, expected = prepared.question, prepared.expected
    kind = question.type
    if kind in ("single", "true_false", "integer"):
        return float(answer == expected)
    if kind == "multiple":
        if question.scoring == "all_or_nothing":
            return float(answer == expected)
        right, wrong = len(answer & expected), len(answer - expected)
        return max(0.0, (right - wrong) / len(expected))
    if kind == "numeric":
        allowed = max(question.absolute_tolerance, question.relative_tolerance * abs(expected))
        return float(abs(answer - expected) <= allowed + 1e-12 * max(1.0, abs(expected)))   # slack for rounding
    if kind == "text":
        folded = _fold(answer, question.case_sensitive)
        if folded in {_fold(text, question.case_sensitive) for text in question.accept}:
            return 1.0
        return float(bool(question.pattern and pattern_matches(question.pattern, " ".join(answer.split()),
                                                               question.case_sensitive)))
    if kind == "ordering":
        if question.scoring == "all_or_nothing":
            return float(answer == expected)
        return sum(a == b for a, b in zip(answer, expected)) / len(expected)
    raise AssertionError(kind)                                 # pragma: no cover


def _choice_feedback(prepared: PreparedQuestion, answer: Any) -> str:
    feedback = prepared.question.feedback
    if prepared.question.type == "single":
        picked = [answer]
    elif prepared.question.type == "multiple":
        picked = [key for key in prepared.order if key in answer]
    elif prepared.question.type == "true_false":
        picked = ["true" if answer else "false"]
    else:
        return ""
    return "\n".join(to_terminal(feedback[key]).strip() for key in picked if key in feedback)


def _message(prepared: PreparedQuestion, answer: Any, fraction: float) -> str:
    question = prepared.question
    if question.type == "multiple" and fraction > 0:
        right, wrong = len(answer & prepared.expected), len(answer - prepared.expected)
        missed = len(prepared.expected - answer)
        return (f"Partly right: {right} right choice{'s' if right != 1 else ''} picked, {wrong} wrong "
                f"one{'s' if wrong != 1 else ''} picked, {missed} right one{'s' if missed != 1 else ''} missed.")
    if question.type == "ordering" and fraction > 0:
        placed = sum(a == b for a, b in zip(answer, prepared.expected))
        return f"Partly right: {placed} of {len(prepared.expected)} items are in their right position."
    if question.type == "numeric":
        return "Your number is not within the accepted tolerance of the right value."
    return "Not the right answer."


def grade_question(prepared: PreparedQuestion, answered: bool, value: Any, part: str) -> TestResult:
    """One question's TestResult: its score, and what the student should read about it."""
    question = prepared.question
    details = QuestionDetails(prompt=question_body(prepared), your_answer="(not answered)",
                              explanation=to_terminal(question.explanation).strip(),
                              prompt_html=question_html(prepared),
                              explanation_html=to_html(question.explanation) if question.explanation.strip() else "")
    feedback = None
    fraction = 0.0
    if not answered or value is None:
        feedback = Feedback(message="Not answered.", expected=show_expected(prepared))
    else:
        try:
            answer = read_answer(prepared, value)
        except AnswerProblem as problem:
            details.your_answer = repr(value)
            feedback = Feedback(message=f"Your answer could not be read: {problem}.",
                                expected=show_expected(prepared), got=repr(value))
        else:
            details.your_answer = show_answer(prepared, answer)
            try:
                fraction = score_fraction(prepared, answer)
            except PatternUndecided:         # the grader's failure: the points go to the student
                return _undecided(prepared, part, details)
            details.feedback = _choice_feedback(prepared, answer)
            if fraction < 1:
                message = _message(prepared, answer, fraction)
                if details.feedback:
                    message += " " + details.feedback.replace("\n", " ")
                feedback = Feedback(message=message, expected=show_expected(prepared), got=details.your_answer)
    score = round(question.points * fraction, 6)
    return TestResult(
        id=f"{part}::{question.id}", title=question_title(prepared), part=part, function=question.id,
        kind=Kind.QUESTION, score=score, max_score=question.points,
        status=Status.PASSED if fraction >= 1 else Status.FAILED, feedback=feedback, question=details,
    )


def _undecided(prepared: PreparedQuestion, part: str, details: QuestionDetails) -> TestResult:
    """A text answer whose match with the pattern the engine could not decide: full points, status ERROR."""
    question = prepared.question
    feedback = Feedback(message="The grader could not decide whether your answer matches this question's pattern. "
                                "This is not your fault: you get its points, and your instructor will check "
                                "your answer.", expected=show_expected(prepared), got=details.your_answer)
    return TestResult(
        id=f"{part}::{question.id}", title=question_title(prepared), part=part, function=question.id,
        kind=Kind.QUESTION, score=question.points, max_score=question.points, status=Status.ERROR,
        feedback=feedback, question=details,
    )


def undecided_flags(part: PartResult) -> list[str]:
    """For the instructor: each answer whose points were given because its pattern match was undecided."""
    return [f"{part.name} {test.function}: the grader could not decide whether the answer matches the pattern; "
            "its points were given: check the answer by hand"
            for test in part.tests if test.status == Status.ERROR]


def grade_variant(variant: Variant, answers: dict[str, Any]) -> tuple[PartResult, list[str]]:
    """The quiz part of a result, and messages about answers that were not used."""
    quiz = variant.quiz
    require_answer_keys(quiz, "grading")
    part = PartResult(name=part_name(quiz), title=quiz.title, max_points=variant.points)
    for prepared in variant.questions:
        part.tests.append(grade_question(prepared, prepared.id in answers, answers.get(prepared.id), part.name))
    messages = []
    for question_id in answers:
        if variant.get(question_id) is not None:
            continue
        if question_id in quiz.questions:
            messages.append(f"answer to {question_id!r} ignored: that question is not in your variant of the quiz")
        else:
            messages.append(f"answer to {question_id!r} ignored: the quiz has no question with that id")
    unanswered = [prepared.id for prepared in variant.questions if answers.get(prepared.id) is None]
    if unanswered:
        messages.append(f"{len(unanswered)} question{'s' if len(unanswered) != 1 else ''} not answered: "
                        + ", ".join(unanswered))
    return part, messages


def grade_answers(quiz: Quiz, answers: AnswersFile) -> GradingResult:
    """Grade one student's answers file against their own variant."""
    started = time.perf_counter()
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    variant = build_variant(quiz, answers.student)
    part, messages = grade_variant(variant, answers.answers)
    return GradingResult(student=answers.student, submission=str(answers.path), parts=[part], messages=messages,
                         flags=undecided_flags(part), started_at=started_at, execution_time=time.perf_counter() - started,
                         version=_version())


def failed_quiz_result(quiz: Quiz, path: str | Path, reason: str) -> GradingResult:
    """The result for an answers file that could not be read: 0 points of the quiz, and why."""
    student = Path(path).name.split(".")[0]
    part = PartResult(name=part_name(quiz), title=quiz.title, submitted=False, note=reason,
                      max_points=build_variant(quiz, student).points)
    return GradingResult(student=student, submission=str(path), parts=[part], error=reason, version=_version())


def add_quiz_part(result: GradingResult, quiz_result: GradingResult) -> GradingResult:
    """A code-grading result with a quiz's part added (replacing an older grading of the same quiz)."""
    parts = quiz_result.parts
    names = {part.name for part in parts}
    result.parts = [part for part in result.parts if part.name not in names] + parts
    result.messages += quiz_result.messages
    result.flags += quiz_result.flags
    return result


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("week5-autograder")
    except Exception:
        return ""
