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
import heapq
import operator
import os
import selectors
import signal
import sys
import threading
import time

from corodbg.agent.tracing import taskends

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)

# The same thresholds as asyncio's base_events, so timer clean-up matches.
_MIN_SCHEDULED_TIMER_HANDLES = 100
_MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5
_MAXIMUM_SELECT_TIMEOUT = 24 * 3600

if TYPE_CHECKING:
    import concurrent.futures
    from typing import Any, Callable, Deque, Dict, List, Optional, Protocol, Set, Tuple, TypeVar

    from typing_extensions import TypeVarTuple, Unpack

    _T = TypeVar("_T")
    _Ts = TypeVarTuple("_Ts")


if TYPE_CHECKING:
    class StepObserver(Protocol):
        """What the step loop tells the debugger; all calls happen on the loop's thread."""

        def before_step(self, loop: StepLoop) -> int:
            """Called with a non-empty ready queue; may block (a pause).

            Returns the 0-based index of the ready handle to run next.
            """

        def after_step(self, loop: StepLoop, handle: asyncio.Handle) -> None:
            """Called after a handle ran (not for cancelled handles, which are skipped)."""

        def on_task_done(self, loop: StepLoop, task: asyncio.Task) -> None:
            """The step just run ended ``task``: it returned, raised or was cancelled."""

        def on_deadlock(self, loop: StepLoop) -> None:
            """Nothing is ready, no timer is scheduled and no real work is pending.

            May block; when it returns, the loop waits on the selector as plain
            asyncio would.
            """


class ScheduleRecord:
    """The scheduling decisions of one loop, enough to replay the run.

    ``picks`` maps a step number to the 0-based index of the ready handle that
    ran at that step, only where it was not the head. ``clock`` lists the
    virtual clock's jumps as (step, new time). ``outside`` lists what came from
    outside the loop: (step, real seconds waited, selector events returned),
    once per real wait and once per poll that returned events.
    """

    __slots__ = ("clock", "outside", "picks")

    def __init__(self) -> None:
        self.picks: Dict[int, int] = {}
        self.clock: List[Tuple[int, float]] = []
        self.outside: List[Tuple[int, float, int]] = []

    def as_dict(self) -> Dict[str, Any]:
        return {"picks": {str(k): v for k, v in self.picks.items()}, "clock": [list(c) for c in self.clock]}


def _is_idle_worker_thread(thread: threading.Thread, frames: Dict[int, Any]) -> bool:
    """An executor's worker waiting for a job: it cannot wake the loop until given one.

    A ThreadPoolExecutor worker is busy while one of its frames runs a work
    item (``_WorkItem.run``); a ProcessPoolExecutor's manager thread while work
    items are pending (its worker processes are then busy too).
    """
    target = getattr(thread, "_target", None)
    # Not imported at start-up: a program that never imported it has no such worker.
    pool = sys.modules.get("concurrent.futures.thread")
    if pool is not None and target is getattr(pool, "_worker", None):
        frame = frames.get(thread.ident)  # type: ignore[arg-type]
        work_item_run = pool._WorkItem.run.__code__
        while frame is not None:
            if frame.f_code is work_item_run:
                return False
            frame = frame.f_back
        return True
    if type(thread).__name__ == "_ExecutorManagerThread":
        return not getattr(thread, "pending_work_items", None)
    return False



#: corodbg's own children (time-travel checkpoints: sleeping copies of the program), which never
#: wake the loop: the clock jumps as if they were not there.
OWN_CHILDREN: Set[int] = set()


def _process_pool_workers() -> Set[int]:
    """The pids of ProcessPoolExecutor workers: idle ones wait for jobs forever, like worker threads."""
    pids: Set[int] = set()
    for thread in threading.enumerate():
        if type(thread).__name__ == "_ExecutorManagerThread":
            pids.update(getattr(thread, "processes", None) or ())
    return pids


