"""Grading a whole class: discovery, parallel or distributed jobs, resumable state, gradebook."""
from ._runner import BatchSettings, grade_class

__all__ = ["BatchSettings", "grade_class"]
