"""The words of a failed call: the inputs are shown where they help, and formatted only then."""
from __future__ import annotations

from autograder.grading.boundary import CallFailure
from autograder.grading.boundary._session import _error_from_reply


def _reply(error_type: str, message: str = "") -> dict:
    return {"ok": False, "error": {"type": error_type, "message": message, "where": ["activations.py, line 3"]}}


def test_a_raising_call_shows_its_inputs():
    asked = []
    error = _error_from_reply("relu(s)", _reply("ValueError", "bad"), inputs=lambda: asked.append(1) or "s = [1.0]")
    assert error.reason == "raised ValueError: bad" and error.inputs == "s = [1.0]" and asked == [1]
    assert error.where == ["activations.py, line 3"] and error.kind == CallFailure.EXCEPTION


def test_a_function_not_written_yet_says_so_without_formatting_its_inputs():
    asked = []
    error = _error_from_reply("relu(s)", _reply("NotImplementedError"), inputs=lambda: asked.append(1) or "s = ...")
    assert error.reason == "is not implemented yet (it still raises NotImplementedError)"
    assert error.inputs is None and asked == []   # a stub fails every test: its inputs are never formatted
    assert error.where == ["activations.py, line 3"] and error.exception_type == "NotImplementedError"


def test_a_missing_function_formats_no_inputs():
    asked = []
    error = _error_from_reply("relu(s)", _reply("missing", "relu"), inputs=lambda: asked.append(1) or "s = ...")
    assert error.kind == CallFailure.MISSING and error.inputs is None and asked == []
