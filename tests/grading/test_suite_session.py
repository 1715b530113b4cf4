"""A process collects the suites once and runs them again for every grading: nothing of one submission
reaches the next, and every grading gets exactly what it gets alone in a fresh process."""
from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import reference_as_submission

from autograder import grade_submission, load_parts
from autograder.grading import _plugin
from autograder.grading._plugin import run_suites
from autograder.results import GradingResult

SEED = 3
MUTATION = Path(__file__).parents[1] / "fixtures" / "mistakes" / "nn" / "bias_grad_not_summed" / "network.py"
ALONE = ("import json, sys\n"
         "from autograder import grade_submission\n"
         "result = grade_submission(sys.argv[1], json.loads(sys.argv[2]), seed=int(sys.argv[3]))\n"
         "print(json.dumps(result.to_dict()))\n")


def what_the_student_gets(result: GradingResult) -> list:
    """Every test's points, status, title, feedback, notes, output and figures (not its timing), and the score."""
    return [result.score, result.error] + [
        (test.id, test.title, test.score, test.max_score, test.status, test.notes, test.output,
         dataclasses.asdict(test.feedback) if test.feedback else None,
         [dataclasses.asdict(figure) for figure in test.figures]) for test in result.tests()]


def graded_alone(submission: Path, parts: list[str] | None) -> list:
    """The submission graded by a fresh interpreter that grades nothing else."""
    done = subprocess.run([sys.executable, "-c", ALONE, str(submission), json.dumps(parts), str(SEED)],
                          capture_output=True, text=True, check=True)
    return what_the_student_gets(GradingResult.from_dict(json.loads(done.stdout)))


@pytest.fixture(scope="module")
def mutation(tmp_path_factory) -> Path:
    """The reference's nn part with one catalogued mistake (bias gradients not summed over the batch)."""
    folder = reference_as_submission(tmp_path_factory.mktemp("mutation"), parts=("nn",))
    shutil.copy(MUTATION, folder / "nn" / "network.py")
    return folder


def test_each_grading_in_one_process_gets_what_it_gets_alone(reference_submission, stub_submission, mutation):
    gradings = [(reference_submission, None), (stub_submission, None), (mutation, ("nn",)),
                (reference_submission, None), (mutation, ("nn",)), (stub_submission, ("nn",))]
    in_one_process = [what_the_student_gets(grade_submission(path, list(parts or []) or None, seed=SEED))
                      for path, parts in gradings]
    alone = {(path, parts): graded_alone(path, list(parts) if parts else None) for path, parts in dict.fromkeys(gradings)}
    assert in_one_process[0][0] == 100 and in_one_process[1][0] == 0 and 0 < in_one_process[2][0] < 100
    for (path, parts), got in zip(gradings, in_one_process):
        assert got == alone[(path, parts)], f"{path.name} {parts} differs from its grading alone"


def test_a_process_configures_pytest_and_collects_the_suites_once(reference_submission, mutation):
    grade_submission(mutation, ["nn"], seed=SEED)
    session = _plugin._runner
    grade_submission(reference_submission, ["scaling"], seed=SEED)
    grade_submission(mutation, ["nn"], seed=SEED + 1)
    assert session is not None and _plugin._runner is session
    assert [thread.name for thread in threading.enumerate()].count("autograder-suites") == 1


def test_after_a_grading_the_plugin_holds_nothing_of_the_submission(mutation):
    result = grade_submission(mutation, ["nn"], seed=SEED)
    plugin = _plugin._runner[1].plugin
    assert result.tests() and plugin.session is None and plugin.parts == {} and plugin.outcome.results == []


class Interrupted:
    """What run_suites needs of a GradingSession, whose student's every call is interrupted (as by Ctrl-C)."""

    def __init__(self):
        self.student = self
        self.log = self
        self.calls: list = []
        self.warnings: list = []
        self.output = ""

    def begin_test(self):
        return self

    def __getattr__(self, name: str):
        return self

    def __call__(self, *args, **kwargs):
        raise KeyboardInterrupt


def test_a_run_that_breaks_off_leaves_the_next_grading_a_fresh_session(mutation):
    before = what_the_student_gets(grade_submission(mutation, ["nn"], seed=SEED))
    with pytest.raises(RuntimeError, match="KeyboardInterrupt"):
        run_suites(Interrupted(), load_parts(["nn"]), {"nn": SEED})
    assert _plugin._runner is None
    assert what_the_student_gets(grade_submission(mutation, ["nn"], seed=SEED)) == before
