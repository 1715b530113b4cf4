"""The course secret: the key that makes each submission's hidden inputs unpredictable to students.

The hidden tests draw their inputs from a seed derived from the submission's
content and this secret (`autograder.grading` derives it).  It lives in the
course folder, in the file `course-secret` (git-ignored, readable by its owner
only), is made on first need with `secrets.token_hex`, goes into the Gradescope
bundle and never into the student release.  AUTOGRADER_COURSE_SECRET, when set,
stands in for the file (for CI and tests; a Dask cluster can be given the same).
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

SECRET_FILE = "course-secret"
SECRET_VARIABLE = "AUTOGRADER_COURSE_SECRET"
_MAX_BYTES = 4096   # a secret is 64 hex characters; a larger file is not one of ours


def course_secret(root: Path, create: bool = False) -> bytes | None:
    """The course's secret (AUTOGRADER_COURSE_SECRET, else `root/course-secret`); None when there is none.

    With create, a missing file is made (64 random hex characters, mode 0600)
    when root is writable; two processes making it at once agree on one.
    """
    configured = os.environ.get(SECRET_VARIABLE, "").strip()
    if configured:
        return configured.encode("utf-8")
    path = Path(root) / SECRET_FILE
    found = _read(path)
    if found is not None or not create:
        return found
    try:
        _create(path)
    except OSError:   # a read-only course folder: grading goes on with the documented fallback
        return None
    return _read(path)


def _read(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            text = handle.read(_MAX_BYTES).strip()
    except (FileNotFoundError, IsADirectoryError):
        return None
    return text or None


def _create(path: Path) -> None:
    """Write a fresh secret next to path and link it into place: never a half-written or replaced secret."""
    descriptor, temporary = tempfile.mkstemp(prefix=".course-secret-", dir=path.parent)   # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:   # another process made it first: theirs stands
            pass
    finally:
        os.unlink(temporary)
