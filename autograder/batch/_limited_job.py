"""One batch job under the batch's wall time and memory limits (`batch:` in grading.yaml).

The local pool puts the limits on its own processes (`limit_this_process`).  A
Dask worker's process is long-lived, shared by many students' jobs and
daemonic (it may not start multiprocessing children), so a Dask task runs its
job with `run_within_limits`: in a fresh interpreter started with subprocess,
under the address-space limit, stopped when over its time.  Both sides are
the grader's own processes; arguments and the job's dict cross as JSON.

In that fresh interpreter (`python -I`) `_main` reads {"sys_path",
"function", "memory_bytes", "arguments"} from stdin and writes the job's dict
to stdout.
"""
from __future__ import annotations

import importlib
import json
import os
import resource
import signal
import subprocess
import sys

from .._processes import jobs_temporary_folder
from ..course import grading_settings

GRADE_JOB = "autograder.batch._jobs:grade_job"
_OUT_OF_MEMORY = 3   # the exit status of a job that raised MemoryError


def limit_this_process(memory_bytes: int) -> None:
    """The job process's address-space limit, and SIGTERM (a job over its time) as an exit that runs the
    job's clean-up (its worker is stopped with everything it started)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or memory_bytes < hard:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes if hard == resource.RLIM_INFINITY else hard))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))


def over_time_reason() -> str:
    return f"grading this submission took longer than {grading_settings().batch.job_seconds:g} s and was stopped"


def out_of_memory_reason() -> str:
    return f"grading this submission needed more than {grading_settings().batch.job_memory_bytes // 2**20} MiB"


def died_reason(exit_status: int | None) -> str:
    mebibytes = grading_settings().batch.job_memory_bytes // 2**20
    return f"the grading process died on this submission (exit status {exit_status}; over {mebibytes} MiB?)"


def run_within_limits(path: str, student: str, parts: list[str] | None, seed: int | None, quiz: str | None = None,
                      job_function: str = GRADE_JOB) -> dict | str:
    """Run job_function ("module:name", grade_job's arguments) in a fresh limited interpreter.

    Returns the job's dict, or the reason (a str) it was stopped.  job_function is grade_job;
    the tests name jobs that misbehave on purpose.
    """
    limits = grading_settings().batch
    request = json.dumps({"sys_path": [entry for entry in sys.path if entry], "function": job_function,
                          "memory_bytes": limits.job_memory_bytes, "arguments": [path, student, parts, seed, quiz]})
    with jobs_temporary_folder() as temporary:   # what a stopped job could not remove goes with it
        # no preexec_fn: a Dask task runs in a thread, and the child sets its own limit first thing
        process = subprocess.Popen([sys.executable, "-I", "-c", f"from {__name__} import _main; _main()"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True,
                                   env={**os.environ, "TMPDIR": temporary})
        try:
            output, _ = process.communicate(request.encode(), timeout=limits.job_seconds)
        except subprocess.TimeoutExpired:
            _stop(process)
            return over_time_reason()
    if process.returncode == _OUT_OF_MEMORY:
        return out_of_memory_reason()
    if process.returncode != 0:
        return died_reason(process.returncode)
    return json.loads(output)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (the job stops its student worker on the way out), then SIGKILL to its whole session."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


def _main() -> None:
    request = json.load(sys.stdin)
    limit_this_process(request["memory_bytes"])
    sys.path[:] = request["sys_path"]
    module, name = request["function"].split(":")
    job_function = getattr(importlib.import_module(module), name)
    try:
        job = job_function(*request["arguments"])
    except MemoryError:
        os._exit(_OUT_OF_MEMORY)
    json.dump(job, sys.stdout)
