"""The assignments as Jupyter notebooks for nbgrader: building them, and grading inside a notebook's kernel.

- `notebook_files()`, `outdated_notebooks()` (`_build`): `notebooks/<part>.ipynb`,
  nbgrader source notebooks generated from the reference, the manifests and the
  READMEs (`autograder notebooks build`); building needs nbformat (the `nbgrader` extra).
- `student_notebook(path)` (`_student`): a source notebook as students receive
  it, made by nbgrader's own preprocessors.
- `kernel.check("activations.relu")`: the hidden part of the notebooks' test
  cells, grading the kernel's code with this package's engine.
- `autograder nbgrader autograde` (`_autograde`, `_nbgrader_course`): the
  engine's scores and feedback for nbgrader's submitted notebooks, written
  into nbgrader's gradebook, so no student's kernel decides a grade;
  `autograder nbgrader install-kernel` (`_kernel_sandbox`): the kernel for
  nbgrader's own autograde run, ipykernel in bubblewrap without the course.

Reading notebooks that students hand in is grading's job (`autograder.grading`).
Nothing here is imported when the package is merely used to grade, so grading
works without nbformat: the names below load their module on first use.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._build import notebook_files, outdated_notebooks
    from ._student import student_notebook

_LAZY = {"notebook_files": "._build", "outdated_notebooks": "._build", "student_notebook": "._student"}
__all__ = ["notebook_files", "outdated_notebooks", "student_notebook"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
