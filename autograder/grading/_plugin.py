"""The pytest plugin that runs the hidden suites against one submission.

It provides the fixtures the suites use (`student`, `ref`, `rng`), reads each
test's points from the manifests (the function named by its `grades` marker,
shared by weight), and turns every test outcome into a `TestResult`.  A process
configures pytest and collects the suites once (`_SuiteRunner`): each grading
runs the collected items of its parts again, with its own session, seeds and
results, and ends with every fixture torn down, so nothing of one submission
reaches the next.  A test
marked `grades(..., root_cause=False)` checks something no other function
inherits (stability at extreme inputs, a dtype promise): its failure never makes
its function the root cause of another's (see _rootcause).  Only the
structured feedback of our checks reaches the student: pytest's own report,
which quotes the test's source, never leaves this module.
"""
from __future__ import annotations

import os
import queue
import threading
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pytest

from ..course import FunctionSpec, Part, load_reference
from ..results import Feedback, Kind, Status, TestResult
from ._call_feedback import feedback_for_call_error
from .boundary import GradingSession, StudentCallError
from .checks import SUITES, GradeFailure, TestRecord, current_record, mistakes


class ReferenceNamespace:
    """`ref.<module>`: the reference modules, loaded in the grading process."""

    def __init__(self, parts: list[Part]):
        self._part_of = {module: part.name for part in parts for module in part.modules}

    def __getattr__(self, module: str):
        if module not in self._part_of:
            raise AttributeError(module)
        loaded = load_reference(self._part_of[module], module)
        setattr(self, module, loaded)   # found directly from now on: a replay asks for it thousands of times
        return loaded


