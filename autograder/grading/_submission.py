"""Finding a student's modules in what they handed in, and the scratch copy the worker runs in.

A submission is a folder or a .zip holding the student's copies of the
assignment modules, flat (`activations.py`) or in the assignment's sub-folders
(`nn/activations.py`, `assignments/nn/activations.py`).  The expected module
files are read, with size limits, and copied into the scratch folder, laid out
as `<part>/<module>.py` so that sibling imports by plain name work for either
layout.  When a module is found more than once, a copy that is the handed-out
stub unchanged never wins over one that is not.  The student's own helper
modules and small data files next to a graded module are copied with it: see
`_submission_extras`.  Everything is read through
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
from ._submission_extras import ExtraFile, extra_files
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
    extras: dict[tuple[str, str], ExtraFile] = field(default_factory=dict)   # (part, file name): helpers, data
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


MAX_COPIES_READ = 8   # copies of one module read to find one that is not the handed-out stub


def _candidates(part: str, module: str, names: list[str]) -> list[str]:
    """The files for part/module, best first: those in a folder named after the part, then the shallowest."""
    matches = [name for name in names if PurePosixPath(name).name == f"{module}.py"]
    return sorted(matches, key=lambda name: (PurePosixPath(name).parent.name != part, len(PurePosixPath(name).parts),
                                             name))


def _as_text_lines(source: bytes) -> bytes:
    """The source without a byte-order mark, with LF line ends and without trailing blanks (what editors change)."""
    lines = source.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    return b"\n".join(line.rstrip() for line in lines).strip(b"\n")


def _stub(part: Part, module: str) -> bytes | None:
    """The handed-out stub of part/module, as `_as_text_lines` gives it; None where this copy of the course has none."""
    try:
        return _as_text_lines((part.folder / f"{module}.py").read_bytes())
    except OSError:
        return None


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
            _add_extra_files(submission, parts, files)
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
            candidates = _candidates(part.name, module, names)
            if candidates:
                _add_module(submission, part, module, candidates, files)


def _add_module(submission: Submission, part: Part, module: str, candidates: list[str],
                files: SubmissionFiles) -> None:
    """The best copy of part/module: the first candidate that can be read and is not the stub unchanged, else the
    first that can be read (a student may hand in the stub of a module they did not do)."""
    stub = _stub(part, module) if len(candidates) > 1 else None
    chosen: tuple[str, bytes] | None = None
    unchanged: list[str] = []
    for origin in candidates[:MAX_COPIES_READ]:
        try:
            source = files.read(origin, files.budgets.max_module_bytes)
        except Unreadable as problem:
            submission.notes.append(f"{origin} {problem}; not graded")
            continue
        if stub is not None and _as_text_lines(source) == stub:
            unchanged.append(origin)
            chosen = chosen or (origin, source)
            continue
        chosen = (origin, source)
        break
    if chosen is None:
        return
    origin, source = chosen
    ignored = [name for name in candidates if name != origin]
    if ignored:
        submission.notes.append(f"{module}.py found more than once; graded {origin}, ignored "
                                + ", ".join(f"{name} (the handout, unchanged)" if name in unchanged else name
                                            for name in ignored))
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


def _add_extra_files(submission: Submission, parts: list[Part], files: SubmissionFiles) -> None:
    """The student's helper modules and data files next to the modules found, for the worker."""
    origins: dict[str, set[str]] = {}
    for (part, _), located in submission.modules.items():
        origins.setdefault(part, set()).add(located.origin)
    found = extra_files(origins, {module for part in parts for module in part.modules}, files)
    module_files = {(part, f"{module}.py") for part, module in submission.modules}   # never overwritten
    submission.extras = {key: extra for key, extra in found.files.items() if key not in module_files}
    submission.notes += found.notes


def make_scratch(submission: Submission) -> Path:
    """Copy the located modules into a fresh scratch folder as <part>/<module>.py, and the extra files beside them."""
    scratch = Path(tempfile.mkdtemp(prefix="autograder-submission-"))
    for (part, module), located in submission.modules.items():
        folder = scratch / part
        folder.mkdir(exist_ok=True)
        (folder / f"{module}.py").write_bytes(located.source)
    for (part, name), extra in submission.extras.items():
        (scratch / part / name).write_bytes(extra.data)   # its part has a module: the folder exists
    submission.scratch = scratch
    return scratch
