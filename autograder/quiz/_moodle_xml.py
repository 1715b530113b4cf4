"""Export to Moodle XML, the question format Moodle itself round-trips (docs.moodle.org "Moodle XML format").

Unlike GIFT it carries what the quiz file says, question by question:

- points as `defaultgrade`; explanations as general feedback, per-choice feedback,
  tags; the quiz, each pool and each question that needs one as a question-bank
  category (`$course$/<quiz>/…`);
- single choice, multiple select (fractions +1/k per right choice, -1/k per
  wrong one for `right_minus_wrong`, so Moodle's clamped sum is the quiz's
  rule), true/false, numerical (exact decimal answer and tolerance), short
  answer (every accepted text, and a pattern's forms where they can be listed:
  `_text_forms.py`), and ordering as Moodle's own ordering question (core since
  4.3) graded ALL_OR_NOTHING or ABSOLUTE_POSITION as the file says;
- a parameterised question whose answer has a Moodle formula (`_moodle_formula.py`)
  as a *calculated* question: the prompt keeps `{name}` wildcards and a dataset
  of the parameter values (every combination, or 100 drawn ones when there are
  more, Moodle's limit), so Moodle draws the values for each student; any other
  parameterised question as pre-drawn numerical variants in a category of its own.

Moodle XML holds questions, not quizzes: a pool's draw count (and "a random
question" from a variant category) is set when the questions are added to the
Moodle quiz; the category descriptions and the notes say how many.
"""
from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from ._export import MOODLE_GRADES, _variants, plain_number, share, tolerance
from ._markup import to_html_with_tex
from ._model import Pool, Question, Quiz, require_answer_keys
from ._moodle_formula import NotMappable, moodle_formula
from ._text_forms import accepted_forms, pattern_note
from ._variants import PreparedQuestion, prepare_question

MAX_DATASET_ITEMS = 100          # Moodle's largest dataset of a calculated question
DEFAULT_PENALTY = "0.3333333"    # Moodle's own default (only used with several tries per question)
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def export_moodle_xml(quiz: Quiz, path: Path, count: int) -> list[str]:
    data, notes = render_moodle_xml(quiz, count)
    path.write_bytes(data)
    return notes


