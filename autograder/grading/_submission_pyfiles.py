""".py files not named after a module (`hank.py`, `solution.py`): matched to a part by the functions they define.

A student may hand in one file named after themselves that holds a part's
functions.  As for notebooks, the functions a file defines at top level say
which part's modules it holds; the file is read with `ast` and never imported.
A file that does not parse (the student's SyntaxError is for the worker to
report) is read line by line for top-level `def` and `class` statements.

The file is copied into the scratch folder under its own name, and every
module it fills is a thin module handing out the file's names, so the
student's tracebacks name their own file.
"""
from __future__ import annotations

import ast
import importlib.util
import keyword
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..course import Part
from ._submission_notebook import _HAND_OUT

MAX_FILES_READ = 50   # loose .py files parsed per submission; a folder with more is not a hand-in
_TOP_LEVEL_DEFINITION = re.compile(rb"^(?:async[ \t]+def|def|class)[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


def defined_names(source: bytes) -> set[str]:
    """Names of the functions and classes defined at the top level of a Python file."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):   # ValueError: null bytes
        return {match.decode("ascii") for match in _TOP_LEVEL_DEFINITION.findall(source)}
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


@dataclass
class LooseModules:
    """What the loose .py files give: (part, module) → (origin, source), and notes for the student."""

    modules: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def modules_from_py_files(files: dict[str, bytes], parts: list[Part], found: set[tuple[str, str]]) -> LooseModules:
    """Fill the modules not in `found` from .py files named otherwise, by the functions they define.

    files maps a path in the submission to its bytes (already within the size
    limit).  Each missing module is filled by the file that defines the most of
    its graded functions (at least one); ties go to the first path.
    """
    loose = LooseModules()
    expected = {module for part in parts for module in part.modules}
    candidates = sorted(name for name in files if PurePosixPath(name).stem not in expected)[:MAX_FILES_READ]
    names = {path: defined_names(files[path]) for path in candidates}
    for part in parts:
        filled: dict[str, list[str]] = {}   # file → the modules it fills
        runners: dict[str, str] = {}        # file → the module name it is copied under
        for module in part.modules:
            if (part.name, module) in found:
                continue
            wanted = {spec.name for spec in part.functions if spec.module == module}
            best = max(candidates, key=lambda path: (len(wanted & names[path]), -candidates.index(path)), default=None)
            if best is None or not wanted & names[best]:
                continue
            runner = runners.setdefault(best, _runner_name(best, part, set(runners.values())))
            loose.modules[(part.name, runner)] = (best, files[best])
            loose.modules[(part.name, module)] = (best, _HAND_OUT.format(module=module, name=best, runner=runner)
                                                  .encode("utf-8"))
            filled.setdefault(best, []).append(f"{module}.py")
        loose.notes += [f"{path} was graded as {' and '.join(modules)} of part {part.name}, by the functions it defines"
                        for path, modules in filled.items()]
    return loose


def _runner_name(path: str, part: Part, taken: set[str]) -> str:
    """The file's own name when it can be imported under it, else a made-up one."""
    stem = PurePosixPath(path).stem
    if stem.isidentifier() and not keyword.iskeyword(stem) and stem not in part.modules and stem not in taken \
            and not stem.startswith("_") and importlib.util.find_spec(stem) is None:   # never shadow numpy or the stdlib
        return stem
    return f"_submitted_{len(taken) + 1}"
