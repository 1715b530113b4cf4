"""The student's own code of each part, as text: what a similarity check across the class compares.

The modules are found exactly as for grading (`locate`, within its size
limits), and nothing is run: a notebook gives the code of its graded cells, a
loose .py file (`hank.py`) its own text, and the grader's thin hand-out modules
are left out.
"""
from __future__ import annotations

import ast
from pathlib import Path, PurePosixPath

from ..course import Part
from ._submission import locate
from ._submission_notebook import runner_module_name

MAX_PART_CHARS = 256 * 1024   # of one part's code: far above any real solution, a bound on what is compared


def student_sources(path: str | Path, parts: list[Part]) -> dict[str, str]:
    """part name → the student's code of that part (modules in the manifest's order); parts not found are absent.

    Raises UserError (MalformedSubmission) when the submission cannot be read.
    """
    submission = locate(Path(path), parts)
    sources: dict[str, str] = {}
    for part in parts:
        pieces = []
        for (part_name, module), located in submission.modules.items():
            if part_name != part.name:
                continue
            if located.origin.lower().endswith(".ipynb"):
                if module == runner_module_name(part):
                    pieces += _cells_of_runner(located.source)
            elif PurePosixPath(located.origin).stem == module or module not in part.modules:
                pieces.append(located.source.decode("utf-8", errors="replace"))   # a module, or a loose file itself
        if pieces:
            sources[part.name] = "\n\n".join(pieces)[:MAX_PART_CHARS]
    return sources


def _cells_of_runner(source: bytes) -> list[str]:
    """The cell sources a notebook's runner module holds (the grader wrote it: a list of (label, code) literals)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_run_cells" and node.args:
            try:
                cells = ast.literal_eval(node.args[0])
            except (ValueError, SyntaxError, RecursionError, MemoryError):
                return []
            return [code for _, code in cells if isinstance(code, str)]
    return []
