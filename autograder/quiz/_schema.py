"""The JSON Schema of a quiz file (checked with jsonschema; see README "Quizzes").

Each question type accepts exactly its own fields, so a field that belongs to
another type, or a misspelt one, is reported at that field.  Rules a schema
cannot express (an answer among the choices, unique ids, parameters used by the
answer …) are checked afterwards by `_checks.py`.
"""
from __future__ import annotations

IDENTIFIER = "^[A-Za-z_][A-Za-z0-9_]*$"        # parameter names: usable in expressions
QUESTION_ID = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"    # question, pool and choice keys: usable in answers files

TYPES = ("single", "multiple", "true_false", "numeric", "integer", "text", "ordering")

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
    "points": {"type": "number", "exclusiveMinimum": 0},
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


def _question_schema() -> dict:
    branches = []
    for name, (properties, required) in _BY_TYPE.items():
        branches.append({
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {**_COMMON, **properties}, "additionalProperties": False,
                     "required": required},
        })
    branches.append({
        "if": {"properties": {"type": {"const": "text"}}, "required": ["type"]},
        "then": {"anyOf": [{"required": ["accept"]}, {"required": ["pattern"]}]},
    })
    return {"type": "object", "required": _COMMON_REQUIRED, "properties": _COMMON, "allOf": branches}


QUESTION_SCHEMA = _question_schema()

POOL_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["pool", "draw", "questions"],
    "properties": {
        "pool": {"type": "string", "pattern": QUESTION_ID},
        "title": _TEXT,
        "draw": {"type": "integer", "minimum": 1},
        "questions": {"type": "array", "minItems": 2, "items": QUESTION_SCHEMA},
    },
}

QUIZ_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["quiz", "title", "questions"],
    "properties": {
        "quiz": {"type": "string", "pattern": QUESTION_ID},
        "title": _TEXT,
        "description": _TEXT,
        "questions": {
            "type": "array",
            "minItems": 1,
            "items": {"if": {"type": "object", "required": ["pool"]}, "then": POOL_SCHEMA, "else": QUESTION_SCHEMA},
        },
    },
}
