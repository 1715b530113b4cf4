"""Files generated from the single source (the stubs, the notebooks), and keeping them up to date.

A generator gives a mapping path → the text the file should have; a file is
out of date when it is missing or its text differs.  `build_command` is the body
of the `... build [--check]` commands.
"""
from __future__ import annotations

import sys
from pathlib import Path


def outdated(files: dict[Path, str]) -> list[Path]:
    """The paths whose file is missing or differs from its generated text."""
    return [path for path, text in files.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]


def write_outdated(files: dict[Path, str]) -> list[Path]:
    """Write every outdated file; return the paths written."""
    written = outdated(files)
    for path in written:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
    return written


def build_command(files: dict[Path, str], root: Path, check: bool, what: str) -> None:
    """With check, list the outdated files and exit 1 if any; else write them and say so."""
    import click

    if check:
        stale = outdated(files)
        for path in stale:
            click.echo(f"out of date: {path.relative_to(root)}")
        sys.exit(1 if stale else 0)
    written = write_outdated(files)
    for path in written:
        click.echo(f"wrote {path.relative_to(root)}")
    if not written:
        click.echo(f"the {what} are up to date")
