"""Benchmark (not the baseline a course switches from): nbgrader notebooks whose test cells call this package.

For the comparison with a typical nbgrader course (plain asserts in the test
cells, no import of this package) see `nbgrader_vs_batch.py`; this one times
the notebooks `autograder notebooks build` makes, whose hidden test cells run
this package's engine in the kernel, so both sides pay for the same grading.

The same 20 notebook submissions graded by `nbgrader autograde` and by `autograder batch`.

Each submission is the released nn notebook with only `relu` filled in (written
slightly differently by each student).  Both graders get the same .ipynb files:

- nbgrader: a temporary course (notebooks/nn.ipynb as its source,
  `nbgrader generate_assignment`, the files in submitted/<student>/week5/),
  then `nbgrader autograde week5`, timed: a kernel per notebook, whose hidden
  test cells call this package's engine;
- ours: `autograder batch <course> -o OUT -j 2 --part nn`, timed, reading the
  same submitted/ tree.

Then times the secure nbgrader workflow of the README: `nbgrader autograde --force`
in the sandboxed kernel (`autograder nbgrader install-kernel`), then
`autograder nbgrader autograde`.  Prints the wall times, the ratio of the first
two and whether they all agree on every student's points.
Run: .venv/bin/python benchmarks/nbgrader_engine_cells_vs_batch.py [students]
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ASSIGNMENT = "week5"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbgrader_vs_batch import make_course, nbgrader_points, our_points, run  # noqa: E402  (the same course set-up)


def main(students: int = 20) -> None:
    base = Path(tempfile.mkdtemp(prefix="nbgrader-vs-batch-"))
    try:
        course, env, names = make_course(base, nbformat.read(ROOT / "notebooks" / "nn.ipynb", as_version=4), students)
        nbgrader = [str(BIN / "nbgrader")]
        print(f"{students} ReLU-only notebook submissions of part nn, {os.cpu_count()} cores")
        nbgrader_seconds = run(nbgrader + ["autograde", ASSIGNMENT, f"--CourseDirectory.root={course}"], course, env)
        print(f"nbgrader autograde:          {nbgrader_seconds:7.1f} s  ({nbgrader_seconds / students:.2f} s per notebook)")
        ours_seconds = run([str(BIN / "autograder"), "batch", str(course), "-o", str(base / "out"), "-j", "2", "--part", "nn",
                                      "--no-progress"], course, env)
        print(f"autograder batch -j 2:       {ours_seconds:7.1f} s  ({ours_seconds / students:.2f} s per notebook)")
        print(f"ratio nbgrader / ours:       {nbgrader_seconds / ours_seconds:7.1f}x  (target: at least 10x)")
        print(f"same points for every student: {'yes' if agree(course, base / 'out', names) else 'NO'}")
        # the secure workflow of the README: nbgrader's own run in the sandboxed kernel, then ours
        subprocess.run([str(BIN / "autograder"), "nbgrader", "install-kernel", "--prefix", str(base / "jupyter")],
                       check=True, capture_output=True)
        root = f"--CourseDirectory.root={course}"
        sandboxed = run(nbgrader + ["autograde", ASSIGNMENT, root, "--force",
                                    "--ExecutePreprocessor.kernel_name=autograder-sandbox"], course, env)
        print(f"nbgrader autograde, sandboxed kernel: {sandboxed:7.1f} s")
        grades = run([str(BIN / "autograder"), "nbgrader", "autograde", str(course), ASSIGNMENT], course, env)
        print(f"autograder nbgrader autograde:        {grades:7.1f} s  (secure workflow: {sandboxed + grades:.1f} s)")
        print(f"same points for every student: {'yes' if agree(course, base / 'out', names) else 'NO'}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def agree(course: Path, output: Path, names: list[str]) -> bool:
    # nbgrader gives a function's points only when it is fully correct; here only relu is written
    ours, theirs = our_points(output), nbgrader_points(course, names)
    return all(abs(ours[name] - theirs[name]) < 1e-9 for name in names)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
