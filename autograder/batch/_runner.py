"""Running a batch: which submissions still need grading, where their jobs run, what gets written.

Jobs run in a local process pool (-j N) or on a Dask cluster (--dask ADDRESS);
both run the same `grade_job`, and each job still isolates the student's code
in its own worker.  Every job has its own wall time and its process an
address-space limit (`batch:` in grading.yaml): a job over either becomes an
`error` row with the reason, and the batch goes on.  In the local pool
(pebble's) the limits hold for the pool's processes, which are replaced when a
job is stopped; on Dask, whose worker processes are long-lived and shared, each
job runs in a process of its own started by the Dask task (`_limited_job`).
A stopped job cannot remove its scratch copy of the student's files, so the
job processes make their temporary files in a folder of the pool's (of the Dask
task's, on Dask), removed when the pool (the task) is done.
After every finished job its result is stored and the gradebook rewritten, so
Ctrl-C (or a crash) leaves a consistent gradebook of what is done, and running
the same command again continues where it stopped.
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import UserError
from .._processes import ParentState, job_context, jobs_temporary_folder
from ..course import course_root, course_secret, grading_settings
from ..grading.boundary import IsolationMode, check_workers_reach_temporary_folder, choose_mode, close_to_other_users
from ..results import GradingResult
from ._discover import Entry, find_submissions
from ._gradebook import write_gradebook
from ._jobs import grade_job
from ._limited_job import GRADE_JOB, died_reason, limit_this_process, out_of_memory_reason, over_time_reason, run_within_limits
from ._merge import PartPlan, code_parts, held_parts, merge, plan_for
from ._state import BatchState, grader_fingerprint, submission_fingerprint


@dataclass
class BatchSettings:
    parts: list[str] | None = None
    seed: int | None = None   # None: each submission's own seed, from its content and the course secret
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
    skipped: list[str] = field(default_factory=list)   # what SUBMISSIONS holds that is no submission, one line each


GRADEBOOK_SECONDS = 2.0   # during a batch, the gradebook is rewritten at most this often (and at the end)


class _Outputs:
    """Everything a batch writes into OUT, updated as results arrive."""

    def __init__(self, output: Path):
        self.output = output
        self.reports = output / "reports"
        self.results_folder = output / "results"
        for folder in (self.reports, self.results_folder):
            folder.mkdir(parents=True, exist_ok=True)
        self.results: dict[str, GradingResult] = {}
        self.folders: dict[str, str] = {}   # student id → the submission's name as found, for the gradebook
        self.members: dict[str, list[dict[str, str]]] = {}   # student id → a Gradescope submission's submitters
        self._written_at = float("-inf")    # when the gradebook was last written (time.monotonic())

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
        write_gradebook(list(self.results.values()), self.output / "gradebook.csv", self.folders)
        BatchState(self.output).save_listed({student: {"folder": self.folders.get(student, ""),
                                                       "members": self.members.get(student, [])}
                                             for student in self.results})
        self._written_at = time.monotonic()

    def write_gradebook_soon(self) -> None:
        """Write the gradebook if the last write is GRADEBOOK_SECONDS old: rewriting all rows after every job
        costs the batch's own process seconds in a large class (its stored results are the record meanwhile)."""
        if time.monotonic() - self._written_at >= GRADEBOOK_SECONDS:
            self.write_gradebook()

    def write_dashboard(self, similarity=None) -> None:
        from ..render.dashboard import render_dashboard

        (self.output / "index.html").write_text(render_dashboard(list(self.results.values()), similarity=similarity),
                                                encoding="utf-8")



def _similarity_job(entries: list[Entry], part_names: set[str], output: Path):
    """The similarity section of the dashboard; a failure of the check never costs the batch its dashboard."""
    from ..course import load_parts
    from ._similarity import check_similarity

    try:
        return check_similarity(entries, [part for part in load_parts() if part.name in part_names], output)
    except Exception as error:   # a bug of ours or of the library: grades are untouched, say so
        return _similarity_failed(error)


def _similarity_failed(error: BaseException):
    from ..render.dashboard import SimilaritySection

    return SimilaritySection(missing=f"The similarity check failed ({type(error).__name__}: {error}); "
                                     "no grade depends on it.")


