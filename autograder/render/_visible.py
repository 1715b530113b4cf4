"""Characters in a student's text that would change how the text around them looks, written as escapes.

A student's code controls much of a report: what it printed, the messages of
its exceptions, the strings it returned, its file and folder names.  Control
characters (an ANSI escape sequence, a carriage return, NUL) are obeyed by a
terminal and turn into empty boxes in a browser; a right-to-left override
(U+202E) reverses the grader's own words after it ("36 tests failed" shown
backwards).  Every renderer writes them as escapes instead, as repr() does.
"""
from __future__ import annotations

_BIDI_CONTROLS = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_CONTROLS = [code for code in (*range(0x20), *range(0x7F, 0xA0)) if code not in (0x09, 0x0A)]   # C0, DEL, C1
_ESCAPES = str.maketrans({code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
                          for code in _CONTROLS + _BIDI_CONTROLS})


def visible_controls(text: str) -> str:
    """text with its control characters (tab and newline excepted; a Windows line end becomes a newline) and its
    bidirectional marks, overrides and isolates written as escapes: \\x1b, \\x00, \\u202e."""
    return text.replace("\r\n", "\n").translate(_ESCAPES)
