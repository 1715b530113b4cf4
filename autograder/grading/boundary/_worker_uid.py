"""A user id of its own for every worker, when the grader runs as root.

A worker that shares its user id with another process could signal it, read
its files or (without the system-call filter) trace it.  So each worker gets a
fresh id from a large range: one that no other grading process on the machine
holds (an exclusive lock on a file named after it, in a folder only root can
enter) and under which no process runs (one left behind by a grader that
crashed).  The lock is held until the worker and everything it started are gone.
"""
from __future__ import annotations

import fcntl
import os
import secrets
import signal
import stat
import tempfile
from pathlib import Path

FIRST_UID = 1_000_000
UID_COUNT = 1 << 26
_LOCK_FOLDERS = (Path("/run/autograder-worker-uids"), Path(tempfile.gettempdir()) / "autograder-worker-uids")
_ATTEMPTS = 64


class WorkerUid:
    """One claimed user id (also the group id); `release()` once nothing runs under it any more."""

    def __init__(self, uid: int, lock_fd: int):
        self.uid = uid
        self._lock_fd: int | None = lock_fd

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)   # closing drops the lock; the file stays, empty and harmless
            self._lock_fd = None


def _lock_folder() -> Path:
    """The root-only folder of lock files, made on first use (in /run, else in the temporary folder).

    A folder that anyone but root could have made or could enter is never used.
    """
    for folder in _LOCK_FOLDERS:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError:
            continue
        info = os.lstat(folder)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == 0 and not info.st_mode & 0o077:
            return folder
    raise RuntimeError(f"no folder for the workers' user-id locks that only root can enter ({_LOCK_FOLDERS[0]})")


def claim_worker_uid() -> WorkerUid:
    """A user id that no other grader holds and no process runs under (the grader must be root)."""
    folder = _lock_folder()
    for _ in range(_ATTEMPTS):
        uid = FIRST_UID + secrets.randbelow(UID_COUNT)
        fd = os.open(folder / str(uid), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        if not anything_runs_as(uid):
            return WorkerUid(uid, fd)
        os.close(fd)
    raise RuntimeError(f"no free user id for a worker after {_ATTEMPTS} tries")


def anything_runs_as(uid: int) -> bool:
    """Whether any process on the machine runs under uid (real, effective or saved), by its /proc status."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            with open(status, "rb") as handle:
                line = next((line for line in handle if line.startswith(b"Uid:")), b"")
        except OSError:   # it ended meanwhile
            continue
        if str(uid).encode() in line.split()[1:4]:
            return True
    return False


def kill_everything_of(uid: int) -> None:
    """Kill every process of a worker's private user id, those that left its process group included:
    kill(-1) from a child that runs as that uid reaches exactly its processes."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
