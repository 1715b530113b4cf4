"""Answer cells from a reference module: each public function with its body as nbgrader's solution.

An answer cell is the function's source from reference/ (signature and
docstring, as in the stub) with its body between `### BEGIN SOLUTION` and
`### END SOLUTION`; `nbgrader generate_assignment` replaces that region with
`raise NotImplementedError()`.  For a class, each method's body is a solution
region.  A private helper of the reference (`_sigmoid`) goes inside the
solution region of every function that uses it, as a nested function, so the
student's copy never shows it.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from .._errors import UserError

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def _end(node: ast.AST) -> int:
    """The last line of a parsed node (always set by ast.parse; Optional only in the type stubs)."""
    end = getattr(node, "end_lineno", None)
    return end if end is not None else getattr(node, "lineno", 0)


@dataclass(frozen=True)
class ReferenceModule:
    """What a notebook needs from one reference module."""

    name: str
    docstring: str
    imports: list[str]            # module-level imports other than of sibling modules
    answers: dict[str, str]       # public function or class name → answer cell source


def read_reference_module(name: str, source: str, path: str) -> ReferenceModule:
    """Split a reference module into its docstring, imports and answer cells."""
    tree = ast.parse(source)
    lines = source.splitlines()
    helpers: dict[str, ast.FunctionDef] = {}
    public: list[ast.FunctionDef | ast.ClassDef] = []
    imports: list[str] = []
    for index, node in enumerate(tree.body):
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if not (isinstance(node, ast.ImportFrom) and node.level):   # `from .activations import relu`: one namespace
                imports.append(ast.get_source_segment(source, node) or "")
        elif isinstance(node, ast.FunctionDef) and node.name.startswith("_"):
            helpers[node.name] = node
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            public.append(node)
        else:
            raise UserError("a top-level statement the notebook builder cannot place (only imports, functions "
                            "and classes)", path, node.lineno)
    answers = {node.name: _answer_source(node, lines, helpers) for node in public}
    return ReferenceModule(name=name, docstring=ast.get_docstring(tree) or "", imports=imports, answers=answers)


def _answer_source(node: ast.FunctionDef | ast.ClassDef, lines: list[str], helpers: dict[str, ast.FunctionDef]) -> str:
    first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
    text = lines[first - 1:_end(node)]
    offset = first - 1
    edits: list[tuple[int, int, list[str]]] = []   # (first, last) 0-based lines in text, replacement
    functions = [node] if isinstance(node, ast.FunctionDef) else \
        [item for item in node.body if isinstance(item, ast.FunctionDef)]
    for function in functions:
        edits.append(_solution_edit(function, lines, helpers, offset))
    for start, stop, replacement in sorted(edits, reverse=True):
        text[start:stop + 1] = replacement
    return "\n".join(text)


def _solution_edit(function: ast.FunctionDef, lines: list[str], helpers: dict[str, ast.FunctionDef],
                   offset: int) -> tuple[int, int, list[str]]:
    """The function's body (after its docstring) wrapped in the solution markers, helpers first."""
    has_docstring = ast.get_docstring(function) is not None
    statements = function.body[1:] if has_docstring else function.body
    if not statements:
        raise UserError(f"{function.name} has no body to hide", None)
    indent = " " * statements[0].col_offset
    start = _end(function.body[0]) if has_docstring else function.body[0].lineno - 1   # 0-based first body line
    body = lines[start:_end(function)]
    if statements[0].lineno == function.lineno:
        raise UserError(f"{function.name}: write the body on its own lines, not after the `def`", None,
                        function.lineno)
    nested: list[str] = []
    for name in _helpers_used(function, helpers):
        helper = helpers[name]
        nested += [indent + line if line.strip() else "" for line in lines[helper.lineno - 1:_end(helper)]]
        nested.append("")
    return start - offset, _end(function) - 1 - offset, [indent + BEGIN, *nested, *body, indent + END]


def _helpers_used(function: ast.FunctionDef, helpers: dict[str, ast.FunctionDef]) -> list[str]:
    """The private helpers a function calls, directly or through other helpers, by name."""
    found: set[str] = set()
    pending = [function]
    while pending:
        node = pending.pop()
        for name in {item.id for item in ast.walk(node) if isinstance(item, ast.Name)} & set(helpers):
            if name not in found:
                found.add(name)
                pending.append(helpers[name])
    return sorted(found)
