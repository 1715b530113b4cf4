"""Finding the students' submissions in a folder, whatever layout it has.

Three layouts are understood:

- a plain folder of per-student folders, .zip, .py or .ipynb files (the student
  id is the file or folder name);
- a Gradescope "export submissions" download: `submission_metadata.yml` next to
  one `submission_<id>/` folder per submission (student ids from the metadata);
- nbgrader's `submitted/<student>/<assignment>/` tree.

Links, FIFOs and devices are never read or followed; one where a submission
would be (a link to a folder, `alice.zip` a FIFO) is still an entry, `refused`
with the reason, so the student gets an error row saying why instead of no row.
A folder that is an earlier batch's output (`.state/` and `gradebook.csv`) is
skipped, and named in `Discovery.skipped`.  A student id is a
safe file name; ids that would collide once made safe (`alice`, `alice!`) get a
suffix, names that need no change keep theirs, and an id once given to a folder
stays with it on later runs (`previous`).  `Entry.folder` keeps the original
name for the gradebook.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .._errors import UserError
from .._untrusted import archive_kind, readable_name
from ..grading import student_id_for

_SUBMISSION_SUFFIXES = (".zip", ".py", ".ipynb")
_SAFE_ID = re.compile(r"[^A-Za-z0-9._@+-]+")


@dataclass(frozen=True)
class Entry:
    """One student's submission: its unique id, where it is, and its name as found (relative to SUBMISSIONS).

    `refused` says why it is not read at all ("a symbolic link, not read ..."); empty for one to grade.
    `members` are a Gradescope submission's submitters, each {"sid", "email", "name"} (texts, "" when missing),
    which the LMS export gives a row each.
    """

    student: str
    path: Path
    folder: str = ""
    refused: str = ""
    members: tuple[dict[str, str], ...] = field(default=(), hash=False)


@dataclass
class Discovery:
    """The submissions found, and what was left out that a user might take for one (`skipped`, one line each)."""

    entries: list[Entry]
    skipped: list[str] = field(default_factory=list)


def _safe(student: str) -> str:
    """A student id usable as a file name, never starting with a character a shell or spreadsheet reads as special."""
    return _SAFE_ID.sub("_", student).strip("._").lstrip("-+@") or "student"


def assign_ids(entries: list[Entry], previous: dict[str, str] | None = None) -> list[Entry]:
    """Entries with ids that never collide: earlier ids first, then unchanged names, then the rest suffixed."""
    previous = previous or {}
    taken: set[str] = set()
    chosen: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e.folder):
        earlier = previous.get(entry.folder)
        if earlier and earlier not in taken:
            chosen[entry.folder] = earlier
            taken.add(earlier)
    rest = sorted((entry for entry in entries if entry.folder not in chosen),
                  key=lambda e: (_safe(e.student) != e.student, _safe(e.student), e.folder))
    for entry in rest:
        base = candidate = _safe(entry.student)
        number = 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        chosen[entry.folder] = candidate
        taken.add(candidate)
    return sorted((replace(entry, student=chosen[entry.folder]) for entry in entries),
                  key=lambda e: (e.student, e.folder))


def _regular(entry: os.DirEntry) -> bool:
    return entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False)


def _everything(folder: Path) -> list[os.DirEntry]:
    """The folder's entries in name order, links, FIFOs and the like included (none of them followed)."""
    with os.scandir(folder) as listing:
        return sorted(listing, key=lambda entry: entry.name)


def _listing(folder: Path) -> list[os.DirEntry]:
    """The folder's entries in name order, without links, FIFOs and the like."""
    return [entry for entry in _everything(folder) if _regular(entry)]


def _refusal(entry: os.DirEntry) -> str | None:
    """Why an entry where a submission would be is not read, or None: it is not one (a link to a text file ...).

    A link is taken for a submission when it leads to a folder or is named like one; it is looked at (stat),
    never read.  A FIFO, socket or device only when named like a submission.
    """
    named_like_one = entry.name.lower().endswith(_SUBMISSION_SUFFIXES)
    if entry.is_symlink():
        if named_like_one or entry.is_dir(follow_symlinks=True):
            return "a symbolic link, not read (hand in the folder or file itself, not a link to it)"
        return None
    if not _regular(entry) and named_like_one:
        return "not a regular file or folder (a FIFO, socket or device), not read"
    kind = archive_kind(entry.name)
    if entry.is_file(follow_symlinks=False) and kind and kind != ".zip":
        return f"a {kind} archive, not read (hand in a .zip, a folder or the files themselves)"
    return None


