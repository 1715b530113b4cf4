"""Choosing parts: a part named twice is graded and counted once, in every command and in the API."""
import csv
import json

from click.testing import CliRunner
from conftest import reference_as_submission

from autograder.cli import main
from autograder.course import load_parts
from autograder.grading import grade_submission

SCALING_POINTS = 12


def test_load_parts_names_a_repeated_part_once():
    assert [part.name for part in load_parts(["scaling", "nn", "scaling", "nn"])] == ["scaling", "nn"]


def test_grade_submission_counts_a_repeated_part_once(tmp_path):
    result = grade_submission(reference_as_submission(tmp_path, ["scaling"]), ["scaling", "scaling"])
    assert [part.name for part in result.parts] == ["scaling"]
    assert result.score == result.max_score == SCALING_POINTS


def test_grade_with_a_repeated_part_counts_its_points_once(tmp_path):
    submission = reference_as_submission(tmp_path, ["scaling"])
    result = CliRunner().invoke(main, ["grade", str(submission), "--part", "scaling", "--part", "scaling",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    graded = json.loads(result.output)
    assert graded["score"] == graded["max_score"] == SCALING_POINTS


def test_check_with_a_repeated_part_counts_its_points_once(tmp_path):
    submission = reference_as_submission(tmp_path, ["scaling"])
    once = CliRunner().invoke(main, ["check", str(submission), "--part", "scaling"])
    twice = CliRunner().invoke(main, ["check", str(submission), "--part", "scaling", "--part", "scaling"])
    assert once.exit_code == twice.exit_code == 0, twice.output
    assert twice.output == once.output


def test_batch_with_a_repeated_part_counts_its_points_once(tmp_path, fast_course, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(fast_course))
    reference_as_submission(tmp_path / "class" / "ada", ["scaling"])
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "class"), "-o", str(tmp_path / "out"), "-j", "1",
                                       "--part", "scaling", "--part", "scaling"])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "out" / "gradebook.csv", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert float(row["scaling"]) == SCALING_POINTS and float(row["total"]) == SCALING_POINTS
