"""The `autograder` command line.

Every command turns a `UserError` into one line on stderr and exit status 2;
only bugs in this package produce a traceback.
"""
from __future__ import annotations

import functools
import sys

import click

from ._errors import UserError

EXIT_USAGE = 2


def _reports_user_errors(command):
    """Print a UserError as `autograder: <location>: <message>` and exit 2."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UserError as error:
            for line in str(error).splitlines():
                click.echo(f"autograder: {line}", err=True)
            sys.exit(EXIT_USAGE)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """Grade the week-5 assignments (neural networks, Word2Vec, scaling laws)."""


@main.command()
@_reports_user_errors
def overview():
    """List the assignments, their functions and points."""
    from ._course import load_parts

    total = 0.0
    for part in load_parts():
        click.echo(f"{part.name}: {part.title}  ({part.points:g} points)")
        for module in part.modules:
            specs = [spec for spec in part.functions if spec.module == module]
            click.echo(f"  {module}.py")
            for spec in specs:
                click.echo(f"    {spec.name:<28} {spec.points:>4g} points")
        total += part.points
    click.echo(f"total: {total:g} points")


@main.group()
def stubs():
    """The student stubs, generated from the reference solution."""


@stubs.command("build")
@click.option("--check", is_flag=True, help="Only report stubs that are out of date; exit 1 if any.")
@_reports_user_errors
def stubs_build(check):
    """Regenerate assignments/*/*.py from reference/."""
    from ._course import course_root
    from ._stubs import outdated_stubs, write_stubs

    root = course_root()
    if check:
        outdated = outdated_stubs()
        for path in outdated:
            click.echo(f"out of date: {path.relative_to(root)}")
        sys.exit(1 if outdated else 0)
    for path in write_stubs():
        click.echo(f"wrote {path.relative_to(root)}")
