"""The any-order family: which ready item runs next, when it need not be the head.

A chooser answers the step loop's question "which ready handle now?" with a
0-based index into the ready queue (0: the head, as asyncio's FIFO would).
The step loop drops cancelled handles at the head before asking; a chooser
never picks a cancelled one further back.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import random
import weakref
from typing import Any, Deque, Dict, List, Optional

from corodbg.agent.inspection import introspect
from corodbg.agent.recording.schedule import handle_identity


def live_indices(ready: Deque[Any]) -> List[int]:
    return [index for index, handle in enumerate(ready) if not handle._cancelled]


class Fifo:
    """asyncio's own order: the loop need not even ask (its unobserved path costs nothing per step)."""

    observes = False

    def choose(self, ready: Deque[Any], step: int) -> int:
        return 0


class RandomOrder:
    """A random walk: at each step with several ready items, with probability ``rate`` a non-head one, uniformly.

    The rate is drawn per run (from ``RATES``), so that some runs deviate at a
    few steps only (most bugs need one or two deviations) and others at many.
    """

    observes = True
    RATES = (0.02, 0.05, 0.1, 0.2, 0.35, 0.5)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rate = rng.choice(self.RATES)

    def choose(self, ready: Deque[Any], step: int) -> int:
        if len(ready) < 2 or self.rng.random() >= self.rate:
            return 0
        live = live_indices(ready)
        return self.rng.choice(live[1:]) if len(live) > 1 else 0


class PCT:
    """Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010).

    Each task gets a random priority when first seen; the ready item of the
    highest-priority task runs. At ``depth - 1`` change points, steps drawn
    from the first ``steps_hint`` (the default run's length), the task about
    to run drops below every priority given so far. A bug of depth d among n
    tasks and k steps is then hit with probability at least 1/(n·k^(d-1)) per
    run. A callback of no task is its own "task", named by what it is.
    """

    observes = True

    def __init__(self, rng: random.Random, depth: int, steps_hint: int) -> None:
        self.rng = rng
        self.depth = max(1, depth)
        span = max(1, steps_hint)
        count = min(self.depth - 1, span)
        self.change_points = sorted(rng.sample(range(1, span + 1), count))
        self.changed = 0
        # Weak: holding a finished task would delay asyncio's "exception was never retrieved".
        self.task_priority: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()
        self.callback_priority: Dict[str, float] = {}

    def _priority(self, handle: Any) -> float:
        task = introspect.task_of_callback(handle._callback)
        if task is not None:
            value = self.task_priority.get(task)
            if value is None:
                value = self.task_priority[task] = self.depth + self.rng.random()
            return value
        name = handle_identity(handle)
        value = self.callback_priority.get(name)
        if value is None:
            value = self.callback_priority[name] = self.depth + self.rng.random()
        return value

    def _lower(self, handle: Any) -> None:
        self.changed += 1
        lowered = float(self.depth - self.changed)  # below every initial priority and every earlier change
        task = introspect.task_of_callback(handle._callback)
        if task is not None:
            self.task_priority[task] = lowered
        else:
            self.callback_priority[handle_identity(handle)] = lowered

    def choose(self, ready: Deque[Any], step: int) -> int:
        if len(ready) < 2 and not self.change_points:
            return 0
        live = live_indices(ready)
        best = max(live, key=lambda index: self._priority(ready[index]))
        if self.change_points and step + 1 >= self.change_points[0]:
            self.change_points.pop(0)
            self._lower(ready[best])
            best = max(live, key=lambda index: self._priority(ready[index]))
        return best


class GivenPicks:
    """Picks given by step (a shrink candidate): the named item runs at that step if it is ready, else the head."""

    observes = True

    def __init__(self, picks: Dict[int, str]) -> None:
        self.picks = picks

    def choose(self, ready: Deque[Any], step: int) -> int:
        wanted: Optional[str] = self.picks.get(step)
        if wanted is None:
            return 0
        for index in live_indices(ready):
            if handle_identity(ready[index]) == wanted:
                return index
        return 0
