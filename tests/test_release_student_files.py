"""In a student release the stubs are the student's own files: nothing the grader needs may come from parsing them.

A student runs `autograder check` on the stubs they are editing, which may not
parse at all.  The parameter names that feedback uses ("laws.kaplan_loss(N, N_c,
alpha_N)") come from data the release stored, so a syntax error or bytes that are
not UTF-8 are reported as the student's import error, never as a grader failure.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.packaging import build_release


@pytest.fixture(scope="module")
def scaling_release(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("release") / "week5", ["scaling"])


@pytest.fixture
def release(scaling_release, tmp_path):
    """A fresh copy of the release, whose stubs a test may edit."""
    return Path(shutil.copytree(scaling_release, tmp_path / "week5"))


def check_in(folder: Path, *arguments):
    """`autograder check` run the way a student runs it, from inside the release (no reference there)."""
    environment = {key: value for key, value in os.environ.items() if key != "AUTOGRADER_COURSE"}
    environment["PYTHONPATH"] = str(folder)
    return subprocess.run([sys.executable, "-m", "autograder", "check", *arguments], capture_output=True, text=True,
                          cwd=folder, env=environment, timeout=120)


def test_the_release_stores_the_parameter_names_of_every_graded_function(release):
    stored = json.loads((release / "assignments" / "scaling" / ".expected.json").read_text())["parameters"]
    assert stored["laws.kaplan_loss"] == ["N", "N_c", "alpha_N"]
    assert set(stored) >= {"laws.chinchilla_optimal", "laws.tokens_per_param"}


def test_a_syntax_error_in_the_students_stub_is_their_import_error_not_a_grading_error(release):
    stub = release / "assignments" / "scaling" / "laws.py"
    stub.write_text(stub.read_text().replace("def tokens_per_param(N, D):", "def tokens_per_param(N, D)"))
    checked = check_in(release, "--part", "scaling", "assignments")
    assert checked.returncode == 0
    assert "GRADING ERROR" not in checked.stdout and "Traceback" not in checked.stderr
    assert "Importing laws.py raised SyntaxError" in checked.stdout
    # the text report shows the import error once (a banner); the per-test results name the calls with the stored names
    as_json = check_in(release, "--part", "scaling", "--format", "json", "assignments")
    assert "kaplan_loss(N, N_c, alpha_N)" in as_json.stdout or "kaplan_loss(N)" in as_json.stdout


def test_bytes_that_are_not_utf8_in_the_students_stub_are_their_import_error(release):
    stub = release / "assignments" / "scaling" / "laws.py"
    stub.write_bytes(stub.read_bytes().replace(b"Scaling laws", b"Scaling \xff\xfe laws"))
    checked = check_in(release, "--part", "scaling", "assignments")
    assert checked.returncode == 0
    assert "GRADING ERROR" not in checked.stdout and "Traceback" not in checked.stderr
    assert "Importing laws.py raised SyntaxError" in checked.stdout
