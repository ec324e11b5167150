"""Line stepping: stop at the next line of user code, in any frame.

Uses ``sys.settrace`` only while a step is in progress, and traces only frames
of user code (see ``usercode``): library frames return no local trace
function, so ``continue`` runs untraced at full speed.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import sys
import types
from typing import Any, Callable, Optional

from corodbg.agent.usercode import is_user_file

LineCallback = Callable[[types.FrameType], None]


class LineTracer:
    """Calls ``on_line(frame)`` at each new line of user code while started."""

    def __init__(self, on_line: LineCallback) -> None:
        self.on_line = on_line
        self.active = False
        self.muted = False  # set while the debugger itself runs code (a pause)

    def start(self, frame: Optional[types.FrameType] = None) -> None:
        """Trace new frames, and the user frames already on the stack below ``frame``."""
        self.active = True
        sys.settrace(self._trace_call)
        current = frame if frame is not None else sys._getframe(1)
        while current is not None:
            if is_user_file(current.f_code.co_filename):
                current.f_trace = self._trace_line
            current = current.f_back

    def stop(self) -> None:
        self.active = False
        sys.settrace(None)

    def _trace_call(self, frame: types.FrameType, event: str, arg: Any) -> Optional[Callable]:
        if event == "call" and is_user_file(frame.f_code.co_filename):
            return self._trace_line
        return None

    def _trace_line(self, frame: types.FrameType, event: str, arg: Any) -> Optional[Callable]:
        if event == "line" and self.active and not self.muted:
            self.on_line(frame)
        return self._trace_line
