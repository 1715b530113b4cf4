"""Which orders of the examples a student's trainer used, found by replaying its run with the reference.

A trainer's random order cannot be compared with the reference's (students draw from other random
streams), but it can be recovered from what the trainer returns.  The suites train twice with the same
seed on a tiny problem: once with lr = 0, which returns the initial weights unchanged, and once with a
real learning rate.  `replay_orders` then runs the reference's steps from those initial weights in the
orders of the examples, epoch by epoch, and says whether some orders give the student's final weights, and
whether one order repeated in every epoch does.
With 3 or 4 examples and 2 or 3 epochs that is at most a few thousand small steps.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

State = TypeVar("State")


@dataclass(frozen=True)
class Replay:
    """What replaying one tiny run found."""

    replays: bool     # some sequence of per-epoch orders gives the student's weights
    one_order: bool   # some single order, used in every epoch, does


def replay_orders(start: State, n_examples: int, epochs: int, step: Callable[[State, int], State],
                  reached: Callable[[State], bool], limit: int = 20_000) -> Replay:
    """Whether some sequence of per-epoch orders, replayed from start, ends in a state for which reached() holds,
    and whether one order repeated in every epoch does.

    step(state, example) returns the state after one step on that example (never changing its argument);
    limit bounds the number of sequences times steps (none of the suites come near it).  The n! runs with one
    order come first; then the search goes depth first, each epoch's state computed once for every sequence
    that shares it, and stops at the first sequence that fits: a correct trainer's run costs about half of
    replaying every sequence.
    """
    permutations = list(itertools.permutations(range(n_examples)))
    if len(permutations) ** epochs * n_examples * epochs > limit:
        raise ValueError("too many orders to replay")
    for order in permutations:
        state = start
        for _ in range(epochs):
            state = _run(state, order, step)
        if reached(state):
            return Replay(replays=True, one_order=True)
    return Replay(replays=_some_orders_reach(start, permutations, epochs, step, reached), one_order=False)


def _some_orders_reach(state, permutations, epochs_left: int, step, reached) -> bool:
    if epochs_left == 0:
        return reached(state)
    return any(_some_orders_reach(_run(state, order, step), permutations, epochs_left - 1, step, reached)
               for order in permutations)


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


def runs_fitting_one_order(runs: Iterable[Replay], needed: int = 4) -> int:
    """How many runs replayed, when at least `needed` did and each fits one order for every epoch; else 0.

    runs yields each tiny run's `Replay`; a run that does not replay (another computation) says nothing
    either way.  runs is read lazily and left at the first run that needs a new order in some epoch: that
    run alone settles the verdict ("reshuffles").  Measured on the reference (weights rounded to float32):
    every run replays, and about 5% fit one order for all epochs too (chance, or two orders giving the same
    weights); 4 such runs at once: about 1e-5.
    """
    replayed = 0
    for replay in runs:
        if not replay.replays:
            continue
        if not replay.one_order:
            return 0
        replayed += 1
    return replayed if replayed >= needed else 0
