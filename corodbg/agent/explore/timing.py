"""The timing family: each wait's duration scaled by its own factor, FIFO among callbacks kept.

A *wait* is a timer, an executor job or a read from the outside, numbered
together in the order the program makes them (a read: in the order they end):

- every ``call_at`` of a step loop (``call_later`` and so ``asyncio.sleep``,
  ``wait_for`` and ``timeout`` go through it) is a timer. Its factor changes
  when it fires: ``now + (when - now) * factor``;
- every ``run_in_executor`` job (of factor 1 too). Its result reaches the program
  ``real duration * factor`` virtual seconds after it was submitted: while
  such jobs run, real waiting does not move the virtual clock (the loop
  "holds" it), and the job's completion becomes a timer at that time. A job
  that took 10 ms then took 5-20 ms as the program sees it, ahead of or behind
  the timers due meanwhile;
- every read that waited on the outside: a socket or pipe whose data came
  while the loop was blocked on it (a server elsewhere, a subprocess), at
  least ``OUTSIDE_READ`` real seconds. With a factor above 1 its readiness
  is held back ``(factor - 1) * wait`` virtual seconds (the fd out of the
  selector meanwhile), as if the other end had answered later. A read cannot
  come sooner than it did: a factor up to 1 leaves it as it was. A read
  whose data another part of the program wrote is never held: the loop
  never blocks for it (docs/explore.md, "The two families").

Under the virtual clock durations are the only thing the outside decides, so
the orders that come out are orders real asyncio produces when the outside is
faster or slower than the program assumed.

A schedule file keeps the waits whose factor is not 1 (key ``timers``:
``[index, factor]`` for a timer, ``[index, factor, seconds]`` for a job, with
the virtual duration it was given, ``[index, factor, "read"]`` for a read);
a replay installs the same, so the clock jumps the same way. A job's real
duration varies between runs, so a replay gives it its recorded duration, not
its factor again. A read is held by its factor times the wait it has in the
replay: the outside's pace varies between runs, and the proportion is what
kept the failing order. A read's index depends on when the outside answers:
with a server elsewhere, a replay is as exact as the server is steady.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import random
import selectors
import time
from asyncio import Future, TimerHandle
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from corodbg.agent.loop.step_loop import StepLoop
from corodbg.agent.recording.schedule import READ

#: A given wait: its factor, and for an executor job the virtual seconds it took (a replay).
Given = Tuple[float, Optional[float]]


class TimerFactors:
    """Which factor each wait gets: given ones (a replay, a shrink step), else drawn, else 1."""

    def __init__(self, given: Optional[Dict[int, Given]] = None, rng: Optional[random.Random] = None,
                 jitter: float = 2.0) -> None:
        self.given = dict(given or {})
        self.rng = rng
        self.jitter = jitter
        self.count = 0
        #: [index, factor] of every timer and [index, factor, seconds] of every job made with a factor not 1.
        self.scaled: List[List[Any]] = []
        #: Called for each scaled wait with (index, delay asked, delay given, kind, where it was made:
        #: ``on_made()``'s answer then): --describe keeps words.
        self.on_scaled: Optional[Callable[[int, float, float, str, Any], None]] = None
        #: Called where a scaled wait is made (inside the program's call); its answer goes to ``on_scaled``.
        #: For a read, with what it reads from (``from 127.0.0.1:8080``): the registration is asyncio's.
        self.on_made: Optional[Callable[..., Any]] = None

    @classmethod
    def from_entries(cls, entries: Sequence[Sequence[Any]]) -> TimerFactors:
        """The waits of a schedule's ``timers`` list (a replay, a shrink candidate)."""
        return cls({int(entry[0]): (float(entry[1]), float(entry[2]) if len(entry) > 2 and entry[2] != READ else None)
                    for entry in entries})

    def next_factor(self) -> Tuple[int, float, Optional[float]]:
        """The next wait's index, factor and (a replayed job) given duration."""
        index = self.count
        self.count += 1
        given = self.given.get(index)
        if given is not None:
            return index, given[0], given[1]
        # log-uniform between 1/jitter and jitter, rounded so that a report reads well
        factor = round(self.jitter ** self.rng.uniform(-1.0, 1.0), 3) if self.rng is not None else 1.0
        return index, factor, None


_installed: List[TimerFactors] = []
#: The step loop's own methods, before patch_step_loop() wrapped them.
_originals: Dict[str, Any] = {}
#: The shortest real wait of a read that counts as waiting on the outside, in seconds.
OUTSIDE_READ = 0.001


def install(factors: TimerFactors) -> None:
    """Scale the waits of every step loop from now on (in this process: a forked run, a replay)."""
    patch_step_loop()
    _installed[:] = [factors]


