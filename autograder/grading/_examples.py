"""The visible examples of the manifests: the tests a student can run before submitting.

An example is a call with fixed arguments whose result is compared with an
expected value.  In the instructors' copy the expected value comes from the
reference; in a student release it comes from a data file computed ahead of
time (`ExpectedValues`), so the self-check works without the reference.  The
same two sources give the parameter names that feedback uses ("relu(s)"): the
course's own source, never the student's files.
"""
from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import numpy as np

from ..course import Example, FunctionSpec, Part, load_reference, parameter_names
from ..results import ExampleDetails, Feedback, Kind, Status, TestResult
from ..sandbox import protocol
from ._call_feedback import feedback_for_call_error
from .boundary import GradingSession, StudentCallError
from .checks import diagnosis
from .compare import compare, ignore_order, show

EXPECTED_FILE = ".expected.json"


def convert_argument(value):
    """A manifest example argument as the function receives it.

    Lists of numbers become float64 arrays, {ints: [...]} an int64 array, lists of
    strings stay lists, dicts are converted value by value.
    """
    if isinstance(value, dict):
        if set(value) == {"ints"}:
            return np.asarray(value["ints"], dtype=np.int64)
        return {key: convert_argument(item) for key, item in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(item, str) for item in value):
            return list(value)
        return np.asarray(value, dtype=np.float64)
    return value


class ReferenceExpectations:
    """Expected values computed by the reference, in this process."""

    def __init__(self, parts: list[Part] | None = None):
        self.parts = list(parts or [])

    def parameter_names(self) -> dict[tuple[str, str], list[str]]:
        """(module, function) → its parameter names, from the reference's source, for the parts given."""
        return parameter_names(self.parts)

    def value(self, spec: FunctionSpec, index: int, args: list, kwargs: dict):
        function = getattr(load_reference(spec.part, spec.module), spec.name)
        return function(*copy.deepcopy(args), **copy.deepcopy(kwargs))


class ExpectedValues:
    """Expected values stored with a student release (see `write_expected`), for the given parts."""

    def __init__(self, parts: list[Part]):
        self.by_part = {}
        self.parameters: dict[tuple[str, str], list[str]] = {}
        for part in parts:
            data = json.loads((part.folder / EXPECTED_FILE).read_text(encoding="utf-8"))
            arrays = [np.asarray(array).astype(dtype) for array, dtype in zip(data["arrays"], data["dtypes"])]
            self.by_part[part.name] = (data["values"], arrays)
            for name, parameters in data.get("parameters", {}).items():
                module, _, function = name.partition(".")
                self.parameters[(module, function)] = list(parameters)

    def parameter_names(self) -> dict[tuple[str, str], list[str]]:
        """(module, function) → its parameter names, as the release stored them from the reference."""
        return self.parameters

    def value(self, spec: FunctionSpec, index: int, args: list, kwargs: dict):
        values, arrays = self.by_part[spec.part]
        return protocol.decode_value(values[f"{spec.qualified_name}[{index}]"], arrays)


def write_expected(part: Part, folder: Path) -> Path:
    """Store the reference's results for every example of a part as JSON in folder."""
    arrays: list = []
    values = {}
    reference = ReferenceExpectations([part])
    for spec in part.functions:
        for index, example in enumerate(spec.examples):
            args, kwargs = example_arguments(example)
            values[f"{spec.qualified_name}[{index}]"] = protocol.encode_value(
                reference.value(spec, index, args, kwargs), arrays)
    path = folder / EXPECTED_FILE
    parameters = {f"{module}.{name}": names for (module, name), names in reference.parameter_names().items()}
    path.write_text(json.dumps({"values": values, "arrays": [array.tolist() for array in arrays],
                                "dtypes": [str(array.dtype) for array in arrays], "parameters": parameters},
                               indent=1), encoding="utf-8")
    return path


def example_arguments(example: Example) -> tuple[list, dict]:
    return [convert_argument(arg) for arg in example.args], {k: convert_argument(v) for k, v in example.kwargs.items()}


def run_examples(session: GradingSession, parts: list[Part], expectations) -> list[TestResult]:
    """Run every visible example of the given parts; one TestResult each."""
    results = []
    for part in parts:
        for spec in part.functions:
            for index, example in enumerate(spec.examples):
                results.append(_run_one(session, spec, index, example, expectations))
    return results


_TEXTS: dict[tuple, tuple] = {}   # (id of the example, parameter names, source of expectations) → (example, texts)


def _texts(session: GradingSession, spec: FunctionSpec, example: Example, args: list, kwargs: dict, expected,
           expectations) -> tuple[str, str, str]:
    """The example's inputs, its call and its expected value as feedback shows them, formatted once per process.

    An example's arguments and expected value are fixed (a student release stores the values), so the texts
    are the same in every grading; formatting their arrays took about 3% of a batch job's grading process.
    """
    names = tuple(session.parameters.get((spec.module, spec.name), ()))
    key = (id(example), names, type(expectations))
    cached = _TEXTS.get(key)
    if cached is not None and cached[0] is example:   # the example itself is kept, so its id is not reused
        return cached[1:]
    texts = (session.inputs_text(spec.module, spec.name, args, kwargs),
             session.call_text(spec.module, spec.name, args, kwargs),
             show(ignore_order(expected, spec.unordered), 600))
    _TEXTS[key] = (example, *texts)
    return texts


def _run_one(session: GradingSession, spec: FunctionSpec, index: int, example: Example, expectations) -> TestResult:
    log = session.begin_test()
    started = time.perf_counter()
    args, kwargs = example_arguments(example)
    points = spec.example_points / len(spec.examples)
    expected = expectations.value(spec, index, args, kwargs)
    inputs, call, expected_text = _texts(session, spec, example, args, kwargs, expected, expectations)
    feedback = None
    try:
        got = getattr(getattr(session.student, spec.module), spec.name)(*args, **kwargs)
        got, expected = ignore_order(got, spec.unordered), ignore_order(expected, spec.unordered)
        mismatch = compare(got, expected)
        if mismatch:
            problem = mismatch.problem[0].upper() + mismatch.problem[1:]
            found = diagnosis(got, expected, inputs=dict(zip(session.parameters.get((spec.module, spec.name), []), args)))
            feedback = Feedback(message=f"{call} returned a wrong result. {problem}." + (f" {found}" if found else ""),
                                input=inputs, expected=mismatch.expected, got=mismatch.got)
    except StudentCallError as error:
        feedback = feedback_for_call_error(error)
        feedback.input = feedback.input or inputs
    status = Status.PASSED if feedback is None else Status.FAILED
    return TestResult(
        id=f"{spec.part}::{spec.qualified_name}::example_{index + 1}",
        title=example.note or f"example {index + 1}: {call} on the inputs shown", part=spec.part,
        function=spec.qualified_name, kind=Kind.EXAMPLE, score=points if status == Status.PASSED else 0.0,
        max_score=points, status=status, feedback=feedback, output=log.output,
        duration=time.perf_counter() - started,
        example=ExampleDetails(input=inputs, expected=expected_text))
