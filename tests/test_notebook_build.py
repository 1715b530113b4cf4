"""The generated nbgrader source notebooks: up to date, deterministic, and faithful to the single source."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.course import course_root, load_parts, make_stub

nbformat = pytest.importorskip("nbformat", reason="needs the nbgrader extra: pip install -e '.[nbgrader]'")
from autograder.notebooks._build import build_notebook, outdated_notebooks  # noqa: E402  (needs nbformat)

PARTS = [part.name for part in load_parts()]
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.DOTALL)
SOLUTION = re.compile(r"^( *)### BEGIN SOLUTION\n.*?^ *### END SOLUTION$", re.DOTALL | re.MULTILINE)


def committed(part: str) -> nbformat.NotebookNode:
    return nbformat.read(course_root() / "notebooks" / f"{part}.ipynb", as_version=4)


def cells_with(notebook, key: str, value=True) -> list:
    return [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get(key) == value]


def test_the_committed_notebooks_are_up_to_date():
    assert outdated_notebooks() == [], "run `autograder notebooks build`"


def test_build_check_names_a_notebook_that_is_out_of_date(tmp_path, monkeypatch):
    course = tmp_path / "course"
    for folder in ("assignments", "reference", "notebooks"):
        shutil.copytree(course_root() / folder, course / folder)
    (course / "notebooks" / "scaling.ipynb").write_text("{}")
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course))
    result = CliRunner().invoke(main, ["notebooks", "build", "--check"])
    assert result.exit_code == 1
    assert result.output.strip() == "out of date: notebooks/scaling.ipynb"


def test_building_in_another_process_gives_the_same_text():
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-m", "autograder", "notebooks", "build", "--check"],
                          capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("part", PARTS)
def test_every_function_has_an_answer_cell_and_a_test_cell_worth_its_points(part):
    notebook = committed(part)
    specs = load_parts([part])[0].functions
    answers = [cell.metadata.nbgrader.grade_id for cell in cells_with(notebook, "solution")]
    tests = {cell.metadata.nbgrader.grade_id: cell.metadata.nbgrader.points for cell in cells_with(notebook, "grade")}
    assert answers == [f"{spec.module}-{spec.name}".replace("_", "-").lower() for spec in specs]
    assert tests == {f"test-{spec.module}-{spec.name}".replace("_", "-").lower(): spec.points for spec in specs}


@pytest.mark.parametrize("part", PARTS)
def test_each_test_cell_checks_its_function_in_the_hidden_region(part):
    for cell in cells_with(committed(part), "grade"):
        hidden = HIDDEN.search(cell.source).group(0)
        function = cell.source.splitlines()[0].split()[3]
        assert f"check({function!r})" in hidden


@pytest.mark.parametrize("part", PARTS)
def test_answer_cells_are_the_stub_with_the_reference_as_solution(part):
    reference = (course_root() / "reference" / part)
    stubs = "".join(make_stub((reference / f"{module}.py").read_text()) for module in load_parts([part])[0].modules)
    for cell in cells_with(committed(part), "solution"):
        assert "### BEGIN SOLUTION" in cell.source
        as_released = SOLUTION.sub(lambda match: f"{match.group(1)}raise NotImplementedError", cell.source)
        assert as_released in stubs


@pytest.mark.parametrize("part", PARTS)
def test_no_cell_imports_a_sibling_module(part):
    modules = {module for p in load_parts() for module in p.modules}
    for cell in committed(part).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(HIDDEN.sub("", cell.source))):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0 and node.module not in modules, cell.source


def run_visible_cells(notebook, replace_solutions: bool = False) -> dict:
    """Run the notebook's code in one namespace, hidden regions removed (a student's copy)."""
    namespace: dict = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            source = HIDDEN.sub("", cell.source)
            if replace_solutions:
                source = SOLUTION.sub(lambda match: f"{match.group(1)}raise NotImplementedError()", source)
            exec(compile(source, cell.id, "exec"), namespace)
    return namespace


@pytest.mark.parametrize("part", PARTS)
def test_the_visible_asserts_pass_on_the_reference(part):
    with np.errstate(all="raise"):
        namespace = run_visible_cells(committed(part))
    assert "got" in namespace   # the examples ran


def test_the_visible_asserts_fail_on_the_released_stubs():
    with pytest.raises(NotImplementedError):
        run_visible_cells(committed("scaling"), replace_solutions=True)


def test_a_wrong_answer_fails_its_visible_asserts():
    notebook = committed("nn")
    relu = next(cell for cell in notebook.cells if cell.id == "activations-relu")
    relu.source = relu.source.replace("np.maximum(np.asarray(s, dtype=np.float64), 0.0)", "np.abs(s)")
    with pytest.raises(AssertionError, match="relu"):
        run_visible_cells(notebook)


def test_a_notebook_is_valid_nbformat_with_a_python_kernel():
    notebook = build_notebook(load_parts(["scaling"])[0])
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
