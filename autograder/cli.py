"""The `autograder` command line: grading commands here, bigger groups (quiz, notebooks) loaded when used.

Every command turns a `UserError` into one line on stderr and exit status 2;
only bugs in this package produce a traceback.  The plumbing the groups share
is in `_cli`.  `run` is the command itself (the console script and
`python -m autograder`); `main` is its click group.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import ClassVar

import click

from . import __version__
from ._cli import emit, format_option, output_option, part_option, reports_user_errors


class _LazyGroup(click.Group):
    """A group whose bigger sub-groups are imported only when used (click's documented lazy-loading pattern).

    Grading a submission should not pay for importing the quiz and notebook tools.
    """

    lazy: ClassVar[dict[str, str]] = {"quiz": "autograder.quiz.cli:quiz", "notebooks": "autograder.notebooks.cli:notebooks",
                                      "nbgrader": "autograder.notebooks.cli:nbgrader",
                                      "gradebook": "autograder.batch.cli:gradebook"}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attribute = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="autograder", message="%(prog)s %(version)s")
def main():
    """Grade the week-5 assignments (neural networks, Word2Vec, scaling laws)."""


@main.command()
@reports_user_errors
def overview():
    """List the assignments, their functions and points."""
    from .course import load_parts

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


# Set by a command that grades one submission: its process then ends without the interpreter's teardown (`run`).
_quick_exit = False


def run() -> None:
    """The `autograder` command: `main`, then, after `grade` and `check`, an exit without the interpreter's teardown.

    Freeing the modules of numpy, pytest and the suites one by one costs about
    0.15 s, a tenth of a `grade` (mypy's command skips it too).  By then the
    command has written and closed its files and stopped its worker; stdout and
    stderr are flushed first.  Every other command exits as usual: a batch's
    fork server and multiprocessing's own folder are cleaned up by exit handlers.
    """
    _one_blas_thread()
    try:
        main()
    except SystemExit as stop:
        if _quick_exit and (stop.code is None or isinstance(stop.code, int)):
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(stop.code or 0)
        raise


_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _one_blas_thread() -> None:
    """Run numpy's linear algebra on one thread in this process and the ones it starts, unless the user chose.

    Set before anything imports numpy.  The grading's arrays are small, and a batch already keeps every core
    busy with one job each: OpenBLAS's own threads (one per core, started at import) only spun beside them.
    A class of 60 took about 10% less CPU with one thread.  Workers always run with one (their environment
    is scrubbed).
    """
    for name in _BLAS_THREADS:
        os.environ.setdefault(name, "1")


def _grade_command(submission, parts, output_format, output, seed, fail_under, visible_only):
    from .grading import MalformedSubmission, failed_result, grade_submission
    from .render import render_result

    global _quick_exit
    _quick_exit = True   # a grading starts no process that outlives it, and cleans up after itself
    try:
        result = grade_submission(submission, list(parts) or None, seed=seed, visible_only=visible_only)
    except MalformedSubmission as error:
        # the submission cannot be read: still write a result (score 0, the reason), then fail as bad input
        emit(render_result(failed_result(submission, str(error), list(parts) or None, visible_only=visible_only),
                           output_format, visible_only), output)
        raise
    emit(render_result(result, output_format, visible_only), output)
    if result.diagnostics:   # a failure of the grader itself: the traceback is for the instructor's eyes
        click.echo(result.diagnostics.rstrip(), err=True)
    if fail_under is not None and result.score < fail_under:
        click.echo(f"autograder: score {result.score:g} is under --fail-under {fail_under:g}", err=True)
        sys.exit(1)


_fail_under_option = click.option("--fail-under", type=float, help="Exit with status 1 when the score is lower.")


@main.command()
@click.argument("submission", type=click.Path())
@part_option
@format_option
@output_option
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed of the hidden tests' inputs, for every part [default: each part's own, from its files' "
                   "content and the course secret].")
@_fail_under_option
@reports_user_errors
def grade(submission, parts, output_format, output, seed, fail_under):
    """Grade SUBMISSION (a folder, .zip or .py file) against the hidden reference."""
    _grade_command(submission, parts, output_format, output, seed, fail_under, visible_only=False)


@main.command()
@click.argument("submission", type=click.Path(), default=".")
@part_option
@format_option
@output_option
@_fail_under_option
@reports_user_errors
def check(submission, parts, output_format, output, fail_under):
    """Self-check before submitting: run the visible examples only (default: this folder)."""
    _grade_command(submission, parts, output_format, output, 0, fail_under, visible_only=True)


@main.command()
@click.argument("submissions", type=click.Path())
@click.option("-o", "--output", "output_folder", type=click.Path(file_okay=False), required=True,
              help="Folder for the gradebook, the reports and the class dashboard.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Submissions graded in parallel [default: the number of cores].")
@part_option
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="One seed of the hidden tests' inputs for the whole class [default: each submission's own, "
                   "from its files' content and the course secret].")
@click.option("--dask", "dask_address", metavar="ADDRESS", help="Run the jobs on this Dask scheduler instead.")
@click.option("--quiz", type=click.Path(dir_okay=False), help="Also grade each student's quiz answers file "
              "(…answers.yaml in their submission) against this quiz.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar with an ETA.")
@reports_user_errors
def batch(submissions, output_folder, jobs, parts, seed, dask_address, quiz, progress):
    """Grade a whole class: a folder of per-student folders or .zip files (or a Gradescope
    export, or nbgrader's submitted/ tree).  Re-running continues an interrupted batch."""
    import os

    from ._processes import start_job_server
    if not dask_address:
        start_job_server()   # its imports run while this process imports the batch's modules
    from .batch import BatchSettings, grade_class

    settings = BatchSettings(parts=list(parts) or None, seed=seed, jobs=jobs or os.cpu_count() or 1,
                             dask=dask_address, progress=progress, quiz=Path(quiz) if quiz else None)
    summary = grade_class(Path(submissions), Path(output_folder), settings)
    for line in summary.skipped:
        click.echo(line, err=True)
    state = "interrupted" if summary.interrupted else "done"
    click.echo(f"{state}: {summary.graded_now} graded now, {summary.reused} unchanged since the last run, "
               f"{summary.errors} with errors, of {summary.total} submissions.")
    click.echo(f"gradebook: {summary.output / 'gradebook.csv'}   dashboard: {summary.output / 'index.html'}")
    if summary.interrupted:
        click.echo("Run the same command again to grade the rest.")
        sys.exit(130)


@main.command()
@click.option("-o", "--output", "output_folder", type=click.Path(file_okay=False), default="demo-reports",
              show_default=True, help="Folder for the reports.")
@reports_user_errors
def demo(output_folder):
    """Grade the example submissions in examples/submissions/ and write their reports."""
    from .course import course_root
    from .grading import grade_submission
    from .render import render_result

    examples = sorted(path for path in (course_root() / "examples" / "submissions").iterdir() if path.is_dir())
    folder = Path(output_folder)
    folder.mkdir(parents=True, exist_ok=True)
    for example in examples:
        result = grade_submission(example)
        for output_format, suffix in (("html", "html"), ("json", "json"), ("text", "txt")):
            (folder / f"{example.name}.{suffix}").write_text(render_result(result, output_format), encoding="utf-8")
        click.echo(f"{example.name:<18} {result.score:>6.4g} / {result.max_score:g} points"
                   f"  ({result.execution_time:.2f} s)  → {folder / example.name}.html")
    click.echo(f"Reports written to {folder.resolve()}/ (HTML for students, JSON for Gradescope, text for the terminal).")


@main.command()
@click.option("-o", "--output", "output_folder", type=click.Path(file_okay=False), required=True,
              help="A new folder for the release.")
@part_option
@reports_user_errors
def release(output_folder, parts):
    """Build what students receive: stubs, READMEs and a self-check without the reference."""
    from .packaging import build_release

    folder = build_release(Path(output_folder), list(parts) or None)
    click.echo(f"release written to {folder}")


@main.group()
def gradescope():
    """Run the grader on Gradescope."""


@gradescope.command("build")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="autograder.zip", show_default=True)
@reports_user_errors
def gradescope_build(output):
    """Build the autograder zip to upload to Gradescope (setup.sh, run_autograder, the course)."""
    from .packaging import build_bundle

    click.echo(f"wrote {build_bundle(Path(output))}")


@main.command("ci-template")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=".github/workflows/autograde.yml",
              show_default=True)
@click.option("--threshold", type=click.FloatRange(min=0), default=None,
              help="Points on the visible examples below which the workflow fails "
                   "[default: all of them, so it fails until every visible example passes].")
@click.option("--folder", default="assignments", show_default=True, help="Where the student's modules are.")
@click.option("--python-version", default="3.11", show_default=True)
@reports_user_errors
def ci_template(output, threshold, folder, python_version):
    """Write a GitHub Actions workflow that runs `autograder check` on every push."""
    from .packaging import ci_workflow

    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ci_workflow(threshold, folder, python_version), encoding="utf-8")
    click.echo(f"wrote {path}")


@main.group()
def stubs():
    """The student stubs, generated from the reference solution."""


@stubs.command("build")
@click.option("--check", is_flag=True, help="Only report stubs that are out of date; exit 1 if any.")
@reports_user_errors
def stubs_build(check):
    """Regenerate assignments/*/*.py from reference/."""
    from .course import build_command, course_root, stub_files

    build_command(stub_files(), course_root(), check, "stubs")
