"""Renderings of a GradingResult: terminal text, Gradescope JSON, HTML, the class dashboard.

No renderer grades anything or reaches back into grading: each is a pure
function of the result model.  `render_result(result, format)` picks one by the name
the command line uses.
"""
from __future__ import annotations

from ..results import GradingResult


def render_result(result: GradingResult, output_format: str, visible_only: bool = False) -> str:
    """The result as "text" (terminal summary), "json" (Gradescope's results.json) or "html" (the report).

    visible_only marks a self-check (`autograder check`), which ran the visible examples only.
    """
    if output_format == "json":
        from .gradescope import render_gradescope
        return render_gradescope(result)
    if output_format == "html":
        from .html import render_html
        return render_html(result, visible_only=visible_only)
    if output_format == "text":
        from .text import render_text
        return render_text(result, visible_only=visible_only)
    raise ValueError(f"unknown output format {output_format!r}")


__all__ = ["render_result"]
