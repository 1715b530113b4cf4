"""Building `notebooks/<part>.ipynb`, nbgrader source notebooks, from the single source.

The pieces come from where they are written once: the part's README
(assignments/<part>/README.md), the reference modules (signatures, docstrings
and, as solutions, bodies; see `_answers`), the manifest (points and visible
examples) and the hidden suites (through `autograder.notebooks.kernel.check`).  A
notebook has, per part:

- the README and a note on how the notebook is graded (markdown);
- one read-only setup cell with the imports the reference needs;
- per module, a heading with the module's docstring, then per function an
  answer cell (nbgrader "autograded answer") followed by its test cell
  (nbgrader "autograder tests", worth the function's points): a
  `### BEGIN HIDDEN TESTS` region that grades the part with this package's
  engine and prints its feedback (first, so the feedback is there even when a
  visible assert would fail), then plain asserts on the visible examples.

Cell ids are derived from names, so building twice gives the same text: the
committed notebooks are compared with a fresh build as plain text.
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from ..course import FunctionSpec, Part, course_root, load_parts, outdated
from ..grading import TEST_CELL_MARKER, ReferenceExpectations, example_arguments
from ._answers import read_reference_module
from ._visible import example_lines

FOLDER = "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

HOW_IT_WORKS = """\
## How this notebook works

This is the notebook version of the assignment: the same functions, graded by the same tests.

- Write each function in its answer cell, in place of `raise NotImplementedError()`. Keep the name and the
  parameters; the docstring says what to return.
- All cells share one namespace: a function defined above is available below (no imports between modules).
- Run the test cell under each answer cell. Its asserts check the visible example(s); the hidden tests run
  when your notebook is graded and give the cell's points only when the function passes all of them.
- Shell commands (`!pip ...`) and IPython magics (`%timeit ...`) are not graded: they are stripped before grading.
"""


def _nbgrader(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: float | None = None) -> dict:
    metadata = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
                "solution": solution, "task": False}
    if grade:
        assert points is not None   # a graded cell always has its points
        metadata["points"] = int(points) if float(points).is_integer() else points
    return {"nbgrader": metadata}


def _cell_id(*names: str) -> str:
    return "-".join(name.replace("_", "-").lower() for name in names)[:64]


def answer_cell_id(function: str) -> str:
    """The grade id of the answer cell of `module.function` (its test cell's is `test-` + this)."""
    module, _, name = function.partition(".")
    return _cell_id(module, name)


def checked_function(source: str) -> str | None:
    """The `module.function` a test cell's hidden part grades (`check('activations.relu')`), or None.

    Read with ast from the cell as the gradebook stores it (never executed).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "check"
                and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            return node.args[0].value
    return None


def test_cell_source(spec: FunctionSpec, expectations=None) -> str:
    """The test cell of one function: a marker line, the visible asserts, the hidden check."""
    expectations = expectations or ReferenceExpectations()
    points = f"{spec.points:g} point{'s' if spec.points != 1 else ''}"
    lines = [f"{TEST_CELL_MARKER} {spec.qualified_name} ({points})",
             "### BEGIN HIDDEN TESTS",
             "from autograder.notebooks.kernel import check",
             f"check({spec.qualified_name!r})",
             "### END HIDDEN TESTS"]
    if spec.examples:
        lines.append("# The visible example(s); the hidden tests run when the notebook is graded.")
        for index, example in enumerate(spec.examples):
            args, kwargs = example_arguments(example)
            expected = expectations.value(spec, index, args, kwargs)
            lines += example_lines(spec, index, args, kwargs, expected)
    else:
        lines.append(f"# {spec.name} has no visible example: the hidden tests run when the notebook is graded.")
    return "\n".join(lines)


def build_notebook(part: Part) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one part."""
    root = course_root()
    modules = {module: read_reference_module(module, path.read_text(encoding="utf-8"), str(path))
               for module in part.modules
               for path in [root / "reference" / part.name / f"{module}.py"]}
    imports = list(dict.fromkeys(line for module in modules.values() for line in module.imports))
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    cells = [
        nbformat.v4.new_markdown_cell((part.folder / "README.md").read_text(encoding="utf-8").strip(),
                                      id=_cell_id(part.name, "readme")),
        nbformat.v4.new_markdown_cell(HOW_IT_WORKS.strip(), id=_cell_id(part.name, "how-it-works")),
        nbformat.v4.new_code_cell("\n".join(imports), id=_cell_id(part.name, "imports"),
                                  metadata=_nbgrader(_cell_id(part.name, "imports"), locked=True)),
    ]
    expectations = ReferenceExpectations()
    for module_name, module in modules.items():
        cells.append(nbformat.v4.new_markdown_cell(f"## `{module_name}`\n\n{module.docstring}".strip(),
                                                   id=_cell_id(module_name, "intro")))
        for spec in (spec for spec in part.functions if spec.module == module_name):
            answer_id, test_id = _cell_id(module_name, spec.name), _cell_id("test", module_name, spec.name)
            cells.append(nbformat.v4.new_code_cell(module.answers[spec.name], id=answer_id,
                                                   metadata=_nbgrader(answer_id, solution=True)))
            cells.append(nbformat.v4.new_code_cell(test_cell_source(spec, expectations), id=test_id,
                                                   metadata=_nbgrader(test_id, grade=True, locked=True,
                                                                      points=spec.points)))
    notebook.cells = cells
    nbformat.validate(notebook)
    return notebook


def notebook_text(part: Part) -> str:
    return nbformat.writes(build_notebook(part)) + "\n"


def notebook_files() -> dict[Path, str]:
    """Every committed notebook path with the text a fresh build gives it."""
    folder = course_root() / FOLDER
    return {folder / f"{part.name}.ipynb": notebook_text(part) for part in load_parts()}


def outdated_notebooks() -> list[Path]:
    """Notebooks whose committed text differs from a fresh build (or that are missing)."""
    return outdated(notebook_files())
