"""The HTML report: one self-contained page a student can learn from.

`render_html(result)` turns a `GradingResult` into a single HTML file: inline
CSS, one tiny inline script, plots as inline SVG, no request to anything
outside the file.  The page is rendered by the Jinja2 templates next to this
module with autoescaping on, so everything the student controls (printed
output, returned values, their id, file names) arrives as text, never as markup.

This module only prepares what the templates show: it groups tests, orders
their text blocks, formats numbers and dates, and draws each `Figure` as SVG
(`_svgplot`), or shows its numbers as a small table when it cannot be drawn.
It grades nothing.
"""
from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..results import (
    ERROR,
    EXAMPLE,
    FAILED,
    HIDDEN,
    PASSED,
    QUESTION,
    Feedback,
    Figure,
    GradingResult,
    PartResult,
    TestResult,
)
from ._blocks import ImportProblem, detail_blocks, import_problems, is_blocked, seeds_line
from ._svgplot import draw_svg
from ._visible import visible_controls

TEMPLATES = Path(__file__).with_name("templates")

OUTPUT_SHOWN = 4000        # characters of a test's printed output shown in the report
TABLE_ROWS = 16            # rows of a figure's fallback table

KIND_LABELS = {EXAMPLE: "example", HIDDEN: "hidden test", QUESTION: "question"}
STATUS_LABELS = {PASSED: "passed", FAILED: "failed", ERROR: "grader error"}
FEEDBACK_BLOCKS = (("input", "Input"), ("expected", "Expected"), ("got", "Got"), ("where", "Where in your code"))

PLOT_COLORS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#0891b2", "#be123c")


# ---------------------------------------------------------------- view model


@dataclass
class Block:
    """A labelled text block shown in monospace with its whitespace kept."""

    label: str
    text: str
    html: Markup | None = None   # the text rendered (a quiz prompt's Markdown and maths), when there is such


@dataclass
class Table:
    """A figure's numbers, shown when it cannot be drawn."""

    columns: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class FigureView:
    """A figure ready for the page: inline SVG markup, or a table of its numbers."""

    title: str
    svg: Markup | None = None
    tables: list[Table] = field(default_factory=list)


@dataclass
class TestView:
    """One test (or quiz question) as the report shows it."""

    test: TestResult
    anchor: str
    blocks: list[Block]
    figures: list[FigureView]
    output: str
    question: list[Block] = field(default_factory=list)   # prompt, answers, explanation of a quiz question

    @property
    def passed(self) -> bool:
        return self.test.passed

    @property
    def feedback(self) -> Feedback | None:
        return self.test.feedback

    @property
    def blocked(self) -> bool:
        """Failed only because a module did not load: the banner at the top says why, once."""
        return is_blocked(self.test)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.test.kind, self.test.kind)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.test.status, self.test.status)

    @property
    def has_details(self) -> bool:
        """Whether there is anything to show behind the test's summary line."""
        return bool(self.blocks or self.test.notes or self.output or self.figures or self.question)

    @property
    def details_summary(self) -> str:
        """What the collapsed details hold, in a few words."""
        parts = [block.label.lower() for block in self.blocks]
        if self.test.notes:
            parts.append("notes")
        if self.output:
            parts.append("what your code printed")
        return ", ".join(parts).capitalize() or "Details"


@dataclass
class FunctionView:
    """A graded function (or quiz question) and its tests."""

    name: str
    tests: list[TestView]

    @property
    def score(self) -> float:
        return sum(view.test.score for view in self.tests)

    @property
    def max_score(self) -> float:
        return sum(view.test.max_score for view in self.tests)

    @property
    def failed(self) -> int:
        return sum(not view.passed for view in self.tests)

    @property
    def passed(self) -> bool:
        return self.failed == 0

    @property
    def open(self) -> bool:
        """Shown open: a test failed for a reason of its own (not only because a module did not load)."""
        return any(not view.passed and not view.blocked for view in self.tests)


@dataclass
class PartView:
    """An assignment part or a quiz, with its functions or questions."""

    part: PartResult
    anchor: str
    is_quiz: bool
    functions: list[FunctionView]

    @property
    def unit(self) -> str:
        return "question" if self.is_quiz else "function"

    @property
    def passed_count(self) -> int:
        return sum(function.passed for function in self.functions)

    @property
    def failed_count(self) -> int:
        return len(self.functions) - self.passed_count

    @property
    def percent(self) -> float:
        return _percent(self.part.score, self.part.max_score)


