"""Loading YAML files with the line and column of every value.

Schema errors must point at the exact place in the user's file
(`quizzes/week5.yaml:42:7: ...`), so the loader keeps, next to the plain data,
a map from each value's path (a tuple of keys and list indices) to its position.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ._errors import UserError, UserErrors, read_user_text

if TYPE_CHECKING:
    import jsonschema

KeyPath = tuple  # a path into the data: keys (str) and list indices (int)


@dataclass
class LocatedYaml:
    """YAML data plus the 1-based (line, column) of each value, keyed by its path."""

    path: Path
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, key_path: KeyPath) -> tuple[int, int]:
        """Position of the value at key_path, or of its closest located ancestor."""
        key_path = tuple(key_path)
        while key_path not in self.positions and key_path:
            key_path = key_path[:-1]
        return self.positions.get(key_path, (1, 1))

    def error(self, key_path: KeyPath, message: str) -> UserError:
        line, column = self.position(key_path)
        return UserError(message, self.path, line, column)


# libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type,misc]  # a base chosen at import time
    """A safe loader that rejects a key repeated in the same mapping."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        mark = key_node.start_mark
        try:
            hash(key)
        except TypeError:
            raise UserError("a key must be a plain value (text or a number)", loader.name, mark.line + 1,
                            mark.column + 1) from None
        if key in seen:
            raise UserError(f"duplicate key {key!r}", loader.name, mark.line + 1, mark.column + 1)
        seen.add(key)
    return _BaseLoader.construct_mapping(loader, node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _NoAliasLoader(yaml.SafeLoader):
    """For files students write (quiz answers): the pure-Python safe loader, refusing aliases.

    An alias (`*name`) repeats a value without its text, so a few hundred bytes
    of nested aliases stand for billions of values ("billion laughs"); no
    answers file needs one.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise UserError("YAML aliases (*name) are not accepted in this file; write the value out",
                            self.name, mark.line + 1, mark.column + 1)
        return super().compose_node(parent, index)


_NoAliasLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _collect_positions(root, positions, loader) -> None:
    """Each value's position by its key path; a value shared through an alias is walked once."""
    stack: list[tuple[Any, KeyPath]] = [(root, ())]
    walked: set[int] = set()
    while stack:
        node, key_path = stack.pop()
        positions[key_path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in walked:
            continue
        walked.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                stack.append((value_node, key_path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, key_path + (index,)) for index, item in enumerate(node.value))


def load_yaml(path: str | Path, text: str | None = None, aliases: bool = True) -> LocatedYaml:
    """Parse a YAML file (or `text`, read from it already); every problem becomes a located `UserError`.

    aliases=False is for files students write: an alias is refused where it stands.
    """
    path = Path(path)
    if text is None:
        text = read_user_text(path)
    loader = _UniqueKeyLoader(text) if aliases else _NoAliasLoader(text)
    loader.name = str(path)
    try:
        node = loader.get_single_node()
        if node is None:
            return LocatedYaml(path, None, {(): (1, 1)})
        data = loader.construct_document(node)
        positions: dict[KeyPath, tuple[int, int]] = {}
        _collect_positions(node, positions, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise UserError(f"invalid YAML: {exc.problem or exc.context}", path, line, column) from None
    except yaml.YAMLError as exc:
        raise UserError(f"invalid YAML: {exc}", path) from None
    except RecursionError:
        raise UserError("YAML nested too deeply to read", path) from None
    finally:
        loader.dispose()
    return LocatedYaml(path, data, positions)


def validate(document: LocatedYaml, schema: dict) -> None:
    """Check the document against a JSON Schema; raise every problem, located, at once.

    jsonschema (with the format checkers it imports) costs more to import than
    grading the reference's easiest part, and every command loads the manifests:
    a document fastjsonschema finds valid needs no more; anything else,
    jsonschema decides and words.
    """
    if _quickly_valid(document.data, schema):
        return
    problems = schema_problems(document, schema)
    if problems:
        raise UserErrors([error for _, error in problems])


def schema_problems(document: LocatedYaml, schema: dict) -> list[tuple[KeyPath, UserError]]:
    """Every schema problem as (where in the data, located error), in file order, each reported once.

    A rule that applies through two branches of the schema (a common field checked
    both by the question and by its type's branch) fails twice in jsonschema; the
    user sees it once.
    """
    validator = _jsonschema().Draft202012Validator(schema)
    problems = sorted(validator.iter_errors(document.data), key=lambda e: document.position(e.absolute_path))
    found: dict[str, tuple[KeyPath, UserError]] = {}
    for problem in problems:
        path = _problem_path(problem)
        error = document.error(path, _describe(problem))
        found.setdefault(str(error), (path, error))
    return list(found.values())


def _problem_path(problem: jsonschema.ValidationError) -> KeyPath:
    """Where to point for a problem: at an unexpected key itself rather than its parent."""
    path = tuple(problem.absolute_path)
    if problem.validator == "additionalProperties" and isinstance(problem.instance, dict):
        allowed = set(problem.schema.get("properties", {}))
        extras = [key for key in problem.instance if key not in allowed]
        if extras:
            return path + (extras[0],)
    return path


def _describe(problem: jsonschema.ValidationError) -> str:
    """A short, user-facing wording of a jsonschema error."""
    where = ".".join(str(part) for part in problem.absolute_path) or "top level"
    if problem.validator == "additionalProperties":
        return f"{where}: {problem.message}"
    if problem.validator == "required":
        return f"{where}: {problem.message}"
    if problem.validator == "enum":
        allowed = ", ".join(repr(value) for value in problem.validator_value)
        return f"{where}: {problem.instance!r} is not one of {allowed}"
    if problem.validator == "type" and isinstance(problem.instance, str):
        wanted = problem.validator_value if isinstance(problem.validator_value, list) else [problem.validator_value]
        written = _exponent_written_as_text(problem.instance)
        if written and {"number", "integer"} & set(wanted):
            return f"{where}: {problem.message} (YAML reads {problem.instance} as text: write {written})"
    return f"{where}: {problem.message}"


_YAML11_TEXT_EXPONENT = re.compile(r"([+-]?)(\d+)(?:\.(\d*))?[eE]([+-]?)(\d+)")


def _exponent_written_as_text(text: str) -> str | None:
    """`1.0e+12` for `1e12`, which YAML 1.1 (PyYAML) reads as text: its floats need a dot and a signed exponent."""
    parts = _YAML11_TEXT_EXPONENT.fullmatch(text.strip())
    if parts is None:
        return None
    sign, whole, fraction, exponent_sign, exponent = parts.groups()
    return f"{sign}{whole}.{fraction or 0}e{exponent_sign or '+'}{exponent}"


def _jsonschema() -> Any:
    """jsonschema, imported on first use."""
    # jsonschema imports the optional `rfc3987_syntax` package when it is installed
    # (the Jupyter stack pulls it in), and that package compiles a grammar at import:
    # about a second.  We never check the "iri" formats it serves, so it is kept
    # out; jsonschema then simply has no checker for those formats.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "not installed"
    import jsonschema

    return jsonschema


# id(schema) → (the schema, its compiled check); the schema is kept so that its id is never reused by another
_COMPILED: dict[int, tuple[dict, Callable[[Any], Any]]] = {}


def _quickly_valid(instance: Any, schema: dict) -> bool:
    """True when fastjsonschema finds instance valid; False means "let jsonschema decide and word it".

    fastjsonschema compiles the schema to Python once per process (about 40 ms
    to import, against jsonschema's 130 ms) and checks a valid document in
    microseconds.  It knows drafts 4 to 7; the course's schemas use only keywords
    whose meaning is the same in 2020-12.  YAML allows keys JSON has no word for
    (numbers, null): such a document goes to jsonschema.
    """
    if not _json_keys_only(instance):
        return False
    import fastjsonschema

    compiled = _COMPILED.get(id(schema))
    if compiled is None:
        draft7 = {key: value for key, value in schema.items() if key != "$schema"}
        compiled = _COMPILED[id(schema)] = (schema, fastjsonschema.compile(draft7))
    check = compiled[1]
    try:
        check(instance)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _json_keys_only(instance: Any) -> bool:
    """Every mapping in instance, at any depth, has only text keys."""
    if isinstance(instance, dict):
        return all(isinstance(key, str) and _json_keys_only(value) for key, value in instance.items())
    if isinstance(instance, list):
        return all(_json_keys_only(item) for item in instance)
    return True
