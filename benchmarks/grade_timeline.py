"""Benchmark: where the time of one grading goes, phase by phase.

Two timelines of the reference solution (all three parts) graded as a student
submission:

- `autograder grade --format json`, start to exit, in a fresh interpreter:
  Python start-up, imports, manifest load, scratch copy, worker ready, pytest
  configure, collection, the test run (fixtures and set-up, test calls, tear
  down, our plugin's reporting), the visible examples, rendering, exit;
- one batch job (`grade_job`, which also renders the HTML report and
  results.json) in a pool process that has already graded one submission: what
  every job after the first costs.

The phases are timed by wrapping the pipeline's functions and by a pytest
plugin in the child process; nothing in the package is changed.  Worker time
(requests to the sandboxed worker, waiting for it to start) is shown inside
the phase that spent it.  Prints each timeline (medians over `runs`), and the
load average.

Run: .venv/bin/python benchmarks/grade_timeline.py [runs]
"""
from __future__ import annotations

import functools
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Clock:
    """Named intervals (seconds), summed by name; marks are times since the child's zero."""

    def __init__(self, zero: float):
        self.zero = zero
        self.spent: dict[str, float] = {}
        self.count: dict[str, int] = {}
        self.marks: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.spent[name] = self.spent.get(name, 0.0) + seconds
        self.count[name] = self.count.get(name, 0) + 1

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, time.time() - self.zero)

    def wrap(self, owner, attribute: str, name: str) -> None:
        function = getattr(owner, attribute)

        @functools.wraps(function)   # pytest reads a hook's argument names through it
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - started)
        setattr(owner, attribute, timed)


def _instrument(clock: Clock) -> None:
    """Wrap the pipeline's steps and add a timing plugin to every pytest run."""
    import pytest

    from autograder import render
    from autograder.grading import _engine, _plugin
    from autograder.grading.boundary import _client

    for owner, attribute, name in [
            (_engine, "load_parts", "manifests"), (_engine, "make_scratch", "scratch copy"),
            (_engine, "seeds_for", "seeds"), (_engine, "choose_mode", "isolation mode"),
            (_engine.GradingSession, "start", "worker launch"), (_plugin, "run_suites", "hidden suites (run_suites)"),
            (_engine, "run_examples", "visible examples"), (_engine, "attribute_root_causes", "root causes"),
            (_client.WorkerProcess, "ensure_ready", "  of which waiting for the worker"),
            (_client.WorkerProcess, "request", "  worker requests (all phases)"),
            (_plugin.GradingPlugin, "_result_for", "  our plugin: results"),
            (_plugin.GradingPlugin, "select", "  our plugin: this grading's items and points"),
            (render, "render_result", "rendering")]:
        clock.wrap(owner, attribute, name)

    class Timing:
        @pytest.hookimpl(hookwrapper=True, tryfirst=True)
        def pytest_collection(self, session):
            self.began = time.perf_counter()
            clock.add("  configure (pytest.main → session start)", self.began - self.main_started)
            yield
            clock.add("  collection", time.perf_counter() - self.began)
            clock.mark("suites collected")

        def _phase(self, name):
            started = time.perf_counter()
            yield
            clock.add(name, time.perf_counter() - started)

        @pytest.hookimpl(hookwrapper=True, tryfirst=True)
        def pytest_runtest_protocol(self, item, nextitem):
            yield from self._phase("  per-test protocol (all)")

        @pytest.hookimpl(hookwrapper=True, tryfirst=True)
        def pytest_runtest_setup(self, item):
            yield from self._phase("    set-up (fixtures)")

        @pytest.hookimpl(hookwrapper=True, tryfirst=True)
        def pytest_runtest_call(self, item):
            yield from self._phase("    test calls")

        @pytest.hookimpl(hookwrapper=True, tryfirst=True)
        def pytest_runtest_teardown(self, item, nextitem):
            yield from self._phase("    tear-down")

        @pytest.hookimpl(hookwrapper=True, tryfirst=True)
        def pytest_runtest_makereport(self, item, call):
            yield from self._phase("    reports (makereport)")

        @pytest.hookimpl(hookwrapper=True, tryfirst=True)
        def pytest_runtest_logreport(self, report):
            yield from self._phase("    logreport hooks")

        @pytest.hookimpl(tryfirst=True)
        def pytest_sessionfinish(self, session):
            self.finished = time.perf_counter()

    timing = Timing()
    runner = getattr(_plugin, "_runner", None)
    if runner is not None:   # this process's pytest session is running already: time its next grading
        runner[1].items[0].config.pluginmanager.register(timing)
        return
    main = pytest.main

    def main_with_timing(arguments, plugins=()):
        timing.main_started = time.perf_counter()
        try:
            return main(arguments, plugins=[*plugins, timing])
        finally:
            if hasattr(timing, "finished"):
                clock.add("  session end (sessionfinish → return)", time.perf_counter() - timing.finished)
    pytest.main = main_with_timing


