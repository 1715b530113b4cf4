"""The grading process's side of the trust boundary: everything that starts, talks to and stops the worker.

The worker itself (the only process that runs student code) lives in
`autograder/sandbox/`, which imports nothing of this package.  This package is
its counterpart in the grading process, and the part of the grader to read
first when reviewing what a student's code can and cannot do:

- `_isolation`: the isolation modes (bubblewrap, a separate user, limits only)
  and the exact command line that starts a worker (and, with the same
  mounts, nbgrader's kernel: `bubblewrap_kernel_argv`);
- `_client`: one worker process: start, request with a deadline, kill with all
  it started, drain its output within a cap;
- `_session`: a submission's grading session: calls into the student's code as
  Python calls (`session.student.activations.relu(s)`), with per-part time budgets
  and feedback-ready errors (`StudentCallError`).
"""
from ._client import WorkerFailure, WorkerFailureKind, WorkerProcess
from ._isolation import (
                         DESCRIPTIONS,
                         IsolationMode,
                         bubblewrap_kernel_argv,
                         bubblewrap_works,
                         check_workers_reach_temporary_folder,
                         choose_mode,
                         close_to_other_users,
                         describe,
                         numpy_location,
                         prepare_in_background,
)
from ._session import CallFailure, CallRecord, GradingSession, StudentCallError, TestLog

__all__ = [
                         "DESCRIPTIONS",
                         "CallFailure",
                         "CallRecord",
                         "GradingSession",
                         "IsolationMode",
                         "StudentCallError",
                         "TestLog",
                         "WorkerFailure",
                         "WorkerFailureKind",
                         "WorkerProcess",
                         "bubblewrap_kernel_argv",
                         "bubblewrap_works",
                         "check_workers_reach_temporary_folder",
                         "choose_mode",
                         "close_to_other_users",
                         "describe",
                         "numpy_location",
                         "prepare_in_background",
]
