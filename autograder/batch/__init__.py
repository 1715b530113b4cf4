"""Grading a whole class: discovery, parallel or distributed jobs, resumable state, gradebook."""
from ._runner import BatchSettings, BatchSummary, grade_class

__all__ = ["BatchSettings", "BatchSummary", "grade_class"]
