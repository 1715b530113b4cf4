"""An nbgrader course folder as nbgrader itself sees it: its configuration, gradebook and submissions.

The configuration is read the way `nbgrader` reads it (every
`nbgrader_config.py` on Jupyter's configuration path, then the course
folder's own), so the gradebook URL, the course id and the folder layout are
the ones `nbgrader autograde` and `generate_feedback` use.  Folder and file
names under `submitted/` come from students: only real folders and regular
`.ipynb` files are taken, never links.
"""
from __future__ import annotations

import datetime
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import UserError


def _load_config(root: Path):
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    config = Config()
    for folder in [*reversed(jupyter_config_path()), str(root)]:   # lowest priority first
        try:
            config.merge(PyFileConfigLoader("nbgrader_config.py", path=folder).load_config())
        except ConfigFileNotFound:
            continue
        except Exception as error:   # the instructor's own file: say which one, never a traceback
            raise UserError(f"cannot load its configuration: {type(error).__name__}: {error}",
                            Path(folder) / "nbgrader_config.py") from None
    config.CourseDirectory.root = str(root)
    return config


@dataclass
class NbgraderCourse:
    """One nbgrader course folder: where its gradebook and submissions are."""

    root: Path
    db_url: str
    course_id: str
    kernel_name: str
    coursedir: Any   # nbgrader.coursedir.CourseDirectory (nbgrader is an optional extra)

    def submitted_folder(self, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment))

    def autograded_folder(self, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.autograded_directory, student, assignment))

    def timestamp(self, student: str, assignment: str) -> datetime.datetime | None:
        """The submission time in `timestamp.txt`, parsed as nbgrader parses it; None when absent or unreadable.

        `nbgrader submit` writes that file on the student's side, so it is read
        as hostile: a regular file only, its first 256 bytes.
        """
        from nbgrader.utils import parse_utc

        path = self.submitted_folder(student, assignment) / "timestamp.txt"
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        with os.fdopen(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None
            text = stream.read(256).decode("utf-8", "replace").strip()
        try:
            return parse_utc(text) if text else None
        except (ValueError, OverflowError, TypeError):
            return None

    def students(self, assignment: str) -> list[str]:
        """Every student with a submitted/<student>/<assignment>/ folder, sorted."""
        top = Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", ".")).resolve()
        if not top.is_dir():
            return []
        return sorted(entry.name for entry in top.iterdir()
                      if entry.is_dir() and not entry.is_symlink()
                      and self.submitted_folder(entry.name, assignment).is_dir())

    def notebook(self, student: str, assignment: str, name: str) -> Path | None:
        """submitted/<student>/<assignment>/<name>.ipynb when it is a regular file (not a link), else None."""
        path = self.submitted_folder(student, assignment) / f"{name}.ipynb"
        return path if path.is_file() and not path.is_symlink() else None


def open_course(root: Path) -> NbgraderCourse:
    """The nbgrader course in folder root (a UserError naming it when it is not one)."""
    try:
        from nbgrader.coursedir import CourseDirectory
    except ModuleNotFoundError as error:
        raise UserError(f"this command needs {error.name}: pip install -e '.[nbgrader]'") from None
    root = root.resolve()
    if not root.is_dir():
        raise UserError("no such course folder", root)
    config = _load_config(root)
    coursedir = CourseDirectory(config=config)
    database = coursedir.db_url.removeprefix("sqlite:///")
    if coursedir.db_url.startswith("sqlite:///") and not Path(database).is_file():
        # nbgrader would create an empty gradebook (and need alembic on PATH to do it)
        raise UserError("no gradebook here: run `nbgrader generate_assignment` first", database)
    kernel_name = config.ExecutePreprocessor.get("kernel_name", "") if "ExecutePreprocessor" in config else ""
    return NbgraderCourse(root=root, db_url=coursedir.db_url, course_id=coursedir.course_id,
                          kernel_name=str(kernel_name or ""), coursedir=coursedir)
