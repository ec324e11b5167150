"""Schedule files: a run's scheduling decisions, written by ``--record`` and read by ``--replay``.

The format is in docs/trace-format.md ("Schedule files"). A run on the step
loop is a function of its choices: which ready item ran where it was not the
head (a pick), each jump of the virtual clock, and what came from outside the
loop. A pick names its item stably (a task by its name and coroutine, a
callback by what it is), never by an address.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

if TYPE_CHECKING:
    import asyncio

FORMAT = "corodbg-schedule"
VERSION = 1


class ScheduleError(Exception):
    """A schedule file that cannot be replayed; the message is the one line the user sees."""


def handle_identity(handle: asyncio.Handle) -> str:
    """A ready handle, named the same way in every run of the same program (no addresses)."""
    import asyncio

    from corodbg.agent.inspection import introspect

    callback = handle._callback  # type: ignore[attr-defined]
    task = introspect.task_of_callback(callback)
    if task is not None:
        coroutine = task.get_coro()
        name = getattr(coroutine, "__qualname__", None) or type(coroutine).__name__
        return f"{task.get_name()} {name}()"
    owner = getattr(callback, "__self__", None)
    name = getattr(callback, "__qualname__", None) or getattr(callback, "__name__", None) or type(callback).__name__
    if owner is not None and isinstance(owner, asyncio.Future):
        return f"callback {name} of {type(owner).__name__}"
    return f"callback {name}"


#: The third item of a ``timers`` entry that is a read from the outside (not a job's seconds).
READ = "read"


def program_digest(path: str) -> Optional[str]:
    import hashlib  # here, not at the top: explore's fork server would load OpenSSL's hashes into every run

    try:
        with open(path, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()
    except OSError:
        return None


def checksum(data: Dict[str, Any]) -> str:
    """sha256 of the file's content without its ``checksum`` key (sorted keys, compact separators)."""
    import hashlib

    body = {key: value for key, value in data.items() if key != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def build(*, program: str, is_module: bool, argv: List[str], steps: int, picks: List[Dict[str, Any]],
          clock: List[Tuple[int, float]], outside: List[Tuple[int, float, int]], exit_code: int,
          random_seed: Optional[int]) -> Dict[str, Any]:
    data: Dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "program": program, "module": is_module,
        "program_path": None if is_module else os.path.realpath(program),
        "program_sha256": None if is_module else program_digest(program),
        "argv": list(argv),
        "python": "{}.{}.{}".format(*sys.version_info[:3]),
        "hash_seed": os.environ.get("PYTHONHASHSEED"),
        "random_seed": random_seed,
        "steps": steps,
        "exit_code": exit_code,
        "picks": picks,
        "clock": [[step, when] for step, when in clock],
        "outside": [{"step": step, "waited": round(waited, 6), "events": events}
                    for step, waited, events in outside],
    }
    data["checksum"] = checksum(data)
    return data


def write(path: str, data: Dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file, separators=(",", ":"))
        file.write("\n")


def load(path: str, program: str, is_module: bool) -> Dict[str, Any]:
    """Read and check a schedule for ``program``; ScheduleError says in one line what is wrong."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except OSError as error:
        raise ScheduleError(f"cannot read the schedule {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ScheduleError(f"{path} is not a corodbg schedule (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ScheduleError(f"{path} is not a corodbg schedule (bad or truncated JSON: {error})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ScheduleError(f"{path} is not a corodbg schedule (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise ScheduleError(f"{path}: schedule version {data.get('version')!r} is not supported "
                            f"(this corodbg reads version {VERSION})")
    if data.get("checksum") != checksum(data):
        raise ScheduleError(f"{path}: checksum mismatch: the schedule was edited or truncated")
    if bool(data.get("module")) != is_module or (
            data.get("program") != program if is_module
            else data.get("program_path") != os.path.realpath(program)):
        recorded, given = data.get("program"), program
        if not is_module and recorded == given:  # same name, another file: the paths tell them apart
            recorded, given = data.get("program_path"), os.path.realpath(program)
        raise ScheduleError(f"{path} is a schedule of {recorded!r}, not of {given!r}")
    try:
        for pick in data["picks"]:
            int(pick["step"]), int(pick["index"]), str(pick["item"])
        for step, when in data["clock"]:
            int(step), float(when)
        for entry in data.get("timers", []):  # explore's timing family: [index, factor(, seconds | "read")]
            if len(entry) not in (2, 3) or int(entry[0]) < 0 or not float(entry[1]) > 0 \
                    or (len(entry) == 3 and entry[2] != READ and not float(entry[2]) >= 0):
                raise ValueError
        int(data["steps"])
    except (KeyError, TypeError, ValueError):
        raise ScheduleError(f"{path}: malformed schedule (picks, clock, timers or steps)") from None
    return data


class Replay:
    """The recorded choices, consumed in step order as a replay goes."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self.data = data
        self.picks: List[Dict[str, Any]] = sorted(data["picks"], key=lambda pick: pick["step"])
        self.next_pick = 0
        self.clock: List[Tuple[int, float]] = [(int(s), float(t)) for s, t in data["clock"]]
        self.next_jump = 0
        #: The recording waited on the outside for real (a thread, a socket): real waiting moved its clock,
        #: and will move the replay's by other amounts, so the times of the jumps are not compared.
        self.exact_clock = not any(float(wait.get("waited", 0) or 0) > 0 for wait in data.get("outside") or []
                                   if isinstance(wait, dict))
        self.steps = int(data["steps"])
        self.active = True
        #: A schedule of corodbg explore pauses once, before its first deviation (see Debugger).
        self.shown_first_deviation = False

    def pick_step(self) -> Optional[int]:
        """The step count at which the next recorded pick is made, or None."""
        if not self.active or self.next_pick >= len(self.picks):
            return None
        return int(self.picks[self.next_pick]["step"])

    def stop(self) -> None:
        self.active = False

    def check_jump(self, step: int, when: float) -> Optional[str]:
        """A jump of the clock as the replay makes it: None if recorded so, else what differs."""
        if not self.active:
            return None
        if self.next_jump >= len(self.clock):
            if not self.exact_clock:
                return None
            return f"step {step}: the clock jumped to {when:g} s; the recording has no more clock jumps"
        recorded_step, recorded = self.clock[self.next_jump]
        self.next_jump += 1
        if not self.exact_clock:
            return None
        if recorded_step != step or abs(recorded - when) > 1e-9:
            return (f"step {step}: the clock jumped to {when:g} s; the recording jumped to {recorded:g} s "
                    f"at step {recorded_step}")
        return None


def choose(replay: Replay, ready: Any, step: int) -> Tuple[Optional[int], str]:
    """The ready index to run at ``step`` as recorded (0-based), or (None, why not)."""
    pick = replay.picks[replay.next_pick]
    replay.next_pick += 1
    wanted = pick["item"]
    index = int(pick["index"])
    if 0 <= index < len(ready) and not ready[index]._cancelled and handle_identity(ready[index]) == wanted:
        return index, ""
    for position, handle in enumerate(ready):
        if not handle._cancelled and handle_identity(handle) == wanted:
            return position, ""
    return None, f"step {step}: {wanted} expected ready, not there"
