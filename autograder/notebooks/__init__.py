"""The assignments as Jupyter notebooks for nbgrader, generated from the single source.

`build_notebook(part)` makes the nbgrader source notebook of a part;
`write_notebooks()` and `outdated_notebooks()` keep `notebooks/*.ipynb` in step
with the reference, the manifests and the READMEs (`autograder notebooks build`).
"""
from ._build import build_notebook, notebook_files, outdated_notebooks, write_notebooks

__all__ = ["build_notebook", "notebook_files", "outdated_notebooks", "write_notebooks"]
