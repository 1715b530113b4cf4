"""`batch --part` into an OUT that already holds other parts: those columns stay, never silently dropped."""
import csv
import shutil

import pytest
from conftest import reference_as_submission

from autograder.batch import BatchSettings, grade_class
from autograder.batch._merge import merge


def read_gradebook(folder):
    with open(folder / "gradebook.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["student"]: row for row in rows}


@pytest.fixture(scope="module", autouse=True)
def fast_limits(fast_course):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOGRADER_COURSE", str(fast_course))
        yield fast_course


def make_classroom(folder, fast_course):
    """ada and bo: the reference's scaling, and nn's untouched stubs."""
    for student in ("ada", "bo"):
        reference_as_submission(folder / student, ["scaling"])
        shutil.copytree(fast_course / "assignments" / "nn", folder / student / "nn",
                        ignore=shutil.ignore_patterns("*.md", "*.yaml"))
    return folder


def grade(classroom, output, parts):
    return grade_class(classroom, output, BatchSettings(parts=parts, jobs=2, progress=False))


@pytest.fixture(scope="module")
def merged(tmp_path_factory, fast_course):
    """A class graded with --part scaling, then with --part nn into the same OUT."""
    root = tmp_path_factory.mktemp("merged")
    classroom, output = make_classroom(root / "classroom", fast_course), root / "out"
    grade(classroom, output, ["scaling"])
    grade(classroom, output, ["nn"])
    return classroom, output


def test_grading_another_part_into_the_same_out_keeps_the_first_parts_columns(merged):
    _, output = merged
    rows = read_gradebook(output)
    assert {"nn", "scaling"} <= set(next(iter(rows.values())))
    assert rows["ada"]["scaling"] == "12" and rows["ada"]["nn"] == "0" and rows["ada"]["total"] == "12"
    assert "scaling kept from the earlier grading" in (output / "reports" / "ada.html").read_text()


def test_running_the_same_part_again_reuses_the_merged_rows(merged, tmp_path):
    classroom, output = merged
    shutil.copytree(output, tmp_path / "out")
    again = grade(classroom, tmp_path / "out", ["nn"])
    assert again.graded_now == 0 and again.reused == 2
    assert read_gradebook(tmp_path / "out")["ada"]["scaling"] == "12"


def test_a_changed_submission_is_graded_on_every_part_out_holds(merged, tmp_path):
    classroom, output = merged
    shutil.copytree(classroom, tmp_path / "classroom")
    shutil.copytree(output, tmp_path / "out")
    laws = tmp_path / "classroom" / "bo" / "scaling" / "laws.py"
    laws.write_text(laws.read_text() + "\n# changed after the first run\n")
    grade(tmp_path / "classroom", tmp_path / "out", ["scaling"])
    rows = read_gradebook(tmp_path / "out")
    assert rows["bo"]["scaling"] == "12" and rows["bo"]["nn"] == "0" and rows["ada"]["nn"] == "0"
    assert "kept from the earlier grading" not in (tmp_path / "out" / "reports" / "bo.html").read_text()
    assert "nn kept from the earlier grading" in (tmp_path / "out" / "reports" / "ada.html").read_text()


def test_a_fresh_error_is_not_merged_with_stored_parts():
    stored = {"student": "ada", "submission": "ada", "parts": [{"name": "scaling", "title": "", "max_points": 12}]}
    fresh = {"student": "ada", "submission": "ada", "parts": [], "error": "not a readable zip file"}
    assert merge(stored, fresh) == fresh
