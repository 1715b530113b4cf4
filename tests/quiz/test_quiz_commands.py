"""`autograder quiz show | take | html | grade | export` from the command line."""
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from autograder.cli import main
from autograder.quiz._render_terminal import letters

INVALID = Path(__file__).resolve().parents[1] / "fixtures" / "quizzes" / "invalid"


def _run(*args, input=None):
    return CliRunner().invoke(main, ["quiz", *map(str, args)], input=input)


def test_show_prints_the_students_variant(bank_path, variant_of):
    result = _run("show", bank_path, "--student", "s1234567")
    assert result.exit_code == 0, result.output
    variant = variant_of("s1234567")
    assert f"Variant of student s1234567: {len(variant.questions)} questions" in result.output
    assert "You train on 1500 documents with mini-batches of 32." in result.output
    assert "15. q3-iterations-per-epoch  (2 points)" in result.output


def _typed_answer(prepared, right_answers_of_variant) -> str:
    """What a student types in `quiz take` for the right answer: letters for choices."""
    kind, value = prepared.question.type, right_answers_of_variant[prepared.id]
    by_key = dict(zip(prepared.order, letters(len(prepared.order))))
    if kind == "single":
        return by_key[value]
    if kind in ("multiple", "ordering"):
        return " ".join(by_key[key] for key in value)
    if kind == "true_false":
        return "t" if value else "f"
    return str(value)


def test_take_writes_an_answers_file_that_grades_to_full_marks(bank_path, variant_of, right_answers, tmp_path):
    variant = variant_of("alice")
    right = right_answers(variant)
    typed = [_typed_answer(prepared, right) for prepared in variant.questions]
    typed[0] = "z\n" + typed[0]                       # a typo first: explained, then asked again
    output = tmp_path / "alice.yaml"
    result = _run("take", bank_path, "--student", "alice", "-o", output, input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "Not understood: 'z' is neither a letter" in result.output
    assert f"wrote {output}: {len(variant.questions)} answers" in result.output
    saved = yaml.safe_load(output.read_text())
    assert saved["student"] == "alice" and saved["quiz"] == "week5"
    graded = _run("grade", bank_path, output, "--format", "json")
    assert graded.exit_code == 0, graded.output
    scores = json.loads(graded.output)
    assert scores["score"] == scores["max_score"] == variant.points


def test_take_skips_empty_answers_and_saves_when_input_ends_early(bank_path, tmp_path):
    output = tmp_path / "bob.json"
    result = _run("take", bank_path, "--student", "bob", "-o", output, input="\n\nb\n")
    assert result.exit_code == 0, result.output
    saved = json.loads(output.read_text())
    assert len(saved["answers"]) == 1 and "Input ended" in result.output


def test_grade_several_students_writes_one_report_each(bank_path, variant_of, right_answers, write_answers,
                                                       tmp_path):
    first = write_answers("s1.yaml", {"student": "alice", "answers": right_answers(variant_of("alice"))})
    second = write_answers("s2.json", {"answers": {}})
    result = _run("grade", bank_path, first, second, "--format", "json", "-o", tmp_path / "reports")
    assert result.exit_code == 0, result.output
    alice = json.loads((tmp_path / "reports" / "alice.json").read_text())
    blank = json.loads((tmp_path / "reports" / "s2.json").read_text())
    assert alice["score"] == alice["max_score"] and blank["score"] == 0


def test_grade_text_of_several_students_goes_to_stdout(bank_path, write_answers):
    result = _run("grade", bank_path, write_answers("a.yaml", {"answers": {}}),
                  write_answers("b.yaml", {"answers": {}}))
    assert result.exit_code == 0
    assert "Grade for a: 0 / " in result.output and "Grade for b: 0 / " in result.output


def test_a_broken_answers_file_still_gets_a_zero_result_and_a_located_error(bank_path, tmp_path):
    broken = tmp_path / "carol.yaml"
    broken.write_text("answers: {a: 1\n")
    result = _run("grade", bank_path, broken)
    assert result.exit_code == 2
    assert "Grade for carol: 0 / " in result.output and "GRADING ERROR" in result.output
    assert f"autograder: {broken}:2:1: invalid YAML" in result.output
    assert "Traceback" not in result.output


def test_grade_combines_the_quiz_with_a_stored_code_result(bank_path, write_answers, tmp_path):
    from autograder.results import GradingResult, PartResult

    stored = tmp_path / "code.json"
    stored.write_text(json.dumps(GradingResult(student="dave", submission="dave.zip", parts=[
        PartResult(name="nn", title="Neural networks from scratch", max_points=40)]).to_dict()))
    answers = write_answers("dave.yaml", {"answers": {"q1-deep-learning-activation": "relu"}})
    result = _run("grade", bank_path, answers, "--combine", stored)
    assert result.exit_code == 0, result.output
    assert "nn: Neural networks from scratch  0 / 40" in result.output and "quiz:week5" in result.output
    other = write_answers("erin.yaml", {"answers": {}})
    refused = _run("grade", bank_path, other, "--combine", stored)
    assert refused.exit_code == 2 and "this result is for student 'dave'" in refused.output


def test_html_writes_the_answer_page(bank_path, tmp_path):
    page = tmp_path / "quiz.html"
    result = _run("html", bank_path, "--student", "s1234567", "-o", page)
    assert result.exit_code == 0, result.output
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and 'id="download"' in text and "<math" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/1998/Math/MathML"', "")
    assert "https://" not in text


def test_quiz_commands_on_a_broken_quiz_are_one_line_errors(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("quiz: x\ntitle: y\nquestions: []\n")
    for command in (["show", broken, "--student", "a"], ["html", broken, "--student", "a", "-o", tmp_path / "p"],
                    ["export", broken, "--to", "gift", "-o", tmp_path / "g"]):
        result = _run(*command)
        assert result.exit_code == 2
        assert result.output.strip() == f"autograder: {broken}:3:12: questions: [] should be non-empty"


def test_report_file_names_never_leave_the_output_folder(bank_path, write_answers, tmp_path):
    answers = write_answers("x.yaml", {"student": "../../escape", "answers": {}})
    other = write_answers("y.yaml", {"answers": {}})
    result = _run("grade", bank_path, answers, other, "--format", "json", "-o", tmp_path / "reports")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "reports").iterdir()) == ["_.._escape.json", "y.json"]


