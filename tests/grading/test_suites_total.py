"""Every hidden test, whatever the student's functions return, ends in a pass or a failure for the student.

The real suites run through the real plugin, with a stand-in for the grading
session whose "student" returns one generated value from every call
(tests/grading/worker_values.py: every dtype and shape, nan, inf, ragged nesting,
unsupported objects, and dicts and tuples shaped like the real results with
anything inside).  No test may end in Status.ERROR, which tells the student "the
grader itself failed on this test".
"""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from worker_values import shaped_values

from autograder.course import load_parts
from autograder.grading._plugin import run_suites
from autograder.grading.boundary import CallRecord
from autograder.grading.boundary import TestLog as CallLog  # not "Test...": pytest would try to collect it
from autograder.results import Status


class GeneratedStudent:
    """student.<module>.<function>(...) → the next generated value; objects' methods likewise."""

    def __init__(self, session: GeneratedSession):
        self._session = session

    def __getattr__(self, module: str):
        return GeneratedModule(self._session)


class GeneratedModule:
    def __init__(self, session: GeneratedSession):
        self._session = session

    def __getattr__(self, name: str):
        return GeneratedFunction(self._session, name)


class GeneratedFunction:
    def __init__(self, session: GeneratedSession, name: str):
        self.session, self.name = session, name

    def __call__(self, *args, **kwargs):
        return self.session.answer(args)

    def new(self, *args, **kwargs):
        return GeneratedObject(self.session)


class GeneratedObject:
    def __init__(self, session: GeneratedSession):
        self.session = session

    def call(self, method: str, *args, repeat: int | None = None, **kwargs):
        if repeat is None:
            return self.session.answer(args)
        return [self.session.answer(args) for _ in range(repeat)]


class GeneratedSession:
    """What run_suites needs of a GradingSession: .student, .log and .begin_test()."""

    def __init__(self, values: list):
        self.values = itertools.cycle(values)   # one value: every call returns it
        self.student = GeneratedStudent(self)
        self.log = CallLog()

    def begin_test(self) -> CallLog:
        self.log = CallLog()
        return self.log

    def answer(self, args: tuple):
        after = [np.copy(arg) if isinstance(arg, np.ndarray) else arg for arg in args]
        self.log.calls.append(CallRecord(text="call", arguments_after=after))
        return next(self.values)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(value=shaped_values)
def test_no_hidden_test_ends_in_a_grader_error_whatever_the_student_returns(value):
    plugin = run_suites(GeneratedSession([value]), load_parts(), {part.name: 0 for part in load_parts()})
    assert plugin.problems == []
    errors = [f"{result.id}: {result.feedback.message if result.feedback else ''}" for result in plugin.results
              if result.status == Status.ERROR]
    assert errors == []


def test_a_ragged_dict_of_gradients_is_a_failure_for_the_student_not_a_grader_error():
    """The case the generated test found first: np.shape of a ragged list raised inside backward's checks."""
    ragged = [[1.0, 2.0], [3.0]]
    plugin = run_suites(GeneratedSession([{"W1": ragged, "b1": ragged, "W2": ragged, "b2": ragged}]),
                        load_parts(["nn"]), {"nn": 0})
    assert [result.id for result in plugin.results if result.status == Status.ERROR] == []
