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


FORMATS = ("text", "json", "html")


def _render(result, output_format: str, visible_only: bool = False) -> str:
    if output_format == "json":
        from .render.gradescope import render_gradescope
        return render_gradescope(result)
    if output_format == "html":
        from .render.html import render_html
        return render_html(result)
    from .render.text import render_text
    return render_text(result, visible_only=visible_only)


def _emit(text: str, output: str | None) -> None:
    if output:
        from pathlib import Path
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {path}", err=True)
    else:
        click.echo(text, nl=False)


def _failed_result(submission: str, reason: str, parts):
    """The result of a submission that could not be graded at all: score 0 out of the full points, and why."""
    from pathlib import Path

    from ._engine import not_submitted
    from ._course import load_parts
    from ._submission import student_id_for
    from .results import GradingResult
    return GradingResult(student=student_id_for(Path(submission)), submission=submission, error=reason,
                         parts=[not_submitted(part, reason) for part in load_parts(list(parts) or None)])


def _grade_command(submission, parts, output_format, output, seed, fail_under, visible_only):
    from ._engine import grade_submission
    from ._submission import MalformedSubmission

    try:
        result = grade_submission(submission, list(parts) or None, seed=seed, visible_only=visible_only)
    except MalformedSubmission as error:
        # the submission cannot be read: still write a result (score 0, the reason), then fail as bad input
        _emit(_render(_failed_result(submission, str(error), parts), output_format), output)
        raise
    _emit(_render(result, output_format, visible_only), output)
    if fail_under is not None and result.score < fail_under:
        click.echo(f"autograder: score {result.score:g} is under --fail-under {fail_under:g}", err=True)
        sys.exit(1)


_part_option = click.option("--part", "parts", multiple=True, type=click.Choice(["nn", "word2vec", "scaling"]),
                            help="Grade only this part (repeatable).")
_format_option = click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
                              show_default=True, help="text summary, Gradescope results.json, or HTML report.")
_output_option = click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
_fail_under_option = click.option("--fail-under", type=float, help="Exit with status 1 when the score is lower.")


@main.command()
@click.argument("submission", type=click.Path())
@_part_option
@_format_option
@_output_option
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random test inputs.")
@_fail_under_option
@_reports_user_errors
def grade(submission, parts, output_format, output, seed, fail_under):
    """Grade SUBMISSION (a folder, .zip or .py file) against the hidden reference."""
    _grade_command(submission, parts, output_format, output, seed, fail_under, visible_only=False)


@main.command()
@click.argument("submission", type=click.Path(), default=".")
@_part_option
@_format_option
@_output_option
@_fail_under_option
@_reports_user_errors
def check(submission, parts, output_format, output, fail_under):
    """Self-check before submitting: run the visible examples only (default: this folder)."""
    _grade_command(submission, parts, output_format, output, 0, fail_under, visible_only=True)


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

from .quiz.cli import quiz as _quiz; main.add_command(_quiz)  # noqa: E402  (the `quiz` group)
