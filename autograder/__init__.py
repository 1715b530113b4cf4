"""Auto-grading for the NLP course week on neural networks and Word2Vec.

The supported API is what `__all__` names; everything else lives in private
modules (`_name.py`) or in sub-packages with their own `__all__`, and may change.

    from autograder import grade_submission, render_result
    result = grade_submission("alice.zip")           # a GradingResult: the one result model
    html = render_result(result, "html")             # or "text", or "json" (Gradescope's results.json)

The names load their module on first use, so `import autograder` stays cheap
(a command that only renders never imports pytest or the grading pipeline).

The package, by concern:

- `grading/`  the one-submission pipeline; `grading/boundary/` is the grader's
  side of the trust boundary, `sandbox/` the student's side (the worker);
- `suites/`   the hidden pytest suites and the mistakes catalogue;
- `course/`   the course model: manifests, the reference, generated stubs;
- `results`   the result model; `render/` its renderings;
- `batch/`    grading a class; `quiz/` quizzes; `notebooks/` nbgrader notebooks;
  `packaging/` what leaves the checkout (release, Gradescope bundle, CI workflow);
- `cli` the `autograder` command.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ._errors import UserError
    from .batch import BatchSettings, BatchSummary, grade_class
    from .course import FunctionSpec, Limits, Part, course_root, load_parts
    from .grading import MalformedSubmission, failed_result, grade_submission
    from .render import render_result
    from .render.dashboard import render_dashboard
    from .render.gradescope import render_gradescope
    from .render.html import render_html
    from .render.text import render_text
    from .results import (
        ExampleDetails,
        Feedback,
        Figure,
        GradingResult,
        Kind,
        PartResult,
        QuestionDetails,
        Series,
        Status,
        TestResult,
    )

# public name → the module that defines it
_EXPORTS = {
    "grade_submission": ".grading", "failed_result": ".grading", "MalformedSubmission": ".grading",
    "GradingResult": ".results", "PartResult": ".results", "TestResult": ".results", "Feedback": ".results",
    "Figure": ".results", "Series": ".results", "ExampleDetails": ".results", "QuestionDetails": ".results",
    "Kind": ".results", "Status": ".results",
    "render_result": ".render", "render_text": ".render.text", "render_html": ".render.html",
    "render_gradescope": ".render.gradescope", "render_dashboard": ".render.dashboard",
    "grade_class": ".batch", "BatchSettings": ".batch", "BatchSummary": ".batch",
    "Part": ".course", "FunctionSpec": ".course", "Limits": ".course", "course_root": ".course",
    "load_parts": ".course",
    "UserError": "._errors",
}
__all__ = ["BatchSettings", "BatchSummary", "ExampleDetails", "Feedback", "Figure", "FunctionSpec", "GradingResult",
           "Kind", "Limits", "MalformedSubmission", "Part", "PartResult", "QuestionDetails", "Series", "Status",
           "TestResult", "UserError", "course_root", "failed_result", "grade_class", "grade_submission", "load_parts",
           "render_dashboard", "render_gradescope", "render_html", "render_result", "render_text"]
assert sorted(_EXPORTS) == __all__


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value   # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
