"""A worker writing endlessly straight to its output is stopped at the cap, judged by the bytes read."""
import pytest

from autograder.course import Limits
from autograder.grading.boundary import WorkerFailure, WorkerFailureKind, WorkerProcess, choose_mode

SPEW = """import os


def spew(chunk_kib):
    block = b"x" * (chunk_kib * 1024)
    while True:
        os.write(1, block)


def quiet(x):
    print("y" * 200_000)   # through print(): captured by the worker and cut there, never a reason to stop
    return x
"""


@pytest.fixture
def worker(tmp_path):
    (tmp_path / "part").mkdir()
    (tmp_path / "part" / "spewing.py").write_text(SPEW)
    made = WorkerProcess(tmp_path, ["part"], Limits(output_kib=64), choose_mode())
    yield made
    made.close()


@pytest.mark.parametrize("chunk_kib", [1, 1024])
def test_endless_output_stops_the_worker_after_reading_at_most_the_cap_and_one_chunk(worker, chunk_kib):
    with pytest.raises(WorkerFailure) as failure:
        worker.request({"op": "call", "module": "spewing", "name": "spew", "args": [chunk_kib]}, [], timeout=120)
    assert failure.value.kind == WorkerFailureKind.OUTPUT
    assert "more than 64 KiB" in failure.value.reason
    read = sum(drain.received for drain in worker._drains)
    assert 64 * 1024 < read <= 64 * 1024 + worker._drains[0].CHUNK
    assert worker.process is None   # stopped, not left blocked on a full pipe
    assert len(worker.output) < 64 * 1024 + 200


def test_a_worker_printing_past_the_cap_through_print_keeps_running(worker):
    reply, _ = worker.request({"op": "call", "module": "spewing", "name": "quiet", "args": [3]}, [], timeout=60)
    assert reply["ok"] and reply["value"] == 3
    assert worker.process is not None
