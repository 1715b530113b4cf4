"""The roster: which LMS user each row of the grade export is, from a CSV the instructor gives.

A row names a submission in its `submission` column: the name the batch found
(folder or file, `José García.zip`), the batch's id (`Jos_Garc_a`), a
Gradescope submitter's sid or email, or a file's name without its suffix
(`José García`), tried in that order: a name that is one submission's folder
and another's id means the folder.  Case, surrounding blanks and the Unicode
form do not matter.  Without a `submission` column a row is
matched by any of its LMS id columns holding one of those names.

What the LMS matches an imported row by decides what a matched row must hold:
Canvas's gradebook import looks a row up by `ID`, then `SIS User ID`, then
`SIS Login ID`, then by the `Student` name; Moodle's CSV import maps one column
of the file to one user field (`email`, `username` or `idnumber`).  A row with
none of them would land in the LMS as a grade for no one, so it is refused with
its line, as are rows naming the same submission twice and names that fit
several submissions.  Rows of Canvas's own export that are no student (its
"Points Possible" and "Muted" rows) and blank rows are skipped, and a file
saved with semicolons is read, as Canvas does.
"""
from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .._errors import UserError

MAX_ROSTER_BYTES = 20 * 1024 * 1024
IDENTITY_COLUMNS = {"canvas": ("Student", "ID", "SIS User ID", "SIS Login ID"),
                    "moodle": ("email", "username", "idnumber")}
_SUBMISSION_SUFFIXES = (".zip", ".py", ".ipynb")
_NOT_A_STUDENT = re.compile(r"\s*(muted|manual posting.*)?\s*", re.IGNORECASE)   # Canvas's own export's marker rows


@dataclass(frozen=True)
class RosterRow:
    line: int                     # where the row starts in the file
    cells: dict[str, str]         # column → stripped text

    def label(self, id_columns: tuple[str, ...]) -> str:
        return self.cells.get("submission") or next((self.cells[c] for c in id_columns if self.cells.get(c)), "")


@dataclass
class Roster:
    path: Path
    rows: list[RosterRow]
    keyed_by_submission: bool
    id_columns: tuple[str, ...]   # the LMS's columns a row may name a submission by (its name column excluded)


@dataclass(frozen=True)
class Names:
    """What a roster may call one row of the export."""

    folder: str                   # the submission's name as the batch found it ("" if unknown)
    ids: tuple[str, ...]          # the batch's id, a group member's own id, sid, email
    shown: str                    # how the user is told about it


def _key(name: str) -> str:
    """Names compare without case, surrounding blanks or Unicode form (macOS writes `é` as e + accent)."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def _decoded(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise UserError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}): save the roster as 'CSV UTF-8'", path,
                        line) from None


def _skipped(cells: list[str]) -> bool:
    """Blank rows, Canvas's "Points Possible" row and its "Muted" / "Manual Posting" rows."""
    return "Points Possible" in (cells[0] if cells else "") or all(_NOT_A_STUDENT.fullmatch(cell) for cell in cells)