def _graded_part_names(results: dict[str, GradingResult], plans: dict[str, PartPlan]) -> set[str]:
    """The code parts the gradebook will hold once every pending job is done (whatever each job's outcome)."""
    from ..course import load_parts

    names = {part.name for result in results.values() for part in result.parts}
    for plan in plans.values():
        names |= set(plan.parts or [part.name for part in load_parts()])
        if plan.keep_from is not None:
            names |= set(code_parts(plan.keep_from))
    return names


class _BackgroundSimilarity:
    """The similarity check in a process of its own, started with the grading: it reads the submissions,
    not the results, so it need not wait for them, and the batch does not end with a long serial step."""

    def __init__(self, entries: list[Entry], part_names: set[str], output: Path):
        from pebble import ProcessPool

        self._pool = ProcessPool(max_workers=1, context=job_context(), initializer=ParentState.adopt,
                                 initargs=(ParentState(),))
        self._future = self._pool.schedule(_similarity_job, args=(entries, part_names, output))

    def result(self):
        try:
            return self._future.result()
        except Exception as error:   # its process died: the grades are untouched, say so
            return _similarity_failed(error)

    def stop(self) -> None:
        """Stop the check if it still runs, and its process."""
        self._pool.stop()
        self._pool.join(timeout=30)


def _settings_fingerprint(settings: BatchSettings) -> str:
    quiz = hashlib.sha256(settings.quiz.read_bytes()).hexdigest() if settings.quiz else None
    secret = course_secret(course_root(), create=True)   # made here once, before any job needs it
    keyed_by = hashlib.sha256(b"course secret fingerprint\0" + secret).hexdigest() if secret else None
    payload = json.dumps({"parts": settings.parts, "seed": settings.seed, "quiz": quiz, "secret": keyed_by,
                          "grader": grader_fingerprint()})
    return hashlib.sha256(payload.encode()).hexdigest()


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="submission", desc="grading", disable=not enabled or None, dynamic_ncols=True)


def grade_class(submissions: Path, output: Path, settings: BatchSettings) -> BatchSummary:
    """Grade every submission under `submissions` into `output` (see the module docstring)."""
    if settings.quiz is not None:
        from ..quiz import load_quiz
        load_quiz(settings.quiz)   # a broken quiz stops the batch before it starts, with a located error
    output = Path(output)
    found = find_submissions(Path(submissions), BatchState.stored_ids(output))
    entries = [entry for entry in found.entries
               if entry.refused or not output.exists() or entry.path.resolve() != output.resolve()]
    output.mkdir(parents=True, exist_ok=True)
    close_to_other_users(output)   # grades, reports and stored results are no one else's business
    state = BatchState(output)
    state.save_ids({entry.folder: entry.student for entry in entries})
    mode = choose_mode()
    check_workers_reach_temporary_folder(mode)   # else every job would end in the same grading error
    if mode == IsolationMode.UNPRIVILEGED_USER:
        close_to_other_users(Path(submissions))   # no worker may read another student's submission
    outputs = _Outputs(output)
    outputs.folders = {entry.student: entry.folder for entry in entries}
    outputs.members = {entry.student: list(entry.members) for entry in entries if entry.members}
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

    def finished(entry: Entry, fingerprint: str, job: dict) -> None:
        plan = plans[entry.student]
        rendered = {key: job.get(key) for key in ("report", "gradescope")}
        if plan.keep_from is not None:   # --part into an OUT holding more parts: keep the others
            job = {"result": merge(plan.keep_from, job["result"])}
            rendered = {}
        state.save(entry.student, fingerprint, job["result"], submitted[entry.student])
        outputs.add(entry.student, job["result"], rendered)
        outputs.write_gradebook_soon()

    for entry, fingerprint in pending:   # a link where a submission would be: its row says why, no job reads it
        if entry.refused:
            finished(entry, fingerprint, _stopped_job(entry.path, entry.student, plans[entry.student].parts,
                                                      entry.refused, _quiz_of(settings)))
    pending = [(entry, fingerprint) for entry, fingerprint in pending if not entry.refused]
    outputs.write_gradebook()

    interrupted = False
    similarity = _BackgroundSimilarity([entry for entry in entries if not entry.refused],
                                       _graded_part_names(outputs.results, plans), output)
    try:
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
        outputs.write_dashboard(None if interrupted else similarity.result())
    finally:
        similarity.stop()   # interrupted, or a failure: the check is of no use any more
    errors = sum(1 for result in outputs.results.values() if result.error)
    return BatchSummary(total=len(entries), graded_now=len(outputs.results) - reused, reused=reused,
                        errors=errors, interrupted=interrupted, output=output, skipped=found.skipped)


