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

The students are those of the gradebook the batch last wrote (it records them
in `.state/gradebook.ids`), so a student whose submission is gone leaves both.
Each member of a Gradescope group submission gets a row of their own with the
group's grade; a student in two submissions is an error naming both.

A roster CSV (see `_roster`) says which LMS user each row is.  Students the
roster does not know keep a row with the batch's id (the LMS lists them on its
import page as unknown) and are listed; roster entries without a result are
listed too.  No student is dropped.

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
from ._roster import Names, Roster, load_roster, match_roster
from ._state import LISTED_FILE, BatchState

MAX_STATE_BYTES = 50 * 1024 * 1024       # one stored result (a result with plots is a few hundred KiB)
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


@dataclass
class Graded:
    """A stored result, with the submission's name as the batch found it and its Gradescope submitters."""

    result: GradingResult
    folder: str = ""
    members: list[dict[str, str]] = field(default_factory=list)


def load_results(output: Path) -> list[Graded]:
    """The results of the batch's last gradebook, in student order; a broken file is a located UserError.

    An OUT written before the batch recorded its gradebook's students gives
    every stored result, with the names found from `.state/students.ids`.
    """
    output = Path(output)
    state = output / ".state"
    if not output.is_dir():
        raise UserError("not a folder (expected the output folder of `autograder batch`)", output)
    if not state.is_dir():
        raise UserError("no stored results here (.state/ is missing): run `autograder batch ... -o OUT` first", output)
    listed = _listed(state / LISTED_FILE)
    if listed is None:
        folders: dict[str, list[str]] = {}
        for folder, student in BatchState.stored_ids(output).items():
            folders.setdefault(student, []).append(folder)
        graded = [_with_folder(_load_result(path), folders.get(path.stem, [])) for path in sorted(state.glob("*.json"))]
    else:
        graded = [Graded(_load_result(state / f"{student}.json"), entry["folder"], entry["members"])
                  for student, entry in listed.items()]
    if not graded:
        raise UserError("no stored results in .state/", output)
    return sorted(graded, key=lambda item: item.result.student)


def _with_folder(result: GradingResult, folders: list[str]) -> Graded:
    """The folder a result was graded from: of the names once given its id, the one its submission path ends with."""
    parts = Path(result.submission or "").parts
    fitting = [folder for folder in folders if folder and parts[len(parts) - len(Path(folder).parts):] == Path(folder).parts]
    return Graded(result, fitting[0] if len(fitting) == 1 else "")


def _listed(path: Path) -> dict[str, dict] | None:
    """`.state/gradebook.ids`: student → {"folder": str, "members": [{"sid", "email", "name"}]}, or None if absent."""
    if not path.is_file():
        return None
    stored = _read_json(path)
    students = stored.get("students") if isinstance(stored, dict) else None
    if not isinstance(students, dict) or not all(_is_listing(student, entry) for student, entry in students.items()):
        raise UserError("not the batch's list of gradebook students: run the batch again", path)
    return students


def _is_listing(student: str, entry) -> bool:
    return (student == Path(student).name and not student.startswith(".") and isinstance(entry, dict)
            and isinstance(entry.get("folder"), str) and isinstance(entry.get("members"), list)
            and all(isinstance(member, dict) and all(isinstance(value, str) for value in member.values())
                    for member in entry["members"]))


def _read_json(path: Path):
    """A file of .state as JSON; too large, unreadable or not JSON is a located UserError."""
    size = path.stat().st_size
    if size > MAX_STATE_BYTES:
        raise UserError(f"stored result is {size:,} bytes, more than {MAX_STATE_BYTES:,}", path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the stored result ({exc.__class__.__name__}: {exc})", path) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"not JSON: {exc.msg}", path, exc.lineno, exc.colno) from None
    except RecursionError:
        raise UserError("not a stored result: nested too deeply", path) from None


def _load_result(path: Path) -> GradingResult:
    if not path.is_file():
        raise UserError("the stored result of a gradebook student is missing: run the batch again", path)
    stored = _read_json(path)
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


@dataclass(frozen=True)
class _Row:
    """One row of the export: a student, or one member of a group submission, graded by `result`."""

    result: GradingResult
    student: str                  # written when no roster row names them: the batch's id, or the member's own id
    names: Names                  # what a roster may call them


def _member_id(member: dict[str, str]) -> str:
    """A submitter's own id, as `discover` names a submission of one: sid, else email, else name."""
    return member.get("sid") or member.get("email") or member.get("name") or ""


def _rows(graded: list[Graded]) -> list[_Row]:
    """A row per student; a group submission's members each get one.  A student in two submissions is a UserError."""
    rows: list[_Row] = []
    seen: dict[str, str] = {}     # submitter's id → the folder of their submission
    for item in graded:
        result = item.result
        for member in item.members:
            submitter = _member_id(member)
            if submitter in seen:
                first, second = sorted((seen[submitter], item.folder))
                raise UserError(f"{submitter} is a member of two submissions ({first} and {second}): "
                                "keep one of them and run the batch again")
            seen[submitter] = item.folder
        if len(item.members) > 1:
            rows += [_Row(result, _member_id(member), Names(item.folder, (member["sid"], member["email"], result.student),
                                                            _member_id(member))) for member in item.members]
        else:
            own = tuple(value for member in item.members for value in (member["sid"], member["email"]))
            rows.append(_Row(result, result.student, Names(item.folder, (result.student, *own), result.student)))
    return rows


def render_lms_gradebook(graded: list[Graded], lms: str, roster: Roster | None = None,
                         assignment: str = DEFAULT_ASSIGNMENT, by_part: bool = False) -> LmsGradebook:
    """The import CSV for `lms` ("canvas" or "moodle") from these results."""
    user_columns = CANVAS_USER_COLUMNS if lms == "canvas" else MOODLE_USER_COLUMNS
    results = [item.result for item in graded]
    grades = _grade_columns(results, assignment, by_part)
    header = list(user_columns) + [name for name, _ in grades] + (["feedback"] if lms == "moodle" else [])
    rows = _rows(graded)
    matched, unmatched = match_roster(roster, [row.names for row in rows], lms) if roster else ({}, [])
    book = LmsGradebook(text="")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    if lms == "canvas":       # Canvas's own export has this row; its import reads it as no student
        writer.writerow(["    Points Possible", "", "", "", ""] + [_points(_possible(results, part)) for _, part in grades])
    for number, row in enumerate(rows):
        identity = matched[number].cells if number in matched else None
        if roster and identity is None:
            book.not_in_roster.append(row.student)
        if row.result.error:
            book.with_errors.append(row.student)
        cells = [neutralise(cell) for cell in _user_cells(lms, row.student, identity)]
        cells += [_points(_grade(row.result, part)) for _, part in grades]           # numbers, never negative
        if lms == "moodle":
            cells.append(neutralise(_feedback(row.result)))
        writer.writerow(cells)
        book.rows += 1
    if roster:
        book.without_result = [entry.label(roster.id_columns) or f"(line {entry.line})" for entry in unmatched]
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
    graded = load_results(Path(output))
    loaded = load_roster(roster, lms) if roster else None
    return render_lms_gradebook(graded, lms, loaded, assignment, by_part)
