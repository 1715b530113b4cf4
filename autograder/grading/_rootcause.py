"""Root causes across functions: a failure of a function whose building blocks already failed says so first.

The manifests list, per function, the functions of its part it builds on
(`uses:`).  When a function loses points and one of those (directly, or through
another that fails) failed its own tests, the function's failed tests get
`Feedback.root_cause` and a message that starts with it: "Your relu_grad fails
its own tests (see them), and backward builds on it: fix relu_grad first."  The
symptom's catalogued mistake is then only advice in the message, not a named
mistake, so counts of mistakes (the class dashboard, Gradescope tags) count root
causes.  Only results are read: nothing crosses into the worker.
"""
from __future__ import annotations

from dataclasses import replace

from ..course import Part
from ..results import Status, TestResult


def attribute_root_causes(part: Part, tests: list[TestResult], local_only: set[str] | None = None) -> None:
    """Give each failed test of the part whose function builds on a function that failed a Feedback naming it.

    local_only holds ids of tests whose failure no other function inherits (stability at extreme inputs,
    a dtype promise): they do not make their function a root cause.
    """
    uses = {spec.qualified_name: spec.uses for spec in part.functions}
    short = {spec.qualified_name: spec.name for spec in part.functions}
    failing = {test.function for test in tests
               if test.part == part.name and test.score < test.max_score and test.status == Status.FAILED
               and test.id not in (local_only or set())}
    found: dict[str, list[tuple[str, str | None]]] = {}

    def roots(function: str, seen: frozenset = frozenset()) -> list[tuple[str, str | None]]:
        """(root, the used function it is reached through, or None when used directly)."""
        if function in found:
            return found[function]
        causes: list[tuple[str, str | None]] = []
        for used in uses.get(function, ()):
            if used in seen or used not in failing:
                continue
            deeper = roots(used, seen | {function})
            causes += [(root, used) for root, _ in deeper] if deeper else [(used, None)]
        found[function] = list(dict.fromkeys(causes))
        return found[function]

    for test in tests:
        if test.part != part.name or test.feedback is None or test.score >= test.max_score \
                or test.status != Status.FAILED:
            continue
        causes = roots(test.function)
        if not causes:
            continue
        names = list(dict.fromkeys(short.get(root, root) for root, _ in causes))
        through = sorted({short.get(via, via) for _, via in causes if via})
        own = short.get(test.function, test.function)
        several = len(names) > 1
        listed = " and ".join(names)
        # a new Feedback: tests that fail on one check cached per submission share one object, which must not
        # get the sentence once per test
        test.feedback = replace(
            test.feedback,
            message=f"Your {listed} fail{'' if several else 's'} {'their' if several else 'its'} own tests (see "
                    f"them), and {own} builds on {'them' if several else 'it'}"
                    + (f" through {' and '.join(through)}" if through else "")
                    + f": fix {listed} first, then look at this test again. {test.feedback.message}",
            root_cause=", ".join(dict.fromkeys(root for root, _ in causes)), mistake=None, mistake_title=None)
