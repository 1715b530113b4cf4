"""A strict reader of Moodle's GIFT format, used to check what `quiz export --to gift` writes.

It is written from Moodle's GIFT documentation (docs.moodle.org/en/GIFT_format),
independently of the exporter, and is stricter than Moodle: every special
character ~ = # { } : in text must be escaped, questions are separated by blank
lines and never contain one, grade percentages must be ones Moodle's importer
accepts, the positive grades of a multiple-answer question add up to 100 and a
matching question has at least three pairs.  (No maintained GIFT parser is on
PyPI: pygiftparserrgmf mis-reads escaped braces in feedback and general feedback.)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

GRADES = {100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5,
          11.11111, 10, 5, 0}
SPECIAL = "~=#{}:"
NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


class GiftError(ValueError):
    pass


@dataclass
class Answer:
    prefix: str                 # "=" or "~"
    weight: float | None
    text: str
    feedback: str | None = None


@dataclass
class GiftQuestion:
    category: str
    title: str
    format: str
    text: str
    kind: str                   # truefalse, numerical, single, multiple, shortanswer, matching
    answers: list[Answer] = field(default_factory=list)
    general_feedback: str | None = None
    truth: bool | None = None
    number: float | None = None
    tolerance: float | None = None


def unescape(text: str) -> str:
    return re.sub(r"\\([\\~=#{}:n])", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """(separator, piece) pairs: the text cut before each unescaped separator character."""
    pieces, current, marker, index = [], [], "", 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            if index + 1 >= len(text) or text[index + 1] not in "\\~=#{}:n":
                raise GiftError(f"bad escape {text[index:index + 2]!r}")
            current.append(text[index:index + 2])
            index += 2
            continue
        if char in separators:
            pieces.append((marker, "".join(current)))
            marker, current = char, []
        else:
            current.append(char)
        index += 1
    pieces.append((marker, "".join(current)))
    return pieces


def _check_text(text: str, where: str) -> str:
    for marker, _piece in split_unescaped(text, SPECIAL)[1:]:
        raise GiftError(f"unescaped {marker!r} in {where}: {text[:60]!r}")
    return unescape(text)


def _weight(piece: str) -> tuple[float | None, str]:
    match = re.match(r"%(-?[\d.]+)%", piece)
    if not match:
        return None, piece
    weight = float(match.group(1))
    if abs(weight) not in GRADES:
        raise GiftError(f"grade {weight}% is not one Moodle accepts")
    return weight, piece[match.end():]


def _parse_body(body: str, question: GiftQuestion) -> None:
    general = None
    parts = body.split("####")
    if len(parts) > 2:
        raise GiftError("two general feedbacks")
    if len(parts) == 2:
        body, general = parts
        question.general_feedback = _check_text(general.strip(), "general feedback")
    body = body.strip()
    truth = re.fullmatch(r"(TRUE|FALSE|T|F)((?:#.*)?)", body, re.S)
    if truth:
        question.kind, question.truth = "truefalse", truth.group(1) in ("TRUE", "T")
        for _marker, piece in split_unescaped(truth.group(2), "#")[1:]:
            _check_text(piece, "true/false feedback")
        return
    if body.startswith("#"):
        match = re.fullmatch(rf"#\s*({NUMBER})\s*:\s*({NUMBER})\s*", body)
        if not match:
            raise GiftError(f"bad numerical answer {body!r}")
        question.kind, question.number, question.tolerance = "numerical", float(match.group(1)), float(match.group(2))
        return
    pieces = split_unescaped(body, "=~")
    if pieces[0][1].strip():
        raise GiftError(f"text before the first answer: {pieces[0][1]!r}")
    for prefix, piece in pieces[1:]:
        text_and_feedback = split_unescaped(piece, "#")
        if len(text_and_feedback) > 2:
            raise GiftError(f"more than one feedback: {piece!r}")
        raw = "".join(p if not m else m + p for m, p in [text_and_feedback[0]])
        weight, raw = _weight(raw.strip())
        feedback = _check_text(text_and_feedback[1][1].strip(), "feedback") if len(text_and_feedback) == 2 else None
        question.answers.append(Answer(prefix, weight, raw.strip(), feedback))
    answers = question.answers
    if not answers:
        raise GiftError("no answers")
    if all(a.prefix == "=" and "->" in a.text for a in answers):
        if len(answers) < 3:
            raise GiftError("a matching question needs at least 3 pairs")
        question.kind = "matching"
        for a in answers:
            left, right = a.text.split("->", 1)
            a.text = _check_text(left.strip(), "matching item") + " -> " + _check_text(right.strip(), "matching item")
        return
    for a in answers:
        a.text = _check_text(a.text, "answer")
    if all(a.prefix == "=" for a in answers):
        question.kind = "shortanswer"
    elif sum(a.prefix == "=" for a in answers) == 1 and all(a.weight is None for a in answers):
        question.kind = "single"
    elif all(a.prefix == "~" and a.weight is not None for a in answers):
        positive = sum(a.weight for a in answers if a.weight > 0)
        if abs(positive - 100) > 0.01:
            raise GiftError(f"positive grades add up to {positive}, not 100")
        question.kind = "multiple"
    else:
        raise GiftError("answers are neither single choice, multiple answer, short answer nor matching")


def parse_gift(text: str) -> list[GiftQuestion]:
    """Every question of a GIFT file; GiftError at the first thing Moodle might not read as meant."""
    questions, category = [], "$course$"
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [line for line in block.splitlines() if not line.lstrip().startswith("//")]
        if lines and lines[0].startswith("$CATEGORY:"):
            category = lines[0][len("$CATEGORY:"):].strip()
            lines = lines[1:]
        if not lines:
            continue
        source = "\n".join(lines)
        match = re.match(r"::((?:[^:\\]|\\.)+)::", source)
        if not match:
            raise GiftError(f"question without a ::title:: {source[:60]!r}")
        title, rest = unescape(match.group(1)), source[match.end():]
        fmt = re.match(r"\[(html|moodle|plain|markdown)\]", rest)
        if fmt:
            rest = rest[fmt.end():]
        braces = [(marker, piece) for marker, piece in split_unescaped(rest, "{}")]
        if [marker for marker, _ in braces] != ["", "{", "}"] or braces[2][1].strip():
            raise GiftError(f"{title}: expected text{{answers}} with nothing after the closing brace")
        question = GiftQuestion(category=category, title=title, format=fmt.group(1) if fmt else "moodle",
                                text=_check_text(braces[0][1], f"{title}'s text"), kind="")
        try:
            _parse_body(braces[1][1], question)
        except GiftError as exc:
            raise GiftError(f"{title}: {exc}") from None
        questions.append(question)
    return questions
