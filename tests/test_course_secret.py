"""The course secret: made once, kept to its owner, read the same by every process; and the seeds it keys."""
import os

from autograder.course import course_secret
from autograder.grading._seed import part_seed


def test_a_missing_secret_is_made_once_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTOGRADER_COURSE_SECRET")
    assert course_secret(tmp_path) is None
    made = course_secret(tmp_path, create=True)
    assert made is not None and len(made) == 64 and int(made, 16) >= 0
    assert course_secret(tmp_path, create=True) == course_secret(tmp_path) == made
    assert os.stat(tmp_path / "course-secret").st_mode & 0o077 == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["course-secret"]   # no temporary file left


def test_the_variable_stands_in_for_the_file(tmp_path, monkeypatch):
    (tmp_path / "course-secret").write_text("from the file\n")
    monkeypatch.setenv("AUTOGRADER_COURSE_SECRET", "from the variable")
    assert course_secret(tmp_path) == b"from the variable"
    monkeypatch.delenv("AUTOGRADER_COURSE_SECRET")
    assert course_secret(tmp_path) == b"from the file"


def test_a_read_only_course_has_no_secret_and_grading_goes_on(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTOGRADER_COURSE_SECRET")
    monkeypatch.setattr("autograder.course._secret._create", lambda path: (_ for _ in ()).throw(PermissionError()))
    assert course_secret(tmp_path, create=True) is None


def test_seeds_depend_on_the_secret_the_part_and_the_content_and_fit_an_int64():
    digest, other = bytes(32), bytes([1]) + bytes(31)
    seeds = {part_seed(b"a", "nn", digest), part_seed(b"b", "nn", digest), part_seed(None, "nn", digest),
             part_seed(b"a", "scaling", digest), part_seed(b"a", "nn", other)}
    assert len(seeds) == 5 and all(0 <= seed < 2**63 for seed in seeds)
    assert part_seed(b"a", "nn", digest) == part_seed(b"a", "nn", digest)
