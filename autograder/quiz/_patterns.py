"""Matching a text answer against its question's `pattern`, in time linear in the answer.

A student's answer is hostile input, and Python's `re` backtracks: the
pattern `(a+)+$` takes about 2**n steps on `aaa…a!`, so one 60-character answer
held `quiz grade` for ever.  RE2 (the `google-re2` package) compiles a pattern
to an automaton and never backtracks: every answer (at most MAX_TEXT = 1000
characters) is decided in well under a millisecond, whatever the pattern (see
README "Quizzes" for the figures).  A timeout on a backtracking engine (the
`regex` package's `timeout=`) would bound the time too, but leave answers
undecided; RE2 decides them all.

The price: RE2 has no backreferences (`\\1`) and no lookaround (`(?=`, `(?<!`),
and its `\\w`, `\\d`, `\\s`, `\\b` are ASCII-only.  `quiz validate` reports a
pattern RE2 cannot compile at its place (`pattern_problem`).  Should the
engine ever fail on an answer all the same, `pattern_matches` raises
`PatternUndecided`, and grading gives the student the question's points and
flags the answer for the instructor: a grader's failure is never the
student's loss.
"""
from __future__ import annotations

import functools
import re
from typing import Any


class PatternUndecided(RuntimeError):
    """The engine failed on this answer: whether it matches is unknown (the message says why)."""


class PatternProblem(ValueError):
    """The pattern cannot be used for grading; the message says why."""


def pattern_problem(pattern: str, case_sensitive: bool) -> str | None:
    """Why the pattern cannot grade answers, in one line, or None when it can (compiled as grading will)."""
    try:
        re.compile(pattern)           # exports list its forms with exrex, which reads Python's syntax
    except re.error as exc:
        return f"pattern is not a valid regex: {exc}"
    try:
        _compiled(pattern, case_sensitive)
    except PatternProblem as exc:
        return f"pattern uses what the grader's regex engine (RE2) cannot match in linear time: {exc} " \
               "(RE2 has no backreferences and no lookaround)"
    return None


def pattern_matches(pattern: str, text: str, case_sensitive: bool) -> bool:
    """Whether the whole text matches the pattern; PatternUndecided if the engine fails on it."""
    try:
        return _compiled(pattern, case_sensitive).fullmatch(text) is not None
    except Exception as exc:          # the engine's failure, whatever its kind, is the grader's
        raise PatternUndecided(f"{type(exc).__name__}: {exc}") from None


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str, case_sensitive: bool) -> Any:
    import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

    options = re2.Options()
    options.log_errors = False        # RE2 would also print its complaint to stderr
    options.case_sensitive = case_sensitive
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        raise PatternProblem(reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)) from None
