"""Batch grading: one row per student whatever happens, resumable, deterministic, local or on Dask."""
import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import reference_as_submission
from test_hostile import build_case

from autograder.batch import BatchSettings, grade_class
from autograder.batch._discover import discover
from autograder.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "submissions"
PARTS = ["nn", "scaling"]   # enough to exercise everything; keeps the batch quick


def read_gradebook(folder: Path) -> list[dict]:
    with open(folder / "gradebook.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def without_timing(rows: list[dict]) -> list[dict]:
    return [{key: value for key, value in row.items() if key != "grading_seconds"} for row in rows]


@pytest.fixture(scope="module", autouse=True)
def fast_limits(fast_course):
    """Grade against the course copy with 1 s per call (the hostile loop then costs 1 s, not 5)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOGRADER_COURSE", str(fast_course))
        yield fast_course


@pytest.fixture(scope="module")
def classroom(tmp_path_factory, fast_course):
    """A class of seven: right, partly right, broken, stubs, a flat zip, a corrupt zip, a hostile loop."""
    folder = tmp_path_factory.mktemp("classroom")
    reference_as_submission(folder / "ada", PARTS)
    shutil.copytree(EXAMPLES / "partly_right", folder / "bob")
    shutil.copytree(EXAMPLES / "does_not_import", folder / "cy")
    for part in PARTS:
        shutil.copytree(fast_course / "assignments" / part, folder / "dee" / part,
                        ignore=shutil.ignore_patterns("*.md", "*.yaml"))   # untouched stubs
    with zipfile.ZipFile(folder / "eve.zip", "w") as archive:
        for path in (folder / "ada" / "scaling").glob("*.py"):
            archive.write(path, path.name)
    (folder / "fay.zip").write_bytes(b"PK\x03\x04 not really a zip")
    build_case("infinite_loop", folder / "gus")
    return folder


@pytest.fixture(scope="module")
def first_run(classroom, tmp_path_factory):
    output = tmp_path_factory.mktemp("batch-out")
    summary = grade_class(classroom, output, BatchSettings(parts=PARTS, jobs=2, progress=False))
    return summary, output


def test_every_submission_ends_as_a_gradebook_row(first_run):
    summary, output = first_run
    rows = {row["student"]: row for row in read_gradebook(output)}
    assert sorted(rows) == ["ada", "bob", "cy", "dee", "eve", "fay", "gus"]
    assert summary.total == 7 and summary.graded_now == 7 and not summary.interrupted
    assert rows["ada"]["total"] == "55" and rows["ada"]["status"] == "graded"
    assert rows["eve"]["scaling"] == "12" and rows["eve"]["nn"] == "0"
    assert rows["dee"]["total"] == "0"
    assert rows["fay"]["status"] == "error" and "not a readable zip" in rows["fay"]["reason"]
    assert rows["gus"]["status"] == "graded" and 0 < float(rows["gus"]["total"]) < 55
    assert 0 < float(rows["bob"]["total"]) < 55
    for student in rows:
        assert (output / "reports" / f"{student}.html").is_file()
        assert (output / "results" / f"{student}.json").is_file()


def test_dashboard_names_mistakes_and_trouble(first_run):
    _, output = first_run
    page = (output / "index.html").read_text()
    assert "ReLU derivative is 1 at s = 0" in page            # bob's named mistake
    assert "timed out" in page and "reports/gus.html" in page  # gus's infinite loop
    assert "could not be graded" in page                       # fay's corrupt zip
    assert page.count('href="reports/') >= 7


def test_dashboard_lists_similar_submissions_with_a_side_by_side_view(first_run):
    _, output = first_run
    page = (output / "index.html").read_text()
    assert 'href="similarity/scaling/ada~eve.html"' in page   # eve's zip holds ada's scaling files
    assert (output / "similarity" / "scaling" / "ada~eve.html").is_file()
    assert "scaling,ada,eve," in (output / "similarity.csv").read_text()


def test_dashboard_renders_in_a_real_browser(first_run, tmp_path):
    from playwright.sync_api import sync_playwright
    _, output = first_run
    errors, requests = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("request", lambda request: requests.append(request.url))
        page.goto((output / "index.html").as_uri())
        assert page.locator("#students tbody tr").count() == 7
        assert page.locator("#mean").is_visible()
        box = page.locator(".plot svg").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        browser.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests)


def test_rerun_skips_unchanged_submissions_and_regrades_changed_ones(first_run, classroom, tmp_path):
    output = tmp_path / "out"
    shutil.copytree(first_run[1], output)   # leave the shared first run as it was
    before = without_timing(read_gradebook(output))
    summary = grade_class(classroom, output, BatchSettings(parts=PARTS, jobs=2, progress=False))
    assert summary.graded_now == 0 and summary.reused == 7
    assert without_timing(read_gradebook(output)) == before
    laws = classroom / "dee" / "scaling" / "laws.py"
    original = laws.read_text()
    try:
        laws.write_text((classroom / "ada" / "scaling" / "laws.py").read_text())   # dee finishes part scaling
        summary = grade_class(classroom, output, BatchSettings(parts=PARTS, jobs=2, progress=False))
        assert summary.graded_now == 1 and summary.reused == 6
        rows = {row["student"]: row for row in read_gradebook(output)}
        assert rows["dee"]["scaling"] == "12"
    finally:
        laws.write_text(original)


def test_the_same_class_graded_twice_gives_the_same_gradebook(first_run, classroom, tmp_path):
    _, output = first_run
    again = tmp_path / "again"
    grade_class(classroom, again, BatchSettings(parts=PARTS, jobs=1, progress=False))
    assert without_timing(read_gradebook(again)) == without_timing(read_gradebook(output))


def test_interrupted_batch_leaves_a_consistent_gradebook_and_resumes(classroom, tmp_path, fast_course):
    output = tmp_path / "out"
    environment = {**os.environ, "AUTOGRADER_COURSE": str(fast_course)}
    command = [sys.executable, "-m", "autograder", "batch", str(classroom), "-o", str(output), "-j", "1",
               "--part", "nn", "--part", "scaling", "--no-progress"]
    process = subprocess.Popen(command, env=environment, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((output / ".state").glob("*.json"))) < 2:
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGINT)   # what Ctrl-C in a terminal does
    stdout, _ = process.communicate(timeout=60)
    done = len(list((output / ".state").glob("*.json")))
    assert 2 <= done < 7, stdout
    assert process.returncode == 130 and "interrupted" in stdout
    assert len(read_gradebook(output)) == done
    resumed = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0
    assert f"{7 - done} graded now, {done} unchanged" in resumed.stdout
    assert len(read_gradebook(output)) == 7


def test_gradescope_export_and_nbgrader_layouts_are_discovered(tmp_path):
    export = tmp_path / "export"
    (export / "submission_101").mkdir(parents=True)
    (export / "submission_102").mkdir()
    (export / "submission_metadata.yml").write_text(yaml.safe_dump({
        "submission_101": {":submitters": [{":name": "Ada L", ":sid": "s101", ":email": "ada@example.org"}]},
        "submission_102": {":submitters": [{":name": "Bo", ":email": "bo@example.org"}]}}))
    assert [(e.student, e.path.name) for e in discover(export)] == [
        ("bo@example.org", "submission_102"), ("s101", "submission_101")]
    nbgrader = tmp_path / "course" / "submitted"
    (nbgrader / "alice" / "week5").mkdir(parents=True)
    (nbgrader / "bob" / "week5").mkdir(parents=True)
    assert [e.student for e in discover(tmp_path / "course")] == ["alice", "bob"]


def test_a_linked_submission_in_a_gradescope_export_or_nbgrader_tree_is_refused_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    export = tmp_path / "export"
    (export / "submission_101").mkdir(parents=True)
    (export / "submission_102").symlink_to(elsewhere)
    (export / "submission_metadata.yml").write_text(yaml.safe_dump({
        "submission_101": {":submitters": [{":sid": "s101"}]}, "submission_102": {":submitters": [{":sid": "s102"}]}}))
    assert [(e.student, bool(e.refused)) for e in discover(export)] == [("s101", False), ("s102", True)]
    nbgrader = tmp_path / "course" / "submitted"
    (nbgrader / "alice" / "week5").mkdir(parents=True)
    (nbgrader / "bob").symlink_to(elsewhere)
    assert [(e.student, bool(e.refused)) for e in discover(tmp_path / "course")] == [("alice", False), ("bob", True)]


def test_a_folder_without_submissions_is_a_one_line_error(tmp_path):
    run = CliRunner().invoke(main, ["batch", str(tmp_path), "-o", str(tmp_path / "out")])
    assert run.exit_code == 2 and "no submissions found" in run.output


def test_dask_cluster_gives_the_same_gradebook(first_run, classroom, tmp_path, fast_course):
    distributed = pytest.importorskip("distributed")
    _, output = first_run
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  env={"AUTOGRADER_COURSE": str(fast_course)}) as cluster:
        summary = grade_class(classroom, tmp_path / "dask", BatchSettings(parts=PARTS, dask=cluster.scheduler_address,
                                                                          progress=False))
    assert summary.graded_now == 7
    assert without_timing(read_gradebook(tmp_path / "dask")) == without_timing(read_gradebook(output))


def test_quiz_answers_in_submissions_are_graded_into_their_own_column(tmp_path):
    from quiz.conftest import BANK, _right_answers

    from autograder.quiz import build_variant, load_quiz

    variant = build_variant(load_quiz(BANK), "ada")
    classroom = tmp_path / "class"
    reference_as_submission(classroom / "ada", ["scaling"])
    (classroom / "ada" / "answers.yaml").write_text(yaml.safe_dump({"answers": _right_answers(variant)}))
    reference_as_submission(classroom / "bob", ["scaling"])
    grade_class(classroom, tmp_path / "out", BatchSettings(parts=["scaling"], jobs=1, quiz=BANK, progress=False))
    rows = {row["student"]: row for row in read_gradebook(tmp_path / "out")}
    quiz_column = next(column for column in rows["ada"] if column.startswith("quiz:"))
    assert float(rows["ada"][quiz_column]) == variant.points > 0
    assert rows["bob"][quiz_column] == "0" and rows["bob"]["scaling"] == "12"
    assert float(rows["ada"]["total"]) == 12 + variant.points


def test_an_answers_file_naming_another_student_is_graded_on_the_submitters_variant_and_flagged(tmp_path):
    from quiz.conftest import BANK, _right_answers

    from autograder.batch._quiz import quiz_result_for
    from autograder.quiz import build_variant, load_quiz
    from autograder.render.dashboard import render_dashboard

    quiz = load_quiz(BANK)
    bobs = build_variant(quiz, "bob")
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "answers.yaml").write_text(yaml.safe_dump({"student": "bob", "answers": _right_answers(bobs)}))
    result = quiz_result_for(tmp_path / "alice", "alice", str(BANK))
    alices = {prepared.id for prepared in build_variant(quiz, "alice").questions}
    assert result.student == "alice"
    assert {test.function for test in result.tests()} == alices
    assert result.score < bobs.points
    assert result.flags and "'bob'" in result.flags[0]
    assert "names another student" in render_dashboard([result])


def test_an_answers_file_naming_its_submitter_is_not_flagged(tmp_path):
    from quiz.conftest import BANK, _right_answers

    from autograder.batch._quiz import quiz_result_for
    from autograder.quiz import build_variant, load_quiz

    alices = build_variant(load_quiz(BANK), "alice")
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "answers.yaml").write_text(yaml.safe_dump({"student": " Alice", "answers": _right_answers(alices)}))
    result = quiz_result_for(tmp_path / "alice", "alice", str(BANK))
    assert result.score == alices.points and not result.flags


@pytest.mark.parametrize("student", ["", None, ["alice"]])
def test_an_answers_file_whose_student_id_is_unusable_is_still_graded_for_its_submitter(tmp_path, student):
    from quiz.conftest import BANK, _right_answers

    from autograder.batch._quiz import quiz_result_for
    from autograder.quiz import build_variant, load_quiz

    alices = build_variant(load_quiz(BANK), "alice")
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "answers.yaml").write_text(yaml.safe_dump({"student": student, "answers": _right_answers(alices)}))
    result = quiz_result_for(tmp_path / "alice", "alice", str(BANK))
    assert result.error is None and result.score == alices.points


def test_each_submission_draws_its_own_hidden_inputs_unless_a_seed_is_given(tmp_path):
    from autograder.batch._state import BatchState
    from autograder.grading import grade_submission

    classroom = tmp_path / "class"
    for student in ("ada", "bob", "cy"):
        reference_as_submission(classroom / student, ["scaling"])
    with open(classroom / "cy" / "scaling" / "laws.py", "a") as laws:
        laws.write("# edited\n")

    def seeds(output: Path, seed=None) -> dict:
        grade_class(classroom, output, BatchSettings(parts=["scaling"], jobs=2, seed=seed, progress=False))
        state = BatchState(output)
        return {student: state.record(student)["result"]["parts"][0]["seed"] for student in ("ada", "bob", "cy")}

    derived = seeds(tmp_path / "out")
    assert derived["ada"] == derived["bob"] != derived["cy"]   # the same files, the same inputs; an edit, new ones
    assert derived["ada"] == grade_submission(classroom / "ada", ["scaling"]).part("scaling").seed
    assert set(seeds(tmp_path / "given", seed=7).values()) == {7}


def test_a_batch_of_the_examples_and_the_whole_hostile_corpus_loses_nothing(tmp_path):
    from test_hostile import CASES
    classroom = tmp_path / "class"
    for example in EXAMPLES.iterdir():
        shutil.copytree(example, classroom / example.name)
    for case in CASES:
        build_case(case, classroom / f"hostile-{case}")
    summary = grade_class(classroom, tmp_path / "out", BatchSettings(parts=["nn"], jobs=2, progress=False))
    rows = {row["student"]: row for row in read_gradebook(tmp_path / "out")}
    assert summary.total == len(rows) == 3 + len(CASES)
    assert all(row["status"] == "graded" for row in rows.values()), [r for r in rows.values() if r["status"] != "graded"]
    assert rows["does_not_import"]["nn"] == "0" and float(rows["partly_right"]["nn"]) > 0
    for case in CASES:
        assert (tmp_path / "out" / "reports" / f"hostile-{case}.html").is_file()


def test_during_a_batch_the_gradebook_is_rewritten_at_most_every_few_seconds(tmp_path, monkeypatch):
    """Rewriting every row after every job is quadratic in the class; the stored results are the record meanwhile."""
    from autograder.batch import _runner

    now = [1000.0]
    monkeypatch.setattr(_runner.time, "monotonic", lambda: now[0])
    writes = []
    monkeypatch.setattr(_runner, "write_gradebook", lambda results, path, folders: writes.append(len(results)))
    outputs = _runner._Outputs(tmp_path / "out")
    outputs.results = {"ada": None, "bo": None}
    outputs.write_gradebook_soon()                 # never written: now
    now[0] += _runner.GRADEBOOK_SECONDS / 2
    outputs.write_gradebook_soon()                 # too soon: skipped
    now[0] += _runner.GRADEBOOK_SECONDS
    outputs.write_gradebook_soon()                 # due again
    outputs.write_gradebook()                      # the end of the batch always writes
    assert writes == [2, 2, 2]


def test_a_failed_gradings_row_has_the_same_maximum_and_quiz_cell_as_the_others(tmp_path):
    from quiz.conftest import BANK

    classroom = tmp_path / "class"
    reference_as_submission(classroom / "ada", ["scaling"])
    (classroom / "fay.zip").write_bytes(b"PK\x03\x04 not really a zip")
    grade_class(classroom, tmp_path / "out", BatchSettings(parts=["scaling"], jobs=1, quiz=BANK, progress=False))
    rows = {row["student"]: row for row in read_gradebook(tmp_path / "out")}
    quiz_column = next(column for column in rows["ada"] if column.startswith("quiz:"))
    assert rows["fay"]["status"] == "error"
    assert rows["fay"]["max_points"] == rows["ada"]["max_points"]
    assert rows["fay"][quiz_column] == "0"


def test_a_stopped_jobs_row_keeps_the_quiz_column(tmp_path):
    from quiz.conftest import BANK

    from autograder.batch._runner import _stopped_job
    from autograder.quiz import build_variant, load_quiz
    from autograder.results import GradingResult

    result = GradingResult.from_dict(_stopped_job(tmp_path / "ada", "ada", ["scaling"], "it took too long",
                                                  str(BANK))["result"])
    quiz = next(part for part in result.parts if part.name.startswith("quiz:"))
    assert quiz.max_points == build_variant(load_quiz(BANK), "ada").points and not quiz.submitted
    assert result.error == "it took too long"


def test_a_linked_submission_is_not_followed_but_is_an_error_row_saying_why(tmp_path):
    classroom = tmp_path / "class"
    reference_as_submission(classroom / "ada", ["scaling"])
    (classroom / "bob").symlink_to(classroom / "ada")
    (classroom / "cy.zip").symlink_to(tmp_path / "nowhere.zip")   # a link to nothing is still someone's
    summary = grade_class(classroom, tmp_path / "out", BatchSettings(parts=["scaling"], jobs=1, progress=False))
    rows = {row["student"]: row for row in read_gradebook(tmp_path / "out")}
    assert (summary.total, summary.errors, sorted(rows)) == (3, 2, ["ada", "bob", "cy"])
    for student in ("bob", "cy"):
        assert rows[student]["status"] == "error" and "symbolic link" in rows[student]["reason"]
        assert rows[student]["max_points"] == rows["ada"]["max_points"] and rows[student]["scaling"] == "0"
        assert (tmp_path / "out" / "reports" / f"{student}.html").is_file()
    assert rows["ada"]["status"] == "graded"


def test_an_earlier_batchs_output_folder_among_the_submissions_is_skipped_and_named(tmp_path):
    classroom = tmp_path / "class"
    reference_as_submission(classroom / "ada", ["scaling"])
    earlier = classroom / "out"
    (earlier / ".state").mkdir(parents=True)
    (earlier / "gradebook.csv").write_text("student,total\n")
    summary = grade_class(classroom, tmp_path / "out2", BatchSettings(parts=["scaling"], jobs=1, progress=False))
    assert [row["student"] for row in read_gradebook(tmp_path / "out2")] == ["ada"]
    assert summary.total == 1
    assert len(summary.skipped) == 1 and "out" in summary.skipped[0] and "output" in summary.skipped[0]


def test_an_archive_other_than_a_zip_is_a_row_saying_to_hand_in_a_zip(tmp_path):
    (tmp_path / "ada").mkdir()
    (tmp_path / "bob.tar.gz").write_bytes(b"\x1f\x8b")
    (tmp_path / "notes.txt").write_text("not a submission")
    entries = {entry.student: entry for entry in discover(tmp_path)}
    assert sorted(entries) == ["ada", "bob"]
    assert not entries["ada"].refused and ".tar.gz" in entries["bob"].refused and ".zip" in entries["bob"].refused
