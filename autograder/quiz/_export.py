"""Export to learning-management systems: Moodle GIFT and Canvas QTI.

Both exports follow one plan (`export_plan`): fixed questions as they are, each
parameterised question as a group of N pre-drawn variants of which the LMS
picks one per student, and each pool as a group of which the LMS picks `draw`.
In GIFT a group is a question-bank category (add "a random question from this
category" to the Moodle quiz); in QTI it is a question group with `pick`.

GIFT is written here: the maintained GIFT writer on PyPI (gift-wrapper) only
knows numerical and multiple-choice questions and pulls in an SSH client.  QTI
is made by text2qti from its plain-text quiz format (`_qti.py`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ._markup import to_html_with_tex
from ._model import Pool, Question, Quiz, require_answer_keys
from ._variants import PreparedQuestion, prepare_question

#: grade percentages Moodle accepts on import (its list of grade options)
MOODLE_GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
                 14.28571, 12.5, 11.11111, 10, 5, 0)
ORDINALS = ("1st", "2nd", "3rd") + tuple(f"{n}th" for n in range(4, 21))


@dataclass
class ExportGroup:
    """Questions of which the LMS shows `pick` to each student."""

    name: str
    pick: int
    points: float
    questions: list[PreparedQuestion] = field(default_factory=list)
    kind: str = "variants"          # "variants" of one question, or a "pool"
    title: str = ""                 # a pool's title from the quiz file
    id: str = ""                    # the pool's or the question's id


def _for_export(quiz: Quiz, question: Question, variant: int) -> PreparedQuestion:
    """A question with the values of pre-drawn variant `variant`, its choices in file order (the LMS shuffles)."""
    prepared = prepare_question(quiz, question, f"lms-export-variant-{variant}")
    prepared.order = list(question.choices or question.items)
    return prepared


def _variants(quiz: Quiz, question: Question, count: int) -> list[PreparedQuestion]:
    """Up to `count` variants with different values (fewer when the parameters allow fewer)."""
    found: dict[tuple, PreparedQuestion] = {}
    attempt = 0
    while len(found) < count and attempt < count * 20:
        attempt += 1
        prepared = _for_export(quiz, question, attempt)
        found.setdefault(tuple(sorted(prepared.values.items())), prepared)
    return list(found.values())


def export_plan(quiz: Quiz, count: int) -> tuple[list[PreparedQuestion | ExportGroup], list[str]]:
    """What to export, in file order, and notes on what an LMS cannot do the same way."""
    require_answer_keys(quiz, "export")
    plan: list[PreparedQuestion | ExportGroup] = []
    notes: list[str] = []
    for entry in quiz.entries:
        if isinstance(entry, Pool):
            group = ExportGroup(name=f"pool {entry.id}", pick=entry.draw,
                                points=quiz.questions[entry.question_ids[0]].points, kind="pool",
                                title=entry.title, id=entry.id)
            for question_id in entry.question_ids:
                question = quiz.questions[question_id]
                group.questions.append(_for_export(quiz, question, 1))
                if quiz.parameters_of(question):
                    notes.append(f"{question_id}: in pool {entry.id!r}, exported with one pre-drawn variant "
                                 "(LMS groups do not nest)")
            plan.append(group)
        elif quiz.parameters_of(entry):
            plan.append(ExportGroup(name=entry.id, pick=1, points=entry.points,
                                    questions=_variants(quiz, entry, count), id=entry.id))
        else:
            plan.append(_for_export(quiz, entry, 1))
    return plan, notes


def plain_number(value: float | int) -> str:
    """A number without exponent notation (GIFT and text2qti read plain decimals)."""
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def points_text(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def tolerance(prepared: PreparedQuestion) -> float:
    question = prepared.question
    return max(question.absolute_tolerance, question.relative_tolerance * abs(prepared.expected))


def share(count: int) -> str:
    """100/count as a percentage Moodle accepts (e.g. 33.33333)."""
    value = 100 / count
    for grade in MOODLE_GRADES:
        if abs(grade - value) < 1e-4:
            return format(grade, ".5f").rstrip("0").rstrip(".")
    raise ValueError(f"1/{count} of the points is not a Moodle grade")


# ------------------------------------------------------------------ GIFT

_GIFT_SPECIAL = "\\~=#{}:"


def gift_escape(text: str) -> str:
    """Text with GIFT's special characters escaped, on one line (a blank line would end the question)."""
    text = text.replace("\r", "").replace("\n", "&#10;")      # its '#' is escaped below like any other
    return "".join("\\" + char if char in _GIFT_SPECIAL else char for char in text)


def _gift_html(markdown_text: str) -> str:
    return gift_escape(to_html_with_tex(markdown_text).strip())