def render_moodle_xml(quiz: Quiz, count: int) -> tuple[bytes, list[str]]:
    """The whole quiz bank as a Moodle XML document, and notes on what Moodle does differently."""
    require_answer_keys(quiz, "export")
    writer = _Writer(quiz, count)
    writer.write_all()
    ET.indent(writer.root, space="  ")
    body = ET.tostring(writer.root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"), list(dict.fromkeys(writer.notes))


class _Writer:
    def __init__(self, quiz: Quiz, count: int):
        self.quiz, self.count = quiz, count
        self.root = ET.Element("quiz")
        self.notes: list[str] = []
        self.base = f"$course$/{quiz.id}"

    # ---------------------------------------------------------------- structure

    def write_all(self) -> None:
        quiz = self.quiz
        self.category(self.base, quiz.title + (f"\n\n{quiz.description}" if quiz.description else ""), quiz.id)
        current = self.base
        for entry in quiz.entries:
            if isinstance(entry, Pool):
                name = f"{self.base}/pool {entry.id}"
                points = quiz.questions[entry.question_ids[0]].points
                self.category(name, f"{entry.title or entry.id}: add {entry.draw} random question"
                                    f"{'s' if entry.draw > 1 else ''} from this category to the quiz, "
                                    f"{points:g} point{'s' if points != 1 else ''} each.", f"{quiz.id}-pool-{entry.id}")
                self.notes.append(f"pool {entry.id}: in the Moodle quiz, add {entry.draw} random question"
                                  f"{'s' if entry.draw > 1 else ''} from category '{quiz.id}/pool {entry.id}'")
                for question_id in entry.question_ids:
                    self.pool_member(quiz.questions[question_id], entry)
                current = name
                continue
            calculated = self.calculated(entry) if quiz.parameters_of(entry) else None
            if quiz.parameters_of(entry) and calculated is None:
                name = f"{self.base}/{entry.id}"
                self.category(name, f"{entry.id}: pre-drawn variants; add 1 random question from this category "
                                    "to the quiz.", f"{quiz.id}-{entry.id}")
                for number, prepared in enumerate(_variants(quiz, entry, self.count), start=1):
                    self.question(prepared, f"{entry.id} (variant {number})", f"{entry.id}-v{number}")
                current = name
                continue
            if current != self.base:
                self.category(self.base)
                current = self.base
            if calculated is not None:
                self.root.append(calculated)
            else:
                self.question(_prepared(quiz, entry), entry.id, entry.id)

    def pool_member(self, question: Question, pool: Pool) -> None:
        if self.quiz.parameters_of(question):
            calculated = self.calculated(question)
            if calculated is not None:
                self.root.append(calculated)
                return
            self.notes.append(f"{question.id}: in pool {pool.id!r}, exported with one pre-drawn variant "
                              "(Moodle draws a question from the pool category, not from a nested one)")
        self.question(_prepared(self.quiz, question), question.id, question.id)

    def category(self, path: str, info: str | None = None, idnumber: str | None = None) -> None:
        element = ET.SubElement(self.root, "question", type="category")
        _text(ET.SubElement(element, "category"), path)
        if info is not None:
            _text(ET.SubElement(element, "info", format="html"), to_html_with_tex(info).strip())
            ET.SubElement(element, "idnumber").text = idnumber

    # ---------------------------------------------------------------- questions

    def question(self, prepared: PreparedQuestion, name: str, idnumber: str) -> None:
        question = prepared.question
        if question.type == "text" and not accepted_forms(question.accept, question.pattern,
                                                          question.case_sensitive).texts:
            self.notes.append(f"{question.id}: not exported: its pattern cannot be written out as answers and it "
                              "has no accepted answers (add it in Moodle by hand)")
            return
        kind = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse",
                "numeric": "numerical", "integer": "numerical", "text": "shortanswer",
                "ordering": "ordering"}[question.type]
        element = self.header(kind, question, name, idnumber, _html(prepared.prompt))
        getattr(self, f"_{question.type}")(element, prepared)
        _tags(element, question)
        self.root.append(element)

    def header(self, kind: str, question: Question, name: str, idnumber: str, prompt_html: str,
               explanation_html: str | None = None) -> ET.Element:
        element = ET.Element("question", type=kind)
        _text(ET.SubElement(element, "name"), name)
        _text(ET.SubElement(element, "questiontext", format="html"), prompt_html)
        _text(ET.SubElement(element, "generalfeedback", format="html"),
              _html(question.explanation) if explanation_html is None else explanation_html)
        ET.SubElement(element, "defaultgrade").text = f"{question.points:g}"
        ET.SubElement(element, "penalty").text = DEFAULT_PENALTY
        ET.SubElement(element, "hidden").text = "0"
        ET.SubElement(element, "idnumber").text = idnumber
        return element

    def _choices(self, element: ET.Element, prepared: PreparedQuestion, fractions: dict[str, str],
                 single: bool) -> None:
        question = prepared.question
        ET.SubElement(element, "single").text = "true" if single else "false"
        ET.SubElement(element, "shuffleanswers").text = "true" if question.shuffle else "false"
        ET.SubElement(element, "answernumbering").text = "abc"
        ET.SubElement(element, "showstandardinstruction").text = "1"
        for key in prepared.order:
            _answer(element, fractions[key], _inline_html(prepared.texts[key]), "html",
                    _inline_html(question.feedback[key]) if key in question.feedback else "")

    def _single(self, element: ET.Element, prepared: PreparedQuestion) -> None:
        self._choices(element, prepared, {key: "100" if key == prepared.expected else "0" for key in prepared.order},
                      single=True)

    def _multiple(self, element: ET.Element, prepared: PreparedQuestion) -> None:
        question, right = prepared.question, len(prepared.expected)
        try:
            each = share(right)
        except ValueError:
            each = _nearest_grade(100 / right)
            self.notes.append(f"{question.id}: 1/{right} of the points is not a Moodle grade; each right choice "
                              f"gives {each}%")
        wrong = f"-{each}"
        if question.scoring == "all_or_nothing":
            wrong = "-100"
            self.notes.append(f"{question.id}: all-or-nothing multiple select has no Moodle equivalent: wrong choices "
                              "are worth -100%, but an incomplete selection of right ones still earns part of "
                              "the points")
        self._choices(element, prepared, {key: each if key in prepared.expected else wrong for key in prepared.order},
                      single=False)

    def _true_false(self, element: ET.Element, prepared: PreparedQuestion) -> None:
        for value in ("true", "false"):
            right = (value == "true") == bool(prepared.expected)
            feedback = prepared.question.feedback.get(value)
            _answer(element, "100" if right else "0", value, "moodle_auto_format",
                    _inline_html(feedback) if feedback else "")

    def _numeric(self, element: ET.Element, prepared: PreparedQuestion) -> None:
        margin = tolerance(prepared) if prepared.question.type == "numeric" else 0
        answer = _answer(element, "100", plain_number(prepared.expected), "moodle_auto_format", "")
        ET.SubElement(answer, "tolerance").text = plain_number(margin)
        _no_units(element)

    _integer = _numeric

    def _text(self, element: ET.Element, prepared: PreparedQuestion) -> None:
        question = prepared.question
        forms = accepted_forms(question.accept, question.pattern, question.case_sensitive)
        if question.pattern:
            note = pattern_note(question.id, forms, "Moodle")
            if note:
                self.notes.append(note)
        if any(" " in text for text in forms.texts):
            self.notes.append(f"{question.id}: Moodle compares short answers as typed (only the ends trimmed), so an "
                              "answer with extra spaces inside is marked wrong")
        ET.SubElement(element, "usecase").text = "1" if question.case_sensitive else "0"
        for text in forms.texts:
            _answer(element, "100", text.replace("*", "\\*"), "moodle_auto_format", "")   # `*` is Moodle's wildcard

    def _ordering(self, element: ET.Element, prepared: PreparedQuestion) -> None:
        question = prepared.question
        ET.SubElement(element, "layouttype").text = "VERTICAL"
        ET.SubElement(element, "selecttype").text = "ALL"
        ET.SubElement(element, "selectcount").text = str(len(prepared.expected))
        ET.SubElement(element, "gradingtype").text = \
            "ALL_OR_NOTHING" if question.scoring == "all_or_nothing" else "ABSOLUTE_POSITION"
        ET.SubElement(element, "showgrading").text = "SHOW"
        ET.SubElement(element, "numberingstyle").text = "none"
        for position, key in enumerate(prepared.expected, start=1):     # in the right order; Moodle shuffles them
            answer = ET.SubElement(element, "answer", fraction=str(position), format="html")
            _text(answer, _inline_html(prepared.texts[key]))

    # ---------------------------------------------------------------- calculated

    def calculated(self, question: Question) -> ET.Element | None:
        """The question as a Moodle calculated question, or None (with a note) when it cannot be one."""
        problem = _calculated_problem(self.quiz, question)
        if problem:
            self.notes.append(f"{question.id}: exported as pre-drawn variants, not as a Moodle calculated question "
                              f"({problem})")
            return None
        items = _dataset(self.quiz, question)
        names = list(self.quiz.parameters_of(question))
        prompt_html, explanation_html = _wildcard_html(question.prompt, names), _html(question.explanation)
        element = self.header("calculated", question, question.id, question.id, prompt_html, explanation_html)
        ET.SubElement(element, "synchronize").text = "0"
        ET.SubElement(element, "single").text = "0"
        ET.SubElement(element, "answernumbering").text = "abc"
        ET.SubElement(element, "shuffleanswers").text = "0"
        answer = ET.SubElement(element, "answer", fraction="100")
        ET.SubElement(answer, "text").text = moodle_formula(question.expression)
        tolerance_value, tolerance_type, answer_format, answer_length = _calculated_tolerance(question)
        ET.SubElement(answer, "tolerance").text = tolerance_value
        ET.SubElement(answer, "tolerancetype").text = tolerance_type
        ET.SubElement(answer, "correctanswerformat").text = answer_format
        ET.SubElement(answer, "correctanswerlength").text = answer_length
        _text(ET.SubElement(answer, "feedback", format="html"), "")
        _no_units(element)
        definitions = ET.SubElement(element, "dataset_definitions")
        for name in names:
            values = [item[name] for item in items]
            definition = ET.SubElement(definitions, "dataset_definition")
            _text(ET.SubElement(definition, "status"), "private")
            _text(ET.SubElement(definition, "name"), name)
            ET.SubElement(definition, "type").text = "calculated"
            _text(ET.SubElement(definition, "distribution"), "uniform")
            _text(ET.SubElement(definition, "minimum"), _value(min(values)))
            _text(ET.SubElement(definition, "maximum"), _value(max(values)))
            _text(ET.SubElement(definition, "decimals"), str(max(_decimals(value) for value in values)))
            ET.SubElement(definition, "itemcount").text = str(len(items))
            dataset_items = ET.SubElement(definition, "dataset_items")
            for number, value in enumerate(values, start=1):
                item = ET.SubElement(dataset_items, "dataset_item")
                ET.SubElement(item, "number").text = str(number)
                ET.SubElement(item, "value").text = _value(value)
            ET.SubElement(definition, "number_of_items").text = str(len(items))
        _tags(element, question)
        combinations = math.prod(len(parameter.values) for parameter in self.quiz.parameters_of(question).values())
        if combinations > len(items):
            self.notes.append(f"{question.id}: Moodle draws its values from {len(items)} of the {combinations:,} "
                              "possible combinations (a calculated question holds at most 100)")
        if question.parameters_from:
            self.notes.append(f"{question.id}: Moodle draws its values independently of {question.parameters_from} "
                              "(each prompt states all its numbers)")
        return element


