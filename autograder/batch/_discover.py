"""Finding the students' submissions in a folder, whatever layout it has.

Three layouts are understood:

- a plain folder of per-student folders, .zip, .py or .ipynb files (the student
  id is the file or folder name);
- a Gradescope "export submissions" download: `submission_metadata.yml` next to
  one `submission_<id>/` folder per submission (student ids from the metadata);
- nbgrader's `submitted/<student>/<assignment>/` tree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .._errors import UserError
from ..grading import student_id_for

_SUBMISSION_SUFFIXES = (".zip", ".py", ".ipynb")
_SAFE_ID = re.compile(r"[^A-Za-z0-9._@+-]+")


@dataclass(frozen=True)
class Entry:
    """One student's submission."""

    student: str
    path: Path


def _safe(student: str) -> str:
    """A student id usable as a file name."""
    return _SAFE_ID.sub("_", student).strip("._") or "student"


def _unique(entries: list[Entry]) -> list[Entry]:
    """Ids made unique (alice, alice-2, ...) so no two students share a report."""
    seen: dict[str, int] = {}
    unique = []
    for entry in sorted(entries, key=lambda e: (e.student, str(e.path))):
        base = _safe(entry.student)
        seen[base] = seen.get(base, 0) + 1
        student = base if seen[base] == 1 else f"{base}-{seen[base]}"
        unique.append(Entry(student, entry.path))
    return unique


def _gradescope(folder: Path) -> list[Entry]:
    metadata_path = folder / "submission_metadata.yml"
    try:
        metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise UserError(f"cannot read the Gradescope metadata ({getattr(error, 'problem', error)})", metadata_path,
                        mark.line + 1 if mark else None) from None
    entries = []
    for key, record in metadata.items():
        path = folder / str(key)
        if not path.exists():
            continue
        submitters = (record or {}).get(":submitters") or (record or {}).get("submitters") or []
        found = [s.get(":sid") or s.get(":email") or s.get(":name") or s.get("sid") or s.get("email") or s.get("name")
                 for s in submitters if isinstance(s, dict)]
        names = [str(name) for name in found if name]
        entries.append(Entry("+".join(names) if names else student_id_for(path), path))
    return entries


def _nbgrader(submitted: Path) -> list[Entry]:
    entries = []
    for student_folder in sorted(path for path in submitted.iterdir() if path.is_dir()):
        assignments = sorted(path for path in student_folder.iterdir() if path.is_dir())
        for assignment in assignments:
            suffix = f"@{assignment.name}" if len(assignments) > 1 else ""
            entries.append(Entry(student_folder.name + suffix, assignment))
    return entries


def discover(folder: Path) -> list[Entry]:
    """Every submission in folder, with a unique student id each."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError("not a folder of submissions", folder)
    if (folder / "submission_metadata.yml").is_file():
        entries = _gradescope(folder)
    elif (folder / "submitted").is_dir():
        entries = _nbgrader(folder / "submitted")
    elif folder.name == "submitted" and any(path.is_dir() for path in folder.iterdir()):
        entries = _nbgrader(folder)
    else:
        entries = [Entry(student_id_for(path), path) for path in sorted(folder.iterdir())
                   if not path.name.startswith(".") and (path.is_dir() or path.suffix.lower() in _SUBMISSION_SUFFIXES)]
    if not entries:
        raise UserError("no submissions found (expected per-student folders or .zip files)", folder)
    return _unique(entries)
