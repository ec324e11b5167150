"""The debugger core: pause points, and the commands that resume from them.

Modelled on ``bdb``: the ``Debugger`` owns the mechanics (which loop, which
mode, when to stop) and reports each pause as a plain ``PauseEvent`` to a
``Frontend``, which answers with the command to resume with. The core never
knows who the frontend is: the pipe to the UI, a list of ``-c`` commands, or a
test.

Pause points: ``start`` (a loop is about to run its first handle), after each
command (``send``: before the next ready handle; ``step``: at the next line of
user code, or when a coroutine suspends), ``deadlock``, and ``end`` (the
program is over).

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import asyncio
import linecache
import os
import sys
import threading as _threading
import traceback
import types
import weakref
from collections import OrderedDict

from corodbg.agent.inspection import introspect, values, wake
from corodbg.agent.inspection.evaluate import awaiting_code, error_line, evaluate, execute, start_awaiting
from corodbg.agent.inspection.saferepr import bounded_call, repr_timer, safe_repr, safe_str
from corodbg.agent.inspection.task_cache import ReadyItemCache, TaskInfoCache
from corodbg.agent.loop.step_loop import StepLoop
from corodbg.agent.protocol import TRAVEL_COMMANDS
from corodbg.agent.runner import flush_std_streams
from corodbg.agent.tracing import taskends
from corodbg.agent.tracing.breakpoints import BreakpointError, BreakpointTable, parse_breakpoint_spec
from corodbg.agent.tracing.linehooks import LineHooks
from corodbg.agent.tracing.tracer import BreakpointMonitor, LineTracer
from corodbg.agent.tracing.usercode import OWN_FILES, display_path, is_user_file

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Optional, Protocol, Tuple

    from corodbg.agent.protocol import Location, PauseEvent, TaskInfo

#: Modes: what the program is doing until the next pause.
START, SEND, STEP, NEXT, FINISH, CONTINUE = "start", "send", "step", "next", "finish", "continue"
#: ``goto N`` forwards: as continue, breakpoints ignored, until step N.
GOTO = "goto"
#: ``p await EXPR``: everything runs but the task paused in (held), until the awaited is done.
AWAIT = "await"
TRACED_MODES = (STEP, NEXT, FINISH)
LOG_LIMIT = 200
ENDED_LIMIT = 1000  # finished tasks remembered after they are collected


if TYPE_CHECKING:
    class Frontend(Protocol):
        """Who the debugger reports pauses to and takes commands from."""

        @property
        def wants_pauses(self) -> bool:
            """False when nobody looks at pauses (plain --headless): they are skipped."""

        def next_command(self, pause: PauseEvent) -> Dict[str, Any]:
            """The command to resume with (may block until one comes)."""

        def reply(self, command: Dict[str, Any], text: str, ok: bool) -> None:
            """The answer to a command that does not resume (``p``, ``break``), or its error."""

        def on_exit(self, code: int) -> None:
            """The program is over; ``code`` is its exit status."""


class Debugger:
    """Pauses the program at the points the user asked for."""

    def __init__(self, frontend: Frontend, *, pause_at_start: bool = True) -> None:
        self.frontend = frontend
        self.mode = START if pause_at_start else CONTINUE
        self.breakpoints = BreakpointTable()
        self.tracer = LineTracer(self._on_line, self._on_return, self._line_events_wanted)
        # Breakpoints are calls compiled into the code (linehooks.py): an unhit one costs nothing.
        # Line events serve only what cannot be recompiled (its ``fallback``): sys.monitoring's
        # on 3.12+ (local to that code), settrace's before.
        self.linehooks = LineHooks(self._on_hook)
        self.monitor = BreakpointMonitor(self._on_line, self._line_events_wanted, self._line_event_wanted) \
            if BreakpointMonitor.available() else None
        self.hooked_version = 0
        self.loop_ref: Optional[weakref.ReferenceType] = None
        self.last_loop: Optional[StepLoop] = None
        #: ``p await EXPR`` in progress: the task running it, and the command (answered when it is done).
        #: (the task running it, the command, the task held at its pause, the frame it was typed in).
        self.awaiting: Optional[Tuple[asyncio.Task, Dict[str, Any], Optional[asyncio.Task],
                                      types.FrameType]] = None
        #: Tasks of corodbg's own (an await's): not listed among the program's finished tasks.
        self.ended_quietly: weakref.WeakSet[asyncio.Task] = weakref.WeakSet()
        self.parked: List[asyncio.Handle] = []  # the held task's handles while an await runs
        self.steps_before = 0       # steps run by loops that came before the current one
        self.pick = 0               # 0-based ready index the next send runs
        self.log: List[Dict[str, Any]] = []
        self.log_dropped = 0
        self.pending_log: Optional[Dict[str, Any]] = None   # the entry of the handle now running
        self.pending_handle: Optional[asyncio.Handle] = None
        self.lines_in_handle = 0
        self.pausing = False
        self.pause_requested = False
        self.stop_frames: List[types.FrameType] = []    # next/finish: stop at these frames' lines
        self.return_frames: List[types.FrameType] = []  # ... and at their callers' once they return
        self.target_task: Optional[asyncio.Task] = None
        self.task_ids: weakref.WeakKeyDictionary[asyncio.Task, int] = weakref.WeakKeyDictionary()
        self.next_task_id = 1
        # How finished tasks ended, as plain data: a task object may be collected
        # any time after it ends (holding it would delay asyncio's "exception was
        # never retrieved"), but the UI keeps showing its result.
        self.ended: OrderedDict[int, TaskInfo] = OrderedDict()
        self.task_cache = TaskInfoCache()
        self.ready_cache = ReadyItemCache()
        #: The tasks (their labels; None: a callback) whose steps ran, observed, since the last pause; at most two.
        self.runners_since_pause: List[Optional[str]] = []
        self.detached = False  # in a forked child (see forget_in_child)
        self.foreign_loops: set = set()  # loop classes already reported by on_foreign_loop
        # -- recording, replay and time travel (docs/time-travel.md) --
        #: Every non-head pick, over all loops: {"step", "index", "item"} (step: the steps run before it).
        self.picks: List[Dict[str, Any]] = []
        #: (steps of the loops before, the loop's record) for every loop adopted.
        self.records: List[Tuple[int, Any]] = []
        self.replay: Optional[Any] = None          # a schedule.Replay (--replay)
        self.goto_step: Optional[int] = None       # goto N: pause before the handle after step N
        #: Called with the exit status when the program ends (writes the --record file).
        self.on_end: Optional[Any] = None
        #: --timeline: one entry per step (step, task id, task name, clock), plus instants.
        self.timeline: Optional[List[Tuple[Any, ...]]] = None
        #: Pauses presented so far (the index of the current pause is ``pause_index - 1``).
        self.pause_index = 0
        #: (pause index, step, reason) of every pause presented.
        self.pause_log: List[Tuple[int, int, str]] = []
        #: (task name, the user frames it is in, outermost first) at every pause presented, as in
        #: pause_log: what reverse-next and reverse-finish compare (frames by id and code).
        self.pause_stacks: List[Tuple[str, Tuple[Tuple[int, int], ...]]] = []
        #: (pause index, command) of every command applied at a pause, in order.
        self.history: List[Tuple[int, Dict[str, Any]]] = []
        #: A time_travel.TimeTravel when going back is possible.
        self.time_travel: Optional[Any] = None
        #: The UI's timeline (recording/lanes.py): observed steps, wake-ups, marks.
        self.lanes: Optional[Any] = None

    # -- wiring ----------------------------------------------------------------

    def attach(self) -> None:
        """Adopt every StepLoop created from now on; answer ``breakpoint()``; let go of forked children."""
        StepLoop.on_created = self._adopt
        sys.breakpointhook = self._breakpoint_builtin
        _attached[:] = [self]
        if not _fork_hooks_registered and hasattr(os, "register_at_fork"):
            os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child,
                                after_in_parent=_after_fork_in_parent)
            _fork_hooks_registered.append(True)

    def detach(self) -> None:
        StepLoop.on_created = None
        sys.breakpointhook = sys.__breakpointhook__
        self._stop_tracing()
        taskends.stop()
        if _attached and _attached[0] is self:
            _attached.clear()

    def forget_in_child(self) -> None:
        """In a forked child: the debugger lets go of it entirely.

        The child (``os.fork``, a ProcessPoolExecutor worker) is not the
        debugged program: it says nothing on the parent's channel (no output
        events, no pause, no exit), is not traced and never pauses. Its output
        still reaches fds 1 and 2, as under python.
        """
        self.detached = True
        self.pause_requested = False
        self.mode = CONTINUE
        self._stop_tracing()
        StepLoop.on_created = None
        sys.breakpointhook = sys.__breakpointhook__
        for loop in (self.loop, self.last_loop):
            if loop is not None:
                loop.observer = None
                loop.observe_steps = False
                loop.watch_task_ends = False
        taskends.stop()
        forget = getattr(self.frontend, "forget_in_child", None)
        if forget is not None:
            forget()
        else:
            _silence_channel_frontend(self.frontend)

    def _adopt(self, loop: StepLoop) -> None:
        previous = self.loop
        if previous is not None:
            self.steps_before += previous.steps
        self.loop_ref = weakref.ref(loop)
        self.last_loop = loop  # kept after the program drops it: the end pause still shows it
        loop.observer = self
        loop.observe_steps = self.mode != CONTINUE or self.timeline is not None
        self.records.append((self.steps_before, loop.record))
        if self.replay is not None:
            loop.on_clock_jump = self._check_clock_jump
        self._update_watch(loop)
        # How tasks end matters only to pauses: plain --headless shows none.
        loop.watch_task_ends = self.pauses_seen

    def _quit(self) -> None:
        """End the program here and now: none of its code runs any more (not even finally blocks)."""
        self._stop_tracing()
        flush_std_streams()
        if self.on_end is not None:
            self.on_end(0)
        self.frontend.on_exit(0)
        os._exit(0)

    def _stop_tracing(self) -> None:
        self.tracer.stop()
        if self.monitor is not None:
            self.monitor.stop()

    @property
    def loop(self) -> Optional[StepLoop]:
        """The step loop running in this thread, else the newest one made.

        A program may run another loop in a thread (``asyncio.run`` in a
        ``threading.Thread``): a pause describes the loop of the thread it is in.
        """
        running = asyncio._get_running_loop()
        if isinstance(running, StepLoop):
            return running
        return self.loop_ref() if self.loop_ref is not None else None

    def _set_mode(self, mode: str, frame: Optional[types.FrameType] = None) -> None:
        """Enter a mode: which loop observation and which tracing it needs."""
        self.mode = mode
        loop = self.loop
        if loop is not None:
            # The handle this command runs (or finishes) is observed to its end even
            # under continue, so its log entry is complete; after_step then stops it.
            loop.observe_steps = True
            # Who looks may have changed (the last -c command given): task ends matter only to pauses.
            loop.watch_task_ends = self.pauses_seen
        if self.monitor is not None:
            self.monitor.stop()
        if self.hooked_version != self.breakpoints.version:
            self.hooked_version = self.breakpoints.version
            self.linehooks.apply(*self.breakpoints.lines_by_file())
        if mode in TRACED_MODES:
            self.tracer.start(frame or sys._getframe(), all_user_code=True)
        elif self.breakpoints and mode != GOTO and self.linehooks.any_fallback:
            self.tracer.stop()
            if self.monitor is not None:
                self.monitor.start()
            if self.monitor is None or not self.monitor.active:
                self.tracer.start(frame or sys._getframe(), all_user_code=False)
        else:
            self.tracer.stop()

    @property
    def pauses_seen(self) -> bool:
        """Someone looks at pauses: the frontend (its ``wants_pauses``), or the timeline being drawn."""
        return self.frontend.wants_pauses or self.timeline is not None

    # -- StepObserver ------------------------------------------------------------

    def _update_watch(self, loop: Optional[StepLoop]) -> None:
        """Where the loop must ask before_step even under continue: the next replayed pick, goto's step."""
        if loop is None:
            return
        wanted = [self.goto_step]
        if self.replay is not None:
            wanted.append(self.replay.pick_step())
        if self.time_travel is not None:
            wanted.append(self.time_travel.next_step)
        local = [step - self.steps_before for step in wanted if step is not None]
        loop.watch_step = min(local) if local else None

    def _check_clock_jump(self, loop: StepLoop) -> None:
        if self.replay is None or not self.replay.active:
            return
        step, when = loop.record.clock[-1]
        problem = self.replay.check_jump(self.steps_before + step, when)
        if problem is not None:
            self._diverged(loop, problem)

    def _diverged(self, loop: Optional[StepLoop], why: str) -> None:
        """The replay cannot go on as recorded: stop replaying, and say where and why (a pause)."""
        if self.replay is not None:
            self.replay.stop()
        self._update_watch(loop)
        self._pause("divergence", loop, message=f"replay diverged: {why}", force=True)

    def before_step(self, loop: StepLoop) -> int:
        lanes = self.lanes
        if lanes is not None:
            self._lanes_woke(loop, lanes, self.steps_before + loop.steps)
        index = self._before_step(loop)
        if lanes is not None:
            lanes.seen, lanes.seen_at = len(loop._ready) - 1, self.steps_before + loop.steps
        return index

    def _lanes_woke(self, loop: StepLoop, lanes: Any, step: int) -> None:
        """The tasks whose handles were queued since the ready queue was last looked at (at ``step``)."""
        ready = loop._ready
        if lanes.seen_at == step and len(ready) > lanes.seen:
            from itertools import islice

            from corodbg.agent.recording.lanes import owners

            new = list(islice(reversed(ready), len(ready) - lanes.seen))[::-1]  # (in queue order)
            lanes.woke(step, owners(new, introspect.task_of_callback, lanes.lane_id))
        lanes.seen, lanes.seen_at = len(ready), step

    def _before_step(self, loop: StepLoop) -> int:
        travel = self.time_travel
        if travel is not None and travel.next_step is not None and \
                self.steps_before + loop.steps >= travel.next_step:
            travel.between_steps(self, loop)  # a checkpoint every so many steps
            self._update_watch(loop)
        if self.goto_step is not None and self.steps_before + loop.steps >= self.goto_step:
            self.goto_step = None
            self._update_watch(loop)
            if self.mode == GOTO:
                self.mode = CONTINUE
            self._pause("goto", loop, message=f"at step {self.current_step()}")
        if loop.steps == 0 and self.mode in (START, SEND):
            self._pause(START, loop)
        elif self.pause_requested and not _wakes_the_loop(loop, loop._ready[0]):
            # (The pause request's own wake-up of the loop runs first: pausing on it would
            # show the loop's plumbing, not the program.)
            self._pause("pause", loop)
        elif self.mode == SEND and not (loop._ready and introspect.is_housekeeping(loop._ready[0])):
            self._pause(SEND, loop)
        index, self.pick = self.pick, 0
        if index >= len(loop._ready):
            index = 0
        replay = self.replay
        if replay is not None and replay.active:
            index = self._replayed_pick(loop, replay, index)
        if index:
            from corodbg.agent.recording.schedule import handle_identity

            self.picks.append({"step": self.steps_before + loop.steps, "index": index,
                               "item": handle_identity(loop._ready[index])})
        if self.mode == AWAIT:
            self._park_held(loop)
        self._begin_log_entry(loop, index)
        return index

    def _replayed_pick(self, loop: StepLoop, replay: Any, index: int) -> int:
        """--replay: the ready item the recording ran at this step (its index), if a pick is due."""
        from corodbg.agent.recording.schedule import choose

        step = self.steps_before + loop.steps
        due = replay.pick_step()
        if due is None or due > step:
            return index
        if due == step and replay.next_pick == 0 and not replay.shown_first_deviation and replay.data.get("explore"):
            # A schedule corodbg explore saved: the run pauses where it first leaves asyncio's order,
            # so the user sees the state the interleaving breaks (a send N there leaves the schedule).
            replay.shown_first_deviation = True
            words = (replay.data["explore"].get("deviations") or [""])[0]
            message = f"next is the saved schedule's first deviation: {words}" if words else \
                "next is the saved schedule's first deviation"
            self._pause("deviation", loop, message=message)
            index, self.pick = index or self.pick, 0
        if due < step:
            self._diverged(loop, f"step {step}: the recorded pick at step {due} was not reached")
            return index
        if index:
            replay.stop()
            self._update_watch(loop)
            self._note(f"replay: left the recorded schedule at step {step} (send {index + 1})")
            return index
        chosen, why = choose(replay, loop._ready, step)
        self._update_watch(loop)
        if chosen is None:
            self._diverged(loop, why)
            return 0
        if chosen and self.lanes is not None:  # the timeline shows where the schedule leaves asyncio's order
            task = introspect.task_of_callback(loop._ready[chosen]._callback)  # type: ignore[attr-defined]
            self.lanes.mark(step, self.lanes.lane_id(task), "deviation",
                            f"the schedule ran ready item {chosen + 1} here, not the head")
        return chosen

    # -- the timing family's deviations (a replay of a corodbg explore schedule) ----------

    def scaled_wait_made(self, source: Optional[str] = None
                         ) -> Tuple[int, Optional[asyncio.Task], Optional[types.FrameType]]:
        """Where a wait the schedule scales is made: the step, the task, the user's frame (``timing.on_made``)."""
        return self.current_step(), self._current_task(), introspect.user_caller(sys._getframe(1))

    def scaled_wait(self, index: int, asked: float, given: float, kind: str, made: Any) -> None:
        """A timer, an executor job or a read the replayed schedule scales: a mark on the timeline, and at the
        first scaled timer of a corodbg explore schedule, a pause where the program makes it."""
        step, task, frame = made
        if kind == "job":
            text = f"executor job #{index} took {given:.6g} s as the program saw it (it ran {asked:.6g} s)"
        elif kind == "read":
            text = f"read #{index} let through after {given:.6g} s, not {asked:.6g} s (the outside answered later)"
        else:
            text = f"timer #{index} fires after {given:.6g} s, not {asked:.6g} s (x{given / asked:.3g})"
        if self.lanes is not None:
            self.lanes.mark(step, self.lanes.lane_id(task), "deviation", text)
        replay = self.replay
        if kind == "timer" and frame is not None and replay is not None and replay.data.get("explore") \
                and not replay.shown_first_deviation and self.mode != GOTO:
            replay.shown_first_deviation = True
            self._pause("deviation", self.loop, frame=frame, task=task,
                        message=f"the saved schedule's first scaled timer is made here: {text}")

    def _note(self, text: str) -> None:
        notice = getattr(self.frontend, "notice", None)
        if notice is not None:
            notice(text)
        elif sys.__stderr__ is not None:
            sys.__stderr__.write(f"corodbg: {text}\n")
            sys.__stderr__.flush()

    def _park_held(self, loop: StepLoop) -> None:
        """While ``await`` runs, the held task (the one it was typed in) does not run: its ready
        handles are taken out of the queue (marked cancelled, which the loop skips) and kept in
        order; ``_unpark`` puts them back at the head, as they were."""
        held = self.awaiting[2] if self.awaiting is not None else None
        if held is None:
            return
        for handle in loop._ready:
            if not handle._cancelled and introspect.task_of_callback(handle._callback) is held:  # type: ignore[attr-defined]
                handle._cancelled = True
                self.parked.append(handle)

    def _unpark(self, loop: Optional[StepLoop]) -> None:
        if not self.parked or loop is None:
            return
        handles, self.parked = self.parked, []
        for handle in reversed(handles):
            handle._cancelled = False
            try:
                loop._ready.remove(handle)  # (still queued, skipped as cancelled)
            except ValueError:
                pass
            loop._ready.appendleft(handle)

    def after_step(self, loop: StepLoop, handle: asyncio.Handle) -> None:
        task = introspect.task_of_callback(handle._callback)  # type: ignore[attr-defined]
        if len(self.runners_since_pause) < 2:  # one is all the wake reasons need to know
            # A label, not the task: a finished task must be freed as under python (never-retrieved exceptions).
            self.runners_since_pause.append(introspect.task_label(task) if task is not None else None)
        entry = self.pending_log
        # The entry may belong to an earlier handle that ran while nobody observed
        # (continue): then it cannot be finished and is dropped.
        if entry is not None and handle is self.pending_handle:
            self._finish_log_entry(entry, task)
        self.pending_log = self.pending_handle = None
        lines, self.lines_in_handle = self.lines_in_handle, 0
        lanes = self.lanes
        if lanes is not None:
            step = self.steps_before + loop.steps
            if lanes.seen_at == step - 1:
                lanes.seen_at = step
            self._lanes_woke(loop, lanes, step)
            lanes.ran(step, lanes.lane_id(task),
                      task.get_name() if task is not None else _callback_name(handle), loop.time(),
                      (entry.get("outcome") or "") if entry is not None else "")
        timeline = self.timeline
        if timeline is not None:
            timeline.append((self.steps_before + loop.steps, self._task_id(task) if task is not None else 0,
                             task.get_name() if task is not None else _callback_name(handle), loop.time()))
        elif self.mode in (CONTINUE, GOTO) and not self.pause_requested:
            loop.observe_steps = False  # (AWAIT keeps observing: it picks past the held task)
        if task is None:
            return
        if self.mode == STEP and not task.done() and lines:
            chain = introspect.await_chain(task.get_coro())
            frame = introspect.innermost_user_frame(chain)
            if frame is not None:
                waits = introspect.awaiting_description(chain) or "a future"
                message = f"{task.get_name()} suspended at line {frame.f_lineno}, awaiting {waits}"
                self._pause(STEP, loop, message=message, task=task, location=introspect.location_of(frame))
        elif self.mode in (NEXT, FINISH) and task is self.target_task and task.done():
            self._pause(self.mode, loop, message=f"{introspect.task_label(task)} {introspect.outcome_text(task)}")

    def on_task_done(self, loop: StepLoop, task: asyncio.Task) -> None:
        """Keep how the task ended; if it raised, pause at the raise site."""
        if task in self.ended_quietly:
            self.ended_quietly.discard(task)
            if self.awaiting is not None and self.awaiting[0] is task:
                self._finish_await(loop, task)
            return
        task_id = self._task_id(task)
        self.ended[task_id] = introspect.task_info(task, task_id=task_id, ready_tasks={}, running=None,
                                                   running_frame=None)
        if len(self.ended) > ENDED_LIMIT:
            self.ended.popitem(last=False)
        if self.timeline is not None and task.cancelled():
            self.timeline.append(("cancelled", task_id, task.get_name(), loop.time(), self.current_step()))
        if self.lanes is not None and task.cancelled():
            self.lanes.mark(self.current_step(), self.lanes.lane_id(task), "cancelled", f"{task.get_name()} cancelled")
        error = None if task.cancelled() else getattr(task, "_exception", None)
        if error is not None:
            self._pause_on_task_exception(loop, task, error)

    def _pause_on_task_exception(self, loop: StepLoop, task: asyncio.Task, error: BaseException) -> None:
        """A task's coroutine raised (``error``): pause at the raise site, with the traceback."""
        if not self.pauses_seen:
            return
        raise_site = None  # the innermost traceback entry in user code
        tb = error.__traceback__
        while tb is not None:
            if is_user_file(tb.tb_frame.f_code.co_filename):
                raise_site = tb
            tb = tb.tb_next
        raise_frame = raise_site.tb_frame if raise_site is not None else None
        frame = introspect.frame_info(raise_frame) if raise_frame is not None else None
        where: Optional[Location] = None
        if raise_site is not None and frame is not None:
            frame["line"] = raise_site.tb_lineno
            where = {"file": frame["file"], "line": frame["line"], "function": frame["function"],
                     "path": frame["path"]}
        text = safe_str(error)  # program code: may raise or loop (python shows "<exception str() failed>")
        summary = f"{type(error).__name__}: {text}" if text else type(error).__name__
        details = {
            "type": type(error).__name__, "message": text[:1000],
            "traceback": bounded_call(lambda: "".join(traceback.format_exception(
                type(error), error, error.__traceback__)), summary + "\n", 1.0)[-20000:],
            "frame": frame,
            "stack": _traceback_entries(error.__traceback__),
        }
        self._pause("exception", loop, task=task, message=f"{introspect.task_label(task)} raised {summary}",
                    location=where, exception=details, eval_frame=raise_frame)

    def on_deadlock(self, loop: StepLoop) -> None:
        waits = []
        for task, _ in self._tasks(loop):
            if not task.done():
                chain = introspect.await_chain(task.get_coro())
                what = introspect.awaiting_description(chain) or "a future"
                waits.append(f"{introspect.task_label(task)} waits on {what}")
        message = "deadlock: nothing is ready and nothing can wake the loop" + (
            "; " + "; ".join(waits) if waits else "") + \
            " (if something outside the program would wake it, run with --real-time)"
        self._pause("deadlock", loop, message=message, force=True)

    def on_foreign_loop(self, loop: Any) -> None:
        """A loop that is not a step loop starts running (uvloop, a loop class of the program's own).

        It cannot be paused or stepped: say so at once (once per loop class),
        rather than let the program end as "finished · step 0" with no word.
        """
        kind = f"{type(loop).__module__}.{type(loop).__qualname__}"
        if kind in self.foreign_loops or self.detached or not self.pauses_seen:
            return
        self.foreign_loops.add(kind)
        text = (f"the program runs its own event loop ({kind}), not corodbg's step loop: it runs without "
                "pauses, steps or breakpoints in coroutines until it returns to a step loop "
                "(use asyncio's default loop to debug it)")
        notice = getattr(self.frontend, "notice", None)
        if notice is not None:
            notice(text)
            return
        channel = getattr(self.frontend, "channel", None)
        if channel is not None:  # the UI's frontend: a [corodbg] line in Output, at once
            channel.send_output("agent", f"[corodbg] {text}\n")
            channel.flush_output()
        elif sys.__stderr__ is not None:
            sys.__stderr__.write(f"corodbg: {text}\n")
            sys.__stderr__.flush()

    # -- the tracer's callbacks -----------------------------------------------------

    def _on_line(self, frame: types.FrameType) -> None:
        self.lines_in_handle += 1
        loop = self.loop
        if self.breakpoints and self.mode != GOTO:
            hit = self._breakpoint_hit(frame)
            if hit is not None:
                self._pause("breakpoint", loop, frame=frame, task=self._current_task(), message=hit)
                return
        if self.pause_requested:
            self._pause("pause", loop, frame=frame, task=self._current_task())
        elif self.mode == STEP:
            self._pause(STEP, loop, frame=frame, task=self._current_task())
        elif self.mode in (NEXT, FINISH) and any(frame is f for f in self.stop_frames):
            self._pause(self.mode, loop, frame=frame, task=self._current_task())

    def _line_events_wanted(self, code: types.CodeType) -> bool:
        """Breakpoints alone: the code objects that need line events (those the line hooks cannot serve)."""
        return self.linehooks.needs_line_events(code, self.breakpoints.wants_code)

    def _line_event_wanted(self, code: types.CodeType, line: int) -> bool:
        """A line of such code that may stop: a breakpoint's, unless that code hooks it (no second stop)."""
        return self.breakpoints.wants_line(code, line) and line not in self.linehooks.lines_of.get(code, ())

    def _on_hook(self) -> None:
        """A breakpoint line compiled in by LineHooks runs (its caller is the user's frame)."""
        frame = sys._getframe(1)
        if self.pausing or self.tracer.reported(frame):
            return  # the tracer has already seen this line event
        hit = self._breakpoint_hit(frame) if self.mode != GOTO and \
            self.breakpoints.wants_line(frame.f_code, frame.f_lineno) else None
        if hit is not None:
            self._pause("breakpoint", self.loop, frame=frame, task=self._current_task(), message=hit)

    def _on_return(self, frame: types.FrameType) -> None:
        """A watched frame returns (or suspends): its caller's next line is where next/finish stop."""
        if self.mode in (NEXT, FINISH) and any(frame is f for f in self.return_frames):
            caller = frame.f_back
            if caller is not None and is_user_file(caller.f_code.co_filename):
                self.stop_frames.append(caller)
                self.return_frames.append(caller)

    def _current_task(self) -> Optional[asyncio.Task]:
        loop = self.loop
        return asyncio.current_task(loop) if loop is not None and loop.is_running() else None

    def _breakpoint_hit(self, frame: types.FrameType) -> Optional[str]:
        """The message of the breakpoint that stops at this line event, if any."""
        for breakpoint_ in self.breakpoints.at(frame):
            if breakpoint_.task is not None:
                task = self._current_task()
                if task is None or task.get_name() != breakpoint_.task:
                    continue
            note = ""
            if breakpoint_.condition is not None:
                try:
                    if not eval(breakpoint_.condition, frame.f_globals, frame.f_locals):
                        continue
                except BaseException as error:  # like pdb: a failing condition stops, and says why
                    note = f" (its condition raised {type(error).__name__})"
            breakpoint_.hits += 1
            if breakpoint_.temporary:
                self.breakpoints.remove(breakpoint_)
            return f"breakpoint {breakpoint_.number} ({breakpoint_.describe()}){note}"
        return None

    def _breakpoint_builtin(self, *args: Any, **kwargs: Any) -> None:
        """``breakpoint()`` in the program: pause at its line (PYTHONBREAKPOINT=0 turns it off)."""
        if os.environ.get("PYTHONBREAKPOINT") == "0":
            return
        frame = sys._getframe(1)
        self._pause("breakpoint", self.loop, frame=frame, task=self._current_task(),
                    message="breakpoint() called", resume_frame=frame)

    # -- pause requests (from the UI, while the program runs) ---------------------

    def request_pause(self) -> None:
        """Pause before the next handle or at the next user line. Safe from any thread."""
        if self.pausing:
            return
        self.pause_requested = True
        loop = self.loop
        if loop is not None:
            loop.observe_steps = True
            if loop.is_running():
                loop._write_to_self()  # wake a loop blocked on its selector

    def interrupt(self, frame: Optional[types.FrameType]) -> None:
        """On the main thread (a signal): a step that never returns pauses at its next user line."""
        if self.pause_requested and not self.pausing:
            self.tracer.start(frame, all_user_code=True)

    # -- the end -------------------------------------------------------------------

    def finish(self, code: int) -> None:
        """The program is over: one last pause (``end``), then tell the frontend."""
        self._stop_tracing()
        self.mode = CONTINUE
        if self.detached:
            return  # a forked child: its end is not the program's
        if self.replay is not None and self.replay.active:
            total = self.steps_before + (self.last_loop.steps if self.last_loop is not None else 0)
            if self.replay.pick_step() is not None:
                self._diverged(self.last_loop, f"step {total}: the program ended; the recording still had "
                                               f"a pick at step {self.replay.pick_step()}")
            elif total != self.replay.steps and self.replay.data.get("outside"):
                # Threads, I/O and signals are not replayed exactly: how often they woke the loop varies.
                self._note(f"replay: the run took {total} steps, the recording {self.replay.steps}; "
                           "events from outside the loop (threads, I/O, signals) are not replayed exactly")
            elif total != self.replay.steps:
                self._diverged(self.last_loop, f"step {total}: the program ended; the recording ended at "
                                               f"step {self.replay.steps}")
        if self.on_end is not None:
            self.on_end(code)
        gate = _EndGate.close() if self.pauses_seen else None
        try:
            self._pause("end", self.last_loop, message=f"the program exited with code {code}", exit_code=code)
        finally:
            if gate is not None:
                gate.open()
        self.frontend.on_exit(code)

    # -- pausing -------------------------------------------------------------------

    def _pause(self, reason: str, loop: Optional[StepLoop], *, frame: Optional[types.FrameType] = None,
               task: Optional[asyncio.Task] = None, message: str = "",
               location: Optional[Location] = None, exception: Optional[Dict[str, Any]] = None,
               eval_frame: Optional[types.FrameType] = None, resume_frame: Optional[types.FrameType] = None,
               force: bool = False, exit_code: Optional[int] = None) -> None:
        """Report a pause and wait for the command that resumes."""
        self.pause_requested = False
        if self.detached:
            return
        if not (self.pauses_seen or force):
            return
        self._unpark(loop)  # every pause shows the queue as it is, the held task's handles too
        index = self.pause_index
        self.pause_index += 1
        self.pause_log.append((index, self.current_step(), reason))
        self.pause_stacks.append(self._stack_of(frame or eval_frame, task or self._head_task(loop)))
        if self.timeline is not None and reason in ("breakpoint", "exception"):
            self.timeline.append((reason, 0, message, loop.time() if loop is not None else 0.0, self.current_step()))
        if self.lanes is not None and reason in ("breakpoint", "exception"):
            self.lanes.mark(self.current_step(), self.lanes.lane_id(task), reason, message)
        if reason != "goto" and not (self.time_travel is not None and self.time_travel.replaying is not None):
            self.goto_step = None  # a pause on the way ends goto
            self._update_watch(loop)
        self.pausing = True
        self.tracer.muted = True
        if self.monitor is not None:
            self.monitor.muted = True
        self.stop_frames, self.return_frames = [], []
        def describe() -> PauseEvent:
            built = self.pause_event(reason, loop, frame=frame, task=task, message=message, location=location)
            if exception is not None:
                built["exception"] = exception
            if exit_code is not None:
                built["exit_code"] = exit_code
            built["breakpoints"] = [b.as_dict() for b in self.breakpoints.items]
            return built

        try:
            context = PauseContext(reason, loop, frame, eval_frame or frame or self._frame_of_task(task),
                                   resume_frame or frame, task)
            travel = self.time_travel
            if travel is not None:
                travel.at_pause(self, loop, index)  # a checkpoint (may return in a new run, going back)
                if travel.replaying is not None and travel.swallow(self, index, reason, context):
                    return  # a pause passed over while going back: its recorded commands were applied
            event = describe()
            while True:
                command = self.frontend.next_command(event)
                self.history.append((index, command))
                try:
                    reply = self._apply(command, context)
                except CommandFailed as error:
                    self.frontend.reply(command, str(error), False)
                    continue
                if reply is None:
                    break
                event["breakpoints"] = [b.as_dict() for b in self.breakpoints.items]
                self.frontend.reply(command, reply, True)
                if command.get("cmd") == "exec" and getattr(self.frontend, "shows_refreshes", False):
                    # ``!x = 1`` may change any task's variables: the UI gets the pause again, redescribed.
                    event = {**describe(), "refresh": True}
        finally:
            self.tracer.muted = False
            if self.monitor is not None:
                self.monitor.muted = False
            self.pausing = False

    def _frame_of_task(self, task: Optional[asyncio.Task]) -> Optional[types.FrameType]:
        """The innermost user frame of a suspended task: where ``p`` evaluates."""
        return introspect.innermost_user_frame(introspect.await_chain(task.get_coro())) if task else None

    def _apply(self, command: Dict[str, Any], context: PauseContext) -> Optional[str]:
        """Carry out a command. Returns None when it resumes the program, else the reply text."""
        name = command.get("cmd")
        loop, frame = context.loop, context.resume_frame
        if name == "quit":
            if context.reason == "end":
                return None  # the program's own ending (atexit, flushing, threads joined) still runs
            self._quit()
        if name == "eval" or name == "exec":
            target = self._frame_for_command(command, context)
            if target is None:
                raise CommandFailed("no frame to evaluate in")
            if name == "eval":
                code = awaiting_code(command.get("expr", ""))
                if code is not None:
                    self._start_await(command, code, target, context)
                    return None  # resumes: the answer comes when the awaited is done
                return evaluate(target, command.get("expr", ""))
            self.task_cache.forget()  # the statement may have changed any task's variables
            return execute(target, command.get("code", "")) or "ok"
        if name in ("break", "clear", "breakpoints"):
            return self._breakpoint_command(command)
        if name == "expand":
            return self._expand(command, context)
        if name == "timeline":
            if self.lanes is None:
                raise CommandFailed("timeline: not kept in this run")
            import json

            loop = context.loop
            reply = self.lanes.reply(self.current_step(), loop.time() if loop is not None else 0.0)
            running = asyncio.current_task(loop) if loop is not None and loop.is_running() else None
            if running is not None:  # a pause inside a step (step, next, a breakpoint): it is not over yet
                reply["running"] = self.lanes.lane_id(running)
                reply["names"].setdefault(str(reply["running"]), running.get_name())
            return json.dumps(reply)
        if name in TRAVEL_COMMANDS:  # also at the end: backwards
            return self._travel(command, context)
        if context.reason in ("end", "deadlock"):
            return None  # the end: whatever resumes lets the program exit
        if name == "send":
            index = int(command.get("index", 1))
            size = len(loop._ready) if loop is not None and loop.is_running() else 0
            if frame is None and not 1 <= index <= max(size, 1):
                raise CommandFailed(f"send {index}: the ready queue has {size} item{'s' if size != 1 else ''}")
            self.pick = index - 1 if frame is None else 0
            self._set_mode(SEND, frame)
            return None
        if name == "step":
            self._set_mode(STEP, frame)
            return None
        if name in ("next", "finish"):
            self._start_next(name, context)
            return None
        if name == "continue":
            self._set_mode(CONTINUE, frame)
            return None
        raise CommandFailed(f"unknown command {name!r}")

    def _travel(self, command: Dict[str, Any], context: PauseContext) -> Optional[str]:
        """goto N, reverse-step/-next/-finish/-continue: forwards by running on, backwards by a checkpoint."""
        name = command["cmd"]
        current = self.pause_index - 1
        now = self.current_step()
        mid_handle = context.frame is not None
        if name == "goto":
            target = int(command["step"])
            if target > now and context.reason in ("end", "deadlock"):
                raise CommandFailed(f"goto {target}: the program is over at step {now}")
            if target > now or (target == now and mid_handle):
                # (while going back, a goto armed by the travel may be pending: the earlier one first)
                self.goto_step = target if self.goto_step is None else min(target, self.goto_step)
                self._set_mode(GOTO, context.resume_frame)
                self._update_watch(context.loop)
                return None
            if target == now:
                raise CommandFailed(f"goto {target}: already at step {target}")
            self._go_back({"step": target}, f"goto {target}")
        elif name == "reverse-step":
            if current == 0:
                raise CommandFailed("reverse-step: at the first pause, nothing before it")
            self._go_back({"pause": current - 1}, name)
        elif name in ("reverse-next", "reverse-finish"):
            if current == 0:
                raise CommandFailed(f"{name}: at the first pause, nothing before it")
            self._go_back({"pause": self._reverse_frame_target(name, current)}, name)
        else:
            if current == 0:
                raise CommandFailed("reverse-continue: at the first pause, nothing before it")
            hits = [i for i, _, reason in self.pause_log if reason == "breakpoint" and i < current]
            self._go_back({"pause": hits[-1] if hits else 0}, name)
        return None

    def _stack_of(self, frame: Optional[types.FrameType],
                  task: Optional[asyncio.Task]) -> Tuple[str, Tuple[Tuple[int, int], ...]]:
        """Where a pause is, for reverse-next/finish: the task, and its user frames (outermost first)
        as (frame id, code id): a frame id alone may be reused by a later call of another function."""
        frames: List[types.FrameType] = []
        if frame is not None:
            where: Optional[types.FrameType] = frame
            step = asyncio.Handle._run.__code__  # the step's bottom: above it is the loop, and its caller
            while where is not None and where.f_code is not step:
                frames.append(where)
                where = where.f_back
            frames.reverse()
        elif task is not None and not task.done():
            frames = [f for f in map(introspect.frame_of, introspect.await_chain(task.get_coro())) if f is not None]
        name = task.get_name() if task is not None else ""
        return name, tuple((id(f), id(f.f_code)) for f in frames if is_user_file(f.f_code.co_filename))

    def _reverse_frame_target(self, name: str, current: int) -> int:
        """The pause reverse-next or reverse-finish goes back to (gdb's meaning, over the pauses seen).

        reverse-next: the latest earlier pause of this task in the current frame or a caller of it
        (pauses in frames it called are passed over, as next passes over calls), else the start.
        reverse-finish: the pause before the current frame was entered: the latest pause in a
        caller before the first pause of this activation, else the pause just before it.
        """
        task, stack = self.pause_stacks[current]
        def within(j: int) -> bool:  # at pause j the task was in this frame or deeper
            other, frames = self.pause_stacks[j]
            return other == task and frames[:len(stack)] == stack
        if name == "reverse-next":
            for j in range(current - 1, -1, -1):
                other, frames = self.pause_stacks[j]
                if other == task and stack[:len(frames)] == frames and frames:
                    return j
            return 0
        if not stack:
            raise CommandFailed("reverse-finish: no frame to go back out of at this pause (use reverse-step)")
        first = current
        while first > 0 and within(first - 1):
            first -= 1
        if first == 0:
            raise CommandFailed("reverse-finish: this frame was entered before the first pause")
        for j in range(first - 1, -1, -1):
            other, frames = self.pause_stacks[j]
            if other == task and len(frames) < len(stack) and stack[:len(frames)] == frames:
                return j
        return first - 1

    def _go_back(self, target: Dict[str, Any], command_name: str) -> None:
        if self.time_travel is None:
            raise CommandFailed("going back needs checkpoints: give goto, rs or rc among the -c commands "
                                "(or --checkpoints)")
        if "pause" in target:
            target["expect"] = list(self.pause_log[target["pause"]][1:])
        target["command"] = command_name
        self.time_travel.go_back(self, target)  # does not return: this run ends, an earlier copy goes on

    def _start_await(self, command: Dict[str, Any], code: types.CodeType, target: types.FrameType,
                     context: PauseContext) -> None:
        """``p await EXPR``: the awaitable runs as a task of the program's loop, and the program
        runs (other tasks too, as in pdb 3.14) until it is done; then the answer, and a pause.

        Only between steps: paused mid-line, resuming would run the current task on."""
        loop = context.loop
        if context.frame is not None or loop is None or not loop.is_running():
            raise CommandFailed("await works at a pause between steps (start, send): send or step until "
                                "this task suspends, then await")
        try:
            coroutine = start_awaiting(target, code)
        except BaseException as error:
            raise CommandFailed(error_line(error)) from None
        held = context.task or self._head_task(loop)
        self.awaiting = (loop.create_task(coroutine, name="corodbg: await"), command, held, target)
        self.ended_quietly.add(self.awaiting[0])
        self._set_mode(AWAIT, None)
        self._park_held(loop)
        return None

    def _finish_await(self, loop: StepLoop, task: asyncio.Task) -> None:
        """The awaited expression is done: its value (or error) is the answer; then pause."""
        if self.awaiting is None:
            return
        _, command, held, frame = self.awaiting
        self.awaiting = None
        if task.cancelled():
            text, ok = "*** CancelledError", False
        elif task._exception is not None:  # read, not retrieved
            text, ok = error_line(task._exception), False
        else:
            text, ok = safe_repr(task._result), True  # type: ignore[attr-defined]
        self.frontend.reply(command, text, ok)
        self._pause("await", loop, task=held, eval_frame=frame, message=f"await done: {text}")

    def _start_next(self, name: str, context: PauseContext) -> None:
        """next/finish: stop at the next line of this frame (or when it returns), in this task."""
        frame = context.resume_frame
        task = context.task
        if frame is None:
            # Paused between handles: the frame is the head task's suspended frame.
            task = task or self._head_task(context.loop)
            frame = self._frame_of_task(task)
            if frame is None:
                raise CommandFailed(f"{name}: no coroutine frame to {name} in (use send or step)")
        self.target_task = task
        self.stop_frames = [frame] if name == "next" else []
        self.return_frames = [frame]
        self._set_mode(NEXT if name == "next" else FINISH, context.resume_frame)
        return None

    def _expand(self, command: Dict[str, Any], context: PauseContext) -> str:
        """One level of a local's children, as JSON (the UI's Frame tree asks as nodes open)."""
        target = self._frame_for_command(command, context)
        if target is None:
            raise CommandFailed("no frame to look into")
        import json

        try:
            with repr_timer():
                return json.dumps(values.describe_children(values.resolve(target.f_locals,
                                                                          command.get("path") or [])))
        except values.PathError as error:
            raise CommandFailed(str(error)) from None

    def _head_task(self, loop: Optional[StepLoop]) -> Optional[asyncio.Task]:
        if loop is None:
            return None
        for handle in loop._ready:
            task = introspect.task_of_callback(handle._callback)  # type: ignore[attr-defined]
            if task is not None:
                return task
        return None

    def _frame_for_command(self, command: Dict[str, Any], context: PauseContext) -> Optional[types.FrameType]:
        """Where ``p``/``!`` run: the pause's frame, or ``task`` (and its ``frame`` index) when named."""
        wanted = command.get("task")
        if wanted and context.loop is not None:
            for task, _ in self._tasks(context.loop):
                if task.get_name() != wanted:
                    continue
                index = command.get("frame")
                if isinstance(index, int):
                    loop = context.loop
                    running = asyncio.current_task(loop) if loop.is_running() else None
                    frames = introspect.task_frames(task, running=running, running_frame=context.frame)
                    if not 0 <= index < len(frames):
                        raise CommandFailed(f"{wanted} has no frame {index}")
                    return frames[index]
                return self._frame_of_task(task) or context.eval_frame
            raise CommandFailed(f"no task named {wanted!r}")
        return context.eval_frame or self._frame_of_task(self._head_task(context.loop))

    def _breakpoint_command(self, command: Dict[str, Any]) -> str:
        name = command["cmd"]
        if name == "breakpoints":
            return "\n".join(f"{b.number}: {b.describe()} (hit {b.hits} times)" for b in self.breakpoints.items) \
                or "no breakpoints"
        words = list(command.get("spec") or [])
        if name == "clear":
            if not words:
                removed = self.breakpoints.clear()
            else:
                file, _, line = words[0].rpartition(":")
                if not file or not line.isdigit():
                    raise CommandFailed("usage: clear [FILE:LINE]")
                removed = self.breakpoints.clear(file, int(line))
            self._retrace()
            return f"cleared {len(removed)} breakpoint{'s' if len(removed) != 1 else ''}"
        try:
            file, line, task, condition = parse_breakpoint_spec(words)
            # replace: the UI's condition dialog edits the breakpoint at a line in place.
            breakpoint_ = self.breakpoints.add(file, line, condition=condition, task=task,
                                               temporary=bool(command.get("temporary")),
                                               replace=bool(command.get("replace")))
        except BreakpointError as error:
            raise CommandFailed(str(error)) from None
        self._retrace()
        return f"breakpoint {breakpoint_.number}: {breakpoint_.describe()}"

    def _retrace(self) -> None:
        """Breakpoints changed: trace what they now need (applied when the program resumes)."""
        if self.mode not in TRACED_MODES and not self.breakpoints:
            self._stop_tracing()

    # -- the state, as plain data ----------------------------------------------------

    def _task_id(self, task: asyncio.Task) -> int:
        """A task's number in the order the debugger first saw it."""
        task_id = self.task_ids.get(task)
        if task_id is None:
            task_id = self.task_ids[task] = self.next_task_id
            self.next_task_id += 1
        return task_id

    def _tasks(self, loop: StepLoop) -> List[Tuple[asyncio.Task, int]]:
        """(task, id) of the loop's tasks still alive (pending, or done but not yet collected), in id order."""
        tasks = asyncio.all_tasks(loop) if not loop.is_closed() else set()
        for task in sorted((t for t in tasks if t not in self.task_ids), key=_creation_order):
            self._task_id(task)
        # task_ids is filled in id order and a dict keeps that order: no sort needed.
        return [(t, task_id) for t, task_id in self.task_ids.items() if t.get_loop() is loop]

    def _only_runner_since_pause(self, loop: StepLoop, running: Optional[asyncio.Task]) -> Optional[str]:
        """The task that alone ran since the last pause (so put every new ready handle there), else None."""
        runners = [*self.runners_since_pause, *([introspect.task_label(running)] if running is not None else [])]
        if loop.ran_unknown or len(runners) != 1:
            return None
        return runners[0]

    def current_step(self) -> int:
        loop = self.loop
        return self.steps_before + (loop.steps if loop is not None else 0)

    def pause_event(self, reason: str, loop: Optional[StepLoop], *, frame: Optional[types.FrameType] = None,
                    task: Optional[asyncio.Task] = None, message: str = "",
                    location: Optional[Location] = None) -> PauseEvent:
        with repr_timer(), introspect.one_snapshot():  # one timer for every repr; lock holders found once
            return self._pause_event(reason, loop, frame=frame, task=task, message=message, location=location)

    def _pause_event(self, reason: str, loop: Optional[StepLoop], *, frame: Optional[types.FrameType],
                     task: Optional[asyncio.Task], message: str,
                     location: Optional[Location]) -> PauseEvent:
        ready: List[Any] = []
        tasks: List[Any] = []
        running = None
        if loop is not None:
            running = asyncio.current_task(loop) if loop.is_running() else None
            ready = self.ready_cache.items(loop, self._only_runner_since_pause(loop, running))
            self.runners_since_pause.clear()
            ready_tasks: Dict[int, asyncio.Handle] = {}  # id(task) -> its first ready handle
            for handle in loop._ready:
                owner = introspect.task_of_callback(handle._callback)  # type: ignore[attr-defined]
                if owner is not None and id(owner) not in ready_tasks and not handle._cancelled:
                    ready_tasks[id(owner)] = handle
            if task is None:
                head = next((h for h in loop._ready if not h._cancelled), None)
                task = introspect.handle_owner(head) if head is not None else None
            if loop.ran_unknown:  # tasks ran unobserved (continue): any of them may have changed
                loop.ran_unknown = False
                self.task_cache.forget()
            describe, ran = self.task_cache.describe, loop.ran_tasks
            tasks = [describe(each, task_id=task_id, ready_tasks=ready_tasks, ran=ran, running=running,
                              running_frame=frame)
                     for each, task_id in self._tasks(loop)]
            ran.clear()
            shown = {info["id"] for info in tasks}
            gone = [info for task_id, info in self.ended.items() if task_id not in shown]
            if gone:  # finished tasks already collected: merge them in, by id
                tasks += gone
                tasks.sort(key=lambda info: info["id"])
        if location is None:
            where = frame
            if where is None and task is not None and not task.done():
                where = self._frame_of_task(task)
            if where is not None:
                location = introspect.location_of(where)
        log, self.log = self.log, []
        if self.log_dropped:
            log.insert(0, {"step": None, "text": f"... {self.log_dropped} earlier steps not logged"})
            self.log_dropped = 0
        return {
            "event": "pause", "reason": reason, "step": self.current_step(),
            "time": round(loop.time(), 6) if loop is not None else 0.0,
            "location": location, "task": task.get_name() if task is not None else None,
            "message": message, "ready": ready, "tasks": tasks, "log": log,
            "globals": introspect.globals_snapshot(
                (info["file"], info.get("globals_used") or ()) for each in tasks for info in each["frames"]
                if info.get("globals_used")),
        }

    # -- the step log ------------------------------------------------------------------

    def _begin_log_entry(self, loop: StepLoop, index: int) -> None:
        handle = loop._ready[index]
        item = wake.describe_handle(handle, index + 1)
        frame = self._frame_of_task(introspect.task_of_callback(handle._callback))  # type: ignore[attr-defined]
        from_line = frame.f_lineno if frame is not None else None
        self.pending_handle = handle
        self.pending_log = {
            "step": loop.steps + self.steps_before + 1, "command": "send" if self.mode == SEND else self.mode,
            "item": item["description"], "task": item["task"], "picked": index + 1 if index else None,
            "of": len(loop._ready) if index else None, "from_line": from_line,
        }

    def _finish_log_entry(self, entry: Dict[str, Any], task: Optional[asyncio.Task]) -> None:
        if task is not None:
            if task.done():
                entry["outcome"] = introspect.outcome_text(task)
            else:
                chain = introspect.await_chain(task.get_coro())
                frame = introspect.innermost_user_frame(chain)
                entry["to_line"] = frame.f_lineno if frame is not None else None
                entry["outcome"] = f"suspended on {introspect.awaiting_description(chain) or 'a future'}"
        if len(self.log) >= LOG_LIMIT:
            self.log.pop(0)
            self.log_dropped += 1
        self.log.append(entry)


