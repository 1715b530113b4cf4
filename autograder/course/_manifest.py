"""The `assignment.yaml` manifests: schema, loading and the objects they become.

A manifest is the single place where a part's points, limits and visible
examples live.  It is validated against MANIFEST_SCHEMA when loaded, and every
problem is reported as `file:line:column: message`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import UserErrors
from .._yamlio import LocatedYaml, load_yaml, validate

_IDENTIFIER = "^[A-Za-z_][A-Za-z0-9_]*$"

_FUNCTION_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["points"],
    "properties": {
        "points": {"type": "number", "exclusiveMinimum": 0},
        "example_points": {"type": "number", "minimum": 0},
        "call_seconds": {"type": "number", "exclusiveMinimum": 0},
        "unordered": {"enum": ["rows", "items"]},
        "instance": {"type": "string", "pattern": _IDENTIFIER},
        "uses": {   # the part's functions this one calls: when one of them fails, it is named as the root cause
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$"},
        },
        "weights": {
            "type": "object",
            "propertyNames": {"pattern": "^test_"},
            "additionalProperties": {"type": "number", "exclusiveMinimum": 0},
        },
        "examples": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["args"],
                "properties": {
                    "args": {"type": "array"},
                    "kwargs": {"type": "object"},
                    "note": {"type": "string"},
                },
            },
        },
    },
}

VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")   # Gradescope's, least held back first

_GRADESCOPE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "examples": {"enum": list(VISIBILITIES)},
        "hidden_tests": {"enum": list(VISIBILITIES)},
        "stdout": {"enum": list(VISIBILITIES)},
    },
}

MANIFEST_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["part", "title", "limits", "modules"],
    "properties": {
        "part": {"type": "string", "pattern": _IDENTIFIER},
        "title": {"type": "string"},
        "order": {"type": "integer"},
        "gradescope": _GRADESCOPE_SCHEMA,
        "limits": {
            "type": "object",
            "additionalProperties": False,
            "required": ["call_seconds", "submission_seconds"],
            "properties": {
                "call_seconds": {"type": "number", "exclusiveMinimum": 0},
                "submission_seconds": {"type": "number", "exclusiveMinimum": 0},
                "memory_mb": {"type": "integer", "minimum": 64},
                "cpu_seconds": {"type": "integer", "minimum": 1},
                "open_files": {"type": "integer", "minimum": 16},
                "processes": {"type": "integer", "minimum": 1},
                "output_kib": {"type": "integer", "minimum": 1},
                "tmp_mib": {"type": "integer", "minimum": 1},
                "timeouts_allowed": {"type": "integer", "minimum": 1},
                "call_seconds_after_timeouts": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "modules": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": _IDENTIFIER},
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": _IDENTIFIER},
                "additionalProperties": _FUNCTION_SCHEMA,
            },
        },
    },
}


@dataclass(frozen=True)
class Limits:
    """Resource limits for running one submission's code (see the manifest comments)."""

    call_seconds: float = 5.0
    submission_seconds: float = 120.0
    memory_mb: int = 1024
    cpu_seconds: int = 60
    open_files: int = 64
    processes: int = 8
    output_kib: int = 64
    tmp_mib: int = 64                       # bubblewrap's private /tmp and /dev/shm, each
    timeouts_allowed: int = 2               # calls of a part that may hit a limit or stop the worker; then none runs
    call_seconds_after_timeouts: float = 2  # the limit of a call once one of its part's calls hit a limit


@dataclass(frozen=True)
class Visibility:
    """When students see this part's results on Gradescope: one of VISIBILITIES each.

    `examples` and `hidden_tests` are the tests' own visibility; `stdout` is that
    of the grader's console output (instructors' diagnostics: hidden by default).
    """

    examples: str = "visible"
    hidden_tests: str = "visible"
    stdout: str = "hidden"


@dataclass(frozen=True)
class Example:
    """One visible example: the arguments of a call whose result is compared with the reference."""

    args: list
    kwargs: dict
    note: str = ""


