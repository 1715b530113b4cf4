"""Finding a student's modules in what they handed in, and the scratch copy the worker runs in.

A submission is a folder or a .zip holding the student's copies of the
assignment modules, flat (`activations.py`) or in the assignment's sub-folders
(`nn/activations.py`, `assignments/nn/activations.py`).  Only the expected
module files are read, with size limits, and only they are copied into the
scratch folder, laid out as `<part>/<module>.py` so that sibling imports by
plain name work for either layout.  Jupyter notebooks (.ipynb, handed in alone
or in the folder or zip) fill the parts none of whose .py modules were found:
see `_notebook_submission`.  Last, .py files named otherwise (`hank.py`) fill
the modules still missing, by the functions they define: see `_submission_pyfiles`.
"""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .._errors import UserError
from ..course import Part
from ._submission_notebook import MAX_NOTEBOOK_BYTES, NotANotebook, modules_from_notebooks
from ._submission_pyfiles import modules_from_py_files

MAX_MODULE_BYTES = 1 * 2**20
MAX_ZIP_ENTRIES = 5000
_IGNORED_PARTS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints"}


class MalformedSubmission(UserError):
    """The submission exists but cannot be read (a corrupt zip, a module too large, ...)."""


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
    name = path.name
    for suffix in (".zip", ".ipynb", ".py"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or "student"


def _size_limit(name: str) -> int:
    return MAX_NOTEBOOK_BYTES if name.lower().endswith(".ipynb") else MAX_MODULE_BYTES


def _candidates_from_folder(folder: Path) -> dict[str, bytes | int]:
    """Every .py and .ipynb file under folder (relative posix path → bytes, or size when too large)."""
    found = {}
    for path in sorted([*folder.rglob("*.py"), *folder.rglob("*.ipynb")]):
        relative = path.relative_to(folder)
        if any(part in _IGNORED_PARTS or part.startswith(".") for part in relative.parts) or path.is_symlink():
            continue
        size = path.stat().st_size
        found[relative.as_posix()] = path.read_bytes() if size <= _size_limit(path.name) else size
    return found


def _candidates_from_zip(path: Path) -> dict[str, bytes | int]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise MalformedSubmission(f"not a readable zip file ({exc})", path) from None
    found: dict[str, bytes | int] = {}
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise MalformedSubmission(f"the zip holds {len(entries)} files; at most {MAX_ZIP_ENTRIES} are accepted", path)
        for entry in entries:
            name = PurePosixPath(entry.filename)
            if entry.is_dir() or name.suffix not in (".py", ".ipynb") or name.is_absolute() or ".." in name.parts \
                    or any(part in _IGNORED_PARTS or part.startswith(".") for part in name.parts):
                continue
            limit = _size_limit(name.name)
            if entry.file_size > limit:
                found[name.as_posix()] = entry.file_size
                continue
            try:
                with archive.open(entry) as stream:
                    data = stream.read(limit + 1)   # never trust the declared size
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                raise MalformedSubmission(f"cannot read {entry.filename} from the zip ({exc})", path) from None
            found[name.as_posix()] = data if len(data) <= limit else len(data)
    return found


def _pick(part: str, module: str, candidates: dict[str, bytes | int]) -> tuple[str, bytes | int] | None:
    """The best file for part/module: one in a folder named after the part, else the only one."""
    matches = [name for name in candidates if PurePosixPath(name).name == f"{module}.py"]
    if not matches:
        return None
    in_part_folder = [name for name in matches if PurePosixPath(name).parent.name == part]
    chosen = sorted(in_part_folder or matches, key=lambda name: (len(PurePosixPath(name).parts), name))[0]
    return chosen, candidates[chosen]


def locate(path: Path, parts: list[Part], student: str | None = None) -> Submission:
    """Find every expected module of the given parts in a folder or zip."""
    path = Path(path)
    if not path.exists():
        raise UserError("no such file or folder", path)
    if path.is_dir():
        candidates = _candidates_from_folder(path)
    elif path.suffix.lower() == ".zip":
        candidates = _candidates_from_zip(path)
    elif path.suffix in (".py", ".ipynb"):
        size = path.stat().st_size
        candidates = {path.name: path.read_bytes() if size <= _size_limit(path.name) else size}
    else:
        raise MalformedSubmission("a submission must be a folder, a .zip, a .py file or a notebook (.ipynb)", path)
    submission = Submission(path=path, student=student or student_id_for(path))
    for part in parts:
        for module in part.modules:
            picked = _pick(part.name, module, candidates)
            if picked is None:
                continue
            origin, content = picked
            if isinstance(content, int):
                submission.notes.append(f"{origin} is {content} bytes; files over {MAX_MODULE_BYTES} bytes are not graded")
                continue
            submission.modules[(part.name, module)] = LocatedModule(part.name, module, origin, content)
            duplicates = [name for name in candidates if PurePosixPath(name).name == f"{module}.py" and name != origin]
            if duplicates:
                submission.notes.append(f"{module}.py found more than once; graded {origin}, ignored {', '.join(duplicates)}")
    _add_notebooks(submission, parts, candidates, strict=path.is_file() and path.suffix == ".ipynb")
    _add_loose_files(submission, parts, candidates)
    return submission


def _add_loose_files(submission: Submission, parts: list[Part], candidates: dict[str, bytes | int]) -> None:
    """The modules still missing, from .py files named otherwise that define their functions."""
    files = {name: content for name, content in candidates.items()
             if name.endswith(".py") and isinstance(content, bytes)}
    found = modules_from_py_files(files, parts, set(submission.modules))
    for (part, module), (origin, source) in found.modules.items():
        submission.modules[(part, module)] = LocatedModule(part, module, origin, source)
    submission.notes += found.notes


def _add_notebooks(submission: Submission, parts: list[Part], candidates: dict[str, bytes | int], strict: bool) -> None:
    """The parts that have no .py module, from the submission's notebooks."""
    notebooks = {name: content for name, content in candidates.items() if name.lower().endswith(".ipynb")}
    if not notebooks:
        return
    try:
        found = modules_from_notebooks(notebooks, parts, {part for part, _ in submission.modules}, strict)
    except NotANotebook as error:
        raise MalformedSubmission(str(error), submission.path) from None
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
