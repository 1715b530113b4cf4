"""The batch's job processes: forked from a server that has imported the grader, under the batch's own settings.

The server starts once per process and keeps the environment it started with;
each batch's job processes must take that batch's environment, working folder
and import path instead (a library user, or a test, runs batches with different
AUTOGRADER_COURSE or AUTOGRADER_ISOLATION in one process).
"""
from __future__ import annotations

import multiprocessing

import pytest
from conftest import NoProgressBar

from autograder import _processes
from autograder.batch import BatchSettings


def _run(tmp_path, name: str) -> dict[str, str]:
    from batch_jobs import report_process_state

    from autograder.batch._discover import discover
    from autograder.batch._runner import _run_locally

    (tmp_path / name / "ada").mkdir(parents=True)
    rows: dict[str, str] = {}
    _run_locally([(entry, "") for entry in discover(tmp_path / name)], BatchSettings(parts=["nn"], jobs=1), {},
                 lambda entry, _, job: rows.update({entry.student: job["result"]["error"]}), NoProgressBar(),
                 job_function=report_process_state)
    return rows


def test_job_processes_take_the_environment_and_folder_of_their_batch_not_the_servers(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_TEST_MARK", "first")
    monkeypatch.chdir(tmp_path)
    first = _run(tmp_path, "one")["ada"]
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("AUTOGRADER_TEST_MARK", "second")   # the server, if there is one, started with "first"
    monkeypatch.chdir(tmp_path / "elsewhere")
    second = _run(tmp_path, "two")["ada"]
    assert first.split("|")[:2] == ["first", str(tmp_path)]
    assert second.split("|")[:2] == ["second", str(tmp_path / "elsewhere")]


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here")
def test_job_processes_start_with_the_grader_imported(tmp_path):
    assert _processes.job_context().get_start_method() == "forkserver"
    assert _run(tmp_path, "class")["ada"].endswith("|True")   # pytest came from the server's imports
