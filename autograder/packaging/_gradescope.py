"""The Gradescope autograder bundle: the zip an instructor uploads to Gradescope.

Gradescope unpacks the zip into /autograder/source, runs setup.sh once to build
its image, then runs run_autograder for each submission, which must write
/autograder/results/results.json.  The bundle holds the whole course (package,
assignments, reference, quizzes), so nothing is fetched at grading time, and the
course secret (`course-secret`, made now if the course has none), so that
Gradescope draws each submission's hidden inputs as a local `autograder grade`
of the same files does.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from .._errors import UserError
from ..course import SECRET_FILE, course_root, course_secret

FILES = Path(__file__).resolve().parent / "gradescope_files"
_COURSE_FOLDERS = ("autograder", "assignments", "reference", "quizzes")
_SKIPPED = {"__pycache__", ".pytest_cache"}


def _course_files(root: Path):
    yield root / "pyproject.toml", "pyproject.toml"
    yield root / "README.md", "README.md"
    for folder in _COURSE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and not any(part in _SKIPPED or part.endswith(".pyc") for part in relative.parts):
                yield path, relative.as_posix()


def build_bundle(output: Path) -> Path:
    """Write the Gradescope autograder zip; returns its path."""
    root = course_root()
    secret = course_secret(root, create=True)
    if secret is None:
        raise UserError("cannot make the course secret here (is the course folder read-only?)", root / SECRET_FILE)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16          # executable, as Gradescope requires
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, (FILES / name).read_bytes())
        for path, name in _course_files(root):
            bundle.write(path, name)
        bundle.writestr(SECRET_FILE, secret + b"\n")
    return output