def child_grade(submission: str, zero: float) -> dict:
    """`autograder grade SUBMISSION --format json` in this (fresh) process, phases timed."""
    clock = Clock(zero)
    clock.mark("python started")
    started = time.perf_counter()
    import autograder.cli  # what the `autograder` script imports first
    clock.add("imports: autograder.cli (click)", time.perf_counter() - started)
    started = time.perf_counter()
    import autograder.grading  # the grade command's own import, done lazily in the CLI
    clock.add("imports: autograder.grading (numpy, pytest, ...)", time.perf_counter() - started)
    _instrument(clock)
    clock.mark("imports done")
    saved, sys.stdout = sys.stdout, io.StringIO()
    try:
        autograder.cli.main(["grade", submission, "--format", "json"], standalone_mode=False)
        output = sys.stdout.getvalue()
    finally:
        sys.stdout = saved
    assert '"score": 100.0' in output, "the reference did not get 100 points"
    clock.mark("graded and rendered")
    return {"spent": clock.spent, "count": clock.count, "marks": clock.marks}


def child_batch_job(submission: str, zero: float) -> dict:
    """Two batch jobs in this process (like one pool process): the second one timed."""
    from autograder.batch._jobs import grade_job

    grade_job(submission, "warm-up", None, None)
    clock = Clock(zero)
    _instrument(clock)
    from autograder.batch import _jobs

    clock.wrap(_jobs, "render_outputs", "rendering (HTML report + results.json)")
    started = time.perf_counter()
    job = grade_job(submission, "timed", None, None)
    clock.add("whole job", time.perf_counter() - started)
    assert job["report"] and job["result"]["score"] == 100, "the reference did not get 100 points"
    return {"spent": clock.spent, "count": clock.count, "marks": clock.marks}


def run_child(mode: str, submission: Path) -> tuple[float, dict]:
    zero = time.time()
    started = time.perf_counter()
    process = subprocess.run([sys.executable, __file__, "--child", mode, str(submission), repr(zero)],
                             capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"the {mode} child failed:\n{process.stderr[-2000:]}")
    return wall, json.loads(process.stdout.strip().splitlines()[-1])


def show(title: str, walls: list[float], timelines: list[dict]) -> None:
    print(f"\n{title}: median wall {statistics.median(walls):.3f} s over {len(walls)} runs")
    marks = {name: statistics.median(t["marks"][name] for t in timelines) for name in timelines[0]["marks"]}
    for name, at in sorted(marks.items(), key=lambda item: item[1]):
        print(f"  at {at:6.3f} s  {name}")
    for name in timelines[0]["spent"]:
        seconds = statistics.median(t["spent"].get(name, 0.0) for t in timelines)
        count = timelines[0]["count"][name]
        print(f"  {seconds:7.3f} s  {name}" + (f"  ({count} calls)" if count > 1 else ""))


def main(runs: int = 5) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from grade_reference import reference_submission

    subprocess.run([sys.executable, "-m", "compileall", "-q", "autograder", "reference"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as folder:
        submission = reference_submission(Path(folder) / "reference")
        load = os.getloadavg()[0]
        grades, jobs = [], []
        for _ in range(runs):
            grades.append(run_child("grade", submission))
            jobs.append(run_child("job", submission))
        numpy_walls = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import numpy"], check=True)
            numpy_walls.append(time.perf_counter() - started)
    print(f"load average: {load:.2f} before, {os.getloadavg()[0]:.2f} after; "
          f"python -c 'import numpy': median {statistics.median(numpy_walls):.3f} s")
    show("autograder grade --format json (fresh process; marks from the parent's launch)",
         [wall for wall, _ in grades], [timeline for _, timeline in grades])
    show("one batch job in a warm pool process (its second job)",
         [wall for wall, _ in jobs], [timeline for _, timeline in jobs])


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        mode, submission, zero = sys.argv[2], sys.argv[3], float(sys.argv[4])
        timeline = (child_grade if mode == "grade" else child_batch_job)(submission, zero)
        print(json.dumps(timeline))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
