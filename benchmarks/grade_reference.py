"""Benchmark: one whole-week `autograder grade` of the reference, against `python -c "import numpy"`.

The reference solution of all three parts is graded as a student submission,
start to exit (Python start-up, imports, the worker, every part, the JSON
report), alternately with a bare `python -c "import numpy"` in the same
interpreter, `runs` times each, so both see the same load.  Prints the medians,
their ratio (target: grade at most 4x the numpy import), the peak memory (RSS)
of each (the largest process of its tree), the load average, and the worker's
start-up time (launch to first message) measured in-process.

With BASELINE=<another checkout of this project> (a `git worktree add` of an
older commit, say), that checkout's `grade` runs in the same rounds too, and
the script prints both and their ratio: the machine's speed drifts during the
day (up to 2x here), so comparing runs from different hours says little.

Run: [BASELINE=../old] .venv/bin/python benchmarks/grade_reference.py [runs]
"""
from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import Limits, grade_submission, load_parts  # noqa: E402
from autograder.grading.boundary import WorkerProcess, choose_mode  # noqa: E402

RELATIVE_IMPORT = re.compile(r"^from \.(\w+) import ", re.MULTILINE)
BIN = Path(sys.executable).parent


def reference_submission(folder: Path) -> Path:
    for part in load_parts():
        (folder / part.name).mkdir(parents=True)
        for module in part.modules:
            source = (ROOT / "reference" / part.name / f"{module}.py").read_text()
            (folder / part.name / f"{module}.py").write_text(RELATIVE_IMPORT.sub(r"from \1 import ", source))
    return folder


def timed(argv: list[str], cwd: Path | str = ROOT) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB, the largest process of the tree) and stdout of one command.

    The peak comes from GNU time when it is installed: a child forked from this
    process would otherwise report this process's own, larger, peak.
    """
    time_command = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").is_file() else []
    started = time.perf_counter()
    process = subprocess.run(time_command + argv, capture_output=True, cwd=cwd)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {process.returncode}:\n{process.stderr[-400:]!r}")
    peak_kib = int(process.stderr.decode().split()[-1]) if time_command else \
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kib / 1024, process.stdout.decode()


def worker_startup(submission: Path, runs: int) -> list[float]:
    times = []
    mode = choose_mode()
    for _ in range(runs):
        worker = WorkerProcess(submission, ["nn", "word2vec", "scaling"], Limits(), mode)
        worker.start()
        worker.request({"op": "ping"}, [], 20)
        times.extend(worker.startup_seconds)
        worker.close()
    return times


def checkout_grade(checkout: Path, submission: Path) -> list[str]:
    """`autograder grade` of the package in checkout (this one or BASELINE's), run from a neutral folder."""
    return ["env", f"PYTHONPATH={checkout}", sys.executable, "-m", "autograder", "grade", str(submission),
            "--format", "json"]


def main(runs: int = 9) -> None:
    baseline = Path(os.environ["BASELINE"]).resolve() if os.environ.get("BASELINE") else None
    # the bytecode scripts/setup.sh writes: with PYTHONDONTWRITEBYTECODE set, an editable install would
    # otherwise compile the package from source in every run (about 0.2 s of CPU), which no installed grader does
    for checkout in [ROOT] + ([baseline] if baseline else []):
        subprocess.run([sys.executable, "-m", "compileall", "-q", "autograder", "reference"], cwd=checkout,
                       check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as folder:
        submission = reference_submission(Path(folder) / "submission")
        grade_submission(submission)   # warm the file-system cache
        load_before = os.getloadavg()[0]
        numpy_runs, grade_runs, baseline_runs = [], [], []
        for _ in range(runs):
            numpy_runs.append(timed([sys.executable, "-c", "import numpy"]))
            if baseline:   # both checkouts the same way: python -m autograder, from a folder of neither
                grade_runs.append(timed(checkout_grade(ROOT, submission), cwd=folder))
                baseline_runs.append(timed(checkout_grade(baseline, submission), cwd=folder))
            else:
                grade_runs.append(timed([str(BIN / "autograder"), "grade", str(submission), "--format", "json"]))
            for run in grade_runs[-1:] + baseline_runs[-1:]:
                if '"score": 100.0' not in run[2]:
                    raise SystemExit(f"grading the reference did not give 100 points:\n{run[2][:400]}")
        startups = worker_startup(submission, runs)
    numpy_wall, grade_wall = (statistics.median(run[0] for run in runs_) for runs_ in (numpy_runs, grade_runs))
    print(f"isolation: {choose_mode()}; {runs} interleaved runs each; reference submission, all three parts (100 points)")
    print(f"load average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"python -c 'import numpy':   median {numpy_wall:.3f} s, peak RSS {max(run[1] for run in numpy_runs):.0f} MiB")
    print(f"autograder grade (JSON):    median {grade_wall:.3f} s, worst {max(run[0] for run in grade_runs):.3f} s, "
          f"peak RSS {max(run[1] for run in grade_runs):.0f} MiB")
    print(f"ratio grade / numpy import: {grade_wall / numpy_wall:.1f}x   (target: at most 4x)")
    print(f"worker start-up (in-process): median {statistics.median(startups):.3f} s, worst {max(startups):.3f} s")
    if baseline:
        baseline_wall = statistics.median(run[0] for run in baseline_runs)
        print(f"BASELINE {baseline}: grade median {baseline_wall:.3f} s ({baseline_wall / numpy_wall:.1f}x the numpy "
              f"import); this checkout / baseline: {grade_wall / baseline_wall:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
