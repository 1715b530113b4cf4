"""`autograder gradebook export`: a batch's stored results as Canvas's and Moodle's gradebook import CSV.

Results are stored the way `autograder batch` stores them (BatchState.save of
GradingResult.to_dict()); the CSV is read back with Python's csv module and
checked against the column layouts Canvas's gradebook import and Moodle's CSV
grade import document.
"""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml
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


# ---------------------------------------------------------------- rosters: matching, duplicates, identifiers


def _store(output: Path, folder: str, student: str, points: float) -> None:
    """One result stored the way the batch stores it, with the submission's name as the batch found it."""
    state = BatchState(output)
    result = _result(student, {"nn": (points, 40)})
    result.submission = f"class/{folder}"
    state.save(student, "f", result.to_dict())
    state.save_ids({folder: student})


@pytest.fixture
def named_output(tmp_path) -> Path:
    """Results whose ids were cleaned from the names found: `José García.zip`, `bob smith`, `carol`, `carol.zip`."""
    output = tmp_path / "named"
    for folder, student, points in (("José García.zip", "Jos_Garc_a", 40), ("bob smith", "bob_smith", 12),
                                    ("carol", "carol", 30), ("carol.zip", "carol-2", 20)):
        _store(output, folder, student, points)
    return output


def _refused(output: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["gradebook", "export", str(output), *args])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    [line] = result.output.strip().splitlines()
    return line


def test_a_roster_names_submissions_by_the_folder_or_file_name_the_batch_found(named_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "SIS Login ID"], ["José García.zip", "jgarcia"],
                                ["bob smith", "bsmith"], ["carol", "carol"], ["carol.zip", "carol2"]])
    rows, output = _export(named_output, "--to", "canvas", "--roster", str(roster))
    assert {row[3]: row[5] for row in rows[2:]} == {"jgarcia": "40", "bsmith": "12", "carol": "30", "carol2": "20"}
    assert "not in the roster" not in output and "without a stored result" not in output


def test_a_roster_may_name_submissions_by_the_batch_id_too(named_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "SIS Login ID"], ["Jos_Garc_a", "jgarcia"], ["carol-2", "carol2"]])
    rows, _ = _export(named_output, "--to", "canvas", "--roster", str(roster))
    assert {row[3]: row[5] for row in rows[2:]}.items() >= {"jgarcia": "40", "carol2": "20"}.items()


def test_a_name_that_is_one_submissions_folder_and_anothers_id_means_the_folder(tmp_path):
    output = tmp_path / "out"
    _store(output, "carol!", "carol", 10)        # an earlier run gave `carol!` the id `carol`
    _store(output, "carol", "carol-2", 20)
    roster = _roster(tmp_path, [["submission", "SIS Login ID"], ["carol", "c-login"]])
    rows, _ = _export(output, "--to", "canvas", "--roster", str(roster))
    assert [row[5] for row in rows[2:] if row[3] == "c-login"] == ["20"]


def test_two_roster_rows_with_the_same_submission_are_a_located_error(named_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "SIS Login ID"], ["carol", "c1"], ["bob smith", "b"], ["carol", "c2"]])
    assert _refused(named_output, "--to", "canvas", "--roster", str(roster)) == (
        f"autograder: {roster}:4: submission 'carol' is on line 2 too: one row per submission")


def test_two_roster_rows_naming_one_submission_differently_are_a_located_error(named_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "SIS Login ID"], ["bob smith", "b1"], ["bob_smith", "b2"]])
    line = _refused(named_output, "--to", "canvas", "--roster", str(roster))
    assert line.startswith(f"autograder: {roster}:3: 'bob_smith' is the submission of line 2 ('bob smith')")


def test_a_roster_without_any_of_the_lms_id_columns_is_a_located_error(named_output, tmp_path):
    roster = _roster(tmp_path, [["email", "username", "idnumber", "submission"], ["c@x.org", "carol", "42", "carol"]])
    line = _refused(named_output, "--to", "canvas", "--roster", str(roster))
    assert line.startswith(f"autograder: {roster}:1: the roster has no column Canvas matches students by")


