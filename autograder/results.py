"""The one result model of a grading run.

Grading code, quiz grading included, produces a `GradingResult`.  Every output is
a rendering of it: the terminal summary, the HTML report, Gradescope's
results.json and a gradebook row.  It converts to and from plain JSON, so a
batch can store it and render it again later.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    """How a test ended."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"      # the grader itself failed on this test: never the student's fault

    def __str__(self) -> str:
        return self.value


class Kind(str, enum.Enum):
    """What a test is."""

    EXAMPLE = "example"     # a visible example from the manifest, which students can run themselves
    HIDDEN = "hidden"       # a test of the hidden suites
    QUESTION = "question"   # a quiz question

    def __str__(self) -> str:
        return self.value


PASSED, FAILED, ERROR = Status.PASSED, Status.FAILED, Status.ERROR
EXAMPLE, HIDDEN, QUESTION = Kind.EXAMPLE, Kind.HIDDEN, Kind.QUESTION


@dataclass
class Feedback:
    """Why a test failed, in words a student understands.

    `message` says what was checked and what went wrong in one or two sentences;
    `input`, `expected` and `got` are short printable texts of the smallest case
    that shows it; `mistake` names a known common mistake when one matched;
    `root_cause` names the functions this one builds on that fail their own tests
    (the message then says so first, and `mistake` is left empty: a symptom).
    """

    message: str
    input: str | None = None
    expected: str | None = None
    got: str | None = None
    mistake: str | None = None          # id from the mistakes catalogue
    mistake_title: str | None = None    # its name, e.g. "ReLU derivative is 1 at 0"
    where: str | None = None            # lines of the student's own files where their code failed
    blocked_by: str | None = None       # "activations.py" when the test failed only because that module did not
                                        # import (or is missing): reports say so once, not under every test
    root_cause: str | None = None       # the function(s) this one builds on that failed first ("activations.relu_grad")


@dataclass
class Series:
    """One line or bar series of a figure: y over x, with a legend label."""

    label: str
    x: list[float]
    y: list[float]
    style: str = "line"   # "line", "dashed", "bar"


@dataclass
class Figure:
    """Data for a plot in the HTML report (renderers draw it; grading only gives numbers)."""

    title: str
    x_label: str
    y_label: str
    series: list[Series] = field(default_factory=list)
    log_y: bool = False
    only_if_failed: bool = False   # worth showing only when the test failed (e.g. a curve over the reference's)
    categories: list[str] = field(default_factory=list)   # names of x = 0, 1, 2, ... for bars over named things


@dataclass
class ExampleDetails:
    """What a visible example called its function with, and what it expected (shown also when it passed)."""

    input: str
    expected: str


@dataclass
class QuestionDetails:
    """A graded quiz question as the student saw and answered it."""

    prompt: str                 # the question, with the student's own parameter values
    your_answer: str            # the answer as read, or "(not answered)"
    explanation: str = ""       # why the right answer is right (shown after grading)
    feedback: str = ""          # the feedback attached to the choices the student picked
    expected_answer: str = ""   # the right answer, when it is not already in the test's feedback
    prompt_html: str = ""       # the prompt and its choices as HTML (Markdown rendered, maths as MathML), from the
    explanation_html: str = ""  # quiz's own text: the HTML report shows these; other renderings the plain texts


@dataclass
class TestResult:
    """One graded check: a visible example, a hidden test, or a quiz question."""

    id: str                   # stable across runs, e.g. "nn::activations.relu::test_relu_at_zero"
    title: str                # what was checked, in a few words
    part: str
    function: str             # "activations.relu", or the question id for quizzes
    kind: Kind
    score: float
    max_score: float
    status: Status
    feedback: Feedback | None = None
    notes: list[str] = field(default_factory=list)     # worth 0 points, shown as advice
    output: str = ""          # what the student's code printed during this test
    figures: list[Figure] = field(default_factory=list)
    duration: float = 0.0
    visibility: str = "visible"   # Gradescope visibility of this test
    example: ExampleDetails | None = None     # for Kind.EXAMPLE
    question: QuestionDetails | None = None   # for Kind.QUESTION

    @property
    def passed(self) -> bool:
        return self.status == PASSED


