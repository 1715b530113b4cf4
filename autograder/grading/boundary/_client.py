"""The grading side of the worker: start it, talk to it, stop it whatever it does.

`WorkerProcess` owns one worker.  Requests have a wall-clock deadline; a worker
that misses it, crashes or breaks the protocol is killed with everything it
started, and the next request starts a fresh one.  The worker is told each
request's limit and interrupts the student's code itself when it is up (an
endless `while True: pass` then costs the limit, not a new worker); a reply that
comes later than the limit is a time-out all the same, and one that does not
come within a short grace after it gets the worker killed as before.  What the worker writes
straight to its stdout and stderr (not through print(), which the worker
captures itself) is drained continuously up to the output cap; a worker that
writes past the cap is stopped at once, so gigabytes of output cost the grader
no more than the cap.
"""
from __future__ import annotations

import enum
import os
import select
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import NoReturn

from ...course import Limits
from ...sandbox import protocol
from ._isolation import PRIVATE_TMP, IsolationMode, build_command, make_private_numpy_site
from ._worker_uid import WorkerUid, claim_worker_uid, kill_everything_of

STARTUP_SECONDS = 20.0
GRACE_SECONDS = 0.3   # how long past a request's limit the worker may take to say that it interrupted the call
_READ_AHEAD = 1 << 16   # bytes asked of the response pipe at a time
_SIGNAL_REASONS = {
    signal.SIGXCPU: "used up its CPU-time limit",
    signal.SIGKILL: "was killed (it may have run out of memory)",
    signal.SIGSEGV: "crashed with a segmentation fault (deep recursion can cause this)",
    signal.SIGXFSZ: "tried to write a file larger than the limit",
    signal.SIGABRT: "aborted",
    signal.SIGBUS: "crashed (bus error)",
}


class WorkerFailureKind(str, enum.Enum):
    """Why the worker did not answer."""

    TIMEOUT = "timeout"     # it missed the request's deadline
    CRASH = "crash"         # it died (a signal, an exit, a resource limit)
    PROTOCOL = "protocol"   # it sent something that is not a valid frame
    STARTUP = "startup"     # it never became ready: the grading machine's problem, not the student's
    OUTPUT = "output"       # it wrote more than the output cap straight to its stdout or stderr


class WorkerFailure(Exception):
    """The worker did not answer: it timed out, died or broke the protocol.

    `reason` completes the sentence "your code ..." for student feedback.
    """

    def __init__(self, reason: str, kind: WorkerFailureKind):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


class _Drain(threading.Thread):
    """Reads a pipe until its end or until more than `limit` bytes came, keeping the first `limit`.

    Past the limit it stops reading (the writer then blocks on the full pipe)
    and writes a byte to `wake_fd`, so the thread waiting for a reply learns
    at once that the worker is to be stopped.  It reads at most `limit` plus
    one chunk, however much the worker tries to write.
    """

    CHUNK = 65536

    def __init__(self, stream, limit: int, wake_fd: int):
        super().__init__(daemon=True)
        self.stream, self.limit = stream, limit
        self.wake_fd = os.dup(wake_fd)   # our own copy: closed here, never one another thread reuses
        self.kept = bytearray()
        self.received = 0
        self.overflowed = False

    def run(self):
        try:
            while True:
                try:
                    chunk = self.stream.read1(self.CHUNK)
                except (OSError, ValueError):
                    return
                if not chunk:
                    return
                self.received += len(chunk)
                room = self.limit - len(self.kept)
                if room > 0:
                    self.kept += chunk[:room]
                if self.received > self.limit:
                    self.overflowed = True
                    try:
                        os.write(self.wake_fd, b"!")
                    except OSError:
                        pass
                    return
        finally:
            os.close(self.wake_fd)

    def text(self) -> str:
        text = self.kept.decode("utf-8", errors="replace")
        return text + ("\n[... output past the limit not read: the worker was stopped]" if self.overflowed else "")


def describe_exit(returncode: int | None) -> str:
    """Words for how the worker ended, for "your code ..."."""
    if returncode is None:
        return "stopped answering"
    if returncode < 0 or returncode > 128:
        number = -returncode if returncode < 0 else returncode - 128
        try:
            name = signal.Signals(number)
        except ValueError:
            return f"was ended by signal {number}"
        return _SIGNAL_REASONS.get(name, f"was ended by signal {name.name}")
    return f"ended the process (exit status {returncode})"


