"""`check`: the hidden part of the notebooks' test cells, grading inside the Jupyter kernel.

    from autograder.notebooks.kernel import check
    check("activations.relu")

grades the whole part of that function with this package's engine, exactly as
`autograder grade` grades a notebook submission: the code of the cells run so
far in this kernel (IPython's input history, test cells left out, magics
stripped) becomes the part's modules and runs in the sandboxed worker.  The
result is kept for that code (by its hash), so the part's other test cells
read it instead of grading again.

check prints the function's feedback, worded as `autograder grade` words it,
on stdout and nothing on stderr (nbgrader fails a test cell that writes to
stderr, so warnings are recorded, never printed), and raises AssertionError
unless the function got all its points: nbgrader then gives the cell's points
only for a fully correct function.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import tempfile
import warnings
from pathlib import Path

from ..grading import is_test_cell
from ..results import PASSED, GradingResult

_results: dict[str, GradingResult] = {}


def check(function: str) -> None:
    """Print the feedback for `module.function` and raise AssertionError unless it got full marks."""
    __tracebackhide__ = True   # IPython shows the AssertionError, not this module's frames
    spec = _function_spec(function)
    sources = _sources_run_so_far()
    result, fresh = grade_sources(spec.part, sources)
    text, full_marks = feedback(result, function, show_notes=fresh)
    print(text, end="")
    if not full_marks:
        raise AssertionError(f"{function} did not get all its {_points(spec.points)} (see the feedback above)")


def grade_sources(part: str, sources: list[str]) -> tuple[GradingResult, bool]:
    """The grading result of a part for these cell sources (run in order), and whether it was graded now.

    Test cells among the sources are left out of the code and of the cache key.
    """
    code = [source for source in sources if not is_test_cell(source)]
    key = hashlib.sha256(json.dumps([part, code]).encode("utf-8")).hexdigest()
    if key in _results:
        return _results[key], False
    _results[key] = _grade_quietly(part, sources)
    return _results[key], True


def feedback(result: GradingResult, function: str, show_notes: bool = True) -> tuple[str, bool]:
    """The function's feedback text as `autograder grade` prints it, and whether it got all its points."""
    from ..render.text import render_function

    spec = _function_spec(function)
    lines = []
    if show_notes:   # once per grading: how the code ran, and notes on the notebook as a whole
        lines += [f"Student code ran in: {result.isolation}"] if result.isolation else []
        lines += [f"Note: {message}" for message in result.messages if "\n" not in message]
    if result.error:
        lines.append(f"GRADING ERROR: {result.error}")
    tests = [test for test in result.tests() if test.function == function]
    text = render_function(result, function)
    if text:
        lines.append(text.rstrip("\n"))
    tested = sum(test.max_score for test in tests)
    if tested < spec.points - 1e-9:
        lines.append(f"  Only {tested:g} of the {_points(spec.points)} of {function} are covered by tests here; "
                     f"this cell gives its points only for all of them.")
    score = sum(test.score for test in tests)
    full_marks = (not result.error and bool(tests) and all(test.status == PASSED for test in tests)
                  and score >= spec.points - 1e-9)
    return "\n".join(lines) + "\n", full_marks


def _points(value: float) -> str:
    return f"{value:g} point{'' if value == 1 else 's'}"


def _function_spec(function: str):
    from ..course import load_parts

    for part in load_parts():
        for spec in part.functions:
            if spec.qualified_name == function:
                return spec
    known = ", ".join(spec.qualified_name for part in load_parts() for spec in part.functions)
    raise ValueError(f"check({function!r}): no such function; the graded functions are {known}")


def _sources_run_so_far() -> list[str]:
    """The raw sources of the cells this kernel ran, in order (IPython's input history)."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is None:
        raise RuntimeError("check() grades the code of a Jupyter notebook: call it in a notebook cell")
    return list(shell.history_manager.input_hist_raw[1:])


def _grade_quietly(part: str, sources: list[str]) -> GradingResult:
    """grade_submission on the sources written as a notebook; nothing reaches stdout or stderr."""
    import numpy as np

    from .._errors import UserError
    from ..grading import failed_result, grade_submission

    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                "cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                           "execution_count": None} for source in sources]}
    swallowed = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="autograder-notebook-") as folder, \
            contextlib.redirect_stdout(swallowed), contextlib.redirect_stderr(swallowed), \
            warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        path = Path(folder) / f"{part}.ipynb"
        path.write_text(json.dumps(notebook), encoding="utf-8")
        try:
            return grade_submission(path, [part], student="notebook")
        except UserError as error:
            return failed_result(path, error, [part], "notebook")
