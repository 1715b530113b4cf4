"""The command line: output of the simple commands, one-line errors, and `grade` as a process of its own."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder import cli
from autograder.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "submissions"


def test_overview_lists_every_part_and_the_total():
    result = CliRunner().invoke(main, ["overview"])
    assert result.exit_code == 0
    assert "nn: Neural networks from scratch" in result.output
    assert "NegativeSampler" in result.output and "chinchilla_optimal" in result.output
    assert result.output.strip().endswith("total: 100 points")


def test_stubs_check_passes_on_the_committed_stubs():
    result = CliRunner().invoke(main, ["stubs", "build", "--check"])
    assert result.exit_code == 0, result.output


def test_a_missing_course_folder_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(tmp_path))
    result = CliRunner().invoke(main, ["overview"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "AUTOGRADER_COURSE" in result.output


def test_version_prints_the_package_version():
    from autograder import __version__

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"autograder {__version__}"


def test_check_header_counts_the_points_the_visible_examples_can_give(stub_submission):
    result = CliRunner().invoke(main, ["check", str(stub_submission), "--part", "scaling"])
    assert result.exit_code == 0
    header = result.output.splitlines()[0]
    assert header.endswith(": 0 / 3 points from the visible examples")   # scaling's examples: 1 + 1 + 1
    assert "scaling: Scaling laws  0 / 3" in result.output
    assert "the other 9 points" in result.output


def test_check_of_an_unreadable_submission_counts_the_visible_examples_points(tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    result = CliRunner().invoke(main, ["check", str(broken), "--part", "scaling"])
    assert result.exit_code == 2
    assert ": 0 / 3 points from the visible examples" in result.output.splitlines()[0]


def _autograder(*arguments: str, temporary: Path) -> subprocess.CompletedProcess:
    """The command as a user runs it, in a process of its own, with a temporary folder of this test's."""
    return subprocess.run([sys.executable, "-m", "autograder", *arguments], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(temporary)}, timeout=120)


def test_grade_ends_its_process_with_all_its_output_its_status_and_nothing_left_behind(tmp_path):
    """`grade` ends without the interpreter's teardown: what it printed and wrote must all be there, with the
    right exit status, and no temporary file of the grading may be left (no clean-up runs after it)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    submission = str(EXAMPLES / "partly_right")
    printed = _autograder("grade", submission, "--part", "scaling", "--format", "text", temporary=temporary)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.rstrip().endswith("a changed file gets new ones.")
    assert printed.stdout.startswith("Grade for partly_right: ")
    written = _autograder("grade", submission, "--part", "scaling", "--format", "json", "-o", str(tmp_path / "r.json"),
                          "--fail-under", "101", temporary=temporary)
    assert written.returncode == 1 and "is under --fail-under 101" in written.stderr
    assert json.loads((tmp_path / "r.json").read_text())["score"] == json.loads(
        _autograder("grade", submission, "--part", "scaling", "--format", "json", temporary=temporary).stdout)["score"]
    unreadable = tmp_path / "broken.zip"
    unreadable.write_bytes(b"PK\x03\x04 not a zip")
    refused = _autograder("grade", str(unreadable), "--format", "json", temporary=temporary)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and json.loads(refused.stdout)["score"] == 0
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize("chosen", [None, "3"])
def test_the_command_runs_numpy_on_one_blas_thread_unless_the_user_chose(chosen):
    """Set before numpy is imported, so it holds for the grading process and the batch's job processes."""
    probe = ("import os, sys\n"
             "from autograder import cli\n"
             "cli.main = lambda: print(' '.join(os.environ.get(name, '-') for name in cli._BLAS_THREADS), "
             "'numpy' in sys.modules)\n"
             "cli.run()\n")
    environment = {key: value for key, value in os.environ.items() if key not in cli._BLAS_THREADS}
    if chosen:
        environment["OPENBLAS_NUM_THREADS"] = chosen
    shown = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == [chosen or "1", "1", "1", "False"]


@pytest.fixture
def open_temporary() -> Path:
    """A folder of this test's that every user can enter (pytest's own folders are private to their user)."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="workers get users of their own only from a grader running as root")
@pytest.mark.parametrize("command", ["grade", "batch"])
def test_a_temporary_folder_the_workers_cannot_enter_is_one_line_before_any_grading(command, open_temporary):
    """Without bubblewrap, a root grader's workers run as users of their own and must pass through TMPDIR's
    folders: a TMPDIR inside a private folder would make every submission a grading error, so the command
    says so at once, in one line naming the folder, and grades nothing."""
    private = open_temporary / "private"
    (private / "inner").mkdir(parents=True)
    private.chmod(0o700)
    (open_temporary / "open").mkdir(mode=0o755)
    output = open_temporary / "out"
    arguments = {"grade": [command, str(EXAMPLES / "full_marks"), "--part", "scaling"],
                 "batch": [command, str(EXAMPLES), "-o", str(output), "--part", "scaling", "--no-progress"]}[command]
    environment = {**os.environ, "AUTOGRADER_ISOLATION": "limits-only"}
    refused = subprocess.run([sys.executable, "-m", "autograder", *arguments], capture_output=True, text=True,
                             env={**environment, "TMPDIR": str(private / "inner")}, timeout=120)
    assert refused.returncode == 2 and refused.stdout == "", refused.stderr
    assert refused.stderr.splitlines() == [refused.stderr.strip()]
    assert f"{private} is closed to other users (mode 700); set TMPDIR" in refused.stderr
    assert not (output / "gradebook.csv").exists()
    graded = subprocess.run([sys.executable, "-m", "autograder", *arguments], capture_output=True, text=True,
                            env={**environment, "TMPDIR": str(open_temporary / "open")}, timeout=300)
    assert graded.returncode == 0, graded.stderr
