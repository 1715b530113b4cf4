"""The gradebook: one CSV row per student, rendered from the stored results.

Every text cell that a spreadsheet would read as a formula (one that starts
with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading
`'`, so a folder named `=HYPERLINK(...)` stays text when the gradebook is opened.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from .._untrusted import readable_name
from ..results import GradingResult
from ._lms import neutralise

BASE_COLUMNS = ["student", "folder", "status", "reason"]
TAIL_COLUMNS = ["total", "max_points", "grading_seconds", "submission"]


def _points(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def spreadsheet_safe(text: str) -> str:
    """The cell as text a spreadsheet shows and never evaluates (OWASP's rule against CSV injection)."""
    return neutralise(readable_name(text))


def gradebook_rows(results: list[GradingResult], folders: dict[str, str] | None = None) -> tuple[list[str], list[dict]]:
    """Columns and rows: per-part points in teaching order, quizzes last; `folders` maps student → name as found."""
    folders = folders or {}
    part_names: list[str] = []
    for result in results:
        for part in result.parts:
            if part.name not in part_names:
                part_names.append(part.name)
    code = [name for name in part_names if not name.startswith("quiz:")]
    quizzes = [name for name in part_names if name.startswith("quiz:")]
    columns = BASE_COLUMNS + code + quizzes + TAIL_COLUMNS
    rows = []
    for result in sorted(results, key=lambda r: r.student):
        row = {"student": spreadsheet_safe(result.student), "folder": spreadsheet_safe(folders.get(result.student, "")),
               "status": "error" if result.error else "graded",
               "reason": spreadsheet_safe((result.error or "").replace("\n", " ").replace("\r", " ")[:300]),
               "total": _points(result.score), "max_points": _points(result.max_score),
               "grading_seconds": f"{result.execution_time:.2f}", "submission": spreadsheet_safe(result.submission)}
        for part in result.parts:
            row[part.name] = _points(0.0 if result.error else part.score)
        rows.append(row)
    return columns, rows


def write_gradebook(results: list[GradingResult], path: Path, folders: dict[str, str] | None = None) -> None:
    """Write gradebook.csv atomically (an interrupted batch never leaves half a file)."""
    columns, rows = gradebook_rows(results, folders)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(temporary, path)
