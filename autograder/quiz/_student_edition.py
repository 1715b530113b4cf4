"""The student edition of a quiz: what every student needs to see and answer their variant, and no answer key.

    write_student_edition("quizzes/week5.yaml", "release/quizzes/week5.yaml")

The edition is the quiz file with `edition: student` and, of each question,
only the fields of `_schema.public_fields`: id, type, title, points, prompt,
tags, choices or items (their keys, texts and file order), shuffle, scoring
(its rule is shown to students), parameters with their value ranges and
parameters_from (their placeholders, including any value a prompt computes
from them, are rendered for the student).  Everything of ANSWER_KEY_FIELDS is
left out: answers and answer expressions (the per-student values derived from
parameters that ARE the answer), explanations, feedback (its keys would mark
the wrong choices), accepted texts and patterns, case sensitivity, and
tolerances (never shown, and an absolute one hints at the size of the value).
Comments of the quiz file are not copied.  Pools and entries stay in file
order, so each student's variant (pool draws, parameter values, choice order)
is the one the full quiz gives them, and `quiz show`/`html` print the same.

An ordering question's items keep their file order (each student's shuffle
starts from it), so one listed in its answer order would give the answer away:
such a quiz is refused with a located error; list its items in another order.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .._errors import UserError, UserErrors
from .._yamlio import LocatedYaml, load_yaml
from ._model import load_quiz
from ._schema import STUDENT_EDITION, public_fields

_TOP_LEVEL = ("quiz", "edition", "title", "description", "questions")
_HEADER = """\
# Student edition of quiz {quiz!r}: no answers, explanations or feedback.
# Written by `autograder quiz student-edition` from {source}; do not edit: write it again from the full quiz.
# See your variant with `autograder quiz show <this file> --student ID` (or `quiz take`, `quiz html`).
"""


class _Dumper(yaml.SafeDumper):
    """Block style but lists of plain values on one line, no anchors, multi-line texts as literal blocks."""

    def ignore_aliases(self, data) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


def _list(dumper: yaml.SafeDumper, items: list) -> yaml.SequenceNode:
    flat = all(not isinstance(item, (dict, list)) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flat)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(list, _list)


def student_edition_data(data: dict) -> dict:
    """A valid quiz's data (full or student edition) without anything that gives an answer away."""
    edition = dict(data, edition=STUDENT_EDITION)
    edition["questions"] = [_entry(entry) for entry in data["questions"]]
    return {key: edition[key] for key in _TOP_LEVEL if key in edition}


def _entry(entry: dict) -> dict:
    if "pool" in entry:
        return dict(entry, questions=[_question(member) for member in entry["questions"]])
    return _question(entry)


def _question(question: dict) -> dict:
    kept = public_fields(question["type"])
    return {key: value for key, value in question.items() if key in kept}


def _ordering_giveaways(document: LocatedYaml) -> list[UserError]:
    """Ordering questions whose items the file lists in the answer order (or its reverse)."""
    problems = []
    for where, question in _questions(document.data):
        if question["type"] != "ordering":
            continue
        listed, answer = list(question["items"]), list(question["answer"])
        for order, name in ((answer, "the answer order"), (answer[::-1], "the reverse of the answer order")):
            if listed == order:
                problems.append(document.error(where + ("items",), f"{question['id']}: the items are listed in "
                                               f"{name}, which the student edition keeps (each student's order is "
                                               "shuffled from it) and so would give away; list them in another order"))
    return problems


def _questions(data: dict):
    for index, entry in enumerate(data["questions"]):
        if "pool" in entry:
            for member_index, member in enumerate(entry["questions"]):
                yield ("questions", index, "questions", member_index), member
        else:
            yield ("questions", index), entry


def student_edition(quiz_path: str | Path) -> str:
    """The text of the student edition of a quiz file (which is validated first; problems are located)."""
    quiz = load_quiz(quiz_path)
    document = load_yaml(quiz.path)
    if not quiz.student_edition:
        problems = _ordering_giveaways(document)
        if problems:
            raise UserErrors(problems)
    header = _HEADER.format(quiz=quiz.id, source=quiz.path.name)
    return header + yaml.dump(student_edition_data(document.data), Dumper=_Dumper, sort_keys=False,
                              allow_unicode=True, width=100)


def write_student_edition(quiz_path: str | Path, output: str | Path) -> Path:
    """Write the student edition of a quiz file to output (never over the quiz itself); return output."""
    output = Path(output)
    if output.resolve() == Path(quiz_path).resolve():
        raise UserError("the student edition would overwrite the quiz itself; write it to another file", output)
    text = student_edition(quiz_path)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return output


def write_student_editions(folder: str | Path, target: str | Path) -> list[Path]:
    """A student edition of every quiz file (.yaml, .yml) in folder, under the same name in target."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return [write_student_edition(path, Path(target) / path.name)
            for path in sorted(folder.iterdir()) if path.suffix in (".yaml", ".yml") and path.is_file()]