def _batch_output(path: Path) -> bool:
    """Whether a folder is the output of an earlier `autograder batch` (its stored state and gradebook)."""
    state, gradebook = path / ".state", path / "gradebook.csv"
    return (state.is_dir() and not state.is_symlink()) and (gradebook.is_file() and not gradebook.is_symlink())


def _gradescope(folder: Path) -> list[Entry]:
    metadata_path = folder / "submission_metadata.yml"
    try:
        metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise UserError(f"cannot read the Gradescope metadata ({getattr(error, 'problem', error)})", metadata_path,
                        mark.line + 1 if mark else None) from None
    listing = {entry.name: entry for entry in _everything(folder)}
    entries = []
    for key, record in metadata.items():
        found_entry = listing.get(str(key))
        refused = _refusal(found_entry) if found_entry is not None else None
        if found_entry is None or not (_regular(found_entry) or refused):
            continue
        path = folder / str(key)
        submitters = (record or {}).get(":submitters") or (record or {}).get("submitters") or []
        found = [s.get(":sid") or s.get(":email") or s.get(":name") or s.get("sid") or s.get("email") or s.get("name")
                 for s in submitters if isinstance(s, dict)]
        names = [str(name) for name in found if name]
        entries.append(Entry("+".join(names) if names else student_id_for(path), path, str(key), refused or "",
                             _members(submitters)))
    return entries


def _members(submitters) -> tuple[dict[str, str], ...]:
    """A submission's submitters as {"sid", "email", "name"}, each a text ("" when missing); nobody left empty."""
    def text(value) -> str:
        return str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""

    members = [{key: text(person.get(f":{key}") or person.get(key)) for key in ("sid", "email", "name")}
               for person in (submitters if isinstance(submitters, list) else []) if isinstance(person, dict)]
    return tuple(member for member in members if any(member.values()))


def _nbgrader(submitted: Path, root: Path) -> list[Entry]:
    entries = []
    for student_folder in _everything(submitted):
        refused = _refusal(student_folder)
        if refused:
            path = Path(student_folder.path)
            entries.append(Entry(readable_name(student_folder.name), path, path.relative_to(root).as_posix(), refused))
        if not student_folder.is_dir(follow_symlinks=False):
            continue
        assignments = [entry for entry in _listing(Path(student_folder.path)) if entry.is_dir(follow_symlinks=False)]
        for assignment in assignments:
            suffix = f"@{readable_name(assignment.name)}" if len(assignments) > 1 else ""
            path = Path(assignment.path)
            entries.append(Entry(readable_name(student_folder.name) + suffix, path,
                                 path.relative_to(root).as_posix()))
    return entries


def _student_of(path: Path) -> str:
    """The student id a file or folder's name gives: without its submission or archive suffix."""
    kind = archive_kind(path.name)
    if kind and kind != ".zip":
        return readable_name(path.name)[: -len(kind)] or "student"
    return student_id_for(path)


def _plain(folder: Path, skipped: list[str]) -> list[Entry]:
    """A folder of per-student folders and files; earlier batches' output folders are skipped (named in skipped)."""
    entries = []
    for entry in _everything(folder):
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False) and _batch_output(path):
            skipped.append(f"{readable_name(entry.path)}/ is the output of an earlier batch (it holds .state/ and "
                           "gradebook.csv), not a submission: skipped")
            continue
        refused = _refusal(entry)
        if refused or entry.is_dir(follow_symlinks=False) or (entry.is_file(follow_symlinks=False) and
                                                                entry.name.lower().endswith(_SUBMISSION_SUFFIXES)):
            entries.append(Entry(_student_of(path), path, entry.name, refused or ""))
    return entries


def find_submissions(folder: Path, previous: dict[str, str] | None = None) -> Discovery:
    """Every submission in folder, with a unique student id each (see assign_ids for `previous`), and what
    was skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError("not a folder of submissions", folder)
    skipped: list[str] = []
    if (folder / "submission_metadata.yml").is_file():
        entries = _gradescope(folder)
    elif (folder / "submitted").is_dir():
        entries = _nbgrader(folder / "submitted", folder)
    elif folder.name == "submitted" and any(entry.is_dir(follow_symlinks=False) for entry in _listing(folder)):
        entries = _nbgrader(folder, folder)
    else:
        entries = _plain(folder, skipped)
    if not entries:
        raise UserError("no submissions found (expected per-student folders or .zip files)", folder)
    return Discovery(assign_ids(entries, previous), skipped)


def discover(folder: Path, previous: dict[str, str] | None = None) -> list[Entry]:
    """Every submission in folder, with a unique student id each (see assign_ids for `previous`)."""
    return find_submissions(folder, previous).entries
