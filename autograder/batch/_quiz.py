"""The quiz part of a batch: find a student's answers file in their submission and grade it.

An answers file is any file in the submission (folder or zip) whose name ends
in `answers.yaml`, `answers.yml` or `answers.json` (for example `answers.yaml`
or `s1234567.answers.yaml`).  The student is who handed the submission in (the
batch's id: the folder, or Gradescope's metadata), never what the file says: the
answers are graded on the submitter's own variant, and a `student:` key naming
someone else is flagged for the instructor (`GradingResult.flags`).  The
submission is looked at as everywhere else (`autograder._untrusted`): regular
files only, never a link or a FIFO, within the budgets of grading.yaml.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from .._errors import UserError
from .._untrusted import SubmissionFiles, Unreadable
from ..course import grading_settings
from ..quiz import add_quiz_part, failed_quiz_result, grade_answers, load_answers, load_quiz
from ..results import GradingResult

_ANSWERS_NAME = re.compile(r"answers\.(ya?ml|json)$", re.IGNORECASE)


def _find_answers(submission: Path) -> tuple[str, bytes] | None:
    """(file name, content) of the first readable answers file, by path order (within the submission's budgets)."""
    budgets = grading_settings().submission
    try:
        with SubmissionFiles.open(submission, budgets) as files:
            for name in sorted(files.files):
                if _ANSWERS_NAME.search(PurePosixPath(name).name):
                    try:
                        return PurePosixPath(name).name, files.read(name, budgets.max_answers_bytes)
                    except Unreadable:
                        continue
    except Unreadable:
        return None
    return None


def with_quiz_not_graded(result: GradingResult, quiz_path: str, student: str) -> GradingResult:
    """A failed grading's result with the quiz's part added, at 0 of the student's variant's points."""
    quiz = load_quiz(quiz_path)   # checked when the batch started
    reason = f"not graded: {result.error or 'the submission could not be graded'}"
    return add_quiz_part(result, failed_quiz_result(quiz, f"{student}.answers.yaml", reason))


def quiz_result_for(submission: Path, student: str, quiz_path: str) -> GradingResult:
    """The student's quiz graded against their own variant (0 points when no answers file is found)."""
    quiz = load_quiz(quiz_path)
    found = _find_answers(Path(submission))
    if found is None:
        return failed_quiz_result(quiz, f"{student}.answers.yaml",
                                  "no quiz answers file (…answers.yaml) in the submission")
    name, content = found
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{student}{Path(name).suffix.lower()}"   # the batch id is the default student
        path.write_bytes(content)
        try:
            answers = load_answers(path, quiz.id, student_decides=False)   # the submitter decides the variant
        except UserError as error:
            reason = str(error).replace(str(path), name)
            return failed_quiz_result(quiz, path, reason)
        claimed = answers.student
        result = grade_answers(quiz, replace(answers, student=student))   # the submitter's variant, whoever the file names
    if claimed.strip().casefold() != student.strip().casefold():
        result.messages.append(f"The quiz answers file names student {claimed!r}; it was graded on the variant "
                               f"of {student!r}, who handed it in.")
        result.flags.append(f"quiz answers file {name} names another student ({claimed!r})")
    return result
