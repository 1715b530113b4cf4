"""Grading one submission from start to end: the function behind `autograder grade` and `check`.

locate the modules → scratch copy → worker → visible examples and hidden suites
→ one `GradingResult`.  Whatever goes wrong inside, a result comes out: a
failure of the grader itself becomes `result.error` with a score of 0.
"""
from __future__ import annotations

import datetime
import time
import traceback
from pathlib import Path

from .. import __version__
from .._errors import UserError, UserErrors
from .._untrusted import readable_name
from ..course import VISIBILITIES, Part, course_root, course_secret, load_parts, reference_available
from ..results import Feedback, GradingResult, Kind, PartResult, Status, TestResult
from ._examples import ExpectedValues, ReferenceExpectations, run_examples
from ._rootcause import attribute_root_causes
from ._seed import part_digest, part_seed
from ._submission import Submission, locate, make_scratch, student_id_for
from .boundary import (
    GradingSession,
    IsolationMode,
    check_workers_reach_temporary_folder,
    choose_mode,
    close_to_other_users,
    describe,
)


def not_submitted(part: Part, reason: str, visible_only: bool = False) -> PartResult:
    """A part none of whose modules was found: 0 of each function's points (of its examples' in a self-check)."""
    specs = [spec for spec in part.functions if spec.example_points or not visible_only]
    tests = [TestResult(id=f"{part.name}::{spec.qualified_name}::not_submitted", title="not submitted",
                        part=part.name, function=spec.qualified_name, kind=Kind.HIDDEN, score=0.0,
                        max_score=spec.example_points if visible_only else spec.points, status=Status.FAILED,
                        feedback=Feedback(message=reason))
             for spec in specs]
    return PartResult(name=part.name, title=part.title, submitted=False, note=reason, tests=tests,
                      max_points=_example_points(part) if visible_only else part.points,
                      not_run_points=part.points - _example_points(part) if visible_only else 0.0)


def _example_points(part: Part) -> float:
    return sum(spec.example_points for spec in part.functions)


def failed_result(submission: str | Path, reason: str | UserError, part_names: list[str] | None = None,
                  student: str | None = None, visible_only: bool = False) -> GradingResult:
    """The result of a submission that could not be graded at all: 0 out of the full points, and why.

    A UserError as the reason names its file as the student knows it (relative to
    the submission, or its name alone), never by the grading machine's folders.
    """
    if isinstance(reason, UserError):
        reason = _worded_for_student(reason, Path(submission))
    return GradingResult(student=student or student_id_for(Path(submission)), submission=readable_name(str(submission)),
                         error=reason, version=__version__,
                         started_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                         parts=[not_submitted(part, reason, visible_only) for part in load_parts(part_names)])


def _worded_for_student(error: UserError, submission: Path) -> str:
    """The error's text with each file named relative to the submission (a file outside it: by its name)."""
    errors = error.errors if isinstance(error, UserErrors) else [error]
    lines = []
    for each in errors:
        path = Path(each.path) if each.path else None
        if path is not None:
            path = path.relative_to(submission) if path.is_relative_to(submission) and path != submission \
                else Path(path.name)
        lines.append(str(UserError(each.message, path, each.line, each.column)))
    return "\n".join(lines)


