"""`autograder gradebook export`: a batch's stored results as Canvas's and Moodle's gradebook import CSV.

Results are stored the way `autograder batch` stores them (BatchState.save of
GradingResult.to_dict()); the CSV is read back with Python's csv module and
checked against the column layouts Canvas's gradebook import and Moodle's CSV
grade import document.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.batch._lms import neutralise
from autograder.batch._state import BatchState
from autograder.cli import main
from autograder.results import FAILED, HIDDEN, PASSED, GradingResult, PartResult
from autograder.results import TestResult as Check

CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def _result(student: str, points: dict[str, tuple[float, float]], error: str | None = None) -> GradingResult:
    parts = []
    for name, (score, max_points) in points.items():
        test = Check(id=f"{name}::t", title="t", part=name, function="f", kind=HIDDEN, score=score,
                          max_score=max_points, status=PASSED if score == max_points else FAILED)
        parts.append(PartResult(name=name, title=name.title(), max_points=max_points, tests=[test]))
    return GradingResult(student=student, submission=f"/submissions/{student}", parts=parts, error=error)


@pytest.fixture
def batch_output(tmp_path) -> Path:
    """A batch output folder with three stored results: two graded, one that failed."""
    output = tmp_path / "out"
    state = BatchState(output)
    state.save("ada", "f1", _result("ada", {"nn": (40, 40), "scaling": (19.5, 20), "quiz:week5": (50, 61)}).to_dict())
    state.save("bob", "f2", _result("bob", {"nn": (12.25, 40), "scaling": (0, 20), "quiz:week5": (30, 61)}).to_dict())
    state.save("cy", "f3", _result("cy", {"nn": (0, 40), "scaling": (0, 20)}, error="does not import").to_dict())
    (output / "gradebook.csv").write_text("student,total\nada,999\n")     # never read: the results are
    return output


def _export(output: Path, *args: str) -> tuple[list[list[str]], str]:
    target = output / "lms.csv"
    result = CliRunner().invoke(main, ["gradebook", "export", str(output), "-o", str(target), *args])
    assert result.exit_code == 0, result.output
    with open(target, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle)), result.output


def _roster(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "roster.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_canvas_gets_its_own_columns_a_points_row_and_each_total(batch_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
                                ["ada", "Lovelace, Ada", "101", "s1", "ada@uni", "A"],
                                ["bob", "Smith, Bob", "102", "s2", "bob@uni", "B"],
                                ["cy", "Young, Cy", "103", "s3", "cy@uni", "A"]])
    rows, _ = _export(batch_output, "--to", "canvas", "--roster", str(roster))
    assert rows[0] == CANVAS_HEADER + ["Week 5 autograder"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "121"
    assert rows[2:] == [["Lovelace, Ada", "101", "s1", "ada@uni", "A", "109.5"],
                        ["Smith, Bob", "102", "s2", "bob@uni", "B", "42.25"],
                        ["Young, Cy", "103", "s3", "cy@uni", "A", "0"]]


def test_moodle_gets_identifier_columns_grades_and_feedback(batch_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "email", "idnumber"], ["ada", "ada@uni.edu", "s1"],
                                ["bob", "bob@uni.edu", "s2"], ["cy", "cy@uni.edu", "s3"]])
    rows, _ = _export(batch_output, "--to", "moodle", "--roster", str(roster))
    assert rows[0] == ["email", "username", "idnumber", "Week 5 autograder", "feedback"]
    assert rows[1] == ["ada@uni.edu", "", "s1", "109.5", "109.5 of 121 points"]
    assert rows[3][:4] == ["cy@uni.edu", "", "s3", "0"] and rows[3][4].startswith("not graded: does not import")


def test_one_column_per_part_and_quiz_with_by_part(batch_output):
    rows, _ = _export(batch_output, "--to", "canvas", "--by-part", "--assignment", "W5")
    assert rows[0][5:] == ["W5: Nn", "W5: Scaling", "W5: Quiz:Week5"]
    assert rows[1][5:] == ["40", "20", "61"]
    assert rows[2][5:] == ["40", "19.5", "50"] and rows[4][5:] == ["0", "0", "0"]


def test_an_existing_canvas_assignment_is_named_with_its_id(batch_output):
    rows, _ = _export(batch_output, "--to", "canvas", "--assignment", "Week 5 (4711)")
    assert rows[0][-1] == "Week 5 (4711)"


def test_without_a_roster_the_batch_id_is_the_login(batch_output):
    rows, output = _export(batch_output, "--to", "canvas")
    assert [row[3] for row in rows[2:]] == ["ada", "bob", "cy"]
    assert "no roster: each student's batch id is written as SIS Login ID" in output
    rows, _ = _export(batch_output, "--to", "moodle")
    assert [row[1] for row in rows[1:]] == ["ada", "bob", "cy"]


def test_a_roster_without_a_submission_column_matches_any_lms_id(batch_output, tmp_path):
    roster = _roster(tmp_path, [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Old grade"],
                                ["Lovelace, Ada", "101", "s1", "ADA", "A", "3"],
                                ["Smith, Bob", "102", "bob", "bob@uni", "B", "1"]])
    rows, output = _export(batch_output, "--to", "canvas", "--roster", str(roster))
    assert [row[:2] for row in rows[2:]] == [["Lovelace, Ada", "101"], ["Smith, Bob", "102"], ["cy", ""]]
    assert "1 not in the roster" in output and ": cy" in output


def test_unknown_and_missing_students_are_listed_and_never_dropped(batch_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "SIS Login ID"], ["ada", "ada@uni"], ["zed", "zed@uni"]])
    rows, output = _export(batch_output, "--to", "canvas", "--roster", str(roster))
    assert [row[3] for row in rows[2:]] == ["ada@uni", "bob", "cy"]            # every result keeps its row
    assert "2 not in the roster (kept with the batch's id; the LMS lists them as unknown): bob, cy" in output
    assert "1 in the roster without a stored result (no row): zed" in output
    assert "1 grading failed (0 points; see their reports): cy" in output


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(batch_output, tmp_path, dangerous):
    BatchState(batch_output).save("danger", "f4", _result(dangerous, {"nn": (1, 40)}).to_dict())
    rows, _ = _export(batch_output, "--to", "canvas")
    [row] = [row for row in rows[2:] if row[0].endswith(dangerous)]
    assert row[0] == row[3] == "'" + dangerous
    if dangerous.strip() == dangerous:                     # the roster trims its cells, so no tab or CR is left there
        roster = _roster(tmp_path, [["submission", "Student", "Section"], ["ada", dangerous, dangerous]])
        rows, _ = _export(batch_output, "--to", "canvas", "--roster", str(roster))
        [ada] = [row for row in rows[2:] if row[-1] == "109.5"]
        assert ada[0] == ada[4] == "'" + dangerous
    assert neutralise("Lovelace, Ada") == "Lovelace, Ada"


def test_a_broken_stored_result_is_a_one_line_located_error(batch_output):
    broken = batch_output / ".state" / "bob.json"
    broken.write_text('{"fingerprint": "f2",\n "result": {"student": "bob", "parts": [}\n')
    result = CliRunner().invoke(main, ["gradebook", "export", str(batch_output), "--to", "canvas"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [f"autograder: {broken}:2:41: not JSON: Expecting value"]


@pytest.mark.parametrize("content, message", [
    ('["not", "a", "mapping"]', "not a stored result"),
    ('{"fingerprint": "x", "result": {"student": "bob", "unknown_key": 1}}', "not a stored grading result"),
    ('{"fingerprint": "x", "result": {"student": "bob", "submission": "b", "parts": [{"name": "nn", "title": "nn",'
     ' "max_points": "lots", "tests": []}]}}', "has points that are not numbers"),
    ("[" * 100_000, "nested too deeply"),
])
def test_stored_results_of_the_wrong_shape_are_located_errors(batch_output, content, message):
    broken = batch_output / ".state" / "bob.json"
    broken.write_text(content)
    result = CliRunner().invoke(main, ["gradebook", "export", str(batch_output), "--to", "moodle"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"autograder: {broken}") and message in line


def test_a_folder_that_is_not_a_batch_output_is_a_user_error(tmp_path):
    result = CliRunner().invoke(main, ["gradebook", "export", str(tmp_path), "--to", "canvas"])
    assert result.exit_code == 2 and ".state/ is missing" in result.output


def test_a_roster_without_an_id_column_is_a_located_error(batch_output, tmp_path):
    roster = _roster(tmp_path, [["name", "grade"], ["ada", "1"]])
    result = CliRunner().invoke(main, ["gradebook", "export", str(batch_output), "--to", "moodle",
                                       "--roster", str(roster)])
    assert result.exit_code == 2
    assert f"{roster}:1: the roster needs a 'submission' column or one of 'email', 'username', 'idnumber'" in \
        result.output
