"""What the Log pane says at each pause, besides the agent's step records.

The agent logs the steps it watched (one record each); ``continue`` runs steps
unwatched, for speed. The feed accounts for every step anyway, in order: a
line ``#2–#4 ran without stopping (3 steps)`` where records are missing, plus
the start, an end's or a deadlock's message (a deadlock's waits one per line).
Plain logic, no Textual: the app hands its output to the Log pane.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from corodbg.ui.state import PauseState

_NEVER_RETRIEVED = re.compile(r"Task exception was never retrieved\s*\nfuture: <Task \w+ name='([^']*)' "
                              r"coro=<([^>(]*)\(")
_NEVER_AWAITED = re.compile(r"coroutine '([^']+)' was never awaited")


class LogFeed:
    """Turns pause events into Log entries; remembers the last step it accounted for."""

    def __init__(self) -> None:
        self.steps_logged = 0

    def for_pause(self, event: Dict[str, Any], state: PauseState) -> List[Dict[str, Any]]:
        """The Log entries for a pause ``state`` has just taken in."""
        out: List[Dict[str, Any]] = []
        paused = state.task_named(state.task)
        # A line pause, or a task's exception caught as its step ends: that step is logged later.
        in_step = (paused is not None and paused.get("state") == "running") or state.reason == "exception"
        for entry in event.get("log") or []:
            step = entry.get("step")
            if isinstance(step, int):
                self._unwatched(step - 1, out)
                self.steps_logged = max(self.steps_logged, step)
            out.append(entry)
        self._unwatched(state.step - (1 if in_step else 0), out)
        reason = event.get("reason")
        if reason == "start":
            out.append({"step": None, "text": "#0 the loop started; nothing has run yet"})
        elif reason in ("end", "deadlock", "exception") and event.get("message"):
            out.extend(ending_lines(reason, event["message"]))
        elif reason == "deviation" and event.get("message"):  # a replayed schedule of corodbg explore
            out.append({"step": None, "kind": "warning",
                        "text": f"⑂ {event['message']}; continue, step or send follow the schedule, "
                                "send N of another item leaves it"})
        return out

    def for_blocked(self, event: Dict[str, Any]) -> List[Dict[str, Any]]:
        """A pause request met a call that does not return: say where, with the whole stack (outermost first)."""
        out: List[Dict[str, Any]] = [{"step": None, "kind": "warning", "text": event.get("message", "blocked")}]
        for frame in event.get("stack") or []:
            mark = "▶" if frame.get("blocking") else " "
            out.append({"step": None, "text": f"  {mark} {frame.get('file')}:{frame.get('line')} "
                                              f"{frame.get('function')}: {frame.get('source', '')}"})
        return out

    def for_output(self, stream: str, data: str) -> List[Dict[str, Any]]:
        """Warnings asyncio and Python print on stderr that a debugging user must not miss.

        "Task exception was never retrieved" and "coroutine ... was never
        awaited" scroll by in Output; the Log gets a line naming the task or
        coroutine. (asyncio's logger writes each message in one piece.)
        """
        if stream != "stderr" or "never" not in data:
            return []
        out = [{"step": None, "kind": "warning",
                "text": f"⚠ {name} {coroutine}(): its exception was never retrieved (traceback in Output)"}
               for name, coroutine in _NEVER_RETRIEVED.findall(data)]
        out += [{"step": None, "kind": "warning", "text": f"⚠ coroutine {coroutine}() was never awaited"}
                for coroutine in _NEVER_AWAITED.findall(data)]
        return out

    def _unwatched(self, until: int, out: List[Dict[str, Any]]) -> None:
        if until > self.steps_logged:
            first, count = self.steps_logged + 1, until - self.steps_logged
            span = f"#{first}" if count == 1 else f"#{first}–#{until}"
            out.append({"step": None, "text": f"{span} ran without stopping "
                                              f"({count:,} step{'s' if count != 1 else ''})"})
            self.steps_logged = until


def ending_lines(reason: str, message: str) -> List[Dict[str, Any]]:
    """Log lines for an end, an exception or a deadlock; a deadlock's waits get a line each."""
    parts = message.split("; ") if reason == "deadlock" else [message]
    head = parts[0] if parts[0].startswith(reason) else f"{reason}: {parts[0]}"
    return [{"step": None, "text": head}] + [{"step": None, "text": f"  {part}"} for part in parts[1:]]
