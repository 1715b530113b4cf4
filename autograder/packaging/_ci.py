"""The GitHub Actions workflow that student repositories use to run the self-check on every push."""
from __future__ import annotations

import jinja2


def ci_workflow(threshold: float, folder: str, python_version: str) -> str:
    """The workflow's YAML text: `autograder check FOLDER`, failing under threshold points."""
    template = jinja2.Environment(loader=jinja2.PackageLoader("autograder.packaging", "templates_ci"),
                                  keep_trailing_newline=True).get_template("autograde.yml.j2")
    return template.render(threshold=f"{threshold:g}", folder=folder, python_version=python_version)
