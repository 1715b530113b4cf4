"""`assignments/grading.yaml`: the budgets of the grading process itself.

The worker that runs a student's code has its limits in each part's manifest;
this file bounds what the *grading* process does with a submission before and
around that: how many files and folders it looks at, how deep, how many bytes it
reads in all and per file, and how long and how much memory one batch job may
take.  It is validated against SETTINGS_SCHEMA when loaded, every problem
reported as `file:line:column: message`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .._errors import UserError
from .._yamlio import load_yaml, validate

SETTINGS_FILE = "grading.yaml"


def _block(properties: dict[str, dict]) -> dict:
    return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


_COUNT = {"type": "integer", "minimum": 1}
_SIZE = {"type": "number", "exclusiveMinimum": 0}
SETTINGS_SCHEMA = _block({
    "submission": _block({
        "max_entries": _COUNT, "max_depth": _COUNT, "max_total_mib": _SIZE, "max_module_kib": _SIZE,
        "max_notebook_mib": _SIZE, "max_notebook_values": _COUNT, "max_notebook_code_kib": _SIZE, "max_answers_kib": _SIZE,
    }),
    "batch": _block({"job_seconds": _SIZE, "job_memory_mib": {"type": "integer", "minimum": 256}}),
})


@dataclass(frozen=True)
class SubmissionBudgets:
    """How much of one submission the grading process looks at and reads (sizes in bytes)."""

    max_entries: int
    max_depth: int
    max_total_bytes: int
    max_module_bytes: int
    max_notebook_bytes: int
    max_notebook_values: int
    max_notebook_code_bytes: int
    max_answers_bytes: int


@dataclass(frozen=True)
class BatchJobLimits:
    """What one student's job in `autograder batch` may take: wall time, and address space of its process."""

    job_seconds: float
    job_memory_bytes: int


@dataclass(frozen=True)
class GradingSettings:
    submission: SubmissionBudgets
    batch: BatchJobLimits


def load_settings(root: Path) -> GradingSettings:
    """The settings of the course at root (its `assignments/grading.yaml`)."""
    return _load(Path(root).resolve())


@cache
def _load(root: Path) -> GradingSettings:
    path = root / "assignments" / SETTINGS_FILE
    if not path.is_file():
        raise UserError("the grading settings file is missing (budgets of the grading process)", path)
    document = load_yaml(path)
    validate(document, SETTINGS_SCHEMA)
    submission, batch = document.data["submission"], document.data["batch"]
    return GradingSettings(
        submission=SubmissionBudgets(
            max_entries=submission["max_entries"], max_depth=submission["max_depth"],
            max_total_bytes=int(submission["max_total_mib"] * 2**20),
            max_module_bytes=int(submission["max_module_kib"] * 2**10),
            max_notebook_bytes=int(submission["max_notebook_mib"] * 2**20),
            max_notebook_values=submission["max_notebook_values"],
            max_notebook_code_bytes=int(submission["max_notebook_code_kib"] * 2**10),
            max_answers_bytes=int(submission["max_answers_kib"] * 2**10)),
        batch=BatchJobLimits(job_seconds=float(batch["job_seconds"]), job_memory_bytes=batch["job_memory_mib"] * 2**20))