def grade_submission(path: str | Path, part_names: list[str] | None = None, seed: int | None = None,
                     student: str | None = None, visible_only: bool = False) -> GradingResult:
    """Grade one submission (folder, .zip or .py file).

    part_names limits grading to some parts; visible_only runs only the visible
    examples (the student's self-check).  The hidden tests of each part draw
    their inputs from `seed` when given, else from that part's own seed, derived
    from its graded files and the course secret (see `_seed`); each part's
    result records the seed it used.  Raises UserError only when the submission
    cannot be read at all; every other failure is inside the result.
    """
    started = time.perf_counter()
    parts = load_parts(part_names)
    if not visible_only and not reference_available():
        raise UserError("this copy of the course has no hidden tests (a student release?): "
                        "use `autograder check` for the visible examples")
    result = GradingResult(student=student or "", submission=readable_name(str(path)), seed=seed, version=__version__,
                           started_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
    submission = locate(Path(path), parts, student)
    result.student = submission.student
    result.messages.extend(submission.notes)
    try:
        _grade_located(submission, parts, seed, visible_only, result)
    except UserError:
        raise
    except Exception as error:   # a bug of ours or a broken machine: never lose the submission
        result.error = f"grading failed: {type(error).__name__}: {error}"
        result.diagnostics = traceback.format_exc(limit=-3)
    finally:
        submission.cleanup()
        result.execution_time = round(time.perf_counter() - started, 3)
    return result


def seeds_for(submission: Submission, parts: list[Part], seed: int | None) -> dict[str, int]:
    """part name → the seed of its hidden inputs: the given seed, else one derived from the part's graded files."""
    if seed is not None:
        return {part.name: seed for part in parts}
    secret = course_secret(course_root(), create=True)
    return {part.name: part_seed(secret, part.name, part_digest(submission, part.name)) for part in parts}


def _grade_located(submission: Submission, parts: list[Part], seed: int | None, visible_only: bool,
                   result: GradingResult) -> None:
    graded = [part for part in parts if submission.has_part(part.name)]
    for part in parts:
        if part not in graded:
            result.parts.append(not_submitted(part, f"Not submitted: none of {', '.join(f'{m}.py' for m in part.modules)} "
                                                     f"was found in the submission.", visible_only))
    if not graded:
        return
    mode = choose_mode()
    check_workers_reach_temporary_folder(mode)
    result.isolation = describe(mode)
    if mode == IsolationMode.UNPRIVILEGED_USER:
        close_to_other_users(course_root())
    make_scratch(submission)
    present = set(submission.modules)
    expectations = ReferenceExpectations(graded) if reference_available() else ExpectedValues(graded)
    seeds = {} if visible_only else seeds_for(submission, graded, seed)   # the visible examples use none
    session = GradingSession(submission.scratch, graded, present, mode, expectations.parameter_names())
    session.start()
    try:
        # The hidden suites first: pytest's start and collection run while the worker starts, instead of
        # the examples waiting for it (the results are put in order below).
        tests, local_only = [], set()
        if not visible_only:
            # pytest is imported here: in a fresh process, while the worker (started above) starts
            from ._plugin import run_suites
            outcome = run_suites(session, graded, seeds)
            if outcome.problems:
                raise RuntimeError("suites do not match the manifests: " + "; ".join(outcome.problems))
            tests, local_only = outcome.results, outcome.local_only
        tests = run_examples(session, graded, expectations) + tests
    finally:
        session.close()
    for part in graded:
        attribute_root_causes(part, tests, local_only)
    result.student_output = (session.import_output + session.worker.output)[:64 * 1024]
    order = {part.name: index for index, part in enumerate(parts)}
    for part in graded:
        part_tests = [test for test in tests if test.part == part.name]
        function_order = {spec.qualified_name: index for index, spec in enumerate(part.functions)}
        part_tests.sort(key=lambda test: (function_order.get(test.function, 99), test.kind != Kind.EXAMPLE))
        missing = [module for module in part.modules if not submission.has_module(part.name, module)]
        note = f"Missing from the submission: {', '.join(f'{m}.py' for m in missing)}." if missing else ""
        max_points, not_run = part.points, 0.0
        if visible_only:   # a self-check can give the examples' points only
            max_points, not_run = _example_points(part), part.points - _example_points(part)
            note = (note + " " if note else "") + f"The hidden tests ({not_run:g} points) were not run."
        result.parts.append(PartResult(name=part.name, title=part.title, note=note, max_points=max_points,
                                       tests=part_tests, not_run_points=not_run, seed=seeds.get(part.name)))
    result.parts.sort(key=lambda part: order[part.name])
    _apply_visibility(result, parts)


def _apply_visibility(result: GradingResult, parts: list[Part]) -> None:
    """Each test's Gradescope visibility from its part's manifest; the console output's, the most held back.

    A part that was not submitted says so at once: that is no hidden test's result.
    """
    settings = {part.name: part.visibility for part in parts}
    for part in result.parts:
        if not part.submitted or part.name not in settings:
            continue
        for test in part.tests:
            test.visibility = settings[part.name].examples if test.kind == Kind.EXAMPLE else settings[part.name].hidden_tests
    result.stdout_visibility = max((part.visibility.stdout for part in parts), key=VISIBILITIES.index,
                                   default="hidden")
