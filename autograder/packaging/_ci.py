"""The GitHub Actions workflow that student repositories use to run the self-check on every push."""
from __future__ import annotations

import math

import jinja2

from ..course import load_parts


def visible_points() -> float:
    """What the visible examples of every part can give: the most a self-check can score."""
    return sum(spec.example_points for part in load_parts() for spec in part.functions)


def ci_workflow(threshold: float | None, folder: str, python_version: str) -> str:
    """The workflow's YAML text: `autograder check FOLDER` once, failing under threshold points.

    threshold None gates on every visible example: the job fails until all of them pass.
    """
    total = visible_points()
    template = jinja2.Environment(loader=jinja2.PackageLoader("autograder.packaging", "templates_ci"),
                                  keep_trailing_newline=True).get_template("autograde.yml.j2")
    return template.render(threshold=_points(total if threshold is None else threshold), visible_points=_points(total),
                           folder=folder, python_version=python_version)


def _points(value: float) -> str:
    """Points rounded down to 4 decimals: a threshold written shorter must never exceed what full marks give."""
    return f"{math.floor(value * 10**4 + 1e-9) / 10**4:.4f}".rstrip("0").rstrip(".")
