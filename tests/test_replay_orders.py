"""replay_orders: which orders of the examples reproduce a tiny run, found without replaying every sequence.

A toy trainer whose state is the sequence of examples it has seen (so a state is reached by exactly one
sequence of orders) checks the verdicts against the orders themselves.
"""
import itertools

import pytest

from autograder.suites.replay import Replay, replay_orders, runs_fitting_one_order


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


def test_the_verdict_needs_four_runs_fitting_one_order_and_no_run_that_reshuffles():
    fits, reshuffles, unknown = Replay(True, True), Replay(True, False), Replay(False, False)
    assert runs_fitting_one_order([fits] * 4 + [unknown]) == 4
    assert runs_fitting_one_order([fits] * 3 + [unknown, unknown]) == 0
    assert runs_fitting_one_order([fits, reshuffles] + [fits] * 3) == 0
    read = []
    assert runs_fitting_one_order(read.append(run) or run for run in [reshuffles, fits, fits]) == 0
    assert read == [reshuffles]   # left at the first run that reshuffles
