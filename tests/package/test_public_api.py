"""The supported API: what `autograder.__all__` names, pinned, and how the package's modules may import each other.

Modelled on httpx's tests/test_exported_members.py: a name joins or leaves the
public surface only by changing this file.
"""
import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import autograder

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "autograder"

PUBLIC = ["BatchSettings", "BatchSummary", "ExampleDetails", "Feedback", "Figure", "FunctionSpec", "GradingResult",
          "Kind", "Limits", "MalformedSubmission", "Part", "PartResult", "QuestionDetails", "Series", "Status",
          "TestResult", "UserError", "course_root", "failed_result", "grade_class", "grade_submission", "load_parts",
          "render_dashboard", "render_gradescope", "render_html", "render_result", "render_text"]


def test_the_public_names_are_exactly_the_pinned_ones():
    assert autograder.__all__ == PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_resolves_to_an_object_of_this_package(name):
    value = getattr(autograder, name)
    assert value.__module__.startswith("autograder.")
    assert name in dir(autograder)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        autograder.grade_everything   # noqa: B018


def test_importing_the_package_imports_neither_pytest_nor_the_pipeline():
    code = ("import sys, autograder; autograder.__all__; "
            "print(any(m in sys.modules for m in ('pytest', 'autograder.grading', 'jinja2')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _private_owner(module: str) -> str | None:
    """The package a private module belongs to (`autograder.grading` for `autograder.grading._engine`), else None."""
    parts = module.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return None


def private_crossings(files: list[Path], root: Path) -> list[str]:
    """Imports of a private module (`_name`) from outside the package that holds it (and its sub-packages)."""
    crossings = []
    for path in files:
        importer = _module_name(path, root)
        for line, imported in _imported_modules(path, root):
            owner = _private_owner(imported) if imported.startswith("autograder") else None
            if owner is not None and not (importer == owner or importer.startswith(owner + ".")):
                crossings.append(f"{path.relative_to(root)}:{line} imports {imported}")
    return crossings


# Benchmarks that time the pipeline's inner steps by wrapping them: they reach inside on purpose, and nothing
# of the package depends on them.
INSTRUMENTS_INTERNALS = {"benchmarks/grade_timeline.py"}


def test_no_module_imports_a_private_module_of_another_package():
    files = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "benchmarks").glob("*.py"))
    checked = [path for path in files if "__pycache__" not in path.parts
               and path.relative_to(ROOT).as_posix() not in INSTRUMENTS_INTERNALS]
    assert private_crossings(checked, ROOT) == []


def test_the_boundary_check_finds_a_crossing_and_allows_a_sibling(tmp_path):
    batch, grading = tmp_path / "autograder" / "batch", tmp_path / "autograder" / "grading"
    for folder in (batch, grading):
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
    (batch / "jobs.py").write_text("from ..grading._engine import grade_submission\nfrom ._state import x\n")
    (grading / "api.py").write_text("from ._engine import grade_submission\nfrom autograder._errors import E\n")
    found = private_crossings(sorted(tmp_path.rglob("*.py")), tmp_path)
    assert found == ["autograder/batch/jobs.py:1 imports autograder.grading._engine",
                     "autograder/batch/jobs.py:1 imports autograder.grading._engine.grade_submission"]


def test_the_sandbox_imports_nothing_of_the_grader():
    """The trust boundary: the worker's side imports the standard library, numpy and its neighbour only."""
    for path in sorted((PACKAGE / "sandbox").glob("*.py")):
        imported = {name for _, name in _imported_modules(path)}
        assert not any(name.startswith("autograder") and not name.startswith("autograder.sandbox")
                       for name in imported), path


def test_the_command_line_has_no_import_cycle():
    """The command groups import the shared plumbing (`_cli`), which imports none of them."""
    plumbing = {name for _, name in _imported_modules(PACKAGE / "_cli.py")}
    assert not any(name.startswith(("autograder.cli", "autograder.quiz", "autograder.notebooks", "autograder.batch"))
                   for name in plumbing)
    for group in ("quiz", "notebooks"):
        imported = {name for _, name in _imported_modules(PACKAGE / group / "cli.py")}
        assert "autograder.cli" not in imported and not any(name.startswith("autograder.cli.") for name in imported)


@pytest.mark.parametrize("package", ["autograder.grading", "autograder.grading.boundary", "autograder.course",
                                     "autograder.packaging", "autograder.batch", "autograder.quiz",
                                     "autograder.render", "autograder.notebooks"])
def test_every_sub_package_names_what_it_exports(package):
    module = importlib.import_module(package)
    assert len(set(module.__all__)) == len(module.__all__)   # (ruff's RUF022 keeps each list sorted)
    for name in module.__all__:
        assert hasattr(module, name), f"{package}.{name}"