@dataclass
class ReportView:
    """Everything the report template shows."""

    result: GradingResult
    parts: list[PartView]
    submission_name: str
    date: str
    duration: str
    student_output: str
    import_problems: list[ImportProblem] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return _percent(self.result.score, self.result.max_score)

    @property
    def failed_tests(self) -> int:
        return sum(not view.passed and not view.blocked for part in self.parts if part.part.submitted
                   for function in part.functions for view in function.tests)


# ---------------------------------------------------------------- rendering


def render_html(result: GradingResult, visible_only: bool = False) -> str:
    """The whole report for one graded submission, as a self-contained HTML page.

    visible_only marks a self-check (`autograder check`): the page says so, and
    that the hidden tests still hold the rest of the points.
    """
    environment = jinja_environment()
    script = environment.get_template("report.js.j2").render()
    heading = "Self-check (visible examples only)" if visible_only else "Grade report"
    return environment.get_template("report.html.j2").render(
        report=_report_view(result), heading=heading, seeds=seeds_line(result), script=Markup(script),
        script_hash=csp_hash(script))


@functools.lru_cache(maxsize=1)
def jinja_environment() -> Environment:
    """The Jinja2 environment on the templates folder, autoescaping everything."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                              finalize=_shown_as_text)
    environment.filters["points"] = format_points
    environment.filters["plural"] = _plural
    return environment


def _shown_as_text(value):
    """Every value a template writes: a str (not markup of ours) with its control and bidi characters escaped."""
    return visible_controls(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def format_points(value: float) -> str:
    """1.0 → "1", 1.3333 → "1.333": points as a person writes them."""
    value = round(float(value), 6)
    return str(int(value)) if value == int(value) else f"{value:.4g}"


def _plural(count: int, word: str) -> str:
    """(1, "test") → "1 test", (3, "test") → "3 tests"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _percent(score: float, maximum: float) -> float:
    """Score as a percentage in [0, 100], 0 for a part worth nothing."""
    return 0.0 if maximum <= 0 else max(0.0, min(100.0, 100.0 * score / maximum))


def _report_view(result: GradingResult) -> ReportView:
    counter = itertools.count(1)
    parts = [_part_view(part, index, counter) for index, part in enumerate(result.parts, start=1)]
    return ReportView(result=result, parts=parts, submission_name=_file_name(result.submission),
                      date=_format_date(result.started_at), duration=_format_duration(result.execution_time),
                      student_output=_shorten(result.student_output), import_problems=import_problems(result))


def _file_name(path: str) -> str:
    """The last component of the submission's path: the grader's folders are nobody's business."""
    return Path(path).name if path else ""


def _format_date(iso: str) -> str:
    """"2026-11-25T09:24:15+00:00" → "2026-11-25 09:24 UTC"; text that is no date stays as it is."""
    try:
        moment = datetime.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    if moment.utcoffset() == datetime.timedelta(0):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M %z").strip()


def _format_duration(seconds: float) -> str:
    """0.346 → "0.35 s", 75 → "1 min 15 s"."""
    seconds = max(0.0, float(seconds or 0.0))
    if seconds < 60:
        return f"{seconds:.2g} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def _shorten(text: str, limit: int = OUTPUT_SHOWN) -> str:
    """The text, cut after `limit` characters with a line saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit} more characters not shown)"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "part"


def _is_quiz(part: PartResult) -> bool:
    """A quiz part holds questions only (its name is like "quiz:week5")."""
    if part.tests:
        return all(test.kind == QUESTION for test in part.tests)
    return part.name.startswith("quiz")


def _part_view(part: PartResult, index: int, counter: Iterator[int]) -> PartView:
    functions = [FunctionView(name=name, tests=[_test_view(test, next(counter)) for test in tests])
                 for name, tests in part.functions().items()]
    return PartView(part=part, anchor=f"part-{index}-{_slug(part.name)}", is_quiz=_is_quiz(part),
                    functions=functions)


def _test_view(test: TestResult, number: int) -> TestView:
    """Anchors are numbered, not named after the test: a hidden test's name stays out of the page."""
    figures = [figure_view(figure, f"t{number}f{index}") for index, figure in enumerate(test.figures, start=1)
               if test.status != PASSED or not figure.only_if_failed]
    return TestView(test=test, anchor=f"t{number}", blocks=_detail_blocks(test), figures=figures,
                    output=_shorten(test.output), question=_question_blocks(test))