class WorkerProcess:
    """One worker for one submission's scratch folder; restartable."""

    def __init__(self, student_root: Path, module_folders: list[str], limits: Limits, mode: IsolationMode):
        self.student_root = Path(student_root)
        self.module_folders = module_folders
        self.limits = limits
        self.mode = mode
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.startup_seconds: list[float] = []
        self._private_site: tempfile.TemporaryDirectory | None = None
        self._uid: WorkerUid | None = None
        self.uid: int | None = None
        self._drains: list[_Drain] = []
        self._output_parts: list[str] = []

    # -- life cycle -------------------------------------------------------------
    def start(self) -> None:
        """Launch the worker (returns at once; readiness is awaited on first use)."""
        request_read, self._request_write = os.pipe()
        self._response_read, response_write = os.pipe()
        limits = {"memory_mb": self.limits.memory_mb, "cpu_seconds": self.limits.cpu_seconds,
                  "open_files": self.limits.open_files, "processes": self.limits.processes,
                  "output_kib": self.limits.output_kib, "file_mb": 64, "tmp_mib": self.limits.tmp_mib}
        private_site = None
        if self.mode != IsolationMode.BUBBLEWRAP:
            if self._private_site is None:
                self._private_site = tempfile.TemporaryDirectory(prefix="autograder-site-")
            private_site = make_private_numpy_site(Path(self._private_site.name))
            (self.student_root / PRIVATE_TMP).mkdir(mode=0o700, exist_ok=True)
        self._uid = claim_worker_uid() if os.geteuid() == 0 else None
        self.uid = self._uid.uid if self._uid else None
        command = build_command(self.mode, self.student_root, self.module_folders, limits,
                                request_read, response_write, private_site, self.uid)
        if self.uid is not None:
            _give_folder_to(self.student_root, self.uid)   # 0700 (mkdtemp): the worker's own, no one else's
            if private_site is not None:
                os.chmod(private_site, 0o755)
        self._started_at = time.perf_counter()
        self.process = subprocess.Popen(
            command.argv, env=command.env or None, cwd=command.cwd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(request_read, response_write),
            start_new_session=True)
        os.close(request_read)
        os.close(response_write)
        capacity = self.limits.output_kib * 1024
        self._wake_read, wake_write = os.pipe()
        self._drains = [_Drain(self.process.stdout, capacity, wake_write),
                        _Drain(self.process.stderr, capacity, wake_write)]
        os.close(wake_write)
        for drain in self._drains:
            drain.start()
        self._ready = False
        self.starts += 1

    def start_if_stopped(self) -> None:
        """Start a replacement for a worker that was stopped, without waiting for it: it gets ready while
        the grader reports the failed call and sets up the next one."""
        if self.process is None:
            self.start()

    def ensure_ready(self) -> None:
        """Start the worker if it is not running, and wait until it says it is ready."""
        if self.process is None:
            self.start()
        if not self._ready:
            try:
                reply, _ = self._receive(time.monotonic() + STARTUP_SECONDS, "did not start in time")
            except WorkerFailure as failure:   # a problem of the grading machine, not of the student
                tail = self.output.strip().splitlines()[-3:]
                raise WorkerFailure(f"the worker process could not start ({failure.reason}): "
                                    + " | ".join(tail), WorkerFailureKind.STARTUP) from None
            if not reply.get("ready"):
                self._fail(WorkerFailureKind.PROTOCOL, "sent an unexpected first message")
            self._ready = True
            self.startup_seconds.append(time.perf_counter() - self._started_at)

    def stop(self) -> None:
        """Kill the worker and everything it started; keep what it printed."""
        if self.process is None:
            self._release_uid()
            return
        process, self.process = self.process, None
        for fd in (self._request_write, self._response_read):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._uid is not None:
            kill_everything_of(self._uid.uid)   # children that left our process group
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._release_uid()
        self.returncode = process.returncode
        for drain in self._drains:
            drain.join(timeout=2)
        for drain in self._drains:
            if not drain.is_alive():   # one still reading (a pipe a stray process holds) closes on its own
                drain.stream.close()
        os.close(self._wake_read)
        text = "".join(drain.text() for drain in self._drains)
        if text:
            self._output_parts.append(text)

    def _release_uid(self) -> None:
        if self._uid is not None:
            self._uid.release()
            self._uid = None

    def close(self) -> None:
        self.stop()
        if self._private_site is not None:
            self._private_site.cleanup()
            self._private_site = None

    @property
    def output(self) -> str:
        """What the student's code wrote straight to the process's stdout/stderr, all workers so far."""
        parts = list(self._output_parts)
        if self.process is not None:
            parts.extend(drain.text() for drain in self._drains)
        return "".join(parts)

    # -- requests ---------------------------------------------------------------
    def request(self, message: dict, arrays: list, timeout: float) -> tuple[dict, list]:
        """Send one request and wait for its reply; WorkerFailure(TIMEOUT) if it takes more than `timeout` seconds.

        A worker that interrupted the call at the limit and answered stays; one that
        did not answer within GRACE_SECONDS more is killed.
        """
        self.ensure_ready()
        self._check_output()
        reason = f"timed out after {timeout:g} s"
        deadline = time.monotonic() + timeout
        self._send(protocol.pack({**message, "seconds": timeout}, arrays), deadline)
        reply = self._receive(deadline + GRACE_SECONDS, reason)
        if time.monotonic() > deadline:   # whatever the reply says: the student's code may catch the interruption
            raise WorkerFailure(reason, WorkerFailureKind.TIMEOUT)
        return reply

    def _send(self, frame: bytes, deadline: float) -> None:
        view = memoryview(frame)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._fail(WorkerFailureKind.TIMEOUT, "did not read its input in time")
            readable, writable, _ = select.select([self._wake_read], [self._request_write], [], remaining)
            if readable:
                self._check_output()
            if not writable:
                continue
            try:
                written = os.write(self._request_write, view[:65536])
            except (BrokenPipeError, OSError):
                self._fail_from_exit()
            view = view[written:]

    def _receive(self, deadline: float, timeout_reason: str) -> tuple[dict, list]:
        pending = bytearray()   # read ahead: a reply arrives in one or two reads, not one per field

        def read(size: int) -> bytes:
            if not pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._fail(WorkerFailureKind.TIMEOUT, timeout_reason)
                readable, _, _ = select.select([self._response_read, self._wake_read], [], [], remaining)
                if self._wake_read in readable:
                    self._check_output()
                if not readable:
                    self._fail(WorkerFailureKind.TIMEOUT, timeout_reason)
                pending.extend(os.read(self._response_read, max(size, _READ_AHEAD)))
                if not pending:
                    return b""
            chunk = bytes(pending[:size])
            del pending[:size]
            return chunk

        try:
            message, arrays = protocol.unpack(read)
        except EOFError:
            self._fail_from_exit()
        except protocol.ProtocolError as error:
            self._fail(WorkerFailureKind.PROTOCOL, f"corrupted the grader's channel ({error})")
        if not isinstance(message, dict):
            self._fail(WorkerFailureKind.PROTOCOL, "corrupted the grader's channel")
        return message, arrays

    def _check_output(self) -> None:
        """Stop the worker if it wrote past the output cap (now, or between requests)."""
        if any(drain.overflowed for drain in self._drains):
            self._fail(WorkerFailureKind.OUTPUT, f"wrote more than {self.limits.output_kib} KiB straight to its "
                                                 "output (the limit), so it was stopped")

    def _fail(self, kind: WorkerFailureKind, reason: str) -> NoReturn:
        self.stop()
        raise WorkerFailure(reason, kind)

    def _fail_from_exit(self) -> NoReturn:
        process = self.process
        if process is not None:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self._fail(WorkerFailureKind.CRASH, describe_exit(process.returncode if process else None))


def _give_folder_to(folder: Path, uid: int) -> None:
    """Make the scratch copy the worker user's own, so it can write there and nowhere else."""
    os.chown(folder, uid, uid)
    for path in folder.rglob("*"):
        os.chown(path, uid, uid, follow_symlinks=False)
