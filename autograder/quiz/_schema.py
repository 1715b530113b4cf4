"""The JSON Schema of a quiz file (checked with jsonschema; see README "Quizzes").

Each question type accepts exactly its own fields, so a field that belongs to
another type, or a misspelt one, is reported at that field.  Rules a schema
cannot express (an answer among the choices, unique ids, parameters used by the
answer …) are checked afterwards by `_checks.py`.

A student edition (`edition: student`, written by `_student_edition.py`) has
the same shape without the fields of ANSWER_KEY_FIELDS: STUDENT_QUIZ_SCHEMA
refuses them, so an answer key left in such a file is reported at its place.
"""
from __future__ import annotations

IDENTIFIER = "^[A-Za-z_][A-Za-z0-9_]*$"        # parameter names: usable in expressions
QUESTION_ID = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"    # question, pool and choice keys: usable in answers files

TYPES = ("single", "multiple", "true_false", "numeric", "integer", "text", "ordering")

MAX_POINTS = 1_000_000    # a question's points: a whole quiz's sum stays a finite float to report and export

_TEXT = {"type": "string", "minLength": 1}
_KEYED_TEXTS = {                       # choices, items: key → Markdown text, in display order
    "type": "object",
    "minProperties": 2,
    "propertyNames": {"pattern": QUESTION_ID},
    "additionalProperties": _TEXT,
}
_EXPRESSION = {"type": ["number", "string"]}

_PARAMETER = {
    "type": "object",
    "if": {"required": ["values"]},
    "then": {
        "additionalProperties": False,
        "properties": {"values": {"type": "array", "minItems": 1, "items": {"type": "number"}}},
    },
    "else": {
        "additionalProperties": False,
        "required": ["min", "max"],
        "properties": {
            "min": {"type": "number"},
            "max": {"type": "number"},
            "step": {"type": "number", "exclusiveMinimum": 0},
        },
    },
}

_COMMON = {
    "id": {"type": "string", "pattern": QUESTION_ID},
    "type": {"enum": list(TYPES)},
    "title": _TEXT,
    "points": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_POINTS},
    "prompt": _TEXT,
    "tags": {"type": "array", "items": {"type": "string"}},
    "explanation": _TEXT,
}
_COMMON_REQUIRED = ["id", "type", "points", "prompt", "explanation"]

_BY_TYPE: dict[str, tuple[dict, list[str]]] = {
    "single": ({
        "choices": _KEYED_TEXTS,
        "answer": {"type": "string"},
        "feedback": {"type": "object", "additionalProperties": _TEXT},
        "shuffle": {"type": "boolean"},
    }, ["choices", "answer"]),
    "multiple": ({
        "choices": _KEYED_TEXTS,
        "answer": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "feedback": {"type": "object", "additionalProperties": _TEXT},
        "shuffle": {"type": "boolean"},
        "scoring": {"enum": ["all_or_nothing", "right_minus_wrong"]},
    }, ["choices", "answer", "scoring"]),
    "true_false": ({
        "answer": {"type": "boolean"},
        "feedback": {"type": "object", "propertyNames": {"enum": ["true", "false"]}, "additionalProperties": _TEXT},
    }, ["answer"]),
    "numeric": ({
        "answer": _EXPRESSION,
        "tolerance": {
            "type": "object", "additionalProperties": False, "minProperties": 1,
            "properties": {"absolute": {"type": "number", "minimum": 0},
                           "relative": {"type": "number", "minimum": 0, "maximum": 1}},
        },
        "parameters": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": IDENTIFIER},
                       "additionalProperties": _PARAMETER},
        "parameters_from": {"type": "string"},
    }, ["answer", "tolerance"]),
    "integer": ({
        "answer": _EXPRESSION,
        "parameters": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": IDENTIFIER},
                       "additionalProperties": _PARAMETER},
        "parameters_from": {"type": "string"},
    }, ["answer"]),
    "text": ({
        "accept": {"type": "array", "minItems": 1, "items": _TEXT},
        "pattern": _TEXT,
        "case_sensitive": {"type": "boolean"},
    }, []),
    "ordering": ({
        "items": _KEYED_TEXTS,
        "answer": {"type": "array", "minItems": 2, "items": {"type": "string"}},
        "scoring": {"enum": ["all_or_nothing", "right_positions"]},
    }, ["items", "answer", "scoring"]),
}


#: what gives an answer away; a student edition has none of these (README "Quizzes")
ANSWER_KEY_FIELDS = ("answer", "explanation", "feedback", "tolerance", "accept", "pattern", "case_sensitive")
STUDENT_EDITION = "student"


def _without_keys(properties: dict, student: bool) -> dict:
    return {name: rule for name, rule in properties.items() if not (student and name in ANSWER_KEY_FIELDS)}


def _question_schema(student: bool = False) -> dict:
    """The schema of one question: of the full quiz, or of a student edition (no answer-key fields)."""
    branches = []
    for name, (properties, required) in _BY_TYPE.items():
        branches.append({
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": _without_keys({**_COMMON, **properties}, student), "additionalProperties": False,
                     "required": [field for field in required if not (student and field in ANSWER_KEY_FIELDS)]},
        })
    if not student:
        branches.append({
            "if": {"properties": {"type": {"const": "text"}}, "required": ["type"]},
            "then": {"anyOf": [{"required": ["accept"]}, {"required": ["pattern"]}]},
        })
    common_required = [field for field in _COMMON_REQUIRED if not (student and field in ANSWER_KEY_FIELDS)]
    return {"type": "object", "required": common_required, "properties": _without_keys(_COMMON, student),
            "allOf": branches}


def public_fields(question_type: str) -> tuple[str, ...]:
    """The fields a question of this type keeps in a student edition, in schema order."""
    return tuple(_without_keys({**_COMMON, **_BY_TYPE[question_type][0]}, student=True))


def _pool_schema(question: dict) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["pool", "draw", "questions"],
        "properties": {
            "pool": {"type": "string", "pattern": QUESTION_ID},
            "title": _TEXT,
            "draw": {"type": "integer", "minimum": 1},
            "questions": {"type": "array", "minItems": 2, "items": question},
        },
    }


def _quiz_schema(student: bool) -> dict:
    question = _question_schema(student)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "required": ["quiz", "title", "questions"] + (["edition"] if student else []),
        "properties": {
            "quiz": {"type": "string", "pattern": QUESTION_ID},
            "edition": {"const": STUDENT_EDITION} if student else {"enum": [STUDENT_EDITION]},
            "title": _TEXT,
            "description": _TEXT,
            "questions": {
                "type": "array",
                "minItems": 1,
                "items": {"if": {"type": "object", "required": ["pool"]}, "then": _pool_schema(question),
                          "else": question},
            },
        },
    }


QUESTION_SCHEMA = _question_schema()
POOL_SCHEMA = _pool_schema(QUESTION_SCHEMA)
QUIZ_SCHEMA = _quiz_schema(student=False)                  # the full quiz, with its answer keys
STUDENT_QUIZ_SCHEMA = _quiz_schema(student=True)           # `edition: student`: none of ANSWER_KEY_FIELDS
