"""Pause events as changes: the tasks that differ from the previous pause, not all of them.

With 10,000 tasks a pause describes every one (about 3 MB of JSON), yet a
``send`` changes one or two. Over the UI's pipe each pause therefore carries
only the tasks that are new or changed, plus the ids of those gone; the UI
keeps the rest from before. The headless trace keeps whole pauses (a trace
line must stand on its own).

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping


class TaskDelta:
    """Remembers what the receiving side has, and turns whole pauses into changes."""

    def __init__(self) -> None:
        self.sent: Dict[int, Dict[str, Any]] = {}

    def encode(self, pause: Mapping[str, Any]) -> Dict[str, Any]:
        """A copy of ``pause`` whose ``tasks`` holds only what changed (``tasks_delta`` marks it)."""
        tasks: List[Dict[str, Any]] = pause.get("tasks") or []
        current = {info["id"]: info for info in tasks}
        changed = [info for info in tasks
                   if self.sent.get(info["id"]) is not info and self.sent.get(info["id"]) != info]
        removed = [task_id for task_id in self.sent if task_id not in current]
        self.sent = current
        return {**pause, "tasks": changed, "tasks_removed": removed, "tasks_delta": True}


def apply_delta(known: Dict[int, Dict[str, Any]], pause: Dict[str, Any]) -> Dict[int, Dict[str, Any]]:
    """The receiving side: the tasks by id after ``pause`` (whole or delta), in id order."""
    if not pause.get("tasks_delta"):
        known = {}
    else:
        known = dict(known)
        for task_id in pause.get("tasks_removed") or []:
            known.pop(task_id, None)
    for info in pause.get("tasks") or []:
        known[info["id"]] = info
    return dict(sorted(known.items()))
