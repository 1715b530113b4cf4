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

import random
import re
import resource
import shutil
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


def make_class(folder: Path, size: int, seed: int = 5) -> dict[str, int]:
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
            for case in chosen:
                part = "nn" if kind == "hostile" else case.parent.name
                for override in case.glob("*.py"):
                    key = (part, override.stem)
                    modules[key] = modules[key] + "\n\n" + override.read_text().replace("{REFERENCE}", "/nowhere") \
                        .replace("{SUBMISSION}", "/nowhere").replace("{REPOSITORY}", "/nowhere")
            write(student, modules)
    return counts


def run_batch(submissions: Path, output: Path, jobs: int) -> tuple[float, float, float]:
    command = [str(Path(sys.executable).parent / "autograder"), "batch", str(submissions), "-o", str(output),
               "-j", str(jobs), "--no-progress"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"batch failed with status {process.returncode}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = (output / "gradebook.csv").read_text().count("\n") - 1
    return wall, children, rows


def main(size: int = 200) -> None:
    with tempfile.TemporaryDirectory() as folder:
        submissions = Path(folder) / "class"
        submissions.mkdir()
        counts = make_class(submissions, size)
        print(f"class of {size}: " + ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items())))
        for jobs in (1, 2):
            wall, peak, rows = run_batch(submissions, Path(folder) / f"out-j{jobs}", jobs)
            print(f"-j {jobs}: {rows} rows in {wall:.1f} s = {rows / wall:.2f} submissions/s; "
                  f"peak RSS of the largest process so far {peak:.0f} MiB"
                  + ("   (target: 200 in <= 120 s)" if jobs == 2 else ""))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