def test_a_matched_roster_row_without_an_identifier_is_a_located_error(named_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "Student", "SIS Login ID", "Section"], ["carol", "Carol", "carol", "A"],
                                ["bob smith", "", "", "A"]])
    line = _refused(named_output, "--to", "canvas", "--roster", str(roster))
    assert line.startswith(f"autograder: {roster}:3: no Student, ID, SIS User ID or SIS Login ID for 'bob smith'")
    roster = _roster(tmp_path, [["submission", "email", "username"], ["carol", "", ""]])
    line = _refused(named_output, "--to", "moodle", "--roster", str(roster))
    assert line.startswith(f"autograder: {roster}:2: no email, username or idnumber for 'carol'")


def test_a_roster_with_a_column_named_twice_is_a_located_error(named_output, tmp_path):
    roster = _roster(tmp_path, [["Student", "Student", "submission"], ["A", "B", "carol"]])
    assert _refused(named_output, "--to", "canvas", "--roster", str(roster)) == (
        f"autograder: {roster}:1: column 'Student' is named twice")


def test_canvas_points_possible_muted_and_blank_roster_rows_are_not_students(named_output, tmp_path):
    roster = _roster(tmp_path, [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "submission"],
                                ["    Points Possible", "", "", "", "", ""],
                                ["", "", "", "", "", "Muted"], ["", "", "", "", "", ""],
                                ["Carol", "105", "s105", "carol", "A", "carol"]])
    rows, output = _export(named_output, "--to", "canvas", "--roster", str(roster))
    assert "without a stored result" not in output
    assert [row[1] for row in rows[2:] if row[0] == "Carol"] == ["105"]


def test_a_roster_that_is_not_utf8_is_an_error_naming_its_line(named_output, tmp_path):
    roster = tmp_path / "latin1.csv"
    roster.write_bytes("submission,Student\ncarol,Carol\nbob smith,Bj\xf6rn\n".encode("latin-1"))
    line = _refused(named_output, "--to", "canvas", "--roster", str(roster))
    assert line.startswith(f"autograder: {roster}:3: not UTF-8 text")


# ---------------------------------------------------------------- the students of the batch's last gradebook


@pytest.fixture
def course(fast_course, monkeypatch) -> Path:
    monkeypatch.setenv("AUTOGRADER_COURSE", str(fast_course))
    return fast_course


def _grade(classroom: Path, output: Path, part: str) -> None:
    """Grade `part` of the class into output, as `autograder batch --part PART` does."""
    from autograder.batch import BatchSettings, grade_class
    grade_class(classroom, output, BatchSettings(parts=[part], jobs=1, progress=False))


def test_the_export_lists_the_students_of_the_last_batchs_gradebook(course, tmp_path):
    from conftest import reference_as_submission

    classroom, output = tmp_path / "class", tmp_path / "out"
    reference_as_submission(classroom / "ada", ["scaling"])
    reference_as_submission(classroom / "bob smith", ["scaling"])
    _grade(classroom, output, "scaling")
    shutil.rmtree(classroom / "bob smith")                 # bob left: his stored result stays in OUT/.state
    _grade(classroom, output, "scaling")
    with open(output / "gradebook.csv", newline="", encoding="utf-8") as handle:
        assert [row["student"] for row in csv.DictReader(handle)] == ["ada"]
    rows, _ = _export(output, "--to", "moodle")
    assert [row[1] for row in rows[1:]] == ["ada"]


