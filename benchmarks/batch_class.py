"""Benchmark: grade a generated class of 200 varied submissions with `autograder batch`.

The class mixes what a real class hands in: right solutions (the reference, and
the loop-based example that is right in another way), partly right ones (the
reference with one to three catalogued mistakes from tests/fixtures/mistakes),
untouched stubs, the example that does not import, corrupt zips, and hostile
code from tests/fixtures/hostile (infinite loop, memory bomb, fork bomb, exit at
import, huge output).  It is graded with -j 1 and with -j 2, each in a fresh
output folder, and the script prints submissions per second, wall time and the
peak memory (RSS) of the batch process and of its largest child.

Target (issue 4, on the 2-core reference machine): 200 graded in <= 2 minutes with -j 2.
Run: .venv/bin/python benchmarks/batch_class.py [class size]
"""
from __future__ import annotations

import csv
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RELATIVE_IMPORT = re.compile(r"^from \.(\w+) import ", re.MULTILINE)
HOSTILE = ["infinite_loop", "memory_bomb", "fork_bomb", "os_exit_at_import", "gigabytes_of_output",
           "syntax_error", "deep_recursion", "child_left_running"]


def reference_modules() -> dict[tuple[str, str], str]:
    modules = {}
    for path in sorted((ROOT / "reference").glob("*/*.py")):
        if path.name != "__init__.py":
            modules[(path.parent.name, path.stem)] = RELATIVE_IMPORT.sub(r"from \1 import ", path.read_text())
    return modules


def write(folder: Path, modules: dict[tuple[str, str], str]) -> None:
    for (part, module), source in modules.items():
        (folder / part).mkdir(parents=True, exist_ok=True)
        (folder / part / f"{module}.py").write_text(source)


def make_class(folder: Path, size: int, seed: int = 5, kind_of: dict[str, str] | None = None) -> dict[str, int]:
    """Write the class into folder; kind_of (if given) gets each student's kind, by student id."""
    rng = random.Random(seed)
    reference = reference_modules()
    mistakes = sorted(path for path in (ROOT / "tests" / "fixtures" / "mistakes").glob("*/*") if path.is_dir())
    kinds = (["right"] * 30 + ["right_other_way"] * 5 + ["partly_right"] * 35 + ["stubs"] * 12
             + ["example_partly_right"] * 8 + ["does_not_import"] * 3 + ["corrupt_zip"] * 2 + ["hostile"] * 5)
    counts: dict[str, int] = {}
    for index in range(size):
        kind = kinds[index % len(kinds)]
        counts[kind] = counts.get(kind, 0) + 1
        student = folder / f"student{index:03d}"
        if kind_of is not None:
            kind_of[student.name] = kind
        if kind == "right":
            write(student, reference)
        elif kind == "right_other_way":
            shutil.copytree(ROOT / "examples" / "submissions" / "full_marks", student)
        elif kind == "example_partly_right":
            shutil.copytree(ROOT / "examples" / "submissions" / "partly_right", student)
        elif kind == "does_not_import":
            shutil.copytree(ROOT / "examples" / "submissions" / "does_not_import", student)
        elif kind == "stubs":
            for part in ("nn", "word2vec", "scaling"):
                shutil.copytree(ROOT / "assignments" / part, student / part,
                                ignore=shutil.ignore_patterns("*.md", "*.yaml", ".*"))
        elif kind == "corrupt_zip":
            student.with_suffix(".zip").write_bytes(b"PK\x03\x04 truncated")
        else:
            modules = dict(reference)
            chosen = ([ROOT / "tests" / "fixtures" / "hostile" / rng.choice(HOSTILE)] if kind == "hostile"
                      else rng.sample(mistakes, rng.randint(1, 3)))
            if kind == "hostile" and kind_of is not None:
                kind_of[student.name] = f"hostile ({chosen[0].name})"
            for case in chosen:
                part = "nn" if kind == "hostile" else case.parent.name
                for override in case.glob("*.py"):
                    key = (part, override.stem)
                    modules[key] = modules[key] + "\n\n" + override.read_text().replace("{REFERENCE}", "/nowhere") \
                        .replace("{SUBMISSION}", "/nowhere").replace("{REPOSITORY}", "/nowhere")
            write(student, modules)
    return counts


def run_batch(submissions: Path, output: Path, jobs: int) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) of the largest process of the batch's tree, and gradebook rows."""
    command = [str(Path(sys.executable).parent / "autograder"), "batch", str(submissions), "-o", str(output),
               "-j", str(jobs), "--no-progress"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    errors = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"batch failed with status {os.waitstatus_to_exitcode(status)}:\n{errors[-1000:]!r}")
    rows = (output / "gradebook.csv").read_text().count("\n") - 1
    return wall, usage.ru_maxrss / 1024, rows


def grading_seconds(output: Path, kinds: dict[str, str]) -> tuple[float, float, str]:
    """Median grading time of the honest submissions, and the slowest hostile one (seconds, student)."""
    with open(output / "gradebook.csv", newline="") as stream:
        seconds = {row["student"]: float(row["grading_seconds"]) for row in csv.DictReader(stream)}
    hostile = [(time, f"{student}, {kinds[student]}") for student, time in seconds.items()
               if kinds.get(student, "").startswith("hostile")]
    honest = [time for student, time in seconds.items() if kinds.get(student, "hostile") not in ("corrupt_zip",)
              and not kinds.get(student, "hostile").startswith("hostile")]
    slowest = max(hostile)
    return statistics.median(honest), slowest[0], slowest[1]


def main(sizes: list[int]) -> None:
    jobs_list = [int(jobs) for jobs in os.environ.get("JOBS", "2").split(",")]
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            submissions = Path(folder) / "class"
            submissions.mkdir()
            kinds: dict[str, str] = {}
            counts = make_class(submissions, size, kind_of=kinds)
            print(f"class of {size}: " + ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items())))
            for jobs in jobs_list:
                load = os.getloadavg()[0]
                output = Path(folder) / f"out-j{jobs}"
                wall, peak, rows = run_batch(submissions, output, jobs)
                honest, hostile, who = grading_seconds(output, kinds)
                print(f"-j {jobs}: {rows} rows in {wall:.1f} s = {rows / wall:.2f} submissions/s"
                      + ("   (target: 200 in <= 60 s)" if jobs == 2 else "")
                      + f"; load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
                print(f"      peak RSS of the largest process of the batch: {peak:.0f} MiB; grading time: median honest "
                      f"{honest:.2f} s, slowest hostile {hostile:.2f} s ({who}, {hostile / honest:.1f}x; target <= 3x)")


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or [200])
