"""Which orders of the examples a student's trainer used, found by replaying its run with the reference.

A trainer's random order cannot be compared with the reference's (students draw from other random
streams), but it can be recovered from what the trainer returns.  The suites train twice with the same
seed on a tiny problem: once with lr = 0, which returns the initial weights unchanged, and once with a
real learning rate.  `replay_orders` (or `LazyReplay`, which searches only as far as asked) then runs the
reference's steps from those initial weights in the orders of the examples, epoch by epoch, and says whether
some orders give the student's final weights, and whether one order repeated in every epoch does.
With 3 or 4 examples and 2 or 3 epochs that is at most a few thousand small steps.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

State = TypeVar("State")


@dataclass(frozen=True)
class Replay:
    """What replaying one tiny run found."""

    replays: bool     # some sequence of per-epoch orders gives the student's weights
    one_order: bool   # some single order, used in every epoch, does


class LazyReplay:
    """One tiny run's replay, searched only as far as a question needs: `one_order` tries the n! single orders,
    `replays` (asked afterwards) searches the other sequences too.  Each answer is worked out once."""

    def __init__(self, start: State, n_examples: int, epochs: int, step: Callable[[State, int], State],
                 reached: Callable[[State], bool], limit: int = 20_000):
        self._permutations = list(itertools.permutations(range(n_examples)))
        if len(self._permutations) ** epochs * n_examples * epochs > limit:
            raise ValueError("too many orders to replay")
        self._start, self._epochs, self._step, self._reached = start, epochs, step, reached
        self._one_order: bool | None = None
        self._replays: bool | None = None

    @property
    def one_order(self) -> bool:
        """Whether some single order, used in every epoch, ends where the student's weights are."""
        if self._one_order is None:
            self._one_order = any(self._reached(self._one_order_run(order)) for order in self._permutations)
        return self._one_order

    @property
    def replays(self) -> bool:
        """Whether some sequence of per-epoch orders does; depth first, stopping at the first that fits."""
        if self._replays is None:
            self._replays = self.one_order or _some_orders_reach(self._start, self._permutations, self._epochs,
                                                                 self._step, self._reached)
        return self._replays

    def _one_order_run(self, order: tuple[int, ...]):
        state = self._start
        for _ in range(self._epochs):
            state = _run(state, order, self._step)
        return state


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
    replay = LazyReplay(start, n_examples, epochs, step, reached, limit)
    return Replay(replays=replay.replays, one_order=replay.one_order)


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
    """reached() for states that are dicts of arrays: every array within rtol of the student's (scaled by its size).

    The same test as np.allclose(state[name], value, rtol, atol) with atol = rtol · (1 + max |value|), with the
    bounds worked out once: a search compares hundreds of states with the same weights.
    """
    bounds = {}
    for name, value in got.items():
        value = np.asarray(value)
        atol = rtol * (1.0 + float(np.max(np.abs(value), initial=0.0)))
        if not np.all(np.isfinite(value)):   # np.allclose's own rules for inf and nan
            bounds[name] = (value, None, atol)
        else:
            bounds[name] = (value, atol + rtol * np.abs(value), atol)

    def reached(state: dict) -> bool:
        for name, (value, bound, atol) in bounds.items():
            if bound is None:
                if not np.allclose(state[name], value, rtol=rtol, atol=atol):
                    return False
            elif not np.all(np.abs(state[name] - value) <= bound):   # nan in the state: not reached
                return False
        return True
    return reached


class _Run(Protocol):
    """What `runs_fitting_one_order` asks of a tiny run's replay (a `LazyReplay` or a `Replay`)."""

    @property
    def one_order(self) -> bool: ...

    @property
    def replays(self) -> bool: ...


def runs_fitting_one_order(runs: Iterable[_Run], total: int, needed: int = 4) -> int:
    """How many runs replayed, when at least `needed` did and each fits one order for every epoch; else 0.

    runs yields each tiny run's replay (a `LazyReplay` or a `Replay`), `total` of them at most; a run that does
    not replay (another computation) says nothing either way.  Only the single orders are tried at first: runs
    is read lazily and left once the runs left could no longer make `needed` runs that fit one order, which
    settles the verdict at 0 (a correct trainer's second run, usually).  Only when `needed` runs fit one order
    are the other runs searched in full, and one that replays with a new order in some epoch ("reshuffles")
    makes the verdict 0 after all.  Measured on the reference (weights rounded to float32): every run replays,
    and about 5% fit one order for all epochs too (chance, or two orders giving the same weights); 4 such
    runs at once: about 1e-5.
    """
    fitting, others = 0, []
    for read, run in enumerate(runs, start=1):
        if run.one_order:
            fitting += 1
        else:
            others.append(run)
        if fitting + (total - read) < needed:
            return 0
    if fitting < needed or any(run.replays for run in others):
        return 0
    return fitting
