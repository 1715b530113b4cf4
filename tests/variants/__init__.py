"""Correct solutions written other ways, derived from the reference, to prove the grader gives them full marks.

A *variant* changes some functions of the reference and nothing else:

- mechanical variants append `runtime.py` and one `_variant_apply(...)` call to
  each reference module, which re-types what its functions return: float32
  arrays, Python lists or tuples instead of arrays, int32 ids, another order of
  the rows or items where the manifest says `unordered:`;
- hand-written variants (`tests/fixtures/variants/<variant>/<part>/<module>.py`) append
  definitions that replace reference functions, as the mutation fixtures do:
  loops, three stable sigmoids, samplers with other random streams, losses
  written with np.logaddexp.

A *submission* combines variants that touch different functions, so that one
grading run covers several of them.  `write_submission` lays it out as a
student would hand it in: `.py` modules in part folders, or one notebook per
part (one cell per module, sibling imports dropped, as one namespace).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import reference_as_submission

from autograder.course import load_parts

HERE = Path(__file__).resolve().parent
HANDWRITTEN = HERE.parent / "fixtures" / "variants"
RUNTIME = (HERE / "runtime.py").read_text()
FORMS = ("py", "notebook")


@dataclass(frozen=True)
class Variant:
    """One way of writing some functions correctly."""

    name: str
    description: str
    appended: Callable[[str, str], str]     # (part, module) → text appended to the reference module, "" for none

    def parts(self) -> list[str]:
        return [part.name for part in load_parts() if any(self.appended(part.name, module) for module in part.modules)]


def _mechanical(name: str, description: str, conversion: str, applies=lambda spec: True) -> Variant:
    def appended(part_name: str, module: str) -> str:
        part = load_parts([part_name])[0]
        names = [spec.name for spec in part.functions if spec.module == module and applies(spec)]
        if not names:
            return ""
        return (f"\n\n# --- correct variant: {description} ---\n{RUNTIME}\n"
                f"_variant_apply(globals(), {names!r}, {conversion})\n")
    return Variant(name, description, appended)


def _handwritten(name: str, description: str) -> Variant:
    def appended(part_name: str, module: str) -> str:
        path = HANDWRITTEN / name / part_name / f"{module}.py"
        return f"\n\n# --- correct variant: {description} ---\n{path.read_text()}" if path.is_file() else ""
    return Variant(name, description, appended)


VARIANTS = {variant.name: variant for variant in [
    _mechanical("float32", "float32 results from every function", "_variant_float32"),
    _mechanical("lists", "Python lists instead of arrays", "_variant_lists"),
    _mechanical("tuples", "Python tuples instead of arrays", "_variant_tuples"),
    _mechanical("int32", "int32 ids", "_variant_int32"),
    _mechanical("reordered", "another order where the manifest says the order is not graded",
                "_variant_shuffled_rows", lambda spec: spec.unordered == "rows"),
    _mechanical("reordered_items", "another order of the items where the manifest says so",
                "_variant_shuffled_items", lambda spec: spec.unordered == "items"),
    _handwritten("loops", "loops instead of vectorised code"),
    _handwritten("numpy_forms", "other numpy forms (einsum, band masks, logarithms)"),
    _handwritten("sigmoid_clipped", "a stable sigmoid that clips s to ±500"),
    _handwritten("sigmoid_expit", "an expit-style sigmoid, 1 / (1 + exp(-s)) with the overflow silenced"),
    _handwritten("sigmoid_where", "a stable sigmoid from one np.where on exp(-|s|)"),
    _handwritten("sampler_numpy_cdf", "a sampler drawing uniforms through np.searchsorted"),
    _handwritten("logaddexp_losses", "losses written with np.logaddexp"),
]}

# Each submission combines variants that rewrite different functions; later variants wrap earlier ones.
SUBMISSIONS = {
    "float32": ["float32"],
    "lists": ["lists"],
    "tuples": ["tuples"],
    "int32_reordered": ["int32", "reordered", "reordered_items"],
    "loops": ["loops"],
    "numpy_forms": ["numpy_forms", "sigmoid_clipped", "sampler_numpy_cdf", "logaddexp_losses"],
    "sigmoid_expit": ["sigmoid_expit"],
    "sigmoid_where": ["sigmoid_where"],
}


def parts_changed(variant_names: list[str]) -> list[str]:
    """The parts the variants change, in course order."""
    changed = {part for name in variant_names for part in VARIANTS[name].parts()}
    return [part.name for part in load_parts() if part.name in changed]


def write_submission(variant_names: list[str], folder: Path, form: str = "py") -> Path:
    """The reference of the parts the variants change, with each variant appended in turn to every module.

    form "py" gives `<part>/<module>.py` files, "notebook" one `<part>.ipynb` per part (a cell per module,
    sibling imports dropped).  Returns the folder to grade.
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}")
    parts = parts_changed(variant_names)
    modules = folder / "modules"
    reference_as_submission(modules, parts)
    for part in load_parts(parts):
        for module in part.modules:
            path = modules / part.name / f"{module}.py"
            path.write_text(path.read_text() + "".join(VARIANTS[name].appended(part.name, module)
                                                       for name in variant_names))
    if form == "py":
        return modules
    notebooks = folder / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    for part in load_parts(parts):
        sibling_import = re.compile(rf"^from ({'|'.join(part.modules)}) import .*$", re.MULTILINE)
        write_notebook(notebooks / f"{part.name}.ipynb",
                       [sibling_import.sub("", (modules / part.name / f"{module}.py").read_text())
                        for module in part.modules])
    return notebooks


def write_notebook(path: Path, sources: list[str]) -> Path:
    """A minimal nbformat-4 notebook: a title cell, then one code cell per source."""
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Week 5"}]
    cells += [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}
              for source in sources]
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    return path
