"""Pause requests while the program runs: interrupt a step that never returns, without a signal the program sees.

The request comes on the channel's reader thread. First the debugger is asked
to pause at the next handle or line (a flag; the loop is woken if it waits).
If that has not happened after ``GRACE`` seconds, the main thread is running
one long step:

- it is sent a *private* real-time signal (``SIGRTMAX - 1``, never SIGINT)
  whose handler, corodbg's own, starts line tracing from the interrupted
  frame, so the step pauses at its next line of user code. The program never
  sees a signal it did not get from the user: its SIGINT handling (its own
  handler, ``loop.add_signal_handler``, ``asyncio.run``'s, or SIG_IGN) is
  never touched. If the program took the private signal for itself, it is
  not sent; on 3.12+ ``sys.monitoring`` LINE events, switched on from this
  thread, stop the step at its next line instead.
- if the step still has not paused after another ``GRACE``, the main thread is
  inside a call that does not return (``time.sleep``, a blocking ``recv``,
  ``queue.get``): nothing can stop it there, but ``sys._current_frames()``
  shows where it is, so a ``blocked`` report (the whole stack, the blocking
  call, for how long) goes to the frontend at once, as py-spy's dump would.
  The pause comes when the call returns.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import linecache
import os
import signal
import sys
import threading
import time
import types
from typing import Any, Callable, Dict, List, Optional

from corodbg.agent.inspection.introspect import location_of, qualname
from corodbg.agent.tracing.usercode import OWN_FILES, is_user_file

#: Seconds a pause request waits for the loop before interrupting, then before reporting a blocking call.
GRACE = 0.25

#: The private signal. glibc keeps the first real-time signals for itself; the last ones are free,
#: and a program rarely uses them. Where there are none, only the blocked report remains.
PRIVATE_SIGNAL: Optional[int] = (signal.SIGRTMAX - 1) if hasattr(signal, "SIGRTMAX") else None

_MONITORING_TOOL = 4  # a tool id of corodbg's own, apart from breakpoints' DEBUGGER_ID


class PauseInterrupter:
    """Turns a pause request into a pause, whatever the main thread is doing."""

    def __init__(self, debugger: Callable[[], Any], report: Callable[[Dict[str, Any]], None]) -> None:
        """``debugger()`` gives the Debugger (or None before it exists); ``report`` sends a ``blocked`` event."""
        self._debugger = debugger
        self._report = report
        self._installed = False

    def install(self) -> None:
        """On the main thread, before the program runs: the private signal's handler."""
        if PRIVATE_SIGNAL is None:
            return
        try:
            signal.signal(PRIVATE_SIGNAL, _on_private_signal)
            # Restart interrupted system calls in the kernel: the program's own code and C
            # extensions see no EINTR they would not have seen.
            signal.siginterrupt(PRIVATE_SIGNAL, False)
        except (ValueError, OSError):
            return
        _handler_box[:] = [self]
        self._installed = True

    def request(self) -> None:
        """From any thread: pause the program as soon as possible."""
        debugger = self._debugger()
        if debugger is None:
            return
        debugger.request_pause()
        watcher = threading.Thread(target=self._watch, args=(debugger, time.monotonic()),
                                   name="corodbg-pause", daemon=True)
        watcher.corodbg_internal = True  # type: ignore[attr-defined]  # not the program's real work
        watcher.start()

    # -- the watcher thread -----------------------------------------------------------

    def _watch(self, debugger: Any, requested: float) -> None:
        if not _wait_for_pause(debugger, GRACE):
            return
        main = threading.main_thread()
        before = _main_position(main)
        self._interrupt(debugger)
        if not _wait_for_pause(debugger, GRACE):
            return
        stuck = before is not None and _main_position(main) == before
        report = blocked_report(main, time.monotonic() - requested, stuck=stuck)
        if report is not None and debugger.pause_requested and not debugger.pausing:
            self._report(report)

    def _interrupt(self, debugger: Any) -> None:
        main = threading.main_thread()
        if self._installed and signal.getsignal(PRIVATE_SIGNAL) is _on_private_signal:  # type: ignore[arg-type]
            try:
                signal.pthread_kill(main.ident, PRIVATE_SIGNAL)  # type: ignore[arg-type]
                return
            except (OSError, ValueError):
                pass
        _monitor_next_line(debugger)