@dataclass
class SuiteOutcome:
    """What one grading's run of the suites gave."""

    results: list[TestResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # suites that do not fit the manifests: bugs of ours
    local_only: set[str] = field(default_factory=set)   # ids of tests marked grades(..., root_cause=False)


class GradingPlugin:
    """Registered once with a process's pytest session; `begin` sets up each grading's state."""

    def __init__(self):
        self.begin(None, [], {})

    def begin(self, session: GradingSession | None, parts: list[Part], seeds: dict[str, int]) -> SuiteOutcome:
        """Forget the last grading: this one's session, parts, seeds (part name → seed) and a fresh outcome."""
        self.session = session
        self.parts = {part.name: part for part in parts}
        self.seeds = seeds
        self.outcome = SuiteOutcome()
        self._points: dict[str, float] = {}
        self._spec: dict[str, FunctionSpec] = {}
        return self.outcome

    # -- fixtures -------------------------------------------------------------------
    @pytest.fixture
    def student(self):
        return self.session.student

    @pytest.fixture
    def calls(self):
        """The log of this test's calls: printed text, warnings, arguments changed in place."""
        return self.session.log

    @pytest.fixture
    def ref(self):
        return ReferenceNamespace(list(self.parts.values()))

    @pytest.fixture
    def rng(self):
        """A generator seeded by the part's seed and the test's name: same submission, same inputs."""
        # The test from the protocol hook, not from pytest's `request`: pytest builds a fixture definition,
        # signature inspection included, each time a fixture asks for `request`.
        item = self._item
        return np.random.default_rng([self.seeds[item.path.parent.name], zlib.crc32(item.name.encode())])

    # -- collection -----------------------------------------------------------------
    def _function_of(self, item) -> FunctionSpec | None:
        marker = item.get_closest_marker("grades")
        if marker is None or not marker.args:
            self.outcome.problems.append(f"{item.nodeid} has no grades(...) marker")
            return None
        part = self.parts[item.path.parent.name]
        try:
            return part.function(marker.args[0])
        except KeyError:
            self.outcome.problems.append(f"{item.nodeid}: {marker.args[0]} is not in {part.name}/assignment.yaml")
            return None

    def select(self, items: list) -> list:
        """The collected items of this grading's parts, each with its points (its function's hidden points
        shared by weight); a suite that does not fit the manifests is a problem."""
        kept: list = []
        weights: dict[str, float] = {}
        for item in items:
            if item.path.parent.name not in self.parts:
                continue
            spec = self._function_of(item)
            if spec is None:
                continue
            marker = item.get_closest_marker("grades")
            weight = spec.weights.get(item.originalname, marker.kwargs.get("weight", 1.0))
            if marker.kwargs.get("root_cause", True) is False:
                self.outcome.local_only.add(f"{spec.part}::{spec.qualified_name}::{item.name}")
            self._spec[item.nodeid] = spec
            self._points[item.nodeid] = weight
            weights[spec.qualified_name] = weights.get(spec.qualified_name, 0.0) + weight
            kept.append(item)
        for item in kept:
            spec = self._spec[item.nodeid]
            self._points[item.nodeid] = spec.hidden_points * self._points[item.nodeid] / weights[spec.qualified_name]
        covered = {spec.qualified_name for spec in self._spec.values()}
        for part in self.parts.values():
            for spec in part.functions:
                if spec.hidden_points > 0 and spec.qualified_name not in covered:
                    self.outcome.problems.append(f"{part.name}: {spec.qualified_name} has {spec.hidden_points:g} "
                                                 "hidden points but no hidden test")
        return kept

    # -- running --------------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self._item = item
        self._record = TestRecord()
        self._token = current_record.set(self._record)
        self._log = self.session.begin_test()
        self._started = time.perf_counter()
        self._outcome: tuple[Status, Feedback | None] | None = None
        yield
        current_record.reset(self._token)
        if item.nodeid in self._spec:
            self.outcome.results.append(self._result_for(item))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Record the outcome and make pytest's report ourselves.

        pytest's own report formats a traceback with the test's source for every
        failure: slow (tenths of a second each) and exactly what students must
        not see.  Returning a bare report here replaces it.
        """
        if call.excinfo is None:
            if call.when == "call":
                self._outcome = (Status.PASSED, None)
        elif not (call.when == "teardown" and self._outcome is not None):
            self._outcome = self._classify(call.excinfo.value)
        failed = call.excinfo is not None
        return pytest.TestReport(item.nodeid, item.location, {}, "failed" if failed else "passed",
                                 "see the grading result" if failed else None, call.when,
                                 duration=call.duration, start=call.start, stop=call.stop)

    def _classify(self, error: BaseException) -> tuple[Status, Feedback]:
        if isinstance(error, GradeFailure):   # a copy: a failure cached per submission fails several tests
            return Status.FAILED, replace(error.feedback)
        if isinstance(error, StudentCallError):
            return Status.FAILED, feedback_for_call_error(error)
        if isinstance(error, AssertionError):   # a bare assert in a suite: a check without our wording
            return Status.FAILED, Feedback(message="This check failed.")
        # anything else is a bug in the grader or its suite: no points, and no stack trace for the student
        return Status.ERROR, Feedback(message=f"The grader itself failed on this test ({type(error).__name__}: "
                                       f"{str(error)[:300]}). This is not your fault; tell your instructor.")

    def _result_for(self, item) -> TestResult:
        spec = self._spec[item.nodeid]
        status, feedback = self._outcome or (Status.ERROR, Feedback(message="The test did not run."))
        notes = list(self._record.notes)
        if status == Status.PASSED:   # a failing test already says what went wrong
            notes += _warning_notes(self._log.warnings)
        points = self._points[item.nodeid]
        title = (item.function.__doc__ or item.name).strip().splitlines()[0].rstrip(".") + _case_words(item)
        if status == Status.PASSED and feedback is None:
            score = points
        else:
            score = 0.0
        return TestResult(
            id=f"{spec.part}::{spec.qualified_name}::{item.name}", title=title, part=spec.part,
            function=spec.qualified_name, kind=Kind.HIDDEN, score=score, max_score=points,
            status=status, feedback=feedback, notes=notes, output=self._log.output,
            figures=list(self._record.figures), duration=time.perf_counter() - self._started)


def _case_words(item) -> str:
    """" (n_samples=1000, batch_size=50)" for one case of a parametrized test, so titles differ within a function."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or not callspec.params:
        return ""
    shown = [f"{name}={value:g}" if isinstance(value, float) else f"{name}={str(value)[:30]}"
             for name, value in callspec.params.items()]
    return f" ({', '.join(shown)})"


def _warning_notes(warnings: list[dict]) -> list[str]:
    seen, notes = set(), []
    for warning in warnings:
        key = (warning.get("category"), warning.get("message"))
        if key in seen:
            continue
        seen.add(key)
        where = f" at {warning['where']}" if warning.get("where") else ""
        notes.append(f"Your code raised a {warning.get('category')} ({warning.get('message')}){where}. "
                     "It cost no points here, but a warning usually means a value overflowed or lost precision.")
    return notes


# pytest's built-in plugins that grading has no use for; each costs start-up time
# (unraisableexception and threadexception run gc.collect() at every session's end;
# debugging imports pdb, and unittest the unittest package: the suites use neither; capture has nothing to
# capture, student output never reaches this process; skipping reads skip and xfail marks, which no suite has:
# tests/grading/test_suites_use_no_skips.py checks).
_UNUSED_PLUGINS = ("cacheprovider", "terminal", "stepwise", "warnings", "unraisableexception", "threadexception",
                   "faulthandler", "doctest", "junitxml", "pastebin", "logging", "legacypath", "setuponly",
                   "setupplan", "nose", "debugging", "unittest", "tmpdir", "monkeypatch", "recwarn", "subtests",
                   "capture", "skipping")


class _SuiteRunner:
    """One pytest session over a fixed set of suite files, configured and collected once, whose items each
    grading runs again.

    pytest runs in a thread of its own, in its main loop (`pytest.main`), and
    waits there for gradings: its `pytest_runtestloop`, which the hook lets a
    plugin take over, runs each grading's items through pytest's own per-test
    protocol, as pytest-xdist's workers do with the items their controller
    sends; running an item again is what pytest-rerunfailures does.  The last
    item of a grading runs with no next item, so pytest tears down every
    fixture (of every scope) before the next grading starts.
    """

    def __init__(self, files: list[str]):
        self.plugin = GradingPlugin()
        self.items: list | None = None
        self.exit_code: int | None = None
        self._jobs: queue.Queue = queue.Queue()
        self._collected = threading.Event()
        arguments = ["-c", str(SUITES / "pytest.ini"), "--rootdir", str(SUITES), "--import-mode=importlib",
                     "--assert=plain",   # the suites fail through our checks, never through rewritten asserts
                     *[option for plugin in _UNUSED_PLUGINS for option in ("-p", f"no:{plugin}")], *files]
        self._thread = threading.Thread(target=self._main, args=(arguments,), name="autograder-suites", daemon=True)
        saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"   # third-party pytest plugins stay out of grading
        try:
            self._thread.start()
            self._collected.wait()   # the plugins are loaded and the items collected (or pytest gave up)
        finally:
            if saved is None:
                os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
            else:
                os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved
        if self.items is None:
            self._thread.join()
            raise RuntimeError(f"pytest could not run the suites (exit code {self.exit_code})")

    def _main(self, arguments: list[str]) -> None:
        try:
            self.exit_code = int(pytest.main(arguments, plugins=[self.plugin, self]))
        finally:
            self._collected.set()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if session.testsfailed:   # a suite that does not import: no grading can use this session
            return True
        self.items = list(session.items)
        self._collected.set()
        while (job := self._jobs.get()) is not None:
            items, done = job
            try:
                for index, item in enumerate(items):
                    session.config.hook.pytest_runtest_protocol(
                        item=item, nextitem=items[index + 1] if index + 1 < len(items) else None)
            except BaseException as error:   # a bug of ours or pytest's: the grading reports it
                done.error = error
            finally:
                done.set()
        return True

    def run(self, session: GradingSession, parts: list[Part], seeds: dict[str, int]) -> SuiteOutcome:
        """Run the items of the given parts for one grading; returns its outcome."""
        outcome = self.plugin.begin(session, parts, seeds)
        try:
            items = self.plugin.select(self.items or [])
            if items:
                done = _Done()
                self._jobs.put((items, done))
                done.wait()
                if done.error is not None:
                    raise RuntimeError(f"pytest failed running the suites ({type(done.error).__name__}: "
                                       f"{done.error})") from done.error
        finally:
            self.plugin.begin(None, [], {})   # nothing of this grading stays with the plugin
        return outcome

    def close(self, wait: bool = True) -> None:
        """End the pytest session (its unconfigure hooks run) and its thread (wait: until it has ended)."""
        self._jobs.put(None)
        if wait:
            self._thread.join(timeout=30)


class _Done(threading.Event):
    error: BaseException | None = None


_runner: tuple[tuple, _SuiteRunner] | None = None   # this process's session, and the suite files it collected
_runner_lock = threading.Lock()


def _suite_files() -> list[Path]:
    return sorted(SUITES.glob("*/test_*.py"))


def run_suites(session: GradingSession, parts: list[Part], seeds: dict[str, int]) -> SuiteOutcome:
    """Run the hidden suites of the given parts (seeds: part name → seed) in this process.

    The first grading of a process collects every part's suites; the next ones
    reuse them, until a suite file changes.
    """
    global _runner
    files = _suite_files()
    if not any(path.parent.name in {part.name for part in parts} for path in files):
        return SuiteOutcome()
    key = tuple((str(path), stat.st_mtime_ns, stat.st_size) for path in files for stat in [path.stat()])
    with _runner_lock:
        if _runner is None or _runner[0] != key:
            if _runner is not None:
                _runner[1].close()
                _runner = None
            _runner = (key, _SuiteRunner([str(path) for path in files]))
        try:
            outcome = _runner[1].run(session, parts, seeds)
        except BaseException:   # a run that broke off may have left fixtures set up: the next grading starts afresh
            _runner[1].close(wait=False)   # (its tests may still be waiting on a worker the caller is stopping)
            _runner = None
            raise
    mistakes()   # the catalogue must load: a broken catalogue is a grader bug, found here, not mid-report
    return outcome
