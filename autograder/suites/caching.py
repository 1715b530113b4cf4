"""What the hidden suites of every part share about work done once per graded submission."""
from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

from autograder.grading import StudentCallError
from autograder.grading.checks import GradeFailure

T = TypeVar("T")


def once_per_submission(cache: weakref.WeakKeyDictionary, student, make: Callable[[], T]) -> T:
    """make()'s result for this submission, made at its first use; a failure or crash is kept and raised again."""
    if student not in cache:
        try:
            cache[student] = make()
        except (GradeFailure, StudentCallError) as failure:
            cache[student] = failure
    found = cache[student]
    if isinstance(found, (GradeFailure, StudentCallError)):
        raise found
    return found
