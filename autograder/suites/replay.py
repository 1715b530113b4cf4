"""Which orders of the examples a student's trainer used, found by replaying its run with the reference.

A trainer's random order cannot be compared with the reference's (students draw from other random
streams), but it can be recovered from what the trainer returns.  The suites train twice with the same
seed on a tiny problem: once with lr = 0, which returns the initial weights unchanged, and once with a
real learning rate.  `orders_replaying` then runs the reference's steps from those initial weights in
every order of the examples, epoch by epoch, and keeps the orders whose final weights are the student's.
With 3 or 4 examples and 2 or 3 epochs that is at most a few thousand small steps.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import TypeVar

import numpy as np

State = TypeVar("State")
Orders = tuple[tuple[int, ...], ...]   # one permutation of the example indices per epoch


def orders_replaying(start: State, n_examples: int, epochs: int, step: Callable[[State, int], State],
                     reached: Callable[[State], bool], limit: int = 20_000) -> list[Orders]:
    """Every sequence of per-epoch orders whose replay from start ends in a state for which reached() holds.

    step(state, example) returns the state after one step on that example (never changing its argument);
    limit bounds the number of replayed steps (None of the suites come near it).
    """
    permutations = list(itertools.permutations(range(n_examples)))
    if len(permutations) ** epochs * n_examples * epochs > limit:
        raise ValueError("too many orders to replay")
    frontier: list[tuple[Orders, State]] = [((), start)]
    for _ in range(epochs):
        frontier = [(orders + (order,), _run(state, order, step)) for orders, state in frontier
                    for order in permutations]
    return [orders for orders, state in frontier if reached(state)]


def _run(state, order, step):
    for example in order:
        state = step(state, example)
    return state


def close_to(got: dict[str, np.ndarray], rtol: float = 1e-5) -> Callable[[dict], bool]:
    """reached() for states that are dicts of arrays: every array within rtol of the student's (scaled by its size)."""
    def reached(state: dict) -> bool:
        return all(np.allclose(state[name], value, rtol=rtol, atol=rtol * (1.0 + float(np.max(np.abs(value),
                                                                                            initial=0.0))))
                   for name, value in got.items())
    return reached


def same_order_every_epoch(orders: Orders) -> bool:
    return len(set(orders)) == 1


def runs_fitting_one_order(runs: Iterable[list[Orders]], needed: int = 4) -> int:
    """How many runs replayed, when at least `needed` did and each fits one order for every epoch; else 0.

    runs yields each tiny run's replaying orders (`orders_replaying`); an empty list is a run that could not
    be replayed (another computation), which says nothing either way.  runs is read lazily and left at the
    first run that needs a new order in some epoch: that run alone settles the verdict ("reshuffles").
    Measured on the reference (weights rounded to float32): every run replays, and about 5% fit one order
    for all epochs too (chance, or two orders giving the same weights); 4 such runs at once: about 1e-5.
    """
    replayed = 0
    for orders in runs:
        if not orders:
            continue
        if not any(same_order_every_epoch(epochs) for epochs in orders):
            return 0
        replayed += 1
    return replayed if replayed >= needed else 0
