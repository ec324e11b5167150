"""Line tracing: stepping, next/finish across awaits, and breakpoints.

Uses ``sys.settrace`` only while something needs it: a step in progress
(every frame of user code is traced) or breakpoints (only code objects that
hold a breakpoint line are traced; every other frame gets no local trace
function and runs at full speed). Library code is never traced.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import sys
import types

from corodbg.agent.tracing import monitor_tool
from corodbg.agent.tracing.usercode import is_user_file

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Callable, Optional

    FrameCallback = Callable[[types.FrameType], None]


class LineTracer:
    """Calls ``on_line(frame)`` at each new traced line and ``on_return(frame)`` when a traced frame leaves."""

    def __init__(self, on_line: FrameCallback, on_return: FrameCallback,
                 wants_code: Callable[[types.CodeType], bool]) -> None:
        self.on_line = on_line
        self.on_return = on_return
        self.wants_code = wants_code   # for breakpoints-only tracing
        self.active = False
        self.all_user_code = False
        self.muted = False  # set while the debugger itself runs code (a pause)
        self.last_line: Any = None  # (frame id, code, line) of the last line event, for LineHooks
        #: (frame id, line) of the last 'exception' event: on 3.13+ the line where an exception
        #: is thrown into a suspended frame gets a second 'line' event, which is no new line.
        self._exception_at: Any = None

    def start(self, frame: Optional[types.FrameType], *, all_user_code: bool) -> None:
        """Trace new frames, and the frames already on the stack from ``frame`` down."""
        self.active = True
        self.all_user_code = all_user_code
        sys.settrace(self._trace_call)
        current: Optional[types.FrameType] = frame if frame is not None else sys._getframe(1)
        while current is not None:
            if self._wanted(current.f_code):
                current.f_trace = self._trace_local
            current = current.f_back

    def stop(self) -> None:
        self.active = False
        sys.settrace(None)

    def reported(self, frame: types.FrameType) -> bool:
        """Whether the last line event was this frame's current line (then forgotten: asked once per line)."""
        if self.last_line is not None and self.last_line == (id(frame), frame.f_code, frame.f_lineno):
            self.last_line = None
            return True
        return False

    def _wanted(self, code: types.CodeType) -> bool:
        if self.all_user_code:
            return is_user_file(code.co_filename)
        return self.wants_code(code)

    def _trace_call(self, frame: types.FrameType, event: str, arg: Any) -> Optional[Callable]:
        if event == "call" and self._wanted(frame.f_code):
            return self._trace_local
        return None

    def _trace_local(self, frame: types.FrameType, event: str, arg: Any) -> Optional[Callable]:
        if self.active and not self.muted:
            if event == "line":
                if self._exception_at is not None:
                    repeated = self._exception_at == (id(frame), frame.f_lineno)
                    self._exception_at = None
                    if repeated:
                        return self._trace_local
                self.last_line = (id(frame), frame.f_code, frame.f_lineno)
                self.on_line(frame)
            elif event == "exception":
                self._exception_at = (id(frame), frame.f_lineno)
            elif event == "return":
                self.on_return(frame)
        return self._trace_local


class BreakpointMonitor:
    """Breakpoints on 3.12+ through ``sys.monitoring``: an unhit breakpoint costs nothing.

    Each code object is looked at once (its first PY_START or PY_RESUME, then
    that event is disabled for it); only code holding a breakpoint gets LINE
    events, and each line that holds none disables itself after its first
    event. Stepping still uses ``LineTracer``; the two never run together.
    """

    USER = "breakpoints"  # its events in corodbg's monitoring tool (monitor_tool)

    def __init__(self, on_line: FrameCallback, wants_code: Callable[[types.CodeType], bool],
                 wants_line: Callable[[types.CodeType, int], bool]) -> None:
        self.on_line = on_line
        self.wants_code = wants_code
        self.wants_line = wants_line
        self.active = False
        self.muted = False
        self._registered = False
        self._lined: list = []

    @staticmethod
    def available() -> bool:
        return monitor_tool.available()

    def start(self) -> None:
        events = sys.monitoring.events  # type: ignore[attr-defined, unused-ignore]
        if not self._registered:
            if not monitor_tool.acquire():
                return  # another debugger holds the tool id: breakpoints fall back to settrace
            monitor_tool.register(events.PY_START, self._on_start)
            monitor_tool.register(events.PY_RESUME, self._on_start)
            monitor_tool.register(events.LINE, self._on_line)
            self._registered = True
        self._clear_lines()
        monitor_tool.set_global(self.USER, events.PY_START | events.PY_RESUME)
        sys.monitoring.restart_events()  # type: ignore[attr-defined, unused-ignore]
        self.active = True
        # Frames already running (the module's, a paused coroutine's) get no
        # PY_START: look at the ones on the stack now.
        frame: Optional[types.FrameType] = sys._getframe(1)
        while frame is not None:
            self._on_start(frame.f_code, 0)
            frame = frame.f_back

    def stop(self) -> None:
        if not self.active:
            return
        self.active = False
        monitor_tool.set_global(self.USER, 0)
        self._clear_lines()

    def _clear_lines(self) -> None:
        for code in self._lined:
            monitor_tool.set_local(self.USER, code, 0)
        self._lined = []

    def _on_start(self, code: types.CodeType, offset: int) -> Any:
        if self.active and self.wants_code(code):
            monitor_tool.set_local(self.USER, code, sys.monitoring.events.LINE)  # type: ignore[attr-defined, unused-ignore]
            self._lined.append(code)
        return sys.monitoring.DISABLE  # type: ignore[attr-defined, unused-ignore]

    def _on_line(self, code: types.CodeType, line: int) -> Any:
        if not self.wants_line(code, line):
            return sys.monitoring.DISABLE  # type: ignore[attr-defined, unused-ignore]
        if self.active and not self.muted:
            self.on_line(sys._getframe(1))
        return None
