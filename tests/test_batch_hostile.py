"""A batch always finishes with a row per submission: per-job limits, and a class of every hostile input at once."""
from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

import pytest
from conftest import NoProgressBar, make_fast_course, reference_as_submission
from hostile_inputs import (
    COLLIDING_NAMES,
    FORMULA_NAMES,
    answers_link_to_kmsg,
    billion_laughs,
    fifo_in_folder,
    magics_notebook,
    nested_folders,
    remove_nested_folders,
    sparse_file,
    sparse_notebooks,
    undecodable_name,
    zip_of_big_notebooks,
)

from autograder.batch import BatchSettings, grade_class


def read_gradebook(folder: Path) -> dict[str, dict]:
    with open(folder / "gradebook.csv", newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def course_with(root: Path, **batch: float) -> Path:
    """The fast course with other `batch:` limits in its grading.yaml."""
    course = make_fast_course(root)
    settings = course / "assignments" / "grading.yaml"
    text = settings.read_text()
    for key, value in batch.items():
        text = "\n".join(f"  {key}: {value}" if line.strip().startswith(f"{key}:") else line
                         for line in text.splitlines()) + "\n"
    settings.write_text(text)
    return course


def test_a_job_over_its_wall_time_becomes_an_error_row_and_the_batch_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course_with(tmp_path / "course", job_seconds=6)))
    classroom = tmp_path / "class"
    reference_as_submission(classroom / "sleepy", ["nn"])
    with open(classroom / "sleepy" / "nn" / "activations.py", "a") as handle:   # every call just under 1 s
        handle.write("\n\ndef relu(s):\n    import time\n    time.sleep(0.9)\n    return np.maximum(s, 0.0)\n")
    (classroom / "quick").mkdir()
    (classroom / "quick" / "notes.py").write_text("x = 1\n")
    started = time.monotonic()
    grade_class(classroom, tmp_path / "out", BatchSettings(parts=["nn"], jobs=2, progress=False))
    rows = read_gradebook(tmp_path / "out")
    assert rows["sleepy"]["status"] == "error" and "longer than 6 s" in rows["sleepy"]["reason"]
    assert rows["quick"]["status"] == "graded"
    assert time.monotonic() - started < 30


def test_a_job_over_its_memory_becomes_an_error_row_and_the_batch_goes_on(tmp_path, monkeypatch):
    from batch_jobs import hog_memory_or_finish

    from autograder.batch._discover import discover
    from autograder.batch._runner import _run_locally

    monkeypatch.setenv("AUTOGRADER_COURSE", str(course_with(tmp_path / "course", job_memory_mib=512)))
    for student in ("ada", "hog", "zoe"):
        (tmp_path / "class" / student).mkdir(parents=True)
    rows = {}
    _run_locally([(entry, "") for entry in discover(tmp_path / "class")], BatchSettings(parts=["nn"], jobs=2), {},
                 lambda entry, _, job: rows.update({entry.student: job["result"]}), NoProgressBar(),
                 job_function=hog_memory_or_finish)
    assert sorted(rows) == ["ada", "hog", "zoe"]
    assert "more than 512 MiB" in rows["hog"]["error"]
    assert rows["ada"]["error"] == rows["zoe"]["error"] == "finished"


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """TMPDIR of this test alone (tempfile caches the folder it found first, so that is reset too)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return folder


def test_a_stopped_job_leaves_no_scratch_copy_behind(tmp_path, monkeypatch, private_tmp):
    """A job that dies cannot remove its scratch copy of the student's files; the pool's folder goes with it."""
    from batch_jobs import leave_scratch_and_die

    from autograder.batch._discover import discover
    from autograder.batch._runner import _run_locally

    monkeypatch.setenv("AUTOGRADER_COURSE", str(course_with(tmp_path / "course")))
    for student in ("ada", "dies", "zoe"):
        (tmp_path / "class" / student).mkdir(parents=True)
    rows = {}
    _run_locally([(entry, "") for entry in discover(tmp_path / "class")], BatchSettings(parts=["nn"], jobs=2), {},
                 lambda entry, _, job: rows.update({entry.student: job["result"]["error"]}), NoProgressBar(),
                 job_function=leave_scratch_and_die)
    assert "died" in rows["dies"]
    finished, used = rows["ada"].split("|")
    assert finished == "finished" and Path(used).parent == private_tmp and Path(used).name.startswith("autograder-jobs-")
    assert list(private_tmp.rglob("autograder-*")) == []   # (multiprocessing's own pymp-* lives until this process ends)


def test_a_dask_job_stopped_leaves_no_scratch_copy_behind(tmp_path, monkeypatch, private_tmp):
    """On Dask, each job's limited process has a temporary folder of its own, removed when it ends."""
    from autograder.batch._limited_job import run_within_limits

    monkeypatch.setenv("AUTOGRADER_COURSE", str(course_with(tmp_path / "course")))
    reason = run_within_limits(str(tmp_path / "dies"), "dies", ["nn"], 1, job_function="batch_jobs:leave_scratch_and_die")
    assert isinstance(reason, str) and "died" in reason
    job = run_within_limits(str(tmp_path / "ada"), "ada", ["nn"], 1, job_function="batch_jobs:leave_scratch_and_die")
    assert isinstance(job, dict) and Path(job["result"]["error"].split("|")[1]).parent == private_tmp
    assert list(private_tmp.rglob("autograder-*")) == []


