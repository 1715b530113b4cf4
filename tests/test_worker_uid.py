"""Each worker gets a user id of its own: never one another grader holds, never one a process runs under."""
import os
import signal
import time

import pytest

from autograder.grading.boundary import _worker_uid

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="worker user ids are given only by a grader running as root")


def draws(monkeypatch, *offsets):
    """Make the random draws of user ids return these offsets, in order."""
    queue = list(offsets)
    monkeypatch.setattr(_worker_uid.secrets, "randbelow", lambda _: queue.pop(0))


def test_a_user_id_held_by_one_grader_is_not_given_to_another(monkeypatch):
    draws(monkeypatch, 12345, 12345, 23456)
    first = _worker_uid.claim_worker_uid()
    try:
        second = _worker_uid.claim_worker_uid()
        assert (first.uid, second.uid) == (_worker_uid.FIRST_UID + 12345, _worker_uid.FIRST_UID + 23456)
        second.release()
    finally:
        first.release()


def test_a_user_id_is_free_again_once_released(monkeypatch):
    draws(monkeypatch, 34567, 34567)
    _worker_uid.claim_worker_uid().release()
    again = _worker_uid.claim_worker_uid()
    assert again.uid == _worker_uid.FIRST_UID + 34567
    again.release()


def test_a_user_id_under_which_a_process_still_runs_is_skipped(monkeypatch):
    leftover_uid = _worker_uid.FIRST_UID + 45678
    pid = os.fork()
    if pid == 0:   # a worker's child left behind by a grader that crashed
        try:
            os.setgid(leftover_uid)
            os.setuid(leftover_uid)
            time.sleep(30)
        finally:
            os._exit(0)
    try:
        deadline = time.monotonic() + 5
        while not _worker_uid.anything_runs_as(leftover_uid) and time.monotonic() < deadline:
            time.sleep(0.01)
        draws(monkeypatch, 45678, 56789)
        claimed = _worker_uid.claim_worker_uid()
        assert claimed.uid == _worker_uid.FIRST_UID + 56789
        claimed.release()
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
