"""replay_orders: which orders of the examples reproduce a tiny run, found without replaying every sequence.

A toy trainer whose state is the sequence of examples it has seen (so a state is reached by exactly one
sequence of orders) checks the verdicts against the orders themselves.
"""
import itertools

import numpy as np
import pytest

from autograder.suites.replay import LazyReplay, Replay, close_to, replay_orders, runs_fitting_one_order


def _step(state: tuple, example: int) -> tuple:
    return state + (example,)


def _reaching(sequence: tuple) -> tuple:
    steps = []
    return steps, lambda state: steps.append(state) is None and state == sequence


@pytest.mark.parametrize("orders", [((0, 1, 2),) * 3, ((2, 0, 1),) * 3])
def test_one_order_in_every_epoch_is_found_among_the_straight_runs(orders):
    seen, reached = _reaching(sum(orders, ()))
    assert replay_orders((), 3, 3, _step, reached) == Replay(replays=True, one_order=True)
    assert len(seen) <= 6   # only the n! straight runs were compared


@pytest.mark.parametrize("orders", [orders for orders in itertools.product(itertools.permutations(range(3)), repeat=3)
                                    if len(set(orders)) > 1][::7])
def test_a_new_order_per_epoch_replays_and_the_search_stops_at_it(orders):
    seen, reached = _reaching(sum(orders, ()))
    assert replay_orders((), 3, 3, _step, reached) == Replay(replays=True, one_order=False)
    assert seen[-1] == sum(orders, ())   # nothing compared after the sequence that fits


def test_a_run_no_order_reproduces_does_not_replay():
    seen, reached = _reaching((0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert replay_orders((), 3, 3, _step, reached) == Replay(replays=False, one_order=False)
    assert len(seen) == 6 + 6 ** 3   # the straight runs, then every sequence


def test_too_many_orders_are_refused():
    with pytest.raises(ValueError):
        replay_orders((), 8, 3, _step, lambda state: False)


class _Asked:
    """A run's replay that records which questions were asked of it."""

    def __init__(self, replays: bool, one_order: bool):
        self._replays, self._one_order, self.asked = replays, one_order, []

    @property
    def one_order(self) -> bool:
        self.asked.append("one_order")
        return self._one_order

    @property
    def replays(self) -> bool:
        self.asked.append("replays")
        return self._replays


def test_the_verdict_needs_four_runs_fitting_one_order_and_no_run_that_reshuffles():
    fits, reshuffles, unknown = Replay(True, True), Replay(True, False), Replay(False, False)
    assert runs_fitting_one_order([fits] * 4 + [unknown], total=5) == 4
    assert runs_fitting_one_order([fits] * 5, total=5) == 5
    assert runs_fitting_one_order([fits] * 3 + [unknown, unknown], total=5) == 0
    assert runs_fitting_one_order([fits, reshuffles] + [fits] * 3, total=5) == 0
    assert runs_fitting_one_order([fits] * 4 + [reshuffles], total=5) == 0


@pytest.mark.parametrize("runs, read_before_the_verdict", [
    ([(True, False)] * 5, 2),                        # a correct trainer: a new order in every epoch
    ([(False, False)] * 5, 2),                       # a trainer that computes something else
    ([(True, True), (False, False), (False, False)] + [(True, True)] * 2, 3),
    ([(True, True)] * 3 + [(False, False)] * 2, 5),  # needs all five to know
])
def test_reading_stops_once_the_runs_left_cannot_reach_the_verdict_and_no_run_is_searched_in_full(
        runs, read_before_the_verdict):
    read = [_Asked(*run) for run in runs]
    handed = []
    assert runs_fitting_one_order((handed.append(run) or run for run in read), total=5) == 0
    assert len(handed) == read_before_the_verdict
    assert all(run.asked == ["one_order"] for run in handed)   # only the single orders were tried


def test_with_four_runs_fitting_one_order_the_others_are_searched_in_full():
    runs = [_Asked(True, True) for _ in range(4)] + [_Asked(True, False)]
    assert runs_fitting_one_order(runs, total=5) == 0   # the last one reshuffles
    assert runs[-1].asked == ["one_order", "replays"] and all(run.asked == ["one_order"] for run in runs[:4])
    runs[-1] = _Asked(False, False)
    assert runs_fitting_one_order(runs, total=5) == 4   # it does not replay: it says nothing


def test_a_lazy_replay_tries_the_single_orders_before_anything_else():
    orders = ((1, 0, 2), (2, 1, 0), (0, 2, 1))   # a new order in every epoch
    seen, reached = _reaching(sum(orders, ()))
    replay = LazyReplay((), 3, 3, _step, reached)
    assert replay.one_order is False and len(seen) == 6
    assert replay.replays is True and seen[-1] == sum(orders, ())
    compared = len(seen)
    assert replay.replays and not replay.one_order and len(seen) == compared   # each answer is worked out once


def _random_weights(rng, special: bool) -> dict:
    weights = {"W": rng.normal(size=(4, 3)) * 10.0 ** rng.integers(-3, 4), "b": rng.normal(size=3)}
    if special:
        weights["W"][rng.integers(4), rng.integers(3)] = rng.choice([np.inf, -np.inf, np.nan])
    return weights


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.filterwarnings("ignore:One of rtol or atol is not valid")   # numpy's, for inf or nan weights
def test_close_to_agrees_with_numpys_allclose(seed):
    rng = np.random.default_rng(seed)
    got = _random_weights(rng, special=seed % 4 == 0)
    rtol = float(rng.choice([1e-6, 1e-5]))
    reached = close_to(got, rtol=rtol)
    for scale in (0.0, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-2):
        for dtype in (np.float64, np.float32):
            state = {name: (value * (1 + scale * rng.normal(size=value.shape))).astype(dtype)
                     for name, value in got.items()}
            if rng.random() < 0.2:
                state["b"][0] = np.nan
            expected = all(np.allclose(state[name], value, rtol=rtol,
                                       atol=rtol * (1.0 + float(np.max(np.abs(value), initial=0.0))))
                           for name, value in got.items())
            assert reached(state) == expected
