"""The vocabulary the hidden suites grade with.

A suite test calls the student's function through the `student` fixture,
computes what it expected (from the reference or from the maths), and then
uses `expect(...)` or `fail(...)`.  A failed check raises `GradeFailure`, which
carries a `Feedback` for the student: what was checked, the input, what was
expected, what came back, how the wrong result relates to the expected one
(`diagnose.explain`, steered by the suite's `Hints`) and, when a known mistake
matches, its name.  `note()` adds advice worth 0 points and `figure()` a plot
for the HTML report.
"""
from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NoReturn

import yaml

from ..results import Feedback, Figure
from .compare import ATOL, RTOL, Mismatch, as_numeric_array, compare, show
from .diagnose import Hints, explain

SUITES = Path(__file__).resolve().parents[1] / "suites"   # absent from a student release: no catalogue there


@dataclass(frozen=True)
class Mistake:
    """A common mistake the grader can recognise (see suites/mistakes.yaml)."""

    id: str
    function: str
    title: str
    message: str


@cache
def mistakes() -> dict[str, Mistake]:
    """The catalogue of named mistakes, by id, from every suites/<part>/mistakes.yaml."""
    catalogue = {}
    for path in sorted(SUITES.glob("*/mistakes.yaml")):
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        for key, value in yaml.load(path.read_text(encoding="utf-8"), Loader=loader).items():
            if key in catalogue:
                raise ValueError(f"{path}: mistake id {key!r} is defined twice")
            catalogue[key] = Mistake(key, value["function"], value["title"], " ".join(value["message"].split()))
    return catalogue


class GradeFailure(AssertionError):
    """A failed check; the plugin turns it into a failed test with this feedback."""

    def __init__(self, feedback: Feedback):
        super().__init__(feedback.message)
        self.feedback = feedback


@dataclass
class TestRecord:
    """Notes and figures collected while one test runs."""

    notes: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


current_record: contextvars.ContextVar[TestRecord] = contextvars.ContextVar("current_record")


def note(text: str) -> None:
    """Advice that costs no points, shown with the test."""
    record = current_record.get(None)
    if record is not None and text not in record.notes:
        record.notes.append(text)


def figure(plot: Figure) -> None:
    """A plot for the HTML report."""
    record = current_record.get(None)
    if record is not None:
        record.figures.append(plot)


def format_inputs(inputs) -> str | None:
    """{"s": array} → "s = [...]" lines; a string is kept as it is."""
    if inputs is None or isinstance(inputs, str):
        return inputs
    return "\n".join(f"{name} = {show(value, 600)}" for name, value in inputs.items())


def fail(message: str, *, inputs=None, expected=None, got=None, mistake: str | None = None) -> NoReturn:
    """Fail the current test with a message for the student.

    expected and got: a value, shown with `show`, or a str, shown as it is (a str `got` cut to 2,000 characters).
    """
    named = mistakes()[mistake] if mistake else None
    if named:
        message = f"{message} Likely mistake: {named.message}"
    raise GradeFailure(Feedback(
        message=message, input=format_inputs(inputs),
        expected=expected if expected is None or isinstance(expected, str) else show(expected),
        got=_clipped(got) if got is None or isinstance(got, str) else show(got),
        mistake=named.id if named else None, mistake_title=named.title if named else None))


def _clipped(text: str | None, limit: int = 2000) -> str | None:
    """A text for `got`, at most about `limit` characters: a suite's own text is short, but a str the
    student's function returned is passed on as it is, and may be megabytes long."""
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]} ... ({len(text) - limit:,} more characters not shown)"


def matches(got, value, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """True when got equals value within tolerance (safe on any returned data)."""
    try:
        return compare(got, value, rtol=rtol, atol=atol) is None
    except Exception:   # a predicate must never break a test
        return False


def ratio(got, expected) -> float | None:
    """The single factor c with got ≈ c·expected, if there is one (for ratio tests), else None."""
    got_array, expected_array = as_numeric_array(got), as_numeric_array(expected)
    if got_array is None or expected_array is None or got_array.shape != expected_array.shape:
        return None
    mask = abs(expected_array) > 1e-12
    if not mask.any():
        return None
    factors = got_array[mask] / expected_array[mask]
    factor = float(factors.flat[0])
    return factor if abs(factors - factor).max() <= 1e-6 * max(1.0, abs(factor)) else None


def expect(got, expected, *, call: str, inputs=None, rtol: float = RTOL, atol: float = ATOL,
           mistakes_if: dict[str, Callable[[object], bool]] | None = None, what: str = "returned",
           hints: Hints | None = None) -> None:
    """Fail unless got matches expected; say how they relate, and name a known mistake if a predicate holds."""
    mismatch = compare(got, expected, rtol=rtol, atol=atol)
    if mismatch is None:
        return
    fail_mismatch(mismatch, call=call, inputs=inputs, mistakes_if=mistakes_if, got=got, what=what,
                  expected=expected, hints=hints)


_NOT_GIVEN = object()


def first_mistake(mistakes_if: dict[str, Callable[[object], bool]] | None, got) -> str | None:
    """The first mistake id whose predicate holds for got (predicates see arbitrary data: an error means no)."""
    for mistake_id, predicate in (mistakes_if or {}).items():
        try:
            if predicate(got):
                return mistake_id
        except Exception:
            continue
    return None


def diagnosis(got, expected, hints: Hints | None = None, inputs=None) -> str:
    """The sentences of diagnose.explain as one text ('' when nothing can be said), with the call's inputs."""
    hints = hints or Hints()
    if isinstance(inputs, dict) and not hints.inputs:
        hints = Hints(**{**vars(hints), "inputs": inputs})
    return " ".join(explain(got, expected, hints))


def fail_mismatch(mismatch: Mismatch, *, call: str, inputs=None, got=None,
                  mistakes_if: dict[str, Callable[[object], bool]] | None = None, what: str = "returned",
                  expected=_NOT_GIVEN, hints: Hints | None = None) -> NoReturn:
    """Fail with the wording of a Mismatch and, when expected is given, a diagnosis; name the first mistake
    whose predicate holds."""
    problem = mismatch.problem[0].upper() + mismatch.problem[1:]
    found = diagnosis(got, expected, hints, inputs) if expected is not _NOT_GIVEN else ""
    fail(f"{call} {what} a wrong result. {problem}." + (f" {found}" if found else ""), inputs=inputs,
         expected=mismatch.expected, got=mismatch.got, mistake=first_mistake(mistakes_if, got))