class _EndGate:
    """While the end pause lasts, other threads' writes to sys.stdout/sys.stderr wait.

    Under python the program ends right after its last line, and a daemon
    thread printing then is frozen (it never gets the interpreter back); under
    corodbg the end pause can last minutes, and daemon threads would go on
    printing into the Output pane after "finished". So a write from any thread
    but the main one waits until the pause is over; then the ending runs as
    under python (non-daemon threads joined, atexit), and the writes go on.
    Writes straight to file descriptors 1 and 2 are not held back.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._opened = _threading.Event()
        self._main = _threading.main_thread()

    @classmethod
    def close(cls) -> Optional[_EndGates]:
        gates = _EndGates([])
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is not None and not isinstance(stream, _EndGate):
                gate = cls(stream)
                setattr(sys, name, gate)
                gates.items.append((name, gate))
        return gates

    def _wait(self) -> None:
        if _threading.current_thread() is not self._main:
            self._opened.wait()

    def write(self, text: str) -> int:
        self._wait()
        return self._stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        self._wait()
        self._stream.writelines(lines)

    def flush(self) -> None:
        if _threading.current_thread() is self._main or self._opened.is_set():
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _EndGates:
    def __init__(self, items: List[Tuple[str, _EndGate]]) -> None:
        self.items = items

    def open(self) -> None:
        for name, gate in self.items:
            if getattr(sys, name) is gate:
                setattr(sys, name, gate._stream)
            gate._opened.set()


#: The debugger attached in this process, for the fork hooks (registered once: they cannot be removed).
_attached: List[Debugger] = []
_fork_hooks_registered: List[bool] = []


def _before_fork() -> None:
    """Flush what the frontend buffered, so the child does not write it a second time at its exit."""
    _hide_our_threads_from_fork_warning()
    if _attached:
        trace = getattr(_attached[0].frontend, "trace", None)
        if trace is not None:
            try:
                trace.flush()
            except Exception:
                pass


_FORK_WARNING = r"This process \(pid=\d+\) is multi-threaded, use of (fork|forkpty)\(\) may lead to deadlocks"
_fork_filter: List[Any] = []


def _only_corodbg_threads() -> bool:
    main = _threading.main_thread()
    return all(t is main or getattr(t, "corodbg_internal", False) for t in _threading.enumerate())


def _hide_our_threads_from_fork_warning() -> None:
    """3.12+ warns at ``os.fork()`` in a multi-threaded process; corodbg's own threads must not cause it.

    When every other thread is corodbg's (the channel's reader, the output
    forwarder), python would not have warned: the warning is filtered for this
    one fork (it is issued in the parent before the after-fork hooks run).
    """
    _forget_fork_filter()  # the previous fork's: the program may have threads of its own by now
    if sys.version_info < (3, 12) or not _only_corodbg_threads():
        return
    import warnings

    warnings.filterwarnings("ignore", message=_FORK_WARNING, category=DeprecationWarning)
    _fork_filter[:] = [warnings.filters[0]]


def _after_fork_in_parent() -> None:
    """Nothing: 3.13 warns after the after-fork hooks; the filter goes at the next fork."""


def _forget_fork_filter() -> None:
    if _fork_filter:
        import warnings

        try:
            warnings.filters.remove(_fork_filter.pop())  # type: ignore[attr-defined]  # a list; typeshed: Sequence
            warnings._filters_mutated()  # type: ignore[attr-defined]
        except (ValueError, AttributeError):
            pass


#: Set around corodbg's own forks (time-travel checkpoints): the debugger stays attached in the child.
_own_fork: List[bool] = []


def _after_fork_in_child() -> None:
    _forget_fork_filter()
    if _own_fork:
        return
    if _attached:
        _attached[0].forget_in_child()


def _silence_channel_frontend(frontend: Any) -> None:
    """The UI's frontend in a forked child: nothing more goes up the parent's pipe.

    The channel is shared with the parent (and its lock may have been held by a
    thread that does not exist here): its writes become no-ops, and
    ``sys.stdout``/``sys.stderr`` write to fds 1 and 2, which the parent's
    forwarder reads, so the child's output still shows, as under python.
    """
    channel = getattr(frontend, "channel", None)
    if channel is not None:
        channel.closed = True
        channel.capture = None
        channel._write = lambda data: None
        channel.flush_output = lambda: None
        channel.send_output = lambda stream, text: None
    import io
    for name, fd in (("stdout", 1), ("stderr", 2)):
        current = getattr(sys, name)
        if type(current).__module__ == "corodbg.agent.channel":
            try:
                setattr(sys, name, io.TextIOWrapper(open(fd, "wb", closefd=False), encoding="utf-8",
                                                    errors="backslashreplace" if fd == 2 else "strict",
                                                    line_buffering=True))
            except OSError:
                pass
    for attribute in ("commands", "trace"):  # the headless frontend: no more -c commands, no trace lines
        if attribute == "commands" and isinstance(getattr(frontend, attribute, None), list):
            frontend.commands = []
        elif attribute == "trace" and getattr(frontend, "trace", None) is not None:
            frontend.trace = None
    if hasattr(frontend, "wants_pauses"):
        try:
            frontend.wants_pauses = False
        except AttributeError:
            pass


def _callback_name(handle: asyncio.Handle) -> str:
    callback = handle._callback  # type: ignore[attr-defined]
    return getattr(callback, "__qualname__", None) or type(callback).__name__


def _wakes_the_loop(loop: StepLoop, handle: asyncio.Handle) -> bool:
    """The handle that reads the loop's self-pipe (``call_soon_threadsafe``, a pause request)."""
    callback = handle._callback  # type: ignore[attr-defined]
    return getattr(callback, "__self__", None) is loop and getattr(callback, "__name__", "") == "_read_from_self"


