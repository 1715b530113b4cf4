"""The kernel nbgrader's autograde runs the notebooks in: ipykernel in bubblewrap, with no view of the course.

`autograder nbgrader install-kernel` installs a Jupyter kernel spec whose
command is this module, run by this package's Python with `-I` (so nothing in
the notebook's folder, such as a student's own `autograder/` package, is
imported by it).  It execs bwrap around ipykernel
(`autograder.grading.boundary.bubblewrap_kernel_argv`): the kernel sees the
runtime, this Python's installed packages, its connection file and the
notebook's own folder (read-write); the course folder (reference/, the
suites, the quiz keys) and this package's folder are not there.  In their
place `autograder.notebooks.kernel` is `autograder/sandbox/notebook_check.py`,
whose `check()` only says that the hidden tests run in the instructor's
grader (`autograder nbgrader autograde`).

It refuses to start without bubblewrap (the kernel dies and nbgrader reports
it) rather than run a student's notebook next to the course.
"""
from __future__ import annotations

import json
import os
import site
import sys
import tempfile
from pathlib import Path

from .. import sandbox
from .._errors import UserError

KERNEL_NAME = "autograder-sandbox"
DISPLAY_NAME = "Python 3 (autograder sandbox, no course)"
_STUB_ROOT = "/opt/autograder-kernel"   # on the kernel's PYTHONPATH: autograder/notebooks/kernel.py
_STUB = Path(sandbox.__file__).resolve().parent / "notebook_check.py"


def kernel_spec() -> dict:
    """kernel.json: this module, run by this Python, with the connection file and nbgrader's extra arguments."""
    return {"argv": [sys.executable, "-I", "-m", __name__, "{connection_file}"],
            "display_name": DISPLAY_NAME, "language": "python", "interrupt_mode": "signal",
            "metadata": {"autograder": "ipykernel in bubblewrap without the course; the hidden tests run in "
                                       "`autograder nbgrader autograde`"}}


def install_kernel(name: str = KERNEL_NAME, prefix: str | None = None, user: bool = False) -> str:
    """Install the kernel spec (for all users, the user, or under prefix) and return its folder."""
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory(prefix="autograder-kernel-") as folder:
        (Path(folder) / "kernel.json").write_text(json.dumps(kernel_spec(), indent=1) + "\n", encoding="utf-8")
        return KernelSpecManager().install_kernel_spec(folder, name, user=user, prefix=prefix)


def _hidden() -> list[Path]:
    """What the kernel must not see: this package's folder and the course."""
    from ..course import course_root

    hidden = [Path(sandbox.__file__).resolve().parents[1]]
    try:
        hidden.append(course_root())
    except UserError:   # an installed package without a course folder: the package is all there is
        pass
    return hidden


def kernel_argv(connection_file: Path, arguments: list[str], folder: Path) -> list[str]:
    """bwrap around ipykernel for one connection file; arguments are nbgrader's extra kernel arguments."""
    from ..grading.boundary import bubblewrap_kernel_argv

    read_only = [(connection_file.resolve(), str(connection_file.resolve())),
                 (_STUB, f"{_STUB_ROOT}/autograder/notebooks/kernel.py")]
    venv = sys.prefix != sys.base_prefix
    if venv:   # a virtual environment: its python, pyvenv.cfg and packages
        read_only.append((Path(sys.prefix), sys.prefix))
    for packages in site.getsitepackages():   # ipykernel and its dependencies (the runtime's are hidden)
        if Path(packages).is_dir() and not (venv and Path(packages).is_relative_to(sys.prefix)):
            read_only.append((Path(packages), packages))
    program = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file.resolve()), *arguments]
    return bubblewrap_kernel_argv(program, folder=folder, read_only=read_only, hidden=_hidden(),
                                  environment={"PYTHONPATH": _STUB_ROOT, "IPYTHONDIR": "/tmp/.ipython",
                                               "MPLCONFIGDIR": "/tmp/.matplotlib", "MPLBACKEND": "Agg"})


def main(arguments: list[str]) -> int:
    """Exec the sandboxed kernel (never returns), or say why it cannot start and return 1."""
    from ..grading.boundary import bubblewrap_works

    if not arguments:
        print("usage: python -I -m autograder.notebooks._kernel_sandbox CONNECTION_FILE [KERNEL ARGUMENTS...]",
              file=sys.stderr)
        return 2
    if not bubblewrap_works():
        print("autograder: the sandboxed kernel needs bubblewrap (bwrap) that can create namespaces; "
              "refusing to run the notebook next to the course", file=sys.stderr)
        return 1
    try:
        argv = kernel_argv(Path(arguments[0]), arguments[1:], Path.cwd())
    except UserError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 1
    os.execv(argv[0], argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
