"""Finding the students' submissions in a folder, whatever layout it has.

Three layouts are understood:

- a plain folder of per-student folders, .zip, .py or .ipynb files (the student
  id is the file or folder name);
- a Gradescope "export submissions" download: `submission_metadata.yml` next to
  one `submission_<id>/` folder per submission (student ids from the metadata);
- nbgrader's `submitted/<student>/<assignment>/` tree.

Links, FIFOs and devices are never taken for a submission.  A student id is a
safe file name; ids that would collide once made safe (`alice`, `alice!`) get a
suffix, names that need no change keep theirs, and an id once given to a folder
stays with it on later runs (`previous`).  `Entry.folder` keeps the original
name for the gradebook.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .._errors import UserError
from .._untrusted import readable_name
from ..grading import student_id_for

_SUBMISSION_SUFFIXES = (".zip", ".py", ".ipynb")
_SAFE_ID = re.compile(r"[^A-Za-z0-9._@+-]+")


@dataclass(frozen=True)
class Entry:
    """One student's submission: its unique id, where it is, and its name as found (relative to SUBMISSIONS)."""

    student: str
    path: Path
    folder: str = ""


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
    return sorted((Entry(chosen[entry.folder], entry.path, entry.folder) for entry in entries),
                  key=lambda e: (e.student, e.folder))


def _listing(folder: Path) -> list[os.DirEntry]:
    """The folder's entries in name order, without links, FIFOs and the like."""
    with os.scandir(folder) as listing:
        return sorted((entry for entry in listing
                       if entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False)),
                      key=lambda entry: entry.name)


def _gradescope(folder: Path) -> list[Entry]:
    metadata_path = folder / "submission_metadata.yml"
    try:
        metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise UserError(f"cannot read the Gradescope metadata ({getattr(error, 'problem', error)})", metadata_path,
                        mark.line + 1 if mark else None) from None
    present = {entry.name for entry in _listing(folder)}
    entries = []
    for key, record in metadata.items():
        if str(key) not in present:
            continue
        path = folder / str(key)
        submitters = (record or {}).get(":submitters") or (record or {}).get("submitters") or []
        found = [s.get(":sid") or s.get(":email") or s.get(":name") or s.get("sid") or s.get("email") or s.get("name")
                 for s in submitters if isinstance(s, dict)]
        names = [str(name) for name in found if name]
        entries.append(Entry("+".join(names) if names else student_id_for(path), path, str(key)))
    return entries


def _nbgrader(submitted: Path, root: Path) -> list[Entry]:
    entries = []
    for student_folder in (entry for entry in _listing(submitted) if entry.is_dir(follow_symlinks=False)):
        assignments = [entry for entry in _listing(Path(student_folder.path)) if entry.is_dir(follow_symlinks=False)]
        for assignment in assignments:
            suffix = f"@{readable_name(assignment.name)}" if len(assignments) > 1 else ""
            path = Path(assignment.path)
            entries.append(Entry(readable_name(student_folder.name) + suffix, path,
                                 path.relative_to(root).as_posix()))
    return entries


def discover(folder: Path, previous: dict[str, str] | None = None) -> list[Entry]:
    """Every submission in folder, with a unique student id each (see assign_ids for `previous`)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError("not a folder of submissions", folder)
    if (folder / "submission_metadata.yml").is_file():
        entries = _gradescope(folder)
    elif (folder / "submitted").is_dir():
        entries = _nbgrader(folder / "submitted", folder)
    elif folder.name == "submitted" and any(entry.is_dir(follow_symlinks=False) for entry in _listing(folder)):
        entries = _nbgrader(folder, folder)
    else:
        entries = [Entry(student_id_for(Path(entry.path)), Path(entry.path), entry.name) for entry in _listing(folder)
                   if not entry.name.startswith(".") and (entry.is_dir(follow_symlinks=False)
                                                          or entry.name.lower().endswith(_SUBMISSION_SUFFIXES))]
    if not entries:
        raise UserError("no submissions found (expected per-student folders or .zip files)", folder)
    return assign_ids(entries, previous)
