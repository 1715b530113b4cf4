"""The class dashboard of a batch: OUT/index.html, rendered from the students' results.

It answers an instructor's questions in the order they are asked: how is each
student doing (a table sortable by score, with each student's status and first
named mistake), whose submission did not import, timed out, crashed or could
not be graded and why, how the scores are spread, which named mistakes are
common and who made them, which submissions are unusually similar (when the
batch computed that), and the pass rate of every test.
"""
from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup

from ..results import PASSED, Figure, GradingResult, Series, TestResult
from ._blocks import import_problems
from .html import csp_hash, figure_view, format_points, jinja_environment

# Words of the grader's feedback that mean the student's code did not finish normally (None: it did not,
# but that is no trouble of its own).  The words of a call's failure come first in its message ("Calling
# relu(s) timed out after 1 s."), so the earliest phrase in a message says what happened: "raised ValueError:
# timed out ..." is an exception, and "was not run: an earlier call of relu timed out, ran out of memory or
# stopped the grader's worker" is the consequence of a failure already counted, whatever its kind.
TROUBLE: dict[str, str | None] = {
    "timed out": "timed out", "used up its CPU-time limit": "timed out", "ran out of memory": "ran out of memory",
    "ended the process": "crashed", "crashed": "crashed", "aborted": "crashed", "was killed": "was killed",
    "corrupted the grader's channel": "broke the channel", "straight to its output": "wrote too much output",
    "tried to write a file larger than the limit": "wrote too much output",
    "raised ": None, "was not run": None, "called sys.exit": None}
HARDEST_SHOWN = 12   # pass-rate rows shown before the full list (which is behind a click)


@dataclass
class TestRate:
    id: str
    part: str
    function: str
    title: str
    passed: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.total if self.total else 0.0


@dataclass
class MistakeCount:
    """One named mistake (or, later, one root cause) and the students who made it, each counted once."""

    key: str
    title: str
    functions: list[str] = field(default_factory=list)
    students: list[str] = field(default_factory=list)


@dataclass
class Trouble:
    student: str
    what: str      # "did not import", "timed out", "could not be graded", ...
    detail: str    # the reason, or where it happened


@dataclass
class StudentRow:
    """One line of the students table."""

    result: GradingResult
    status: str                     # "graded", or what went wrong ("did not import, timed out")
    part_points: dict[str, str]     # part name → points as shown ("–" when not submitted)
    first_mistake: str = ""

    @property
    def student(self) -> str:
        return self.result.student

    @property
    def ok(self) -> bool:
        return self.status == "graded"


@dataclass
class SimilarityPair:
    """Two submissions of one part whose code is unusually alike: a flag for a human to look, never a grade."""

    part: str
    first: str
    second: str
    first_share: float    # the share of the first's code (after the stub's) found in the second, 0..1
    second_share: float
    overlap_tokens: int
    view: str             # the side-by-side page, relative to the dashboard

    @property
    def share(self) -> float:
        return max(self.first_share, self.second_share)


@dataclass
class SimilaritySection:
    """What the batch's similarity check found, or why it did not run (`missing`)."""

    pairs: list[SimilarityPair] = field(default_factory=list)
    compared: dict[str, int] = field(default_factory=dict)   # part → submissions compared
    csv: str = ""                                            # the CSV file, relative to the dashboard
    missing: str = ""                                        # why there is no similarity check
    note: str = ""                                           # what it left out, e.g. parts past its time budget

    def by_part(self) -> dict[str, list[SimilarityPair]]:
        groups: dict[str, list[SimilarityPair]] = {part: [] for part in self.compared}
        for pair in self.pairs:
            groups.setdefault(pair.part, []).append(pair)
        return groups


def mistake_key(test: TestResult) -> tuple[str, str] | None:
    """What a failed test is counted under: its named mistake (id, title), or None.

    A failure whose root cause is another function (it builds on one that failed
    its own tests) is a symptom: only root causes are counted.
    """
    feedback = test.feedback
    if feedback is None or not feedback.mistake or feedback.root_cause:
        return None
    return feedback.mistake, feedback.mistake_title or feedback.mistake


def _score_histogram(results: list[GradingResult]) -> Figure:
    maximum = max((result.max_score for result in results), default=0.0) or 1.0
    edges = [maximum * step / 10 for step in range(11)]
    counts = [0] * 10
    for result in results:
        counts[min(9, int(10 * result.score / maximum))] += 1
    labels = [f"{low:.0f}–{high:.0f}" for low, high in itertools.pairwise(edges)]   # short: ten must fit side by side
    return Figure(title="How many students got how many points", x_label="points", y_label="students",
                  series=[Series("", [float(index) for index in range(10)], [float(count) for count in counts],
                                 style="bar")], categories=labels)


def _part_means_figure(results: list[GradingResult]) -> Figure | None:
    names, means = [], []
    for name in dict.fromkeys(part.name for result in results for part in result.parts):
        fractions = [part.score / part.max_score for result in results if not result.error for part in result.parts
                     if part.name == name and part.max_score > 0]
        if fractions:
            names.append(name)
            means.append(100.0 * statistics.mean(fractions))
    if not names:
        return None
    return Figure(title="Average share of the points, per part", x_label="part", y_label="% of the points",
                  series=[Series("", [float(index) for index in range(len(names))], means, style="bar")],
                  categories=names)


