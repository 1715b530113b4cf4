"""Canvas QTI: an IMS QTI 1.2 zip in the form Canvas exports and imports its own quizzes.

The assessment XML is written here (ElementTree), because text2qti's writer
rounds numeric answers and their bounds to 4 decimals and names every question
group "Group".  text2qti still does what it does well: Markdown and `$…$` maths
to the HTML Canvas shows (maths as Canvas equation images), the package
manifest and Canvas's quiz settings file (`assessment_meta.xml`).

What the file says and how it reaches Canvas (Classic Quizzes):

- points per question (`points_possible`) and per group (`points_per_item`);
  each pool and each parameterised question is a question group with `pick`,
  titled with its id (and the pool's title);
- numeric answers as Canvas's exact answer with a margin, written as exact
  decimals (the answer is the shortest text that reads back as the same double,
  the bounds answer ± tolerance computed in decimal), so no bound moves;
- multiple select as Canvas's multiple-answers question, whose scoring is the
  quiz's `right_minus_wrong` rule (each right choice earns, each wrong one costs
  points/right choices, never below 0);
- per-question shuffle as QTI's `render_choice shuffle`, and Canvas's
  quiz-wide "shuffle answers" setting on when every choice question shuffles;
- ordering with `right_positions` as a matching question (item → position, a
  share of the points per item in place); all-or-nothing ordering of up to 4
  items as a single choice among all their orders;
- text answers: every accepted text, and a pattern's forms (`_text_forms.py`).

Every rule Canvas cannot express becomes a note.
"""
from __future__ import annotations

import datetime
import itertools
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from io import BytesIO

from .._errors import UserError
from ._export import ORDINALS, ExportGroup, export_plan, plain_number, tolerance
from ._markup import to_terminal
from ._model import Quiz
from ._text_forms import accepted_forms, pattern_note
from ._variants import PreparedQuestion

QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MAX_ORDERS_AS_CHOICES = 24          # all orders of up to 4 items
_NOT_IDENT = re.compile(r"[^A-Za-z0-9_-]+")


def build_qti_zip(quiz: Quiz, count: int) -> tuple[bytes, list[str]]:
    """The QTI zip for Canvas, and notes on what differs from the quiz."""
    try:
        from text2qti.config import Config
        from text2qti.err import Text2qtiError
        from text2qti.markdown import Markdown
        from text2qti.xml_assessment_meta import assessment_meta
        from text2qti.xml_imsmanifest import imsmanifest
    except ImportError:
        raise UserError("QTI export needs text2qti: pip install 'week5-autograder[quiz]'") from None
    markdown = Markdown(Config())
    writer = _AssessmentWriter(quiz, count, markdown)
    try:
        assessment = writer.assessment()
    except Text2qtiError as exc:
        raise UserError(f"text2qti cannot render the quiz text: {' '.join(str(exc).split())}", quiz.path) from None
    ident = _ident(f"{quiz.id}-assessment")
    dependency, assignment, group = _ident(f"{quiz.id}-meta"), _ident(f"{quiz.id}-assignment"), \
        _ident(f"{quiz.id}-assignment-group")
    meta = assessment_meta(assessment_identifier=ident, assignment_identifier=assignment,
                           assignment_group_identifier=group, title_xml=_xml_escape(quiz.title),
                           description_html_xml=_xml_escape(markdown.md_to_html(quiz.description)
                                                            if quiz.description else ""),
                           points_possible=writer.points, shuffle_answers="true" if writer.shuffle_all else "false",
                           show_correct_answers="true", one_question_at_a_time="false", cant_go_back="false")
    manifest = imsmanifest(manifest_identifier=_ident(f"{quiz.id}-manifest"), assessment_identifier=ident,
                           dependency_identifier=dependency, images=markdown.images,
                           date=str(datetime.date.today()))
    stream = BytesIO()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr(f"{ident}/assessment_meta.xml", meta)
        archive.writestr(f"{ident}/{ident}.xml", writer.render(assessment, ident))
        for image in markdown.images.values():
            archive.writestr(image.qti_zip_path, image.data)
    return stream.getvalue(), list(dict.fromkeys(writer.notes))


