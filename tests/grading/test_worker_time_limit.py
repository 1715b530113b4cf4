"""A call that runs past its limit is a time-out; the worker interrupts plain loops itself and lives on.

The limits here are generous on purpose: the tests judge what happened (kind of
failure, whether the worker was replaced), never how fast.
"""
import pytest

from autograder.course import Limits
from autograder.grading.boundary import WorkerFailure, WorkerFailureKind, WorkerProcess, choose_mode

LOOPS = """import time


def spin():
    while True:
        pass


def sleep_forever():
    time.sleep(10_000)


def cling():
    while True:   # catches the interruption and goes on: only the grader's kill ends this
        try:
            while True:
                pass
        except BaseException:
            pass


def shrug():
    try:
        while True:
            pass
    except BaseException:
        return "finished in time?"   # too late, whatever it says


def double(x):
    return 2 * x
"""


@pytest.fixture
def worker(tmp_path):
    (tmp_path / "part").mkdir()
    (tmp_path / "part" / "loops.py").write_text(LOOPS)
    made = WorkerProcess(tmp_path, ["part"], Limits(), choose_mode())
    made.ensure_ready()
    yield made
    made.close()


def call(worker, name, *args, timeout=0.5):
    return worker.request({"op": "call", "module": "loops", "name": name, "args": list(args)}, [], timeout)


@pytest.mark.parametrize("name", ["spin", "sleep_forever"])
def test_a_call_past_its_limit_is_interrupted_and_the_same_worker_answers_the_next(worker, name):
    with pytest.raises(WorkerFailure) as failure:
        call(worker, name)
    assert failure.value.kind == WorkerFailureKind.TIMEOUT
    assert failure.value.reason == "timed out after 0.5 s"
    assert worker.process is not None and worker.starts == 1   # no new worker for an interrupted loop
    reply, _ = call(worker, "double", 21, timeout=30)
    assert reply["ok"] and reply["value"] == 42 and worker.starts == 1


def test_code_that_swallows_the_interruption_is_killed_as_before(worker):
    with pytest.raises(WorkerFailure) as failure:
        call(worker, "cling")
    assert failure.value.kind == WorkerFailureKind.TIMEOUT
    assert worker.process is None   # stopped with all it started; the next request starts a fresh one
    reply, _ = call(worker, "double", 2, timeout=30)
    assert reply["value"] == 4 and worker.starts == 2


def test_a_value_returned_after_the_limit_is_still_a_time_out(worker):
    with pytest.raises(WorkerFailure) as failure:
        call(worker, "shrug")
    assert failure.value.kind == WorkerFailureKind.TIMEOUT


def test_a_limit_left_over_from_an_interrupted_call_does_not_reach_the_next(worker):
    with pytest.raises(WorkerFailure):
        call(worker, "spin", timeout=0.2)
    for value in range(20):   # the timer is disarmed after each request: none of these is cut short
        reply, _ = call(worker, "double", value, timeout=30)
        assert reply["value"] == 2 * value
