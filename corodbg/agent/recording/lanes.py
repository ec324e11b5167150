"""The UI's timeline: which task ran at each observed step, when tasks became ready, marks.

The ``timeline`` command answers with it (a reply, on demand: pauses stay small
with 10,000 tasks). Kept for the steps the debugger observes (send, step, next,
finish; not the unobserved batches of continue, which the screen shows as
gaps), at most ``LIMIT`` steps (the oldest go). Per step: the task that ran,
the clock, and how the step left the task (suspended on what, done, raised);
per wake-up: the step after which a task's handle was queued. Cost per
observed step: the handles queued during it, not the ready queue.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import weakref
from collections import deque
from typing import Any, Deque, Dict, List, Tuple

LIMIT = 20000
#: At most this many steps go in one reply (the newest, up to the current step).
REPLY_STEPS = 5000


class Lanes:
    """What the timeline screen draws, collected as the program runs."""

    def __init__(self) -> None:
        #: (step, task id, clock, outcome): task id 0 for a callback of no task.
        self.steps: Deque[Tuple[int, int, float, str]] = deque(maxlen=LIMIT)
        #: (step, task id): the task became ready after this step (its handle was queued).
        self.ready: Deque[Tuple[int, int]] = deque(maxlen=LIMIT)
        #: (step, task id, kind, text): breakpoint, exception, cancelled.
        self.marks: Deque[Tuple[int, int, str, str]] = deque(maxlen=LIMIT)
        self.names: Dict[int, str] = {0: "callbacks"}
        self.seen = 0       # length of the ready queue last looked at
        self.seen_at = 0    # ... at this step (else unknown: steps ran unobserved since)
        #: Lane numbers of the lanes' own: the debugger's task ids are given in the order the
        #: panes first list tasks (creation order), which numbering tasks here must not change.
        self.ids: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()

    def lane_id(self, task: Any) -> int:
        """The task's lane number (1, 2, ... in the order this record first met it); 0 for no task (a callback)."""
        if task is None:
            return 0
        number = self.ids.get(task)
        if number is None:
            number = self.ids[task] = len(self.names)
            self.names[number] = task.get_name()
        return number

    def woke(self, step: int, task_ids: List[int]) -> None:
        for task_id in task_ids:
            self.ready.append((step, task_id))

    def ran(self, step: int, task_id: int, name: str, clock: float, outcome: str) -> None:
        self.names.setdefault(task_id, name)
        self.steps.append((step, task_id, clock, outcome))

    def mark(self, step: int, task_id: int, kind: str, text: str) -> None:
        self.marks.append((step, task_id, kind, text[:200]))

    def reply(self, current: int, clock: float) -> Dict[str, Any]:
        """The newest ``REPLY_STEPS`` steps up to ``current``, as plain data."""
        first = max(1, current - REPLY_STEPS + 1)
        steps = [entry for entry in self.steps if first <= entry[0] <= current]
        ready = [entry for entry in self.ready if first - 1 <= entry[0] <= current]
        marks = [entry for entry in self.marks if first - 1 <= entry[0] <= current]
        used = {entry[1] for entry in steps} | {entry[1] for entry in ready} | {entry[1] for entry in marks}
        return {"first": first, "current": current, "clock": clock, "steps": steps, "ready": ready,
                "marks": marks, "names": {str(task_id): self.names.get(task_id, f"task {task_id}")
                                          for task_id in sorted(used)}}


def owners(handles: Any, task_of: Any, task_id: Any) -> List[int]:
    """The task ids of the handles' tasks (those that belong to one)."""
    found: List[int] = []
    for handle in handles:
        task = task_of(handle._callback)
        if task is not None:
            found.append(task_id(task))
    return found

