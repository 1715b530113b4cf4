"""End to end: the reference gets full marks, the stubs get 0, every result has the same shape."""
import dataclasses
import json
import zipfile

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.grading import grade_submission
from autograder.results import GradingResult, Kind


@pytest.fixture(scope="module")
def reference_result(reference_submission):
    return grade_submission(reference_submission)


def failures(result):
    return [(test.id, test.feedback and test.feedback.message) for test in result.tests() if not test.passed]


def test_reference_gets_full_marks(reference_result):
    assert reference_result.error is None
    assert failures(reference_result) == []
    assert reference_result.score == reference_result.max_score == 100


def test_test_titles_are_unique_within_each_function(reference_result):
    titles = [(test.function, test.title) for test in reference_result.tests()]
    assert len(titles) == len(set(titles))
    assert any(title.endswith("(N_around=1e+08)") for _, title in titles)   # a parametrized case names its parameters


def test_stubs_get_zero_and_say_not_implemented(stub_submission):
    result = grade_submission(stub_submission)
    assert result.error is None and result.score == 0 and result.max_score == 100
    messages = [test.feedback.message for test in result.tests()]
    assert all(message for message in messages)
    assert any("not implemented yet" in message for message in messages)


def test_missing_part_scores_zero_with_a_not_submitted_line(tmp_path, reference_submission):
    (tmp_path / "laws.py").write_text((reference_submission / "scaling" / "laws.py").read_text())
    result = grade_submission(tmp_path)
    assert result.part("scaling").score == 12
    assert not result.part("nn").submitted and result.part("nn").score == 0
    assert "Not submitted" in result.part("nn").note


def test_flat_zip_and_folder_layouts_grade_alike(tmp_path, reference_submission):
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in (reference_submission / "nn").glob("*.py"):
            bundle.write(path, path.name)   # flat: no folders
    result = grade_submission(archive, ["nn"])
    assert result.student == "alice"
    assert failures(result) == [] and result.score == 43


def test_result_round_trips_through_json(reference_result):
    again = GradingResult.from_dict(json.loads(json.dumps(reference_result.to_dict())))
    assert again.to_dict() == reference_result.to_dict()


def test_grade_json_has_exactly_gradescopes_fields(reference_submission, tmp_path):
    output = tmp_path / "results.json"
    run = CliRunner().invoke(main, ["grade", str(reference_submission), "--part", "scaling",
                                    "--format", "json", "-o", str(output)])
    assert run.exit_code == 0, run.output
    data = json.loads(output.read_text())
    assert set(data) == {"score", "max_score", "execution_time", "output", "stdout_visibility", "tests"}
    assert data["score"] == 12 and isinstance(data["execution_time"], float)
    assert {key for test in data["tests"] for key in test} == {
        "name", "number", "score", "max_score", "status", "output", "visibility", "tags"}


def test_unreadable_zip_still_writes_a_zero_result_and_exits_2(tmp_path):
    broken = tmp_path / "bob.zip"
    broken.write_bytes(b"this is not a zip")
    output = tmp_path / "results.json"
    run = CliRunner().invoke(main, ["grade", str(broken), "--format", "json", "-o", str(output)])
    assert run.exit_code == 2
    assert "not a readable zip file" in run.output and run.output.count("Traceback") == 0
    data = json.loads(output.read_text())
    assert data["score"] == 0 and data["max_score"] == 100 and "not a readable zip" in data["output"]


def test_fail_under_sets_the_exit_status(stub_submission):
    run = CliRunner().invoke(main, ["grade", str(stub_submission), "--part", "scaling", "--fail-under", "5"])
    assert run.exit_code == 1


def test_check_says_how_many_points_the_hidden_tests_hold(reference_submission):
    run = CliRunner().invoke(main, ["check", str(reference_submission)])
    assert run.exit_code == 0
    assert "passing every visible example does not mean full marks" in run.output
    assert "hidden tests hold the other" in run.output


def test_examples_get_what_their_names_say():
    """full_marks (right, written another way) gets 100; partly_right some; does_not_import 0."""
    from pathlib import Path
    examples = Path(__file__).resolve().parents[1] / "examples" / "submissions"
    full = grade_submission(examples / "full_marks")
    assert failures(full) == [] and full.score == 100
    partly = grade_submission(examples / "partly_right")
    named = {test.feedback.mistake for test in partly.tests() if test.feedback and test.feedback.mistake}
    assert 20 < partly.score < 80 and len(named) >= 6
    broken = grade_submission(examples / "does_not_import")
    assert broken.score == 0
    messages = " ".join(test.feedback.message for test in broken.tests() if test.feedback)
    assert "SyntaxError" in messages and "ModuleNotFoundError" in messages and "Not submitted" in messages


