"""Manifests are validated, and every problem is reported with its file and line."""
import pytest

from autograder import UserError
from autograder.course import load_part

VALID = """\
part: demo
title: Demo
limits: {call_seconds: 5, submission_seconds: 60}
modules:
  things:
    double:
      points: 2
      example_points: 1
      examples:
        - args: [[1.0, 2.0]]
"""


def write_manifest(tmp_path, text):
    folder = tmp_path / "demo"
    folder.mkdir()
    path = folder / "assignment.yaml"
    path.write_text(text)
    return path


def test_valid_manifest_loads(tmp_path):
    part = load_part(write_manifest(tmp_path, VALID))
    spec = part.function("things.double")
    assert (spec.points, spec.example_points, spec.hidden_points, spec.call_seconds) == (2, 1, 1, 5)
    assert part.modules == ["things"]


@pytest.mark.parametrize("broken, line, words", [
    (VALID.replace("points: 2", "points: two"), 7, "'two' is not of type 'number'"),
    (VALID.replace("      example_points: 1\n", "      example_points: 1\n      bonus: 3\n"), 9, "'bonus' was unexpected"),
    (VALID.replace("example_points: 1", "example_points: 3"), 8, "exceed points"),
    (VALID.replace("part: demo", "part: other"), 1, "does not match its folder"),
    (VALID.replace("title: Demo\n", ""), 1, "'title' is a required property"),
    (VALID.replace("  things:", "  things:\n    double:\n      points: 1\n"), 9, "duplicate key 'double'"),
    (VALID.replace("[[1.0, 2.0]]", "[[1.0, 2.0]"), 11, "invalid YAML"),
])
def test_broken_manifest_gives_a_located_one_line_error(tmp_path, broken, line, words):
    path = write_manifest(tmp_path, broken)
    with pytest.raises(UserError) as caught:
        load_part(path)
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"{path}:{line}:"), first
    assert words in first


def test_missing_manifest_names_the_file(tmp_path):
    with pytest.raises(UserError, match="file not found"):
        load_part(tmp_path / "nowhere" / "assignment.yaml")
