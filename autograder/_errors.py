"""Errors a user can cause, and how they are reported.

A `UserError` is a mistake in something the user gave us (a file, an option, a
submission): the command line prints its one-line message and exits with status 2,
never a traceback.  Anything else that escapes is a bug in this package.
"""
from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A problem with the user's input, reported as one line.

    `location` is "file", "file:line" or "file:line:column"; the message reads
    "location: what is wrong".
    """

    def __init__(self, message: str, path: str | Path | None = None,
                 line: int | None = None, column: int | None = None):
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        super().__init__(str(self))

    @property
    def location(self) -> str:
        parts = [self.path or ""]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.path else self.message


class UserErrors(UserError):
    """Several located problems found at once (for example by schema validation)."""

    def __init__(self, errors: list[UserError]):
        self.errors = errors
        super().__init__(errors[0].message, errors[0].path, errors[0].line, errors[0].column)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def read_user_text(path: str | Path) -> str:
    """The text of a file the user named; a missing or unreadable file is a located UserError."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read file ({exc.__class__.__name__}: {exc})", path) from None
