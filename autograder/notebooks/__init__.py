"""The assignments as Jupyter notebooks for nbgrader, generated from the single source.

`_build.build_notebook(part)` makes the nbgrader source notebook of a part;
`notebook_files()` and `outdated_notebooks()` keep `notebooks/*.ipynb` in step
with the reference, the manifests and the READMEs (`autograder notebooks build`).
Building needs nbformat (the `nbgrader` extra); nothing here is imported when
the package is merely used to grade, so grading works without it.
"""
