"""The headless frontend: commands from ``-c``, pauses to a ``--trace`` file.

Runs in the corodbg process itself, with the program's real stdin, stdout and
stderr, so that its bytes and exit status are exactly those of ``python``.
Pauses are written as JSON lines to the trace file (see docs/trace-format.md);
corodbg's own messages go to stderr, prefixed ``corodbg:``.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import sys

from corodbg.agent.protocol import ANSWERING_COMMANDS, CommandError, parse_command

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import IO, Any, Dict, List, Mapping, Optional

    from corodbg.agent.protocol import PauseEvent


class ScriptedFrontend:
    """Answers each pause with the next ``-c`` command; ``continue`` once they run out."""

    def __init__(self, commands: List[str], trace: Optional[IO[str]] = None) -> None:
        self.commands = list(commands)
        self.trace = trace
        self._written: Optional[PauseEvent] = None  # the pause already in the trace
        self._unblocking: Optional[PauseEvent] = None  # a deadlock pause at which a statement ran
        self._trace_identity = _fd_identity(trace.fileno()) if trace is not None else None

    @property
    def wants_pauses(self) -> bool:
        """Whether a pause can be seen: a ``-c`` command is left to answer it, or the trace records it.

        Once the last command is given (and without a trace), the run goes on
        unobserved, as plain ``--headless``: no pause is described and no task's end
        kept (a deadlock still stops it: that pause is forced).
        """
        return bool(self.commands) or self.trace is not None

    @wants_pauses.setter
    def wants_pauses(self, value: bool) -> None:
        if not value:  # nothing more to answer or record
            self.commands = []
            self.trace = None

    def next_command(self, pause: PauseEvent) -> Dict[str, Any]:
        if pause is not self._written:
            self._write(pause)
            self._written = pause
        if pause["reason"] == "divergence":  # --replay could not go on as recorded: say where, exit 3
            self._say(pause["message"])
            self.on_exit(3)
            try:
                sys.stdout.flush()
            except Exception:
                pass
            import os

            os._exit(3)
        # At a deadlock, only answering commands make sense: a resuming one would wait for ever
        # (a statement, ``!lock.release()``, may unblock a task: then the loop looks again).
        deadlocked = pause["reason"] == "deadlock" and self._unblocking is not pause
        while self.commands:
            text = self.commands.pop(0)
            try:
                command = parse_command(text)
            except CommandError as error:
                self._say(f"-c {text!r}: {error}")
                continue
            if deadlocked and command["cmd"] == "exec":
                self._unblocking = pause
            elif deadlocked and command["cmd"] not in ANSWERING_COMMANDS:
                break
            return command
        if deadlocked:
            self._say(pause["message"])
            raise SystemExit(1)
        return {"cmd": "continue"}

    def reply(self, command: Dict[str, Any], text: str, ok: bool) -> None:
        """Answers go to stderr (the program's stdout stays its own) and to the trace."""
        self._write({"event": "reply", "command": command, "ok": ok, "text": text})
        for line in text.splitlines() or [""]:
            self._say(line)

    def on_exit(self, code: int) -> None:
        self._write({"event": "exit", "code": code})
        if self.trace is not None:
            self.trace.flush()

    def _write(self, message: Mapping[str, Any]) -> None:
        """One trace line, flushed at once: if the program closes the trace's fd (daemons call
        ``os.closerange(3, ...)``) and reuses its number, no line may land in the program's file."""
        if self.trace is None:
            return
        if _fd_identity(self.trace.fileno()) != self._trace_identity:
            self.trace_lost()
            return
        import json

        try:
            self.trace.write(json.dumps(message, ensure_ascii=False) + "\n")
            self.trace.flush()
        except OSError:
            self.trace_lost()

    def trace_lost(self) -> None:
        """The program closed the trace file: the run goes on, untraced and without pauses."""
        self.wants_pauses = False
        self._say("the program closed the trace file (its file descriptor); "
                  "it runs to its end unobserved, the rest is not traced")

    @staticmethod
    def _say(message: str) -> None:
        sys.stderr.flush()
        if sys.__stderr__ is not None:
            sys.__stderr__.write(f"corodbg: {message}\n")
            sys.__stderr__.flush()


def _fd_identity(fd: int) -> Any:
    """``channel.fd_identity``, imported only with a trace file: the channel's own imports cost start-up time."""
    from corodbg.agent.channel import fd_identity

    return fd_identity(fd)
