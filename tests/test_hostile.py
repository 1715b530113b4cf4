"""The hostile corpus: each submission attacks the grader; each is contained.

Every case in tests/fixtures/hostile/<case>/ is the reference activations.py
with one hostile piece appended (placeholders {REFERENCE}, {SUBMISSION} and
{REPOSITORY} are filled in with real paths).  expect.yaml names the function
that must score 0 ("all" for the whole module, "none" when the attack must
simply fail to do harm) and a phrase its feedback must contain.  The course is
a copy with short time limits, so the corpus runs in seconds.  A case is run
in bubblewrap, and the FALLBACK_CASES also as a separate unprivileged user (the
mode of containers without namespaces).  Whether workers were left running is
judged only for the workers this test started, so other grading jobs on the
machine never make it fail.  Attacks on the grading process itself (what it
reads from a submission) are in test_hostile_inputs.py.
"""
import os
import time
from pathlib import Path

import pytest
import yaml
from conftest import reference_as_submission

from autograder.course import course_root
from autograder.grading import grade_submission

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CASES = sorted(path.name for path in HOSTILE.iterdir() if path.is_dir())
FALLBACK_CASES = ["infinite_loop", "fork_bomb", "child_left_running", "read_reference", "write_outside",
                  "kill_parent", "memory_bomb", "open_socket", "nested_namespace", "privileges_kept", "peek_tmp"]


def build_case(case: str, folder: Path) -> Path:
    reference_as_submission(folder, ["nn"])
    (folder / "nn" / "network.py").unlink()   # only activations.py is under attack
    attack = (HOSTILE / case / "activations.py").read_text()
    attack = (attack.replace("{REFERENCE}", str(course_root() / "reference"))
              .replace("{SUBMISSION}", str(folder)).replace("{REPOSITORY}", str(course_root())))
    target = folder / "nn" / "activations.py"
    target.write_text(target.read_text() + "\n\n# --- hostile code under test ---\n" + attack)
    return folder


class StartedWorkers:
    """The workers this test started, and their private user ids: only they are checked for leftovers.

    Every worker's session id is its own pid (it starts a new session), and as
    root its user id is one no other grader holds (a lock), so other grading
    jobs on the machine are never counted.
    """

    def __init__(self):
        self.sessions: list[int] = []
        self.uids: list[int] = []

    def alive(self) -> list[int]:
        alive = []
        for pid_folder in Path("/proc").glob("[0-9]*"):
            try:
                session = int((pid_folder / "stat").read_text().rsplit(")", 1)[1].split()[3])
                uid_line = next(line for line in (pid_folder / "status").read_text().splitlines()
                                if line.startswith("Uid:"))
            except (OSError, StopIteration, IndexError, ValueError):
                continue
            if session in self.sessions or int(uid_line.split()[1]) in self.uids:
                alive.append(int(pid_folder.name))
        return alive


@pytest.fixture
def started_workers(monkeypatch) -> StartedWorkers:
    from autograder.grading.boundary import _client

    started = StartedWorkers()
    original_claim, original_start = _client.claim_worker_uid, _client.WorkerProcess.start

    def claim():
        claimed = original_claim()
        started.uids.append(claimed.uid)
        return claimed

    def start(worker):
        original_start(worker)
        started.sessions.append(worker.process.pid)

    monkeypatch.setattr(_client, "claim_worker_uid", claim)
    monkeypatch.setattr(_client.WorkerProcess, "start", start)
    return started


def no_worker_left(started: StartedWorkers, deadline_seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + deadline_seconds
    while started.alive():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def check_contained(case: str, folder: Path, result, started: StartedWorkers) -> None:
    expected = yaml.safe_load((HOSTILE / case / "expect.yaml").read_text())
    assert result.error is None, result.error
    activations = [test for test in result.tests() if test.function.startswith("activations.")]
    if expected["function"] == "all":
        affected = activations
    elif expected["function"] == "none":
        affected = []
    else:
        affected = [test for test in activations if test.function == expected["function"]]
    if expected.get("may_pass"):
        # whether a call drains 2 GiB within the limit depends on the machine's load, call by call:
        # a call that finished returned the right values; every other one must have been stopped
        affected = [test for test in affected if not test.passed]
    for test in affected:
        assert test.score == 0, test.id
    if affected:
        messages = " ".join(test.feedback.message for test in affected if test.feedback)
        reasons = expected["reason"] if isinstance(expected["reason"], list) else [expected["reason"]]
        assert any(reason in messages for reason in reasons), messages[:600]
    untouched = [test for test in activations if test not in affected]
    assert all(test.passed for test in untouched), [t.id for t in untouched if not t.passed]
    secret = (course_root() / "reference" / "nn" / "activations.py").read_text()[-400:]
    for test in result.tests():
        for text in (test.feedback.message if test.feedback else "", test.output):
            assert secret not in text
    assert len(result.student_output) <= 64 * 1024
    assert not (folder / "planted.txt").exists() and not (course_root() / "planted.txt").exists()
    assert not Path("/planted.txt").exists()
    assert started.sessions, "the test saw no worker start"
    assert no_worker_left(started), f"worker processes left running: {started.alive()}"


@pytest.mark.parametrize("case", CASES)
def test_hostile_submission_is_contained_in_the_sandbox(case, fast_course, monkeypatch, tmp_path, started_workers):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(fast_course))
    monkeypatch.setenv("AUTOGRADER_ISOLATION", "bubblewrap")
    started = time.monotonic()
    result = grade_submission(build_case(case, tmp_path), ["nn"])
    assert "bubblewrap" in result.isolation
    check_contained(case, tmp_path, result, started_workers)
    assert time.monotonic() - started < 40


