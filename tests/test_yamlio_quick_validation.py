"""The quick schema check that spares loading jsonschema never accepts what jsonschema rejects.

`_yamlio.validate` skips jsonschema when fastjsonschema (`_quickly_valid`) says yes, so a yes
there must be a yes of jsonschema's on every document: the course's own files,
and any change of them (generated).
"""
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder._yamlio import _quickly_valid, load_yaml
from autograder.course import course_root
from autograder.course._manifest import MANIFEST_SCHEMA
from autograder.course._settings import SETTINGS_SCHEMA

ROOT = course_root()
COURSE_FILES = sorted(ROOT.glob("assignments/*/assignment.yaml")) + [ROOT / "assignments" / "grading.yaml"]


def schema_of(path: Path) -> dict:
    return SETTINGS_SCHEMA if path.name == "grading.yaml" else MANIFEST_SCHEMA


def jsonschema_accepts(data, schema) -> bool:
    return not any(jsonschema.Draft202012Validator(schema).iter_errors(data))


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_the_course_files_are_quickly_valid(path):
    assert _quickly_valid(load_yaml(path).data, schema_of(path))


# values a YAML file can hold, including the ones JSON Schema reads differently from Python
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-3, 3), st.just(1.0), st.just(0),
                    st.sampled_from(["", "x", "nn", "rows", "hidden", "test_a", "a.b", "1x", "mod.f"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.one_of(st.text(max_size=3), st.integers(0, 2)), inner, max_size=3),
                      max_leaves=6)


def paths(data, prefix=()):
    """Every path into data (keys and list indices), the root included."""
    yield prefix
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        yield from paths(value, prefix + (key,))


def replaced(data, path, value):
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = replaced(data[path[0]], path[1:], value)
    return copy


def removed(data, path):
    copy = dict(data) if isinstance(data, dict) else list(data)
    if len(path) == 1:
        del copy[path[0]]
    else:
        copy[path[0]] = removed(data[path[0]], path[1:])
    return copy


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_changed_course_file_is_quickly_valid_only_when_jsonschema_accepts_it(data):
    path = data.draw(st.sampled_from(COURSE_FILES))
    document = load_yaml(path).data
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(list(paths(document))))
        if where and data.draw(st.booleans()):
            document = removed(document, where)
        elif isinstance(found := _at(document, where), dict) and data.draw(st.booleans()):
            document = replaced(document, where, {**found, data.draw(st.text(max_size=4)): data.draw(VALUES)})
        else:
            document = replaced(document, where, data.draw(VALUES))
    if _quickly_valid(document, schema_of(path)):
        assert jsonschema_accepts(document, schema_of(path))


def _at(data, path):
    for key in path:
        data = data[key]
    return data


@pytest.mark.parametrize("instance, schema", [
    ({"a": 1}, {"type": "object", "patternProperties": {"^a$": {"type": "string"}}}),
    (1.0, {"type": "integer"}),      # an integer to JSON Schema, a float to Python
    (True, {"type": "number"}),      # a bool is never a number in JSON, an int to Python
], ids=["patternProperties", "float-integer", "bool-number"])
def test_values_json_schema_reads_differently_from_python_get_jsonschemas_answer(instance, schema):
    assert _quickly_valid(instance, schema) == jsonschema_accepts(instance, schema)


def test_each_schema_gets_its_own_compiled_check_even_when_python_reuses_an_id():
    """Schemas made and dropped in turn often share an id; a check compiled for one must never serve another."""
    for _ in range(50):
        assert not _quickly_valid(1, {"type": "string"})
        assert _quickly_valid(1, {"type": "integer"})