def _live_child_processes(exclude: Set[int]) -> bool:
    """Whether this process has a child that still runs (not a zombie), other than ``exclude``.

    A child may wake the loop (a watcher reaps it, it connects back, it sends a
    signal), so the clock must not jump while one lives. Linux lists children
    in ``/proc/self/task/*/children``; elsewhere ``waitid`` tells whether any
    child exists at all. ``waitid`` first everywhere: with no child at all (the
    common case, and each run of ``corodbg explore``) one system call answers,
    instead of reading ``/proc`` at every jump of the clock.
    """
    try:
        # None: children exist and none has exited; a result: one is a zombie (left for its waiter).
        no_zombie = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False  # no child at all
    except (AttributeError, OSError):
        no_zombie = False  # (no waitid here: only /proc can tell)
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        tasks = []
    pids: List[int] = []
    listed = False
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/children") as children:
                pids += [int(pid) for pid in children.read().split()]
            listed = True
        except (OSError, ValueError):
            continue
    if not listed:
        return no_zombie
    for pid in pids:
        if pid in exclude:
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                state = stat.read().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            return True
    return False


def _program_signal_handlers() -> Set[int]:
    """Signals the program handles in Python (``signal.signal`` or ``loop.add_signal_handler``).

    Python's own SIGINT handler, the SIGINT handler of ``asyncio.run`` (3.11+)
    and corodbg's handlers do not count: they are no sign that the program
    waits for a signal.
    """
    found: Set[int] = set()
    for signum in _VALID_SIGNALS:
        try:
            # The C function: signal.getsignal wraps each answer in an enum, ~5x the cost, and
            # this runs at every jump of the virtual clock (corodbg explore: most of a timed run).
            handler = _getsignal(signum)
        except (ValueError, OSError):
            continue
        if not callable(handler) or handler is signal.default_int_handler:
            continue
        func = getattr(handler, "func", handler)  # functools.partial
        if getattr(func, "__name__", "") == "_on_sigint" or \
                (getattr(func, "__module__", None) or "").startswith("corodbg."):
            continue
        found.add(int(signum))
    return found


_VALID_SIGNALS = [int(signum) for signum in sorted(signal.valid_signals())] if hasattr(signal, "valid_signals") else []
_getsignal: Callable[[int], Any] = getattr(sys.modules.get("_signal"), "getsignal", signal.getsignal)
#: How long a real wait lasts at most, so that a thread or a child ending without
#: a word to the loop is noticed (and the clock may jump again).
_REAL_WAIT_SLICE = 0.25
#: How long ``hold_clock`` keeps the clock still at most, in seconds of real waiting.
_HOLD_LIMIT = 0.25


class _TaskTypes(dict):
    """class -> whether it is a task class (``asyncio.Task`` or a subclass), decided once per class.

    The per-handle check of the unobserved loop: a dict lookup costs less than
    ``isinstance`` on the common case (a C task, ``NoneType``, a function's class).
    """

    def __missing__(self, kind: type) -> bool:
        is_task = isinstance(kind, type) and issubclass(kind, asyncio.Task)
        if len(self) < 1000:
            self[kind] = is_task
        return is_task