def _gradescope_export(folder: Path, submissions: dict[str, list[dict]]) -> Path:
    from conftest import reference_as_submission

    metadata = {}
    for key, submitters in submissions.items():
        reference_as_submission(folder / key, ["scaling"])
        metadata[key] = {":submitters": [{f":{name}": value for name, value in person.items()} for person in submitters]}
    (folder / "submission_metadata.yml").write_text(yaml.safe_dump(metadata), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def group_output(fast_course, tmp_path_factory) -> Path:
    """A Gradescope export graded once: Bob (102) and Eve (105) handed in together, Ada (101) alone."""
    folder = tmp_path_factory.mktemp("groups")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOGRADER_COURSE", str(fast_course))
        export = _gradescope_export(folder / "gs", {
            "submission_1": [{"name": "Bob", "sid": "102", "email": "bob@uni"},
                             {"name": "Eve", "sid": "105", "email": "eve@uni"}],
            "submission_2": [{"name": "Ada", "sid": "101", "email": "ada@uni"}]})
        _grade(export, folder / "out", "scaling")
    return folder / "out"


def test_each_member_of_a_gradescope_group_gets_a_row_with_the_groups_grade(group_output, tmp_path):
    rows, _ = _export(group_output, "--to", "canvas")
    assert sorted((row[3], row[5]) for row in rows[2:]) == [("101", "12"), ("102", "12"), ("105", "12")]
    roster = _roster(tmp_path, [["email", "username"], ["bob@uni", "bob"], ["eve@uni", "eve"], ["ada@uni", "ada"]])
    rows, output = _export(group_output, "--to", "moodle", "--roster", str(roster))
    assert sorted(row[:2] for row in rows[1:]) == [["ada@uni", "ada"], ["bob@uni", "bob"], ["eve@uni", "eve"]]
    assert "not in the roster" not in output and "without a stored result" not in output


def test_a_roster_row_naming_a_group_submission_is_a_located_error(group_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "SIS Login ID"], ["ada@uni", "ada"], ["submission_1", "bob"]])
    line = _refused(group_output, "--to", "canvas", "--roster", str(roster))
    assert line.startswith(f"autograder: {roster}:3: 'submission_1' is a group submission of 102, 105")


def test_a_broken_list_of_gradebook_students_is_a_located_error(group_output, tmp_path):
    output = tmp_path / "out"
    shutil.copytree(group_output, output)
    listed = output / ".state" / "gradebook.ids"
    listed.write_text('{"students": {"../../etc/passwd": {"folder": "", "members": []}}}')
    assert _refused(output, "--to", "canvas").startswith(f"autograder: {listed}: not the batch's list")


def test_a_student_in_two_gradescope_submissions_is_an_error_naming_both(course, tmp_path):
    export = _gradescope_export(tmp_path / "gs", {
        "submission_1": [{"name": "Bob", "sid": "102"}, {"name": "Eve", "sid": "105"}],
        "submission_2": [{"name": "Bob", "sid": "102"}]})
    _grade(export, tmp_path / "out", "scaling")
    line = _refused(tmp_path / "out", "--to", "canvas")
    assert "102 is a member of two submissions (submission_1 and submission_2)" in line


def test_a_file_submission_may_be_named_without_its_suffix_unless_a_folder_has_that_name(named_output, tmp_path):
    roster = _roster(tmp_path, [["submission", "SIS Login ID"], ["José García", "jgarcia"], ["carol", "carol"]])
    rows, _ = _export(named_output, "--to", "canvas", "--roster", str(roster))
    assert {row[3]: row[5] for row in rows[2:]}.items() >= {"jgarcia": "40", "carol": "30", "carol-2": "20"}.items()


def test_a_roster_saved_with_semicolons_is_read_as_canvas_reads_it(named_output, tmp_path):
    roster = tmp_path / "semicolon.csv"
    roster.write_text("Student;ID;SIS User ID;SIS Login ID;Section;submission\nCarol;105;s105;carol;A;carol\n")
    rows, _ = _export(named_output, "--to", "canvas", "--roster", str(roster))
    assert [row[:5] for row in rows[2:] if row[0] == "Carol"] == [["Carol", "105", "s105", "carol", "A"]]
