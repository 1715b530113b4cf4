"""Notebook (.ipynb) submissions: their code cells become the student's modules.

A notebook's code cells share one namespace, so a part's code is graded as one
module, `_notebook_<part>.py`, that runs the cells in order; every module the
part expects (`activations`, `network`, ...) is a thin module that hands out
that namespace's names, so sibling imports (`from activations import relu`)
still resolve.  As in a notebook run, a cell that raises is reported and the
cells after it still run.

What is not Python is taken out first and listed in a note: IPython magics
(`%timeit ...`), shell escapes (`!pip ...`), help lines (`relu?`) and whole
cell-magic cells (`%%time`).  Test cells are left out: ours (first line
`# autograder test: ...`) and any cell nbgrader marks as an autograder test,
so a failing visible assert cannot stop the student's code from loading.
"""
from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .._untrusted import Unreadable
from ..course import Part, SubmissionBudgets
from ..sandbox.protocol import replace_lone_surrogates

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_MAX_REPARSES = 20                 # parses of one invalid cell while looking for the error that is not IPython syntax
TEST_CELL_MARKER = "# autograder test:"
_MAGIC_LINE = re.compile(r"^\s*(?:[%!]|\?)|^\s*[A-Za-z_][\w.]*\s*=\s*[%!]|\?\??\s*$")


class NotANotebook(ValueError):
    """The bytes are not a Jupyter notebook (the message says why, in a few words)."""


@dataclass(frozen=True)
class Cell:
    """One code cell: where it is (`cell 4`), its source, and whether it is a test cell."""

    label: str
    source: str
    is_test: bool = False


@dataclass
class NotebookCode:
    """The code of a notebook to grade, and notes on what was left out."""

    name: str                       # the notebook's file name, e.g. "nn.ipynb"
    cells: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def defined_names(self) -> set[str]:
        """Names of the functions and classes the cells define at top level."""
        names = set()
        for cell in self.cells:
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names.add(node.name)
        return names


def count_json_values(data: bytes) -> int:
    """An upper bound on the number of values (strings, numbers, lists ...) in a JSON text, without parsing it.

    Outside strings every value but the first of its list or object follows a
    comma, and every list or object opens with a bracket; keys are counted too.
    """
    outside_strings = _JSON_STRING.sub(b"", data)
    return 2 * (outside_strings.count(b",") + outside_strings.count(b"[") + outside_strings.count(b"{") + 1)


