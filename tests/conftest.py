"""Shared fixtures of the project's own test suite."""
from __future__ import annotations

import pytest

from autograder._course import load_reference


@pytest.fixture(scope="session")
def ref():
    """ref(part, module) → the reference module, loaded as the grader loads it."""
    return load_reference
