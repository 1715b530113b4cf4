"""`autograder notebooks ...`: the nbgrader notebooks of the assignments."""
from __future__ import annotations

import sys

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

    try:
        from ._build import outdated_notebooks, write_notebooks
    except ModuleNotFoundError as error:
        raise UserError(f"building the notebooks needs {error.name}: pip install -e '.[nbgrader]'") from None

    root = course_root()
    if check:
        outdated = outdated_notebooks()
        for path in outdated:
            click.echo(f"out of date: {path.relative_to(root)}")
        sys.exit(1 if outdated else 0)
    written = write_notebooks()
    for path in written:
        click.echo(f"wrote {path.relative_to(root)}")
    if not written:
        click.echo("the notebooks are up to date")
