"""The held-out wrong implementations are sound: described, spread over every function, and really wrong.

The sets, tests/fixtures/heldout/, heldout2/ and heldout3/ (see tests/heldout.py), are
checked alike; each measures how well feedback
diagnoses mistakes nobody catalogued; benchmarks/diagnosis_rate.py prints the
rates.  Here every case must lose points; a case the grader gives full marks is a
hole in the grader, marked xfail with the reason its case.yaml gives.  Cases whose
functions do not reach each other share a submission (heldout.packs), so the whole
set costs a few grading runs, through `autograder grade --format json`.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import heldout
import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.course import load_parts
from autograder.grading.checks import mistakes

CASES = heldout.load_sets()
PACKS = heldout.packs(CASES)
PACK_OF = {case.id: index for index, pack in enumerate(PACKS) for case in pack}
MUTATION_FIXTURES = Path(__file__).parent / "fixtures" / "mistakes"


def graded_functions(part: str) -> set[str]:
    return {spec.qualified_name for spec in load_parts([part])[0].functions}


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    """scores(case) → (points, max points) of the case's function, its pack graded once per module run."""
    graded = {}

    def score(case: heldout.Case) -> tuple[float, float]:
        index = PACK_OF[case.id]
        if index not in graded:
            pack = PACKS[index]
            folder = heldout.write_submission(pack, tmp_path_factory.mktemp(f"heldout-pack-{index}"))
            parts = [option for part in dict.fromkeys(other.part for other in pack) for option in ("--part", part)]
            run = CliRunner().invoke(main, ["grade", str(folder), "--format", "json", *parts])
            assert run.exit_code == 0, run.output
            graded[index] = json.loads(run.stdout)["tests"]
        tests = [test for test in graded[index] if test["tags"][:2] == [case.part, case.function]]
        assert tests, f"no test of {case.function} was graded"
        return sum(test["score"] for test in tests), sum(test["max_score"] for test in tests)
    return score


def loss_cases():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.grader_hole)] if case.grader_hole else []
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", list(loss_cases()))
def test_a_held_out_case_loses_points(scores, case):
    points, max_points = scores(case)
    assert points < max_points, f"{case.id} got full marks; the bug: {case.bug}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_held_out_case_names_a_graded_function_and_catalogued_mistakes(case):
    assert case.function in graded_functions(case.part)
    assert case.bug and case.localise
    assert set(case.acceptable_mistakes) <= set(mistakes())
    modules = set(load_parts([case.part])[0].modules)
    assert case.overrides() and set(case.overrides()) <= modules


def test_every_held_out_set_is_loaded():
    assert set(heldout.SETS) == {case.set for case in CASES} == {"heldout", "heldout2", "heldout3"}
    assert len({case.id for case in CASES}) == len(CASES)


def test_an_unknown_set_name_is_an_error_naming_the_sets():
    with pytest.raises(ValueError, match="no held-out set named nope; the sets are heldout, heldout2, heldout3"):
        heldout.load_sets(["nope"])


@pytest.mark.parametrize("name", list(heldout.SETS))
def test_a_held_out_set_has_at_least_40_cases(name):
    assert len(heldout.load_sets([name])) >= 40


@pytest.mark.parametrize("name", list(heldout.SETS))
def test_every_graded_function_has_a_case_in_each_held_out_set(name):
    covered = {(case.part, case.function) for case in heldout.load_sets([name])}
    every = {(part.name, spec.qualified_name) for part in load_parts() for spec in part.functions}
    assert sorted(every - covered) == []


def _function_bodies(folder: Path) -> set[str]:
    """ast.dump of every top-level function and class defined by the .py files under folder."""
    return {ast.dump(node) for path in folder.rglob("*.py") for node in ast.parse(path.read_text()).body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("name", list(heldout.SETS))
def test_no_held_out_definition_is_a_copy_of_a_mutation_fixture(name):
    """Held out means written apart from the catalogue: no definition equals one of tests/fixtures/mistakes/."""
    assert _function_bodies(heldout.SETS[name]) & _function_bodies(MUTATION_FIXTURES) == set()


@pytest.mark.parametrize("later", list(heldout.SETS)[1:])
def test_a_later_held_out_set_copies_no_definition_of_an_earlier_one(later):
    names = list(heldout.SETS)
    for earlier in names[:names.index(later)]:
        assert _function_bodies(heldout.SETS[later]) & _function_bodies(heldout.SETS[earlier]) == set(), earlier
