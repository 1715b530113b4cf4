"""The processes a batch grades in: forked from a fork server that has imported the grader.

A job process must start as a fresh interpreter would: nothing of another
student's grading, no result, no open file of the batch.  A fork server gives
that (it imports the grader's modules and then only forks; it never grades) and
saves every job process the half second of importing numpy, pytest and Jinja2
again.  The batch command starts the server first thing, so its imports run
while the command itself starts up.  This module imports only the standard
library, so starting the server costs the command nothing.

The server keeps the environment, working folder and import path it started
with; a job process takes its batch's current ones (`ParentState`), so a batch
started later in the same process, with another AUTOGRADER_COURSE or
AUTOGRADER_ISOLATION, is graded under its own settings.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterator

# What a job process needs (grading, the report and results.json, the similarity check).
JOB_MODULES = ("autograder.batch._jobs", "autograder.grading._plugin", "autograder.render.html",
               "autograder.render.gradescope", "autograder.batch._similarity")


def job_context():
    """The multiprocessing context of the batch's job processes: the fork server's where there is one
    (Linux, macOS), else fresh interpreters ("spawn")."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(JOB_MODULES))   # read when the server starts: once per batch process
    return context


def start_job_server() -> None:
    """Start the fork server now, without waiting for its imports (the first job waits for them)."""
    context = job_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver
        forkserver.ensure_running()


@contextlib.contextmanager
def jobs_temporary_folder() -> Iterator[str]:
    """A fresh temporary folder for a pool's processes, removed with all it holds when the pool is done.

    Mode 0711: a worker that runs as a user of its own reaches its scratch folder
    inside (whose name it is given), but cannot list the others.
    """
    with tempfile.TemporaryDirectory(prefix="autograder-jobs-", ignore_cleanup_errors=True) as folder:
        os.chmod(folder, 0o711)
        yield folder


class ParentState:
    """The environment variables, working folder and import path of the process that starts a pool, to be
    taken on by each of the pool's processes (its initializer calls `adopt`); with `temporary_folder`, the
    pool's processes make their temporary files there."""

    def __init__(self, temporary_folder: str | None = None):
        self.environment = dict(os.environ)
        self.folder = os.getcwd()
        self.path = list(sys.path)
        self.temporary_folder = temporary_folder or tempfile.gettempdir()
        self.environment["TMPDIR"] = self.temporary_folder   # for the processes a job starts, too

    def adopt(self) -> None:
        os.environ.clear()
        os.environ.update(self.environment)
        os.chdir(self.folder)
        sys.path[:] = self.path
        tempfile.tempdir = self.temporary_folder   # the server may have asked tempfile already (it caches)
