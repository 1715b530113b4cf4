"""The pytest plugin that runs the hidden suites against one submission.

It provides the fixtures the suites use (`student`, `ref`, `rng`), reads each
test's points from the manifests (the function named by its `grades` marker,
shared by weight), and turns every test outcome into a `TestResult`.  A test
marked `grades(..., root_cause=False)` checks something no other function
inherits (stability at extreme inputs, a dtype promise): its failure never makes
its function the root cause of another's (see _rootcause).  Only the
structured feedback of our checks reaches the student: pytest's own report,
which quotes the test's source, never leaves this module.
"""
from __future__ import annotations

import os
import time
import zlib

import numpy as np
import pytest

from ..course import FunctionSpec, Part, load_reference
from ..results import Feedback, Kind, Status, TestResult
from .boundary import CallFailure, GradingSession, StudentCallError
from .checks import SUITES, GradeFailure, TestRecord, current_record, mistakes


class ReferenceNamespace:
    """`ref.<module>`: the reference modules, loaded in the grading process."""

    def __init__(self, parts: list[Part]):
        self._part_of = {module: part.name for part in parts for module in part.modules}

    def __getattr__(self, module: str):
        if module not in self._part_of:
            raise AttributeError(module)
        return load_reference(self._part_of[module], module)


def feedback_for_call_error(error: StudentCallError) -> Feedback:
    """Feedback when the student's code raised, crashed, hung or was missing."""
    where = "\n".join(error.where)
    importing = error.call.startswith("importing ")
    blocked_by = error.call.removeprefix("importing ") if importing and error.kind in (CallFailure.IMPORT,
                                                                                      CallFailure.MISSING) else None
    return Feedback(message=f"Calling {error.call} {error.reason}." if not importing
                    else f"{error.call[0].upper()}{error.call[1:]} {error.reason}.",
                    input=error.inputs, where=where or None, blocked_by=blocked_by)


class GradingPlugin:
    """Registered with pytest.main(plugins=[...]) for one submission."""

    def __init__(self, session: GradingSession, parts: list[Part], seeds: dict[str, int]):
        self.session = session
        self.parts = {part.name: part for part in parts}
        self.seeds = seeds   # part name → the seed of its hidden inputs
        self.results: list[TestResult] = []
        self.problems: list[str] = []   # suites that do not fit the manifests: bugs of ours
        self.local_only: set[str] = set()   # ids of tests marked grades(..., root_cause=False)
        self._points: dict[str, float] = {}
        self._spec: dict[str, FunctionSpec] = {}

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
    def rng(self, request):
        """A generator seeded by the part's seed and the test's name: same submission, same inputs."""
        return np.random.default_rng([self.seeds[request.node.path.parent.name], zlib.crc32(request.node.name.encode())])

    # -- collection -----------------------------------------------------------------
    def _function_of(self, item) -> FunctionSpec | None:
        marker = item.get_closest_marker("grades")
        if marker is None or not marker.args:
            self.problems.append(f"{item.nodeid} has no grades(...) marker")
            return None
        part = self.parts.get(item.path.parent.name)
        if part is None:
            return None
        try:
            return part.function(marker.args[0])
        except KeyError:
            self.problems.append(f"{item.nodeid}: {marker.args[0]} is not in {part.name}/assignment.yaml")
            return None

    def pytest_collection_modifyitems(self, session, config, items):
        kept, weights = [], {}
        for item in items:
            spec = self._function_of(item)
            if spec is None:
                continue
            marker = item.get_closest_marker("grades")
            weight = spec.weights.get(item.originalname, marker.kwargs.get("weight", 1.0))
            if marker.kwargs.get("root_cause", True) is False:
                self.local_only.add(f"{spec.part}::{spec.qualified_name}::{item.name}")
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
                    self.problems.append(f"{part.name}: {spec.qualified_name} has {spec.hidden_points:g} hidden "
                                         "points but no hidden test")
        deselected = [item for item in items if item.nodeid not in self._spec]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
        items[:] = kept

    # -- running --------------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self._record = TestRecord()
        self._token = current_record.set(self._record)
        self._log = self.session.begin_test()
        self._started = time.perf_counter()
        self._outcome: tuple[Status, Feedback | None] | None = None
        yield
        current_record.reset(self._token)
        if item.nodeid in self._spec:
            self.results.append(self._result_for(item))

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
        if isinstance(error, GradeFailure):
            return Status.FAILED, error.feedback
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
# debugging imports pdb, and unittest the unittest package: the suites use neither).
_UNUSED_PLUGINS = ("cacheprovider", "terminal", "stepwise", "warnings", "unraisableexception", "threadexception",
                   "faulthandler", "doctest", "junitxml", "pastebin", "logging", "legacypath", "setuponly",
                   "setupplan", "nose", "debugging", "unittest", "tmpdir", "monkeypatch", "recwarn", "subtests")


def run_suites(session: GradingSession, parts: list[Part], seeds: dict[str, int]) -> GradingPlugin:
    """Run the hidden suites of the given parts (seeds: part name → seed) in this process; return the plugin."""
    plugin = GradingPlugin(session, parts, seeds)
    files = [str(path) for part in parts for path in sorted((SUITES / part.name).glob("test_*.py"))]
    if not files:
        return plugin
    arguments = ["-c", str(SUITES / "pytest.ini"), "--rootdir", str(SUITES), "--import-mode=importlib",
                 "--assert=plain",   # the suites fail through our checks, never through rewritten asserts
                 "--capture=no",     # nothing to capture: student output never reaches this process
                 *[option for plugin in _UNUSED_PLUGINS for option in ("-p", f"no:{plugin}")], *files]
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"   # third-party pytest plugins stay out of grading
    try:
        code = pytest.main(arguments, plugins=[plugin])
    finally:
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise RuntimeError(f"pytest could not run the suites (exit code {int(code)})")
    mistakes()   # the catalogue must load: a broken catalogue is a grader bug, found here, not mid-report
    return plugin
