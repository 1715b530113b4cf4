"""`autograder notebooks ...`: the nbgrader notebooks of the assignments; `autograder nbgrader ...`: grading them."""
from __future__ import annotations

from pathlib import Path

import click

from .._cli import reports_user_errors
from .._errors import UserError


@click.group()
def notebooks():
    """The assignments as nbgrader source notebooks (notebooks/<part>.ipynb)."""


@notebooks.command("build")
@click.option("--check", is_flag=True, help="Only report notebooks that are out of date; exit 1 if any.")
@reports_user_errors
def build(check):
    """Regenerate notebooks/*.ipynb from reference/, the manifests and the READMEs."""
    from ..course import build_command, course_root

    try:
        from ._build import notebook_files
    except ModuleNotFoundError as error:
        raise UserError(f"building the notebooks needs {error.name}: pip install -e '.[nbgrader]'") from None
    build_command(notebook_files(), course_root(), check, "notebooks")


@click.group()
def nbgrader():
    """Grade nbgrader submissions with the sandboxed grader, and run nbgrader's kernel without the course."""


@nbgrader.command("autograde")
@click.argument("course_dir", type=click.Path(file_okay=False))
@click.argument("assignment")
@click.option("--student", "students", multiple=True, help="Only this student (repeatable) [default: every "
                                                            "student with a submitted/<student>/ASSIGNMENT folder].")
@reports_user_errors
def autograde(course_dir, assignment, students):
    """Grade submitted/<student>/ASSIGNMENT/*.ipynb and write the scores and feedback into nbgrader's gradebook.

    Run it after `nbgrader autograde` (and after every re-run of it): it
    overwrites the scores the notebook's kernel gave the test cells.
    """
    from ._autograde import assignment_layout, autograde_student
    from ._kernel_sandbox import KERNEL_NAME
    from ._nbgrader_course import open_course

    course = open_course(Path(course_dir))
    if course.kernel_name != KERNEL_NAME:
        click.echo(f"autograder: warning: nbgrader's autograde runs the notebooks in the kernel "
                   f"{course.kernel_name or '(the notebook’s own)'!r}, not in {KERNEL_NAME!r}: a student's cell "
                   f"there may read the course; set c.ExecutePreprocessor.kernel_name = {KERNEL_NAME!r} in "
                   f"nbgrader_config.py (after `autograder nbgrader install-kernel`)", err=True)
    layouts = assignment_layout(course, assignment)
    for student in students:   # a typo must not add a student with zero points to the gradebook
        if student not in course.students(assignment):
            raise UserError(f"no submission of {assignment!r} by {student!r}", course.submitted_folder(student, assignment))
    names = list(students) or course.students(assignment)
    if not names:
        raise UserError(f"no submissions of {assignment!r}", course.submitted_folder("*", assignment))
    for student in names:
        scores = autograde_student(course, assignment, student, layouts)
        parts = "  ".join(f"{notebook.name} {notebook.score:g}/{notebook.max_score:g}"
                          + ("" if notebook.submitted else " (not submitted)") for notebook in scores.notebooks)
        total = sum(notebook.score for notebook in scores.notebooks)
        maximum = sum(notebook.max_score for notebook in scores.notebooks)
        click.echo(f"{student}: {total:g}/{maximum:g}  {parts}")
        for note in scores.notes:
            click.echo(f"  note: {note}", err=True)
    click.echo(f"gradebook: {course.db_url}")


@nbgrader.command("install-kernel")
@click.option("--name", default=None, help="The kernel's name [default: autograder-sandbox].")
@click.option("--user", is_flag=True, help="Install for the current user only.")
@click.option("--prefix", type=click.Path(file_okay=False), help="Install under this prefix (PREFIX/share/jupyter).")
@reports_user_errors
def install_kernel(name, user, prefix):
    """Install the Jupyter kernel for nbgrader's autograde: ipykernel in bubblewrap, with no view of the course."""
    from ..grading.boundary import bubblewrap_works
    from ._kernel_sandbox import KERNEL_NAME
    from ._kernel_sandbox import install_kernel as install

    if not bubblewrap_works():
        raise UserError("the sandboxed kernel needs bubblewrap (bwrap) that can create namespaces on this machine")
    folder = install(name or KERNEL_NAME, prefix, user)
    click.echo(f"installed the kernel {name or KERNEL_NAME!r} in {folder}")
    click.echo(f"in nbgrader_config.py: c.ExecutePreprocessor.kernel_name = {name or KERNEL_NAME!r}")
