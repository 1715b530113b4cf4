"""`autograder notebooks ...`: the nbgrader notebooks of the assignments."""
from __future__ import annotations


import click

from ..cli import _reports_user_errors


@click.group()
def notebooks():
    """The assignments as nbgrader source notebooks (notebooks/<part>.ipynb)."""


@notebooks.command("build")
@click.option("--check", is_flag=True, help="Only report notebooks that are out of date; exit 1 if any.")
@_reports_user_errors
def build(check):
    """Regenerate notebooks/*.ipynb from reference/, the manifests and the READMEs."""
    from .._course import course_root
    from .._errors import UserError
    from .._generated import build_command

    try:
        from ._build import notebook_files
    except ModuleNotFoundError as error:
        raise UserError(f"building the notebooks needs {error.name}: pip install -e '.[nbgrader]'") from None
    build_command(notebook_files(), course_root(), check, "notebooks")
