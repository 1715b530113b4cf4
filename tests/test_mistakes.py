"""Mutation tests of the grader: every named mistake is caught and named.

Each folder tests/fixtures/mistakes/<part>/<mistake id>/ holds a file named
after a module (for example activations.py) with the wrong version of one or
more functions.  The submission is the reference solution of that part with
those definitions appended, so only the mistake differs.  The test checks that
the function loses points and that its feedback names the mistake.  An
optional expect.yaml gives `function:` when the catalogue entry says "any".
"""
from pathlib import Path

import pytest
import yaml
from conftest import reference_as_submission

from autograder.grading import grade_submission
from autograder.grading.checks import mistakes

FIXTURES = Path(__file__).parent / "fixtures" / "mistakes"
CASES = sorted(path for path in FIXTURES.glob("*/*") if path.is_dir())


def build_mistaken_submission(case: Path, folder: Path) -> Path:
    part = case.parent.name
    reference_as_submission(folder, [part])
    for override in case.glob("*.py"):
        target = folder / part / override.name
        target.write_text(target.read_text() + "\n\n# --- the mistake under test ---\n" + override.read_text())
    return folder


@pytest.mark.parametrize("case", CASES, ids=[f"{case.parent.name}/{case.name}" for case in CASES])
def test_mistake_loses_points_and_is_named(case, tmp_path):
    mistake = mistakes()[case.name]
    expected = {}
    if (case / "expect.yaml").exists():
        expected = yaml.safe_load((case / "expect.yaml").read_text())
    function = expected.get("function", mistake.function)
    result = grade_submission(build_mistaken_submission(case, tmp_path), [case.parent.name])
    tests = [test for test in result.tests() if test.function == function]
    assert tests, f"no tests of {function}"
    assert sum(test.score for test in tests) < sum(test.max_score for test in tests), "the mistake cost no points"
    named = [test for test in tests if test.feedback and test.feedback.mistake == case.name]
    assert named, f"no feedback names {case.name}: " + " | ".join(
        test.feedback.message for test in tests if test.feedback)
    assert mistake.message in named[0].feedback.message


def test_every_fixture_names_a_catalogued_mistake():
    assert {case.name for case in CASES} <= set(mistakes())


def test_enough_mistakes_are_proven():
    """The issue asks for at least 30 named mistakes, each with a mutation test."""
    assert len(CASES) >= 30


def test_every_catalogued_mistake_has_a_mutation_test():
    proven = {case.name for case in CASES}
    assert sorted(set(mistakes()) - proven) == []