class _LoopState:
    """The step loop's own state, apart from the loop's instance dict.

    CPython keeps an instance's attributes in a compact, shared-key layout only
    up to ~30 of them; asyncio's loop has 26 (27 on 3.14). Past that, every
    ``self._ready`` or ``self._debug`` in asyncio's own code (``call_soon``, once
    per task switch) is a slower lookup: 8 % on 3.13 and 12 % on 3.14 of a program
    that only switches tasks. So ``StepLoop`` adds two attributes only, this
    object and the per-handle flag ``_attention``; the names others use
    (``record``, ``observer``...) are properties reading this object.

    And no ``self.<property> = ...`` inside StepLoop's own methods: 3.13+ lists
    every ``self.X =`` of a class body in ``__static_attributes__``, and 3.14
    reserves a slot of the instances' shared keys for each, property or not.
    Two property names there (``observe_steps``, ``watch_task_ends``) took the
    layout past its 30 keys: asyncio's ``self._ready`` fell back from
    ``LOAD_ATTR_INSTANCE_VALUE`` to ``LOAD_ATTR_WITH_HINT``, 10-14 % of a
    program that only switches tasks on 3.14 (``_observe_from_now`` exists for this).
    """

    __slots__ = (
        "blocked",
        "counting",
        "ended_hint",
        "executor_futures",
        "explore_reads",
        "held",
        "held_for",
        "hinted",
        "internal_fds",
        "observe",
        "observer",
        "on_clock_jump",
        "ran_tasks",
        "ran_unknown",
        "record",
        "steps",
        "task_types",
        "unhintable_task",
        "virtual_now",
        "virtual_time",
        "watch_ends",
        "watch_step",
    )

    def __init__(self, virtual_time: bool) -> None:
        self.virtual_time = virtual_time
        self.virtual_now = 0.0
        self.steps = 0
        #: The frame of ``_run_unobserved`` while it counts steps in a local (see ``StepLoop.steps``).
        self.counting: Any = None
        self.task_types = _TaskTypes()
        self.record = ScheduleRecord()
        self.observer: Optional[StepObserver] = None
        #: Set by ``hint_task_end``: a task may have ended in the handle that runs (see taskends.py).
        self.ended_hint = False
        self.observe = False
        #: Task ends come as hints (3.12+): the unobserved batch looks only after a hinted handle.
        self.hinted = False
        self.watch_ends = False
        #: The step loop has made a task whose coroutine has no Python code: no hint would come.
        self.unhintable_task = False
        #: A step count at which the observer must be asked before the next handle, even under
        #: continue (a replayed pick, ``goto N``): the unobserved batch stops there.
        self.watch_step: Optional[int] = None
        #: Told of each jump of the virtual clock (a replay checks it against the recording).
        self.on_clock_jump: Optional[Callable[[StepLoop], None]] = None
        #: id() of every task that ran a step since the debugger last emptied it (its
        #: pause snapshot redescribes only those; the others cannot have changed).
        self.ran_tasks: Set[int] = set()
        #: Tasks ran unobserved (continue) since the debugger last looked: ``ran_tasks`` is
        #: incomplete, any task may have changed.
        self.ran_unknown = False
        self.executor_futures: List[asyncio.Future] = []
        self.internal_fds = 0
        #: Reasons the virtual clock must not follow real waiting (``hold_clock``), and how long it has not.
        self.held = 0
        self.held_for = 0.0
        #: Real seconds the loop has spent blocked on the outside (select with the program's fds or threads).
        self.blocked = 0.0
        #: corodbg explore's timing family: this loop's reads from the outside (explore/timing.py).
        self.explore_reads: Any = None


def _state_field(name: str) -> property:
    """A property of StepLoop that is ``name`` of its ``_LoopState``."""
    read = operator.attrgetter(name)

    def get(loop: StepLoop) -> Any:
        return read(loop._s)

    def set_(loop: StepLoop, value: Any) -> None:
        setattr(loop._s, name, value)

    return property(get, set_)