def read_cells(data: bytes, max_values: int | None = None) -> list[Cell]:
    """The code cells of a notebook file, in order; raises NotANotebook.

    With max_values, a notebook that holds more JSON values is refused before it
    is parsed (parsing costs about a hundred bytes of memory per value).
    """
    if max_values is not None and count_json_values(data) > max_values:
        raise NotANotebook(f"the notebook holds more than {max_values} JSON values (long outputs?); "
                           "clear its outputs and hand it in again")
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotANotebook("not a notebook: the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise NotANotebook(f"not a notebook: invalid JSON at line {error.lineno}, column {error.colno} "
                           f"({error.msg})") from None
    except (ValueError, RecursionError) as error:   # a number too long to convert, nesting too deep
        raise NotANotebook(f"not a notebook: unreadable JSON ({type(error).__name__})") from None
    document = replace_lone_surrogates(document)   # "\\ud800" parses, but no module or report can hold it
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        if isinstance(document, dict) and "worksheets" in document:
            raise NotANotebook("an old notebook format (version 3); open and save it in Jupyter to update it")
        raise NotANotebook("not a notebook: JSON without a list of cells")
    if document.get("nbformat") != 4:
        raise NotANotebook(f"unsupported notebook format {document.get('nbformat')!r} (version 4 is read)")
    cells = []
    for index, cell in enumerate(document["cells"], start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotANotebook(f"not a notebook: cell {index} is malformed")
        if cell["cell_type"] != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotANotebook(f"not a notebook: cell {index} has no source text")
        metadata = cell.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        nbgrader = metadata.get("nbgrader")
        nbgrader = nbgrader if isinstance(nbgrader, dict) else {}
        cells.append(Cell(f"cell {index}", source, is_test_cell(source, nbgrader)))
    return cells


def is_test_cell(source: str, nbgrader: dict | None = None) -> bool:
    """A test cell: ours (by its first line), or one nbgrader marks as autograder tests."""
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    if first.startswith(TEST_CELL_MARKER):
        return True
    nbgrader = nbgrader or {}
    return bool(nbgrader.get("grade")) and not nbgrader.get("solution")


def strip_ipython(source: str) -> tuple[str, list[str]]:
    """The cell's source without its IPython-only lines (each becomes `pass`), and those lines.

    Only lines that look like IPython syntax, are not Python by themselves, and
    that the Python parser cannot read as Python in the cell are taken out, so a docstring line ending in "?" or an
    expression `a % b` continued on its own line is never mistaken for IPython
    syntax.  The cell is parsed a fixed number of times whatever it holds (a cell
    of thousands of magics costs no more than a few parses): every candidate line
    is replaced at once, and a replacement that did not become a statement of its
    own (it was inside a string or brackets) is put back.
    """
    lines = source.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if first.lstrip().startswith("%%"):
        return "", [first.strip()]
    candidates = [index for index, line in enumerate(lines) if _MAGIC_LINE.search(line) and not _python_alone(line)]
    if not candidates or _parses(lines):
        return _joined(lines), []
    replaced = _replace(lines, candidates)
    tree = _parse(replaced)
    if tree is not None:
        statements = {node.lineno - 1 for node in ast.walk(tree) if isinstance(node, ast.Pass)}
        kept = [index for index in candidates if index in statements]
        if len(kept) < len(candidates):
            replaced = _replace(lines, kept)
            tree = _parse(replaced)
        if tree is not None:
            return _joined(replaced), [lines[index].strip() for index in kept]
    return _strip_where_the_parser_stops(lines)


def _python_alone(line: str) -> bool:
    """A line that is Python by itself (`x = 1  # right?`, or a block opener `if a:  # why?`)."""
    text = line.strip()
    return _parses([text]) or _parses([text, " pass"])


def _replace(lines: list[str], indices: list[int]) -> list[str]:
    replaced = list(lines)
    for index in indices:
        line = lines[index]
        replaced[index] = line[: len(line) - len(line.lstrip())] + "pass"
    return replaced


def _parse(lines: list[str]) -> ast.Module | None:
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _parses(lines: list[str]) -> bool:
    return _parse(lines) is not None


def _joined(lines: list[str]) -> str:
    return "\n".join(lines) + ("\n" if lines else "")


def _strip_where_the_parser_stops(lines: list[str]) -> tuple[str, list[str]]:
    """A cell that stays invalid after the stripping above (it has a real syntax error somewhere):
    take out IPython lines one at a time where the parser stops, at most _MAX_REPARSES times, so the
    error reported is the first one that is not IPython syntax."""
    lines = list(lines)
    stripped: dict[int, str] = {}
    for _ in range(_MAX_REPARSES):
        try:
            ast.parse("\n".join(lines))
            break
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            index = (getattr(error, "lineno", None) or 0) - 1
            if not 0 <= index < len(lines) or index in stripped or not _MAGIC_LINE.search(lines[index]):
                break
            stripped[index] = lines[index].strip()
            lines[index] = _replace(lines, [index])[index]
    return _joined(lines), [stripped[index] for index in sorted(stripped)]


def notebook_code(name: str, cells: list[Cell]) -> NotebookCode:
    """The cells to grade: test cells and IPython-only lines out, cells that do not compile out."""
    code = NotebookCode(name=name)
    stripped_notes = []
    for cell in cells:
        if cell.is_test or not cell.source.strip():
            continue
        source, stripped = strip_ipython(cell.source)
        stripped_notes += [f"{cell.label}: {line}" for line in stripped]
        if not source.strip():
            continue
        try:
            ast.parse(source)
        except SyntaxError as error:
            code.notes.append(f"{name}, {cell.label} is not valid Python (SyntaxError: {error.msg}, line "
                              f"{error.lineno}) and was left out; the other cells were graded")
            continue
        code.cells.append(Cell(cell.label, source))
    if stripped_notes:
        shown = "; ".join(stripped_notes[:8]) + ("; ..." if len(stripped_notes) > 8 else "")
        code.notes.append(f"{name}: IPython magics and shell escapes are not graded and were stripped ({shown})")
    return code


def part_of(code: NotebookCode, parts: list[Part]) -> Part | None:
    """The part a notebook belongs to: the one whose functions it defines most, else the one it is named after."""
    defined = code.defined_names()
    stem = PurePosixPath(code.name).stem
    scored = [(sum(spec.name in defined for spec in part.functions), part.name == stem, -index, part)
              for index, part in enumerate(parts)]
    best = max(scored, key=lambda item: item[:3], default=None)
    if best is not None and best[0] > 0:
        return best[3]
    return next((part for part in parts if part.name == stem), None)


def runner_module_name(part: Part) -> str:
    return f"_notebook_{part.name}"


def notebook_modules(part: Part, code: NotebookCode) -> dict[str, bytes]:
    """Module name → source for the scratch folder: the runner and one hand-out module per expected module."""
    runner = runner_module_name(part)
    cells = ",\n".join(f"    ({f'{code.name} [{cell.label}]'!r}, {cell.source!r})" for cell in code.cells)
    modules = {runner: _RUNNER.format(name=code.name, cells=cells).encode("utf-8")}
    for module in part.modules:
        modules[module] = _HAND_OUT.format(module=module, name=code.name, runner=runner).encode("utf-8")
    return modules


_RUNNER = '''"""The code cells of the notebook {name}, run in order in this one namespace (written by the grader).

As in a notebook, a cell that raises is reported and the cells after it still run.
"""


def _run_cells(cells, namespace):
    import linecache
    import os
    import sys
    folder = os.path.dirname(os.path.abspath(__file__))
    for label, source in cells:
        filename = os.path.join(folder, label)
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            exec(compile(source, filename, "exec"), namespace)
        except Exception as error:
            print(f"{{label}} raised {{type(error).__name__}}: {{error}} (the cells after it still ran)",
                  file=sys.stderr)


_run_cells([
{cells}
], globals())
del _run_cells
'''

_HAND_OUT = '''"""`{module}`: the names defined by the code cells of {name} (written by the grader)."""
import sys as _sys


def __getattr__(name):
    return getattr(_sys.modules["{runner}"], name)


import {runner}  # noqa: E402,F401  (runs the notebook's cells, once)
'''


@dataclass
class NotebookModules:
    """What the notebooks of a submission give: (part, module) → (origin, source), and notes."""

    modules: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def modules_from_notebooks(names: list[str], read: Callable[[str], bytes], parts: list[Part], skip_parts: set[str],
                           strict: bool, budgets: SubmissionBudgets) -> NotebookModules:
    """The modules of every part (not in skip_parts) that a notebook of the submission holds.

    names are the notebooks' paths in the submission; read(name) gives a
    notebook's bytes or raises Unreadable (too large, over the submission's
    budget ...).  Notebooks are read and parsed one at a time, and only the code
    of the chosen ones is kept.  An unreadable notebook is a note, or with strict
    (a submission that is one notebook) a NotANotebook error.  When several
    notebooks hold the same part, the one named after the part wins, else the
    first by path.  A notebook with more JSON values than the budgets allow is
    not parsed, one with more code is not graded.
    """
    found = NotebookModules()
    chosen: dict[str, tuple[str, NotebookCode]] = {}
    for path in sorted(names, key=lambda name: (PurePosixPath(name).stem not in {p.name for p in parts}, name)):
        try:
            cells = read_cells(read(path), budgets.max_notebook_values)
        except (Unreadable, NotANotebook) as error:
            if strict:
                raise NotANotebook(f"{path} {error}" if isinstance(error, Unreadable) else str(error)) from None
            found.notes.append(f"{path} {error}; not graded" if isinstance(error, Unreadable)
                               else f"{path}: {error}; not graded")
            continue
        size = sum(len(cell.source.encode("utf-8", errors="replace")) for cell in cells if not cell.is_test)
        if size > budgets.max_notebook_code_bytes:
            found.notes.append(f"{path} holds {size} bytes of code; at most {budgets.max_notebook_code_bytes} are graded")
            continue
        code = notebook_code(PurePosixPath(path).name, cells)
        del cells
        part = part_of(code, parts)
        if part is None:
            found.notes.append(f"{path} defines none of the assignments' functions; not graded")
            continue
        if part.name in skip_parts:
            found.notes.append(f"{path} was not graded: part {part.name} was graded from its .py files")
            continue
        if part.name in chosen:
            found.notes.append(f"{path} was not graded: part {part.name} was graded from {chosen[part.name][0]}")
            continue
        chosen[part.name] = (path, code)
    for part_name, (path, code) in chosen.items():
        part = next(part for part in parts if part.name == part_name)
        found.notes += code.notes
        for module, source in notebook_modules(part, code).items():
            found.modules[(part.name, module)] = (path, source)
    return found
