"""results.json: what students see on Gradescope and when (from the manifests), and each test's output."""
import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from autograder.cli import main
from autograder.course import course_root, load_parts
from autograder.grading import grade_submission
from autograder.render import render_result


def course_with(root, **gradescope):
    """A copy of the course whose scaling manifest has the given `gradescope:` settings (none: no block)."""
    shutil.copytree(course_root() / "assignments", root / "assignments")
    (root / "reference").symlink_to(course_root() / "reference")
    manifest = root / "assignments" / "scaling" / "assignment.yaml"
    data = yaml.safe_load(manifest.read_text())
    data.pop("gradescope", None)
    if gradescope:
        data["gradescope"] = gradescope
    manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


@pytest.fixture(scope="module")
def held_back(tmp_path_factory, reference_submission):
    """results.json of the reference's scaling part with the hidden tests held back until the due date."""
    root = course_with(tmp_path_factory.mktemp("course"), examples="visible", hidden_tests="after_due_date",
                       stdout="after_published")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOGRADER_COURSE", str(root))
        return json.loads(render_result(grade_submission(reference_submission, ["scaling"]), "json"))


def test_examples_and_hidden_tests_get_their_manifests_visibility(held_back):
    visibility = {test["visibility"] for test in held_back["tests"] if "example" in test["tags"]}
    hidden = {test["visibility"] for test in held_back["tests"] if "hidden" in test["tags"]}
    assert visibility == {"visible"} and hidden == {"after_due_date"}


def test_stdout_visibility_comes_from_the_manifest(held_back):
    assert held_back["stdout_visibility"] == "after_published"


def test_the_always_visible_output_counts_only_the_tests_shown_now(held_back):
    output = held_back["output"]
    assert "scaling: 3 / 3 on the tests shown now" in output
    assert "worth 9 points shown after the due date" in output
    assert "12 / 12" not in output


def test_without_settings_every_test_is_visible_and_stdout_hidden(tmp_path, monkeypatch, reference_submission):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course_with(tmp_path)))
    assert load_parts(["scaling"])[0].visibility.hidden_tests == "visible"
    data = json.loads(render_result(grade_submission(reference_submission, ["scaling"]), "json"))
    assert {test["visibility"] for test in data["tests"]} == {"visible"}
    assert data["stdout_visibility"] == "hidden"
    assert "scaling: 12 / 12" in data["output"]


def test_a_part_not_submitted_says_so_at_once_even_when_tests_are_held_back(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course_with(tmp_path / "course", hidden_tests="hidden")))
    (tmp_path / "empty").mkdir()
    data = json.loads(render_result(grade_submission(tmp_path / "empty", ["scaling"]), "json"))
    assert {test["visibility"] for test in data["tests"]} == {"visible"}


def test_an_unknown_visibility_is_a_located_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course_with(tmp_path, hidden_tests="later")))
    run = CliRunner().invoke(main, ["overview"])
    assert run.exit_code == 2
    assert "scaling/assignment.yaml:" in run.output and "'later' is not one of" in run.output


def test_the_course_manifests_say_their_gradescope_visibility():
    for part in load_parts():
        assert (part.folder / "assignment.yaml").read_text().count("\ngradescope:") == 1


@pytest.mark.parametrize("body", ["return 2.0", "raise ValueError('boom')", None], ids=["wrong", "raises", "right"])
def test_a_visible_examples_output_shows_its_input_once(tmp_path, reference_submission, body):
    laws = (reference_submission / "scaling" / "laws.py").read_text()
    if body is not None:   # kaplan_loss's first statement returns or raises at once
        laws = laws.replace("def kaplan_loss(", f"def kaplan_loss(*args, **kwargs):\n    {body}\n\n\ndef _unused(", 1)
    (tmp_path / "laws.py").write_text(laws)
    data = json.loads(render_result(grade_submission(tmp_path, ["scaling"]), "json"))
    example = next(test for test in data["tests"] if "example" in test["tags"] and "laws.kaplan_loss" in test["tags"])
    assert example["status"] == ("passed" if body is None else "failed")
    assert example["output"].count("Input:") == 1


def thirds_and_sevenths(scores: list[float]) -> dict:
    """results.json of a part whose 12 tests are worth 1/12 point each and whose 7 tests 1/7 each: 2 points."""
    from autograder.results import GradingResult, Kind, PartResult, Status, TestResult
    worth = [1 / 12] * 12 + [1 / 7] * 7
    tests = [TestResult(id=f"demo::f::test_{index}", title=f"test {index}", part="demo", function="f",
                        kind=Kind.HIDDEN, score=score, max_score=points,
                        status=Status.PASSED if score == points else Status.FAILED)
             for index, (score, points) in enumerate(zip(scores, worth))]
    part = PartResult(name="demo", title="Demo", max_points=2.0, tests=tests)
    return json.loads(render_result(GradingResult(student="s", submission="s", parts=[part]), "json"))


def test_the_tests_max_scores_add_up_to_the_total():
    """Each max_score rounded alone made the course's 100 points add up to 99.9999."""
    results = thirds_and_sevenths([1 / 12] * 12 + [1 / 7] * 7)
    assert sum(test["max_score"] for test in results["tests"]) == pytest.approx(2.0, abs=1e-9)
    assert results["max_score"] == 2.0


def test_the_tests_scores_add_up_to_the_score_and_full_marks_stay_full():
    scores = [1 / 12] * 11 + [0.0] + [1 / 7] * 5 + [0.1, 1 / 21]
    results = thirds_and_sevenths(scores)
    assert sum(test["score"] for test in results["tests"]) == pytest.approx(results["score"], abs=1e-9)
    assert results["score"] == round(sum(scores), 4)
    for test, score in zip(results["tests"], scores):
        assert test["score"] <= test["max_score"]
        assert (test["score"] == test["max_score"]) == (test["status"] == "passed")
        assert test["score"] == pytest.approx(score, abs=1e-4)
