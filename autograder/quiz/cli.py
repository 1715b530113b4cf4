"""`autograder quiz …`: validate, show, take, html, grade and export YAML quizzes; write student editions."""
from __future__ import annotations

from pathlib import Path

import click

from .._cli import emit, reports_user_errors
from .._errors import UserError, UserErrors
from .._filenames import safe_file_name
from ..render import render_result

DEFAULT_VARIANTS = 5

_quiz_argument = click.argument("quiz_file", metavar="QUIZ", type=click.Path(dir_okay=False))
_student_option = click.option("--student", required=True, help="Student id: it decides the variant.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def quiz():
    """YAML quizzes: per-student variants, taking, grading and LMS export."""


@quiz.command()
@_quiz_argument
@reports_user_errors
def validate(quiz_file):
    """Check QUIZ; print every problem as file:line:column: message."""
    from ._model import load_quiz

    loaded = load_quiz(quiz_file)
    pools = loaded.pools
    click.echo(f"{quiz_file}: ok: {len(loaded.questions)} questions"
               + (f", {len(pools)} pool{'s' if len(pools) > 1 else ''}" if pools else "")
               + f", {sum(1 for q in loaded.questions.values() if loaded.parameters_of(q))} parameterised"
               + (" (student edition: no answer keys)" if loaded.student_edition else ""))


@quiz.command()
@_quiz_argument
@_student_option
@reports_user_errors
def show(quiz_file, student):
    """Print STUDENT's variant of QUIZ (no answers)."""
    from ._model import load_quiz
    from ._render_terminal import render_variant
    from ._variants import build_variant

    click.echo(render_variant(build_variant(load_quiz(quiz_file), student)), nl=False)


@quiz.command()
@_quiz_argument
@_student_option
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Answers file to write (.json or .yaml)  [default: STUDENT-QUIZ.yaml]")
@reports_user_errors
def take(quiz_file, student, output):
    """Answer STUDENT's variant of QUIZ in the terminal; writes an answers file."""
    from ._model import load_quiz
    from ._take import take_quiz

    take_quiz(load_quiz(quiz_file), student, output)


@quiz.command()
@_quiz_argument
@_student_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="The page to write.")
@reports_user_errors
def html(quiz_file, student, output):
    """Write a self-contained page on which STUDENT answers QUIZ in a browser and downloads the answers file."""
    from ._model import load_quiz
    from ._page import render_page
    from ._variants import build_variant

    emit(render_page(build_variant(load_quiz(quiz_file), student)), output)


@quiz.command("student-edition")
@_quiz_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="The student edition to write.")
@reports_user_errors
def student_edition(quiz_file, output):
    """Write QUIZ without answers, explanations or feedback: students show, take and answer their variant with it."""
    from ._student_edition import write_student_edition

    click.echo(f"wrote {write_student_edition(quiz_file, output)}", err=True)


@quiz.command()
@_quiz_argument
@click.argument("answers", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(("text", "json", "html")), default="text",
              show_default=True, help="text summary, Gradescope results.json, or HTML report.")
@click.option("-o", "--output", type=click.Path(),
              help="Write here instead of stdout; with several ANSWERS a folder, one file per student.")
@click.option("--combine", "combine_with", type=click.Path(dir_okay=False),
              help="A batch's stored code-grading result, OUT/.state/STUDENT.json, to add the quiz to, for one "
                   "report (a Gradescope results.json keeps too little and is refused).")
@reports_user_errors
def grade(quiz_file, answers, output_format, output, combine_with):
    """Grade ANSWERS files (one per student) against each student's own variant of QUIZ."""
    from ._answers import load_answers
    from ._combine import read_stored_result
    from ._grading import add_quiz_part, failed_quiz_result, grade_answers
    from ._model import load_quiz, require_answer_keys

    loaded = load_quiz(quiz_file)
    require_answer_keys(loaded, "grading")
    if len(answers) > 1 and combine_with:
        raise UserError("--combine takes one answers file")
    if len(answers) > 1 and output_format != "text" and not output:
        raise UserError(f"--format {output_format} with several answers files needs -o FOLDER")
    problems: list[UserError] = []
    claimed: dict[str, str] = {}   # student (as variants compare ids) or report file → the answers file that took it
    for path in answers:
        try:
            result = grade_answers(loaded, load_answers(path, loaded.id))
        except UserError as error:
            problems += error.errors if isinstance(error, UserErrors) else [error]
            result = failed_quiz_result(loaded, path, str(error))
        suffix = {"text": "txt", "json": "json", "html": "html"}[output_format]
        report = Path(output) / f"{safe_file_name(result.student)}.{suffix}" if len(answers) > 1 and output else None
        keys = [result.student.strip().casefold()] + ([str(report).casefold()] if report else [])
        first = next((claimed[key] for key in keys if key in claimed), None)
        if first is not None:   # never let one file's report stand in for (or overwrite) another's
            problems.append(UserError(f"student {result.student!r} was already graded from {first}; "
                                      "this file was not graded (one answers file per student)", path))
            continue
        claimed.update(dict.fromkeys(keys, str(path)))
        if combine_with:
            result = add_quiz_part(read_stored_result(combine_with, result.student), result)
        emit(render_result(result, output_format), str(report) if report else output)
    if problems:
        raise UserErrors(problems)


@quiz.command()
@_quiz_argument
@click.option("--to", "target", type=click.Choice(("moodle-xml", "gift", "qti")), required=True,
              help="moodle-xml: Moodle XML (points, calculated and ordering questions); gift: Moodle GIFT text; "
                   "qti: a Canvas QTI zip.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="The file to write.")
@click.option("--variants", type=click.IntRange(1, 100), default=DEFAULT_VARIANTS, show_default=True,
              help="Pre-drawn variants of each parameterised question (the LMS picks one per student); "
                   "moodle-xml needs them only for questions Moodle cannot calculate itself.")
@reports_user_errors
def export(quiz_file, target, output, variants):
    """Export QUIZ for a learning-management system (answers included: for instructors only)."""
    from ._export import export_gift, export_qti
    from ._model import load_quiz, require_answer_keys
    from ._moodle_xml import export_moodle_xml

    loaded = load_quiz(quiz_file)
    require_answer_keys(loaded, "export")
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    exporter = {"moodle-xml": export_moodle_xml, "gift": export_gift, "qti": export_qti}[target]
    notes = exporter(loaded, path, variants)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {path}", err=True)
