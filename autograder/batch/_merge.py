"""`batch --part` into an OUT that holds more parts: regrade those parts, keep the others, drop no column.

A student whose submission is unchanged since OUT's stored result keeps the
stored points of the parts not graded now; a student whose submission changed
(or who is new, or whose stored result is an error) is graded on every part OUT
holds, so no row mixes two versions of a submission and no column goes missing.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..course import load_parts
from ..results import GradingResult


@dataclass(frozen=True)
class PartPlan:
    """What to grade for one student, and the stored result whose other parts are kept (None: keep nothing)."""

    parts: list[str] | None
    keep_from: dict | None = None


def code_parts(result: dict) -> list[str]:
    return [part["name"] for part in result.get("parts", []) if not part["name"].startswith("quiz:")]


def held_parts(records: list[dict], graded: list[str]) -> list[str]:
    """The code parts OUT's stored results hold besides those graded now, in teaching order."""
    held = {name for record in records for name in code_parts(record["result"])} - set(graded)
    return [part.name for part in load_parts() if part.name in held]


def plan_for(record: dict | None, submission: str, graded: list[str] | None, held: list[str]) -> PartPlan:
    """Grade `graded` and keep the rest of an unchanged stored result, or grade every part OUT holds."""
    if graded is None or not held:
        return PartPlan(graded)
    if record is not None and record.get("submission") == submission and not record["result"].get("error"):
        return PartPlan(graded, keep_from=record["result"])
    return PartPlan([part.name for part in load_parts() if part.name in set(graded) | set(held)])


def merge(stored: dict, fresh: dict) -> dict:
    """The fresh result with the stored result's parts it does not have, in teaching order (quizzes last)."""
    result = GradingResult.from_dict(fresh)
    if result.error:
        return fresh
    kept = GradingResult.from_dict(stored)
    names = {part.name for part in result.parts}
    order = {part.name: index for index, part in enumerate(load_parts())}
    result.parts += [part for part in kept.parts if part.name not in names]
    result.parts.sort(key=lambda part: (part.name.startswith("quiz:"), order.get(part.name, len(order))))
    kept_names = [part.name for part in kept.parts if part.name not in names]
    if kept_names:
        result.messages.append(f"Regraded {', '.join(sorted(names))}; {', '.join(kept_names)} kept from the "
                               "earlier grading of this same submission.")
    return result.to_dict()
