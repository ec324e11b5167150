"""``--timeline FILE.json``: the run as Chrome trace-event JSON (opens in Perfetto, chrome://tracing).

Each step is a complete event (``ph: "X"``) on the thread of its task (``tid``: the
task's creation index; 0 for callbacks that belong to no task), named after the
task. Time is the *step index*: ``ts`` = step × 1000 µs, ``dur`` = 1000 µs, so
one step is one millisecond on screen whatever the clock did; the loop's clock
(virtual seconds) is in ``args.clock``. Thread-name metadata (``ph: "M"``) names
each task; instants (``ph: "i"``) mark breakpoints, exceptions and cancellations.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

PID = 1
US_PER_STEP = 1000


def trace_events(entries: List[tuple]) -> List[Dict[str, Any]]:
    events: List[Dict[str, Any]] = [{"ph": "M", "name": "process_name", "pid": PID, "tid": 0,
                                     "args": {"name": "corodbg step loop"}},
                                    {"ph": "M", "name": "thread_name", "pid": PID, "tid": 0,
                                     "args": {"name": "callbacks"}}]
    named = {0}
    for entry in entries:
        kind = entry[0]
        if isinstance(kind, int):  # a step: (step, task id, name, clock)
            step, tid, name, clock = entry
            if tid not in named:
                named.add(tid)
                events.append({"ph": "M", "name": "thread_name", "pid": PID, "tid": tid, "args": {"name": name}})
            events.append({"ph": "X", "name": name, "cat": "step", "ts": (step - 1) * US_PER_STEP,
                           "dur": US_PER_STEP, "pid": PID, "tid": tid, "args": {"step": step, "clock": clock}})
        else:  # an instant: (kind, task id, text, clock, step)
            _, tid, text, clock, step = entry
            events.append({"ph": "i", "name": f"{kind}: {text}", "cat": kind, "s": "t" if tid else "g",
                           "ts": step * US_PER_STEP, "pid": PID, "tid": tid, "args": {"step": step, "clock": clock}})
    return events


def write_timeline(debugger: Any, path: str) -> None:
    with open(path, "w", encoding="utf-8") as file:
        json.dump({"traceEvents": trace_events(debugger.timeline or []), "displayTimeUnit": "ms"}, file)
