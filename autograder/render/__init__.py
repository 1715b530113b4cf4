"""Renderings of a GradingResult: terminal text, Gradescope JSON, HTML, gradebook rows.

No renderer grades anything or reaches back into grading: each is a pure
function of the result model.
"""
