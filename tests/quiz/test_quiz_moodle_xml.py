"""Moodle XML export, read back with lxml and checked against Moodle's documented question structure.

There is no XML schema of the format; docs.moodle.org "Moodle XML format" and
Moodle's own importer (question/format/xml/format.php, qtype_ordering's
import_from_xml) define the elements.  Grading rules are checked by simulating
Moodle's documented rule for each type (multichoice: the selected fractions
added up and clamped to 0..100%; short answer: the typed text trimmed, `*` a
wildcard; calculated: the formula evaluated with each dataset item in
parentheses) and comparing it with this package's own grading.
"""
from __future__ import annotations

import itertools
import math
import re
from decimal import Decimal

import pytest
from click.testing import CliRunner
from lxml import etree

from autograder.cli import main
from autograder.quiz import load_quiz
from autograder.quiz._grading import score_fraction
from autograder.quiz._moodle_xml import render_moodle_xml
from autograder.quiz._variants import expected_answer, prepare_question

#: qtype_calculated_find_formula_errors: the functions a formula may call
MOODLE_FUNCTIONS = {"abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "bindec", "ceil", "cos", "cosh",
                    "decbin", "decoct", "deg2rad", "exp", "expm1", "floor", "is_finite", "is_infinite", "is_nan",
                    "log10", "log1p", "octdec", "rad2deg", "sin", "sinh", "sqrt", "tan", "tanh", "log", "round",
                    "atan2", "fmod", "pow", "min", "max", "pi"}
#: the PHP meaning of the ones this quiz may need, for evaluating formulas here
PHP = {"abs": abs, "ceil": math.ceil, "floor": math.floor, "exp": math.exp, "sqrt": math.sqrt, "tanh": math.tanh,
       "log10": math.log10, "log": math.log, "min": min, "max": max, "pi": lambda: math.pi, "pow": math.pow}

UNMAPPABLE = """quiz: odd
title: Odd numbers
questions:
  - id: rounded
    type: integer
    points: 3
    parameters:
      n: {min: 1, max: 4}
    prompt: "Round {{ n }} / 2."
    answer: round(n / 2)
    explanation: Halves round to even.
  - pool: odd-pool
    draw: 1
    questions:
      - id: remainder
        type: integer
        points: 1
        parameters:
          n: {min: 5, max: 9}
        prompt: "{{ n }} mod 4?"
        answer: n % 4
        explanation: The remainder.
      - id: plain
        type: true_false
        points: 1
        prompt: Plain?
        answer: true
        explanation: Yes.
"""


def _questions(document: etree._Element, kind: str | None = None) -> list[etree._Element]:
    return [q for q in document.iter("question") if q.get("type") != "category" and (kind is None or q.get("type") == kind)]


def _by_name(document: etree._Element) -> dict[str, etree._Element]:
    return {q.findtext("name/text"): q for q in _questions(document)}


@pytest.fixture(scope="module")
def exported(bank):
    data, notes = render_moodle_xml(bank, 5)
    return etree.fromstring(data), notes


def _moodle_multichoice_grade(answer_fractions: dict[str, float], selected: set[str]) -> float:
    """Moodle's multiple-answer grade: the selected answers' fractions added up, clamped to [0, 1]."""
    return min(1.0, max(0.0, sum(answer_fractions[key] for key in selected) / 100))


def _moodle_shortanswer_matches(response: str, answer: str, ignore_case: bool) -> bool:
    """qtype_shortanswer's comparison: `*` (unless escaped) matches anything; the response is trimmed."""
    bits = re.split(r"(?<!\\)\*+", answer)
    pattern = "^" + ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits) + "$"
    return re.match(pattern, response.strip(), re.IGNORECASE if ignore_case else 0) is not None


def _evaluate_moodle_formula(formula: str, values: dict) -> float:
    """Substitute each {name} by (value), as Moodle does, and evaluate the PHP expression."""
    called = set(re.findall(r"([a-z_][a-z0-9_]*)\s*\(", formula.lower()))
    assert called <= MOODLE_FUNCTIONS, called - MOODLE_FUNCTIONS
    assert not re.search(r"//|/\*|#|<\?|\?>", formula)
    substituted = re.sub(r"\{([A-Za-z][^>} <{\"']*)\}", lambda m: f"({values[m.group(1)]})", formula)
    return eval(substituted, {"__builtins__": {}}, dict(PHP))


def test_the_document_is_a_moodle_quiz_with_a_category_first(exported):
    document, _ = exported
    assert document.tag == "quiz"
    first = document[0]
    assert first.get("type") == "category" and first.findtext("category/text") == "$course$/week5"


def test_every_question_is_exported_once_with_its_points(bank, exported):
    document, _ = exported
    by_name = _by_name(document)
    assert sorted(by_name) == sorted(bank.questions)                 # every question Moodle can calculate itself
    for question in bank.questions.values():
        assert float(by_name[question.id].findtext("defaultgrade")) == question.points, question.id
    assert sum(float(by_name[q].findtext("defaultgrade")) for q in bank.questions) == \
        sum(q.points for q in bank.questions.values())


