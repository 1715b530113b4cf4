"""`autograder nbgrader ...` in parts, without running nbgrader (tests/test_nbgrader.py runs it end to end).

How a grade cell is tied to its function, how feedback becomes a comment,
what the sandboxed kernel's command line shows and hides, and one-line errors
for a folder that is not an nbgrader course.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder import UserError
from autograder.cli import main
from autograder.course import course_root, load_parts
from autograder.grading.boundary import bubblewrap_kernel_argv

pytest.importorskip("nbgrader", reason="needs the nbgrader extra: pip install -e '.[nbgrader]'")
from autograder.notebooks import _build
from autograder.notebooks._autograde import comment_markdown
from autograder.notebooks._kernel_sandbox import kernel_argv, kernel_spec

SPECS = [spec for part in load_parts() for spec in part.functions]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.qualified_name)
def test_a_built_test_cell_names_the_function_it_grades(spec):
    assert _build.checked_function(_build.test_cell_source(spec)) == spec.qualified_name


def test_the_answer_cell_of_a_function_is_its_test_cell_without_test():
    assert _build.answer_cell_id("activations.relu") == "activations-relu"
    assert _build.answer_cell_id("laws.kaplan_loss") == "laws-kaplan-loss"


@pytest.mark.parametrize("source", ["assert relu([1]) == [1]", "check(name)", "check('a.b', 'c')", "def (:",
                                    "other.check('activations.relu')"])
def test_a_cell_without_one_literal_check_call_is_not_ours(source):
    assert _build.checked_function(source) is None


def test_feedback_becomes_a_code_block_longer_than_any_backtick_run_in_it():
    text = "FAIL activations.relu\n  got ```` <script>alert(1)</script>\n"
    markdown = comment_markdown(text)
    assert markdown.startswith("`````text\n") and markdown.endswith("\n`````")
    assert text.rstrip() in markdown


def test_the_kernel_spec_runs_this_module_isolated_from_the_notebook_folder():
    argv = kernel_spec()["argv"]
    assert argv[1:4] == ["-I", "-m", "autograder.notebooks._kernel_sandbox"] and argv[-1] == "{connection_file}"


def test_the_kernel_sees_its_folder_and_connection_file_but_not_the_course(tmp_path):
    (tmp_path / "kernel.json").write_text("{}")
    argv = kernel_argv(tmp_path / "kernel.json", ["--HistoryManager.hist_file=:memory:"], tmp_path)
    pairs = {(argv[index], argv[index + 1], argv[index + 2]) for index in range(len(argv) - 2)}
    assert ("--bind", str(tmp_path), str(tmp_path)) in pairs
    assert ("--ro-bind", str(tmp_path / "kernel.json"), str(tmp_path / "kernel.json")) in pairs
    binds = [argv[index + 1] for index, item in enumerate(argv) if item in ("--bind", "--ro-bind")]
    root = course_root()
    for secret in (root, root / "reference", root / "autograder" / "suites"):
        assert str(secret) not in binds
    assert all(not Path(source).is_relative_to(root / "reference") for source in binds)
    assert argv[-1] == "--HistoryManager.hist_file=:memory:"
    assert "--unshare-net" not in argv and "--disable-userns" in argv


def test_a_package_folder_inside_a_bound_folder_is_covered(tmp_path):
    site = tmp_path / "site-packages"
    (site / "autograder").mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    argv = bubblewrap_kernel_argv(["python"], folder=work, read_only=[(site, str(site))],
                                  hidden=[site / "autograder"], environment={})
    assert argv[argv.index(str(site / "autograder")) - 1] == "--tmpfs"
    assert argv.index(str(site / "autograder")) > argv.index(str(work))   # after the binds it would show through


def test_a_working_folder_that_holds_the_course_is_refused(tmp_path):
    with pytest.raises(UserError, match="the kernel would see"):
        bubblewrap_kernel_argv(["python"], folder=tmp_path, read_only=[], hidden=[tmp_path / "course"],
                               environment={})
    with pytest.raises(UserError, match="the kernel would see"):
        bubblewrap_kernel_argv(["python"], folder=tmp_path / "work", read_only=[(tmp_path, str(tmp_path))],
                               hidden=[tmp_path], environment={})


def test_a_folder_that_is_not_a_course_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["nbgrader", "autograde", str(tmp_path / "missing"), "week5"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"autograder: {tmp_path / 'missing'}: no such course folder"]


def test_a_course_without_a_gradebook_is_one_line_and_gets_none(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.db_url = "
                                                 f"'sqlite:///{tmp_path / 'gradebook.db'}'\n")
    result = CliRunner().invoke(main, ["nbgrader", "autograde", str(tmp_path), "week5"])
    assert result.exit_code == 2
    assert result.output.strip() == (f"autograder: {tmp_path / 'gradebook.db'}: no gradebook here: "
                                     "run `nbgrader generate_assignment` first")
    assert not (tmp_path / "gradebook.db").exists()


def test_a_broken_course_configuration_is_one_line_naming_it(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.root = undefined_name\n")
    result = CliRunner().invoke(main, ["nbgrader", "autograde", str(tmp_path), "week5"])
    assert result.exit_code == 2
    assert result.output.strip() == (f"autograder: {tmp_path / 'nbgrader_config.py'}: cannot load its configuration: "
                                     "NameError: name 'undefined_name' is not defined")


def test_install_kernel_writes_a_spec_that_runs_the_sandboxed_kernel(tmp_path):
    from autograder.grading.boundary import bubblewrap_works

    if not bubblewrap_works():
        pytest.skip("bubblewrap cannot create namespaces on this machine")
    result = CliRunner().invoke(main, ["nbgrader", "install-kernel", "--prefix", str(tmp_path), "--name", "sandboxed"])
    assert result.exit_code == 0, result.output
    spec = json.loads((tmp_path / "share" / "jupyter" / "kernels" / "sandboxed" / "kernel.json").read_text())
    assert spec["argv"] == kernel_spec()["argv"] and spec["language"] == "python"
    assert "c.ExecutePreprocessor.kernel_name = 'sandboxed'" in result.output
