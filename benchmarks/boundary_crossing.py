"""Benchmark: what crossing the trust boundary costs, and what a hostile submission costs.

Prints, measured in the same run (medians; the load average of the machine first):

1. per call, the encoding and decoding of a typical call's arrays with the old
   frame (np.save / np.load per array, kept here only as the baseline) and with
   the binary frame of `autograder/sandbox/protocol.py`; then a live round trip
   through a sandboxed worker: a bare ping, a call of relu on a (64, 32) array,
   and the same call through a grading session (call text, budgets, strikes,
   the check that the arguments were not changed);
   then the worker's start-up (bubblewrap, Python, numpy, preloads) as a share
   of the median honest grading, and how long the grader sat waiting for it;
2. one whole-week `autograder grade` of the reference (a fresh process, start to
   exit) against `python -c "import numpy"`, interleaved (target of issue 13: ≤ 4×);
3. each hostile case of benchmarks/batch_class.py (the reference with the attack
   appended to nn/activations.py) graded in-process, against the median honest
   grading of the reference (target: no case above 3×).

Run: .venv/bin/python benchmarks/boundary_crossing.py [runs] [--no-hostile]
"""
from __future__ import annotations

import io
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from batch_class import HOSTILE, reference_modules, write  # noqa: E402

from autograder import Limits, grade_submission  # noqa: E402
from autograder.course import load_parts  # noqa: E402
from autograder.grading.boundary import GradingSession, WorkerProcess, choose_mode  # noqa: E402
from autograder.sandbox import protocol  # noqa: E402


def old_pack(message: dict, arrays: list) -> bytes:
    """The frame before issue 13: JSON, then each array as .npy bytes (np.save)."""
    document = json.dumps(message, separators=(",", ":")).encode()
    parts = [b"AGW1", struct.pack("<II", len(document), len(arrays)), document]
    for array in arrays:
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        parts += [struct.pack("<Q", len(buffer.getvalue())), buffer.getvalue()]
    return b"".join(parts)


def old_unpack(read) -> tuple[dict, list]:
    _, json_length, count = struct.unpack("<4sII", read(12))
    message = json.loads(read(json_length))
    arrays = []
    for _ in range(count):
        (length,) = struct.unpack("<Q", read(8))
        arrays.append(np.load(io.BytesIO(read(length)), allow_pickle=False))
    return message, arrays


def codec_milliseconds(pack, unpack, repeats: int = 2000) -> float:
    """One call's codec work: the request (one array) and the reply (the value and the argument after the call)."""
    s = np.random.default_rng(0).standard_normal((64, 32))
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        arrays: list = []
        request = {"op": "call", "args": protocol.encode_value([s], arrays)}
        unpack(io.BytesIO(pack(request, arrays)).read)
        arrays = []
        reply = {"value": protocol.encode_value(np.maximum(s, 0), arrays),
                 "args_after": protocol.encode_value([s], arrays)}
        unpack(io.BytesIO(pack(reply, arrays)).read)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def live_milliseconds(submission: Path, repeats: int = 500) -> tuple[float, float, float]:
    """Worker start-up (s), then a bare ping and a relu call on a (64, 32) array (ms), through a real worker."""
    worker = WorkerProcess(submission, ["nn"], Limits(), choose_mode())
    try:
        worker.request({"op": "ping"}, [], 30)
        worker.request({"op": "import", "module": "activations"}, [], 30)
        s = np.random.default_rng(0).standard_normal((64, 32))

        def median_ms(make) -> float:
            times = []
            for _ in range(repeats):
                arrays: list = []
                message = make(arrays)
                started = time.perf_counter()
                worker.request(message, arrays, 30)
                times.append(time.perf_counter() - started)
            return statistics.median(times) * 1e3

        ping = median_ms(lambda arrays: {"op": "ping"})
        call = median_ms(lambda arrays: {"op": "call", "module": "activations", "name": "relu",
                                         "args": protocol.encode_value([s], arrays), "return_args": True})
        return worker.startup_seconds[0], ping, call
    finally:
        worker.close()


def session_call_milliseconds(submission: Path, repeats: int = 500) -> float:
    """A relu call on a (64, 32) array through a GradingSession, as the hidden suites make it (ms, median)."""
    session = GradingSession(submission, load_parts(["nn"]), {("nn", "activations")}, choose_mode())
    try:
        s = np.random.default_rng(0).standard_normal((64, 32))
        relu = session.student.activations.relu
        relu(s)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            relu(s)
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1e3
    finally:
        session.close()


