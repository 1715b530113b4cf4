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