def _quiz_of(settings: BatchSettings) -> str | None:
    return str(settings.quiz) if settings.quiz else None


def _job_arguments(entry: Entry, settings: BatchSettings, parts_of: dict) -> tuple:
    return (str(entry.path), entry.student, parts_of.get(entry.student, settings.parts), settings.seed,
            _quiz_of(settings))


def _stopped_job(path: str | Path, student: str, parts: list[str] | None, reason: str, quiz: str | None) -> dict:
    from ._jobs import failed_job_result
    return {"result": failed_job_result(path, student, parts, reason, quiz).to_dict()}


def _outcome(future: concurrent.futures.Future, path: str | Path, student: str, parts: list[str] | None,
             quiz: str | None) -> dict:
    """What a job of the local pool returned, or an error row saying which limit stopped it."""
    from pebble import ProcessExpired

    try:
        return future.result()
    except concurrent.futures.TimeoutError:
        reason = over_time_reason()
    except ProcessExpired as error:
        reason = died_reason(error.exitcode)
    except MemoryError:
        reason = out_of_memory_reason()
    except Exception as error:   # the job could not even start (its process ran out of memory importing ...)
        mebibytes = grading_settings().batch.job_memory_bytes // 2**20
        reason = f"the grading process failed ({type(error).__name__}: {error}; its limit is {mebibytes} MiB)"
    return _stopped_job(path, student, parts, reason, quiz)


def _start_job_process(parent: ParentState, memory_bytes: int) -> None:
    parent.adopt()
    limit_this_process(memory_bytes)


def _run_locally(pending, settings: BatchSettings, parts_of: dict, finished, bar, job_function=grade_job) -> None:
    """A pool of grading processes; a job over its time or memory is stopped and becomes an error row.

    job_function is grade_job; the tests hand in jobs that misbehave on purpose.
    """
    with jobs_temporary_folder() as temporary:   # what a stopped job could not remove goes with it
        _run_pool(pending, settings, parts_of, finished, bar, job_function, ParentState(temporary))


def _run_pool(pending, settings: BatchSettings, parts_of: dict, finished, bar, job_function, parent: ParentState) -> None:
    from pebble import ProcessPool

    pool = ProcessPool(max_workers=max(1, settings.jobs), context=job_context(), initializer=_start_job_process,
                       initargs=(parent, grading_settings().batch.job_memory_bytes))
    try:
        futures: dict[concurrent.futures.Future, tuple[Entry, str]] = {
            pool.schedule(job_function, args=_job_arguments(entry, settings, parts_of),
                          timeout=grading_settings().batch.job_seconds): (entry, fingerprint)
            for entry, fingerprint in pending}
        for future in concurrent.futures.as_completed(futures):
            entry, fingerprint = futures[future]
            finished(entry, fingerprint, _outcome(future, entry.path, entry.student,
                                                  parts_of.get(entry.student, settings.parts), _quiz_of(settings)))
            bar.update(1)
    except KeyboardInterrupt:
        # Ctrl-C reaches the grading processes too (same process group); each one stops its
        # own student worker on the way out.  Jobs not started yet are dropped.
        pool.stop()
        pool.join(timeout=30)
        raise
    pool.close()
    pool.join()


def _run_on_dask(pending, settings: BatchSettings, parts_of: dict, finished, bar, job_function: str = GRADE_JOB) -> None:
    """Each job a Dask task that grades in a process of its own under the batch's limits.

    job_function ("module:name") is grade_job; the tests name jobs that misbehave on purpose.
    """
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
            future = client.submit(run_within_limits, *_job_arguments(entry, settings, parts_of),
                                   job_function=job_function, key=f"grade-{entry.student}-{fingerprint[:12]}",
                                   pure=False)
            futures[future] = (entry, fingerprint)
        try:
            for future in as_completed(list(futures)):
                entry, fingerprint = futures[future]
                parts = parts_of.get(entry.student, settings.parts)
                try:
                    job = future.result()
                except Exception as error:   # the Dask worker died or lost the job
                    job = f"the Dask job failed ({type(error).__name__}: {error})"
                if isinstance(job, str):     # stopped: the reason
                    job = _stopped_job(entry.path, entry.student, parts, job, _quiz_of(settings))
                finished(entry, fingerprint, job)
                bar.update(1)
        except KeyboardInterrupt:
            client.cancel(list(futures))
            raise
