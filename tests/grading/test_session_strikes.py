"""What a call that hits a limit costs the rest of a part: strikes, the shorter limit, calls not run.

The worker is replaced by a fake that answers as told, and the session's clock
by one that moves only when told, so nothing here depends on the machine's speed.
"""
import pytest

from autograder.course import load_parts
from autograder.grading.boundary import (
    CallFailure,
    GradingSession,
    IsolationMode,
    StudentCallError,
    WorkerFailure,
    WorkerFailureKind,
    _session,
)


class Clock:
    def __init__(self):
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now


class FakeWorker:
    """Answers each call with what `behaviour[name]` says: "ok", "timeout", "crash", "memory" or "startup"."""

    def __init__(self, clock: Clock, behaviour: dict[str, str], start_seconds: float = 0.0):
        self.clock, self.behaviour, self.start_seconds = clock, behaviour, start_seconds
        self.calls: list[tuple[str, float]] = []   # (function name, timeout given)
        self.stopped: list[list[str]] = []          # the "stopped" of each request
        self.running = True
        self.output = ""
        self.early_starts = 0

    def ensure_ready(self):
        if not self.running:
            self.clock.now += self.start_seconds
            self.running = True

    def request(self, message, arrays, timeout):
        self.ensure_ready()
        self.stopped.append(message.get("stopped", []))
        if message["op"] == "import":
            return {"ok": True}, []
        name = message["name"]
        self.calls.append((name, timeout))
        self.clock.now += 0.01
        what = self.behaviour.get(name, "ok")
        if what == "timeout":
            self.clock.now += timeout
            self.running = False
            raise WorkerFailure(f"timed out after {timeout:g} s", WorkerFailureKind.TIMEOUT)
        if what == "crash":
            self.running = False
            raise WorkerFailure("was killed", WorkerFailureKind.CRASH)
        if what == "startup":
            raise WorkerFailure("could not start", WorkerFailureKind.STARTUP)
        if what == "memory":
            return {"ok": False, "error": {"type": "MemoryError", "message": "", "where": []}}, []
        return {"ok": True, "value": 1.0}, []

    def start_if_stopped(self):
        self.early_starts += 1

    def close(self):
        pass


@pytest.fixture
def session(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(_session, "time", clock)
    parts = load_parts(["nn", "scaling"])
    present = {(part.name, module) for part in parts for module in part.modules}
    made = GradingSession("/nowhere", parts, present, IsolationMode.LIMITS_ONLY)
    made.clock = clock
    return made


def use(session, behaviour, start_seconds=0.0) -> FakeWorker:
    session.worker = FakeWorker(session.clock, behaviour, start_seconds)
    return session.worker


def call(session, module, name):
    """(value, None) or (None, the StudentCallError)."""
    try:
        return getattr(getattr(session.student, module), name)(0.0), None
    except StudentCallError as error:
        return None, error


def test_a_function_that_timed_out_twice_in_its_part_is_not_run_again(session):
    worker = use(session, {"relu": "timeout"})
    limits = session.parts["nn"].limits
    _, first = call(session, "activations", "relu")
    _, second = call(session, "activations", "relu")
    _, third = call(session, "activations", "relu")
    assert [timeout for _, timeout in worker.calls] == [limits.call_seconds, limits.call_seconds_after_timeouts]
    assert first.kind == second.kind == CallFailure.TIMEOUT
    assert "once a call of it, or of a function it uses, has hit a limit" in second.reason
    assert third.kind == CallFailure.BUDGET and third.reason.startswith("was not run: an earlier call of relu")


def test_functions_that_never_hit_a_limit_and_use_none_that_did_keep_their_full_limit(session):
    worker = use(session, {"relu": "timeout", "forward": "timeout"})
    call(session, "activations", "relu")
    call(session, "network", "forward")          # the part's second strike
    value, error = call(session, "activations", "sigmoid")
    assert error is None and value == 1.0
    assert worker.calls[-1] == ("sigmoid", session.parts["nn"].function("activations.sigmoid").call_seconds)
    _, error = call(session, "network", "forward")
    assert error.kind == CallFailure.BUDGET


def test_functions_that_use_one_that_hit_a_limit_get_the_shorter_limit_at_any_depth(session):
    worker = use(session, {"relu": "timeout"})
    nn = session.parts["nn"]
    call(session, "activations", "relu")
    for module, name in [("network", "forward"), ("network", "train"), ("network", "predict"),
                         ("network", "backward"), ("network", "bce_loss")]:
        call(session, module, name)
    timeouts = dict(worker.calls[1:])
    short = nn.limits.call_seconds_after_timeouts
    assert timeouts["forward"] == timeouts["predict"] == short       # they use relu
    assert timeouts["train"] == short                                  # through forward
    assert timeouts["backward"] == nn.function("network.backward").call_seconds   # uses relu_grad, not relu
    assert timeouts["bce_loss"] == nn.function("network.bce_loss").call_seconds


def test_the_replacement_of_a_stopped_worker_is_started_at_once(session):
    worker = use(session, {"relu": "crash"})
    call(session, "activations", "relu")
    assert worker.early_starts == 1


def test_strikes_of_one_part_leave_another_part_alone(session):
    worker = use(session, {"relu": "timeout"})
    for _ in range(3):
        call(session, "activations", "relu")
    value, error = call(session, "laws", "kaplan_loss")
    assert error is None and value == 1.0
    assert worker.calls[-1] == ("kaplan_loss", session.parts["scaling"].functions[0].call_seconds)


@pytest.mark.parametrize("what", ["crash", "memory"])
def test_crashes_and_running_out_of_memory_are_strikes_too(session, what):
    worker = use(session, {"relu": what})
    call(session, "activations", "relu")
    call(session, "activations", "relu")
    _, error = call(session, "activations", "relu")
    assert error.kind == CallFailure.BUDGET and len(worker.calls) == 2


def test_a_worker_that_cannot_start_is_no_strike(session):
    use(session, {"relu": "startup"})
    for _ in range(3):
        with pytest.raises(WorkerFailure):
            call(session, "activations", "relu")
    assert session.strikes["nn"] == 0


def test_the_restart_after_a_crash_is_charged_to_the_part_that_caused_it(session):
    use(session, {"relu": "crash"}, start_seconds=7.0)
    call(session, "activations", "relu")
    spent_by_nn = session.spent["nn"]
    call(session, "laws", "kaplan_loss")         # the first call after the crash starts the new worker
    assert session.spent["nn"] - spent_by_nn == pytest.approx(7.0)
    assert session.spent["scaling"] < 1.0


def test_the_worker_is_told_which_functions_are_stopped_once_their_part_has_no_strikes_left(session):
    worker = use(session, {"relu": "timeout"})
    call(session, "activations", "relu")
    call(session, "network", "predict")
    assert worker.stopped[-1] == []   # one strike: relu still runs (with the shorter limit)
    call(session, "activations", "relu")
    call(session, "network", "predict")
    assert worker.stopped[-1] == ["activations.relu"]
    call(session, "laws", "kaplan_loss")
    assert worker.stopped[-1] == ["activations.relu"]   # told with every request: a replacement worker learns it too
