"""Message shapes that cross the pipe between the agent and the controller.

Plain data only: dicts, lists, str, int, float, bool, None. Both sides import
this module, so it stays standard library only. Events go up (agent to
controller), commands go down; each is one JSON object on one line.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, TypedDict


# -- events (agent -> controller) ---------------------------------------------

PAUSE_REASONS = (
    "start", "send", "step", "next", "finish", "breakpoint",
    "exception", "deadlock", "pause", "end", "goto", "deviation",
)


# The shapes below are for the type checker only (TypedDict needs typing at run time).
if TYPE_CHECKING:
    class Location(TypedDict):
        file: str             # as shown: relative to the working directory, or <lib>/... for libraries
        line: int
        function: str
        path: str             # the real path, to read the source from (never shown)


    class FrameInfo(TypedDict):
        function: str
        file: str
        path: str
        line: int
        source: str
        locals: Dict[str, str]
        expandable: List[str]     # locals with children (containers, objects): the UI's "expand"
        user: bool
        globals_used: List[str]   # module variables its code uses; values in the pause's ``globals``


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
        internal: bool        # asyncio's own task (asyncio.run's shutdown of async generators, executors)


    class _PauseEventKeys(TypedDict):
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
        globals: Dict[str, Dict[str, str]]  # file -> {name: safe repr}: the globals the frames use


    class PauseEvent(_PauseEventKeys, total=False):
        # The keys only some pauses have (EVENT_SHAPES below lists them too).
        tasks_removed: List[int]          # with tasks_delta: the ids no longer listed
        tasks_delta: bool                 # ``tasks`` holds only the tasks that changed
        breakpoints: List[Dict[str, Any]]
        exception: Dict[str, Any]         # reason "exception": type, message, traceback, frame
        exit_code: Optional[int]          # reason "end"
        refresh: bool                     # the same pause again, redescribed (after ``!stmt``)


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
    "rs": "reverse-step", "rc": "reverse-continue", "rn": "reverse-next", "rf": "reverse-finish",
}


class CommandError(ValueError):
    """A command line that cannot be understood; the message says why."""


#: Commands answered at a pause without resuming the program.
ANSWERING_COMMANDS = frozenset({"eval", "exec", "break", "clear", "breakpoints", "expand", "timeline"})
#: Commands that go back or to a step (time travel): answered by a pause of another run.
TRAVEL_COMMANDS = frozenset({"goto", "reverse-step", "reverse-continue", "reverse-next", "reverse-finish"})


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
    name = COMMAND_ALIASES.get(head, head)
    if name in ("break", "tbreak") and tail.strip():  # not shlex: the condition keeps its quotes
        return {"cmd": "break", "spec": split_breakpoint_spec(tail), "temporary": name == "tbreak"}
    try:
        words = _split(text)
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
    if name == "goto":
        if len(rest) == 1 and rest[0].isdigit():
            return {"cmd": "goto", "step": int(rest[0])}
        raise CommandError("usage: goto N  (N is a step number)")
    if name in ("step", "next", "finish", "continue", "quit", "pause", "breakpoints", "timeline",
                "reverse-step", "reverse-continue", "reverse-next", "reverse-finish"):
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


def split_breakpoint_spec(text: str) -> List[str]:
    """``LOCATION [task NAME] [if EXPR]`` as words, the condition kept exactly as written
    (quotes and spaces are the expression's: ``if name == 'b  c'``)."""
    words: List[str] = []
    rest = text.strip()
    while rest:
        if rest.startswith("if ") or rest == "if":
            words += ["if", rest[2:].strip()]
            break
        word, _, rest = rest.partition(" ")
        words.append(word)
        rest = rest.strip()
    return words


def _split(text: str) -> list:
    """``shlex.split``; words without quotes, backslashes or unusual spaces split alike without it (start-up time)."""
    if text.isascii() and not any(c in text for c in "\"'\\\x0b\x0c"):
        return text.split()
    import shlex

    return shlex.split(text)


def encode(message: Dict[str, Any]) -> bytes:
    """One message as one JSON line (UTF-8, ending in a newline)."""
    import json

    return (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8", "surrogateescape")


def decode(line: bytes) -> Dict[str, Any]:
    """The message of one JSON line."""
    import json

    return json.loads(line.decode("utf-8", "surrogateescape"))


# -- checking what arrives (controller side) -------------------------------------
#
# The events pipe is the program's process: a bug, or the program itself, may
# write anything there. The session checks every event against these shapes
# and turns what does not fit into a note, so that the UI never acts on (or
# crashes on) a malformed message.

_OPT_STR = (str, type(None))
_OPT_INT = (int, type(None))
_NUMBER = (int, float)


class _ListOf:
    def __init__(self, item: Any) -> None:
        self.item = item


class _MapOf:
    """A dict with str keys and values of one shape."""

    def __init__(self, value: Any) -> None:
        self.value = value


class _Record:
    """A dict with these keys (required ones must be there); other keys are let through."""

    def __init__(self, required: Dict[str, Any], optional: Optional[Dict[str, Any]] = None) -> None:
        self.required = required
        self.optional = optional or {}


class _Maybe:
    def __init__(self, shape: Any) -> None:
        self.shape = shape


_LOCATION = _Record({"file": str, "line": int}, {"function": _OPT_STR, "path": str})
_FRAME = _Record({"function": str, "file": str, "line": int},
                 {"source": _OPT_STR, "locals": _MapOf(str), "expandable": _ListOf(str), "user": bool,
                  "path": str, "globals_used": _ListOf(str)})
_TASK = _Record({"id": int, "name": str},
                {"coroutine": _OPT_STR, "state": _OPT_STR, "frames": _ListOf(_FRAME), "awaiting": _OPT_STR,
                 "result": _OPT_STR, "exception": _OPT_STR, "internal": bool})
_READY = _Record({"index": int, "description": str},
                 {"kind": _OPT_STR, "action": _OPT_STR, "task": _OPT_STR, "coroutine": _OPT_STR,
                  "housekeeping": bool, "internal": bool, "raw": str})
_LOG_ENTRY = _Record({}, {"step": _OPT_INT, "text": str, "command": _OPT_STR, "item": _OPT_STR,
                          "task": _OPT_STR, "picked": _OPT_INT, "of": _OPT_INT, "from_line": _OPT_INT,
                          "to_line": _OPT_INT, "outcome": _OPT_STR, "kind": _OPT_STR})
_BREAKPOINT = _Record({"number": int, "file": str, "line": int},
                      {"condition": _OPT_STR, "task": _OPT_STR, "temporary": bool, "hits": int})
_EXCEPTION = _Record({}, {"type": str, "message": str, "traceback": str, "frame": _Maybe(_FRAME)})

EVENT_SHAPES: Dict[str, Any] = {
    "hello": _Record({}, {"python": str, "target": str}),
    "output": _Record({"stream": str, "data": str}),
    "pause": _Record({"reason": str, "step": int},
                     {"time": _NUMBER, "location": _Maybe(_LOCATION), "task": _OPT_STR, "message": _OPT_STR,
                      "ready": _ListOf(_READY), "tasks": _ListOf(_TASK), "tasks_removed": _ListOf(int),
                      "tasks_delta": bool, "log": _ListOf(_LOG_ENTRY), "breakpoints": _ListOf(_BREAKPOINT),
                      "exception": _Maybe(_EXCEPTION), "exit_code": _OPT_INT, "refresh": bool,
                      "globals": _MapOf(_MapOf(str))}),
    "reply": _Record({"text": str}, {"command": dict, "breakpoints": _ListOf(_BREAKPOINT)}),
    "error": _Record({"message": str}, {"command": dict}),
    "exit": _Record({"code": int}),
    # Going back arrived (time travel): the program had written output[0] characters to stdout
    # and output[1] to stderr (through sys.stdout/sys.stderr) at this point.
    "rewind": _Record({"step": int, "output": _ListOf(int)}, {"pause": _OPT_INT, "command": _OPT_STR}),
    "blocked": _Record({"call": str, "message": str},
                       {"stuck": bool, "seconds": _NUMBER, "location": _Maybe(_LOCATION),
                        "stack": _ListOf(_Record({"file": str, "line": int, "function": str},
                                                 {"source": str, "user": bool, "blocking": bool}))}),
}

#: Output streams an event may name (``agent``: corodbg's own notes).
OUTPUT_STREAMS = ("stdout", "stderr", "agent")


def event_problem(event: Any) -> Optional[str]:
    """Why ``event`` is not a well-formed event from the agent, or None if it is."""
    if not isinstance(event, dict):
        return f"not an object but {type(event).__name__}"
    kind = event.get("event")
    if not isinstance(kind, str) or kind not in EVENT_SHAPES:
        return f"unknown event {kind!r}"[:100]
    shape = EVENT_SHAPES[kind]
    problem = _shape_problem(event, shape, kind)
    if problem is None and kind == "output" and event["stream"] not in OUTPUT_STREAMS:
        problem = f"output.stream: unknown stream {event['stream']!r}"[:100]
    return problem


def _shape_problem(value: Any, shape: Any, where: str) -> Optional[str]:
    if isinstance(shape, _Maybe):
        return None if value is None else _shape_problem(value, shape.shape, where)
    if isinstance(shape, _ListOf):
        if not isinstance(value, list):
            return f"{where}: a list was expected"
        for index, item in enumerate(value):
            problem = _shape_problem(item, shape.item, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if isinstance(shape, _MapOf):
        if not isinstance(value, dict):
            return f"{where}: an object was expected"
        for key, item in value.items():
            problem = _shape_problem(item, shape.value, f"{where}.{key}")
            if problem:
                return problem
        return None
    if isinstance(shape, _Record):
        if not isinstance(value, dict):
            return f"{where}: an object was expected"
        for key, item_shape in shape.required.items():
            if key not in value:
                return f"{where}.{key}: missing"
            problem = _shape_problem(value[key], item_shape, f"{where}.{key}")
            if problem:
                return problem
        for key, item_shape in shape.optional.items():
            if key in value:
                problem = _shape_problem(value[key], item_shape, f"{where}.{key}")
                if problem:
                    return problem
        return None
    if shape is int or (isinstance(shape, tuple) and int in shape and float not in shape):
        if isinstance(value, bool) and bool not in (shape if isinstance(shape, tuple) else (shape,)):
            return f"{where}: {type(value).__name__} is not a number"
    if not isinstance(value, shape):
        return f"{where}: {type(value).__name__} where {_shape_name(shape)} was expected"
    return None


def _shape_name(shape: Any) -> str:
    if isinstance(shape, tuple):
        return " or ".join("null" if item is type(None) else item.__name__ for item in shape)
    return shape.__name__