@pytest.mark.skipif(os.geteuid() != 0, reason="the unprivileged-user fallback needs a grader running as root")
@pytest.mark.parametrize("case", FALLBACK_CASES)
def test_hostile_submission_is_contained_without_a_sandbox(case, fast_course, monkeypatch, tmp_path, started_workers):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(fast_course))
    monkeypatch.setenv("AUTOGRADER_ISOLATION", "unprivileged-user")
    result = grade_submission(build_case(case, tmp_path), ["nn"])
    assert "unprivileged user" in result.isolation
    if case == "read_reference":   # without a sandbox the file exists, but the worker's user may not read it
        feedback = [t.feedback.message for t in result.tests() if t.function == "activations.relu" and t.feedback]
        assert any("PermissionError" in message for message in feedback), feedback
        assert all(t.score == 0 for t in result.tests() if t.function == "activations.relu")
        return
    check_contained(case, tmp_path, result, started_workers)


def test_grader_process_survives_the_whole_corpus():
    """Reaching this test at all means no case killed or stalled the pytest process."""
    assert os.getpid() > 1 and Path(f"/proc/{os.getpid()}").exists()


def _endless_relu_submission(tmp_path, monkeypatch, network_source: str) -> Path:
    """The reference's nn part with relu an endless loop, graded under shorter limits (2 s, then 0.5 s, 2 strikes)."""
    import shutil
    shutil.copytree(course_root() / "assignments", tmp_path / "course" / "assignments")
    (tmp_path / "course" / "reference").symlink_to(course_root() / "reference")
    manifest = tmp_path / "course" / "assignments" / "nn" / "assignment.yaml"
    data = yaml.safe_load(manifest.read_text())
    data["limits"].update(call_seconds=2, timeouts_allowed=2, call_seconds_after_timeouts=0.5)
    for spec in data["modules"]["network"].values():
        spec.pop("call_seconds", None)
    manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    monkeypatch.setenv("AUTOGRADER_COURSE", str(tmp_path / "course"))
    submission = build_case("infinite_loop", tmp_path / "submission")
    (submission / "nn" / "network.py").write_text(network_source.replace("from .activations import", "from activations import"))
    return submission


def test_an_endless_loop_costs_one_time_out_per_function_that_hangs_not_one_per_test(tmp_path, monkeypatch):
    """An endless loop in relu: its first call times out after 2 s, the next after 0.5 s, and then relu is not
    run again.  From then on, forward, train and predict, which call it, fail at once: the worker makes the
    stopped relu raise instead of hanging them.  Functions that never hung (linear, sign, sigmoid, backward ...)
    keep their points."""
    reference_network = (course_root() / "reference" / "nn" / "network.py").read_text()
    result = grade_submission(_endless_relu_submission(tmp_path, monkeypatch, reference_network), ["nn"])
    assert result.error is None
    failed = [test for test in result.tests() if not test.passed]
    messages = [test.feedback.message for test in failed]
    timed_out = [message for message in messages if "timed out after" in message]
    not_run = [message for message in messages if "was not run: an earlier call of relu" in message]
    stopped = [test for test in failed if "raised RuntimeError: relu was not run: the grader stopped it" in test.feedback.message]
    assert timed_out == ["Calling relu(s) timed out after 2 s.", "Calling relu(s) timed out after 0.5 s (the limit is 0.5 s "
                         "once a call of it, or of a function it uses, has hit a limit)."]
    assert len(not_run) >= 2 and {test.function for test in stopped} == {"network.forward", "network.train", "network.predict"}
    assert len(timed_out) + len(not_run) + len(stopped) == len(failed)
    assert all(test.score == 0 and test.status.value == "failed" for test in failed)
    assert all("fix relu first" in test.feedback.message for test in stopped)   # each names its root cause
    assert all(test.passed for test in result.tests()
               if test.function in ("activations.linear", "activations.sigmoid", "network.backward"))


def test_a_function_that_does_not_call_the_stopped_one_runs_as_usual(tmp_path, monkeypatch):
    """A forward that computes its own ReLU never calls the endless relu: it keeps every point, and so do
    predict and train, which build on it."""
    reference_network = (course_root() / "reference" / "nn" / "network.py").read_text()
    own_relu = reference_network.replace("O1 = relu(U1)", "O1 = np.maximum(U1, 0.0)")
    assert own_relu != reference_network
    result = grade_submission(_endless_relu_submission(tmp_path, monkeypatch, own_relu), ["nn"])
    failed = {test.function for test in result.tests() if not test.passed}
    assert "activations.relu" in failed
    assert all(test.passed for test in result.tests()
               if test.function in ("network.forward", "network.predict", "network.train")), failed


LONE_SURROGATES = '''
def relu(s):
    raise ValueError("bad \\ud800 value")


def tanh(s):
    print("printed \\udfff")
    return "returned \\ud800"
'''


@pytest.mark.parametrize("output_format", ["text", "json", "html"])
def test_text_with_lone_surrogates_from_the_worker_reaches_every_report(output_format, tmp_path):
    """A str the student's code spells with a lone surrogate (raised, printed, returned) arrives with U+FFFD in
    its place: JSON carries such a str, but no report holding one could be written as UTF-8."""
    from autograder.render import render_result

    submission = reference_as_submission(tmp_path / "submission", ["nn"])
    activations = submission / "nn" / "activations.py"
    activations.write_text(activations.read_text() + LONE_SURROGATES)
    result = grade_submission(submission, ["nn"])
    messages = " ".join(test.feedback.message for test in result.tests()
                        if test.function in ("activations.relu", "activations.tanh") and not test.passed)
    assert "bad \ufffd value" in messages and "returned \ufffd" in messages
    assert "printed \ufffd" in str(result.to_dict())
    render_result(result, output_format).encode("utf-8")