def _wait_for_pause(debugger: Any, seconds: float) -> bool:
    """Wait up to ``seconds`` for the request to be served; True while it is still pending."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not debugger.pause_requested or debugger.pausing:
            return False
        time.sleep(0.01)
    return debugger.pause_requested and not debugger.pausing


def _main_position(main: threading.Thread) -> Optional[tuple]:
    frame = sys._current_frames().get(main.ident)  # type: ignore[arg-type]
    return (id(frame), frame.f_lasti) if frame is not None else None


# -- the signal's handler (main thread) ------------------------------------------------------

_handler_box: List[PauseInterrupter] = []


def _on_private_signal(signum: int, frame: Optional[types.FrameType]) -> None:
    """Start line tracing from the interrupted frame: the step pauses at its next user line."""
    if not _handler_box:
        return
    debugger = _handler_box[0]._debugger()
    if debugger is not None:
        debugger.interrupt(frame)


def _monitor_next_line(debugger: Any) -> None:
    """3.12+, when the private signal is not ours: LINE events from this thread stop the step.

    Only user code gets a look (the callback disables itself elsewhere); the
    events are switched off again as soon as the debugger pauses.
    """
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return
    try:
        monitoring.use_tool_id(_MONITORING_TOOL, "corodbg-pause")
    except ValueError:
        pass

    def on_line(code: types.CodeType, line: int) -> Any:
        if not is_user_file(code.co_filename):
            return monitoring.DISABLE
        if threading.current_thread() is threading.main_thread() and debugger.pause_requested \
                and not debugger.pausing:
            monitoring.set_events(_MONITORING_TOOL, 0)
            monitoring.register_callback(_MONITORING_TOOL, monitoring.events.LINE, None)
            monitoring.free_tool_id(_MONITORING_TOOL)
            debugger._on_line(sys._getframe(1))
        return None

    try:
        monitoring.register_callback(_MONITORING_TOOL, monitoring.events.LINE, on_line)
        monitoring.set_events(_MONITORING_TOOL, monitoring.events.LINE)
    except ValueError:
        pass


# -- the blocked report -----------------------------------------------------------------------


def blocked_report(thread: threading.Thread, seconds: float, *, stuck: bool = True) -> Optional[Dict[str, Any]]:
    """Where ``thread`` is stuck, as plain data: its stack (outermost first), the blocking call.

    ``stuck``: the thread was in the same place twice (a blocking call); else it
    runs code that reaches no traced line (library code, a C loop).

    Read from another thread with ``sys._current_frames()``, which works while
    the thread runs no Python code at all (it is inside a C call).
    """
    frame = sys._current_frames().get(thread.ident)  # type: ignore[arg-type]
    if frame is None:
        return None
    stack: List[Dict[str, Any]] = []
    innermost, user_frame = frame, None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(OWN_FILES) or os.path.basename(filename) == "runpy.py" \
                or filename.startswith("<frozen runpy>"):
            frame = frame.f_back  # corodbg's frames (and runpy's): not the program's stack
            continue
        where = location_of(frame)
        user = is_user_file(filename)
        if user and user_frame is None:
            user_frame = frame
        stack.append({**where, "source": linecache.getline(filename, where["line"]).strip(), "user": user})
        frame = frame.f_back
    if not stack:
        return None
    # The innermost user frame is where the program is, for a person; the call it makes
    # there is what blocks (asyncio's or the library's frames below it are the details).
    index = next((i for i, each in enumerate(stack) if each["user"]), 0)
    blocking = stack[index]
    blocking["blocking"] = True
    call = blocking_call(user_frame or innermost)
    if user_frame is not None and user_frame is not innermost:
        inner = stack[0]
        call_detail = f" (inside {blocking_call(innermost)}, {inner['file']}:{inner['line']})"
    else:
        call_detail = ""
    stack.reverse()
    doing = f"blocked in {call}" if stuck else f"busy in {call}"
    message = (f"{doing}{call_detail} for {seconds:.1f} s at {blocking['file']}:{blocking['line']} "
               f"({blocking['function']}): it pauses when the call returns")
    return {"event": "blocked", "call": call, "stuck": stuck, "seconds": round(seconds, 1), "message": message,
            "location": {"file": blocking["file"], "line": blocking["line"], "function": blocking["function"]},
            "stack": stack}


def blocking_call(frame: types.FrameType) -> str:
    """``time.sleep``: the callable the frame is calling, read from its source (3.11+ positions), or the line."""
    code = frame.f_code
    source = linecache.getline(code.co_filename, frame.f_lineno or code.co_firstlineno).strip()
    positions = getattr(code, "co_positions", None)
    if positions is not None and frame.f_lasti >= 0:
        try:
            start_line, end_line, start_col, end_col = list(positions())[frame.f_lasti // 2]
        except (IndexError, ValueError):
            start_line = None
        if start_line is not None and start_line == end_line and start_col is not None and end_col is not None:
            text = linecache.getline(code.co_filename, start_line)[start_col:end_col]
            name = _callee(text)
            if name:
                return name
    return f"`{source}`" if source else f"{qualname(code)}()"



def _callee(call_text: str) -> str:
    """``queue.Queue().get`` from ``queue.Queue().get(timeout=5)``: the call without its arguments."""
    text = call_text.strip()
    if not text.endswith(")"):
        return text.split("(", 1)[0].strip()
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                return text[:index].strip()
    return text
