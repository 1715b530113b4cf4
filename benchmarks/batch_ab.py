"""Benchmark: this checkout's `autograder batch` against another checkout's, on one class, interleaved.

The machine's speed drifts by up to 15% within half an hour, so a change is only
measured against the previous code in the same run.  Each round grades the class
of `batch_class.py` with `-j 2` once with each checkout (alternately, each from a
folder of neither, with PYTHONPATH set to it) and prints the wall time and the
CPU time of the whole process tree, the sandboxed workers included: it is read
from a cgroup made for the run (cgroup v1 `cpuacct` or cgroup v2, which needs
root); without one, from the batch's own resource usage, which misses workers
that its children did not wait for (the line says which).  It checks and prints
that both checkouts give every student the same points.

Run: BASELINE=<another checkout> .venv/bin/python benchmarks/batch_ab.py [class size] [rounds]
"""
from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from batch_class import make_class

ROOT = Path(__file__).resolve().parents[1]
_CGROUP_V1 = Path("/sys/fs/cgroup/cpuacct")
_CGROUP_V2 = Path("/sys/fs/cgroup")


def _cpu_group(name: str) -> tuple[Path, str, str] | None:
    """(folder, file to join it, file of its CPU time) of a new cgroup, or None when none can be made here."""
    for parent, join, usage in ((_CGROUP_V1, "tasks", "cpuacct.usage"), (_CGROUP_V2, "cgroup.procs", "cpu.stat")):
        if (parent / usage).exists() or (parent / "cgroup.controllers").exists():
            try:
                (parent / name).mkdir()
            except OSError:
                continue
            return parent / name, join, usage
    return None


def _cpu_seconds(group: tuple[Path, str, str]) -> float:
    folder, _, usage = group
    text = (folder / usage).read_text()
    if usage == "cpuacct.usage":
        return int(text) / 1e9
    return int(dict(line.split() for line in text.splitlines())["usage_usec"]) / 1e6


def run_batch(checkout: Path, submissions: Path, output: Path, name: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds and how the CPU was read, for one batch with `checkout`'s package."""
    command = [sys.executable, "-m", "autograder", "batch", str(submissions), "-o", str(output), "-j", "2",
               "--no-progress"]
    environment = {**os.environ, "PYTHONPATH": str(checkout)}
    group = _cpu_group(name)
    started = time.perf_counter()
    if group is not None:   # the shell joins the cgroup, then becomes the batch: every process it starts is counted
        process = subprocess.Popen(["sh", "-c", f'echo $$ > "{group[0] / group[1]}" && exec "$@"', "sh", *command],
                                   cwd=tempfile.gettempdir(), env=environment, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
    else:
        process = subprocess.Popen(command, cwd=tempfile.gettempdir(), env=environment, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
    errors = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"batch with {checkout} failed: {errors[-1000:]!r}")
    if group is None:
        return wall, usage.ru_utime + usage.ru_stime, "the batch's own resource usage (workers may be missing)"
    cpu = _cpu_seconds(group)
    for _ in range(50):   # the group's last processes may take a moment to leave
        try:
            group[0].rmdir()
            break
        except OSError:
            time.sleep(0.1)
    return wall, cpu, "a cgroup of the whole process tree"


def points(output: Path) -> list[tuple[str, ...]]:
    with open(output / "gradebook.csv", newline="") as stream:
        rows = list(csv.DictReader(stream))
    parts = [name for name in rows[0] if name not in ("student", "folder", "status", "reason", "total", "max_points",
                                                      "grading_seconds", "submission")] if rows else []
    return sorted((row["student"], *(row[part] for part in parts), row["total"]) for row in rows)


def main(size: int, rounds: int) -> None:
    baseline = os.environ.get("BASELINE")
    if not baseline:
        raise SystemExit("set BASELINE to another checkout of this repository (a git worktree, say)")
    checkouts = {"baseline": Path(baseline).resolve(), "this": ROOT}
    with tempfile.TemporaryDirectory() as folder:
        submissions = Path(folder) / "class"
        submissions.mkdir()
        make_class(submissions, size)
        print(f"class of {size} (the mix of batch_class.py), -j 2, {rounds} interleaved rounds; "
              f"load average {os.getloadavg()[0]:.2f} at the start")
        figures: dict[str, list[tuple[float, float]]] = {label: [] for label in checkouts}
        graded: dict[str, list] = {}
        how = ""
        for round_number in range(rounds):
            for label, checkout in checkouts.items():
                output = Path(folder) / f"out-{label}-{round_number}"
                wall, cpu, how = run_batch(checkout, submissions, output, f"batch-ab-{os.getpid()}-{label}-{round_number}")
                figures[label].append((wall, cpu))
                graded.setdefault(label, points(output))
                print(f"  round {round_number + 1} {label:8s}: wall {wall:6.1f} s, CPU {cpu:6.1f} s")
        print(f"CPU read from {how}")
        for label, checkout in checkouts.items():
            walls, cpus = zip(*figures[label])
            print(f"{label:8s} ({checkout}): median wall {statistics.median(walls):.1f} s, "
                  f"median CPU {statistics.median(cpus):.1f} s")
        ratio = [statistics.median(x for x, _ in figures["this"]) / statistics.median(x for x, _ in figures["baseline"]),
                 statistics.median(c for _, c in figures["this"]) / statistics.median(c for _, c in figures["baseline"])]
        print(f"this / baseline: wall {ratio[0]:.2f}, CPU {ratio[1]:.2f}")
        print(f"same points for every student: {'yes' if graded['this'] == graded['baseline'] else 'NO'}")


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:]]
    main(arguments[0] if arguments else 60, arguments[1] if len(arguments) > 1 else 3)