# -------------------------------------------------------------------- helpers


def _prepared(quiz: Quiz, question: Question) -> PreparedQuestion:
    """The question with its choices in file order (Moodle shuffles them when the file says so)."""
    prepared = prepare_question(quiz, question, "lms-export-variant-1")
    prepared.order = list(question.choices or question.items)
    return prepared


def _calculated_problem(quiz: Quiz, question: Question) -> str:
    """Why the question cannot be a Moodle calculated question ("" when it can)."""
    if question.absolute_tolerance and question.relative_tolerance:
        return "Moodle takes an absolute or a relative tolerance, not the larger of both"
    try:
        moodle_formula(question.expression)
    except NotMappable as exc:
        return str(exc)
    names = list(quiz.parameters_of(question))
    if re.search(r"\{\{|\{%", _PLACEHOLDER.sub("", question.prompt)):
        return "its prompt uses placeholders that are more than a parameter name"
    for text in (_html(_PLACEHOLDER.sub("", question.prompt)), _html(question.explanation)):
        if "{=" in text or any("{" + name + "}" in text for name in names):
            return "its text contains {…} that Moodle would read as a wildcard"
    if question.type == "integer" and question.expression is not None:
        for item in _dataset(quiz, question):
            expected = question.expression.evaluate(item)
            in_floats = question.expression.evaluate({name: float(value) for name, value in item.items()})
            if float(in_floats) != float(expected):
                return f"its answer is not exact in floating point for {item}"
    return ""


