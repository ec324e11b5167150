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
import sys
import types
import weakref
from typing import Any, Dict, List, Optional, Protocol

from corodbg.agent import introspect
from corodbg.agent.loop import StepLoop
from corodbg.agent.protocol import PauseEvent
from corodbg.agent.tracer import LineTracer

#: Modes: what the program is doing until the next pause.
START, SEND, STEP, CONTINUE = "start", "send", "step", "continue"
LOG_LIMIT = 200


class Frontend(Protocol):
    """Who the debugger reports pauses to and takes commands from."""

    def next_command(self, pause: PauseEvent) -> Dict[str, Any]:
        """The command to resume with (may block until one comes)."""

    def report_error(self, message: str) -> None:
        """A command could not be carried out; ``next_command`` is asked again."""

    def on_exit(self, code: int) -> None:
        """The program is over; ``code`` is its exit status."""


class QuitRequested(BaseException):
    """The user quit: the program stops here, running no more of its code."""


class Debugger:
    """Pauses the program at the points the user asked for."""

    def __init__(self, frontend: Frontend, *, pause_at_start: bool = True) -> None:
        self.frontend = frontend
        self.mode = START if pause_at_start else CONTINUE
        self.tracer = LineTracer(self._on_line)
        self.loop_ref: Optional[weakref.ReferenceType] = None
        self.steps_before = 0       # steps run by loops that came before the current one
        self.pick = 0               # 0-based ready index the next send runs
        self.log: List[Dict[str, Any]] = []
        self.log_dropped = 0
        self.pending_log: Optional[Dict[str, Any]] = None
        self.lines_in_handle = 0
        self.pausing = False
        self.pause_requested = False
        self.task_ids: "weakref.WeakKeyDictionary[asyncio.Task, int]" = weakref.WeakKeyDictionary()
        self.next_task_id = 1

    # -- wiring ----------------------------------------------------------------

    def attach(self) -> None:
        """Adopt every StepLoop created from now on."""
        StepLoop.on_created = self._adopt

    def detach(self) -> None:
        StepLoop.on_created = None
        self.tracer.stop()

    def _adopt(self, loop: StepLoop) -> None:
        previous = self.loop
        if previous is not None:
            self.steps_before += previous.steps
        self.loop_ref = weakref.ref(loop)
        loop.observer = self
        loop.observe_steps = self.mode != CONTINUE

    @property
    def loop(self) -> Optional[StepLoop]:
        return self.loop_ref() if self.loop_ref is not None else None

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        loop = self.loop
        if loop is not None:
            loop.observe_steps = mode != CONTINUE

    # -- StepObserver ------------------------------------------------------------

    def before_step(self, loop: StepLoop) -> int:
        if not loop.started and self.mode in (START, SEND):
            self._pause(START, loop)
        elif self.pause_requested:
            self._pause("pause", loop)
        elif self.mode == SEND and not self._only_housekeeping_ahead(loop):
            self._pause(SEND, loop)
        index, self.pick = self.pick, 0
        if index >= len(loop._ready):
            index = 0
        self._begin_log_entry(loop, index)
        return index

    def after_step(self, loop: StepLoop, handle: asyncio.Handle) -> None:
        task = introspect.task_of_callback(handle._callback)
        entry = self.pending_log
        self.pending_log = None
        suspended = task is not None and not task.done()
        if entry is not None:
            self._finish_log_entry(entry, task)
        if self.mode == STEP and suspended and self.lines_in_handle:
            chain = introspect.await_chain(task.get_coro())
            frames = introspect.chain_frames(chain, with_locals=False)
            where = introspect.first_user_location(frames)
            if where is not None:
                waits = introspect.awaiting_description(chain) or "a future"
                message = f"{task.get_name()} suspended at line {where['line']}, awaiting {waits}"
                self._pause(STEP, loop, message=message, task=task, location=where)
        self.lines_in_handle = 0

    def on_deadlock(self, loop: StepLoop) -> None:
        waits = []
        for task in self._tasks(loop):
            if not task.done():
                chain = introspect.await_chain(task.get_coro())
                what = introspect.awaiting_description(chain) or "a future"
                waits.append(f"{task.get_name()} {introspect.coroutine_label(task.get_coro())} waits on {what}")
        message = "deadlock: nothing is ready and nothing can wake the loop" + (
            "; " + "; ".join(waits) if waits else "")
        self._pause("deadlock", loop, message=message)

    # -- the tracer's callback ----------------------------------------------------

    def _on_line(self, frame: types.FrameType) -> None:
        self.lines_in_handle += 1
        if self.mode == STEP or self.pause_requested:
            loop = self.loop
            task = asyncio.current_task(loop) if loop is not None and loop.is_running() else None
            self._pause("pause" if self.pause_requested else STEP, loop, frame=frame, task=task)

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
            self.tracer.start(frame)

    # -- the end -------------------------------------------------------------------

    def finish(self, code: int) -> None:
        """The program is over: one last pause (``end``), then tell the frontend."""
        self.tracer.stop()
        self.mode = CONTINUE
        try:
            self._pause("end", self.loop, message=f"the program exited with code {code}")
        except QuitRequested:
            pass
        self.frontend.on_exit(code)

    # -- pausing -------------------------------------------------------------------

    def _pause(self, reason: str, loop: Optional[StepLoop], *, frame: Optional[types.FrameType] = None,
               task: Optional[asyncio.Task] = None, message: str = "",
               location: Optional[Dict[str, Any]] = None) -> None:
        """Report a pause and wait for the command that resumes."""
        self.pausing = True
        self.pause_requested = False
        self.tracer.muted = True
        try:
            event = self.pause_event(reason, loop, frame=frame, task=task, message=message, location=location)
            while True:
                command = self.frontend.next_command(event)
                error = self._apply(command, loop, reason, frame)
                if error is None:
                    break
                self.frontend.report_error(error)
        finally:
            self.tracer.muted = False
            self.pausing = False

    def _apply(self, command: Dict[str, Any], loop: Optional[StepLoop], reason: str,
               frame: Optional[types.FrameType]) -> Optional[str]:
        """Carry out a resuming command; returns an error message instead when it cannot."""
        name = command.get("cmd")
        if name == "quit":
            self.tracer.stop()
            raise QuitRequested()
        if reason == "end" or reason == "deadlock":
            return None
        if name == "send":
            index = int(command.get("index", 1))
            size = len(loop._ready) if loop is not None and loop.is_running() else 0
            if frame is None and not 1 <= index <= max(size, 1):
                return f"send {index}: the ready queue has {size} item{'s' if size != 1 else ''}"
            self.pick = index - 1 if frame is None else 0
            self.tracer.stop()
            self._set_mode(SEND)
            return None
        if name == "step":
            self._set_mode(STEP)
            self.tracer.start(frame or sys._getframe(1))
            return None
        if name == "continue":
            self.tracer.stop()
            self._set_mode(CONTINUE)
            return None
        return f"{name}: not available yet"

    # -- the state, as plain data ----------------------------------------------------

    def _tasks(self, loop: StepLoop) -> List[asyncio.Task]:
        tasks = list(asyncio.all_tasks(loop)) if not loop.is_closed() else []
        for task in tasks:
            if task not in self.task_ids:
                self.task_ids[task] = self.next_task_id
                self.next_task_id += 1
        known = [t for t in self.task_ids.keys() if t.get_loop() is loop]
        return sorted(known, key=lambda t: self.task_ids[t])

    def current_step(self) -> int:
        loop = self.loop
        return self.steps_before + (loop.steps if loop is not None else 0)

    def pause_event(self, reason: str, loop: Optional[StepLoop], *, frame: Optional[types.FrameType] = None,
                    task: Optional[asyncio.Task] = None, message: str = "",
                    location: Optional[Dict[str, Any]] = None) -> PauseEvent:
        ready: List[Any] = []
        tasks: List[Any] = []
        running = None
        if loop is not None:
            running = asyncio.current_task(loop) if loop.is_running() else None
            ready = introspect.ready_items(loop)
            ready_tasks = {}
            for handle in loop._ready:
                owner = introspect.task_of_callback(handle._callback)
                if owner is not None and id(owner) not in ready_tasks and not handle._cancelled:
                    ready_tasks[id(owner)] = introspect.describe_handle(handle, 0)["action"]
            for each in self._tasks(loop):
                tasks.append(introspect.task_info(
                    each, task_id=self.task_ids[each], ready_tasks=ready_tasks,
                    running=running, running_frame=frame))
        if location is None and frame is not None:
            location = introspect.location_of(frame)
        if task is None and ready:
            head = ready[0]
            task = next((t for t in self._tasks(loop) if t.get_name() == head["task"]), None) if loop else None
        if location is None and task is not None:
            for info in tasks:
                if info["name"] == task.get_name():
                    location = introspect.first_user_location(info["frames"])
        log, self.log = self.log, []
        if self.log_dropped:
            log.insert(0, {"step": None, "text": f"... {self.log_dropped} earlier steps not logged"})
            self.log_dropped = 0
        return {
            "event": "pause", "reason": reason, "step": self.current_step(),
            "time": round(loop.time(), 6) if loop is not None else 0.0,
            "location": location, "task": task.get_name() if task is not None else None,
            "message": message, "ready": ready, "tasks": tasks, "log": log, "output_seq": 0,
        }

    # -- the step log ------------------------------------------------------------------

    def _only_housekeeping_ahead(self, loop: StepLoop) -> bool:
        head = loop._ready[0] if loop._ready else None
        return head is not None and introspect.describe_handle(head, 1)["housekeeping"]

    def _begin_log_entry(self, loop: StepLoop, index: int) -> None:
        handle = loop._ready[index]
        item = introspect.describe_handle(handle, index + 1)
        task = introspect.task_of_callback(handle._callback)
        from_line = None
        if task is not None:
            frames = introspect.chain_frames(introspect.await_chain(task.get_coro()), with_locals=False)
            where = introspect.first_user_location(frames)
            from_line = where["line"] if where else None
        self.pending_log = {
            "step": loop.steps + self.steps_before + 1, "command": "send" if self.mode == SEND else self.mode,
            "item": item["description"], "task": item["task"], "picked": index + 1 if index else None,
            "of": len(loop._ready) if index else None, "from_line": from_line,
        }

    def _finish_log_entry(self, entry: Dict[str, Any], task: Optional[asyncio.Task]) -> None:
        if task is not None:
            if task.done():
                result, exception, state = introspect._result_text(task)
                entry["outcome"] = f"finished: {exception}" if exception else f"returned {result}"
            else:
                chain = introspect.await_chain(task.get_coro())
                frames = introspect.chain_frames(chain, with_locals=False)
                where = introspect.first_user_location(frames)
                entry["to_line"] = where["line"] if where else None
                entry["outcome"] = f"suspended on {introspect.awaiting_description(chain) or 'a future'}"
        if len(self.log) >= LOG_LIMIT:
            self.log.pop(0)
            self.log_dropped += 1
        self.log.append(entry)
