"""The command line: output of the simple commands, and one-line errors."""
from click.testing import CliRunner

from autograder.cli import main


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