class StepLoop(asyncio.SelectorEventLoop):
    """An asyncio event loop where an observer can pause between any two handles."""

    # asyncio's private state that this loop reads and replaces, as BaseEventLoop and
    # BaseSelectorEventLoop set it (typeshed does not declare it). Annotations only.
    _ready: Deque[asyncio.Handle]
    _scheduled: List[Any]  # TimerHandles, whose _when and _scheduled are private too
    _timer_cancelled_count: int
    _stopping: bool
    _debug: bool
    _clock_resolution: float
    _current_handle: Optional[asyncio.Handle]
    _selector: selectors.BaseSelector

    if TYPE_CHECKING:
        def _process_events(self, event_list: List[Any]) -> None: ...
        def _add_reader(self, fd: Any, callback: Callable[..., Any], *args: Any) -> Any: ...
        def _remove_reader(self, fd: Any) -> bool: ...
        _ssock: Any
        def _write_to_self(self) -> None: ...

    #: Called with every new StepLoop, so the debugger can attach itself.
    on_created: Optional[Any] = None
    #: Whether new loops use the virtual clock.
    virtual_time_default: bool = True

    def __init__(self, selector: Any = None) -> None:
        self._s = _LoopState(StepLoop.virtual_time_default)
        #: ``observe_steps or`` a task-end hint: the one flag the unobserved batch reads per handle.
        self._attention = False
        super().__init__(selector)
        self._s.internal_fds = len(self._selector.get_map())
        hook = StepLoop.on_created
        if hook is not None:
            hook(self)

    # The state others read and write (the debugger, time travel), kept in ``_s`` (see _LoopState).
    if TYPE_CHECKING:
        virtual_time: bool
        record: ScheduleRecord
        observer: Optional[StepObserver]
        watch_step: Optional[int]
        on_clock_jump: Optional[Callable[[StepLoop], None]]
        ran_tasks: Set[int]
        ran_unknown: bool
        internal_fds: int
    else:
        virtual_time = _state_field("virtual_time")
        record = _state_field("record")
        observer = _state_field("observer")
        watch_step = _state_field("watch_step")
        on_clock_jump = _state_field("on_clock_jump")
        ran_tasks = _state_field("ran_tasks")
        ran_unknown = _state_field("ran_unknown")
        #: The selector's registrations when the loop was made (its self-pipe): not the program's.
        internal_fds = _state_field("internal_fds")

    # -- what the unobserved batch watches -----------------------------------

    @property
    def observe_steps(self) -> bool:
        """The observer is asked before and told after each handle (a step, a pause request: any thread may set it)."""
        return self._s.observe

    @observe_steps.setter
    def observe_steps(self, value: bool) -> None:
        self._s.observe = value  # before _attention: the batch reads _observe after clearing _attention
        self._attention = value or self._s.ended_hint

    def _observe_from_now(self) -> None:
        """``observe_steps = True`` from inside the class (see _LoopState: no ``self.<property> =`` here)."""
        self._s.observe = True
        self._attention = True

    @property
    def watch_task_ends(self) -> bool:
        """The observer is told of every task's end at once (``on_task_done``): someone looks at pauses."""
        return self._s.watch_ends

    @watch_task_ends.setter
    def watch_task_ends(self, value: bool) -> None:
        self._s.watch_ends = value
        self._s.hinted = value and not self._s.unhintable_task and taskends.start()

    def hint_task_end(self) -> None:
        """A task's coroutine code returned or a coroutine raised (taskends.py): look after this handle."""
        self._s.ended_hint = True
        self._attention = True

    def create_task(self, coro: Any, *args: Any, **kwargs: Any) -> Any:
        """asyncio's ``create_task``; the task's coroutine code then hints at its return (taskends.py)."""
        task = super().create_task(coro, *args, **kwargs)
        if taskends.AVAILABLE:
            get_coro = getattr(task, "get_coro", None)
            inner = get_coro() if get_coro is not None else coro
            if not taskends.watch_code(coro if inner is None else inner) and not task.done():
                self._s.unhintable_task = True  # (a coroutine of C or Cython): every handle is looked at
                self._s.hinted = False
        return task

    # -- the clock -----------------------------------------------------------

    def time(self) -> float:
        """Virtual seconds since the loop was made, or the monotonic clock with --real-time."""
        if self._s.virtual_time:
            return self._s.virtual_now
        return time.monotonic()

    # -- real work: what the virtual clock must not jump over ----------------

    def run_in_executor(self, executor: Optional[concurrent.futures.Executor], func: Callable[[Unpack[_Ts]], _T],
                        *args: Unpack[_Ts]) -> asyncio.Future[_T]:
        future = super().run_in_executor(executor, func, *args)
        self.track_outside_future(future)
        return future

    def track_outside_future(self, future: asyncio.Future) -> None:
        """A loop future that something outside will complete (an executor job, ``wrap_future``).

        Counted while the *loop* future is undone: the outside's result travels
        by ``call_soon_threadsafe``, so there is no window where the job is
        finished, its result not yet delivered, and the clock jumps past it.
        """
        pending = self._s.executor_futures
        if len(pending) > 64:
            pending[:] = [f for f in pending if not f.done()]
        pending.append(future)

    def hold_clock(self, hold: bool) -> None:
        """While held, real waiting does not move the virtual clock (corodbg explore's executor jobs).

        Counted: each ``True`` is ended by one ``False``. A hold lasts at most
        ``_HOLD_LIMIT`` seconds of real waiting (then the clock follows real time
        again), so that work which waits for the loop's own timers still ends.
        """
        self._s.held += 1 if hold else -1
        if self._s.held <= 0:
            self._s.held = 0
            self._s.held_for = 0.0

    @property
    def explore_reads(self) -> Any:
        """What explore's timing family keeps of this loop's reads (held ones, when each began)."""
        return self._s.explore_reads

    @explore_reads.setter
    def explore_reads(self, value: Any) -> None:
        self._s.explore_reads = value

    def real_seconds_blocked(self) -> float:
        """Real seconds this loop has waited on the outside so far (a read from it took part of them)."""
        return self._s.blocked

    def real_work_pending(self) -> bool:
        """Whether something outside the loop may still wake it: then the clock must not jump.

        The outside is: a file descriptor registered with the selector (sockets,
        pipes, a pidfd), a future an executor or a ``concurrent.futures``
        future will complete, a live thread that is not an idle executor
        worker, a live child process (not an idle process-pool worker), and a
        signal handler of the program's own (other than SIGINT's, see
        ``waits_for_interrupt``).
        """
        if len(self._selector.get_map()) > self._s.internal_fds:
            return True
        pending = self._s.executor_futures
        if pending:
            pending[:] = [f for f in pending if not f.done()]
            if pending:
                return True
        main = threading.main_thread()
        frames: Optional[Dict[int, Any]] = None
        for thread in threading.enumerate():
            if thread is main or getattr(thread, "corodbg_internal", False) or not thread.is_alive():
                continue
            if frames is None:
                frames = sys._current_frames()
            if not _is_idle_worker_thread(thread, frames):
                return True
        if _program_signal_handlers() - {int(signal.SIGINT)}:
            return True
        return _live_child_processes(_process_pool_workers() | OWN_CHILDREN)

    def waits_for_interrupt(self) -> bool:
        """The program handles SIGINT itself (a server waiting for Ctrl-C): no deadlock, wait as python does.

        SIGINT alone does not stop the clock's jumps: it comes from the user,
        not from work the program started.
        """
        return int(signal.SIGINT) in _program_signal_handlers()

    # -- one iteration ---------------------------------------------------------

    def _run_once(self) -> None:
        """One asyncio iteration: timers, I/O, then the ready batch one handle at a time."""
        self._collect_ready()
        ready = self._ready
        count = len(ready)
        if not self.observe_steps and not self._debug:
            if self._s.watch_step is None:
                count = self._run_unobserved(count)
            else:
                count = self._run_until_watched(count)
        handle: Optional[asyncio.Handle]
        for _ in range(count):
            if not ready:
                break
            watch = self._s.watch_step
            if watch is not None and self._s.steps >= watch:
                self._observe_from_now()
            if self.observe_steps and self._s.observer is not None:
                if ready[0]._cancelled:
                    # One of the batch, as the unobserved path counts it: the batch must end at the
                    # same handle observed or not, or a replay (observed only at its picks) would
                    # collect due timers at another point than the run it replays.
                    ready.popleft()
                    continue
                index = self._s.observer.before_step(self)
                if index:
                    handle = ready[index]
                    del ready[index]
                    self._s.record.picks[self.steps] = index
                else:
                    handle = ready.popleft()
            else:
                handle = ready.popleft()
            if handle._cancelled:
                continue
            self._s.steps += 1
            if self._debug:
                self._run_timed(handle)
            else:
                handle._run()
            if self.watch_task_ends:
                self._check_task_end(handle)
            if self.observe_steps and self._s.observer is not None:
                self._s.observer.after_step(self, handle)
        # As asyncio's ``_run_once`` does: a frame object of this call may outlive it (the
        # traceback of a task's exception links back to it), and must not keep the last
        # handle, hence its task, alive: "exception was never retrieved" would come late.
        handle = None

    # -- the step count ------------------------------------------------------------

    @property
    def steps(self) -> int:
        """Handles run so far (cancelled ones skipped), exact at any moment, also inside a handle.

        While a ready batch runs unobserved (continue), the count is not kept per
        handle: it follows from the locals of ``_run_unobserved`` (the count before
        the batch, the index of the handle now running, the cancelled ones
        skipped), read from its frame, which is as exact as the attribute.
        """
        counting = self._s.counting
        if counting is not None:
            batch = counting.f_locals
            return batch["base"] + batch["index"] + 1 - batch["skipped"]
        return self._s.steps

    @steps.setter
    def steps(self, value: int) -> None:
        self._s.steps = value

    def _run_until_watched(self, count: int) -> int:
        """The unobserved batch, stopping (observed) before the handle that would pass ``watch_step``."""
        while count and not self.observe_steps:
            watch = self._s.watch_step
            if watch is None:
                return self._run_unobserved(count)
            if self._s.steps >= watch:
                self._observe_from_now()
                break
            chunk = min(count, watch - self._s.steps)
            left = self._run_unobserved(chunk)
            count -= chunk - left
            if left:
                break
        return count

    def _run_unobserved(self, count: int) -> int:
        """The ready batch while nobody observes (continue): only task ends and the pause flag.

        Per handle, besides asyncio's own loop (``for``, ``popleft``, the
        ``_cancelled`` check, ``_run``): one attribute read, ``_attention``
        (``observe_steps``, set by a pause request from any thread, or a task-end
        hint). No step counter: the count is ``base + index + 1 - skipped``
        (see ``steps``). When task ends are watched, the task the handle stepped
        is looked at only after a hinted handle on 3.12+
        (agent/tracing/taskends.py), after every handle before 3.12 or when a
        task's coroutine has no Python code. Which tasks ran is not noted:
        ``ran_unknown`` tells the next pause that any task may have changed.
        Returns how many handles of the batch are left when observation starts
        during it (a pause request, a breakpoint, a pause in ``on_task_done``).
        """
        popleft = self._ready.popleft
        base = self._s.steps
        index = -1
        skipped = 0
        handle = None
        self._s.ran_unknown = True
        # As asyncio's own loop, the batch's handles are popped without checking the queue
        # (nothing else takes from it while the batch runs unobserved).
        self._s.counting = sys._getframe()
        try:
            task: Any = None
            if self._s.hinted:
                for index in range(count):
                    handle = popleft()
                    if handle._cancelled:
                        skipped += 1
                        continue
                    handle._run()
                    if self._attention:
                        if self._s.ended_hint:
                            self._s.ended_hint = False
                            self._attention = False  # (before observe_steps is read, below)
                            task = getattr(handle._callback, "__self__", None)  # type: ignore[attr-defined]
                            if self._s.task_types[task.__class__] and task.done():
                                self._batch_task_ended(base + index + 1 - skipped, task)
                            task = None
                        if self._s.observe:
                            self._batch_observed(base + index + 1 - skipped, handle)
                            return count - index - 1
            elif self.watch_task_ends:
                task_types = self._s.task_types
                for index in range(count):
                    handle = popleft()
                    if handle._cancelled:
                        skipped += 1
                        continue
                    handle._run()
                    # A task step or wake-up is a method of its task (``__self__``); cheaper than
                    # isinstance, the dict knows every class it has seen (see _TaskTypes).
                    task = getattr(handle._callback, "__self__", None)  # type: ignore[attr-defined]
                    if task_types[task.__class__] and task.done():
                        self._batch_task_ended(base + index + 1 - skipped, task)
                    task = None  # a finished task must be freeable before the next handle runs
                    if self._attention and self._observed_now():
                        self._batch_observed(base + index + 1 - skipped, handle)
                        return count - index - 1
            else:
                for index in range(count):
                    handle = popleft()
                    if handle._cancelled:
                        skipped += 1
                        continue
                    handle._run()
                    if self._attention and self._observed_now():
                        self._batch_observed(base + index + 1 - skipped, handle)
                        return count - index - 1
            return 0
        finally:
            self._s.steps = base + index + 1 - skipped
            self._s.counting = None
            handle = task = None  # as in _run_once: no frame object of this call may keep the last handle

    def _observed_now(self) -> bool:
        """Whether observation starts (a pause request): a mere task-end hint is dropped where nobody takes hints."""
        self._s.ended_hint = False
        self._attention = False
        if self._s.observe:  # read after clearing: a pause request set from another thread meanwhile is not lost
            self._attention = True
            return True
        return False

    def _batch_task_ended(self, steps: int, task: asyncio.Task) -> None:
        """A task ended in the unobserved batch: the observer is told, with the step count exact.

        Called from ``_run_unobserved`` only (rarely: at a task's end), whose frame
        keeps counting in its local once this returns.
        """
        self._s.steps = steps
        self._s.counting = None
        self._task_ended(task)
        self._s.counting = sys._getframe(1)

    def _batch_observed(self, steps: int, handle: asyncio.Handle) -> None:
        """Observation starts in the unobserved batch (a pause request, a breakpoint): the count is
        handed back to the loop and the observer sees the step just run."""
        self._s.steps = steps
        self._s.counting = None
        if self._s.observer is not None:
            self._s.observer.after_step(self, handle)

    def _check_task_end(self, handle: asyncio.Handle) -> None:
        """Note which task ran, and tell the observer when the step ended its task (observed steps)."""
        task: Any = getattr(handle._callback, "__self__", None)  # type: ignore[attr-defined]
        if self._s.task_types[task.__class__]:
            if not task.done():
                self._s.ran_tasks.add(id(task))  # bounded by the live tasks: done ones are dropped
            else:
                self._task_ended(task)

    def _task_ended(self, task: asyncio.Task) -> None:
        self._s.ran_tasks.discard(id(task))
        if self._s.observer is not None:
            self._s.observer.on_task_done(self, task)

    def _run_timed(self, handle: asyncio.Handle) -> None:
        """Asyncio's debug mode: warn about slow callbacks, as base_events does."""
        from asyncio import base_events

        self._current_handle = handle
        started = time.monotonic()
        handle._run()
        dt = time.monotonic() - started
        if dt >= self.slow_callback_duration:
            # base_events' own logger, looked up now: as asyncio's (tests patch it there)
            base_events.logger.warning("Executing %s took %.3f seconds",  # type: ignore[attr-defined]
                                       base_events._format_handle(handle), dt)  # type: ignore[attr-defined]
        self._current_handle = None
        # The frame of this call outlives it when a task's exception traceback links back here
        # (f_back of the task's frame): it must not keep the handle, as in _run_once.
        handle = None  # type: ignore[assignment]

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
        """Poll the selector; with the virtual clock, jump time instead of sleeping.

        The clock jumps only when nothing outside the loop can still wake it
        (``real_work_pending``); otherwise the loop waits for real, in slices
        so that a thread or child ending without a word is noticed, and the
        clock advances by the real time waited.
        """
        select = self._selector.select
        if not self._s.virtual_time or timeout == 0:
            if timeout == 0:
                events = select(0)
                if events:
                    self._s.record.outside.append((self.steps, 0.0, len(events)))
                return events
            started = time.monotonic()
            events = select(timeout)
            self._s.record.outside.append((self.steps, time.monotonic() - started, len(events)))
            return events
        if self.real_work_pending():
            started = time.monotonic()
            events = select(_REAL_WAIT_SLICE if timeout is None else min(timeout, _REAL_WAIT_SLICE))
            waited = time.monotonic() - started
            self._s.blocked += waited
            if self._s.held and self._s.held_for < _HOLD_LIMIT:
                self._s.held_for += waited
            else:
                self._s.virtual_now += waited
            self._s.record.outside.append((self.steps, waited, len(events)))
            return events
        events = select(0)
        if events:
            self._s.record.outside.append((self.steps, 0.0, len(events)))
            return events
        if timeout is not None:
            self._s.virtual_now = self._scheduled[0]._when
            self._s.record.clock.append((self.steps, self._s.virtual_now))
            on_clock_jump = self._s.on_clock_jump
            if on_clock_jump is not None:
                on_clock_jump(self)
            return events
        if self.waits_for_interrupt():
            started = time.monotonic()
            events = select(None)  # as python: until the user's Ctrl-C (or a pause request)
            self._s.record.outside.append((self.steps, time.monotonic() - started, len(events)))
            return events
        # Nothing ready, nothing scheduled, nothing pending: a deadlock, unless
        # something corodbg cannot see wakes us. Tell the debugger, then block
        # as plain asyncio would.
        if self._s.observer is not None:
            self._s.observer.on_deadlock(self)
            if self._ready or self._scheduled or self._stopping:
                return []
        return select(None)


