"""How the worker process is isolated, and the command line that starts it.

Three modes, strongest first:

- `bubblewrap`: the worker runs inside bwrap (Debian's `bubblewrap`, Flatpak's
  sandbox) with its own PID, network, IPC and UTS namespaces and
  --die-with-parent.  It sees only the Python runtime, numpy, the worker's own
  two files and the scratch copy of the submission: no /proc (so nothing of the
  grader's command line or paths), a size-limited private /tmp and /dev/shm.
  As root the worker then switches to a user id of its own; otherwise bwrap's
  user namespace forbids nested ones (--disable-userns).
- `unprivileged-user`: no namespaces (some containers forbid them), but the
  grader runs as root: the worker switches to a fresh user id of its own, with
  a private 0700 scratch folder and TMPDIR, and relies on the resource limits
  and the system-call filter.  The course's private folders are made
  unreadable to other users first.
- `limits-only`: neither is possible (a student's own laptop): resource limits,
  a scrubbed environment and the system-call filter only.

In every mode the worker sets no_new_privs and installs the system-call filter
of `_seccomp_filter` (no sockets but Unix ones, no new namespaces, no ptrace,
mount, keyctl, bpf ...) before it runs any student code, when libseccomp's
Python bindings are on the machine; the description of the mode says whether
it did.

The mode is chosen automatically; AUTOGRADER_ISOLATION forces one (the tests
use it to cover the fallbacks).
"""
from __future__ import annotations

import base64
import enum
import functools
import json
import os
import shutil
import site
import stat
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy

from ... import sandbox
from ..._errors import UserError
from ._seccomp_filter import build_program


class IsolationMode(str, enum.Enum):
    """How the worker is isolated, strongest first (the value is what AUTOGRADER_ISOLATION takes)."""

    BUBBLEWRAP = "bubblewrap"
    UNPRIVILEGED_USER = "unprivileged-user"
    LIMITS_ONLY = "limits-only"

    def __str__(self) -> str:
        return self.value


DESCRIPTIONS = {
    IsolationMode.BUBBLEWRAP: "bubblewrap sandbox (own PID and network namespaces, no new user namespaces, read-only "
                              "runtime, no /proc, a private /tmp of its own size limit, no access to the grader's files)",
    IsolationMode.UNPRIVILEGED_USER: "separate unprivileged user of its own with resource limits, a private temporary "
                                     "folder and no access to the course or other students' files (no sandbox available)",
    IsolationMode.LIMITS_ONLY: "resource limits only (no sandbox and not running as root)",
}
FILTER_DESCRIPTION = ("; system-call filter: no network (Unix sockets only), no new namespaces, no ptrace, mount, "
                      "keyctl or bpf, no new privileges")
NO_FILTER_DESCRIPTION = "; no system-call filter (libseccomp's Python bindings, python3-seccomp, are not installed)"
SANDBOX_DIR = Path(sandbox.__file__).resolve().parent
INSIDE_STUDENT_ROOT = "/submission"
INSIDE_RUNTIME = "/opt/autograder"
INSIDE_NUMPY = "/opt/site"
PRIVATE_TMP = ".tmp"   # the worker's TMPDIR in its scratch folder, outside bubblewrap
_FILTER_SCRIPT = Path(__file__).with_name("_seccomp_filter.py")


def describe(mode: IsolationMode) -> str:
    """What the mode guarantees, in words for the report and results.json."""
    return DESCRIPTIONS[mode] + (FILTER_DESCRIPTION if syscall_filter() else NO_FILTER_DESCRIPTION)


_PROBES = threading.Lock()   # one probe at a time: a second caller waits for the first one's answer


def _new_probe_lock() -> None:
    global _PROBES
    _PROBES = threading.Lock()


# A process forked while the probe thread held the lock would wait for it forever: the child gets its own.
os.register_at_fork(after_in_child=_new_probe_lock)


def prepare_in_background() -> None:
    """Probe bubblewrap and build the system-call filter in a thread, once per process.

    Building the filter runs the system's Python (≈ 0.1 s) and probing bwrap
    starts a sandbox: started when the grading pipeline is imported, both
    overlap with the rest of the grader's imports instead of delaying the first
    worker.  Whoever needs an answer first simply waits for it.
    """
    threading.Thread(target=lambda: (bubblewrap_works(), syscall_filter()), daemon=True,
                     name="autograder-isolation-probes").start()


def syscall_filter() -> bytes | None:
    """The worker's seccomp program (raw BPF), or None where libseccomp's Python bindings are missing.

    The grader's own interpreter is tried first; a virtual environment usually
    cannot import the system's bindings, so then the system's Python builds it.
    """
    with _PROBES:
        return _build_syscall_filter()