def _detail_blocks(test: TestResult) -> list[Block]:
    """Input, expected, got and where from the feedback, then a visible example's input and expected value.

    An example's block that the feedback already shows is left out: a failed
    example's feedback has the case that failed, which is what matters.  A quiz
    question's blocks are shown apart (`_question_blocks`).
    """
    blocks = []
    if is_blocked(test):   # the banner at the top shows the import error and where it happened
        return []
    if test.feedback:
        blocks = [Block(label, getattr(test.feedback, name)) for name, label in FEEDBACK_BLOCKS
                  if getattr(test.feedback, name)]
    if test.example:
        blocks += [Block(label, text) for label, text in detail_blocks(test)]
    if test.question and test.question.feedback:
        blocks.append(Block("Feedback", test.question.feedback))
    shown = {block.text for block in _question_blocks(test)}
    return [block for block in blocks if block.text not in shown]


def _question_blocks(test: TestResult) -> list[Block]:
    """A quiz question's prompt, the student's answer, the expected answer and the explanation.

    The expected answer comes from the question's details, else from the
    feedback; a report exists only after grading, so showing it gives nothing away.
    """
    question = test.question
    if question is None:
        return []
    expected = question.expected_answer or (test.feedback.expected if test.feedback and test.feedback.expected else "")
    candidates = [("Question", question.prompt, question.prompt_html), ("Your answer", question.your_answer, ""),
                  ("Expected answer", expected, ""), ("Explanation", question.explanation, question.explanation_html)]
    # The HTML is the quiz author's Markdown rendered at grading time, never the student's text.
    return [Block(label, text, Markup(rendered) if rendered else None) for label, text, rendered in candidates if text]


# ---------------------------------------------------------------- figures


def figure_view(figure: Figure, salt: str) -> FigureView:
    """The figure as inline SVG, or as tables of its numbers when it cannot be drawn."""
    try:
        return FigureView(title=figure.title, svg=Markup(draw_svg(figure, salt, PLOT_COLORS)))
    except (ValueError, TypeError, OverflowError) as error:
        caption = f"This plot could not be drawn ({type(error).__name__}), so it is shown as numbers."
    return FigureView(title=figure.title, tables=_figure_tables(figure, caption))


def _figure_tables(figure: Figure, caption: str) -> list[Table]:
    """The figure's numbers: one table when all series share x, else one table per series."""
    series = figure.series
    if series and all(list(s.x) == list(series[0].x) for s in series):
        columns = [figure.x_label or "x"] + [s.label or f"series {i}" for i, s in enumerate(series, start=1)]
        rows = [[_category(figure, x)] + [_number(s.y[i]) if i < len(s.y) else "" for s in series]
                for i, x in enumerate(series[0].x)]
        return [_sampled_table(columns, rows, caption)]
    return [_sampled_table([figure.x_label or "x", s.label or figure.y_label or "y"],
                           [[_number(x), _number(y)] for x, y in zip(s.x, s.y)], caption if i == 0 else "")
            for i, s in enumerate(series)]


def _sampled_table(columns: list[str], rows: list[list[str]], caption: str) -> Table:
    """At most TABLE_ROWS rows, evenly spread and always including the last."""
    if len(rows) > TABLE_ROWS:
        step = (len(rows) - 1) / (TABLE_ROWS - 1)
        picked = sorted({round(i * step) for i in range(TABLE_ROWS)})
        caption = f"{caption} {len(picked)} of {len(rows)} points shown.".strip()
        rows = [rows[i] for i in picked]
    return Table(columns=columns, rows=rows, caption=caption)


def _category(figure: Figure, x: Any) -> str:
    """An x value as the table shows it: the category's name for bars over named things."""
    if figure.categories and float(x).is_integer() and 0 <= int(x) < len(figure.categories):
        return figure.categories[int(x)]
    return _number(x)


def _number(value: Any) -> str:
    try:
        return f"{float(value):.4g}"
    except (TypeError, ValueError):
        return str(value)
