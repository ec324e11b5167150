"""Deviations from the default order, in words, for the report of a shrunk schedule.

Only the final (shrunk) run describes itself: looking up frames and source
lines costs more than the run itself.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import asyncio
import linecache
import sys
import types
from typing import Any, Optional

from corodbg.agent.inspection import introspect
from corodbg.agent.recording.schedule import handle_identity
from corodbg.agent.tracing.usercode import display_path


def _line(frame: types.FrameType) -> str:
    """``race.py:9 `await asyncio.sleep(0)```: where a frame is, with its source line."""
    code = frame.f_code
    line = frame.f_lineno or code.co_firstlineno
    source = linecache.getline(code.co_filename, line).strip()
    if "  #" in source:  # a trailing comment makes the report's lines long; the line is named anyway
        source = source.split("  #", 1)[0].rstrip()
    return f"{display_path(code.co_filename)}:{line}" + (f" `{source}`" if source else "")


def where_task_is(task: Optional[asyncio.Task]) -> str:
    """Where a task waits (its innermost user line), or that it has not started."""
    if task is None:
        return ""
    coro = task.get_coro()
    if not _started(coro):
        return f"{task.get_name()} had not started"
    user = introspect.innermost_user_frame(introspect.await_chain(coro))
    return f"{task.get_name()} was at {_line(user)}" if user is not None else ""


def _started(coro: Any) -> bool:
    import inspect

    try:
        return inspect.getcoroutinestate(coro) != inspect.CORO_CREATED
    except (TypeError, AttributeError):
        return True


def pick(step: int, ready: Any, index: int) -> str:
    """``at step 14, Task-3 buy() ran before Task-2 buy(), while Task-2 was at shop.py:9 `...```."""
    chosen, head = ready[index], ready[0]
    head_task = introspect.task_of_callback(head._callback)
    where = where_task_is(head_task)
    return (f"at step {step + 1}, {handle_identity(chosen)} ran before {handle_identity(head)}"
            f" (the head of the ready queue){', while ' + where if where else ''}")


def origin() -> str:
    """``of Task-3 c() at race.py:14 `await asyncio.sleep(0.15)```: who makes a wait, seen from inside the call."""
    frame = introspect.user_caller(sys._getframe(1))
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    owner = introspect.task_label(task) if task is not None else "a callback"
    return f"of {owner}" + (f" at {_line(frame)}" if frame is not None else "")


def wait(kind: str, index: int, asked: float, given: float, step: int, made_by: str) -> str:
    """``timer #3 of Task-3 c() at race.py:14 `await asyncio.sleep(0.15)` (set at step 5) fired after ...``,
    ``executor job #4 of ...`` (``kind`` "job": ``asked`` is the job's real duration), or ``read #5 of ...``
    (``kind`` "read": ``asked`` is how long it waited on the outside, ``given`` that plus how long it was held)."""
    if kind == "read":
        return (f"read #{index} {made_by} (waiting since step {step}) was let through after {given:.6g} s "
                f"instead of {asked:.6g} s: the outside answered later (×{given / asked:.3g})")
    if kind == "job":
        ran = f" (it ran {asked:.6g} s, ×{given / asked:.3g})" if asked > 0 else ""
        return (f"executor job #{index} {made_by} (submitted at step {step}) took {given:.6g} s "
                f"as the program saw it{ran}")
    return (f"timer #{index} {made_by} (set at step {step}) fired after {given:.6g} s "
            f"instead of {asked:.6g} s (×{given / asked:.3g})")
