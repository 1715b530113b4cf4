"""The worker's system-call filter, as a seccomp BPF program built with libseccomp's own Python bindings.

The grading process builds the program once (`build_program`) and hands its
bytes to the worker in its configuration; the worker installs it with one
prctl() after it has dropped its privileges and set its limits, just before it
serves the first request, so nothing but the standard library runs on the
student's side.  The bindings are the ones libseccomp ships (Debian and Ubuntu:
`python3-seccomp`); they belong to the system's Python, so when the grader's own
interpreter cannot import them this file is run as a script by the system
Python (`python3 -I _seccomp_filter.py` writes the program to stdout).  It
imports only the standard library and `seccomp`.

Everything is allowed except, with "Operation not permitted":

- sockets of any family but AF_UNIX (no network, also where there is no
  network namespace), and io_uring (which can open sockets without a syscall);
- new namespaces of any kind (unshare, setns, clone with a CLONE_NEW* flag;
  clone3, whose flags a filter cannot see, answers "not implemented" so the C
  library falls back to clone);
- looking into or changing other processes and the kernel: ptrace,
  process_vm_readv/writev, perf_event_open, bpf, userfaultfd, keyctl and the
  key syscalls, mount and the new mount API, pivot_root, chroot, module and
  kexec loading, reboot, swap, syslog, acct, quotactl, iopl/ioperm,
  open_by_handle_at.

System calls of another architecture (int 0x80 on x86-64) kill the process.
"""
from __future__ import annotations

import errno
import socket
import sys

DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "perf_event_open", "bpf", "userfaultfd",
    "keyctl", "add_key", "request_key", "unshare", "setns",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
    "mount_setattr", "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "syslog", "acct", "quotactl", "iopl", "ioperm", "name_to_handle_at", "open_by_handle_at",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
)
NEW_NAMESPACE_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)


def build_program(seccomp) -> bytes:
    """The filter as raw BPF (struct sock_filter[], native byte order), from the `seccomp` bindings module."""
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    denied = seccomp.ERRNO(errno.EPERM)

    def add(action, name: str, *arguments) -> None:
        try:
            rules.add_rule(action, name, *arguments)
        except (RuntimeError, ValueError, OSError):   # a syscall this architecture or libseccomp does not know
            pass

    for name in DENIED:
        add(denied, name)
    for name in ("socket", "socketpair"):
        add(denied, name, seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    for flag in NEW_NAMESPACE_FLAGS:
        add(denied, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    add(seccomp.ERRNO(errno.ENOSYS), "clone3")
    import tempfile
    with tempfile.TemporaryFile() as exported:
        rules.export_bpf(exported)
        exported.seek(0)
        return exported.read()


def main() -> None:
    import seccomp  # type: ignore[import-not-found]  # the system's libseccomp bindings
    sys.stdout.buffer.write(build_program(seccomp))


if __name__ == "__main__":
    main()
