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

from .._untrusted import walk_tree
from ..course import course_root, grading_settings

_GRADER_FOLDERS = ("autograder", "assignments", "reference", "quizzes")
_CHUNK = 1 << 20
_IDS_FILE = "students.ids"   # not *.json: the per-student files are
LISTED_FILE = "gradebook.ids"   # the students of the gradebook last written (see BatchState.save_listed)


def _hash_file(digest, path: Path, budget: list[int], limit: int) -> None:
    """Stream the file into the digest when it is small enough and the budget allows, else its size and time."""
    info = os.stat(path, follow_symlinks=False)
    if info.st_size <= min(limit, budget[0]):
        try:
            with open(path, "rb", buffering=0) as stream:   # a regular file: walk_tree saw no link
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                    budget[0] -= len(chunk)
            return
        except OSError:
            pass
    digest.update(f"size {info.st_size} modified {info.st_mtime_ns}".encode())


def _hash_tree(digest, root: Path, max_entries: int, max_depth: int, file_limit: int, total_bytes: int,
               skip=lambda name: False) -> None:
    """Names and contents of everything under root the grader would look at, files streamed in chunks.

    The walk is the grader's (iterative, no links followed, at most max_entries
    and max_depth); links, FIFOs and devices count by name only, never opened.
    A file over file_limit bytes, or past total_bytes hashed in all, counts by
    its size and modification time.
    """
    tree = walk_tree(root, max_entries, max_depth, skip)
    budget = [total_bytes]
    for relative in sorted(tree.files):
        digest.update(os.fsencode(relative) + b"\0")
        _hash_file(digest, root / relative, budget, file_limit)
    for kind, names in (("special", tree.special), ("undecodable", tree.undecodable), ("too deep", tree.too_deep)):
        for name in names:
            digest.update(f"{kind} {name}".encode("utf-8", errors="surrogateescape") + b"\0")
    digest.update(b"truncated" if tree.truncated else b"")


def submission_fingerprint(path: Path) -> str:
    """What a submission holds, cheaply and within the grader's budgets (an 8 GB sparse file costs nothing).

    Files are hashed up to the largest file the grader reads (a notebook), and
    up to the submission's byte budget in all.
    """
    budgets = grading_settings().submission
    digest = hashlib.sha256()
    try:
        info = os.stat(path, follow_symlinks=False)
        if os.path.isdir(path) and not os.path.islink(path):
            _hash_tree(digest, Path(path), budgets.max_entries, budgets.max_depth, budgets.max_notebook_bytes,
                       budgets.max_total_bytes)
        elif os.path.isfile(path) and not os.path.islink(path):
            _hash_file(digest, Path(path), [budgets.max_total_bytes], budgets.max_total_bytes)
        else:
            digest.update(f"not a file: mode {info.st_mode}".encode())
    except OSError as error:
        digest.update(f"unreadable: {error}".encode())
    return digest.hexdigest()


def grader_fingerprint() -> str:
    """Changes whenever anything that can change a grade changes (the course's own files, all of them)."""
    digest = hashlib.sha256()
    root = course_root()
    for name in _GRADER_FOLDERS:
        if (root / name).is_dir():
            digest.update(name.encode())
            _hash_tree(digest, root / name, max_entries=10**6, max_depth=64, file_limit=1 << 40, total_bytes=1 << 40,
                       skip=lambda entry: entry.startswith(".") or entry == "__pycache__")
    return digest.hexdigest()


class BatchState:
    """The OUT/.state folder: one JSON file per student with its fingerprint and result."""

    def __init__(self, output: Path):
        self.folder = output / ".state"
        self.folder.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def stored_ids(output: Path) -> dict[str, str]:
        """Folder (as found in SUBMISSIONS) → student id, as given by earlier runs into output."""
        try:
            ids = json.loads((output / ".state" / _IDS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(folder): str(student) for folder, student in ids.items()} if isinstance(ids, dict) else {}

    def save_ids(self, ids: dict[str, str]) -> None:
        """Keep every id ever given, so a folder keeps its id when others come and go."""
        self._write(self.folder / _IDS_FILE, {**self.stored_ids(self.folder.parent), **ids})

    def save_listed(self, listed: dict[str, dict]) -> None:
        """The students of the gradebook just written: student → {"folder": name as found, "members": [...]}.

        `autograder gradebook export` lists exactly these, so a student whose
        submission is gone (their result stays in .state) leaves both together.
        "members" are a Gradescope submission's submitters ({"sid", "email", "name"}).
        """
        self._write(self.folder / LISTED_FILE, {"students": listed})

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
        self._write(self._path(student), {"fingerprint": fingerprint, "submission": submission, "result": result})

    @staticmethod
    def _write(path: Path, data: dict) -> None:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")   # ensure_ascii: undecodable names survive
        os.replace(temporary, path)
