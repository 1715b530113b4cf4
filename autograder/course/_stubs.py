"""Generating the student stubs from the reference solution.

The reference modules are the single source of the contract: signatures and
docstrings are written once, there.  A stub is its reference module with every
public function body replaced by `raise NotImplementedError`, private helpers
(names starting with `_`) removed, and relative imports of sibling modules
turned into the plain-name imports students use (`from activations import relu`).
"""
from __future__ import annotations

import ast
import functools
import re
import stat
from pathlib import Path

from ._generated import outdated
from ._root import course_root, load_parts

_RELATIVE_IMPORT = re.compile(r"^(\s*)from \.(\w+) import ", re.MULTILINE)


def _end(node: ast.AST) -> int:
    """The last line of a parsed node (always set by ast.parse; Optional only in the type stubs)."""
    end = getattr(node, "end_lineno", None)
    return end if end is not None else getattr(node, "lineno", 0)


def make_stub(reference_source: str) -> str:
    """Return the stub source for one reference module's source."""
    lines = reference_source.splitlines()
    edits: list[tuple[int, int, list[str]]] = []  # (first line, last line, replacement), 1-based, inclusive

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.startswith("_") \
                    and not node.name.startswith("__"):
                first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
                last = _end(node)
                while last < len(lines) and not lines[last].strip():
                    last += 1  # swallow the blank lines after a removed helper
                edits.append((first, last, []))
            elif isinstance(node, ast.FunctionDef):
                has_docstring = ast.get_docstring(node) is not None
                statements = node.body[1:] if has_docstring else node.body
                if statements:
                    indent = " " * statements[0].col_offset
                    edits.append((statements[0].lineno, _end(node), [f"{indent}raise NotImplementedError"]))
            elif isinstance(node, ast.ClassDef):
                visit(node.body)

    visit(ast.parse(reference_source).body)
    for first, last, replacement in sorted(edits, reverse=True):
        lines[first - 1:last] = replacement
    stub = "\n".join(lines).rstrip() + "\n"
    return _RELATIVE_IMPORT.sub(r"\1from \2 import ", stub)


def parameter_names(parts) -> dict[tuple[str, str], list[str]]:
    """(module, function or method) → parameter names, read from the course's reference source (not imported).

    Methods are listed under their own name, without `self`; a class is listed
    with the parameters of its __init__.  Only the course's own files are read,
    never the student's: in a student release, where there is no reference, the
    names come from the data the release stored (grading's ExpectedValues).
    Parts whose reference is absent give no names.
    """
    names: dict[tuple[str, str], list[str]] = {}
    root = course_root()
    for part in parts:
        for module in part.modules:
            path = root / "reference" / part.name / f"{module}.py"
            try:
                status = path.stat()
            except OSError:
                continue
            if not stat.S_ISREG(status.st_mode):
                continue
            for name, parameters in _parameters_in(str(path), status.st_mtime_ns, status.st_size):
                names[(module, name)] = list(parameters)
    return names


@functools.lru_cache(maxsize=64)
def _parameters_in(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(name, parameter names) of the functions and classes of one source file, read once per version of it
    (each grading asks: parsing the reference took about 8 ms a grading)."""
    found = []
    for node in ast.parse(Path(path).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            found.append((node.name, tuple(arg.arg for arg in node.args.args)))
        elif isinstance(node, ast.ClassDef):
            for method in node.body:
                if isinstance(method, ast.FunctionDef):
                    parameters = tuple(arg.arg for arg in method.args.args)[1:]
                    found.append((node.name if method.name == "__init__" else method.name, parameters))
    return tuple(found)


def stub_files() -> dict[Path, str]:
    """Every stub path in assignments/ with the text it should have."""
    root = course_root()
    files = {}
    for part in load_parts():
        for module in part.modules:
            source = (root / "reference" / part.name / f"{module}.py").read_text(encoding="utf-8")
            files[part.folder / f"{module}.py"] = make_stub(source)
    return files


def outdated_stubs() -> list[Path]:
    """Stubs whose committed text differs from what the reference generates."""
    return outdated(stub_files())