def _gift_inline(markdown_text: str) -> str:
    html = to_html_with_tex(markdown_text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return gift_escape(html)


def _gift_feedback(question: Question, key: str) -> str:
    return f"#{_gift_inline(question.feedback[key])}" if key in question.feedback else ""


def _gift_answers(prepared: PreparedQuestion, notes: list[str]) -> list[str]:
    question = prepared.question
    kind = question.type
    if kind == "single":
        return [("=" if key == prepared.expected else "~") + _gift_inline(prepared.texts[key])
                + _gift_feedback(question, key) for key in prepared.order]
    if kind == "multiple":
        right, wrong = share(len(prepared.expected)), share(len(prepared.expected))
        if question.scoring == "all_or_nothing":
            wrong = "100"
            notes.append(f"{question.id}: all-or-nothing multiple select exported with wrong choices at -100%; "
                         "Moodle still gives partial credit for an incomplete selection")
        return [(f"~%{right}%" if key in prepared.expected else f"~%-{wrong}%") + _gift_inline(prepared.texts[key])
                + _gift_feedback(question, key) for key in prepared.order]
    if kind == "true_false":
        wrong_key, right_key = ("false", "true") if prepared.expected else ("true", "false")
        word = "TRUE" if prepared.expected else "FALSE"
        if right_key in question.feedback:        # {TRUE#feedback if wrong#feedback if right}
            return [f"{word}#{_gift_feedback(question, wrong_key)[1:]}{_gift_feedback(question, right_key)}"]
        return [word + _gift_feedback(question, wrong_key)]
    if kind in ("numeric", "integer"):
        margin = tolerance(prepared) if kind == "numeric" else 0
        return [f"#{plain_number(prepared.expected)}:{plain_number(margin)}"]
    if kind == "text":
        if question.pattern:
            notes.append(f"{question.id}: its pattern cannot be exported; only the accepted answers are")
        return [f"={gift_escape(text)}" for text in question.accept]
    if kind == "ordering":
        if len(prepared.expected) < 3:
            notes.append(f"{question.id}: GIFT matching needs 3 items; exported as given")
        return [f"={_gift_inline(prepared.texts[key]).replace('->', '→')} -> {ORDINALS[position]}"
                for position, key in enumerate(prepared.expected)]
    raise AssertionError(kind)                              # pragma: no cover


def gift_question(prepared: PreparedQuestion, name: str, notes: list[str]) -> str:
    """One question in GIFT: `::name::[html]prompt{ answers ####explanation }`."""
    question = prepared.question
    prompt = prepared.prompt
    if question.type == "ordering":
        prompt += "\n\nGive each item its position, first to last."
    answers = _gift_answers(prepared, notes)
    explanation = f"####{_gift_html(question.explanation)}"
    lines = [f"// {question.id} ({question.type}, {points_text(question.points)})",
             f"::{gift_escape(name)}::[html]{_gift_html(prompt)}{{"]
    lines += [f"\t{answer}" for answer in answers]
    lines += [f"\t{explanation}", "}"]
    return "\n".join(lines)


def render_gift(quiz: Quiz, count: int) -> tuple[str, list[str]]:
    plan, notes = export_plan(quiz, count)
    base = f"$course$/{quiz.id}"
    blocks = [f"// {quiz.title}: exported by `autograder quiz export` with the answers: for instructors only.\n"
              f"// Each parameterised question is a category of pre-drawn variants and each pool a category:\n"
              f"// add 'a random question' from that category to the Moodle quiz (as many as the pool draws).\n"
              f"// Points are set per question in the Moodle quiz.",
              f"$CATEGORY: {base}"]
    current = base
    for item in plan:
        if isinstance(item, ExportGroup):
            category = f"{base}/{item.name}"
            blocks.append(f"// {item.name}: draw {item.pick} per student, {points_text(item.points)} each\n"
                          f"$CATEGORY: {category}")
            for number, prepared in enumerate(item.questions, start=1):
                name = prepared.id if item.kind == "pool" else f"{prepared.id} (variant {number})"
                blocks.append(gift_question(prepared, name, notes))
            current = category
        else:
            if current != base:
                blocks.append(f"$CATEGORY: {base}")
                current = base
            blocks.append(gift_question(item, item.id, notes))
    return "\n\n".join(blocks) + "\n", list(dict.fromkeys(notes))


def export_gift(quiz: Quiz, path: Path, count: int) -> list[str]:
    text, notes = render_gift(quiz, count)
    path.write_text(text, encoding="utf-8")
    return notes


def export_qti(quiz: Quiz, path: Path, count: int) -> list[str]:
    from ._qti import build_qti_zip

    data, notes = build_qti_zip(quiz, count)
    path.write_bytes(data)
    return notes
