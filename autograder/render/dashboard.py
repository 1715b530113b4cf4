"""The class dashboard of a batch: OUT/index.html, rendered from the students' results.

What an instructor wants to see at a glance: how the scores are distributed,
which tests most students fail, which named mistakes are common and who made
them, which submissions crashed, timed out or could not be graded, and a link to
every student's report.
"""
from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..results import PASSED, Figure, GradingResult, Series
from .html import figure_view, format_points, jinja_environment

# Words of the grader's feedback that mean the student's code did not finish normally.
TROUBLE = {"timed out": "timed out", "ran out of memory": "ran out of memory", "ended the process": "crashed",
           "segmentation fault": "crashed", "was killed": "was killed", "corrupted the grader's channel": "broke the channel"}


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
    title: str
    function: str
    students: list[str] = field(default_factory=list)


@dataclass
class Trouble:
    student: str
    what: str
    detail: str


def _score_histogram(results: list[GradingResult]) -> Figure:
    maximum = max((result.max_score for result in results), default=0.0) or 1.0
    edges = [maximum * step / 10 for step in range(11)]
    counts = [0] * 10
    for result in results:
        counts[min(9, int(10 * result.score / maximum))] += 1
    centres = [round((low + high) / 2, 4) for low, high in itertools.pairwise(edges)]
    return Figure(title="How many students got how many points", x_label="points (10% bins)", y_label="students",
                  series=[Series("students", centres, [float(count) for count in counts], style="bar")])


def _part_means_figure(results: list[GradingResult]) -> Figure | None:
    names, means = [], []
    for name in dict.fromkeys(part.name for result in results for part in result.parts):
        fractions = [part.score / part.max_score for result in results for part in result.parts
                     if part.name == name and part.max_score > 0]
        if fractions:
            names.append(name)
            means.append(100.0 * statistics.mean(fractions))
    if not names:
        return None
    return Figure(title="Average share of the points, per part (" + ", ".join(
        f"{index + 1} = {name}" for index, name in enumerate(names)) + ")", x_label="part", y_label="% of the points",
        series=[Series("mean", [float(index + 1) for index in range(len(names))], means, style="bar")])


def _test_rates(results: list[GradingResult]) -> list[TestRate]:
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
    found: dict[str, MistakeCount] = {}
    for result in results:
        for test in result.tests():
            if test.feedback and test.feedback.mistake:
                entry = found.setdefault(test.feedback.mistake, MistakeCount(
                    test.feedback.mistake_title or test.feedback.mistake, test.function))
                if result.student not in entry.students:
                    entry.students.append(result.student)
    return sorted(found.values(), key=lambda entry: (-len(entry.students), entry.title))


def _troubles(results: list[GradingResult]) -> list[Trouble]:
    troubles = []
    for result in sorted(results, key=lambda r: r.student):
        if result.error:
            troubles.append(Trouble(result.student, "could not be graded", result.error))
            continue
        kinds: dict[str, list[str]] = defaultdict(list)
        for test in result.tests():
            message = test.feedback.message if test.feedback else ""
            for phrase, what in TROUBLE.items():
                if phrase in message:
                    kinds[what].append(test.function)
                    break
        for what, functions in kinds.items():
            unique = list(dict.fromkeys(functions))
            troubles.append(Trouble(result.student, what, ", ".join(unique[:6]) + (" …" if len(unique) > 6 else "")))
    return troubles


def render_dashboard(results: list[GradingResult], title: str = "Class overview") -> str:
    """The dashboard page for all results of a batch."""
    results = sorted(results, key=lambda result: result.student)
    totals = [result.score for result in results]
    part_names = list(dict.fromkeys(part.name for result in results for part in result.parts))
    figures = [_score_histogram(results)] + [figure for figure in [_part_means_figure(results)] if figure]
    statuses = Counter("error" if result.error else "graded" for result in results)
    return jinja_environment().get_template("dashboard.html.j2").render(
        title=title, results=results, part_names=part_names, statuses=statuses,
        mean=statistics.mean(totals) if totals else 0.0, median=statistics.median(totals) if totals else 0.0,
        max_score=max((result.max_score for result in results), default=0.0),
        figures=[figure_view(figure, f"dashboard{index}") for index, figure in enumerate(figures)],
        rates=_test_rates(results), mistakes=_mistakes(results), troubles=_troubles(results),
        points=format_points, script=None, script_hash="")