def patch_step_loop() -> None:
    """Wrap the step loop's ``call_at`` and ``run_in_executor``; they scale nothing until ``install``.

    Explore's fork server patches once, before it forks: a class changed in a
    child would drop the bytecode specialized on it, and copy pages re-specializing.
    """
    if getattr(StepLoop.call_at, "corodbg_scaled", False):
        return
    original_call_at = _originals["call_at"] = StepLoop.call_at
    original_run_in_executor = StepLoop.run_in_executor

    def call_at(self: StepLoop, when: float, callback: Callable[..., Any], *args: Any,
                context: Any = None) -> TimerHandle:
        if _installed:
            state = _installed[0]
            index, factor, _ = state.next_factor()
            now = self.time()
            if factor != 1.0 and when > now:
                delay = when - now
                when = now + delay * factor
                state.scaled.append([index, factor])
                if state.on_scaled is not None:
                    made = state.on_made() if state.on_made is not None else None
                    state.on_scaled(index, delay, delay * factor, "timer", made)
        return original_call_at(self, when, callback, *args, context=context)

    def run_in_executor(self: StepLoop, executor: Any, func: Callable[..., Any], *args: Any) -> Future:
        job = original_run_in_executor(self, executor, func, *args)
        if not _installed:
            return job
        state = _installed[0]
        index, factor, seconds = state.next_factor()
        # Every job, also one of factor 1: all of a run's jobs hold the clock alike, so that the
        # order of their ends is the order of their (scaled) durations, whatever ran beside them.
        return _Delivery(self, state, job, index, factor, seconds).future

    original_add_reader = _originals["add_reader"] = StepLoop._add_reader
    original_remove_reader = _originals["remove_reader"] = StepLoop._remove_reader
    original_process_events = StepLoop._process_events

    def _add_reader(self: StepLoop, fd: Any, callback: Callable[..., Any], *args: Any, **options: Any) -> Any:
        handle = original_add_reader(self, fd, callback, *args, **options)  # (3.15+: context=)
        if _installed:
            _OutsideReads.of(self).began(_fd_number(fd), callback, args)
        return handle

    def _remove_reader(self: StepLoop, fd: Any) -> bool:
        if _installed:
            _OutsideReads.of(self).dropped(_fd_number(fd))
        return bool(original_remove_reader(self, fd))

    def _process_events(self: StepLoop, event_list: List[Tuple[selectors.SelectorKey, int]]) -> None:
        if _installed and event_list:
            event_list = _OutsideReads.of(self).let_through(_installed[0], event_list)
        original_process_events(self, event_list)

    call_at.corodbg_scaled = True  # type: ignore[attr-defined]
    StepLoop.call_at = call_at  # type: ignore[method-assign, assignment]
    StepLoop.run_in_executor = run_in_executor  # type: ignore[method-assign, assignment]
    StepLoop._add_reader = _add_reader  # type: ignore[method-assign]
    StepLoop._remove_reader = _remove_reader  # type: ignore[method-assign]
    StepLoop._process_events = _process_events  # type: ignore[method-assign]


#: 3.15's ``_add_reader`` runs the reader in the context it is given (its transports pass theirs).
_ADD_READER_TAKES_CONTEXT = "context" in StepLoop._add_reader.__code__.co_varnames


def _fd_number(fd: Any) -> int:
    return fd if isinstance(fd, int) else int(fd.fileno())


def _read_source(fd: int, callback: Callable[..., Any], args: Tuple[Any, ...]) -> str:
    """``127.0.0.1:8080``, ``a pipe``, ``fd 7``: what a read waits on, for a report's words."""
    transport = getattr(callback, "__self__", None)
    get_extra_info = getattr(transport, "get_extra_info", None)
    sockets = [get_extra_info("socket")] if get_extra_info is not None else []
    sockets += [arg for arg in args if hasattr(arg, "getpeername")]
    for sock in sockets:
        try:
            peer = sock.getpeername()
        except (AttributeError, OSError):
            continue
        if isinstance(peer, tuple) and len(peer) >= 2:
            return f"{peer[0]}:{peer[1]}"
        return f"{peer}" if peer else "a unix socket"
    if get_extra_info is not None and get_extra_info("pipe") is not None:
        return "a pipe"
    return f"fd {fd}"


