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

Prints both wall times, their ratio (target: ours at least 10x faster) and
whether the two agree on every student's points.
Run: .venv/bin/python benchmarks/nbgrader_engine_cells_vs_batch.py [students]
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ASSIGNMENT = "week5"
RELU_BODIES = [
    "    return np.maximum(np.asarray(s, dtype=np.float64), 0.0)\n",
    "    s = np.asarray(s, dtype=np.float64)\n    return np.where(s > 0, s, 0.0)\n",
    "    s = np.array(s, dtype=np.float64)\n    s[s < 0] = 0.0\n    return s\n",
    "    s = np.asarray(s, dtype=np.float64)\n    return s * (s > 0)\n",
    "    # ReLU: keep the positive part\n    return np.clip(np.asarray(s, dtype=np.float64), 0.0, None)\n",
]
def relu_only(release: Path, student: int) -> nbformat.NotebookNode:
    """The released notebook with relu written in the student's own way, everything else untouched."""
    notebook = nbformat.read(release, as_version=4)
    cell = next(cell for cell in notebook.cells if cell.id == "activations-relu")
    docstring_end = cell.source.index('"""', cell.source.index('"""') + 3) + 3
    cell.source = cell.source[:docstring_end] + "\n" + RELU_BODIES[student % len(RELU_BODIES)]
    return notebook


def environment(base: Path) -> dict:
    jupyter = base / "jupyter"
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", str(jupyter), "--name", "python3"],
                   check=True, capture_output=True)
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "JUPYTER_PATH": str(jupyter / "share" / "jupyter"), "JUPYTER_CONFIG_DIR": str(base / "config"),
            "JUPYTER_DATA_DIR": str(base / "data"), "JUPYTER_PLATFORM_DIRS": "1"}


def run(argv: list[str], cwd: Path, env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv[:3])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def main(students: int = 20) -> None:
    base = Path(tempfile.mkdtemp(prefix="nbgrader-vs-batch-"))
    try:
        course = base / "course"
        env = environment(base)
        (course / "source" / ASSIGNMENT).mkdir(parents=True)
        (course / "nbgrader_config.py").write_text(
            "c = get_config()\nc.CourseDirectory.course_id = 'week5'\n"
            f"c.CourseDirectory.db_url = 'sqlite:///{base / 'gradebook.db'}'\n"
            "c.ExecutePreprocessor.timeout = 300\nc.ExecutePreprocessor.kernel_name = 'python3'\n")
        shutil.copy(ROOT / "notebooks" / "nn.ipynb", course / "source" / ASSIGNMENT)
        nbgrader = [str(BIN / "nbgrader")]
        run(nbgrader + ["generate_assignment", ASSIGNMENT, f"--CourseDirectory.root={course}"], course, env)
        names = [f"student{number:02d}" for number in range(1, students + 1)]
        for number, name in enumerate(names):
            folder = course / "submitted" / name / ASSIGNMENT
            folder.mkdir(parents=True)
            nbformat.write(relu_only(course / "release" / ASSIGNMENT / "nn.ipynb", number), folder / "nn.ipynb")

        print(f"{students} ReLU-only notebook submissions of part nn, {os.cpu_count()} cores")
        nbgrader_seconds = run(nbgrader + ["autograde", ASSIGNMENT, f"--CourseDirectory.root={course}"], course, env)
        print(f"nbgrader autograde:          {nbgrader_seconds:7.1f} s  ({nbgrader_seconds / students:.2f} s per notebook)")
        ours_seconds = run([str(BIN / "autograder"), "batch", str(course), "-o", str(base / "out"), "-j", "2", "--part", "nn",
                                      "--no-progress"], course, env)
        print(f"autograder batch -j 2:       {ours_seconds:7.1f} s  ({ours_seconds / students:.2f} s per notebook)")
        print(f"ratio nbgrader / ours:       {nbgrader_seconds / ours_seconds:7.1f}x  (target: at least 10x)")
        print(f"same points for every student: {'yes' if agree(course, base / 'out', names) else 'NO'}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def agree(course: Path, output: Path, names: list[str]) -> bool:
    from nbgrader.api import Gradebook

    with open(output / "gradebook.csv", newline="") as stream:
        ours = {row["student"]: float(row["nn"]) for row in csv.DictReader(stream)}
    with Gradebook(f"sqlite:///{course.parent / 'gradebook.db'}") as gradebook:
        theirs = {name: gradebook.find_submission_notebook("nn", ASSIGNMENT, name).score for name in names}
    # nbgrader gives a function's points only when it is fully correct; here only relu is written
    return all(abs(ours[name] - theirs[name]) < 1e-9 for name in names)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
