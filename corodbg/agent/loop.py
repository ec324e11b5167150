"""The step loop: an asyncio event loop that runs one ready handle at a time.

``StepLoop`` subclasses asyncio's selector event loop, so sockets, streams,
subprocesses, executors and signals keep working, and replaces the body of
``_run_once`` (one iteration of asyncio's loop) with the same phases run so
that an observer can stand between any two handles:

1. *Timers*: drop cancelled timers, exactly as asyncio does.
2. *I/O*: poll the selector. Asyncio blocks here until the next timer is due;
   with the virtual clock, when no real work (a socket, a thread, a
   subprocess) is pending, the loop instead jumps the clock to that timer, so
   ``sleep(3600)`` costs no wall time.
3. *Due timers* move to the ready queue.
4. *Ready*: run the handles that were ready when the iteration began, one at a
   time. Before each one the observer (the debugger) may pause and may choose
   another ready handle to run first; after each one it is told what ran.

The departures from ``BaseEventLoop._run_once`` are only these: the clock of
phase 2 and the observer calls of phase 4. Batches keep asyncio's boundaries,
so ``loop.stop()`` and callback ordering behave as they do in plain asyncio.

Every scheduling decision that differs from plain asyncio's default (a ready
handle run out of order, a jump of the virtual clock) is kept in a
``ScheduleRecord``: with the same decisions, a run replays exactly.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import asyncio
import concurrent.futures.thread
import heapq
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Protocol, Set, Tuple

# The same thresholds as asyncio's base_events, so timer clean-up matches.
_MIN_SCHEDULED_TIMER_HANDLES = 100
_MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5
_MAXIMUM_SELECT_TIMEOUT = 24 * 3600


class StepObserver(Protocol):
    """What the step loop tells the debugger; all calls happen on the loop's thread."""

    def before_step(self, loop: "StepLoop") -> int:
        """Called with a non-empty ready queue; may block (a pause).

        Returns the 0-based index of the ready handle to run next.
        """

    def after_step(self, loop: "StepLoop", handle: asyncio.Handle) -> None:
        """Called after a handle ran (not for cancelled handles, which are skipped)."""

    def on_task_done(self, loop: "StepLoop", task: asyncio.Task) -> None:
        """The step just run ended ``task``: it returned, raised or was cancelled."""

    def on_deadlock(self, loop: "StepLoop") -> None:
        """Nothing is ready, no timer is scheduled and no real work is pending.

        May block; when it returns, the loop waits on the selector as plain
        asyncio would.
        """


@dataclass
class ScheduleRecord:
    """The scheduling decisions of one loop, enough to replay the run.

    ``picks`` maps a step number to the 0-based index of the ready handle that
    ran at that step, only where it was not the head. ``clock`` lists the
    virtual clock's jumps as (step, new time).
    """

    picks: Dict[int, int] = field(default_factory=dict)
    clock: List[Tuple[int, float]] = field(default_factory=list)

    def as_dict(self) -> Dict[str, Any]:
        return {"picks": {str(k): v for k, v in self.picks.items()}, "clock": [list(c) for c in self.clock]}


def _is_idle_worker_thread(thread: threading.Thread) -> bool:
    """Executor workers wait for jobs forever; their pending jobs are counted apart."""
    target = getattr(thread, "_target", None)
    return target is concurrent.futures.thread._worker or type(thread).__name__ == "_ExecutorManagerThread"


