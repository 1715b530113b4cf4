"""Grading one submission: the pipeline behind `autograder grade`, `check`, `batch` and the notebooks.

    result = grade_submission("alice/", ["nn"])     # a GradingResult; see autograder.results

The flow runs one way:

    _submission (+ _submission_notebook)   find the student's modules in a folder, zip, .py or .ipynb
    → boundary/                             start the sandboxed worker, call into it (the trust boundary)
    → _examples, _plugin                    visible examples, then the hidden pytest suites (autograder/suites/)
    → _engine                               one GradingResult, whatever went wrong

Suite authors write tests with four public modules of this package:
`checks` (expect, fail, note, figure: the feedback vocabulary), `compare`
(comparing any returned data with expected values, within the contract's
tolerances), `numeric` (central differences fit to a function's precision,
goodness-of-fit statistics) and `diagnose` (how a wrong result relates to the
expected one; `Hints` say what a suite knows about a call).
"""
from .boundary import prepare_in_background

prepare_in_background()   # the sandbox probes run while the rest of the pipeline (pytest, the suites' helpers) imports

from ._engine import failed_result, grade_submission  # noqa: E402
from ._examples import ExpectedValues, ReferenceExpectations, example_arguments, write_expected  # noqa: E402
from ._sources import student_sources  # noqa: E402
from ._submission import MalformedSubmission, student_id_for  # noqa: E402
from ._submission_notebook import TEST_CELL_MARKER, is_test_cell  # noqa: E402
from .boundary import StudentCallError  # noqa: E402

__all__ = [
           "TEST_CELL_MARKER",
           "ExpectedValues",
           "MalformedSubmission",
           "ReferenceExpectations",
           "StudentCallError",
           "example_arguments",
           "failed_result",
           "grade_submission",
           "is_test_cell",
           "student_id_for",
           "student_sources",
           "write_expected",
]
