"""The timing family: each timer's duration scaled by its own factor, FIFO among callbacks kept.

Every ``call_at`` of a step loop (``call_later`` and so ``asyncio.sleep``,
``wait_for`` and ``timeout`` go through it) is a timer, numbered in the order
the program makes them. A factor for timer N changes when it fires:
``now + (when - now) * factor``. Under the virtual clock that is the only way
a timer's duration shows, so the orders that come out are orders real asyncio
produces when the outside is faster or slower than the program assumed.

A schedule file keeps the factors that are not 1 (key ``timers``); a replay
installs the same factors, so the clock jumps the same way.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import random
from asyncio import TimerHandle
from typing import Any, Callable, Dict, List, Optional, Tuple

from corodbg.agent.loop.step_loop import StepLoop


class TimerFactors:
    """Which factor each timer gets: given ones (a replay, a shrink step), else drawn, else 1."""

    def __init__(self, given: Optional[Dict[int, float]] = None, rng: Optional[random.Random] = None,
                 jitter: float = 2.0) -> None:
        self.given = dict(given or {})
        self.rng = rng
        self.jitter = jitter
        self.count = 0
        #: (timer index, factor, delay as the program asked) of every timer made with a factor not 1.
        self.scaled: List[Tuple[int, float, float]] = []
        #: Called for each scaled timer with (index, delay asked, delay given): --describe keeps words.
        self.on_scaled: Optional[Callable[[int, float, float], None]] = None

    def next_factor(self) -> Tuple[int, float]:
        index = self.count
        self.count += 1
        factor = self.given.get(index)
        if factor is None:
            # log-uniform between 1/jitter and jitter, rounded so that a report reads well
            factor = round(self.jitter ** self.rng.uniform(-1.0, 1.0), 3) if self.rng is not None else 1.0
        return index, factor


_installed: List[TimerFactors] = []


def install(factors: TimerFactors) -> None:
    """Scale the timers of every step loop from now on (in this process: a forked run, a replay)."""
    _installed[:] = [factors]
    if getattr(StepLoop.call_at, "corodbg_scaled", False):
        return
    original = StepLoop.call_at

    def call_at(self: StepLoop, when: float, callback: Callable[..., Any], *args: Any,
                context: Any = None) -> TimerHandle:
        if _installed:
            state = _installed[0]
            index, factor = state.next_factor()
            now = self.time()
            if factor != 1.0 and when > now:
                delay = when - now
                when = now + delay * factor
                state.scaled.append((index, factor, delay))
                if state.on_scaled is not None:
                    state.on_scaled(index, delay, delay * factor)
        return original(self, when, callback, *args, context=context)

    call_at.corodbg_scaled = True  # type: ignore[attr-defined]
    StepLoop.call_at = call_at  # type: ignore[method-assign, assignment]

