"""Who handed in each submission of a Gradescope export, so that every member of a group gets their grade.

`discover` names a group submission by its members' ids joined with "+" (one
gradebook row); the LMS export needs one row per member, so the batch records
each submission's submitters, read from the same `submission_metadata.yml`.
"""
from __future__ import annotations

from pathlib import Path

import yaml

_METADATA = "submission_metadata.yml"


def _text(value) -> str:
    return str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def gradescope_submitters(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Submission folder name → its submitters as {"sid", "email", "name"} (texts, "" when missing).

    {} when the folder is not a Gradescope export.  The batch has already read
    the metadata (`discover` stops on a broken file), so a problem here only
    means no members are known.
    """
    try:
        metadata = yaml.safe_load((Path(folder) / _METADATA).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(metadata, dict):
        return {}
    submitters: dict[str, list[dict[str, str]]] = {}
    for key, record in metadata.items():
        people = (record.get(":submitters") or record.get("submitters") or []) if isinstance(record, dict) else []
        members = [{field: _text(person.get(f":{field}") or person.get(field)) for field in ("sid", "email", "name")}
                   for person in people if isinstance(person, dict)] if isinstance(people, list) else []
        submitters[str(key)] = [member for member in members if any(member.values())]
    return submitters
