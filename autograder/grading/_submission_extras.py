"""The student's own files next to their graded modules: helper modules and small data files.

A solution may import helpers of its own (`from more_helpers import sig`) or
read a file next to itself (`Path(__file__).parent / "constants.json"`).  So
every regular file in a folder that a part's module was found in (its "home
folder"; not the folders below it) is copied next to the part's modules in the
scratch folder, `<part>/<name>`, except:

- the assignment's module files themselves (`network.py`, `train.py` ...) and
  files already taken as a module (a `hank.py` graded by its functions);
- notebooks (.ipynb), which are read as notebooks or not at all;
- more than MAX_EXTRA_FILES files of one folder, and files over the budgets of
  `assignments/grading.yaml` (each at most `max_module_kib`, all reads of a
  submission together at most `max_total_mib`): left out with a note.

Links, FIFOs and devices are never listed, so never copied.  What is copied is
what the worker can see, so it counts in the seed of the hidden inputs (see `_seed`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .._untrusted import SubmissionFiles, Unreadable

MAX_EXTRA_FILES = 50   # files copied from one home folder; a folder with more is not a hand-in's own


@dataclass
class ExtraFile:
    part: str
    name: str     # its file name, in the part's folder of the scratch copy
    origin: str   # where it was found, relative to the submission
    data: bytes


@dataclass
class ExtraFiles:
    """(part, file name) → the file; and notes for the student."""

    files: dict[tuple[str, str], ExtraFile] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _folder(name: str) -> str:
    parent = PurePosixPath(name).parent.as_posix()
    return "" if parent == "." else parent


def extra_files(origins: dict[str, set[str]], expected: set[str], files: SubmissionFiles) -> ExtraFiles:
    """The files to copy next to each part's modules.

    origins maps a part to the paths its modules came from (files of the
    submission: .py files and notebooks); expected holds the module names of
    every part graded (`network`, `laws` ...), whose files are never helpers.
    """
    taken = set().union(*origins.values()) if origins else set()
    found = ExtraFiles()
    read: dict[str, bytes | None] = {}   # each file read once, even when two parts share its folder
    for part in sorted(origins):
        for folder in sorted({_folder(origin) for origin in origins[part] if origin in files.files}):
            names = sorted(name for name in files.files if _folder(name) == folder and name not in taken
                           and PurePosixPath(name).name not in ("", ".", "..")   # a zip may name a member "."
                           and not name.lower().endswith(".ipynb")
                           and not (name.endswith(".py") and PurePosixPath(name).stem in expected))
            if len(names) > MAX_EXTRA_FILES:
                found.notes.append(f"{folder + '/' if folder else 'The top folder'} holds {len(names)} other files; "
                                   f"only the first {MAX_EXTRA_FILES} (by name) were copied next to your modules")
                names = names[:MAX_EXTRA_FILES]
            for name in names:
                if name not in read:
                    read[name] = _read(name, files, found.notes)
                data, key = read[name], (part, PurePosixPath(name).name)
                if data is not None and key not in found.files:
                    found.files[key] = ExtraFile(part, key[1], name, data)
    found.notes += _shadowed_helpers(found.files)
    return found


def _read(name: str, files: SubmissionFiles, notes: list[str]) -> bytes | None:
    try:
        return files.read(name, files.budgets.max_module_bytes)
    except Unreadable as problem:
        notes.append(f"{name} {problem}; not copied next to your modules")
        return None


def _shadowed_helpers(extras: dict[tuple[str, str], ExtraFile]) -> list[str]:
    """A note for each helper module found in two parts' folders with different contents.

    One worker runs every part, with the part folders on its import path in name
    order: `import util` finds the first part's util.py, whichever part imports it.
    """
    by_name: dict[str, list[ExtraFile]] = {}
    for extra in extras.values():
        stem = extra.name.removesuffix(".py")
        if extra.name.endswith(".py") and stem.isidentifier() and stem != "__init__":   # importable by name
            by_name.setdefault(extra.name, []).append(extra)
    notes = []
    for name, copies in sorted(by_name.items()):
        if len({copy.data for copy in copies}) > 1:
            copies.sort(key=lambda copy: copy.part)
            notes.append(f"{name} differs between {' and '.join(copy.origin for copy in copies)}: imported by its plain "
                         f"name, it is {copies[0].origin} for every part (give your helpers different names, or "
                         "import them relatively)")
    return notes
