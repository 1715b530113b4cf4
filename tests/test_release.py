"""The student release: complete enough to self-check, clean of the reference and the hidden tests."""
import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from autograder._course import course_root
from autograder._release import build_release
from autograder.cli import main


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("release") / "week5")


def reference_body_lines() -> set[str]:
    """Distinctive lines of every function body in the reference (not docstrings or signatures)."""
    lines = set()
    for path in (course_root() / "reference").rglob("*.py"):
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                for statement in body:
                    for line in ast.get_source_segment(source, statement).splitlines():
                        if len(line.strip()) >= 25:
                            lines.add(line.strip())
    return lines


def release_text(release: Path):
    for path in release.rglob("*"):
        if path.is_file():
            yield path, path.read_text(errors="replace")


def run_in_release(release: Path, *arguments, cwd=None):
    """The release's own package, as a student would run it (no AUTOGRADER_COURSE, no reference)."""
    environment = {key: value for key, value in os.environ.items() if key != "AUTOGRADER_COURSE"}
    environment["PYTHONPATH"] = str(release)
    return subprocess.run([sys.executable, "-m", "autograder", *arguments], capture_output=True, text=True,
                          cwd=cwd or release, env=environment, timeout=120)


def test_release_holds_no_reference_code_and_no_hidden_tests(release):
    secret_lines = reference_body_lines()
    assert len(secret_lines) > 50
    for path, text in release_text(release):
        leaked = [line for line in secret_lines if line in text]
        assert not leaked, f"{path} contains reference code: {leaked[:3]}"
        assert "@pytest.mark.grades" not in text and "grades = pytest.mark.grades" not in text, path
    assert not (release / "reference").exists()
    assert not (release / "autograder" / "suites").exists()


def test_release_has_stubs_readmes_and_expected_values(release):
    for part in ("nn", "word2vec", "scaling"):
        folder = release / "assignments" / part
        assert (folder / "README.md").is_file() and (folder / "assignment.yaml").is_file()
        assert (folder / ".expected.json").is_file()
    assert "raise NotImplementedError" in (release / "assignments" / "nn" / "activations.py").read_text()


def test_check_runs_in_the_release_without_the_reference(release, reference_submission):
    stubs = run_in_release(release, "check", "assignments")
    assert stubs.returncode == 0, stubs.stderr
    assert "Visible examples: 0 of" in stubs.stdout
    solved = run_in_release(release, "check", str(reference_submission))
    assert solved.returncode == 0, solved.stderr
    assert "Visible examples: 26 of 26 passed" in solved.stdout


def test_grade_in_the_release_explains_there_are_no_hidden_tests(release, reference_submission):
    graded = run_in_release(release, "grade", str(reference_submission))
    assert graded.returncode == 2
    assert "no hidden tests" in graded.stderr and "Traceback" not in graded.stderr


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "something").write_text("x")
    run = CliRunner().invoke(main, ["release", "-o", str(tmp_path)])
    assert run.exit_code == 2 and "must be new or empty" in run.output


def test_ci_template_runs_the_self_check_with_a_threshold(release, reference_submission, tmp_path):
    workflow = tmp_path / "autograde.yml"
    assert CliRunner().invoke(main, ["ci-template", "-o", str(workflow), "--threshold", "8"]).exit_code == 0
    steps = yaml.safe_load(workflow.read_text())["jobs"]["check"]["steps"]
    gate = next(step["run"] for step in steps if "fail-under" in step.get("run", ""))
    arguments = gate.split(">")[0].split()[1:]
    assert arguments == ["check", "assignments", "--fail-under", "8"]
    assert run_in_release(release, *arguments).returncode == 1        # the stubs score 0 < 8
    student_repo = tmp_path / "student"
    shutil.copytree(release, student_repo)
    shutil.rmtree(student_repo / "assignments" / "nn")
    shutil.copytree(reference_submission / "nn", student_repo / "assignments" / "nn")
    for name in ("assignment.yaml", ".expected.json", "README.md"):
        shutil.copy(release / "assignments" / "nn" / name, student_repo / "assignments" / "nn" / name)
    assert run_in_release(student_repo, *arguments).returncode == 0   # nn's examples are worth 9 >= 8
