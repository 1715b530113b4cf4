"""The Gradescope bundle, run the way Gradescope runs it, in a simulated /autograder root."""
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograder.packaging import build_bundle

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "gradescope" / "results.schema.json").read_text())


@pytest.fixture(scope="module")
def gradescope_root(tmp_path_factory):
    """/autograder, simulated: the bundle unpacked into source/, then setup.sh run once."""
    root = tmp_path_factory.mktemp("autograder")
    bundle = build_bundle(root / "autograder.zip")
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():   # zipfile does not restore permissions
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env={**os.environ,
                           "AUTOGRADER_GRADESCOPE_ROOT": str(root)}, capture_output=True, text=True, timeout=600)
    assert setup.returncode == 0, setup.stderr[-2000:]
    return root


def run_autograder(root: Path, submission: Path | None, cwd: str | None = None, **environment) -> dict:
    """Run run_autograder as Gradescope does; cwd "submission" starts it inside the submission folder."""
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    if submission is not None:
        shutil.copytree(submission, root / "submission")
    run = subprocess.run([str(root / "source" / "run_autograder")], capture_output=True, text=True, timeout=300,
                         cwd=root / cwd if cwd else None,
                         env={"PATH": os.environ["PATH"], "AUTOGRADER_GRADESCOPE_ROOT": str(root), **environment})
    assert run.returncode == 0
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    return results


def test_bundle_has_gradescopes_two_scripts_executable(tmp_path):
    with zipfile.ZipFile(build_bundle(tmp_path / "autograder.zip")) as archive:
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert "reference/nn/network.py" in modes and "autograder/suites/nn/test_network.py" in modes


def test_reference_submission_scores_full_marks(gradescope_root, reference_submission):
    results = run_autograder(gradescope_root, reference_submission)
    assert results["score"] == results["max_score"] == 100
    assert all(test["status"] == "passed" for test in results["tests"])


def test_stub_submission_scores_zero_with_feedback(gradescope_root, stub_submission):
    results = run_autograder(gradescope_root, stub_submission)
    assert results["score"] == 0 and results["max_score"] == 100
    assert all("not implemented yet" in test["output"] or "not submitted" in test["output"].lower()
               for test in results["tests"])


def test_empty_submission_scores_zero_and_says_nothing_was_submitted(gradescope_root, tmp_path):
    results = run_autograder(gradescope_root, tmp_path)
    assert results["score"] == 0 and "Not submitted" in results["output"]


def test_a_grader_that_cannot_start_still_writes_results(gradescope_root, reference_submission):
    results = run_autograder(gradescope_root, reference_submission, AUTOGRADER_PYTHON="/bin/false")
    assert results["score"] == 0 and "could not run" in results["output"]


FAKE_MAIN = """\
import json, sys
output = sys.argv[sys.argv.index("-o") + 1]
with open(output, "w") as results:
    json.dump({"score": 100, "max_score": 100, "output": "fake grader", "tests": []}, results)
"""


def test_a_submission_shipping_its_own_autograder_package_is_graded_by_the_real_one(gradescope_root, stub_submission,
                                                                                      tmp_path):
    """`python -m autograder` from inside the submission must not import the submission's `autograder/`."""
    submission = tmp_path / "submission"
    shutil.copytree(stub_submission, submission)
    (submission / "autograder").mkdir()
    (submission / "autograder" / "__init__.py").write_text("")
    (submission / "autograder" / "__main__.py").write_text(FAKE_MAIN)
    results = run_autograder(gradescope_root, submission, cwd="submission")
    assert "fake grader" not in results["output"]
    assert results["score"] == 0 and results["tests"]


def test_the_bundle_carries_the_course_secret(course_with_secret, tmp_path):
    _, secret = course_with_secret
    with zipfile.ZipFile(build_bundle(tmp_path / "autograder.zip")) as archive:
        assert archive.read("course-secret").decode().strip() == secret


def test_building_the_bundle_makes_a_course_secret_when_there_is_none(course_with_secret, tmp_path):
    root, _ = course_with_secret
    (root / "course-secret").unlink()
    with zipfile.ZipFile(build_bundle(tmp_path / "autograder.zip")) as archive:
        made = archive.read("course-secret").decode().strip()
    assert len(made) == 64 and (root / "course-secret").read_text().strip() == made
    assert (root / "course-secret").stat().st_mode & 0o077 == 0