class _OutsideReads:
    """One loop's reads: when each began (in real seconds the loop had blocked), which are held back.

    A read's wait is the real time the loop spent blocked while it waited, not
    the time since it began: a read whose data the program itself writes is
    ready before the loop would block, so it never counts.
    """

    def __init__(self, loop: StepLoop) -> None:
        self.loop = loop
        self.own_fd = _fd_number(loop._ssock) if getattr(loop, "_ssock", None) is not None else -1
        self.since: Dict[int, Tuple[float, Any]] = {}  # fd -> (blocked seconds then, where it was made)
        self.held: Dict[int, TimerHandle] = {}

    @classmethod
    def of(cls, loop: StepLoop) -> _OutsideReads:
        reads = loop.explore_reads
        if reads is None:
            reads = loop.explore_reads = cls(loop)
        return reads

    def began(self, fd: int, callback: Callable[..., Any], args: Tuple[Any, ...]) -> None:
        if fd == self.own_fd:
            return
        release = self.held.pop(fd, None)
        if release is not None:  # the program reads this fd anew: its own registration wins
            release.cancel()
        state = _installed[0]
        made = state.on_made(f"from {_read_source(fd, callback, args)}") if state.on_made is not None else None
        self.since[fd] = (self.loop.real_seconds_blocked(), made)

    def dropped(self, fd: int) -> None:
        self.since.pop(fd, None)
        release = self.held.pop(fd, None)
        if release is not None:
            release.cancel()

    def let_through(self, state: TimerFactors, events: List[Tuple[selectors.SelectorKey, int]]
                    ) -> List[Tuple[selectors.SelectorKey, int]]:
        """The events to deliver now; a read that waited on the outside may be held back instead."""
        kept = []
        for key, mask in events:
            began = self.since.get(key.fd) if mask & selectors.EVENT_READ else None
            if began is not None:
                now = self.loop.real_seconds_blocked()
                self.since[key.fd] = (now, began[1])  # a reader that stays: its next wait starts here
                waited = now - began[0]
                reader = key.data[0] if isinstance(key.data, tuple) else None
                if waited >= OUTSIDE_READ and reader is not None and self._hold(state, key.fd, reader, waited,
                                                                                   began[1]):
                    mask &= ~selectors.EVENT_READ
                    if not mask:
                        continue
            kept.append((key, mask))
        return kept

    def _hold(self, state: TimerFactors, fd: int, reader: Any, waited: float, made: Any) -> bool:
        index, factor, _ = state.next_factor()
        hold = round((factor - 1.0) * waited, 6) if factor > 1.0 else 0.0
        if hold <= 0:
            return False
        state.scaled.append([index, factor, READ])  # a replay scales its own wait: the outside's pace varies
        if state.on_scaled is not None:
            state.on_scaled(index, waited, waited + hold, "read", made)
        callback, args = reader._callback, reader._args
        options = {"context": reader._context} if _ADD_READER_TAKES_CONTEXT else {}
        _originals["remove_reader"](self.loop, fd)  # out of the selector, or it would say "ready" all along
        self.held[fd] = _originals["call_at"](self.loop, self.loop.time() + hold, self._release, fd, callback, args,
                                              options)
        return True

    def _release(self, fd: int, callback: Callable[..., Any], args: Tuple[Any, ...], options: Dict[str, Any]
                 ) -> None:
        if self.held.pop(fd, None) is None:
            return
        try:
            _originals["add_reader"](self.loop, fd, callback, *args, **options)
        except (OSError, ValueError):  # closed meanwhile without a word to the loop: nothing left to read
            self.since.pop(fd, None)
            return
        self.since[fd] = (self.loop.real_seconds_blocked(), self.since.get(fd, (0.0, None))[1])


class _Delivery:
    """An executor job whose result reaches the program after its scaled duration (virtual time).

    The program awaits ``future``; the job's own future completes when the
    thread is done. Meanwhile the loop holds its clock (``hold_clock``), so
    that the virtual time still reads the submission time when the job ends;
    the result is then handed over by a timer at submission + duration.
    """

    def __init__(self, loop: StepLoop, state: TimerFactors, job: Future, index: int, factor: float,
                 seconds: Optional[float]) -> None:
        self.loop = loop
        self.state = state
        self.job = job
        self.index = index
        self.factor = factor
        self.seconds = seconds
        self.submitted = loop.time()
        self.made = state.on_made() if state.on_made is not None else None
        self.started = time.monotonic()
        self.future: Future = loop.create_future()
        loop.hold_clock(True)
        job.add_done_callback(self._job_done)
        self.future.add_done_callback(self._future_done)

    def _job_done(self, job: Future) -> None:
        self.loop.hold_clock(False)
        real = time.monotonic() - self.started
        duration = self.seconds if self.seconds is not None else round(real * self.factor, 6)
        if self.factor != 1.0:  # a deviation: kept in the schedule, in words
            self.state.scaled.append([self.index, self.factor, duration])
            if self.state.on_scaled is not None:
                # A given duration (a replay) was scaled from the real duration of the run that drew it.
                ran = duration / self.factor if self.seconds is not None else real
                self.state.on_scaled(self.index, ran, duration, "job", self.made)
        # Not through the scaled call_at: this timer is the job's own end, already scaled.
        _originals["call_at"](self.loop, self.submitted + duration, self._deliver)

    def _deliver(self) -> None:
        future, job = self.future, self.job
        if future.done():
            return
        if job.cancelled():
            future.cancel()
        elif job.exception() is not None:
            future.set_exception(job.exception())  # type: ignore[arg-type]
        else:
            future.set_result(job.result())

    def _future_done(self, future: Future) -> None:
        if future.cancelled() and not self.job.done():
            self.job.cancel()  # as asyncio's own: cancelling the awaited job cancels it, if not started
