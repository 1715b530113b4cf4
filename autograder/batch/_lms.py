"""Grades back into the LMS: a batch's stored results as the CSV that Canvas's or Moodle's gradebook import takes.

The rows are rendered from the one result model: each `OUT/.state/<student>.json`
that `autograder batch` stored ({"fingerprint", "result": GradingResult.to_dict()})
is read back with `GradingResult.from_dict`; gradebook.csv is never re-parsed.

- **Canvas** (Grades → Import): the columns of Canvas's own gradebook export,
  `Student, ID, SIS User ID, SIS Login ID, Section`, a `Points Possible` row,
  then one column per assignment: the name of a new assignment, or
  `Name (id)` for an existing one.
- **Moodle** (Grades → Import → CSV file): an identifier column per kind
  (`email`, `username`, `idnumber`) that the import page maps to the user
  field of that name, one grade column per grade item and a feedback column.

A roster CSV maps the batch's student ids (submission folder or file names) to
LMS users: a `submission` column with those ids, and the LMS columns named as
above.  Without a `submission` column a student is matched by any LMS id column
holding the batch's id.  Students the roster does not know keep a row with the
batch's id (the LMS lists them on its import page as unknown) and are listed;
roster entries without a result are listed too.  No student is dropped.

Every text cell that a spreadsheet would take for a formula (starting with
= + - @, a tab or a carriage return) gets a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import UserError
from ..results import GradingResult

MAX_STATE_BYTES = 50 * 1024 * 1024       # one stored result (a result with plots is a few hundred KiB)
MAX_ROSTER_BYTES = 20 * 1024 * 1024
DEFAULT_ASSIGNMENT = "Week 5 autograder"
CANVAS_USER_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_USER_COLUMNS = ("email", "username", "idnumber")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class LmsGradebook:
    """The CSV text, and who could not be matched (to be told to the user)."""

    text: str
    not_in_roster: list[str] = field(default_factory=list)      # results the roster does not know
    without_result: list[str] = field(default_factory=list)     # roster entries with no stored result
    with_errors: list[str] = field(default_factory=list)        # results whose grading failed (0 points)
    rows: int = 0


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def load_results(output: Path) -> list[GradingResult]:
    """The results a batch stored in OUT/.state, in student order; a broken file is a located UserError."""
    output = Path(output)
    state = output / ".state"
    if not output.is_dir():
        raise UserError("not a folder (expected the output folder of `autograder batch`)", output)
    if not state.is_dir():
        raise UserError("no stored results here (.state/ is missing): run `autograder batch ... -o OUT` first", output)
    results = []
    for path in sorted(state.glob("*.json")):
        results.append(_load_result(path))
    if not results:
        raise UserError("no stored results in .state/", output)
    return sorted(results, key=lambda result: result.student)


def _load_result(path: Path) -> GradingResult:
    size = path.stat().st_size
    if size > MAX_STATE_BYTES:
        raise UserError(f"stored result is {size:,} bytes, more than {MAX_STATE_BYTES:,}", path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the stored result ({exc.__class__.__name__}: {exc})", path) from None
    try:
        stored = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"not JSON: {exc.msg}", path, exc.lineno, exc.colno) from None
    except RecursionError:
        raise UserError("not a stored result: nested too deeply", path) from None
    if not isinstance(stored, dict) or not isinstance(stored.get("result"), dict):
        raise UserError('not a stored result: expected {"fingerprint": ..., "result": {...}}', path)
    try:
        result = GradingResult.from_dict(stored["result"])
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise UserError(f"not a stored grading result ({exc.__class__.__name__}: {exc})", path) from None
    if not isinstance(result.student, str) or not result.student:
        result.student = path.stem
    _check_numbers(result, path)
    return result


def _check_numbers(result: GradingResult, path: Path) -> None:
    """Points must be numbers and the error a text (a hand-edited file may hold anything)."""
    if result.error is not None and not isinstance(result.error, str):
        raise UserError("the result's error is not a text", path)
    for part in result.parts:
        values = [part.max_points] + [value for test in part.tests for value in (test.score, test.max_score)]
        if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values):
            raise UserError(f"part {part.name!r} has points that are not numbers", path)


# -------------------------------------------------------------------- roster


@dataclass
class _Roster:
    rows: list[dict[str, str]]
    keyed_by_submission: bool

    def match(self, student: str, lms_columns: tuple[str, ...]) -> dict[str, str] | None:
        wanted = student.strip().casefold()
        for row in self.rows:
            keys = [row.get("submission", "")] if self.keyed_by_submission else \
                [row.get(column, "") for column in lms_columns if column != "Student" and column != "Section"]
            if any(key.strip().casefold() == wanted for key in keys if key):
                return row
        return None


def load_roster(path: Path, lms_columns: tuple[str, ...]) -> _Roster:
    """The roster CSV: a `submission` column and/or LMS id columns (see the module docstring)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError("file not found", path) from None
    if size > MAX_ROSTER_BYTES:
        raise UserError(f"roster is {size:,} bytes, more than {MAX_ROSTER_BYTES:,}", path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the roster ({exc.__class__.__name__}: {exc})", path) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
        rows = []
        for row in reader:
            if None in row:
                raise UserError(f"more cells than the header has columns ({len(header)})", path, reader.line_num)
            rows.append({name.strip(): (value or "").strip() for name, value in row.items()})
    except csv.Error as exc:
        raise UserError(f"not a CSV file: {exc}", path, reader.line_num) from None
    ids = [column for column in lms_columns if column not in ("Student", "Section")]
    if "submission" not in header and not any(column in header for column in ids):
        raise UserError(f"the roster needs a 'submission' column or one of {', '.join(map(repr, ids))} "
                        f"(found {', '.join(map(repr, header)) or 'no header'})", path, 1)
    return _Roster(rows, "submission" in header)


# -------------------------------------------------------------------- rendering


def _points(value: float) -> str:
    return f"{round(value, 4):g}" if abs(value) < 1e15 else f"{value:.0f}"


def _grade_columns(results: list[GradingResult], assignment: str, by_part: bool) -> list[tuple[str, str | None]]:
    """(column header, part name or None for the total) in teaching order."""
    if not by_part:
        return [(assignment, None)]
    names: list[tuple[str, str]] = []
    for result in results:
        for part in result.parts:
            if part.name not in [name for name, _ in names]:
                names.append((part.name, part.title or part.name))
    code = [item for item in names if not item[0].startswith("quiz:")]
    quizzes = [item for item in names if item[0].startswith("quiz:")]
    return [(f"{assignment}: {title}", name) for name, title in code + quizzes]


def _grade(result: GradingResult, part_name: str | None) -> float:
    if result.error:
        return 0.0
    if part_name is None:
        return result.score
    return next((part.score for part in result.parts if part.name == part_name), 0.0)


def _possible(results: list[GradingResult], part_name: str | None) -> float:
    if part_name is None:
        return max(result.max_score for result in results)
    return max((part.max_score for result in results for part in result.parts if part.name == part_name), default=0)


def render_lms_gradebook(results: list[GradingResult], lms: str, roster: _Roster | None = None,
                         assignment: str = DEFAULT_ASSIGNMENT, by_part: bool = False) -> LmsGradebook:
    """The import CSV for `lms` ("canvas" or "moodle") from these results."""
    user_columns = CANVAS_USER_COLUMNS if lms == "canvas" else MOODLE_USER_COLUMNS
    grades = _grade_columns(results, assignment, by_part)
    header = list(user_columns) + [name for name, _ in grades] + (["feedback"] if lms == "moodle" else [])
    book = LmsGradebook(text="")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    if lms == "canvas":       # Canvas's own export has this row; its import reads it as no student
        writer.writerow(["    Points Possible", "", "", "", ""] + [_points(_possible(results, part)) for _, part in grades])
    matched: set[int] = set()
    for result in results:
        identity = roster.match(result.student, user_columns) if roster else None
        if roster and identity is None:
            book.not_in_roster.append(result.student)
        if identity is not None:
            matched.add(id(identity))
        if result.error:
            book.with_errors.append(result.student)
        cells = [neutralise(cell) for cell in _user_cells(lms, result.student, identity)]
        cells += [_points(_grade(result, part)) for _, part in grades]           # numbers, never negative
        if lms == "moodle":
            cells.append(neutralise(_feedback(result)))
        writer.writerow(cells)
        book.rows += 1
    if roster:
        for row in roster.rows:
            if id(row) not in matched:
                book.without_result.append(row.get("submission") or next(
                    (str(row[column]) for column in user_columns if row.get(column)), "(empty roster row)"))
    book.text = buffer.getvalue()
    return book


def _user_cells(lms: str, student: str, identity: dict[str, str] | None) -> list[str]:
    if lms == "canvas":
        if identity is None:        # Canvas matches the login id; an unknown one is listed on its import page
            return [student, "", "", student, ""]
        return [identity.get(column, "") for column in CANVAS_USER_COLUMNS]
    if identity is None:
        return ["", student, ""]
    return [identity.get(column, "") for column in MOODLE_USER_COLUMNS]


def _feedback(result: GradingResult) -> str:
    if result.error:
        return f"not graded: {' '.join(result.error.split())[:300]}"
    return f"{_points(result.score)} of {_points(result.max_score)} points"


def lms_gradebook(output: Path, lms: str, roster: Path | None = None, assignment: str = DEFAULT_ASSIGNMENT,
                  by_part: bool = False) -> LmsGradebook:
    """Render the import CSV for a batch output folder (see the module docstring)."""
    if lms not in ("canvas", "moodle"):
        raise UserError(f"unknown LMS {lms!r} (canvas or moodle)")
    results = load_results(Path(output))
    loaded = load_roster(roster, CANVAS_USER_COLUMNS if lms == "canvas" else MOODLE_USER_COLUMNS) if roster else None
    return render_lms_gradebook(results, lms, loaded, assignment, by_part)