def load_roster(path: Path, lms: str) -> Roster:
    """The roster CSV (see the module docstring); anything wrong with it is a located UserError."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError("file not found", path) from None
    if size > MAX_ROSTER_BYTES:
        raise UserError(f"roster is {size:,} bytes, more than {MAX_ROSTER_BYTES:,}", path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the roster ({exc.__class__.__name__}: {exc})", path) from None
    text = _decoded(data, path)
    first_line = text.partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","   # Excel's CSV in many locales
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    rows: list[RosterRow] = []
    start = 1
    try:
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if not header:
                header = cells
                _check_header(header, path)
            elif len(cells) > len(header):
                raise UserError(f"more cells than the header has columns ({len(header)})", path, start)
            elif not _skipped(cells):
                rows.append(RosterRow(start, dict(zip(header, cells))))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UserError(f"not a CSV file: {exc}", path, reader.line_num) from None
    return _roster(path, header, rows, lms)


def _check_header(header: list[str], path: Path) -> None:
    seen = set()
    for name in header:
        if name and name in seen:
            raise UserError(f"column {name!r} is named twice", path, 1)
        seen.add(name)


def _roster(path: Path, header: list[str], rows: list[RosterRow], lms: str) -> Roster:
    identity = IDENTITY_COLUMNS[lms]
    ids = tuple(column for column in identity if column != "Student")
    if "submission" not in header and not any(column in header for column in ids):
        raise UserError(f"the roster needs a 'submission' column or one of {', '.join(map(repr, ids))} "
                        f"(found {', '.join(map(repr, header)) or 'no header'})", path, 1)
    if not any(column in header for column in identity):
        raise UserError(f"the roster has no column {lms.title()} matches students by ({', '.join(identity)}; "
                        f"found {', '.join(header)})", path, 1)
    roster = Roster(path, rows, "submission" in header, ids)
    if roster.keyed_by_submission:
        _check_unique_submissions(roster)
    return roster


def _check_unique_submissions(roster: Roster) -> None:
    first: dict[str, RosterRow] = {}
    for row in roster.rows:
        name = row.cells.get("submission", "")
        if name and _key(name) in first:
            raise UserError(f"submission {name!r} is on line {first[_key(name)].line} too: one row per submission",
                            roster.path, row.line)
        first.setdefault(_key(name), row)


# -------------------------------------------------------------------- matching


def _index(names: list[Names]) -> list[dict[str, set[int]]]:
    """Name → export rows, in the order names are tried: folders and files as found, ids, files without suffix."""
    tiers: list[dict[str, set[int]]] = [{}, {}, {}]
    for number, subject in enumerate(names):
        stem, suffix = os.path.splitext(subject.folder)
        for tier, name in ((0, subject.folder), *((1, name) for name in subject.ids),
                           (2, stem if suffix.lower() in _SUBMISSION_SUFFIXES else "")):
            if name:
                tiers[tier].setdefault(_key(name), set()).add(number)
    return tiers


def match_roster(roster: Roster, names: list[Names], lms: str) -> tuple[dict[int, RosterRow], list[RosterRow]]:
    """(export row number → its roster row, roster rows naming no submission); conflicts are located UserErrors."""
    tiers = _index(names)
    matched: dict[int, RosterRow] = {}
    unmatched: list[RosterRow] = []
    for row in roster.rows:
        values = [row.cells.get("submission", "")] if roster.keyed_by_submission else \
            [row.cells.get(column, "") for column in roster.id_columns]
        found: set[int] = set()
        for value in filter(None, values):
            found |= next((tier[_key(value)] for tier in tiers if _key(value) in tier), set())
        if not found:
            unmatched.append(row)
            continue
        label = row.label(roster.id_columns)
        if len(found) > 1:
            raise UserError(_several(label, sorted(found), names), roster.path, row.line)
        [number] = found
        if number in matched:
            earlier = matched[number]
            raise UserError(f"{label!r} is the submission of line {earlier.line} "
                            f"({earlier.label(roster.id_columns)!r}): one row per submission", roster.path, row.line)
        _check_identity(row, label, lms, roster.path)
        matched[number] = row
    return matched, unmatched


def _several(label: str, found: list[int], names: list[Names]) -> str:
    shown = ", ".join(names[number].shown for number in found)
    if len({names[number].folder for number in found}) == 1 and names[found[0]].folder:
        return (f"{label!r} is a group submission of {shown}: give each member a row with their own id "
                "(sid or email)")
    return f"{label!r} fits several submissions ({shown}): name the submission's folder or file"


def _check_identity(row: RosterRow, label: str, lms: str, path: Path) -> None:
    identity = IDENTITY_COLUMNS[lms]
    if not any(row.cells.get(column) for column in identity):
        kinds = ", ".join(identity[:-1]) + f" or {identity[-1]}"
        raise UserError(f"no {kinds} for {label!r}: {lms.title()} could not match the row to a student", path,
                        row.line)
