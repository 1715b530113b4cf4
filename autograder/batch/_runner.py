"""Running a batch: which submissions still need grading, where their jobs run, what gets written.

Jobs run in a local process pool (-j N) or on a Dask cluster (--dask ADDRESS);
both run the same `grade_job`, and each job still isolates the student's code
in its own worker.  After every finished job its result is stored and the
gradebook rewritten, so Ctrl-C (or a crash) leaves a consistent gradebook of
what is done, and running the same command again continues where it stopped.
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import UserError
from ..results import GradingResult
from ._discover import Entry, discover
from ._gradebook import write_gradebook
from ._jobs import grade_job
from ._merge import PartPlan, held_parts, merge, plan_for
from ._state import BatchState, grader_fingerprint, submission_fingerprint

MAX_POOL_RESTARTS = 3


@dataclass
class BatchSettings:
    parts: list[str] | None = None
    seed: int = 0
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    dask: str | None = None
    progress: bool = True
    quiz: Path | None = None


@dataclass
class BatchSummary:
    total: int
    graded_now: int
    reused: int
    errors: int
    interrupted: bool
    output: Path


class _Outputs:
    """Everything a batch writes into OUT, updated as results arrive."""

    def __init__(self, output: Path):
        self.output = output
        self.reports = output / "reports"
        self.results_folder = output / "results"
        for folder in (self.reports, self.results_folder):
            folder.mkdir(parents=True, exist_ok=True)
        self.results: dict[str, GradingResult] = {}

    def add(self, student: str, data: dict, rendered: dict | None = None) -> GradingResult:
        """Record one result and write its report and results.json.

        A fresh result comes with the texts its job rendered (`rendered`); one the
        job could not render is rendered here.  A result reused from an earlier
        run (`rendered` is None) keeps the files that run wrote, unless they are gone.
        """
        from ._jobs import render_outputs

        result = GradingResult.from_dict(data)
        self.results[student] = result
        files = {"report": self.reports / f"{student}.html", "gradescope": self.results_folder / f"{student}.json"}
        texts = dict(rendered or {})
        needed = [key for key, path in files.items()
                  if texts.get(key) is None and (rendered is not None or not path.is_file())]
        if needed:
            texts.update({key: text for key, text in render_outputs(result).items() if key in needed})
        for key, path in files.items():
            if texts.get(key) is not None:
                path.write_text(texts[key], encoding="utf-8")
        return result

    def write_gradebook(self) -> None:
        write_gradebook(list(self.results.values()), self.output / "gradebook.csv")

    def write_dashboard(self, similarity=None) -> None:
        from ..render.dashboard import render_dashboard

        (self.output / "index.html").write_text(render_dashboard(list(self.results.values()), similarity=similarity),
                                                encoding="utf-8")

    def check_similarity(self, entries: list[Entry]):
        """The similarity section of the dashboard; a failure of the check never costs the batch its dashboard."""
        from ..course import load_parts
        from ..render.dashboard import SimilaritySection
        from ._similarity import check_similarity

        graded = {part.name for result in self.results.values() for part in result.parts}
        try:
            return check_similarity(entries, [part for part in load_parts() if part.name in graded], self.output)
        except Exception as error:   # a bug of ours or of the library: grades are untouched, say so
            return SimilaritySection(missing=f"The similarity check failed ({type(error).__name__}: {error}); "
                                             "no grade depends on it.")


def _settings_fingerprint(settings: BatchSettings) -> str:
    quiz = hashlib.sha256(settings.quiz.read_bytes()).hexdigest() if settings.quiz else None
    payload = json.dumps({"parts": settings.parts, "seed": settings.seed, "quiz": quiz, "grader": grader_fingerprint()})
    return hashlib.sha256(payload.encode()).hexdigest()


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="submission", desc="grading", disable=not enabled or None, dynamic_ncols=True)


def grade_class(submissions: Path, output: Path, settings: BatchSettings) -> BatchSummary:
    """Grade every submission under `submissions` into `output` (see the module docstring)."""
    if settings.quiz is not None:
        from ..quiz import load_quiz
        load_quiz(settings.quiz)   # a broken quiz stops the batch before it starts, with a located error
    entries = discover(Path(submissions))
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    state = BatchState(output)
    outputs = _Outputs(output)
    settings_fingerprint = _settings_fingerprint(settings)
    records = {entry.student: state.record(entry.student) for entry in entries} if settings.parts else {}
    held = held_parts([record for record in records.values() if record], settings.parts or [])
    pending: list[tuple[Entry, str]] = []
    plans: dict[str, PartPlan] = {}
    submitted: dict[str, str] = {}   # student → fingerprint of the submission alone
    for entry in entries:
        submitted[entry.student] = submission_fingerprint(entry.path)
        fingerprint = hashlib.sha256((settings_fingerprint + submitted[entry.student]).encode()).hexdigest()
        stored = state.load(entry.student, fingerprint)
        if stored is not None:
            outputs.add(entry.student, stored)   # its report from the earlier run is kept
        else:
            pending.append((entry, fingerprint))
            plans[entry.student] = plan_for(records.get(entry.student), submitted[entry.student], settings.parts, held)
    reused = len(outputs.results)
    outputs.write_gradebook()

    def finished(entry: Entry, fingerprint: str, job: dict) -> None:
        plan = plans[entry.student]
        rendered = {key: job.get(key) for key in ("report", "gradescope")}
        if plan.keep_from is not None:   # --part into an OUT holding more parts: keep the others
            job = {"result": merge(plan.keep_from, job["result"])}
            rendered = {}
        state.save(entry.student, fingerprint, job["result"], submitted[entry.student])
        outputs.add(entry.student, job["result"], rendered)
        outputs.write_gradebook()

    interrupted = False
    with _progress(len(pending), settings.progress) as bar:
        try:
            parts_of = {student: plan.parts for student, plan in plans.items()}
            if settings.dask:
                _run_on_dask(pending, settings, parts_of, finished, bar)
            else:
                _run_locally(pending, settings, parts_of, finished, bar)
        except KeyboardInterrupt:
            interrupted = True
    outputs.write_gradebook()
    outputs.write_dashboard(None if interrupted else outputs.check_similarity(entries))
    errors = sum(1 for result in outputs.results.values() if result.error)
    return BatchSummary(total=len(entries), graded_now=len(outputs.results) - reused, reused=reused,
                        errors=errors, interrupted=interrupted, output=output)


def _job_arguments(entry: Entry, settings: BatchSettings, parts_of: dict) -> tuple:
    return (str(entry.path), entry.student, parts_of.get(entry.student, settings.parts), settings.seed,
            str(settings.quiz) if settings.quiz else None)


def _run_locally(pending, settings: BatchSettings, parts_of: dict, finished, bar) -> None:
    """A pool of grading processes; a pool that breaks is rebuilt and its unfinished jobs retried."""
    attempts: dict[str, int] = {}
    remaining = list(pending)
    context = multiprocessing.get_context("spawn")   # fresh interpreters: no state shared with this one
    while remaining:
        broken = []
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=max(1, settings.jobs), mp_context=context)
        try:
            futures = {pool.submit(grade_job, *_job_arguments(entry, settings, parts_of)): (entry, fingerprint)
                       for entry, fingerprint in remaining}
            for future in concurrent.futures.as_completed(futures):
                entry, fingerprint = futures[future]
                try:
                    job = future.result()
                except concurrent.futures.process.BrokenProcessPool:
                    broken.append((entry, fingerprint))
                    continue
                finished(entry, fingerprint, job)
                bar.update(1)
        except KeyboardInterrupt:
            # Ctrl-C reaches the grading processes too (same process group); each one stops its
            # own student worker on the way out.  Jobs not started yet are dropped.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True, cancel_futures=True)
        remaining = []
        for entry, fingerprint in broken:
            attempts[entry.student] = attempts.get(entry.student, 0) + 1
            if attempts[entry.student] > MAX_POOL_RESTARTS:
                from ..grading import failed_result
                result = failed_result(entry.path, "the grading process kept crashing on this submission",
                                       parts_of.get(entry.student, settings.parts), entry.student)
                finished(entry, fingerprint, {"result": result.to_dict()})
                bar.update(1)
            else:
                remaining.append((entry, fingerprint))


def _run_on_dask(pending, settings: BatchSettings, parts_of: dict, finished, bar) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UserError("--dask needs the `distributed` package (pip install 'week5-autograder[batch]')") from None
    try:
        client = Client(settings.dask, timeout="20s")
    except OSError as error:
        raise UserError(f"cannot reach the Dask scheduler at {settings.dask} ({error})") from None
    with client:
        futures = {}
        for entry, fingerprint in pending:
            future = client.submit(grade_job, *_job_arguments(entry, settings, parts_of),
                                   key=f"grade-{entry.student}-{fingerprint[:12]}",
                                   pure=False)
            futures[future] = (entry, fingerprint)
        try:
            for future in as_completed(list(futures)):
                entry, fingerprint = futures[future]
                try:
                    job = future.result()
                except Exception as error:   # the Dask worker died or lost the job
                    from ..grading import failed_result
                    job = {"result": failed_result(entry.path, f"the Dask job failed ({type(error).__name__}: {error})",
                                                    parts_of.get(entry.student, settings.parts), entry.student).to_dict()}
                finished(entry, fingerprint, job)
                bar.update(1)
        except KeyboardInterrupt:
            client.cancel(list(futures))
            raise
