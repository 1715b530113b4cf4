"""The quiz part of a batch: find a student's answers file in their submission and grade it.

An answers file is any file in the submission (folder or zip) whose name ends
in `answers.yaml`, `answers.yml` or `answers.json` (for example `answers.yaml`
or `s1234567.answers.yaml`).  Its `student:` key, when present, names the
variant the student answered; otherwise the batch's student id does.
"""
from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from .._errors import UserError
from ..quiz import failed_quiz_result, grade_answers, load_answers, load_quiz
from ..results import GradingResult

_ANSWERS_NAME = re.compile(r"answers\.(ya?ml|json)$", re.IGNORECASE)
MAX_ANSWERS_BYTES = 1 << 20


def _find_answers(submission: Path) -> tuple[str, bytes] | None:
    """(file name, content) of the first answers file, by path order."""
    if submission.is_dir():
        for path in sorted(submission.rglob("*")):
            if path.is_file() and _ANSWERS_NAME.search(path.name) and path.stat().st_size <= MAX_ANSWERS_BYTES:
                return path.name, path.read_bytes()
        return None
    if submission.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(submission) as archive:
                for entry in sorted(archive.infolist(), key=lambda e: e.filename):
                    name = PurePosixPath(entry.filename).name
                    if not entry.is_dir() and _ANSWERS_NAME.search(name) and entry.file_size <= MAX_ANSWERS_BYTES:
                        with archive.open(entry) as stream:
                            return name, stream.read(MAX_ANSWERS_BYTES)
        except (zipfile.BadZipFile, OSError):
            return None
    return None


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
            answers = load_answers(path, quiz.id)
        except UserError as error:
            reason = str(error).replace(str(path), name)
            return failed_quiz_result(quiz, path, reason)
        result = grade_answers(quiz, answers)
    if answers.student != student:
        result.messages.append(f"The quiz answers are for student {answers.student!r}; that variant was graded.")
    return result