class StepLoop(asyncio.SelectorEventLoop):  # type: ignore[misc,valid-type]
    """An asyncio event loop where an observer can pause between any two handles."""

    #: Called with every new StepLoop, so the debugger can attach itself.
    on_created: Optional[Any] = None
    #: Whether new loops use the virtual clock.
    virtual_time_default: bool = True

    def __init__(self, selector: Any = None) -> None:
        self.virtual_time = StepLoop.virtual_time_default
        self._virtual_now = 0.0
        super().__init__(selector)
        self.steps = 0
        self.record = ScheduleRecord()
        self.observer: Optional[StepObserver] = None
        self.observe_steps = False
        self.watch_task_ends = False
        #: id() of every task that ran a step since the debugger last emptied it (its
        #: pause snapshot redescribes only those; the others cannot have changed).
        self.ran_tasks: Set[int] = set()
        self._executor_futures: List[asyncio.Future] = []
        self._internal_fds = len(self._selector.get_map())
        hook = StepLoop.on_created
        if hook is not None:
            hook(self)

    # -- the clock -----------------------------------------------------------

    def time(self) -> float:
        """Virtual seconds since the loop was made, or the monotonic clock with --real-time."""
        if self.virtual_time:
            return self._virtual_now
        return time.monotonic()

    # -- real work: what the virtual clock must not jump over ----------------

    def run_in_executor(self, executor: Any, func: Any, *args: Any) -> asyncio.Future:
        future = super().run_in_executor(executor, func, *args)
        pending = self._executor_futures
        if len(pending) > 64:
            pending[:] = [f for f in pending if not f.done()]
        pending.append(future)
        return future

    def real_work_pending(self) -> bool:
        """Whether something outside the loop (I/O, a thread, a child) may still wake it."""
        if len(self._selector.get_map()) > self._internal_fds:
            return True
        pending = self._executor_futures
        if pending:
            pending[:] = [f for f in pending if not f.done()]
            if pending:
                return True
        main = threading.main_thread()
        for thread in threading.enumerate():
            if thread is main or getattr(thread, "corodbg_internal", False):
                continue
            if thread.is_alive() and not _is_idle_worker_thread(thread):
                return True
        return False

    # -- one iteration ---------------------------------------------------------

    def _run_once(self) -> None:
        """One asyncio iteration: timers, I/O, then the ready batch one handle at a time."""
        self._collect_ready()
        ready = self._ready
        count = len(ready)
        if not self.observe_steps and not self._debug:
            count = self._run_unobserved(count)
        for _ in range(count):
            if not ready:
                break
            if self.observe_steps and self.observer is not None:
                while ready and ready[0]._cancelled:
                    ready.popleft()
                if not ready:
                    break
                index = self.observer.before_step(self)
                if index:
                    handle = ready[index]
                    del ready[index]
                    self.record.picks[self.steps] = index
                else:
                    handle = ready.popleft()
            else:
                handle = ready.popleft()
            if handle._cancelled:
                continue
            self.steps += 1
            if self._debug:
                self._run_timed(handle)
            else:
                handle._run()
            if self.watch_task_ends:
                self._check_task_end(handle)
            if self.observe_steps and self.observer is not None:
                self.observer.after_step(self, handle)
        # As asyncio's ``_run_once`` does: a frame object of this call may outlive it (the
        # traceback of a task's exception links back to it), and must not keep the last
        # handle, hence its task, alive: "exception was never retrieved" would come late.
        handle = None

    def _run_unobserved(self, count: int) -> int:
        """The ready batch while nobody observes (continue): nothing but the step count and task ends.

        Returns how many handles of the batch are left when observation starts
        during it (a pause request, a pause in ``on_task_done``).
        """
        ready = self._ready
        popleft = ready.popleft
        check = self._check_task_end if self.watch_task_ends else None
        handle = None
        try:
            while count and ready:
                count -= 1
                handle = popleft()
                if handle._cancelled:
                    continue
                self.steps += 1
                handle._run()
                if check is not None:
                    check(handle)
                if self.observe_steps:
                    if self.observer is not None:
                        self.observer.after_step(self, handle)
                    return count
            return 0
        finally:
            handle = None  # as in _run_once: no frame object of this call may keep the last handle

    def _check_task_end(self, handle: asyncio.Handle) -> None:
        """Note which task ran, and tell the observer when the step ended its task (one read per step)."""
        task = getattr(handle._callback, "__self__", None)
        if isinstance(task, asyncio.Task):
            if not task.done():
                self.ran_tasks.add(id(task))  # bounded by the live tasks: done ones are dropped
            else:
                self.ran_tasks.discard(id(task))
                if self.observer is not None:
                    self.observer.on_task_done(self, task)

    def _run_timed(self, handle: asyncio.Handle) -> None:
        """Asyncio's debug mode: warn about slow callbacks, as base_events does."""
        from asyncio.base_events import _format_handle  # type: ignore[attr-defined]
        from asyncio.log import logger

        self._current_handle = handle
        started = time.monotonic()
        handle._run()
        dt = time.monotonic() - started
        if dt >= self.slow_callback_duration:
            logger.warning("Executing %s took %.3f seconds", _format_handle(handle), dt)
        self._current_handle = None

    def _collect_ready(self) -> None:
        """Phases 1-3 of asyncio's ``_run_once``: timers, I/O, due timers to ready."""
        scheduled = self._scheduled
        count = len(scheduled)
        if (count > _MIN_SCHEDULED_TIMER_HANDLES
                and self._timer_cancelled_count / count > _MIN_CANCELLED_TIMER_HANDLES_FRACTION):
            kept = []
            for handle in scheduled:
                if handle._cancelled:
                    handle._scheduled = False
                else:
                    kept.append(handle)
            heapq.heapify(kept)
            self._scheduled = scheduled = kept
            self._timer_cancelled_count = 0
        else:
            while scheduled and scheduled[0]._cancelled:
                self._timer_cancelled_count -= 1
                handle = heapq.heappop(scheduled)
                handle._scheduled = False

        if self._ready or self._stopping:
            timeout: Optional[float] = 0
        elif scheduled:
            timeout = min(max(0.0, scheduled[0]._when - self.time()), _MAXIMUM_SELECT_TIMEOUT)
        else:
            timeout = None
        self._process_events(self._wait_for_events(timeout))

        end_time = self.time() + self._clock_resolution
        while scheduled:
            handle = scheduled[0]
            if handle._when >= end_time:
                break
            handle = heapq.heappop(scheduled)
            handle._scheduled = False
            self._ready.append(handle)

    def _wait_for_events(self, timeout: Optional[float]) -> list:
        """Poll the selector; with the virtual clock, jump time instead of sleeping."""
        select = self._selector.select
        if not self.virtual_time or timeout == 0:
            return select(timeout)
        if self.real_work_pending():
            started = time.monotonic()
            events = select(timeout)
            self._virtual_now += time.monotonic() - started
            return events
        events = select(0)
        if events:
            return events
        if timeout is not None:
            self._virtual_now = self._scheduled[0]._when
            self.record.clock.append((self.steps, self._virtual_now))
            return events
        # Nothing ready, nothing scheduled, nothing pending: a deadlock, unless a
        # signal (or another process) wakes us. Tell the debugger, then block as
        # plain asyncio would.
        if self.observer is not None:
            self.observer.on_deadlock(self)
            if self._ready or self._scheduled or self._stopping:
                return []
        return select(None)