def test_each_question_type_becomes_its_moodle_type(bank, exported):
    document, _ = exported
    by_name = _by_name(document)
    expected = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse", "text": "shortanswer",
                "ordering": "ordering", "numeric": "calculated", "integer": "calculated"}
    for question in bank.questions.values():
        kind = expected[question.type]
        if question.type in ("numeric", "integer") and not bank.parameters_of(question):
            kind = "numerical"
        assert by_name[question.id].get("type") == kind, question.id


def test_pools_are_categories_and_their_draws_are_in_the_notes(bank, exported):
    document, notes = exported
    categories = [q.findtext("category/text") for q in document.iter("question") if q.get("type") == "category"]
    for pool in bank.pools:
        assert f"$course$/week5/pool {pool.id}" in categories
        members = []
        current = None
        for element in document.iter("question"):
            if element.get("type") == "category":
                current = element.findtext("category/text")
            elif current == f"$course$/week5/pool {pool.id}":
                members.append(element.findtext("name/text"))
        assert members == list(pool.question_ids)
        assert any(f"add {pool.draw} random question" in note and pool.id in note for note in notes)


def test_single_choice_and_true_false_mark_exactly_the_right_answer(bank, exported):
    document, _ = exported
    by_name = _by_name(document)
    for question in bank.questions.values():
        element = by_name[question.id]
        if question.type == "single":
            assert element.findtext("single") == "true"
            fractions = [a.get("fraction") for a in element.findall("answer")]       # in the file's choice order
            assert fractions == ["100" if key == question.answer else "0" for key in question.choices], question.id
        if question.type == "true_false":
            fractions = {a.findtext("text"): a.get("fraction") for a in element.findall("answer")}
            assert fractions == {"true": "100" if question.answer else "0", "false": "0" if question.answer else "100"}


def test_multiple_select_grades_like_the_quiz_for_every_selection(bank, exported):
    document, _ = exported
    by_name = _by_name(document)
    multiple = [q for q in bank.questions.values() if q.type == "multiple"]
    assert multiple
    for question in multiple:
        element = by_name[question.id]
        assert element.findtext("single") == "false"
        keys = list(question.choices)
        fractions = dict(zip(keys, (float(a.get("fraction")) for a in element.findall("answer"))))
        prepared = prepare_question(bank, question, "anyone")
        for size in range(len(keys) + 1):
            for selected in itertools.combinations(keys, size):
                moodle = _moodle_multichoice_grade(fractions, set(selected))
                assert moodle == pytest.approx(score_fraction(prepared, set(selected)), abs=1e-6), (question.id, selected)


def test_ordering_uses_moodles_ordering_question_with_the_quizs_grading(bank, exported):
    document, _ = exported
    by_name = _by_name(document)
    for question in (q for q in bank.questions.values() if q.type == "ordering"):
        element = by_name[question.id]
        assert element.get("type") == "ordering"
        assert element.findtext("gradingtype") == {"all_or_nothing": "ALL_OR_NOTHING",
                                                   "right_positions": "ABSOLUTE_POSITION"}[question.scoring]
        assert element.findtext("selecttype") == "ALL"
        assert int(element.findtext("selectcount")) == len(question.items)
        answers = element.findall("answer")
        assert [a.get("fraction") for a in answers] == [str(n) for n in range(1, len(answers) + 1)]
        for key, answer in zip(question.answer, answers):              # listed first to last
            words = re.sub(r"\$[^$]*\$", "", question.items[key]).strip()
            assert words in answer.findtext("text"), (question.id, key)


def test_the_output_shape_question_accepts_what_the_quiz_accepts(bank, exported):
    document, notes = exported
    element = _by_name(document)["output-shape"]
    ignore_case = element.findtext("usecase") == "0"
    answers = [a.findtext("text") for a in element.findall("answer")]
    prepared = prepare_question(bank, bank.questions["output-shape"], "anyone")
    for response in ["Nx1", "N x 1", "(N, 1)", "(N,1)", "N×1", "N × 1", "N*1", "n x 1", "(N x 1)", "N,1"]:
        assert score_fraction(prepared, response) == 1.0
        assert any(_moodle_shortanswer_matches(response, answer, ignore_case) for answer in answers), response
    for response in ["1 x N", "N", "Nx2", "N x 1 x 1", "anything"]:
        assert score_fraction(prepared, response) == 0.0
        assert not any(_moodle_shortanswer_matches(response, answer, ignore_case) for answer in answers), response
    assert any(note.startswith("output-shape: its pattern is exported as") for note in notes)


def test_every_accepted_text_is_one_the_quiz_accepts(bank, exported):
    document, _ = exported
    by_name = _by_name(document)
    for question in (q for q in bank.questions.values() if q.type == "text"):
        prepared = prepare_question(bank, question, "anyone")
        for answer in by_name[question.id].findall("answer"):
            assert answer.get("fraction") == "100"
            assert score_fraction(prepared, answer.findtext("text").replace("\\*", "*")) == 1.0


