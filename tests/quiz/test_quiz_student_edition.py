"""The student edition of a quiz: everything to show, take and answer any variant, and no answer key."""
import textwrap

import pytest
import yaml
from click.testing import CliRunner

from autograder import UserError
from autograder.cli import main
from autograder.quiz import AnswersFile, build_variant, grade_answers, load_quiz, write_student_editions
from autograder.quiz._export import render_gift
from autograder.quiz._page import render_page
from autograder.quiz._render_terminal import render_variant

from .test_quiz_hidden_key import _flat, _secrets

# what gives an answer away, so a student edition must not have it (README "Quizzes")
ANSWER_KEY_FIELDS = ("answer", "explanation", "feedback", "tolerance", "accept", "pattern", "case_sensitive")
# several students, among whom both pools draw each of their questions at least once
STUDENTS = ["s1234567", "alice", "Bob Smith", "s7654321", "zoë", "student-1", "student-3", "student-8"]
PUBLIC_ATTRIBUTES = ("id", "type", "points", "prompt", "title", "tags", "items", "shuffle", "scoring", "parameters",
                     "parameters_from", "pool", "where")


def _run(*args, input=None):
    return CliRunner().invoke(main, ["quiz", *map(str, args)], input=input)


@pytest.fixture(scope="module")
def edition_path(bank_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("edition") / "week5.yaml"
    result = _run("student-edition", bank_path, "-o", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def edition(edition_path):
    return load_quiz(edition_path)


def _question_mappings(data: dict):
    for entry in data["questions"]:
        yield from entry["questions"] if "pool" in entry else [entry]


def test_the_students_draw_every_question_of_the_bank(bank):
    drawn = {prepared.id for student in STUDENTS for prepared in build_variant(bank, student).questions}
    assert drawn == set(bank.questions)


def test_the_edition_keeps_every_public_field_of_every_question(bank, edition):
    assert edition.student_edition and not bank.student_edition
    assert (edition.id, edition.title, edition.description) == (bank.id, bank.title, bank.description)
    assert [question.id for question in edition.listed] == [question.id for question in bank.listed]
    assert edition.pools == bank.pools
    for full, student in zip(bank.listed, edition.listed):
        for name in PUBLIC_ATTRIBUTES:
            assert getattr(student, name) == getattr(full, name), (full.id, name)
        assert list(student.choices.items()) == list(full.choices.items()), full.id      # texts and file order
        assert list(student.items) == list(full.items), full.id


def _without_keys(data: dict) -> dict:
    """What the edition must be: the quiz file's data marked as a student edition, minus the key fields."""
    edition = {"quiz": data["quiz"], "edition": "student", **{k: v for k, v in data.items() if k != "quiz"}}
    for question in _question_mappings(edition):
        for field in ANSWER_KEY_FIELDS:
            question.pop(field, None)
    return edition


def test_the_edition_is_the_quiz_file_without_exactly_the_key_fields(bank_path, edition_path):
    assert yaml.safe_load(edition_path.read_text()) == _without_keys(yaml.safe_load(bank_path.read_text()))


def test_the_edition_has_no_answer_key_field_at_all(bank_path, edition_path, edition):
    questions = list(_question_mappings(yaml.safe_load(edition_path.read_text())))
    assert len(questions) == 43
    assert [sorted(set(question) & set(ANSWER_KEY_FIELDS)) for question in questions] == [[]] * 43
    full = list(_question_mappings(yaml.safe_load(bank_path.read_text())))
    assert all("answer" in question or "accept" in question for question in full)      # there was one to drop
    for question in edition.listed:
        assert (question.answer, question.expression, question.explanation, question.feedback, question.accept,
                question.pattern, question.absolute_tolerance, question.relative_tolerance) == \
               (None, None, "", {}, (), None, 0.0, 0.0), question.id


@pytest.mark.parametrize("student", STUDENTS[:4])
def test_no_explanation_feedback_answer_or_expression_is_in_the_edition(bank, bank_path, edition_path, student):
    secrets = [secret for secret in _secrets(bank, student) if len(secret) >= 4]   # not a chance "0.5"
    assert len(secrets) > 60
    leaked = [secret for secret in secrets if secret in _flat(edition_path.read_text())]
    assert not leaked
    assert len([secret for secret in secrets if secret in _flat(bank_path.read_text())]) > 60   # would be seen


def test_an_ordering_question_never_lists_its_items_in_the_answer_order(bank, edition):
    for full in bank.questions.values():
        if full.type == "ordering":
            listed = list(edition.questions[full.id].items)
            assert listed not in (list(full.answer), list(reversed(full.answer))), full.id


def test_the_edition_of_the_edition_is_the_same(edition_path, tmp_path):
    again = tmp_path / "again.yaml"
    assert _run("student-edition", edition_path, "-o", again).exit_code == 0
    assert yaml.safe_load(again.read_text()) == yaml.safe_load(edition_path.read_text())


@pytest.mark.parametrize("student", STUDENTS)
def test_show_take_and_the_page_are_the_same_as_from_the_full_quiz(bank, bank_path, edition, edition_path, student):
    full_variant, student_variant = build_variant(bank, student), build_variant(edition, student)
    assert [(p.id, p.values, p.order, p.prompt, p.texts) for p in student_variant.questions] == \
           [(p.id, p.values, p.order, p.prompt, p.texts) for p in full_variant.questions]
    assert all(prepared.expected is None for prepared in student_variant.questions)
    for command in (["show"], ["take", "-o", "/dev/null"]):
        typed = "\n" * len(full_variant.questions)
        full = _run(command[0], bank_path, "--student", student, *command[1:], input=typed)
        shown = _run(command[0], edition_path, "--student", student, *command[1:], input=typed)
        assert full.exit_code == shown.exit_code == 0, shown.output
        assert shown.output == full.output
    assert render_page(student_variant) == render_page(full_variant)


def test_html_writes_the_same_page_from_the_edition(bank_path, edition_path, tmp_path):
    for source, page in ((bank_path, tmp_path / "full.html"), (edition_path, tmp_path / "student.html")):
        assert _run("html", source, "--student", "alice", "-o", page).exit_code == 0
    assert (tmp_path / "student.html").read_bytes() == (tmp_path / "full.html").read_bytes()


def test_answers_taken_on_the_edition_grade_to_full_marks_with_the_full_quiz(bank, edition, edition_path,
                                                                             right_answers, write_answers):
    answers = right_answers(build_variant(bank, "zoë"))
    path = write_answers("zoe.yaml", {"quiz": edition.id, "student": "zoë", "answers": answers})
    assert _run("validate", edition_path).output.endswith("(student edition: no answer keys)\n")
    result = grade_answers(bank, AnswersFile(path=path, student="zoë", answers=answers))
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("command", [["grade", "ANSWERS"], ["grade", "ANSWERS", "--format", "json"],
                                     ["export", "--to", "gift", "-o", "OUT"], ["export", "--to", "qti", "-o", "OUT"]])
def test_grading_or_exporting_the_edition_is_one_line_refusal(edition_path, write_answers, tmp_path, command):
    answers = write_answers("alice.yaml", {"answers": {"q1-deep-learning-activation": "relu"}})
    arguments = [{"ANSWERS": answers, "OUT": tmp_path / "out"}.get(word, word) for word in command]
    result = _run(arguments[0], edition_path, *arguments[1:])
    assert result.exit_code == 2
    action = "grading" if command[0] == "grade" else "export"
    assert result.output.splitlines() == [f"autograder: {edition_path}: this is a student edition without answer "
                                          f"keys; {action} needs the full quiz"]
    assert not (tmp_path / "out").exists()


def test_grading_and_exporting_refuse_the_edition_in_python_too(edition, tmp_path):
    with pytest.raises(UserError, match="this is a student edition without answer keys; grading needs"):
        grade_answers(edition, AnswersFile(path=tmp_path / "a.yaml", student="a", answers={}))
    with pytest.raises(UserError, match="this is a student edition without answer keys; export needs"):
        render_gift(edition, 2)


EVERY_FEATURE = """\
quiz: features
title: Every kind of question
description: Numbers are *drawn* for you.
questions:
  - id: fixed-order
    type: single
    points: 1
    title: Choices in file order
    tags: [a, b]
    prompt: Which is $\\sigma(0)$?
    choices: {zero: "0", half: "1/2", one: "1"}
    shuffle: false
    answer: half
    feedback: {zero: No.}
    explanation: The sigmoid of zero is one half, as everyone knows by now.
  - id: pick-many
    type: multiple
    points: 2
    scoring: all_or_nothing
    prompt: Pick the even ones.
    choices: {two: Two, three: Three, four: Four}
    answer: [two, four]
    explanation: Even numbers are divisible by two without any remainder.
  - id: yes-no
    type: true_false
    points: 1
    prompt: Is the sky green?
    answer: false
    feedback: {"true": Look up at the sky on a clear day.}
    explanation: The sky is blue on a clear day, not green at all.
  - id: half
    type: numeric
    points: 1
    parameters:
      k: {min: 0.5, max: 2.5, step: 0.5}
      m: {values: [3, 7]}
    prompt: With k = {{ k }} and twice m = {{ m * 2 }}, what is k times m?
    answer: k * m
    tolerance: {absolute: 0.01}
    explanation: Multiply the two numbers together to get the product.
  - id: shared
    type: integer
    points: 1
    parameters_from: half
    prompt: What is m + 1 for m = {{ m }}?
    answer: m + 1
    explanation: Add one to the drawn number m to get the answer here.
  - pool: words
    draw: 1
    questions:
      - id: colour
        type: text
        points: 1
        prompt: Name a colour of the rainbow.
        pattern: "(red|orange|yellow)"
        case_sensitive: true
        explanation: Any colour of the rainbow is accepted as right here.
      - id: steps
        type: ordering
        points: 1
        scoring: right_positions
        prompt: Order the steps.
        items: {wake: Wake up, dress: Get dressed, eat: Eat breakfast}
        answer: [wake, eat, dress]
        explanation: First wake up, then eat breakfast, and only then get dressed.
"""


@pytest.fixture(scope="module")
def features(tmp_path_factory):
    folder = tmp_path_factory.mktemp("features")
    (folder / "full.yaml").write_text(EVERY_FEATURE)
    assert _run("student-edition", folder / "full.yaml", "-o", folder / "student.yaml").exit_code == 0
    return folder / "full.yaml", folder / "student.yaml"


def test_every_field_of_every_question_type_is_kept_or_dropped_as_it_should(features):
    full, student = features
    assert yaml.safe_load(student.read_text()) == _without_keys(yaml.safe_load(full.read_text()))
    assert "rainbow is accepted" in full.read_text() and "rainbow is accepted" not in student.read_text()


@pytest.mark.parametrize("student", [f"student-{number}" for number in range(10)])
def test_every_question_type_renders_the_same_from_the_edition(features, student):
    full, edition = (build_variant(load_quiz(path), student) for path in features)
    assert render_variant(edition) == render_variant(full)
    assert render_page(edition) == render_page(full)
    assert "twice m = 6" in render_variant(full) or "twice m = 14" in render_variant(full)


SMALL = """\
quiz: small
edition: student
title: A small student edition
questions:
  - id: pick
    type: single
    points: 1
    prompt: Pick one.
    choices: {a: First, b: Second}
  - id: count
    type: integer
    points: 2
    parameters:
      n: {min: 2, max: 5}
    prompt: How many pairs do {{ n }} items make?
  - id: again
    type: numeric
    points: 1
    parameters_from: count
    prompt: And half of {{ n }}?
"""

# change of SMALL → (line:column, part of the first message)
BROKEN = {
    "an answer left in": (("    choices: {a: First, b: Second}\n",
                           "    choices: {a: First, b: Second}\n    answer: a\n"),
                          "10:13", "'answer' was unexpected"),
    "an explanation left in": (("    prompt: Pick one.\n", "    prompt: Pick one.\n    explanation: Because.\n"),
                               "9:18", "'explanation' was unexpected"),
    "a tolerance left in": (("    prompt: And half of {{ n }}?\n",
                             "    prompt: And half of {{ n }}?\n    tolerance: {absolute: 0.5}\n"),
                            "21:16", "'tolerance' was unexpected"),
    "a misspelt placeholder": (("of {{ n }}?", "of {{ m }}?"), "20:13", "again: unknown placeholder: 'm' is undefined"),
    "an unknown parameters_from": (("parameters_from: count", "parameters_from: cout"),
                                   "19:22", "again: parameters_from 'cout' is not another question"),
    "a duplicate id": (("  - id: again", "  - id: pick"), "16:9", "pick: duplicate question id (first used on line 5)"),
    "an unknown edition": (("edition: student", "edition: students"), "2:10", "'students' is not one of 'student'"),
    "a missing prompt": (("    prompt: Pick one.\n", ""), "5:5", "'prompt' is a required property"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_student_edition_gives_a_located_error(tmp_path, name):
    (old, new), position, message = BROKEN[name]
    assert old in SMALL
    good, broken = tmp_path / "good.yaml", tmp_path / "broken.yaml"
    good.write_text(SMALL)
    broken.write_text(SMALL.replace(old, new))
    assert _run("validate", good).exit_code == 0
    result = _run("validate", broken)
    assert result.exit_code == 2 and "Traceback" not in result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"autograder: {broken}:{position}: ") and message in first, first


def test_a_full_quiz_marked_as_a_student_edition_is_refused_where_its_keys_are(bank_path, tmp_path):
    marked = tmp_path / "marked.yaml"
    marked.write_text(bank_path.read_text().replace("quiz: week5\n", "quiz: week5\nedition: student\n", 1))
    result = _run("show", marked, "--student", "alice")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert ": questions.0: Additional properties are not allowed" in result.output.splitlines()[0]


ORDERING = """\
quiz: steps
title: Steps
questions:
  - id: steps
    type: ordering
    points: 1
    scoring: all_or_nothing
    prompt: Order the steps.
    explanation: Because.
    items:
      first: First step
      second: Second step
      third: Third step
    answer: {answer}
"""


@pytest.mark.parametrize("answer, refused", [("[first, second, third]", "the answer order"),
                                             ("[third, second, first]", "the reverse of the answer order"),
                                             ("[second, first, third]", None)])
def test_an_ordering_listed_in_its_answer_order_is_refused(tmp_path, answer, refused):
    quiz = tmp_path / "steps.yaml"
    quiz.write_text(ORDERING.format(answer=answer))
    result = _run("student-edition", quiz, "-o", tmp_path / "out.yaml")
    if refused is None:
        assert result.exit_code == 0, result.output
        assert list(load_quiz(tmp_path / "out.yaml").questions["steps"].items) == ["first", "second", "third"]
    else:
        assert result.exit_code == 2 and not (tmp_path / "out.yaml").exists()
        assert result.output.startswith(f"autograder: {quiz}:11:7: steps: the items are listed in {refused},")


def test_the_edition_never_overwrites_the_quiz(bank_path, tmp_path):
    copy = tmp_path / "week5.yaml"
    copy.write_text(bank_path.read_text())
    result = _run("student-edition", copy, "-o", copy)
    assert result.exit_code == 2 and "would overwrite the quiz itself" in result.output
    assert copy.read_text() == bank_path.read_text()


def test_a_broken_quiz_gives_no_edition(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("quiz: x\ntitle: y\nquestions: []\n")
    result = _run("student-edition", broken, "-o", tmp_path / "out.yaml")
    assert result.output.strip() == f"autograder: {broken}:3:12: questions: [] should be non-empty"
    assert not (tmp_path / "out.yaml").exists()


def test_write_student_editions_writes_every_quiz_of_a_folder(bank_path, tmp_path):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "week5.yaml").write_text(bank_path.read_text())
    (folder / "small.yml").write_text(textwrap.dedent(SMALL))
    (folder / "notes.txt").write_text("not a quiz")
    written = write_student_editions(folder, tmp_path / "release")
    assert [path.name for path in written] == ["small.yml", "week5.yaml"]
    assert all(load_quiz(path).student_edition for path in written)
    assert write_student_editions(tmp_path / "nowhere", tmp_path / "release2") == []
