"""Hints that a task may have just ended, from ``sys.monitoring`` (3.12+), so continue need not look after every handle.

A task ends inside one of its steps, when its coroutine returns or raises out
of its outermost frame. Under continue the step loop used to look at the
task of every handle it ran (``__self__``, a class lookup, ``task.done()``:
~10 % of a program that only switches tasks). With these hints it looks only
after a handle during which

- a coroutine whose code is the coroutine of some task returned
  (PY_RETURN, a *local* event, on the code objects ``watch_code`` was given:
  the step loop's ``create_task`` gives it each task's), or
- any coroutine frame let an exception out (PY_UNWIND, global; also
  cancellation, also a task made without ``create_task``).

A hint is no more than that: the loop then does the same check as before
(the handle's task, ``done()``), so a coroutine of the same code awaited
directly, or an exception caught by the awaiting coroutine, costs one check
and changes nothing. The hint does nothing else (no handle scheduled, no
reference kept to a task or frame): the program's schedule and the timing of
its exception handler and "never retrieved" messages are python's.

Not seen: the return of a task made without ``loop.create_task`` (a direct
``asyncio.Task(coro)``) whose coroutine code no task made by ``create_task``
shares; such a task's *raise* is seen (PY_UNWIND), so its exception pause is
exact, only its normal end is not kept in the list of ended tasks.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import types

from corodbg.agent.tracing import monitor_tool

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Optional, Set

USER = "task ends"
_COROUTINE_FLAGS = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE
_get_running_loop = asyncio.events._get_running_loop

#: Whether this Python has ``sys.monitoring`` (3.12+); before, the loop looks after every handle.
AVAILABLE = monitor_tool.available()
_state: dict = {"active": False}
_watched: Set[types.CodeType] = set()


def start() -> bool:
    """Turn the hints on (idempotent); False where ``sys.monitoring`` is missing or taken."""
    if _state["active"]:
        return True
    if not monitor_tool.acquire():
        return False
    events = sys.monitoring.events  # type: ignore[attr-defined, unused-ignore]
    monitor_tool.register(events.PY_RETURN, _on_return)
    monitor_tool.register(events.PY_UNWIND, _on_unwind)
    monitor_tool.set_global(USER, events.PY_UNWIND)
    for code in _watched:
        monitor_tool.set_local(USER, code, events.PY_RETURN)
    _state["active"] = True
    return True


def stop() -> None:
    """No more hints (the debugger detaches): the program runs without corodbg's events."""
    if not _state["active"]:
        return
    _state["active"] = False
    monitor_tool.set_global(USER, 0)
    for code in _watched:
        monitor_tool.set_local(USER, code, 0)


def active() -> bool:
    return bool(_state["active"])


def watch_code(coro: Any) -> bool:
    """Hint at the returns of coroutines with ``coro``'s code; False if it has no Python code (no hint possible)."""
    code: Optional[types.CodeType] = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    if code is None:
        return False
    if code not in _watched:
        _watched.add(code)
        if _state["active"]:
            monitor_tool.set_local(USER, code, sys.monitoring.events.PY_RETURN)  # type: ignore[attr-defined, unused-ignore]
    return True


def forget(code: types.CodeType) -> None:
    """No more hints for ``code`` (explore's warm-up: its coroutines never run again)."""
    _watched.discard(code)
    if _state["active"]:
        monitor_tool.set_local(USER, code, 0)


def _hint() -> None:
    loop = _get_running_loop()
    if loop is not None:
        hint = getattr(loop, "hint_task_end", None)
        if hint is not None:
            hint()


def _on_return(code: types.CodeType, offset: int, value: Any) -> None:
    _hint()


def _on_unwind(code: types.CodeType, offset: int, error: BaseException) -> None:
    if code.co_flags & _COROUTINE_FLAGS:
        _hint()
