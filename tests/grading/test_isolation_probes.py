"""The sandbox probes run in a thread at import; a process forked meanwhile must not wait for it forever."""
import os
import time

from autograder.grading.boundary import _isolation


def test_a_child_forked_while_a_probe_holds_the_lock_can_still_probe():
    with _isolation._PROBES:   # as if the probe thread were running at the moment of the fork
        pid = os.fork()
        if pid == 0:
            _isolation.bubblewrap_works()
            os._exit(0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError("the forked child waited for a lock no thread of its own would release")


def test_the_probes_give_the_same_answers_however_often_they_are_asked():
    assert _isolation.syscall_filter() == _isolation.syscall_filter()
    assert _isolation.bubblewrap_works() == _isolation.bubblewrap_works()
