"""Benchmark: grade the reference solution for the whole week, as a student submission.

Prints, over several runs (median and worst):
- wall time of one `autograder grade SUBMISSION --format json` process, start to exit
  (Python start-up, imports, worker, all three parts), and its peak memory (RSS),
- the worker's start-up time (from launch to its first message), measured in-process.

Targets (issue 3, on the 2-core reference machine): ≤ 1.0 s wall per submission,
worker start-up ≤ 0.25 s.  Run: .venv/bin/python benchmarks/grade_reference.py [runs]
"""
from __future__ import annotations

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


def reference_submission(folder: Path) -> Path:
    for part in load_parts():
        (folder / part.name).mkdir(parents=True)
        for module in part.modules:
            source = (ROOT / "reference" / part.name / f"{module}.py").read_text()
            (folder / part.name / f"{module}.py").write_text(RELATIVE_IMPORT.sub(r"from \1 import ", source))
    return folder


def one_process(submission: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one grading process and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    run = subprocess.run([str(Path(sys.executable).parent / "autograder"), "grade", str(submission), "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if run.returncode != 0 or '"score": 100.0' not in run.stdout:
        raise SystemExit(f"grading the reference did not give 100 points:\n{run.stdout[:400]}\n{run.stderr[-400:]}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return wall, peak


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


def main(runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as folder:
        submission = reference_submission(Path(folder))
        grade_submission(submission)   # warm the file-system cache
        walls, peaks = zip(*(one_process(submission) for _ in range(runs)))
        startups = worker_startup(submission, runs)
        in_process = []
        for _ in range(runs):
            result = grade_submission(submission)
            in_process.append(result.execution_time)
    print(f"isolation: {choose_mode()}; {runs} runs; reference submission, all three parts (100 points)")
    print(f"autograder grade process wall time: median {statistics.median(walls):.3f} s, worst {max(walls):.3f} s"
          f"   (target <= 1.0 s)")
    print(f"  of which grading (in-process): median {statistics.median(in_process):.3f} s")
    print(f"peak memory (RSS, largest process): {max(peaks):.0f} MiB")
    print(f"worker start-up: median {statistics.median(startups):.3f} s, worst {max(startups):.3f} s   (target <= 0.25 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
