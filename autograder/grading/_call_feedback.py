"""The feedback for a call into the student's code that did not return a value.

Shared by the visible examples and the hidden suites; it imports no pytest, so
the examples (and the start of a grading) do not wait for pytest to import.
"""
from __future__ import annotations

from ..results import Feedback
from .boundary import CallFailure, StudentCallError


def feedback_for_call_error(error: StudentCallError) -> Feedback:
    """Feedback when the student's code raised, crashed, hung or was missing."""
    where = "\n".join(error.where)
    importing = error.call.startswith("importing ")
    blocked_by = error.call.removeprefix("importing ") if importing and error.kind in (CallFailure.IMPORT,
                                                                                      CallFailure.MISSING) else None
    return Feedback(message=f"Calling {error.call} {error.reason}." if not importing
                    else f"{error.call[0].upper()}{error.call[1:]} {error.reason}.",
                    input=error.inputs, where=where or None, blocked_by=blocked_by)
