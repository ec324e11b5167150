"""Why a ready item runs, in a person's words: what running it does to which task.

asyncio's ready queue holds bound methods and closures whose names say how
asyncio works (``gather.<locals>._done_callback``, ``_release_waiter``,
``partial(<Task cancelled ...>)``), not what happens to the program. Each
ready handle is explained here by its effect on user tasks: "wake Task-2
work(): sleep(0.1) done", "CancelledError thrown into Task-2 work() at
sleep(10) (by wait_for's timeout, 0.5 s)", "gather in Task-1 main(): Task-3
work() finished (2 of 3 done)". Items that are asyncio's own machinery are
marked ``internal`` (the UI dims them and can show their raw names).

Reading only: nothing here changes a future, a task or a handle.
Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import asyncio
import functools
import types

from corodbg.agent.inspection import introspect
from corodbg.agent.inspection.saferepr import safe_repr
from corodbg.agent.tracing.usercode import is_user_file

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

    from corodbg.agent.protocol import ReadyItem

    Explained = Optional[Tuple[str, str, Optional[asyncio.Task]]]

_SHORT = 24


class Wake:
    """One ready item explained."""

    __slots__ = ("action", "description", "internal", "raw", "runs_task", "task")

    def __init__(self, action: str, description: str, task: Optional[asyncio.Task], internal: bool, raw: str,
                 runs_task: bool = False) -> None:
        self.action = action            # start, resume, wakeup, cancel, timer, callback, housekeeping
        self.description = description  # one line for a person
        self.task = task                # the user task it runs or wakes
        self.internal = internal        # asyncio's machinery, not a step of a user task
        self.raw = raw                  # the callback as asyncio names it (shown on request)
        self.runs_task = runs_task      # a step of ``task`` itself (not a callback that wakes it)


def describe_handle(handle: asyncio.Handle, index: int, scheduled_by: Optional[str] = None) -> ReadyItem:
    """One ready handle as a ReadyItem (``index``: its 1-based place in the queue).

    ``scheduled_by``: the task whose step put the handle in the queue, when that is
    known for sure (one step ran since the last pause): "Lock lock released by Task-3".
    """
    wake = explain(handle, scheduled_by)
    task = wake.task
    return {
        "index": index, "kind": "task" if wake.runs_task else "callback",
        "action": wake.action, "task": task.get_name() if task is not None else None,
        "coroutine": introspect.coroutine_label(task.get_coro()) if task is not None else None,
        "description": wake.description, "housekeeping": introspect.is_housekeeping(handle),
        "internal": wake.internal, "raw": wake.raw,
    }


def explain(handle: asyncio.Handle, scheduled_by: Optional[str] = None) -> Wake:
    """What running ``handle`` does, in words (``scheduled_by``: see describe_handle)."""
    callback, args = _unwrap(handle._callback, tuple(handle._args or ()))  # type: ignore[attr-defined]
    raw = _raw_name(callback, args)
    task = introspect.task_of_callback(callback)
    if task is not None:
        return _task_step(handle, task, raw, scheduled_by)
    name = getattr(callback, "__name__", "") or type(callback).__name__
    owner = getattr(callback, "__self__", None)
    explainer = _CALLBACKS.get(name)
    if explainer is not None:
        explained = explainer(callback, owner, args)
        if explained is not None:
            action, description, woken = explained
            return Wake(action, description, woken, True, raw)
    code = getattr(callback, "__code__", None)
    internal = code is None or not is_user_file(code.co_filename)
    if owner is not None and _is_io_callback(name):
        return Wake("callback", f"I/O: {type(owner).__name__}.{name.lstrip('_')}", None, True, raw)
    return Wake("callback", raw, None, internal, raw)


# -- a task's own step ------------------------------------------------------------

def _task_step(handle: asyncio.Handle, task: asyncio.Task, raw: str, scheduled_by: Optional[str]) -> Wake:
    wake = _explain_task_step(handle, task, raw, scheduled_by)
    wake.runs_task = True
    return wake


def _explain_task_step(handle: asyncio.Handle, task: asyncio.Task, raw: str, scheduled_by: Optional[str]) -> Wake:
    label = introspect.task_label(task)
    action = introspect.task_action(handle, task)
    chain = introspect.await_chain(task.get_coro())
    where = introspect.awaiting_description(chain)
    if action == "cancel":
        return Wake(action, f"CancelledError thrown into {label}{_at(where)}{_cancel_cause(task, chain)}",
                    task, False, raw)
    if action == "wakeup":
        args = handle._args or ()
        future = args[0] if args and isinstance(args[0], asyncio.Future) else None
        if isinstance(future, asyncio.Task) and future.cancelled():
            return Wake("cancel", f"CancelledError raised in {label}: the awaited {introspect.task_label(future)} "
                        "was cancelled", task, False, raw)
        if future is not None and future.cancelled():
            return Wake("cancel", f"CancelledError thrown into {label}{_at(where)}{_cancel_cause(task, chain)}",
                        task, False, raw)
        error = getattr(future, "_exception", None) if future is not None else None
        if error is not None:
            return Wake(action, f"{type(error).__name__} thrown into {label}{_at(where)}", task, False, raw)
        released = _released_primitive(chain, scheduled_by)
        if released:
            return Wake(action, f"wake {label}: {released}", task, False, raw)
        return Wake(action, f"wake {label}: {_what_finished(future, where)}", task, False, raw)
    if action == "resume" and _yielded_by_sleep0(chain):
        return Wake(action, f"{label}: resume after sleep(0) yield", task, False, raw)
    return Wake(action, f"{label}: {action}", task, False, raw)


def _released_primitive(chain: List[Any], scheduled_by: Optional[str]) -> str:
    """``Lock lock_b released by Task-3 worker()`` for a waiter of ``acquire`` woken up ("" otherwise).

    asyncio wakes the first waiter of a Lock (Semaphore, Condition) when its holder
    releases it; the task whose step did so is known only when one step ran since the
    last pause (``scheduled_by``).
    """
    for obj in reversed(chain):
        frame = introspect.frame_of(obj)
        primitive = introspect.acquired_primitive(frame) if frame is not None else None
        if primitive is not None:
            by = f" by {scheduled_by}" if scheduled_by else ""
            return f"{introspect.primitive_name(primitive, chain)} released{by}"
    return ""


def _at(where: Optional[str]) -> str:
    return f" at {where}" if where else ""


def _what_finished(future: Optional[asyncio.Future], where: Optional[str]) -> str:
    """``Task-3 work() finished``, ``gather: 3 children done``, ``sleep(0.1) done``."""
    if isinstance(future, asyncio.Task):
        return f"{introspect.task_label(future)} finished"
    children = getattr(future, "_children", None)
    if isinstance(children, list):
        return f"gather: {len(children)} {'child' if len(children) == 1 else 'children'} done"
    return f"{where or 'future'} done"


def _yielded_by_sleep0(chain: List[Any]) -> bool:
    """A task resumed by its own ``await asyncio.sleep(0)`` (a bare yield, no future)."""
    frame = introspect.frame_of(chain[-1]) if chain else None
    return frame is not None and frame.f_code.co_name == "__sleep0"


def _cancel_cause(task: asyncio.Task, chain: List[Any]) -> str:
    """Who cancelled the task, when the await chain (or another task's) says it: wait_for's timeout."""
    for obj in chain:
        frame = introspect.frame_of(obj)
        if frame is not None and frame.f_code.co_name == "wait_for" and not is_user_file(frame.f_code.co_filename):
            return _timeout_text(frame)
    # 3.10-3.11: wait_for runs the awaitable as a task of its own and cancels it from the caller's.
    try:
        others = asyncio.all_tasks(task.get_loop())
    except RuntimeError:
        return ""
    for other in others:
        for obj in introspect.await_chain(other.get_coro()):
            frame = introspect.frame_of(obj)
            if frame is not None and frame.f_code.co_name in ("wait_for", "_cancel_and_wait") \
                    and not is_user_file(frame.f_code.co_filename) and _frame_holds(frame, task):
                return _timeout_text(frame)
    return ""


def _frame_holds(frame: types.FrameType, value: Any) -> bool:
    try:
        return any(local is value for local in frame.f_locals.values())
    except Exception:
        return False


def _timeout_text(frame: types.FrameType) -> str:
    try:
        timeout = frame.f_locals.get("timeout")
    except Exception:
        timeout = None
    return f" (by wait_for's timeout, {timeout:g} s)" if isinstance(timeout, (int, float)) else \
        " (by wait_for's timeout)"


# -- asyncio's own callbacks, by their effect -----------------------------------------

def _sleep_done(callback: Any, owner: Any, args: Tuple[Any, ...]) -> Explained:
    """A sleep's timer: ``timer: sleep(0.1) done, wakes Task-2 work()``."""
    future = args[0] if args else None
    waiters = introspect._waiting_tasks(future)
    if not waiters:
        return "timer", "timer: a sleep is over (nobody waits on it any more)", None
    woken = waiters[0]
    where = introspect.awaiting_description(introspect.await_chain(woken.get_coro())) or "sleep"
    return "timer", f"timer: {where} done, wakes {introspect.task_label(woken)}", woken


def _gather_child_done(callback: Any, owner: Any, args: Tuple[Any, ...]) -> Explained:
    """gather's per-child callback: ``gather in Task-1 main(): Task-3 work() finished (2 of 3 done)``."""
    cells = _closure(callback)
    outer = cells.get("outer")
    child = args[0] if args else None
    count, finished = cells.get("nfuts"), cells.get("nfinished")
    parents = introspect._waiting_tasks(outer) if outer is not None else []
    who = f" in {introspect.task_label(parents[0])}" if parents else ""
    what = introspect.task_label(child) if isinstance(child, asyncio.Task) else "a child"
    progress = ""
    if isinstance(count, int) and isinstance(finished, int):
        # Counted as gather will count when this callback runs: the children it has counted, plus the
        # callbacks of other children queued ahead of this one (two children done in one step: 1, then 2).
        progress = f" ({finished + _gather_callbacks_ahead(callback, child) + 1} of {count} done)"
    return "callback", f"gather{who}: {what} finished{progress}", parents[0] if parents else None


def _gather_callbacks_ahead(callback: Any, child: Any) -> int:
    """How many of this gather's per-child callbacks wait in the ready queue before ``child``'s.

    One gather call makes one ``_done_callback`` for all its children, queued as it
    is (``call_soon(callback, child)``): the same object marks the same gather.
    """
    try:
        ready = child.get_loop()._ready
    except Exception:
        return 0
    ahead = 0
    for handle in ready:
        if handle._callback is not callback:
            continue
        if handle._args and handle._args[0] is child:
            return ahead
        if not handle._cancelled:
            ahead += 1
    return 0


def _release_waiter(callback: Any, owner: Any, args: Tuple[Any, ...]) -> Explained:
    """3.10-3.11 wait_for (and wait): its timer, or its awaited future finishing."""
    waiter = args[0] if args else None
    waiters = introspect._waiting_tasks(waiter)
    woken = waiters[0] if waiters else None
    target = f", wakes {introspect.task_label(woken)}" if woken is not None else ""
    finished = args[1] if len(args) > 1 else None
    if isinstance(finished, asyncio.Task):
        return "callback", f"wait_for: {introspect.task_label(finished)} finished{target}", woken
    if isinstance(finished, asyncio.Future):
        return "callback", f"wait: a future is done{target}", woken
    return "timer", f"wait_for: timeout reached{target}", woken


def _timeout_reached(callback: Any, owner: Any, args: Tuple[Any, ...]) -> Explained:
    """3.11+ ``asyncio.timeout`` (and 3.12+ wait_for): the deadline passed; the task gets cancelled."""
    task = getattr(owner, "_task", None)
    if not isinstance(task, asyncio.Task):
        return None
    return "timer", f"timeout reached: cancels {introspect.task_label(task)}", task


def _run_until_complete_done(callback: Any, owner: Any, args: Tuple[Any, ...]) -> Explained:
    return "housekeeping", "stop the loop: run_until_complete's future is done", None


_CALLBACKS = {
    "_set_result_unless_cancelled": _sleep_done,
    "_done_callback": _gather_child_done,
    "_release_waiter": _release_waiter,
    "_on_timeout": _timeout_reached,
    "_run_until_complete_cb": _run_until_complete_done,
}


# -- helpers ------------------------------------------------------------------------

def _unwrap(callback: Any, args: Tuple[Any, ...]) -> Tuple[Any, Tuple[Any, ...]]:
    """``functools.partial(f, a)(b)`` is ``f(a, b)``: explain ``f``."""
    while isinstance(callback, functools.partial):
        args = tuple(callback.args) + args
        callback = callback.func
    return callback, args


def _closure(function: Any) -> Dict[str, Any]:
    """A closure's free variables by name (empty cells left out)."""
    code = getattr(function, "__code__", None)
    cells = getattr(function, "__closure__", None) or ()
    values: Dict[str, Any] = {}
    for name, cell in zip(getattr(code, "co_freevars", ()), cells, strict=False):
        try:
            values[name] = cell.cell_contents
        except ValueError:
            pass
    return values


_IO_CALLBACKS = ("_read_ready", "_write_ready", "_accept_connection", "_sock_recv", "_sock_sendall",
                 "_sock_connect_cb", "_call_connection_lost", "connection_made", "data_received",
                 "eof_received", "connection_lost", "_process_exited", "_pipe_connection_lost",
                 "_pipe_data_received")


def _is_io_callback(name: str) -> bool:
    return name in _IO_CALLBACKS or name.startswith(("_read_ready", "_write_ready"))


def _raw_name(callback: Any, args: Tuple[Any, ...]) -> str:
    """The callback as asyncio would print it, short: ``gather.<locals>._done_callback(<Task ...>)``."""
    name = getattr(callback, "__qualname__", None) or getattr(callback, "__name__", None) \
        or type(callback).__name__
    shown = ", ".join(_short(safe_repr(arg)) for arg in args[:2])
    return f"{name}({shown})"


def _short(text: str) -> str:
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"