def test_a_dask_job_over_its_time_or_memory_becomes_an_error_row_and_the_batch_goes_on(tmp_path, monkeypatch):
    """On Dask too: a worker process of the cluster is long-lived, so each job runs in a limited process of its own."""
    distributed = pytest.importorskip("distributed")
    from autograder.batch._discover import discover
    from autograder.batch._runner import _run_on_dask

    course = course_with(tmp_path / "course", job_memory_mib=512, job_seconds=30)   # room for a loaded machine
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course))
    for student in ("ada", "hog", "sleepy"):
        (tmp_path / "class" / student).mkdir(parents=True)
    pending = [(entry, "") for entry in discover(tmp_path / "class")]
    rows: dict = {}
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None,
                                  env={"AUTOGRADER_COURSE": str(course)}) as cluster:
        for kind in ("hog_memory_or_finish", "sleep_or_finish"):
            _run_on_dask(pending, BatchSettings(parts=["nn"], dask=cluster.scheduler_address), {},
                         lambda entry, _, job, kind=kind: rows.update({(kind, entry.student): job["result"]}),
                         NoProgressBar(), job_function=f"batch_jobs:{kind}")
    assert "more than 512 MiB" in rows["hog_memory_or_finish", "hog"]["error"]
    assert "longer than 30 s" in rows["sleep_or_finish", "sleepy"]["error"]
    finished = {key for key, row in rows.items() if row["error"] == "finished"}
    assert finished == {("hog_memory_or_finish", "ada"), ("hog_memory_or_finish", "sleepy"),
                        ("sleep_or_finish", "ada"), ("sleep_or_finish", "hog")}


@pytest.fixture
def open_classroom():
    """A class folder that other users could enter (mode 0755, outside pytest's own 0700 folders), as a
    course's shared grading folder often is; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-open-class-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        nested = folder / "class" / "deep"
        if nested.exists():
            remove_nested_folders(nested)
        shutil.rmtree(folder, ignore_errors=True)


NOSY = '''
import numpy as np


def relu(s):
    open("{CLASS}/ada/nn/activations.py").read()          # another student's submission
    return np.maximum(s, 0.0)


def sigmoid(s):
    open("{OUT}/gradebook.csv").read()                    # the class's grades
    return 1.0 / (1.0 + np.exp(-s))


def sign(s):
    import os
    os.listdir("{OUT}/.state")                            # other students' stored results
    return np.sign(s)


def linear(s):
    import ctypes
    if ctypes.CDLL(None).socket(2, 1, 0) >= 0:            # the network
        return np.asarray(s, dtype=float)
    raise PermissionError("no socket")
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="the unprivileged-user fallback needs a grader running as root")
def test_a_class_of_every_hostile_input_finishes_with_a_row_per_student(open_classroom, fast_course, monkeypatch):
    from quiz.conftest import BANK

    monkeypatch.setenv("AUTOGRADER_COURSE", str(fast_course))
    monkeypatch.setenv("AUTOGRADER_ISOLATION", "unprivileged-user")   # the mode where other files are within reach
    classroom, output = open_classroom / "class", open_classroom / "out"
    reference_as_submission(classroom / "ada", ["nn"])
    for folder in (classroom, classroom / "ada", classroom / "ada" / "nn"):
        os.chmod(folder, 0o755)
    (classroom / "nosy" / "nn").mkdir(parents=True)
    (classroom / "nosy" / "nn" / "activations.py").write_text(
        NOSY.replace("{CLASS}", str(classroom)).replace("{OUT}", str(output)))
    magics_notebook(classroom / "magics")
    zip_of_big_notebooks(classroom / "zipper", count=12)
    sparse_notebooks(classroom / "sparse-notebooks")
    sparse_file(classroom / "sparse-module")
    fifo_in_folder(classroom / "fifo")
    answers_link_to_kmsg(classroom / "kmsg")
    nested_folders(classroom / "deep")
    billion_laughs(classroom / "laughs")
    undecodable = undecodable_name(classroom)
    for name in COLLIDING_NAMES + FORMULA_NAMES:
        (classroom / name).mkdir()
        (classroom / name / "notes.py").write_text("x = 1\n")
    expected = 11 + len(COLLIDING_NAMES) + len(FORMULA_NAMES)
    started = time.monotonic()
    summary = grade_class(classroom, output, BatchSettings(parts=["nn"], jobs=2, quiz=BANK, progress=False))
    elapsed = time.monotonic() - started
    rows = read_gradebook(output)
    assert summary.total == len(rows) == expected and not summary.interrupted
    assert {row["folder"] for row in rows.values()} >= {"magics", "fifo", "'=HYPERLINK(\"evil.example\",\"x\")",
                                                        "'+A1", "'@SUM(A1:A9)", "'-2+3", "'\tTAB", "alice!"}
    assert any(row["folder"] == os.fsencode(undecodable.name).decode("utf-8", "replace") for row in rows.values())
    assert float(rows["ada"]["nn"]) == 43 and float(rows["magics"]["nn"]) > 0
    nosy = json.loads((output / ".state" / "nosy.json").read_text())["result"]
    feedback = {test["function"]: (test.get("feedback") or {}).get("message", "") for part in nosy["parts"]
                for test in part["tests"] if test["score"] < test["max_score"]}
    for function in ("activations.relu", "activations.sigmoid", "activations.sign", "activations.linear"):
        assert "PermissionError" in feedback.get(function, ""), (function, feedback.get(function))
    for folder in (classroom, output):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o007 == 0
    assert elapsed < 120
