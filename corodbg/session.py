"""The controller's side: a debugged program in a child process, as an asyncio API.

``Session`` starts ``python -m corodbg.agent`` with the same interpreter, in
its own process group, connected by a private pipe pair (inherited file
descriptors, never a socket). Events come back in their true order through
``next_event()``: ``hello``, ``output``, ``pause``, ``error``, ``exit`` (the
program's exit status, as the agent saw it) and, always last,
``terminated`` (the child is gone; its wait status).

The UI uses only this module to talk to the program; tests drive it directly.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any, Dict, Iterable, List, Optional, Union

import corodbg
from corodbg.agent.protocol import decode, encode, parse_command
from corodbg.agent.runner import Target

_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(corodbg.__file__)))


class SessionError(RuntimeError):
    """The session cannot do what was asked (not started, already over)."""


class Session:
    """One run of the program under the debugger."""

    def __init__(self, target: Target, *, real_time: bool = False, stdin: Optional[str] = None,
                 cwd: Optional[str] = None, python: str = sys.executable) -> None:
        self.target = target
        self.real_time = real_time
        self.stdin_path = stdin
        self.cwd = cwd
        self.python = python
        self.events: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self.process: Optional[asyncio.subprocess.Process] = None
        self.state = "new"          # new, running, paused, exited
        self.exit_code: Optional[int] = None
        self._commands_fd: Optional[int] = None
        self._tasks: List[asyncio.Task] = []

    # -- life cycle ---------------------------------------------------------------

    async def start(self, commands: Iterable[Dict[str, Any]] = ()) -> None:
        """Start the program; ``commands`` (e.g. breakpoints kept over a restart) run at its first pause."""
        commands_read, commands_write = os.pipe()
        events_read, events_write = os.pipe()
        argv = [self.python, "-m", "corodbg.agent", "--commands", str(commands_read),
                "--events", str(events_write)]
        if self.real_time:
            argv.append("--real-time")
        argv.append("--")
        argv += (["-m"] if self.target.is_module else []) + [self.target.path_or_module, *self.target.args]
        stdin = open(self.stdin_path, "rb") if self.stdin_path else open(os.devnull, "rb")
        try:
            self.process = await asyncio.create_subprocess_exec(
                *argv, stdin=stdin, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                pass_fds=(commands_read, events_write), start_new_session=True, cwd=self.cwd,
                env=_agent_environment(stdin_is_null=not self.stdin_path))
        finally:
            stdin.close()
            os.close(commands_read)
            os.close(events_write)
        self._commands_fd = commands_write
        self.state = "running"
        for command in commands:
            self._write(command)  # the agent reads them in order at its first pause
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=2 ** 26)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(events_read, "rb"))
        self._tasks = [
            asyncio.ensure_future(self._read_events(reader)),
            asyncio.ensure_future(self._read_agent_stream(self.process.stdout)),
            asyncio.ensure_future(self._read_agent_stream(self.process.stderr)),
        ]

    async def close(self) -> None:
        """End the program and everything it started; safe to call twice."""
        process = self.process
        if process is not None and process.returncode is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            await process.wait()
        if process is not None:
            # The group may outlive its leader: end whatever is left of it.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._commands_fd is not None:
            os.close(self._commands_fd)
            self._commands_fd = None
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self.state = "exited"

    # -- commands -----------------------------------------------------------------

    async def command(self, command: Union[str, Dict[str, Any]]) -> None:
        """Send a command (``"send 2"`` or ``{"cmd": "send", "index": 2}``); the answer is an event."""
        if isinstance(command, str):
            command = parse_command(command)
        if command.get("cmd") == "pause":
            self.pause()
            return
        if self.state != "paused":
            raise SessionError(f"cannot {command.get('cmd')}: the program is {self.state}")
        self.state = "running"
        self._write(command)

    def pause(self) -> None:
        """Ask a running program to pause (it pauses inside a step that never returns, too)."""
        if self.state == "running":
            self._write({"cmd": "pause"})

    def _write(self, message: Dict[str, Any]) -> None:
        if self._commands_fd is None:
            raise SessionError("the session is closed")
        try:
            os.write(self._commands_fd, encode(message))
        except BrokenPipeError:
            raise SessionError("the program is gone") from None

    # -- events -------------------------------------------------------------------

    async def next_event(self) -> Dict[str, Any]:
        return await self.events.get()

    async def wait_for(self, *kinds: str) -> Dict[str, Any]:
        """The next event of one of ``kinds``, dropping the others (for tests and scripts)."""
        while True:
            event = await self.next_event()
            if event["event"] in kinds:
                return event

    async def _read_events(self, reader: asyncio.StreamReader) -> None:
        while True:
            line = await reader.readline()
            if not line:
                break
            event = decode(line)
            kind = event.get("event")
            if kind in ("pause", "error", "reply") and self.state == "running":
                self.state = "paused"  # an error or a reply answers a command the agent did not resume on
            elif kind == "exit":
                self.exit_code = event.get("code")
            self.events.put_nowait(event)
        assert self.process is not None
        code = await self.process.wait()
        self.state = "exited"
        self.events.put_nowait({"event": "terminated", "code": code,
                                "exit_code": self.exit_code if self.exit_code is not None else code})

    async def _read_agent_stream(self, stream: Optional[asyncio.StreamReader]) -> None:
        """The agent's own stdout/stderr: only its fatal errors, before capture starts."""
        if stream is None:
            return
        while True:
            data = await stream.read(65536)
            if not data:
                return
            self.events.put_nowait({"event": "output", "stream": "agent",
                                    "data": data.decode("utf-8", "replace")})


def _agent_environment(*, stdin_is_null: bool = False) -> Dict[str, str]:
    """The environment for the agent: corodbg importable, the program's own PYTHONPATH intact."""
    env = dict(os.environ)
    if stdin_is_null:
        env["CORODBG_STDIN_IS_NULL"] = "1"  # the agent says so when the program reads it
    original = env.get("PYTHONPATH")
    env["PYTHONPATH"] = _PACKAGE_ROOT + (os.pathsep + original if original else "")
    env["CORODBG_ADDED_PATH"] = _PACKAGE_ROOT
    if original is None:
        env["CORODBG_NO_PYTHONPATH"] = "1"
    return env