class CommandFailed(Exception):
    """A command that cannot be carried out at this pause; the message says why."""


class PauseContext:
    """What a command at one pause may act on."""

    __slots__ = ("eval_frame", "frame", "loop", "reason", "resume_frame", "task")

    def __init__(self, reason: str, loop: Optional[StepLoop], frame: Optional[types.FrameType],
                 eval_frame: Optional[types.FrameType], resume_frame: Optional[types.FrameType],
                 task: Optional[asyncio.Task]) -> None:
        self.reason = reason
        self.loop = loop
        self.frame = frame                # the frame a line pause stopped in
        self.eval_frame = eval_frame      # where p / ! run by default
        self.resume_frame = resume_frame  # the frame stepping continues from
        self.task = task


def _creation_order(task: asyncio.Task) -> Any:
    """Tasks named Task-N sort by N (their creation order); others after, by name."""
    name = task.get_name()
    number = name[5:] if name.startswith("Task-") else ""
    return (0, int(number), "") if number.isdigit() else (1, 0, name)


def _traceback_entries(tb: Optional[types.TracebackType], limit: int = 50) -> List[Dict[str, Any]]:
    """A traceback as plain data, outermost first: each entry's function, file (as shown),
    line, source line and whether it is the program's code (corodbg's own entries left out)."""
    entries: List[Dict[str, Any]] = []
    while tb is not None and len(entries) < limit:
        code = tb.tb_frame.f_code
        if not code.co_filename.startswith(OWN_FILES):
            entries.append({"function": introspect.qualname(code), "file": display_path(code.co_filename),
                            "line": tb.tb_lineno, "source": linecache.getline(code.co_filename, tb.tb_lineno).strip(),
                            "user": is_user_file(code.co_filename)})
        tb = tb.tb_next
    return entries
