"""The student version of a source notebook, made by nbgrader's own preprocessors.

The same steps `nbgrader generate_assignment` runs on a source notebook: the
solution regions become `raise NotImplementedError()`, the hidden-test regions
disappear and outputs are cleared.  Used by the student release.
"""
from __future__ import annotations

from pathlib import Path

import nbformat


def student_notebook(source: Path) -> nbformat.NotebookNode:
    """The source notebook at `source` as students receive it."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions

    notebook = nbformat.read(source, as_version=4)
    resources: dict = {}
    for preprocessor in (ClearSolutions(), ClearHiddenTests(), ClearMarkScheme(), ClearOutput()):
        notebook, resources = preprocessor.preprocess(notebook, resources)
    return notebook
