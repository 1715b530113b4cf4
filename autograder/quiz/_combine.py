"""The code-grading result `quiz grade --combine FILE` adds the quiz to.

What the tool writes that holds a whole grading result is a batch's stored
record, `OUT/.state/<student>.json` ({"fingerprint", "submission", "result":
GradingResult.to_dict()}); a bare `GradingResult.to_dict()` is read too.  A
Gradescope results.json (`grade --format json`, a batch's
`OUT/results/<student>.json`) is a rendering that keeps scores but not the
parts, notes and flags a report is made of: it is refused in one line that
names the file to give instead.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._errors import UserError
from ..results import GradingResult

_USE = "give the batch's stored OUT/.state/<student>.json"


def read_stored_result(path: str | Path, student: str) -> GradingResult:
    """The stored result in path, for this student; a one-line UserError naming the file otherwise."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError("file not found", path) from None
    except (OSError, UnicodeDecodeError, RecursionError, ValueError) as exc:
        raise UserError(f"not a grading result autograder stored (unreadable JSON: {exc}); {_USE}", path) from None
    if isinstance(data, dict) and "fingerprint" in data and "result" in data:
        data = data["result"]                                       # a batch's OUT/.state/<student>.json
    elif isinstance(data, dict) and "tests" in data and "parts" not in data:
        raise UserError("this is a Gradescope results.json, which keeps the scores but not the grading result; "
                        f"combine with {_state_record(path)}", path)
    result = _result(data)
    if result is None:
        raise UserError(f"not a grading result autograder stored; {_USE}", path)
    if result.student.strip().casefold() != student.strip().casefold():
        raise UserError(f"this result is for student {result.student!r}, the answers for {student!r}", path)
    return result


def _result(data: Any) -> GradingResult | None:
    if not isinstance(data, dict) or not isinstance(data.get("student"), str):
        return None
    try:
        return GradingResult.from_dict(data)
    except (TypeError, ValueError, KeyError, AttributeError):   # fields of another shape, or unknown ones
        return None


def _state_record(path: Path) -> str:
    """The batch's stored record beside OUT/results/<student>.json, when it is there."""
    record = path.parent.parent / ".state" / path.name
    if path.parent.name == "results" and record.is_file():
        return f"the one the batch stored: {record}"
    return "the batch's stored OUT/.state/<student>.json"