def _dataset(quiz: Quiz, question: Question) -> list[dict]:
    """The parameter values Moodle draws from: every combination, or MAX_DATASET_ITEMS distinct drawn ones."""
    parameters = quiz.parameters_of(question)
    names = list(parameters)
    if math.prod(len(parameters[name].values) for name in names) <= MAX_DATASET_ITEMS:
        return [dict(zip(names, values)) for values in itertools.product(*(parameters[name].values for name in names))]
    return [prepared.values for prepared in _variants(quiz, quiz.parameter_source(question), MAX_DATASET_ITEMS)]


def _calculated_tolerance(question: Question) -> tuple[str, str, str, str]:
    """(tolerance, tolerancetype, correctanswerformat, correctanswerlength) of a calculated answer.

    tolerancetype 1 is relative, 2 nominal (absolute); the answer format (1 decimals,
    2 significant figures) and length only change how Moodle shows the right answer.
    """
    if question.type == "integer":
        return "0", "2", "1", "0"
    if question.relative_tolerance:
        digits = max(1, min(9, math.ceil(-math.log10(question.relative_tolerance)) + 1))
        return plain_number(question.relative_tolerance), "1", "2", str(digits)
    digits = max(0, min(9, math.ceil(-math.log10(question.absolute_tolerance)))) if question.absolute_tolerance else 4
    return plain_number(question.absolute_tolerance), "2", "1", str(digits)


def _wildcard_html(prompt: str, names: list[str]) -> str:
    """The prompt as HTML with Moodle's `{name}` wildcards where the file has `{{ name }}`."""
    tokens: list[str] = []

    def token(match: re.Match) -> str:
        tokens.append(match.group(1))
        return f"qzwildcard{len(tokens) - 1}qz"         # letters and digits only: Markdown and maths leave it alone
    html = _html(_PLACEHOLDER.sub(token, prompt))
    return re.sub(r"qzwildcard(\d+)qz", lambda m: "{" + tokens[int(m.group(1))] + "}", html)


def _value(value: int | float) -> str:
    return plain_number(int(value) if isinstance(value, float) and value.is_integer() else value)


def _decimals(value: int | float) -> int:
    exponent = Decimal(_value(value)).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _nearest_grade(percent: float) -> str:
    grade = min(MOODLE_GRADES, key=lambda g: abs(g - percent))
    return format(grade, ".5f").rstrip("0").rstrip(".")


def _html(markdown_text: str) -> str:
    return to_html_with_tex(markdown_text).strip()


def _inline_html(markdown_text: str) -> str:
    html = _html(markdown_text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def _text(parent: ET.Element, text: str) -> ET.Element:
    ET.SubElement(parent, "text").text = text
    return parent


def _answer(parent: ET.Element, fraction: str, text: str, text_format: str, feedback_html: str) -> ET.Element:
    answer = ET.SubElement(parent, "answer", fraction=fraction, format=text_format)
    _text(answer, text)
    _text(ET.SubElement(answer, "feedback", format="html"), feedback_html)
    return answer


def _no_units(element: ET.Element) -> None:
    ET.SubElement(element, "unitgradingtype").text = "0"
    ET.SubElement(element, "unitpenalty").text = "0.1000000"
    ET.SubElement(element, "showunits").text = "3"            # no units asked for
    ET.SubElement(element, "unitsleft").text = "0"


def _tags(element: ET.Element, question: Question) -> None:
    if question.tags:
        tags = ET.SubElement(element, "tags")
        for tag in question.tags:
            _text(ET.SubElement(tags, "tag"), tag)
