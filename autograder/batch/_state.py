"""What a batch has already done: fingerprints and results, so an interrupted batch resumes.

A submission is skipped when the fingerprint of its content and of the grading
settings (parts, seed, quiz, and the grader itself: its code, suites, manifests
and reference) matches the one stored with its result.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..course import course_root

_GRADER_FOLDERS = ("autograder", "assignments", "reference", "quizzes")


def _hash_tree(digest, root: Path, skip_hidden: bool = True) -> None:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_dir() or (skip_hidden and any(part.startswith(".") or part == "__pycache__"
                                                  for part in relative.parts)):
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if not path.is_symlink() else os.readlink(path).encode())


def submission_fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        _hash_tree(digest, path, skip_hidden=False)
    else:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def grader_fingerprint() -> str:
    """Changes whenever anything that can change a grade changes."""
    digest = hashlib.sha256()
    root = course_root()
    for name in _GRADER_FOLDERS:
        if (root / name).is_dir():
            digest.update(name.encode())
            _hash_tree(digest, root / name)
    return digest.hexdigest()


class BatchState:
    """The OUT/.state folder: one JSON file per student with its fingerprint and result."""

    def __init__(self, output: Path):
        self.folder = output / ".state"
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, student: str) -> Path:
        return self.folder / f"{student}.json"

    def load(self, student: str, fingerprint: str) -> dict | None:
        """The stored result if it was made with this fingerprint."""
        try:
            stored = json.loads(self._path(student).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return stored["result"] if stored.get("fingerprint") == fingerprint else None

    def record(self, student: str) -> dict | None:
        """The stored record (fingerprint, submission fingerprint, result) whatever its fingerprint, or None."""
        try:
            stored = json.loads(self._path(student).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return stored if isinstance(stored, dict) and isinstance(stored.get("result"), dict) else None

    def save(self, student: str, fingerprint: str, result: dict, submission: str = "") -> None:
        """Write atomically, so an interrupted batch never leaves half a file.

        submission is the fingerprint of the submission alone, so a later `--part`
        run knows whether the stored parts belong to the same submission.
        """
        path = self._path(student)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"fingerprint": fingerprint, "submission": submission, "result": result}),
                             encoding="utf-8")
        os.replace(temporary, path)
