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
