"""Validation: the bank is valid, and every broken quiz gives located one-line errors, never a traceback."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main

INVALID = Path(__file__).resolve().parents[1] / "fixtures" / "quizzes" / "invalid"

# fixture → (line:column, part of the message) of the first problem reported
EXPECTED = {
    "answer_not_among_choices": ("11:13", "answer 'softmax' is not among the choices (relu, tanh)"),
    "answer_uses_unknown_name": ("10:13", "answer uses 'm', which is not a parameter"),
    "attribute_access": ("10:13", "attribute access not allowed"),
    "bad_yaml": ("8:16", "invalid YAML"),
    "duplicate_id": ("10:9", "fine: duplicate question id (first used on line 4)"),
    "duplicate_key": ("7:5", "duplicate key 'points'"),
    "exponent_without_sign": ("8:20", "questions.0.parameters.n.values.0: '1e12' is not of type 'number' "
                                      "(YAML reads 1e12 as text: write 1.0e+12)"),
    "expression_fails_for_some_values": ("11:13", "does not evaluate for total=100, batch=4: division by zero"),
    "feedback_for_unknown_choice": ("13:10", "feedback for 'c', which is not among the choices"),
    "huge_power": ("8:13", "exponent 387420489 is too large"),
    "integer_answer_not_whole": ("10:13", "not a whole number, for n=7"),
    "invalid_regex": ("8:14", "pattern is not a valid regex"),
    "missing_field": ("4:5", "'explanation' is a required property"),
    "not_a_mapping": ("1:1", "is not of type 'object'"),
    "ordering_answer_incomplete": ("13:13", "answer must list every item exactly once"),
    "parameter_range_overflows": ("8:10", "double: parameter x: the range from -1e+308 to 1e+308 is too wide"),
    "parameter_value_not_a_number": ("8:23", "questions.0.parameters.x.values.1: .nan is not a number"),
    "parameters_from_unknown": ("7:22", "parameters_from 'nowhere' is not another question"),
    "pattern_backreference": ("8:14", "repeated: pattern uses what the grader's regex engine (RE2) cannot match "
                                      "in linear time: invalid escape sequence: \\1"),
    "points_infinite": ("6:13", "questions.0.points: .inf is not a finite number"),
    "points_not_a_number": ("6:13", "questions.0.points: .nan is not a number"),
    "points_too_many": ("6:13", "questions.0.points: 10000000.0 is greater than the maximum of 1000000"),
    "pool_draws_too_many": ("5:11", "pool 'tiny' draws 3 of only 2 questions"),
    "pool_points_differ": ("7:7", "its questions must be worth the same points"),
    "tolerance_infinite": ("9:27", "questions.0.tolerance.absolute: .inf is not a finite number"),
    "unknown_field": ("4:5", "'choices' is a required property"),      # then 9:7: 'choises' was unexpected
    "unknown_placeholder": ("9:13", "unknown placeholder: 'm' is undefined"),
    "unknown_type": ("5:11", "'essay' is not one of 'single', 'multiple'"),
    "unsafe_expression": ("8:13", "attribute access not allowed in expressions"),
    "unused_parameter": ("10:15", "parameter 'epochs' is not used by the answer"),
}


def _validate(path) -> "CliRunner.Result":
    return CliRunner().invoke(main, ["quiz", "validate", str(path)])


def test_the_week5_bank_validates(bank_path):
    result = _validate(bank_path)
    assert result.exit_code == 0, result.output
    assert "ok: 43 questions, 2 pools, 14 parameterised" in result.output


def test_every_invalid_fixture_has_an_expected_error():
    assert sorted(path.stem for path in INVALID.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_invalid_quiz_gives_a_located_error_and_no_traceback(name):
    position, message = EXPECTED[name]
    path = INVALID / f"{name}.yaml"
    result = _validate(path)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"autograder: {path}:{position}: "), first
    assert message in first


def test_several_problems_are_all_reported_one_per_line(tmp_path):
    broken = tmp_path / "two-problems.yaml"
    broken.write_text((INVALID / "answer_not_among_choices.yaml").read_text()
                      + "  - id: activation\n    type: true_false\n    points: 1\n    prompt: Again.\n"
                        "    answer: true\n    explanation: x.\n")
    lines = _validate(broken).output.splitlines()
    assert [line.split(": ", 2)[1].rsplit(":", 2)[1:] for line in lines] == [["11", "13"], ["13", "9"]]


def test_a_schema_problem_does_not_hide_a_wrong_answer_elsewhere(tmp_path):
    broken = tmp_path / "mixed.yaml"
    broken.write_text((INVALID / "answer_not_among_choices.yaml").read_text()
                      + "  - id: again\n    type: true_false\n    points: 1\n    prompt: Again.\n"
                        "    answer: maybe\n    explanation: x.\n")
    result = _validate(broken)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert f"{broken}:11:13: " in lines[0] and "answer 'softmax' is not among the choices" in lines[0]
    assert f"{broken}:17:13: " in lines[1] and "'maybe' is not of type 'boolean'" in lines[1]


def test_a_rule_two_schema_branches_share_is_reported_once(tmp_path):
    broken = tmp_path / "negative-points.yaml"
    broken.write_text((INVALID / "answer_not_among_choices.yaml").read_text()
                      .replace("points: 1", "points: -1").replace("answer: softmax", "answer: relu"))
    lines = _validate(broken).output.splitlines()
    assert len(lines) == 1 and f"{broken}:6:13: " in lines[0] and "less than or equal to the minimum" in lines[0]


@pytest.mark.parametrize("broken_question, line", [("source", 6), ("sharer", 15)])
def test_questions_sharing_parameters_are_not_blamed_for_the_broken_one(tmp_path, broken_question, line):
    source_points, sharer_points = (0, 1) if broken_question == "source" else (1, 0)
    broken = tmp_path / "shared.yaml"
    broken.write_text("quiz: shared\ntitle: Shared\nquestions:\n"
                      f"  - id: source\n    type: integer\n    points: {source_points}\n    prompt: n?\n"
                      "    parameters:\n      n: {min: 1, max: 3}\n      m: {min: 1, max: 3}\n"
                      "    answer: n\n    explanation: x.\n"
                      f"  - id: sharer\n    type: integer\n    points: {sharer_points}\n    prompt: m?\n"
                      "    parameters_from: source\n    answer: m\n    explanation: x.\n")
    lines = _validate(broken).output.splitlines()
    assert len(lines) == 1 and f"{broken}:{line}:13: " in lines[0], lines


@pytest.mark.parametrize("written, meant", [("1e12", "1.0e+12"), ("1.0e12", "1.0e+12"), ("-2.5E3", "-2.5e+3"),
                                            ("7E+2", "7.0e+2")])
def test_a_number_yaml_reads_as_text_is_told_how_to_write_it(tmp_path, written, meant):
    broken = tmp_path / "exponent.yaml"
    broken.write_text((INVALID / "exponent_without_sign.yaml").read_text().replace("1e12", written))
    [line] = _validate(broken).output.splitlines()
    assert line.endswith(f"'{written}' is not of type 'number' (YAML reads {written} as text: write {meant})"), line
