"""Describing thousands of tasks at every pause without redoing the ones that did not move.

A suspended task's frames, lines and locals can only change when the task
runs a step, with two exceptions this module guards against: a local bound to
a mutable object (another task may change the object) and a variable shared
through a closure cell (another function may rebind it). So a task that did
not run since the last pause, whose user frames hold only plain immutable
values and no cells, is described as it was; everything else is described
afresh. Whether it is ready (and what its ready handle will do) is cheap and
recomputed every time. The loop notes which tasks ran (``StepLoop.ran_tasks``).

With 10,000 sleeping tasks this turns a pause from ~180 ms into a few ms, and
keeps unchanged tasks' dicts identical, so the pipe's deltas (``delta.py``)
and the UI's tree can tell "unchanged" with ``is``.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import asyncio
import itertools
import types
import weakref

from corodbg.agent.inspection import introspect, wake
from corodbg.agent.inspection.saferepr import PLAIN_TYPES
from corodbg.agent.tracing.usercode import is_user_file

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Set, Tuple

    from corodbg.agent.protocol import ReadyItem, TaskInfo


class TaskInfoCache:
    """The last description of each suspended task, by the debugger's task id."""

    def __init__(self) -> None:
        #: task id -> (its description as waiting, (a weak reference to its ready handle, its description
        #: as ready) or ()). Weak: a handle holds its task, and a finished task must be freed when the
        #: program drops it, as under python ("exception was never retrieved" comes then).
        self._known: Dict[int, Tuple[TaskInfo, Tuple[Any, ...]]] = {}

    def forget(self) -> None:
        """Describe everything afresh next time (after ``!``: a statement may change any frame)."""
        self._known.clear()

    def describe(self, task: asyncio.Task, *, task_id: int, ready_tasks: Dict[int, asyncio.Handle],
                 ran: Set[int], running: Optional[asyncio.Task],
                 running_frame: Optional[types.FrameType]) -> TaskInfo:
        """The task as plain data; ``ready_tasks`` maps id(task) to its first handle in the ready queue."""
        if task.done() or task is running:
            self._known.pop(task_id, None)
            return introspect.task_info(task, task_id=task_id, ready_tasks={}, running=running,
                                        running_frame=running_frame)
        known = self._known.get(task_id)
        if known is None or id(task) in ran:
            waiting = introspect.task_info(task, task_id=task_id, ready_tasks={}, running=None,
                                           running_frame=None)
            known = (waiting, ())
            if _settled(task):
                self._known[task_id] = known
            else:
                self._known.pop(task_id, None)
        waiting, as_ready = known
        handle = ready_tasks.get(id(task))
        if handle is None:
            return waiting
        if as_ready and as_ready[0]() is handle:  # the same handle still queued: the same action
            return as_ready[1]
        action = introspect.task_action(handle, task)
        ready: TaskInfo = {**waiting, "state": "ready", "awaiting": action}
        if self._known.get(task_id) is known:
            self._known[task_id] = (waiting, (weakref.ref(handle), ready))
        return ready


def _settled(task: asyncio.Task) -> bool:
    """Whether the task's description can only change when it runs (see the module's docstring)."""
    for obj in introspect.await_chain(task.get_coro()):
        frame = introspect.frame_of(obj)
        if frame is None or not is_user_file(frame.f_code.co_filename):
            continue
        code = frame.f_code
        if code.co_cellvars or code.co_freevars:
            return False
        try:
            values = list(introspect.read_locals(frame).values())
        except Exception:
            return False
        if any(type(value) not in PLAIN_TYPES for value in values):
            return False
    return True




class ReadyItemCache:
    """The ready queue's first items as plain data, each handle described once while it waits.

    A handle in the queue does not change, and the task it will run does not run
    meanwhile: its description holds until it leaves the queue. Only its place
    (``index``) moves.
    """

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        #: id(handle) -> (a weak reference to it, its description). Weak: a handle that ran must not keep
        #: its task alive until the next pause (see TaskInfoCache).
        self._known: Dict[int, Tuple[weakref.ReferenceType[asyncio.Handle], ReadyItem]] = {}

    def items(self, loop: asyncio.AbstractEventLoop, scheduled_by: Optional[str] = None) -> List[ReadyItem]:
        """``scheduled_by``: the task whose step put the new handles in the queue, when known."""
        known, fresh = self._known, {}
        items: List[ReadyItem] = []
        for position, handle in enumerate(itertools.islice(loop._ready, self.limit)):  # type: ignore[attr-defined]
            if handle._cancelled:
                continue
            entry = known.get(id(handle))
            if entry is None or entry[0]() is not handle:
                entry = (weakref.ref(handle), wake.describe_handle(handle, 0, scheduled_by))
            fresh[id(handle)] = entry
            items.append({**entry[1], "index": position + 1})
        self._known = fresh
        return items