def worker_start_share(submission: Path, runs: int) -> tuple[float, float, float]:
    """Median in-process grading (s), its worker's start-up (s), and how long the grader waited for it (s)."""
    original = WorkerProcess.ensure_ready
    first: list[tuple[float, float]] = []   # (start-up, wait) of the grading's first worker

    def timed_ensure_ready(worker):
        waiting = not first and (worker.process is None or not worker._ready)
        started = time.perf_counter()
        original(worker)
        if waiting:
            first.append((worker.startup_seconds[-1], time.perf_counter() - started))

    grades = []
    WorkerProcess.ensure_ready = timed_ensure_ready   # type: ignore[method-assign]
    try:
        grade_submission(submission)
        for _ in range(runs):
            first.clear()
            started = time.perf_counter()
            grade_submission(submission)
            grades.append((time.perf_counter() - started, *first[0]))
    finally:
        WorkerProcess.ensure_ready = original   # type: ignore[method-assign]
    return tuple(statistics.median(grade[i] for grade in grades) for i in range(3))   # type: ignore[return-value]


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stderr[-600:]}")
    return elapsed


def whole_week_ratio(submission: Path, runs: int) -> tuple[float, float]:
    grade = [str(Path(sys.executable).parent / "autograder"), "grade", str(submission), "--format", "json"]
    numpy_only = [sys.executable, "-c", "import numpy"]
    wall(grade)   # warm the file-system cache
    grades, numpys = [], []
    for _ in range(runs):   # interleaved: both see the same load
        grades.append(wall(grade))
        numpys.append(wall(numpy_only))
    return statistics.median(grades), statistics.median(numpys)


def hostile_submission(folder: Path, case: str) -> Path:
    modules = dict(reference_modules())
    attack = (ROOT / "tests" / "fixtures" / "hostile" / case / "activations.py").read_text()
    modules[("nn", "activations")] += "\n\n" + attack.replace("{REFERENCE}", "/nowhere") \
        .replace("{SUBMISSION}", "/nowhere").replace("{REPOSITORY}", "/nowhere")
    write(folder, modules)
    return folder


def timed_grade(submission: Path) -> tuple[float, float]:
    started = time.perf_counter()
    result = grade_submission(submission)
    return time.perf_counter() - started, result.score


def main(runs: int = 5, hostile: bool = True) -> None:
    print(f"isolation: {choose_mode()}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        reference = Path(folder) / "reference"
        write(reference, reference_modules())

        old, new = codec_milliseconds(old_pack, old_unpack), codec_milliseconds(protocol.pack, protocol.unpack)
        print(f"codec per call (request + reply, 3 arrays of (64, 32) float64): np.save/np.load {old:.3f} ms, "
              f"binary frame {new:.3f} ms ({old / new:.1f}x less)")
        startup, ping, call = live_milliseconds(reference)
        print(f"live, through the sandboxed worker: start-up {startup:.3f} s; ping {ping:.3f} ms; "
              f"relu call on a (64, 32) array {call:.3f} ms (the crossing costs {call - ping:.3f} ms over a bare "
              "round trip)")

        through_session = session_call_milliseconds(reference)
        print(f"the same relu call through a grading session: {through_session:.3f} ms "
              f"({through_session - call:.3f} ms of session work over the bare request)")
        total, startup, waited = worker_start_share(reference, runs)
        print(f"worker start-up in an in-process grading of the reference: {startup:.3f} s of {total:.3f} s "
              f"({startup / total:.0%}); the grader waited {waited:.3f} s of it ({waited / total:.0%})")

        graded, numpy_only = whole_week_ratio(reference, runs)
        print(f"whole-week `autograder grade` of the reference: median {graded:.3f} s; `python -c \"import numpy\"` "
              f"{numpy_only:.3f} s; ratio {graded / numpy_only:.1f}x   (target <= 4x)")

        if hostile:
            timed_grade(reference)
            honest = statistics.median(timed_grade(reference)[0] for _ in range(runs))
            print(f"in-process grading of the reference (honest): median {honest:.2f} s")
            worst = 0.0
            for case in HOSTILE:
                seconds, score = timed_grade(hostile_submission(Path(folder) / case, case))
                worst = max(worst, seconds / honest)
                print(f"  {case:22s} {seconds:6.2f} s = {seconds / honest:4.1f}x honest   (score {score:g})")
            print(f"worst hostile case: {worst:.1f}x the median honest one   (target <= 3x)")
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    main(int(arguments[0]) if arguments else 5, "--no-hostile" not in sys.argv)
