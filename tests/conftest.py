"""Shared fixtures of the project's own test suite."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from autograder.course import course_root, load_parts, load_reference

# One course secret for every test run on every machine: the hidden inputs a test sees (and so its results) never
# depend on the secret file of the checkout it runs in.  Tests of the secret file itself unset it.
os.environ["AUTOGRADER_COURSE_SECRET"] = "the project's own tests"

# Generated-input tests draw the same examples on every run, so the suite's verdict does not depend on luck;
# HYPOTHESIS_PROFILE=explore draws new ones (run it to look for bugs, not in CI).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

_RELATIVE_IMPORT = re.compile(r"^from \.(\w+) import ", re.MULTILINE)


def reference_as_submission(folder: Path, parts=("nn", "word2vec", "scaling")) -> Path:
    """Write the reference solution as a student would hand it in: <part>/<module>.py, plain imports."""
    root = course_root()
    for part in load_parts(list(parts)):
        (folder / part.name).mkdir(parents=True, exist_ok=True)
        for module in part.modules:
            source = (root / "reference" / part.name / f"{module}.py").read_text()
            (folder / part.name / f"{module}.py").write_text(_RELATIVE_IMPORT.sub(r"from \1 import ", source))
    return folder


@pytest.fixture(scope="session")
def ref():
    """ref(part, module) → the reference module, loaded as the grader loads it."""
    return load_reference


@pytest.fixture(scope="session")
def reference_submission(tmp_path_factory) -> Path:
    return reference_as_submission(tmp_path_factory.mktemp("reference-submission"))


@pytest.fixture(scope="session")
def stub_submission(tmp_path_factory) -> Path:
    """The untouched stubs, handed in as they were given out."""
    folder = tmp_path_factory.mktemp("stub-submission")
    for part in load_parts():
        shutil.copytree(part.folder, folder / part.name, ignore=shutil.ignore_patterns("*.md", "*.yaml"))
    return folder


class NoProgressBar:
    """What the batch's runners update as jobs finish, for tests that call them without a progress bar."""

    def update(self, _):
        pass


def make_fast_course(root: Path) -> Path:
    """A copy of the course whose manifests allow 1 s per call, so hostile timeouts cost little."""
    shutil.copytree(course_root() / "assignments", root / "assignments")
    for manifest in (root / "assignments").glob("*/assignment.yaml"):
        data = yaml.safe_load(manifest.read_text())
        data["limits"].update(call_seconds=1, submission_seconds=30, memory_mb=768)
        for functions in data["modules"].values():
            for spec in functions.values():
                spec.pop("call_seconds", None)
        manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    (root / "reference").symlink_to(course_root() / "reference")
    return root


@pytest.fixture(scope="session")
def fast_course(tmp_path_factory) -> Path:
    return make_fast_course(tmp_path_factory.mktemp("fast-course"))


@pytest.fixture
def course_with_secret(tmp_path, monkeypatch) -> tuple[Path, str]:
    """(root, secret): the course, linked entry by entry into a folder of its own whose `course-secret` is known."""
    root = tmp_path / "course"
    root.mkdir()
    for entry in course_root().iterdir():
        if entry.name not in ("course-secret", ".venv", ".git"):
            (root / entry.name).symlink_to(entry)
    secret = "0123456789abcdef" * 4
    (root / "course-secret").write_text(secret + "\n")
    monkeypatch.setenv("AUTOGRADER_COURSE", str(root))
    monkeypatch.delenv("AUTOGRADER_COURSE_SECRET")
    return root, secret


def pytest_configure(config):
    # the hidden suites' marker, for the tests that call a suite's test functions in-process
    config.addinivalue_line("markers", "grades(function, weight=1, root_cause=True): a hidden test's function")
