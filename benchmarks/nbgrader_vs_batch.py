"""Benchmark: a typical nbgrader course against `autograder batch`, on the same 20 notebooks.

The nbgrader side is what a course would switch from: the nn notebook with one
answer cell per function and, under each, a test cell of plain asserts
(`assert np.allclose(relu(...), np.array([...]))`, the expected values pasted in
as literals, the hidden ones between `### BEGIN/END HIDDEN TESTS`), worth the
function's points; no cell imports this package.  The source notebook is
notebooks/nn.ipynb with its hidden block (which calls this package) replaced by
such asserts, computed here from the reference.

Each of the 20 submissions is that course's released notebook with only `relu`
written (in one of five ways).  Timed, alternately, `runs` times each:
- `nbgrader autograde week5` (a kernel per notebook) on submitted/<student>/week5/nn.ipynb;
- `autograder batch <course> -o OUT -j 2 --part nn` on the same submitted/ tree (a fresh OUT each time).

Prints the medians, the ratio (target: ours at least 10x nbgrader's throughput),
the load average, and whether the two give every student the same points.
Run: .venv/bin/python benchmarks/nbgrader_vs_batch.py [students] [runs]
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from autograder.course import load_reference  # noqa: E402

BIN = Path(sys.executable).parent
ASSIGNMENT = "week5"
RELU_BODIES = [
    "    return np.maximum(np.asarray(s, dtype=np.float64), 0.0)\n",
    "    s = np.asarray(s, dtype=np.float64)\n    return np.where(s > 0, s, 0.0)\n",
    "    s = np.array(s, dtype=np.float64)\n    s[s < 0] = 0.0\n    return s\n",
    "    s = np.asarray(s, dtype=np.float64)\n    return s * (s > 0)\n",
    "    # ReLU: keep the positive part\n    return np.clip(np.asarray(s, dtype=np.float64), 0.0, None)\n",
]

# The hidden tests an instructor would write: calls whose results the reference gives (pasted as literals).
_X = "np.array([[0.5, -1.0], [2.0, 0.3], [-0.7, 1.2], [0.0, 0.0]])"
_P = ("{'W1': np.array([[0.4, -0.2, 0.9], [-1.1, 0.5, 0.3]]), 'b1': np.array([0.1, -0.3, 0.0]), "
      "'W2': np.array([[1.2], [-0.7], [0.5]]), 'b2': np.array([0.05])}")
_Y = "np.array([1.0, 0.0, 1.0, 0.0])"
_XOR = "np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])"
_GRID = "np.array([[-3.0, -0.5, 0.0], [0.25, 1.0, 40.0]])"
HIDDEN_CALLS = {
    **{name: [f"{name}({_GRID})", f"{name}(np.linspace(-6.0, 6.0, 7))"]
       for name in ("linear", "sign", "sigmoid", "relu", "tanh", "sigmoid_grad", "relu_grad", "tanh_grad")},
    "dense_forward": [f"dense_forward({_X}, {_P}['W1'], {_P}['b1'])"],
    "forward": [f"forward({_X}, {_P})"],
    "bce_loss": ["bce_loss(np.array([[0.8], [0.1], [0.55], [0.3]]), " + _Y + ")"],
    "backward": [f"backward({_Y}, {_P}, forward({_X}, {_P})[1])"],
    "collapse_linear": [f"collapse_linear({_P}['W1'], {_P}['b1'], np.array([[1.0], [2.0], [-1.0]]), np.array([0.5]))"],
    "iterations_per_epoch": ["iterations_per_epoch(1001, 50)", "iterations_per_epoch(0, 8)"],
    "minibatch_indices": ["np.sort(np.concatenate(minibatch_indices(10, 3, np.random.default_rng(1))))",
                          "[len(batch) for batch in minibatch_indices(10, 3, np.random.default_rng(1))]"],
    "sgd_step": [f"sgd_step({_P}, {_P}, 0.5)"],
    "train": [f"train({_XOR}, np.array([0.0, 1.0, 1.0, 0.0]), 8, 0.5, 5, 2, 3)"],
    "predict": [f"predict({_X}, {_P})"],
}


def literal(value) -> str:
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, np.generic):
        return repr(value.item())
    return repr(value)


def asserts(expression: str, expected) -> list[str]:
    """Plain asserts that `expression` gives `expected`, one per array or number."""
    if isinstance(expected, dict):
        return [line for key, item in expected.items() for line in asserts(f"{expression}[{key!r}]", item)]
    if isinstance(expected, (tuple, list)) and any(isinstance(item, (dict, tuple, list, np.ndarray)) for item in expected):
        return [line for index, item in enumerate(expected) for line in asserts(f"{expression}[{index}]", item)]
    if isinstance(expected, (int, np.integer)) and not isinstance(expected, bool):
        return [f"assert {expression} == {int(expected)}"]
    return [f"assert np.allclose({expression}, {literal(expected)})"]


def hidden_block(name: str, namespace: dict) -> str:
    lines = []
    for call in HIDDEN_CALLS[name]:
        expected = eval(call, namespace)   # the benchmark's own expressions, run on the reference
        if call.startswith(f"{name}("):
            lines.append(f"got = {call}")
            lines += asserts("got", expected)
        else:
            lines += asserts(call, expected)
    return "\n".join(lines)


def typical_source_notebook() -> nbformat.NotebookNode:
    """notebooks/nn.ipynb with each hidden block (a call into this package) replaced by plain asserts."""
    namespace: dict = {"np": np}
    for module in ("activations", "network"):
        reference = load_reference("nn", module)
        namespace.update({name: getattr(reference, name) for name in dir(reference) if not name.startswith("__")})
    notebook = nbformat.read(ROOT / "notebooks" / "nn.ipynb", as_version=4)
    for cell in notebook.cells:
        found = re.search(r"### BEGIN HIDDEN TESTS\n.*?check\('\w+\.(\w+)'\)\n### END HIDDEN TESTS", cell.source, re.S)
        if found:
            block = f"### BEGIN HIDDEN TESTS\n{hidden_block(found.group(1), namespace)}\n### END HIDDEN TESTS"
            cell.source = cell.source.replace(found.group(0), block)
            cell.source = cell.source.replace("the hidden tests run when the notebook is graded", "more tests when graded")
    assert not any("import" in cell.source and "autograder" in cell.source for cell in notebook.cells
                   if cell.cell_type == "code"), "a test cell still calls this package"
    return notebook


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


def nbgrader_points(course: Path, names: list[str]) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {name: gradebook.find_submission_notebook("nn", ASSIGNMENT, name).score for name in names}


def our_points(output: Path) -> dict[str, float]:
    with open(output / "gradebook.csv", newline="") as stream:
        return {row["student"]: float(row["nn"]) for row in csv.DictReader(stream)}


def make_course(base: Path, source: nbformat.NotebookNode, students: int) -> tuple[Path, dict, list[str]]:
    """An nbgrader course in base with source as its nn notebook, released, and the ReLU-only submissions.

    Returns the course folder, the environment to run nbgrader in, and the student names.
    """
    course = base / "course"
    env = environment(base)
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'week5'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course / 'gradebook.db'}'\n"
        "c.ExecutePreprocessor.timeout = 300\nc.ExecutePreprocessor.kernel_name = 'python3'\n")
    nbformat.write(source, course / "source" / ASSIGNMENT / "nn.ipynb")
    run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, f"--CourseDirectory.root={course}"], course, env)
    names = [f"student{number:02d}" for number in range(1, students + 1)]
    for number, name in enumerate(names):
        folder = course / "submitted" / name / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(relu_only(course / "release" / ASSIGNMENT / "nn.ipynb", number), folder / "nn.ipynb")
    return course, env, names


def main(students: int = 20, runs: int = 3) -> None:
    base = Path(tempfile.mkdtemp(prefix="nbgrader-vs-batch-"))
    try:
        course, env, names = make_course(base, typical_source_notebook(), students)
        nbgrader = [str(BIN / "nbgrader")]
        root_option = f"--CourseDirectory.root={course}"
        print(f"{students} ReLU-only notebook submissions of part nn (a typical nbgrader course: plain asserts), "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
        theirs, ours = [], []
        for attempt in range(runs):
            theirs.append(run(nbgrader + ["autograde", ASSIGNMENT, root_option, "--force"], course, env))
            output = base / f"out-{attempt}"
            ours.append(run([str(BIN / "autograder"), "batch", str(course), "-o", str(output), "-j", "2",
                             "--part", "nn", "--no-progress"], course, env))
        nbgrader_seconds, our_seconds = statistics.median(theirs), statistics.median(ours)
        print(f"nbgrader autograde:     median {nbgrader_seconds:6.1f} s of {runs}  "
              f"({nbgrader_seconds / students:.2f} s per notebook)")
        print(f"autograder batch -j 2:  median {our_seconds:6.1f} s of {runs}  ({our_seconds / students:.2f} s per notebook)")
        print(f"throughput, ours / nbgrader's: {nbgrader_seconds / our_seconds:.1f}x  (target: at least 10x)")
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
        their_points, our_points_now = nbgrader_points(course, names), our_points(base / "out-0")
        same = all(abs(our_points_now[name] - their_points[name]) < 1e-9 for name in names)
        print(f"same points for every student: {'yes' if same else 'NO'} "
              f"(nbgrader: {sorted(set(their_points.values()))}, ours: {sorted(set(our_points_now.values()))})")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:3]))
