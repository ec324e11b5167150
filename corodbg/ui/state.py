"""The one "pause state" the UI shows: what the program looked like at its last pause.

The app folds the session's events into a :class:`PauseState` and hands it to
every pane; panes only read it. Nothing here talks to the session or to
Textual, so the folding rules (what "finished" means, which frame is selected
by default, which lines other tasks are suspended on) are plain, testable code.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from corodbg.agent.inspection.delta import apply_delta

#: The status words of the header line; ``finished`` and ``crashed`` get details.
STARTING, RUNNING, PAUSED, FINISHED, CRASHED = "starting", "running", "paused", "finished", "crashed"


@dataclass(frozen=True)
class FrameRef:
    """Which frame the user looks at: a task (by name) and a position in its await chain."""

    task: str
    index: int


@dataclass
class PauseState:
    """Everything the panes show, as of the latest pause (or the end of the program)."""

    program: str
    status: str = STARTING
    reason: str = ""
    step: int = 0
    time: float = 0.0
    message: str = ""
    exit_code: Optional[int] = None
    signal: Optional[int] = None
    location: Optional[Dict[str, Any]] = None
    #: At an exception pause: type, message, traceback, frame (the raise site) and stack.
    exception: Optional[Dict[str, Any]] = None
    #: file -> {name: repr}: the module variables the pause's frames use, read at this pause.
    globals: Dict[str, Dict[str, str]] = field(default_factory=dict)
    task: Optional[str] = None
    ready: List[Dict[str, Any]] = field(default_factory=list)
    tasks: List[Dict[str, Any]] = field(default_factory=list)
    breakpoints: List[Dict[str, Any]] = field(default_factory=list)
    selected: Optional[FrameRef] = None
    #: While running: the call the program is blocked in, as the agent reported on a pause request.
    blocked: Optional[str] = None
    #: The tasks by id: pauses over the pipe carry only what changed (agent/inspection/delta.py).
    task_map: Dict[int, Dict[str, Any]] = field(default_factory=dict, repr=False)
    _by_name: Dict[Any, Dict[str, Any]] = field(default_factory=dict, repr=False)
    #: task id -> (file, line, name) of its innermost user frame; kept up to date with the deltas.
    _sitting: Dict[Any, Tuple[Any, int, Any]] = field(default_factory=dict, repr=False)

    # -- folding events in ---------------------------------------------------------

    def apply_pause(self, event: Dict[str, Any]) -> None:
        """Take a ``pause`` event; the selection goes to the paused task's innermost user frame."""
        self.blocked = None
        self.reason = event.get("reason", "")
        self.step = int(event.get("step") or 0)
        self.time = float(event.get("time") or 0.0)
        self.message = event.get("message") or ""
        self.location = event.get("location")
        self.globals = event.get("globals") or {}
        self.exception = event.get("exception") if self.reason == "exception" else None
        self.task = event.get("task")
        self.ready = list(event.get("ready") or [])
        self.task_map = apply_delta(self.task_map, event)
        self.tasks = list(self.task_map.values())
        self._by_name = {task.get("name"): task for task in self.tasks}
        self._note_sitting(event)
        self.breakpoints = list(event.get("breakpoints") or [])
        if self.reason == "end":
            # The program is over but its process waits at this last pause, so that
            # the tasks' results stay visible: show it as finished already.
            self.status = FINISHED
            self.exit_code = event.get("exit_code", self.exit_code)
        else:
            self.status = PAUSED
        self.selected = self.default_selection()

    def apply_reply(self, event: Dict[str, Any]) -> None:
        """A command answered without resuming (``break``, ``p``): breakpoints may have changed."""
        if "breakpoints" in event:
            self.breakpoints = list(event.get("breakpoints") or [])

    def apply_exit(self, code: int) -> None:
        self.exit_code = code

    def apply_terminated(self, event: Dict[str, Any]) -> None:
        """The child is gone: finished when it said how it exited, else crashed."""
        code = event.get("code")
        if isinstance(self.exit_code, int) and self.exit_code < 0:
            # The program's own end by a signal (a KeyboardInterrupt: python kills itself with SIGINT).
            self.status = FINISHED
            self.signal = -self.exit_code
        elif self.exit_code is None and isinstance(code, int) and code < 0:
            self.status = CRASHED
            self.signal = -code
        elif self.exit_code is None and code == 0 and self.status != FINISHED:
            # A clean exit the agent could not report (the program closed corodbg's channel).
            self.status = FINISHED
            self.exit_code = 0
        elif self.exit_code is None and self.status != FINISHED:
            self.status = CRASHED
            self.exit_code = code
        else:
            self.status = FINISHED
            if self.exit_code is None:
                self.exit_code = event.get("exit_code")
        self.ready = []

    def set_running(self) -> None:
        self.status = RUNNING
        self.blocked = None

    def apply_blocked(self, event: Dict[str, Any]) -> None:
        """Take a ``blocked`` report: the program cannot pause until the call returns."""
        if self.status == RUNNING:
            self.blocked = event.get("call") or "a call"

    # -- reading -------------------------------------------------------------------

    @property
    def is_over(self) -> bool:
        return self.status in (FINISHED, CRASHED)

    def status_text(self) -> str:
        """``paused (start)``, ``running``, ``finished (exit 0)``, ``crashed (signal 9)``."""
        if self.status == PAUSED:
            return f"paused ({self.reason})" if self.reason else "paused"
        if self.status == FINISHED:
            if isinstance(self.exit_code, int) and self.exit_code < 0:
                return f"killed by {_signal_name(-self.exit_code)}"
            return f"finished (exit {self.exit_code})" if self.exit_code is not None else "finished"
        if self.status == CRASHED:
            if self.signal is not None:
                return f"crashed (signal {self.signal})"
            return f"crashed (status {self.exit_code})" if self.exit_code is not None else "crashed"
        if self.status == RUNNING and self.blocked:
            return f"running (blocked in {self.blocked})"
        return self.status

    def task_named(self, name: Optional[str]) -> Optional[Dict[str, Any]]:
        return self._by_name.get(name)

    def default_selection(self) -> Optional[FrameRef]:
        """The paused task's innermost user frame, else the first task that has a frame."""
        paused = self.task_named(self.task)
        for task in [paused] if paused and paused.get("frames") else self.tasks:
            if task.get("frames"):
                return FrameRef(task["name"], innermost_user_index(task["frames"]))
        return None

    def selected_frame(self) -> Optional[Dict[str, Any]]:
        """The frame the Frame and Source panes show: the selected one; at an exception
        pause, when the failed task (frameless now) is selected or nothing is, the raise site."""
        task = self.task_named(self.selected.task) if self.selected is not None else None
        frames = (task.get("frames") or []) if task is not None else []
        if self.selected is not None and 0 <= self.selected.index < len(frames):
            return frames[self.selected.index]
        if self.exception is not None and (task is None or task.get("name") == self.task):
            return self.exception.get("frame")
        return None

    def globals_of(self, frame: Optional[Dict[str, Any]]) -> Dict[str, str]:
        """The module variables ``frame`` uses, with their values at this pause."""
        if not frame:
            return {}
        values = self.globals.get(frame.get("file") or "", {})
        return {name: values[name] for name in frame.get("globals_used") or () if name in values}

    def source_position(self) -> Optional[Tuple[str, int, Optional[str]]]:
        """The file (as shown), line and real path the Source pane centres on: the selected frame,
        else the pause location. The path is None where the agent gave none (then: the file)."""
        frame = self.selected_frame()
        where = frame if frame is not None and frame.get("file") else self.location
        if where and where.get("file"):
            return where["file"], int(where.get("line") or 0), where.get("path")
        return None

    def breakpoints_in(self, file: str) -> Dict[int, Dict[str, Any]]:
        """The breakpoints set in ``file``, by line (the first one where several share a line)."""
        lines: Dict[int, Dict[str, Any]] = {}
        for breakpoint_ in self.breakpoints:
            if breakpoint_.get("file") == file:
                lines.setdefault(int(breakpoint_.get("line") or 0), breakpoint_)
        return lines

    def suspended_lines(self, file: str) -> Dict[int, str]:
        """Lines of ``file`` where *other* tasks sit (their innermost user frame), by task name."""
        selected = self.selected.task if self.selected is not None else None
        lines: Dict[int, str] = {}
        for where, line, name in self._sitting.values():
            if where == file and name != selected:
                lines.setdefault(line, name)
        return lines

    def _note_sitting(self, event: Dict[str, Any]) -> None:
        """Update where each task sits, for the tasks this pause changed (all of them, unless a delta)."""
        if not event.get("tasks_delta"):
            self._sitting = {}
        for task_id in event.get("tasks_removed") or []:
            self._sitting.pop(task_id, None)
        for task in event.get("tasks") or []:
            frames = task.get("frames")
            frame = frames[innermost_user_index(frames)] if frames else None
            if frame is not None and frame.get("line"):
                self._sitting[task["id"]] = (frame.get("file"), int(frame["line"]), task.get("name", ""))
            else:
                self._sitting.pop(task["id"], None)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def innermost_user_index(frames: List[Dict[str, Any]]) -> int:
    """The deepest frame of the program's own code (asyncio's frames are kept but not chosen)."""
    for index in range(len(frames) - 1, -1, -1):
        if frames[index].get("user", True):
            return index
    return len(frames) - 1


def log_line(entry: Dict[str, Any]) -> Tuple[str, Optional[str], str]:
    """One step record as (head, out-of-order note, details).

    ``#3 send → Task-2 worker(): resume``, ``picked 2 of 3``,
    ``ran from line 4 to line 6, suspended on sleep(1)``. The note sits right
    after the head so it stays visible in a narrow pane.
    """
    if entry.get("step") is None:
        return entry.get("text", ""), None, ""
    head = f"#{entry['step']} {entry.get('command', '')} → {entry.get('item', '')}"
    details = []
    from_line, to_line = entry.get("from_line"), entry.get("to_line")
    if from_line is not None and to_line is not None:
        details.append(f"ran from line {from_line} to line {to_line}")
    elif from_line is not None:
        details.append(f"ran from line {from_line}")
    if entry.get("outcome"):
        details.append(entry["outcome"])
    note = f"picked {entry['picked']} of {entry.get('of')}" if entry.get("picked") else None
    return head, note, ", ".join(details)