def track_wrapped_futures() -> None:
    """Make ``asyncio.wrap_future`` tell a step loop that an outside future will wake it.

    A ``concurrent.futures.Future`` (work in a pool, a thread of the
    program's) completes the loop's future from outside; while it is pending
    the clock must not jump past it (a ``wait_for`` timeout would fire early).
    """
    original = asyncio.futures.wrap_future
    if getattr(original, "corodbg_tracking", False):
        return

    def wrap_future(future: Any, *, loop: Any = None) -> Any:
        wrapped = original(future, loop=loop)
        owner = wrapped.get_loop() if wrapped is not future else None
        if isinstance(owner, StepLoop) and not wrapped.done():
            owner.track_outside_future(wrapped)
        return wrapped

    wrap_future.__doc__ = original.__doc__
    wrap_future.corodbg_tracking = True  # type: ignore[attr-defined]
    asyncio.futures.wrap_future = wrap_future
    asyncio.wrap_future = wrap_future


def step_the_programs_own_loop_classes() -> None:
    """``asyncio.SelectorEventLoop`` and the default policy's factory become ``StepLoop``.

    A program that makes its own loop class (``class MyLoop(asyncio.SelectorEventLoop)``),
    its own policy (a ``DefaultEventLoopPolicy`` subclass), or passes
    ``loop_factory=asyncio.SelectorEventLoop`` then still runs on the step loop:
    the class it names *is* the step loop. Called before the program runs.
    """
    for module in (asyncio, asyncio.unix_events if hasattr(asyncio, "unix_events") else None):
        # (3.13+ also names the platform's loop asyncio.EventLoop)
        for name in ("SelectorEventLoop", "EventLoop"):
            if module is not None and getattr(module, name, None) is not None:
                setattr(module, name, StepLoop)
    # The default policy by its module-private name: the public one warns on 3.14+ (deprecated).
    policy_class = getattr(asyncio.unix_events, "_UnixDefaultEventLoopPolicy", None)
    if policy_class is not None and hasattr(policy_class, "_loop_factory"):
        policy_class._loop_factory = StepLoop


def watch_running_loops(on_foreign: Any) -> None:
    """Call ``on_foreign(loop)`` when a loop that is not a step loop starts running (uvloop, a loop of the program's).

    Every asyncio loop, uvloop's too, sets itself as the running loop through
    ``asyncio.events._set_running_loop``; the debugger can then say at once
    that the program left the step loop, instead of ending with "step 0".
    """
    original = asyncio.events._set_running_loop
    if getattr(original, "corodbg_watching", False):
        return

    def _set_running_loop(loop: Any) -> None:
        if loop is not None and not isinstance(loop, StepLoop):
            try:
                on_foreign(loop)
            except Exception:
                pass
        original(loop)

    _set_running_loop.corodbg_watching = True  # type: ignore[attr-defined]
    asyncio.events._set_running_loop = _set_running_loop
    asyncio._set_running_loop = _set_running_loop
