"""File names made from text a user or a student chose (a student id, a quiz id)."""
from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^\w.@+-]+")


def safe_file_name(text: str) -> str:
    """text usable as one file name: no folders, no leading dots, never empty."""
    return _UNSAFE.sub("_", text).lstrip(".") or "student"
