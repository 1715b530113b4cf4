"""One batch job: grade one student's submission, whatever happens, and return plain data.

`grade_job` is a module-level function of plain arguments, so a local process
pool and a Dask cluster can both run it.  It never raises: a submission that
cannot be read or a grader failure becomes a result with status "error".
"""
from __future__ import annotations

import time
import traceback
from pathlib import Path

from .._engine import failed_result, grade_submission
from .._errors import UserError


def grade_job(path: str, student: str, parts: list[str] | None, seed: int, quiz: str | None = None) -> dict:
    """Grade one submission (and, with a quiz, its answers file); returns GradingResult.to_dict()."""
    started = time.perf_counter()
    try:
        result = grade_submission(path, parts, seed=seed, student=student)
        if quiz:
            from ..quiz import add_quiz_part
            from ._quiz import quiz_result_for
            add_quiz_part(result, quiz_result_for(Path(path), student, quiz))
    except UserError as error:
        result = failed_result(path, str(error), parts, student)
    except Exception as error:   # a bug of ours must not cost the student their row
        result = failed_result(path, f"the grader failed on this submission ({type(error).__name__}: {error})",
                               parts, student)
        result.messages.append(traceback.format_exc(limit=-4))
    result.execution_time = round(time.perf_counter() - started, 3)
    return result.to_dict()
