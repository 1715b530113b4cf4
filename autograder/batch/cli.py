"""`autograder gradebook …`: a batch's grades as the CSV an LMS gradebook imports."""
from __future__ import annotations

from pathlib import Path

import click

from .._cli import reports_user_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def gradebook():
    """Grades of a batch, for an LMS gradebook."""


@gradebook.command()
@click.argument("output_folder", metavar="OUT", type=click.Path(file_okay=False))
@click.option("--to", "lms", type=click.Choice(("canvas", "moodle")), required=True,
              help="canvas: Grades → Import; moodle: Grades → Import → CSV file.")
@click.option("--roster", type=click.Path(dir_okay=False),
              help="CSV mapping submissions to LMS users: a 'submission' column (folder or file names as found, "
                   "or the batch's ids) and the LMS's id columns "
                   "(Canvas: Student, ID, SIS User ID, SIS Login ID, Section; Moodle: email, username, idnumber).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="The CSV to write  [default: OUT/gradebook-LMS.csv]")
@click.option("--assignment", default="Week 5 autograder", show_default=True,
              help="The grade column: a new assignment's name, or Canvas's 'Name (id)' of an existing one.")
@click.option("--by-part", is_flag=True, help="One column per part (and quiz) instead of the total.")
@reports_user_errors
def export(output_folder, lms, roster, output, assignment, by_part):
    """Write OUT's stored results (from `autograder batch -o OUT`) as LMS's gradebook import CSV."""
    from ._lms import lms_gradebook

    book = lms_gradebook(Path(output_folder), lms, Path(roster) if roster else None, assignment, by_part)
    path = Path(output) if output else Path(output_folder) / f"gradebook-{lms}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(book.text, encoding="utf-8", newline="")
    for label, students in (("not in the roster (kept with the batch's id; the LMS lists them as unknown)",
                             book.not_in_roster),
                            ("in the roster without a stored result (no row)", book.without_result),
                            ("grading failed (0 points; see their reports)", book.with_errors)):
        if students:
            click.echo(f"{len(students)} {label}: {', '.join(students)}", err=True)
    if roster is None:
        where = "SIS Login ID" if lms == "canvas" else "username"
        click.echo(f"no roster: each student's batch id is written as {where}", err=True)
    click.echo(f"wrote {path} ({book.rows} students)", err=True)