class _AssessmentWriter:
    def __init__(self, quiz: Quiz, count: int, markdown):
        self.quiz, self.count, self.markdown = quiz, count, markdown
        self.notes: list[str] = []
        self.points = 0.0
        self.shuffle_all = True
        self.seen: dict[str, int] = {}

    def render(self, assessment: ET.Element, ident: str) -> str:
        root = ET.Element("questestinterop", xmlns=QTI_NAMESPACE)
        assessment.set("ident", ident)
        root.append(assessment)
        ET.indent(root, space="  ")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

    def assessment(self) -> ET.Element:
        plan, notes = export_plan(self.quiz, self.count)
        self.notes += notes
        assessment = ET.Element("assessment", title=self.quiz.title)
        _metadata(assessment, {"cc_maxattempts": "1"})
        root = ET.SubElement(assessment, "section", ident="root_section")
        for item in plan:
            if isinstance(item, ExportGroup):
                root.append(self.group(item))
                self.points += item.pick * item.points
            else:
                root.append(self.item(item))
                self.points += item.question.points
        if not self.shuffle_all:
            self.notes.append("Canvas Classic Quizzes shuffle answers for the whole quiz or not at all: the quiz "
                              "setting is off because some questions keep their order (each item still says "
                              "whether to shuffle)")
        return assessment

    def group(self, group: ExportGroup) -> ET.Element:
        if group.kind == "pool":
            title = f"{group.id}: {group.title}" if group.title else group.id
        else:
            title = f"{group.id} (one of {len(group.questions)} variants)"
        section = ET.Element("section", ident=self.unique(f"group-{group.id}"), title=title)
        selection = ET.SubElement(ET.SubElement(section, "selection_ordering"), "selection")
        ET.SubElement(selection, "selection_number").text = str(group.pick)
        ET.SubElement(ET.SubElement(selection, "selection_extension"), "points_per_item").text = f"{group.points:g}"
        for number, prepared in enumerate(group.questions, start=1):
            section.append(self.item(prepared, f" (variant {number})" if group.kind == "variants" else ""))
        return section

    def unique(self, text: str) -> str:
        ident = _ident(f"{self.quiz.id}-{text}")
        self.seen[ident] = self.seen.get(ident, 0) + 1
        return ident if self.seen[ident] == 1 else f"{ident}-{self.seen[ident]}"

    # ---------------------------------------------------------------- items

    def item(self, prepared: PreparedQuestion, suffix: str = "") -> ET.Element:
        question = prepared.question
        ident = self.unique(question.id)
        builder = {"single": self.choice, "multiple": self.choice, "true_false": self.true_false,
                   "numeric": self.numeric, "integer": self.numeric, "text": self.text,
                   "ordering": self.ordering}[question.type]
        item = ET.Element("item", ident=ident, title=question.id + suffix)
        parts = builder(prepared, ident)
        _metadata(ET.SubElement(item, "itemmetadata"), {
            "question_type": parts["type"], "points_possible": f"{question.points:g}",
            "original_answer_ids": ",".join(parts.get("answer_ids", [])),
            "assessment_question_identifierref": f"{ident}-question"})
        presentation = ET.SubElement(item, "presentation")
        _material(presentation, self.html(parts.get("prompt", prepared.prompt)))
        _append_response(presentation, parts["response"])
        processing = ET.SubElement(item, "resprocessing")
        ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0",
                      varname="SCORE", vartype="Decimal")
        feedback = {"general_fb": question.explanation} if question.explanation else {}
        if feedback:
            _condition(processing, ET.Element("other"), feedback="general_fb", go_on=True)
        for answer_ident, text in parts.get("feedback", {}).items():
            _condition(processing, _equal(answer_ident), feedback=f"{answer_ident}_fb", go_on=True)
            feedback[f"{answer_ident}_fb"] = text
        for condition, score, action in parts["scoring"]:          # "Add" conditions all apply, "Set" ends
            _condition(processing, condition, score=score, action=action, go_on=action == "Add")
        for feedback_ident, text in feedback.items():
            item_feedback = ET.SubElement(item, "itemfeedback", ident=feedback_ident)
            _material(ET.SubElement(item_feedback, "flow_mat"), self.html(text))
        return item

    def choice(self, prepared: PreparedQuestion, ident: str) -> dict:
        question = prepared.question
        idents = {key: f"{ident}-{_ident(key)}" for key in prepared.order}
        response = self.choices(prepared.order, idents, lambda key: prepared.texts[key],
                                "Single" if question.type == "single" else "Multiple", question.shuffle)
        if question.type == "single":
            scoring = [(_equal(idents[prepared.expected]), "100", "Set")]
            kind = "multiple_choice_question"
        else:
            every = ET.Element("and")
            for key in prepared.order:
                if key in prepared.expected:
                    every.append(_equal(idents[key]))
                else:
                    ET.SubElement(every, "not").append(_equal(idents[key]))
            scoring = [(every, "100", "Set")]
            kind = "multiple_answers_question"
            if question.scoring == "all_or_nothing":
                self.notes.append(f"{question.id}: all-or-nothing multiple select: Canvas Classic Quizzes give "
                                  "partial credit (right minus wrong choices); in New Quizzes choose 'Exact match'")
        return {"type": kind, "response": response, "scoring": scoring, "answer_ids": list(idents.values()),
                "feedback": {idents[key]: text for key, text in question.feedback.items() if key in idents}}

    def choices(self, keys: list[str], idents: dict[str, str], text, cardinality: str, shuffle: bool) -> ET.Element:
        self.shuffle_all = self.shuffle_all and shuffle
        response = ET.Element("response_lid", ident="response1", rcardinality=cardinality)
        render = ET.SubElement(response, "render_choice", shuffle="Yes" if shuffle else "No")
        for key in keys:
            label = ET.SubElement(render, "response_label", ident=idents[key])
            _material(label, self.html(text(key), inline=True))
        return response

    def true_false(self, prepared: PreparedQuestion, ident: str) -> dict:
        idents = {"true": f"{ident}-true", "false": f"{ident}-false"}
        response = ET.Element("response_lid", ident="response1", rcardinality="Single")
        render = ET.SubElement(response, "render_choice")
        for key in ("true", "false"):
            _material(ET.SubElement(render, "response_label", ident=idents[key]), key.capitalize())
        right = idents["true" if prepared.expected else "false"]
        return {"type": "true_false_question", "response": response, "scoring": [(_equal(right), "100", "Set")],
                "answer_ids": list(idents.values()),
                "feedback": {idents[key]: text for key, text in prepared.question.feedback.items()}}

    def numeric(self, prepared: PreparedQuestion, ident: str) -> dict:
        exact = Decimal(plain_number(prepared.expected))
        margin = Decimal(plain_number(tolerance(prepared))) if prepared.question.type == "numeric" else Decimal(0)
        response = ET.Element("response_str", ident="response1", rcardinality="Single")
        ET.SubElement(ET.SubElement(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
        either = ET.Element("or")
        either.append(_equal(_decimal(exact)))
        within = ET.SubElement(either, "and")
        ET.SubElement(within, "vargte", respident="response1").text = _decimal(exact - margin)
        ET.SubElement(within, "varlte", respident="response1").text = _decimal(exact + margin)
        return {"type": "numerical_question", "response": response, "scoring": [(either, "100", "Set")]}

    def text(self, prepared: PreparedQuestion, ident: str) -> dict:
        question = prepared.question
        forms = accepted_forms(question.accept, question.pattern, question.case_sensitive)
        if question.pattern:
            note = pattern_note(question.id, forms, "Canvas")
            if note:
                self.notes.append(note)
        if question.case_sensitive:
            self.notes.append(f"{question.id}: Canvas compares short answers without regard to case")
        response = ET.Element("response_str", ident="response1", rcardinality="Single")
        ET.SubElement(ET.SubElement(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        condition = ET.Element("conditionvar")           # Canvas reads each varequal as one accepted answer
        for text in forms.texts:
            condition.append(_equal(text))
        return {"type": "short_answer_question", "response": response, "scoring": [(condition, "100", "Set")]}

    def ordering(self, prepared: PreparedQuestion, ident: str) -> dict:
        question = prepared.question
        orders = list(itertools.permutations(prepared.expected))
        if question.scoring == "all_or_nothing" and len(orders) <= MAX_ORDERS_AS_CHOICES:
            return self.ordering_as_choice(prepared, ident, orders)
        if question.scoring == "all_or_nothing":
            self.notes.append(f"{question.id}: all-or-nothing ordering of {len(orders[0])} items exported as a "
                              "matching question, which Canvas grades per item in place")
        self.notes.append(f"{question.id}: ordering exported as a matching question (each item → its position, "
                          "a share of the points per item in place); Canvas lets two items take the same position")
        positions = {number: f"{ident}-position-{number}" for number in range(1, len(prepared.expected) + 1)}
        presentation = ET.Element("presentation")               # only a holder for the several response_lid
        scoring = []
        share = plain_number(100 / len(prepared.expected))
        for key in prepared.order:
            response = ET.SubElement(presentation, "response_lid", ident=f"response_{_ident(key)}")
            _material(response, to_terminal(prepared.texts[key]).strip(), "text/plain")
            render = ET.SubElement(response, "render_choice")
            for number, position_ident in positions.items():
                _material(ET.SubElement(render, "response_label", ident=position_ident), ORDINALS[number - 1],
                          "text/plain")
            right = positions[prepared.expected.index(key) + 1]
            scoring.append((_equal(right, f"response_{_ident(key)}"), share, "Add"))
        return {"type": "matching_question", "response": _Several(presentation), "scoring": scoring,
                "answer_ids": [f"response_{_ident(key)}" for key in prepared.order],
                "prompt": prepared.prompt + "\n\nGive each item its position, first to last."}

    def ordering_as_choice(self, prepared: PreparedQuestion, ident: str, orders: list[tuple]) -> dict:
        question = prepared.question
        labels = dict(zip(prepared.order, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        listing = "\n".join(f"- **{labels[key]}**: {prepared.texts[key]}" for key in prepared.order)
        texts = {f"order-{number}": " → ".join(labels[key] for key in order)
                 for number, order in enumerate(sorted(orders, key=lambda o: [labels[k] for k in o]), start=1)}
        right = next(key for key, text in texts.items() if text == " → ".join(labels[k] for k in prepared.expected))
        idents = {key: f"{ident}-{key}" for key in texts}
        self.notes.append(f"{question.id}: all-or-nothing ordering exported as a single choice among all "
                          f"{len(orders)} orders of its items")
        response = self.choices(list(texts), idents, texts.get, "Single", True)
        return {"type": "multiple_choice_question", "response": response,
                "scoring": [(_equal(idents[right]), "100", "Set")], "answer_ids": list(idents.values()),
                "prompt": f"{prepared.prompt}\n\n{listing}\n\nWhich order is right, first to last?"}

    def html(self, markdown_text: str, inline: bool = False) -> str:
        return self.markdown.md_to_html(markdown_text, strip_p_tags=inline).strip()


class _Several:
    """Several response elements (a matching question's) standing where one would."""

    def __init__(self, holder: ET.Element):
        self.holder = holder


def _append_response(presentation: ET.Element, response) -> None:
    if isinstance(response, _Several):
        presentation.extend(list(response.holder))
    else:
        presentation.append(response)



def _metadata(parent: ET.Element, fields: dict[str, str]) -> None:
    metadata = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields.items():
        field = ET.SubElement(metadata, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _material(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    ET.SubElement(ET.SubElement(parent, "material"), "mattext", texttype=texttype).text = text


def _equal(value: str, respident: str = "response1") -> ET.Element:
    element = ET.Element("varequal", respident=respident)
    element.text = value
    return element


def _condition(processing: ET.Element, condition: ET.Element, *, score: str | None = None, action: str = "Set",
               feedback: str | None = None, go_on: bool = False) -> None:
    respcondition = ET.SubElement(processing, "respcondition", {"continue": "Yes" if go_on else "No"})
    if condition.tag == "conditionvar":
        respcondition.append(condition)
    else:
        ET.SubElement(respcondition, "conditionvar").append(condition)
    if score is not None:
        ET.SubElement(respcondition, "setvar", action=action, varname="SCORE").text = score
    if feedback is not None:
        ET.SubElement(respcondition, "displayfeedback", feedbacktype="Response", linkrefid=feedback)


def _decimal(value: Decimal) -> str:
    """A decimal written out in full (no exponent), trailing zeros dropped."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _ident(text: str) -> str:
    return _NOT_IDENT.sub("_", text)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
