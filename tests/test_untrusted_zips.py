"""A zip is read as hostile input: its links are never read as modules, and what it holds but is not opened
(a zip inside it) is said to the student, not silently left out."""
from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from autograder._untrusted import SubmissionFiles
from autograder.course import grading_settings, load_parts
from autograder.grading._submission import locate

ACTIVATIONS = "def linear(s):\n    return s\n"


def _link_member(archive: zipfile.ZipFile, name: str, target: str) -> None:
    """A member as `zip --symlinks` writes a link: its data is the target's path, its mode S_IFLNK."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3   # Unix: the mode is in the high bits of external_attr
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive.writestr(info, target)


@pytest.fixture
def link_zip(tmp_path) -> Path:
    path = tmp_path / "mallory.zip"
    with zipfile.ZipFile(path, "w") as archive:
        _link_member(archive, "nn/activations.py", "/etc/passwd")
        archive.writestr("nn/network.py", "def forward(X, params):\n    return X\n")
    return path


def test_a_link_in_a_zip_is_not_listed_and_the_student_is_told(link_zip):
    with SubmissionFiles.open(link_zip, grading_settings().submission) as files:
        assert sorted(files.files) == ["nn/network.py"]
        assert any("links" in note and "nn/activations.py" in note for note in files.notes)


def test_a_link_in_a_zip_is_never_graded_as_the_module_it_names(link_zip):
    submission = locate(link_zip, load_parts(["nn"]))
    assert not submission.has_module("nn", "activations") and submission.has_module("nn", "network")


def test_a_regular_member_with_unix_permissions_is_read(tmp_path):
    path = tmp_path / "ada.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("nn/activations.py")
        info.create_system, info.external_attr = 3, (stat.S_IFREG | 0o644) << 16
        archive.writestr(info, ACTIVATIONS)
    with SubmissionFiles.open(path, grading_settings().submission) as files:
        assert files.read("nn/activations.py", 1000) == ACTIVATIONS.encode() and not files.notes


def test_a_zip_inside_the_zip_is_named_in_a_note_for_the_student(tmp_path):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("nn/activations.py", ACTIVATIONS)
    outer = tmp_path / "zipinzip.zip"
    with zipfile.ZipFile(outer, "w") as archive:
        archive.write(inner, "week5/inner.zip")
    submission = locate(outer, load_parts(["nn"]))
    assert not submission.modules
    assert any("week5/inner.zip" in note and "not opened" in note for note in submission.notes)


def test_a_zip_inside_a_folder_is_named_in_a_note_for_the_student(tmp_path):
    folder = tmp_path / "bob"
    folder.mkdir()
    with zipfile.ZipFile(folder / "handin.zip", "w") as archive:
        archive.writestr("nn/activations.py", ACTIVATIONS)
    submission = locate(folder, load_parts(["nn"]))
    assert any("handin.zip" in note and "not opened" in note for note in submission.notes)


@pytest.mark.parametrize("name", ["handin.tar.gz", "handin.tgz", "handin.rar", "handin.7z", "Handin.TAR"])
def test_an_archive_of_another_kind_inside_the_submission_is_named_in_a_note(tmp_path, name):
    folder = tmp_path / "bob"
    folder.mkdir()
    (folder / name).write_bytes(b"\x1f\x8b not really an archive")
    submission = locate(folder, load_parts(["nn"]))
    assert any(name in note and "not opened" in note for note in submission.notes)
