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
from typing import Any, Callable, Optional

from corodbg.agent.usercode import is_user_file

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

    def start(self, frame: Optional[types.FrameType], *, all_user_code: bool) -> None:
        """Trace new frames, and the frames already on the stack from ``frame`` down."""
        self.active = True
        self.all_user_code = all_user_code
        sys.settrace(self._trace_call)
        current = frame if frame is not None else sys._getframe(1)
        while current is not None:
            if self._wanted(current.f_code):
                current.f_trace = self._trace_local
            current = current.f_back

    def stop(self) -> None:
        self.active = False
        sys.settrace(None)

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
                self.on_line(frame)
            elif event == "return":
                self.on_return(frame)
        return self._trace_local