def test_a_function_with_hidden_points_but_no_hidden_test_is_a_grading_error(tmp_path, monkeypatch,
                                                                               reference_submission):
    """Points that no test can award would silently vanish: the grader refuses instead."""
    import shutil

    import yaml

    from autograder.course import course_root
    shutil.copytree(course_root() / "assignments", tmp_path / "assignments")
    (tmp_path / "reference").symlink_to(course_root() / "reference")
    manifest = tmp_path / "assignments" / "scaling" / "assignment.yaml"
    data = yaml.safe_load(manifest.read_text())
    data["modules"]["laws"]["compute_budget"] = {"points": 3}
    manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    monkeypatch.setenv("AUTOGRADER_COURSE", str(tmp_path))
    result = grade_submission(reference_submission, ["scaling"])
    assert result.score == 0
    assert "laws.compute_budget has 3 hidden points but no hidden test" in result.error
    from autograder.render.gradescope import render_gradescope
    from autograder.render.html import render_html
    from autograder.render.text import render_text
    assert "Traceback" in result.diagnostics          # for the instructor ...
    for rendering in (render_text(result), render_gradescope(result), render_html(result)):
        assert "Traceback" not in rendering and "_engine.py" not in rendering   # ... never for the student


def test_float32_results_are_accepted_at_the_looser_tolerance(tmp_path, reference_submission):
    """The contract accepts float32 arrays; a float32 solution loses nothing."""
    import shutil
    shutil.copytree(reference_submission / "nn", tmp_path / "nn")
    activations = tmp_path / "nn" / "activations.py"
    activations.write_text(activations.read_text() + '''

def _as_float32(function):
    def wrapped(s):
        return np.asarray(function(s)).astype(np.float32)
    return wrapped


for _name in ["linear", "sign", "sigmoid", "relu", "tanh", "sigmoid_grad", "relu_grad", "tanh_grad"]:
    globals()[_name] = _as_float32(globals()[_name])
''')
    result = grade_submission(tmp_path, ["nn"])
    activation_tests = [test for test in result.tests() if test.function.startswith("activations.")]
    assert activation_tests and all(test.passed for test in activation_tests), failures(result)



def test_to_dict_gives_what_dataclasses_asdict_gives(reference_result, stub_submission):
    """to_dict skips asdict's deep copy; its dicts are the same, for a result with figures and one with feedback."""
    stubs = grade_submission(stub_submission)
    for result in (reference_result, stubs):
        expected = {**dataclasses.asdict(result), "score": result.score, "max_score": result.max_score}
        assert result.to_dict() == expected
    assert any(test.figures for test in reference_result.tests())
    assert all(test.feedback for test in stubs.tests())
    data = reference_result.to_dict()   # a copy, as asdict's: changing it leaves the result as it was
    index, test = next((index, test) for index, test in enumerate(reference_result.parts[0].tests) if test.figures)
    data["parts"][0]["tests"][index]["figures"][0]["series"][0]["y"].append(-1.0)
    assert test.figures[0].series[0].y[-1] != -1.0


def test_a_second_grading_shows_each_example_as_the_first_did(reference_result, reference_submission):
    """The texts of the examples are formatted once per process; each example keeps its own."""
    def examples(result):
        return [(test.id, test.example, test.title) for test in result.tests() if test.kind == Kind.EXAMPLE]
    again = examples(grade_submission(reference_submission))
    assert again == examples(reference_result)
    assert len({example.input for _, example, _ in again}) > 20   # not one text for every example


def test_a_submission_that_cannot_be_read_is_reported_without_the_grading_machines_folders(tmp_path):
    from autograder._errors import UserError
    from autograder.grading import failed_result

    folder = tmp_path / "uploads" / "alice"
    inside = failed_result(folder, UserError("not a notebook", folder / "nn" / "a.ipynb", 3), ["nn"], "alice")
    itself = failed_result(folder / "b.ipynb", UserError("not a notebook", folder / "b.ipynb"), ["nn"], "alice")
    elsewhere = failed_result(folder, UserError("bad quiz", tmp_path / "course" / "quiz.yaml", 2, 5), ["nn"], "alice")
    assert (inside.error, itself.error, elsewhere.error) == (
        "nn/a.ipynb:3: not a notebook", "b.ipynb: not a notebook", "quiz.yaml:2:5: bad quiz")
    assert str(tmp_path) not in inside.parts[0].note
