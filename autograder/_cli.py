"""Plumbing shared by every command group: one-line user errors, where output goes, the common options.

`autograder/cli.py` and the command groups of the sub-packages (`quiz/cli.py`,
`notebooks/cli.py`, `batch/cli.py`) all import from here; this module imports
none of them, so the command line has no import cycle.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from ._errors import UserError

EXIT_USAGE = 2
FORMATS = ("text", "json", "html")


def reports_user_errors(command):
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


def emit(text: str, output: str | None) -> None:
    """Write text to the file output (creating its folder), or to stdout when output is None."""
    if output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {path}", err=True)
    else:
        click.echo(text, nl=False)


class PartName(click.ParamType):
    """A part of the course, checked against the manifests when the option is used (not when the CLI loads)."""

    name = "part"

    def convert(self, value, param, ctx):
        from .course import load_parts

        try:
            load_parts([value])
        except UserError as error:
            self.fail(error.message, param, ctx)
        return value


part_option = click.option("--part", "parts", multiple=True, type=PartName(),
                           callback=lambda ctx, param, names: tuple(dict.fromkeys(names)),   # each part once
                           help="Grade only this part (repeatable; `autograder overview` lists them).")
format_option = click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
                             show_default=True, help="text summary, Gradescope results.json, or HTML report.")
output_option = click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