def test_two_files_claiming_one_student_never_overwrite_each_others_report(bank_path, variant_of, right_answers,
                                                                           write_answers, tmp_path):
    bobs = write_answers("bob.yaml", {"student": "bob", "answers": {}})
    forged = write_answers("mallory.yaml", {"student": "Bob ", "answers": right_answers(variant_of("bob"))})
    result = _run("grade", bank_path, bobs, forged, "--format", "json", "-o", tmp_path / "reports")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (f"autograder: {forged}: student 'Bob' was already graded from "
                                                      f"{bobs}; this file was not graded (one answers file per student)")
    assert [path.name for path in (tmp_path / "reports").iterdir()] == ["bob.json"]
    assert json.loads((tmp_path / "reports" / "bob.json").read_text())["score"] == 0


@pytest.mark.parametrize("fixture", ["points_not_a_number", "points_infinite"])
@pytest.mark.parametrize("command", [["grade", "--format", "json"], ["export", "--to", "moodle-xml"]])
def test_grade_and_export_refuse_a_quiz_whose_points_are_not_finite(fixture, command, write_answers, tmp_path):
    quiz = INVALID / f"{fixture}.yaml"
    answers = write_answers("carol.yaml", {"answers": {"activation": "relu"}})
    written = tmp_path / "out"
    arguments = [command[0], quiz, answers, *command[1:]] if command[0] == "grade" else [command[0], quiz,
                                                                                         *command[1:]]
    result = _run(*arguments, "-o", written)
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [f"autograder: {quiz}:6:13: questions.0.points: "
                                          f"{'.nan is not a number' if 'not_a' in fixture else '.inf is not a finite number'}"
                                          "; write a number such as 1 or 0.5"]
    assert not written.exists()


def _code_result(student: str):
    from autograder.results import GradingResult, PartResult

    return GradingResult(student=student, submission=f"{student}.zip", parts=[
        PartResult(name="nn", title="Neural networks from scratch", max_points=40)])


def test_grade_combines_the_quiz_with_a_batchs_stored_result(bank_path, write_answers, tmp_path):
    from autograder.batch._state import BatchState

    BatchState(tmp_path / "out").save("dave", "f" * 64, _code_result("dave").to_dict(), "s" * 64)
    answers = write_answers("dave.yaml", {"answers": {"q1-deep-learning-activation": "relu"}})
    result = _run("grade", bank_path, answers, "--combine", tmp_path / "out" / ".state" / "dave.json")
    assert result.exit_code == 0, result.output
    assert "nn: Neural networks from scratch  0 / 40" in result.output and "quiz:week5" in result.output


def test_grade_refuses_to_combine_with_a_gradescope_results_json_and_names_the_file_to_use(
        bank_path, write_answers, tmp_path):
    from autograder.batch._state import BatchState
    from autograder.render import render_result

    out = tmp_path / "out"
    BatchState(out).save("dave", "f" * 64, _code_result("dave").to_dict(), "s" * 64)
    (out / "results").mkdir()
    gradescope = out / "results" / "dave.json"
    gradescope.write_text(render_result(_code_result("dave"), "json"))
    answers = write_answers("dave.yaml", {"answers": {}})
    result = _run("grade", bank_path, answers, "--combine", gradescope)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"autograder: {gradescope}: this is a Gradescope results.json, which keeps the scores but not the grading "
        f"result; combine with the one the batch stored: {out / '.state' / 'dave.json'}"]


@pytest.mark.parametrize("content", ['[1, 2]', '{"student": "dave", "colour": "blue"}', '{"result": 3}',
                                     '{"student": "dave", "submission": "x", "parts": ["nn"]}'])
def test_grade_says_in_one_line_that_a_file_is_no_stored_result(bank_path, write_answers, tmp_path, content):
    stored = tmp_path / "stored.json"
    stored.write_text(content)
    answers = write_answers("dave.yaml", {"answers": {}})
    result = _run("grade", bank_path, answers, "--combine", stored)
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert line.startswith(f"autograder: {stored}: not a grading result autograder stored"), line