@dataclass(frozen=True)
class FunctionSpec:
    """One graded function (or class) of the contract."""

    part: str
    module: str
    name: str
    points: float
    example_points: float
    call_seconds: float
    examples: tuple[Example, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    unordered: str | None = None    # "rows" or "items": the order of the result is not graded
    instance: str | None = None     # a class's: what feedback calls one of its objects ("sampler.sample(k)")
    uses: tuple[str, ...] = ()      # qualified names of the part's functions this one calls

    @property
    def qualified_name(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def hidden_points(self) -> float:
        return self.points - self.example_points


@dataclass(frozen=True)
class Part:
    """One assignment (`nn`, `word2vec`, `scaling`) as its manifest describes it."""

    name: str
    title: str
    order: int
    folder: Path
    limits: Limits
    functions: tuple[FunctionSpec, ...]
    visibility: Visibility = Visibility()

    @property
    def modules(self) -> list[str]:
        """Module names in manifest order, without repeats."""
        return list(dict.fromkeys(spec.module for spec in self.functions))

    @property
    def points(self) -> float:
        return sum(spec.points for spec in self.functions)

    def function(self, qualified_name: str) -> FunctionSpec:
        for spec in self.functions:
            if spec.qualified_name == qualified_name:
                return spec
        raise KeyError(qualified_name)


def load_part(manifest_path: Path) -> Part:
    """Load and validate one `assignment.yaml`."""
    document = load_yaml(manifest_path)
    validate(document, MANIFEST_SCHEMA)
    _check_consistency(document)
    data = document.data
    limits = Limits(**data["limits"])
    functions = []
    for module, module_functions in data["modules"].items():
        for name, spec in module_functions.items():
            functions.append(FunctionSpec(
                part=data["part"], module=module, name=name,
                points=float(spec["points"]),
                example_points=float(spec.get("example_points", 0.0)),
                call_seconds=float(spec.get("call_seconds", limits.call_seconds)),
                examples=tuple(Example(args=example["args"], kwargs=example.get("kwargs", {}),
                                       note=example.get("note", ""))
                               for example in spec.get("examples", [])),
                weights=dict(spec.get("weights", {})),
                unordered=spec.get("unordered"),
                instance=spec.get("instance"),
                uses=tuple(spec.get("uses", [])),
            ))
    return Part(name=data["part"], title=data["title"], order=data.get("order", 99),
                folder=manifest_path.parent, limits=limits, functions=tuple(functions),
                visibility=Visibility(**data.get("gradescope", {})))


def _check_consistency(document: LocatedYaml) -> None:
    """Rules a JSON Schema cannot express: points shares that add up, a folder named after its part."""
    problems = []
    data: dict[str, Any] = document.data
    if document.path.parent.name != data["part"]:
        problems.append(document.error(("part",), f"part {data['part']!r} does not match its folder "
                                                  f"{document.path.parent.name!r}"))
    for module, module_functions in data["modules"].items():
        for name, spec in module_functions.items():
            where = ("modules", module, name)
            example_points = spec.get("example_points", 0)
            if example_points > spec["points"]:
                problems.append(document.error(where + ("example_points",),
                                               f"{name}: example_points ({example_points}) exceed points ({spec['points']})"))
            if example_points and not spec.get("examples"):
                problems.append(document.error(where + ("example_points",),
                                               f"{name}: example_points given but no examples"))
            if spec.get("examples") and not example_points:
                problems.append(document.error(where + ("examples",),
                                               f"{name}: examples given but example_points is 0"))
    defined = {f"{module}.{name}" for module, module_functions in data["modules"].items() for name in module_functions}
    for module, module_functions in data["modules"].items():
        for name, spec in module_functions.items():
            for index, used in enumerate(spec.get("uses", [])):
                if used not in defined or used == f"{module}.{name}":
                    problems.append(document.error(("modules", module, name, "uses", index),
                                                   f"{name}: uses {used!r}, which is not another function of this "
                                                   "part"))
    if problems:
        raise UserErrors(problems)
