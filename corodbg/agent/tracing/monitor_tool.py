"""corodbg's one ``sys.monitoring`` tool (3.12+), shared by its users: breakpoints and task ends.

``sys.monitoring`` keeps one set of global events per tool and one set of
local events per (tool, code object). Two users of the same tool would
overwrite each other's sets (the breakpoints' LINE on a coroutine's code and
the task ends' PY_RETURN on the same code); here each user names its own
events and the tool gets their union.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import sys
import types

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Callable, Dict

TOOL = 0  # sys.monitoring.DEBUGGER_ID

_acquired: list = []  # [True] once the tool id is corodbg's
_global: Dict[str, int] = {}
_local: Dict[types.CodeType, Dict[str, int]] = {}


def available() -> bool:
    return hasattr(sys, "monitoring")


def acquire() -> bool:
    """Take the tool id (once); False if another debugger holds it (then corodbg does without)."""
    if _acquired:
        return True
    if not available():
        return False
    try:
        sys.monitoring.use_tool_id(TOOL, "corodbg")  # type: ignore[attr-defined, unused-ignore]
    except ValueError:
        return False
    _acquired.append(True)
    return True


def register(event: int, callback: Callable[..., Any]) -> None:
    sys.monitoring.register_callback(TOOL, event, callback)  # type: ignore[attr-defined, unused-ignore]


def set_global(user: str, events: int) -> None:
    """``user``'s global events are now ``events``; the tool gets every user's."""
    _global[user] = events
    union = 0
    for value in _global.values():
        union |= value
    sys.monitoring.set_events(TOOL, union)  # type: ignore[attr-defined, unused-ignore]


def set_local(user: str, code: types.CodeType, events: int) -> None:
    """``user``'s local events on ``code`` are now ``events``; the code gets every user's."""
    users = _local.setdefault(code, {})
    users[user] = events
    union = 0
    for value in users.values():
        union |= value
    if not union:
        del _local[code]
    sys.monitoring.set_local_events(TOOL, code, union)  # type: ignore[attr-defined, unused-ignore]
