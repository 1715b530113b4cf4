"""`autograder notebooks ...`: the nbgrader notebooks of the assignments."""
from __future__ import annotations


import click

from .._cli import reports_user_errors


@click.group()
def notebooks():
    """The assignments as nbgrader source notebooks (notebooks/<part>.ipynb)."""


@notebooks.command("build")
@click.option("--check", is_flag=True, help="Only report notebooks that are out of date; exit 1 if any.")
@reports_user_errors
def build(check):
    """Regenerate notebooks/*.ipynb from reference/, the manifests and the READMEs."""
    from .._errors import UserError
    from ..course import build_command, course_root

    try:
        from ._build import notebook_files
    except ModuleNotFoundError as error:
        raise UserError(f"building the notebooks needs {error.name}: pip install -e '.[nbgrader]'") from None
    build_command(notebook_files(), course_root(), check, "notebooks")
