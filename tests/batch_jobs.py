"""Batch jobs that misbehave on purpose, for the pool's limits (importable by the pool's spawned processes).

Each has grade_job's arguments and, when it finishes, returns what grade_job returns.
"""
from __future__ import annotations

from autograder.grading import failed_result


def hog_memory_or_finish(path: str, student: str, parts, seed: int, quiz=None) -> dict:
    """Student "hog" allocates 8 GiB in the grading process; everyone else finishes at once."""
    if student == "hog":
        hoard = bytearray(8 << 30)
        return {"result": {"never": len(hoard)}}
    return {"result": failed_result(path, "finished", parts, student).to_dict()}


def sleep_or_finish(path: str, student: str, parts, seed: int, quiz=None) -> dict:
    """Student "sleepy" hangs in the grading process for ten minutes; everyone else finishes at once."""
    if student == "sleepy":
        import time
        time.sleep(600)
    return {"result": failed_result(path, "finished", parts, student).to_dict()}


def report_process_state(path: str, student: str, parts, seed: int, quiz=None) -> dict:
    """Finishes at once, its error text saying what the job process sees: an environment variable, the working
    folder, and whether numpy was imported before the job began."""
    import os
    import sys
    state = f"{os.environ.get('AUTOGRADER_TEST_MARK')}|{os.getcwd()}|{'pytest' in sys.modules}"
    return {"result": failed_result(path, state, parts, student).to_dict()}


def leave_scratch_and_die(path: str, student: str, parts, seed: int, quiz=None) -> dict:
    """Student "dies" makes a scratch folder, as a grading does, and its process dies before removing it;
    everyone else finishes at once, its error text naming the job process's temporary folder."""
    import os
    import tempfile
    if student == "dies":
        scratch = tempfile.mkdtemp(prefix="autograder-submission-")
        with open(os.path.join(scratch, "activations.py"), "w") as handle:
            handle.write("def relu(s):\n    return s\n")
        os._exit(9)
    return {"result": failed_result(path, f"finished|{tempfile.gettempdir()}", parts, student).to_dict()}
