"""The gradebook: one CSV row per student, rendered from the stored results."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from ..results import GradingResult

BASE_COLUMNS = ["student", "status", "reason"]
TAIL_COLUMNS = ["total", "max_points", "grading_seconds", "submission"]


def _points(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def gradebook_rows(results: list[GradingResult]) -> tuple[list[str], list[dict]]:
    """Columns and rows: per-part points in teaching order, quizzes last."""
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
        row = {"student": result.student, "status": "error" if result.error else "graded",
               "reason": (result.error or "").replace("\n", " ")[:300],
               "total": _points(result.score), "max_points": _points(result.max_score),
               "grading_seconds": f"{result.execution_time:.2f}", "submission": result.submission}
        for part in result.parts:
            row[part.name] = _points(0.0 if result.error else part.score)
        rows.append(row)
    return columns, rows


def write_gradebook(results: list[GradingResult], path: Path) -> None:
    """Write gradebook.csv atomically (an interrupted batch never leaves half a file)."""
    columns, rows = gradebook_rows(results)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(temporary, path)
