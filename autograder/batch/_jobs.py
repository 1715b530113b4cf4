"""One batch job: grade one student's submission, whatever happens, and return plain data.

`grade_job` is a module-level function of plain arguments, so a local process
pool and a Dask cluster can both run it.  It never raises: a submission that
cannot be read or a grader failure becomes a result with status "error".  The
job also renders the student's report and results.json, so that rendering
(plots take tenths of a second) runs in parallel too, and on the machine that
graded when the jobs run on a cluster.
"""
from __future__ import annotations

import time
import traceback
from pathlib import Path

from .._errors import UserError
from ..grading import failed_result, grade_submission
from ..results import GradingResult


def grade_job(path: str, student: str, parts: list[str] | None, seed: int | None, quiz: str | None = None) -> dict:
    """Grade one submission (and, with a quiz, its answers file).

    Returns {"result": GradingResult.to_dict(), "report": HTML text or None,
    "gradescope": results.json text or None}; a renderer that fails leaves its
    text None, and the batch renders it again itself.
    """
    started = time.perf_counter()
    try:
        result = grade_submission(path, parts, seed=seed, student=student)
        if quiz:
            from ..quiz import add_quiz_part
            from ._quiz import quiz_result_for
            add_quiz_part(result, quiz_result_for(Path(path), student, quiz))
    except UserError as error:
        result = failed_job_result(path, student, parts, error, quiz)
    except Exception as error:   # a bug of ours must not cost the student their row
        result = failed_job_result(path, student, parts,
                                   f"the grader failed on this submission ({type(error).__name__}: {error})", quiz)
        result.diagnostics = traceback.format_exc(limit=-4)
    result.execution_time = round(time.perf_counter() - started, 3)
    return {"result": result.to_dict(), **render_outputs(result)}


def failed_job_result(path: str | Path, student: str, parts: list[str] | None, reason: str | UserError,
                      quiz: str | None) -> GradingResult:
    """The row of a submission that could not be graded: 0 of the full points of its parts, and of the quiz's
    (a row without the quiz's part would have another maximum and an empty quiz cell in the gradebook)."""
    result = failed_result(path, reason, parts, student)
    if quiz:
        from ._quiz import with_quiz_not_graded
        with_quiz_not_graded(result, quiz, student)
    return result


def render_outputs(result) -> dict[str, str | None]:
    """The student's report and results.json, or None for one that could not be rendered."""
    from ..render import render_result

    rendered: dict[str, str | None] = {}
    for key, output_format in (("report", "html"), ("gradescope", "json")):
        try:
            rendered[key] = render_result(result, output_format)
        except Exception:   # never lose a graded row to a rendering problem
            rendered[key] = None
    return rendered
