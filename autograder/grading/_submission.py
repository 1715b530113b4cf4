"""Finding a student's modules in what they handed in, and the scratch copy the worker runs in.

A submission is a folder or a .zip holding the student's copies of the
assignment modules, flat (`activations.py`) or in the assignment's sub-folders
(`nn/activations.py`, `assignments/nn/activations.py`).  Only the expected
module files are read, with size limits, and only they are copied into the
scratch folder, laid out as `<part>/<module>.py` so that sibling imports by
plain name work for either layout.  Everything is read through
`autograder._untrusted` (regular files only, within the budgets of
`assignments/grading.yaml`).  Jupyter notebooks (.ipynb, handed in alone
or in the folder or zip) fill the parts none of whose .py modules were found:
see `_submission_notebook`.  Last, .py files named otherwise (`hank.py`) fill
the modules still missing, by the functions they define: see `_submission_pyfiles`.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .._errors import UserError
from .._untrusted import SubmissionFiles, Unreadable, readable_name
from ..course import Part, SubmissionBudgets, grading_settings
from ._submission_notebook import NotANotebook, modules_from_notebooks
from ._submission_pyfiles import MAX_FILES_READ, modules_from_py_files


class MalformedSubmission(UserError):
    """The submission exists but cannot be read (a corrupt zip, a FIFO, more than memory allows, ...)."""


@dataclass
class LocatedModule:
    part: str
    module: str
    origin: str      # where it was found, relative to the submission
    source: bytes


@dataclass
class Submission:
    """The modules found in one submission, copied into a scratch folder."""

    path: Path
    student: str
    modules: dict[tuple[str, str], LocatedModule] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    scratch: Path | None = None

    def has_part(self, part: str) -> bool:
        return any(key[0] == part for key in self.modules)

    def has_module(self, part: str, module: str) -> bool:
        return (part, module) in self.modules

    def cleanup(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None


def student_id_for(path: Path) -> str:
    """A student id from a submission's file or folder name."""
    name = readable_name(path.name)
    for suffix in (".zip", ".ipynb", ".py"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or "student"


def _pick(part: str, module: str, names: list[str]) -> str | None:
    """The best file for part/module: one in a folder named after the part, else the shallowest."""
    matches = [name for name in names if PurePosixPath(name).name == f"{module}.py"]
    if not matches:
        return None
    in_part_folder = [name for name in matches if PurePosixPath(name).parent.name == part]
    return sorted(in_part_folder or matches, key=lambda name: (len(PurePosixPath(name).parts), name))[0]


def locate(path: Path, parts: list[Part], student: str | None = None,
           budgets: SubmissionBudgets | None = None) -> Submission:
    """Find every expected module of the given parts in a folder, zip, .py file or notebook, within the budgets."""
    path = Path(path)
    budgets = budgets or grading_settings().submission
    if not os.path.lexists(path):
        raise UserError("no such file or folder", readable_name(str(path)))
    if not path.is_dir() and path.suffix.lower() not in (".zip", ".py", ".ipynb"):
        raise MalformedSubmission("a submission must be a folder, a .zip, a .py file or a notebook (.ipynb)",
                                  readable_name(str(path)))
    try:
        with SubmissionFiles.open(path, budgets) as files:
            submission = Submission(path=path, student=student or student_id_for(path))
            submission.notes += files.notes
            _add_modules(submission, parts, files)
            _add_notebooks(submission, parts, files, strict=path.is_file() and path.suffix == ".ipynb")
            _add_loose_files(submission, parts, files)
    except Unreadable as error:
        raise MalformedSubmission(f"the submission {error}", readable_name(str(path))) from None
    except MemoryError:
        raise MalformedSubmission("the submission needs more memory to read than the grader has",
                                  readable_name(str(path))) from None
    return submission


def _add_modules(submission: Submission, parts: list[Part], files: SubmissionFiles) -> None:
    names = [name for name in files.files if name.endswith(".py")]
    for part in parts:
        for module in part.modules:
            origin = _pick(part.name, module, names)
            if origin is None:
                continue
            duplicates = [name for name in names if PurePosixPath(name).name == f"{module}.py" and name != origin]
            if duplicates:
                submission.notes.append(f"{module}.py found more than once; graded {origin}, ignored {', '.join(duplicates)}")
            try:
                source = files.read(origin, files.budgets.max_module_bytes)
            except Unreadable as problem:
                submission.notes.append(f"{origin} {problem}; not graded")
                continue
            submission.modules[(part.name, module)] = LocatedModule(part.name, module, origin, source)


def _add_loose_files(submission: Submission, parts: list[Part], files: SubmissionFiles) -> None:
    """The modules still missing, from .py files named otherwise (`hank.py`) that define their functions."""
    if all((part.name, module) in submission.modules for part in parts for module in part.modules):
        return
    expected = {module for part in parts for module in part.modules}
    loose = sorted(name for name in files.files
                   if name.endswith(".py") and PurePosixPath(name).stem not in expected)[:MAX_FILES_READ]
    sources = {}
    for name in loose:
        try:
            sources[name] = files.read(name, files.budgets.max_module_bytes)
        except Unreadable:
            continue   # too large or not a regular file: never a module of ours
    found = modules_from_py_files(sources, parts, set(submission.modules))
    for (part, module), (origin, source) in found.modules.items():
        submission.modules[(part, module)] = LocatedModule(part, module, origin, source)
    submission.notes += found.notes


def _add_notebooks(submission: Submission, parts: list[Part], files: SubmissionFiles, strict: bool) -> None:
    """The parts that have no .py module, from the submission's notebooks (read one at a time)."""
    notebooks = [name for name in files.files if name.lower().endswith(".ipynb")]
    if not notebooks:
        return

    def read(name: str) -> bytes:
        return files.read(name, files.budgets.max_notebook_bytes)

    try:
        found = modules_from_notebooks(notebooks, read, parts, {part for part, _ in submission.modules}, strict,
                                       files.budgets)
    except NotANotebook as error:
        raise MalformedSubmission(str(error), readable_name(str(submission.path))) from None
    for (part, module), (origin, source) in found.modules.items():
        submission.modules[(part, module)] = LocatedModule(part, module, origin, source)
    submission.notes += found.notes


def make_scratch(submission: Submission) -> Path:
    """Copy the located modules into a fresh scratch folder as <part>/<module>.py."""
    scratch = Path(tempfile.mkdtemp(prefix="autograder-submission-"))
    for (part, module), located in submission.modules.items():
        folder = scratch / part
        folder.mkdir(exist_ok=True)
        (folder / f"{module}.py").write_bytes(located.source)
    submission.scratch = scratch
    return scratch
