"""Where the course content lives, and how the grading process loads it.

The course root holds `assignments/` (stubs and manifests), `reference/` (the
hidden solution) and `quizzes/`.  It is the checkout this package was installed
from in editable mode, or the folder named by the AUTOGRADER_COURSE variable.
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from .._errors import UserError
from ._manifest import Part, load_part
from ._settings import GradingSettings, load_settings


@cache
def _checkout() -> Path:
    """The checkout this package was installed from (resolved once: a test calls course_root() hundreds of times)."""
    return Path(__file__).resolve().parents[2]


def course_root() -> Path:
    """The folder with `assignments/` in it."""
    configured = os.environ.get("AUTOGRADER_COURSE")
    root = Path(configured) if configured else _checkout()
    if not (root / "assignments").is_dir():
        raise UserError("no assignments/ folder here; set AUTOGRADER_COURSE to the course folder", root)
    return root


@cache
def _load_parts(root: Path) -> tuple[Part, ...]:
    manifests = sorted((root / "assignments").glob("*/assignment.yaml"))
    parts = [load_part(path) for path in manifests]
    return tuple(sorted(parts, key=lambda part: (part.order, part.name)))


def load_parts(names: list[str] | tuple[str, ...] | None = None) -> list[Part]:
    """The course's parts in teaching order, optionally only those named (in the order named, each once)."""
    parts = list(_load_parts(course_root()))
    if not names:
        return parts
    known = {part.name: part for part in parts}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UserError(f"unknown part {unknown[0]!r}; the parts are {', '.join(known)}")
    return [known[name] for name in dict.fromkeys(names)]   # a part named twice is graded and counted once


def grading_settings() -> GradingSettings:
    """The budgets of the grading process for the current course (`assignments/grading.yaml`)."""
    return load_settings(course_root())


def reference_available() -> bool:
    """True in the instructors' checkout, False in a student release."""
    try:
        return (course_root() / "reference" / "__init__.py").is_file()
    except UserError:
        return False


def load_reference(part: str, module: str) -> ModuleType:
    """Import the reference module `reference.<part>.<module>` of the course root.

    Only the grading process calls this.  The package is registered under the
    name `reference`, so the reference modules' relative imports work.
    """
    root = course_root()
    if "reference" not in sys.modules or not _is_course_reference(sys.modules["reference"], root):
        init = root / "reference" / "__init__.py"
        if not init.is_file():
            raise UserError("the reference solution is not part of this copy of the course", init.parent)
        spec = importlib.util.spec_from_file_location("reference", init,
                                                      submodule_search_locations=[str(init.parent)])
        assert spec is not None and spec.loader is not None   # a file location always gives a spec with a loader
        package = importlib.util.module_from_spec(spec)
        sys.modules["reference"] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"reference.{part}.{module}")


def _is_course_reference(module: ModuleType, root: Path) -> bool:
    location = getattr(module, "__file__", None)
    return location is not None and _real(location).parent == _real(str(root / "reference"))


@functools.lru_cache(maxsize=64)
def _real(path: str) -> Path:
    """path with its links resolved; asked for the same few folders at every call into the reference."""
    return Path(path).resolve()
