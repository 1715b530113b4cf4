"""Grading a whole class: discovery, parallel or distributed jobs, resumable state, gradebook, similarity."""
from ._discover import Entry, discover
from ._runner import BatchSettings, BatchSummary, grade_class
from ._similarity import check_similarity

__all__ = ["BatchSettings", "BatchSummary", "Entry", "check_similarity", "discover", "grade_class"]