@dataclass
class PartResult:
    """The result of one assignment part (or one quiz) of a submission."""

    name: str
    title: str
    submitted: bool = True
    note: str = ""            # e.g. "not submitted", "activations.py does not import: SyntaxError ..."
    max_points: float = 0.0   # the points this grading could give, also when the part was not submitted
    tests: list[TestResult] = field(default_factory=list)
    not_run_points: float = 0.0   # a self-check's: the points of the hidden tests, which it did not run
    seed: int | None = None   # the seed its hidden tests drew their inputs from (None: they did not run)

    @property
    def score(self) -> float:
        return round(sum(test.score for test in self.tests), 6)

    @property
    def max_score(self) -> float:
        return self.max_points

    def functions(self) -> dict[str, list[TestResult]]:
        """Tests grouped by function, in order of first appearance."""
        groups: dict[str, list[TestResult]] = {}
        for test in self.tests:
            groups.setdefault(test.function, []).append(test)
        return groups


@dataclass
class GradingResult:
    """Everything known about grading one submission."""

    student: str
    submission: str
    parts: list[PartResult] = field(default_factory=list)
    isolation: str = ""        # how the student's code was isolated, in words
    seed: int | None = None    # the --seed given for every part; None: each part's seed came from its content
    started_at: str = ""       # ISO 8601
    execution_time: float = 0.0
    messages: list[str] = field(default_factory=list)   # notes about the whole submission
    student_output: str = ""   # output written outside any call (first KiB kept)
    error: str | None = None   # set when grading itself failed; the score is then 0
    version: str = ""
    diagnostics: str = ""      # for instructors only (a grader traceback): never rendered for students
    stdout_visibility: str = "hidden"   # Gradescope visibility of the grader's console output
    flags: list[str] = field(default_factory=list)   # for the instructor to look at (the dashboard's trouble list)

    @property
    def score(self) -> float:
        return 0.0 if self.error else round(sum(part.score for part in self.parts), 6)

    @property
    def max_score(self) -> float:
        return round(sum(part.max_score for part in self.parts), 6)

    def part(self, name: str) -> PartResult:
        for part in self.parts:
            if part.name == name:
                return part
        raise KeyError(name)

    def tests(self) -> list[TestResult]:
        return [test for part in self.parts for test in part.tests]

    def to_dict(self) -> dict[str, Any]:
        data = _plain(self)
        data["score"], data["max_score"] = self.score, self.max_score
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GradingResult:
        data = {key: value for key, value in data.items() if key not in ("score", "max_score")}
        data["parts"] = [_part_from_dict(part) for part in data.get("parts", [])]
        return cls(**data)


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """dataclasses.asdict's dicts and lists, without its deep copy of every field: the fields of the result model
    are strings, numbers, enums and None (immutable), and the copy took about 4% of a batch job's time in its grading process."""
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return {name: _plain(getattr(value, name)) for name in fields}
    if isinstance(value, list):
        if _IMMUTABLE.issuperset(map(type, value)):   # a figure's numbers: copied without a call per item
            return value[:]
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _part_from_dict(data: dict[str, Any]) -> PartResult:
    tests = []
    for test in data.get("tests", []):
        test = dict(test)
        test["kind"], test["status"] = Kind(test["kind"]), Status(test["status"])
        if test.get("feedback"):
            test["feedback"] = Feedback(**test["feedback"])
        if test.get("example"):
            test["example"] = ExampleDetails(**test["example"])
        if test.get("question"):
            test["question"] = QuestionDetails(**test["question"])
        test["figures"] = [Figure(**{**figure, "series": [Series(**s) for s in figure["series"]]})
                           for figure in test.get("figures", [])]
        tests.append(TestResult(**test))
    return PartResult(**{**data, "tests": tests})
