"""Message shapes that cross the pipe between the agent and the controller.

Plain data only: dicts, lists, str, int, float, bool, None. Both sides import
this module, so it stays standard library only. Events go up (agent to
controller), commands go down; each is one JSON object on one line.
"""

from __future__ import annotations

import json
import shlex
from typing import Any, Dict, List, Optional

try:  # TypedDict is in typing from 3.8; NotRequired only from 3.11.
    from typing import TypedDict
except ImportError:  # pragma: no cover
    TypedDict = dict  # type: ignore[misc,assignment]


# -- events (agent -> controller) ---------------------------------------------

PAUSE_REASONS = (
    "start", "send", "step", "next", "finish", "breakpoint",
    "exception", "deadlock", "pause", "end",
)


class Location(TypedDict):
    file: str
    line: int
    function: str


class FrameInfo(TypedDict):
    function: str
    file: str
    line: int
    source: str
    locals: Dict[str, str]
    expandable: List[str]     # locals with children (containers, objects): the UI's "expand"
    user: bool


class ReadyItem(TypedDict):
    index: int            # 1-based position in the ready queue; 1 is the head
    kind: str             # "task" (runs a coroutine) or "callback"
    action: str           # start, resume, wakeup, cancel, timer, callback, housekeeping
    task: Optional[str]   # the task this item runs or wakes, if any
    coroutine: Optional[str]
    description: str      # one human line
    housekeeping: bool    # asyncio's own bookkeeping, run without pausing
    internal: bool        # asyncio's machinery (described by its effect), not a user task's step
    raw: str              # the callback as asyncio names it


class TaskInfo(TypedDict):
    id: int               # creation order, stable for a task's life
    name: str
    coroutine: str
    state: str            # ready, running, waiting, done, failed, cancelled
    frames: List[FrameInfo]   # the await chain, outermost first
    awaiting: Optional[str]
    result: Optional[str]
    exception: Optional[str]


class PauseEvent(TypedDict):
    event: str            # "pause"
    reason: str
    step: int
    time: float
    location: Optional[Location]
    task: Optional[str]
    message: str
    ready: List[ReadyItem]
    tasks: List[TaskInfo]
    log: List[Dict[str, Any]]


class OutputEvent(TypedDict):
    event: str            # "output"
    stream: str           # "stdout" or "stderr"
    data: str


class ExitEvent(TypedDict):
    event: str            # "exit"
    code: int


# -- commands (controller -> agent) -------------------------------------------

COMMAND_ALIASES = {
    "s": "step", "n": "next", "c": "continue", "cont": "continue",
    "f": "finish", "q": "quit", "exit": "quit", "": "send",
    "b": "break", "tb": "tbreak", "cl": "clear", "print": "p",
}


class CommandError(ValueError):
    """A command line that cannot be understood; the message says why."""


def parse_command(text: str) -> Dict[str, Any]:
    """Turn a pdb-style command line (``send 2``, ``step``, ``c``) into a command dict."""
    stripped = text.strip()
    if stripped.startswith("!"):
        return {"cmd": "exec", "code": stripped[1:].strip()}
    head, _, tail = stripped.partition(" ")
    if head == "p" or head == "print":
        if not tail.strip():
            raise CommandError("usage: p EXPR")
        return {"cmd": "eval", "expr": tail.strip()}
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise CommandError(f"cannot parse {text!r}: {error}") from None
    name = COMMAND_ALIASES.get(words[0] if words else "", words[0] if words else "send")
    rest = words[1:]
    if name == "send":
        if not rest:
            return {"cmd": "send", "index": 1}
        if len(rest) == 1 and rest[0].isdigit() and int(rest[0]) >= 1:
            return {"cmd": "send", "index": int(rest[0])}
        raise CommandError("usage: send [N]  (N is a position in the ready queue, 1 is the head)")
    if name in ("step", "next", "finish", "continue", "quit", "pause", "breakpoints"):
        if rest:
            raise CommandError(f"{name} takes no argument")
        return {"cmd": name}
    if name in ("break", "tbreak"):
        if not rest:
            return {"cmd": "breakpoints"}
        return {"cmd": "break", "spec": rest, "temporary": name == "tbreak"}
    if name == "clear":
        return {"cmd": "clear", "spec": rest}
    raise CommandError(f"unknown command {words[0]!r}")


def encode(message: Dict[str, Any]) -> bytes:
    """One message as one JSON line (UTF-8, ending in a newline)."""
    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8", "surrogateescape")


def decode(line: bytes) -> Dict[str, Any]:
    """The message of one JSON line."""
    return json.loads(line.decode("utf-8", "surrogateescape"))