def _test_rates(results: list[GradingResult]) -> list[TestRate]:
    """One row per distinct test (titles are unique within a function), hardest first."""
    rates: dict[str, TestRate] = {}
    for result in results:
        if result.error:
            continue
        for part in result.parts:
            if not part.submitted:
                continue
            for test in part.tests:
                rate = rates.setdefault(test.id, TestRate(test.id, test.part, test.function, test.title, 0, 0))
                rate.total += 1
                rate.passed += test.status == PASSED
    return sorted(rates.values(), key=lambda rate: (rate.percent, rate.id))


def _mistakes(results: list[GradingResult]) -> list[MistakeCount]:
    """Named mistakes by how many students made them; a student counts once per mistake, however many tests show it."""
    found: dict[str, MistakeCount] = {}
    for result in results:
        for test in result.tests():
            key = mistake_key(test)
            if key is None:
                continue
            entry = found.setdefault(key[0], MistakeCount(key[0], key[1]))
            if test.function not in entry.functions:
                entry.functions.append(test.function)
            if result.student not in entry.students:
                entry.students.append(result.student)
    return sorted(found.values(), key=lambda entry: (-len(entry.students), entry.title))


def _trouble_kind(test: TestResult) -> str | None:
    """What kept this test's own call from finishing ("timed out", "crashed", ...), or None.

    A test that failed only because a module did not import, or because a function it builds on failed
    (`root_cause`), is a symptom: the trouble is counted where it happened.
    """
    feedback = test.feedback
    if feedback is None or feedback.blocked_by or feedback.root_cause:
        return None
    found = [(position, what) for phrase, what in TROUBLE.items() if (position := feedback.message.find(phrase)) >= 0]
    return min(found, key=lambda item: item[0])[1] if found else None


def _troubles_of(result: GradingResult) -> list[Trouble]:
    """What kept this submission's code from running normally, and what it was flagged for, with the reason."""
    flagged = [Trouble(result.student, "flagged", flag) for flag in result.flags]
    if result.error:
        return [Trouble(result.student, "could not be graded", result.error)] + flagged
    troubles = flagged
    for problem in import_problems(result):
        what = "module missing" if "was not found" in problem.message else "did not import"
        troubles.append(Trouble(result.student, what, f"{problem.part}: {problem.message}"))
    kinds: dict[str, list[str]] = defaultdict(list)
    for test in result.tests():
        kind = _trouble_kind(test)
        if kind is not None:
            kinds[kind].append(test.function)
    for what, functions in kinds.items():
        unique = list(dict.fromkeys(functions))
        troubles.append(Trouble(result.student, what, ", ".join(unique[:6]) + (" …" if len(unique) > 6 else "")))
    return troubles


def _student_row(result: GradingResult, part_names: list[str], troubles: list[Trouble]) -> StudentRow:
    points = {}
    for part in result.parts:
        if part.name in part_names:
            points[part.name] = "–" if not part.submitted or result.error else format_points(part.score)
    first = next((key for test in result.tests() if (key := mistake_key(test)) is not None), None)
    status = ", ".join(dict.fromkeys(trouble.what for trouble in troubles)) or "graded"
    return StudentRow(result=result, status=status, part_points=points, first_mistake=first[1] if first else "")


def render_dashboard(results: list[GradingResult], title: str = "Class overview",
                     similarity: SimilaritySection | None = None) -> str:
    """The dashboard page for all results of a batch (with the similarity check's findings, when it ran)."""
    results = sorted(results, key=lambda result: result.student)
    totals = [result.score for result in results]
    part_names = list(dict.fromkeys(part.name for result in results for part in result.parts))
    troubles = {result.student: _troubles_of(result) for result in results}
    rows = [_student_row(result, part_names, troubles[result.student]) for result in results]
    figures = [_score_histogram(results)] + [figure for figure in [_part_means_figure(results)] if figure]
    statuses = Counter("error" if result.error else "graded" for result in results)
    rates = _test_rates(results)
    environment = jinja_environment()
    script = environment.get_template("dashboard.js.j2").render()
    return environment.get_template("dashboard.html.j2").render(
        title=title, results=results, rows=rows, part_names=part_names, statuses=statuses,
        mean=statistics.mean(totals) if totals else 0.0, median=statistics.median(totals) if totals else 0.0,
        max_score=max((result.max_score for result in results), default=0.0),
        figures=[figure_view(figure, f"dashboard{index}") for index, figure in enumerate(figures)],
        hardest=rates[:HARDEST_SHOWN], rates=rates, mistakes=_mistakes(results),
        troubles=[trouble for result in results for trouble in troubles[result.student]],
        similarity=similarity, points=format_points, script=Markup(script), script_hash=csp_hash(script))


def render_similarity_pair(pair: SimilarityPair, first: list[tuple[str, bool]], second: list[tuple[str, bool]]) -> str:
    """The side-by-side page of two submissions: each one's code as (text, shared) pieces, the shared ones marked.

    The code is the students' own text: it is autoescaped like everything else.
    """
    sides = [{"student": pair.first, "share": pair.first_share, "segments": first},
             {"student": pair.second, "share": pair.second_share, "segments": second}]
    return jinja_environment().get_template("similarity.html.j2").render(pair=pair, sides=sides, script=None,
                                                                          script_hash="")