@functools.cache
def _build_syscall_filter() -> bytes | None:
    try:
        import seccomp  # type: ignore[import-not-found]  # libseccomp's bindings, when this Python has them
    except ImportError:
        seccomp = None
    if seccomp is not None:
        return build_program(seccomp)
    for python in ("/usr/bin/python3", "/bin/python3"):
        if not os.path.exists(python):
            continue
        try:
            built = subprocess.run([python, "-I", str(_FILTER_SCRIPT)], stdin=subprocess.DEVNULL,
                                   capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if built.returncode == 0 and built.stdout and len(built.stdout) % 8 == 0:
            return built.stdout
    return None


def bubblewrap_works() -> bool:
    """True when bwrap exists and can create the namespaces we ask for."""
    with _PROBES:
        return _probe_bubblewrap()


@functools.cache
def _probe_bubblewrap() -> bool:
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    try:
        probe = subprocess.run([bwrap, *_namespace_flags(), "--ro-bind", "/", "/", "true"],
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def choose_mode() -> IsolationMode:
    """The strongest isolation available, unless AUTOGRADER_ISOLATION names one.

    AUTOGRADER_REQUIRE_SANDBOX=1 (CI) refuses a machine without bubblewrap or
    without the system-call filter instead of falling back.
    """
    if os.environ.get("AUTOGRADER_REQUIRE_SANDBOX") == "1" and syscall_filter() is None:
        raise UserError("AUTOGRADER_REQUIRE_SANDBOX=1, but libseccomp's Python bindings (python3-seccomp) are missing: "
                        "the worker's system-call filter cannot be built")
    forced = os.environ.get("AUTOGRADER_ISOLATION")
    if forced:
        names = [mode.value for mode in IsolationMode]
        if forced not in names:
            raise UserError(f"AUTOGRADER_ISOLATION must be one of {', '.join(names)}, not {forced!r}")
        mode = IsolationMode(forced)
        if mode == IsolationMode.BUBBLEWRAP and not bubblewrap_works():
            raise UserError("AUTOGRADER_ISOLATION=bubblewrap, but bwrap is missing or cannot create namespaces here")
        if mode == IsolationMode.UNPRIVILEGED_USER and os.geteuid() != 0:
            raise UserError("AUTOGRADER_ISOLATION=unprivileged-user needs the grader to run as root")
        return mode
    if bubblewrap_works():
        return IsolationMode.BUBBLEWRAP
    if os.environ.get("AUTOGRADER_REQUIRE_SANDBOX") == "1":
        raise UserError("AUTOGRADER_REQUIRE_SANDBOX=1, but bubblewrap (bwrap) is missing or cannot create namespaces")
    return IsolationMode.UNPRIVILEGED_USER if os.geteuid() == 0 else IsolationMode.LIMITS_ONLY


def _namespace_flags() -> list[str]:
    flags = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if os.geteuid() != 0:
        # Unprivileged bwrap needs a user namespace; none may be nested in it.  As root there is none (bwrap
        # would map the worker to root outside): the worker takes a user id of its own, and the system-call
        # filter forbids new namespaces.
        flags += ["--unshare-user", "--disable-userns"]
    return flags


def numpy_location() -> tuple[Path, list[Path]]:
    """The folder that holds numpy, and numpy's own folders in it (the package and its bundled libraries)."""
    package = Path(numpy.__file__).resolve().parent
    folder = package.parent
    return folder, [path for path in (package, folder / "numpy.libs") if path.exists()]


def _package_folders(roots: list[Path]) -> list[Path]:
    """Every site-packages or dist-packages folder under the given roots."""
    patterns = ("lib/python3*/site-packages", "lib/python3*/dist-packages", "lib/python3/dist-packages",
                "local/lib/python3*/site-packages", "local/lib/python3*/dist-packages")
    found = {Path(path).resolve() for path in site.getsitepackages()}
    for root in roots:
        for pattern in patterns:
            found.update(path.resolve() for path in root.glob(pattern))
    return sorted(path for path in found if path.is_dir() and any(path.is_relative_to(root) for root in roots))


@dataclass
class WorkerCommand:
    """Everything needed to start one worker process."""

    argv: list[str]
    env: dict[str, str]
    cwd: str
    uid: int | None


def scrubbed_environment(home: str, tmp: str) -> dict[str, str]:
    """The only environment variables student code sees."""
    return {
        "PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1", "TMPDIR": tmp,
    }


def build_command(mode: IsolationMode, student_root: Path, module_folders: list[str], limits: dict,
                  request_fd: int, response_fd: int, private_numpy_site: Path | None = None,
                  uid: int | None = None) -> WorkerCommand:
    """The argv, environment and user of a worker for the given isolation mode.

    module_folders are relative to student_root (for example ["nn", "word2vec"]).
    private_numpy_site, for the modes without bubblewrap, is a folder holding
    only links to numpy, so the worker's import path does not include the
    grader's whole site-packages.  uid is the worker's own user id (and group
    id) when the grader runs as root; the worker switches to it itself.
    """
    python = os.path.realpath(sys.executable)
    program = syscall_filter()
    config = {"request_fd": request_fd, "response_fd": response_fd, "limits": limits,
              "capture_chars": limits["output_kib"] * 1024, "uid": uid, "gid": uid,
              "syscall_filter": base64.b64encode(program).decode("ascii") if program else None}
    if mode == IsolationMode.BUBBLEWRAP:
        config.update(student_root=INSIDE_STUDENT_ROOT, numpy_path=INSIDE_NUMPY,
                      module_paths=[f"{INSIDE_STUDENT_ROOT}/{folder}".rstrip("/") for folder in module_folders])
        argv = [shutil.which("bwrap") or "bwrap", *_bubblewrap_mounts(student_root, limits["tmp_mib"]),
                *_namespace_flags(), "--die-with-parent", "--new-session", "--hostname", "sandbox",
                "--chdir", INSIDE_STUDENT_ROOT, "--clearenv"]
        for name, value in scrubbed_environment(INSIDE_STUDENT_ROOT, "/tmp").items():
            argv += ["--setenv", name, value]
        argv += [python, "-I", "-S", f"{INSIDE_RUNTIME}/worker.py", json.dumps(config)]
        return WorkerCommand(argv, {}, str(student_root), uid)
    config.update(student_root=str(student_root), numpy_path=str(private_numpy_site),
                  module_paths=[str(student_root / folder) for folder in module_folders])
    argv = [python, "-I", "-S", str(SANDBOX_DIR / "worker.py"), json.dumps(config)]
    environment = scrubbed_environment(str(student_root), str(student_root / PRIVATE_TMP))
    return WorkerCommand(argv, environment, str(student_root), uid)


class _Mounts(list):
    """bwrap mount arguments, creating the parents of each destination with mode 0755 first.

    bwrap would create missing parent folders with mode 0700, which an
    unprivileged user in the sandbox could not enter.
    """

    def __init__(self) -> None:
        super().__init__()
        self.created: set[str] = set()

    def parents_of(self, destination: str) -> None:
        for parent in reversed(Path(destination).parents):
            name = str(parent)
            if name != "/" and name not in self.created and not name.startswith("/usr"):
                self.extend(["--perms", "0755", "--dir", name])
                self.created.add(name)

    def bind(self, source: Path | str, destination: str, *, writable: bool = False) -> None:
        self.parents_of(destination)
        self.extend(["--bind" if writable else "--ro-bind", str(source), destination])


def _runtime_mounts() -> tuple[_Mounts, list[Path]]:
    """The read-only runtime (/usr, the loader's files, /lib..., the Python prefix), and the roots bound.

    Every installed package under those roots is hidden (an empty tmpfs);
    callers bind back what their process needs.
    """
    mounts = _Mounts()
    for top in ("/usr", "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d"):
        if os.path.exists(top):
            mounts.bind(top, top)
    for name in ("lib", "lib64", "lib32", "bin", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            mounts += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            mounts += ["--ro-bind", str(path), str(path)]
    prefix = Path(sys.base_prefix).resolve()
    bound_roots = [Path("/usr")]
    if not prefix.is_relative_to("/usr"):
        mounts.bind(prefix, str(prefix))
        bound_roots.append(prefix)
    for folder in _package_folders(bound_roots):   # hide every installed package, the grader included
        mounts += ["--tmpfs", str(folder)]
    return mounts, bound_roots


def _private_tmp(tmp_mib: int) -> list[str]:
    size = str(tmp_mib * 2**20)
    return ["--dev", "/dev", "--perms", "1777", "--size", size, "--tmpfs", "/tmp",
            "--perms", "1777", "--size", size, "--tmpfs", "/dev/shm"]


def _bubblewrap_mounts(student_root: Path, tmp_mib: int) -> list[str]:
    """Read-only runtime, numpy and the worker's files; the scratch copy read-write; nothing else.

    No /proc: the worker needs none, and bwrap's own command line (our paths)
    would show in /proc/1/cmdline.  /tmp and /dev/shm are tmpfs of tmp_mib each:
    they live in the machine's memory, outside the worker's address-space limit.
    """
    mounts, _ = _runtime_mounts()
    _, numpy_folders = numpy_location()
    for path in numpy_folders:                       # numpy is the one package the worker sees
        mounts.bind(path, f"{INSIDE_NUMPY}/{path.name}")
    mounts += ["--ro-bind", str(SANDBOX_DIR), INSIDE_RUNTIME, "--bind", str(student_root), INSIDE_STUDENT_ROOT]
    return [*mounts, *_private_tmp(tmp_mib)]


def bubblewrap_kernel_argv(program: list[str], *, folder: Path, read_only: list[tuple[Path, str]],
                           hidden: list[Path], environment: dict[str, str], tmp_mib: int = 256) -> list[str]:
    """The bwrap argv that runs `program` (a Jupyter kernel) with no view of the course.

    It sees the runtime as the worker does (every installed package hidden),
    then what `read_only` binds (source, destination inside: the virtual
    environment with the kernel's packages, the connection file), `folder`
    read-write at its own path as its working folder, a private /tmp.  Each
    path of `hidden` (the course, this package's own folder) that a bind would
    show is covered by an empty tmpfs; a working folder or a bind that would
    show one whole is refused.  Unlike the worker it shares the network namespace: the kernel
    talks ZeroMQ over TCP on the loopback with the Jupyter client outside.  It
    runs as an unprivileged user (65534) of a user namespace it cannot nest,
    without capabilities even when started by root, with the worker's scrubbed
    environment (HOME and TMPDIR in its /tmp) plus `environment`.
    """
    folder = folder.resolve()
    hidden = [path.resolve() for path in hidden]
    bound = [Path(destination) for _, destination in read_only]
    for path in hidden:
        if path.is_relative_to(folder) or path in bound:
            raise UserError(f"the kernel would see {path}: run it in a folder outside the course", folder)
    mounts, runtime = _runtime_mounts()
    mounts += _private_tmp(tmp_mib)   # first: a bind under /tmp (a connection file, the folder) goes on top
    for source, destination in read_only:
        mounts.bind(source, destination)
    mounts.bind(folder, str(folder), writable=True)
    for path in hidden:   # last, so that no bind shows it again
        if path.exists() and any(path.is_relative_to(root) for root in [*runtime, *bound]):
            mounts += ["--tmpfs", str(path)]
    argv = [shutil.which("bwrap") or "bwrap", *mounts,
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--unshare-user", "--uid", "65534", "--gid", "65534", "--disable-userns",
            "--die-with-parent", "--chdir", str(folder), "--clearenv"]
    for name, value in {**scrubbed_environment("/tmp", "/tmp"), **environment}.items():
        argv += ["--setenv", name, value]
    return [*argv, *program]


def check_workers_reach_temporary_folder(mode: IsolationMode) -> None:
    """A `UserError` naming the temporary folder when a worker could not enter its scratch folder there.

    Without bubblewrap, a grader that runs as root starts each worker as a user of its own, which must pass
    through every folder above its scratch folder (made under TMPDIR).  A TMPDIR inside a private folder
    (mode 0700, a home folder say) would turn every submission into a grading error; this says why at once.
    """
    if mode == IsolationMode.BUBBLEWRAP or os.geteuid() != 0:   # bubblewrap mounts the scratch folder itself
        return
    folder = Path(tempfile.gettempdir()).resolve()
    for path in [*reversed(folder.parents), folder]:
        permissions = path.stat().st_mode
        if not permissions & stat.S_IXOTH:
            raise UserError(f"the workers run as users of their own here ({mode.value}) and cannot enter this "
                            f"temporary folder: {path} is closed to other users (mode {permissions & 0o777:o}); "
                            "set TMPDIR to a folder anyone can enter, such as /tmp", folder)


def close_to_other_users(root: Path) -> None:
    """Make a folder unreachable by other users: the course checkout (reference, suites, quiz keys, .git)
    without a sandbox, a batch's SUBMISSIONS and OUT.

    Only the permission bits for "others" of the top folder are removed: the
    worker's private user id is such an other user and can no longer enter it.
    The worker imports numpy and its own code before it switches user, so it
    needs nothing from inside the checkout afterwards.
    """
    mode = root.stat().st_mode
    if mode & 0o007:
        os.chmod(root, mode & ~0o007)


def make_private_numpy_site(folder: Path) -> Path:
    """A folder with links to numpy only, for the worker's import path outside bubblewrap."""
    folder.mkdir(parents=True, exist_ok=True)
    _, numpy_folders = numpy_location()
    for path in numpy_folders:
        link = folder / path.name
        if not link.exists():
            link.symlink_to(path, target_is_directory=True)
    return folder