def test_calculated_questions_give_the_quizs_answer_for_every_dataset_item(bank, exported):
    document, _ = exported
    calculated = _questions(document, "calculated")
    assert len(calculated) == sum(1 for q in bank.questions.values() if bank.parameters_of(q))
    for element in calculated:
        question = bank.questions[element.findtext("name/text")]
        parameters = bank.parameters_of(question)
        definitions = element.findall("dataset_definitions/dataset_definition")
        assert sorted(d.findtext("name/text") for d in definitions) == sorted(parameters)
        columns = {}
        for definition in definitions:
            name = definition.findtext("name/text")
            assert definition.findtext("status/text") == "private" and definition.findtext("type") == "calculated"
            items = definition.findall("dataset_items/dataset_item")
            assert int(definition.findtext("itemcount")) == len(items) <= 100
            assert [int(item.findtext("number")) for item in items] == list(range(1, len(items) + 1))
            columns[name] = [Decimal(item.findtext("value")) for item in items]
            assert all(value in {Decimal(repr(v)) for v in parameters[name].values} for value in columns[name])
        answer = element.find("answer")
        formula, tolerance = answer.findtext("text"), float(answer.findtext("tolerance"))
        kind = answer.findtext("tolerancetype")
        for row in zip(*columns.values()):
            values = dict(zip(columns, row))
            expected = expected_answer(question, {k: int(v) if v == int(v) else float(v) for k, v in values.items()})
            got = _evaluate_moodle_formula(formula, values)
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), (question.id, values)
        if question.type == "integer":
            assert (kind, tolerance) == ("2", 0.0)
        elif question.relative_tolerance:
            assert (kind, tolerance) == ("1", question.relative_tolerance)          # relative
        else:
            assert (kind, tolerance) == ("2", question.absolute_tolerance)          # nominal


def test_calculated_prompts_show_every_parameter_as_a_wildcard(bank, exported):
    document, _ = exported
    for element in _questions(document, "calculated"):
        question = bank.questions[element.findtext("name/text")]
        text = element.findtext("questiontext/text")
        wanted = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", question.prompt))
        wildcards = set(re.findall(r"\{([A-Za-z]\w*)\}", text)) & set(bank.parameters_of(question))
        assert wildcards == wanted, question.id
        assert "{{" not in text and "{=" not in text


def test_small_parameter_spaces_are_exported_whole(bank, exported):
    document, _ = exported
    element = _by_name(document)["q3-iterations-per-epoch"]
    parameters = bank.parameters_of(bank.questions["q3-iterations-per-epoch"])
    combinations = math.prod(len(p.values) for p in parameters.values())
    counts = {d.findtext("itemcount") for d in element.findall("dataset_definitions/dataset_definition")}
    assert counts == {str(combinations)}


def test_questions_without_a_moodle_formula_become_pre_drawn_variants(tmp_path):
    quiz_file = tmp_path / "odd.yaml"
    quiz_file.write_text(UNMAPPABLE)
    quiz = load_quiz(quiz_file)
    data, notes = render_moodle_xml(quiz, 3)
    document = etree.fromstring(data)
    categories = [q.findtext("category/text") for q in document.iter("question") if q.get("type") == "category"]
    assert "$course$/odd/rounded" in categories
    variants = [q for q in _questions(document) if q.findtext("name/text").startswith("rounded (variant")]
    assert len(variants) == 3 and all(q.get("type") == "numerical" for q in variants)
    for element in variants:
        answer = element.find("answer")
        assert answer.findtext("tolerance") == "0" and float(element.findtext("defaultgrade")) == 3
        assert Decimal(answer.findtext("text")) == int(answer.findtext("text"))
    assert any(note.startswith("rounded: exported as pre-drawn variants") and "round()" in note for note in notes)
    assert any(note.startswith("remainder: exported as pre-drawn variants") for note in notes)
    assert any("remainder: in pool 'odd-pool', exported with one pre-drawn variant" in note for note in notes)


def test_the_command_writes_moodle_xml_and_prints_the_notes(bank_path, tmp_path):
    output = tmp_path / "week5.xml"
    result = CliRunner().invoke(main, ["quiz", "export", str(bank_path), "--to", "moodle-xml", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert etree.parse(str(output)).getroot().tag == "quiz"
    assert "note: pool scaling-history: in the Moodle quiz, add 2 random questions" in result.output


def test_a_text_question_with_no_listable_answer_is_left_out_with_a_note(tmp_path):
    quiz_file = tmp_path / "free.yaml"
    quiz_file.write_text("quiz: free\ntitle: Free\nquestions:\n  - id: anything\n    type: text\n    points: 1\n"
                         "    prompt: Say something.\n    pattern: '.+'\n    explanation: Anything goes.\n"
                         "  - id: agree\n    type: true_false\n    points: 1\n    prompt: Yes?\n    answer: true\n"
                         "    explanation: Yes.\n")
    data, notes = render_moodle_xml(load_quiz(quiz_file), 1)
    assert [q.findtext("name/text") for q in _questions(etree.fromstring(data))] == ["agree"]
    assert any(note.startswith("anything: not exported") for note in notes)
