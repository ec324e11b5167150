"""The controller's side: a debugged program in a child process, as an asyncio API.

``Session`` starts the agent (``corodbg/agent/__main__.py``, run by file path
with the environment untouched, so that the program's ``sys.path`` is python's
own) with the same interpreter, in its own process group, connected by a
private pipe pair (file descriptors the agent makes non-inheritable at once,
never a socket). The agent's fds 1 and 2 are two more pipes read here
directly: what the program, its C code or its children write there is in the
kernel's pipe the moment it is written, and reaches ``output`` events even if
the process dies the next instant (a segfault's faulthandler traceback).

Events come back in their true order through ``next_event()``: ``hello``,
``output``, ``pause``, ``reply``, ``error``, ``exit`` (the program's exit
status, as the agent saw it) and, always last, ``terminated`` (the child is
gone; its wait status). Output the agent sent as events (Python-level writes)
is exactly ordered with the pauses; fd-level output is read before each event
that arrives after it was written, so it comes before that event too.

Everything read from the agent is checked (``protocol.event_problem``): a line
that is not JSON, or an event of the wrong shape, becomes an ``output`` note
on the ``agent`` stream and is otherwise ignored. The session watches the
agent process itself: when it exits, ``terminated`` follows at once, even if a
grandchild still holds one of the pipes.

The UI uses only this module to talk to the program; tests drive it directly.
"""

from __future__ import annotations

import asyncio
import codecs
import os
import signal
import sys
from typing import Any, Dict, Iterable, List, Optional, Union

import corodbg.agent
from corodbg.agent.protocol import OUTPUT_STREAMS, decode, encode, event_problem, parse_command
from corodbg.agent.runner import Target

#: The agent's entry point, run by path (see its docstring for why).
AGENT_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(corodbg.agent.__file__)), "__main__.py")
#: Messages before which fd-level output already in the pipes is shown (it was written before them).
DRAIN_BEFORE = ("pause", "reply", "error", "exit", "blocked")
CHUNK = 65536
#: A line longer than this without a newline is garbage, not an event (the first pause with
#: 10,000 tasks is ~3 MB).
MAX_EVENT_LINE = 2 ** 26
#: Notes about malformed messages shown per run; the rest are counted in one last note.
MAX_NOTES = 5
#: Output read from the fd pipes per stream in one go, so that a flood cannot starve the events.
DRAIN_LIMIT = 1 << 20


class SessionError(RuntimeError):
    """The session cannot do what was asked (not started, already over)."""


class Session:
    """One run of the program under the debugger."""

    def __init__(self, target: Target, *, real_time: bool = False, stdin: Optional[str] = None,
                 cwd: Optional[str] = None, python: str = sys.executable, strict: bool = False,
                 travel: bool = False, record: Optional[str] = None, replay: Optional[str] = None) -> None:
        self.target = target
        #: --record FILE / --replay FILE, absolute paths (docs/time-travel.md); checked by the command line.
        self.record = record
        self.replay = replay
        #: Fork checkpoints in the agent, so that the program can go back (docs/time-travel.md).
        self.travel = travel
        self.real_time = real_time
        self.strict = strict
        self.stdin_path = stdin
        self.cwd = cwd
        self.python = python
        self.events: asyncio.Queue[Dict[str, Any]] = asyncio.Queue()
        self.process: Optional[asyncio.subprocess.Process] = None
        self.state = "new"          # new, running, paused, exited
        self.exit_code: Optional[int] = None
        self._commands_fd: Optional[int] = None
        self._events_fd: Optional[int] = None
        self._output_fds: Dict[int, str] = {}
        self._decoders = {name: codecs.getincrementaldecoder("utf-8")("replace") for name in ("stdout", "stderr")}
        self._buffer = b""
        self._notes = 0
        self._tasks: List[asyncio.Task] = []
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    # -- life cycle ---------------------------------------------------------------

    async def start(self, commands: Iterable[Dict[str, Any]] = ()) -> None:
        """Start the program; ``commands`` (e.g. breakpoints kept over a restart) run at its first pause."""
        commands_read, commands_write = os.pipe()
        events_read, events_write = os.pipe()
        stdout_read, stdout_write = os.pipe()
        stderr_read, stderr_write = os.pipe()
        argv = [self.python, AGENT_SCRIPT, "--commands", str(commands_read), "--events", str(events_write)]
        if self.real_time:
            argv.append("--real-time")
        if self.strict:
            argv.append("--strict")
        if self.travel:
            argv.append("--travel")
        if self.record:
            argv += ["--record", self.record]
        if self.replay:
            argv += ["--replay", self.replay]
        argv.append("--")
        argv += (["-m"] if self.target.is_module else []) + [self.target.path_or_module, *self.target.args]
        env = dict(os.environ)
        if self.travel and not env.get("PYTHONHASHSEED", "").isdigit():
            # A run forked or re-run from the start must order sets and dicts as the first did.
            env["PYTHONHASHSEED"] = str(int.from_bytes(os.urandom(4), "big"))
        if not self.stdin_path:
            env["CORODBG_STDIN_IS_NULL"] = "1"  # the agent says so when the program reads it (and unsets it)
        try:
            stdin = open(self.stdin_path, "rb") if self.stdin_path else open(os.devnull, "rb")
            try:
                self.process = await asyncio.create_subprocess_exec(
                    *argv, stdin=stdin, stdout=stdout_write, stderr=stderr_write,
                    pass_fds=(commands_read, events_write), start_new_session=True, cwd=self.cwd, env=env)
            finally:
                stdin.close()
        except BaseException:
            for fd in (commands_write, events_read, stdout_read, stderr_read):
                os.close(fd)
            raise
        finally:
            for fd in (commands_read, events_write, stdout_write, stderr_write):
                os.close(fd)
        self._commands_fd = commands_write
        self._events_fd = events_read
        self._output_fds = {stdout_read: "stdout", stderr_read: "stderr"}
        self.state = "running"
        for command in commands:
            self._write(command)  # the agent reads them in order at its first pause
        loop = self._loop = asyncio.get_running_loop()
        for fd in (events_read, stdout_read, stderr_read):
            os.set_blocking(fd, False)
        loop.add_reader(events_read, self._on_events_readable)
        for fd in self._output_fds:
            loop.add_reader(fd, self._on_output_readable, fd)
        self._tasks = [asyncio.ensure_future(self._watch_process())]

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
        self._close_readers()
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

    # -- reading what the agent writes -----------------------------------------------

    def _on_events_readable(self) -> None:
        fd = self._events_fd
        if fd is None:
            return
        data = _read_some(fd)
        if data is None:
            return
        if not data:
            self._drain_output()
            self._close_events()
            return
        self._take_events(data)

    def _take_events(self, data: bytes) -> None:
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        if len(self._buffer) > MAX_EVENT_LINE:
            self._buffer = b""
            self._note("a message longer than 64 MiB without an end of line")
        output: Optional[Dict[str, Any]] = None  # consecutive output of one stream travels on as one event
        last = max((index for index, line in enumerate(lines) if line.strip()), default=-1)
        for index, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                event = decode(line)
            except ValueError:
                event = None
                self._note(f"a line that is not JSON: {line[:60]!r}")
            if isinstance(event, dict) and event.get("event") == "output" and type(event.get("data")) is str \
                    and event.get("stream") in OUTPUT_STREAMS:
                if output is not None and output["stream"] == event["stream"]:
                    output["data"] += event["data"]
                    continue
                if output is not None:
                    self.events.put_nowait(output)
                output = {"event": "output", "stream": event["stream"], "data": event["data"]}
                continue
            if output is not None:
                self.events.put_nowait(output)
                output = None
            if event is not None:
                # fd-level output (C code, children) written before this pause or reply is in its
                # pipe by now: it goes first. Only before the last message read, and only one that
                # waits for the user: what the pipes hold may also have been written after the
                # messages that follow (a "hello", then a flushed print, then faulthandler's
                # traceback of a crash: the traceback must come after the print).
                if index == last and isinstance(event, dict) and event.get("event") in DRAIN_BEFORE:
                    self._drain_output()
                self._take_event(event)
        if output is not None:
            self.events.put_nowait(output)

    def _take_event(self, event: Any) -> None:
        problem = event_problem(event)
        if problem is not None:
            self._note(problem)
            return
        kind = event["event"]
        if kind in ("pause", "error", "reply") and self.state == "running":
            self.state = "paused"  # an error or a reply answers a command the agent did not resume on
        elif kind == "exit":
            self.exit_code = event["code"]
        self.events.put_nowait(event)

    def _note(self, problem: str) -> None:
        """A malformed message: say so (a few times), never act on it."""
        self._notes += 1
        if self._notes <= MAX_NOTES:
            text = f"ignored a malformed message on corodbg's channel ({problem})"
            if self._notes == MAX_NOTES:
                text += "; further ones are ignored silently"
            self.events.put_nowait({"event": "output", "stream": "agent", "data": text + "\n"})

    def _on_output_readable(self, fd: int) -> None:
        # The channel's pending messages first: print(..., flush=True) then a crash leaves the
        # print in the channel and faulthandler's traceback on fd 2, both readable at once when
        # the session is slow; the print happened first (it was written before the crash).
        if self._events_fd is not None:
            self._on_events_readable()
        self._read_output(fd, CHUNK)

    def _read_output(self, fd: int, limit: int) -> None:
        """Read what fd 1 or 2 holds now (up to ``limit`` bytes) into ``output`` events."""
        stream = self._output_fds.get(fd)
        if stream is None:
            return
        chunks = []
        size = 0
        while size < limit:
            data = _read_some(fd)
            if data is None:
                break
            if not data:
                self._close_output(fd)
                break
            chunks.append(data)
            size += len(data)
        text = self._decoders[stream].decode(b"".join(chunks), fd not in self._output_fds)  # final at EOF
        if text:
            # "fd": written to fd 1 or 2, not through sys.stdout/sys.stderr (not counted by the agent).
            self.events.put_nowait({"event": "output", "stream": stream, "data": text, "fd": True})

    def _drain_output(self) -> None:
        for fd in list(self._output_fds):
            self._read_output(fd, DRAIN_LIMIT)

    async def _watch_process(self) -> None:
        """The agent's exit ends the session, whoever else still holds its pipes."""
        assert self.process is not None
        code = await self.process.wait()
        # What it wrote before it died is in the pipes: read it all, in order, then say it is over.
        fd = self._events_fd
        while fd is not None:
            try:
                data = os.read(fd, CHUNK)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                data = b""
            if not data:
                break
            self._take_events(data)
        self._drain_output()
        for stream, decoder in self._decoders.items():
            rest = decoder.decode(b"", True)
            if rest:
                self.events.put_nowait({"event": "output", "stream": stream, "data": rest, "fd": True})
        self._close_readers()
        self.state = "exited"
        self.events.put_nowait({"event": "terminated", "code": code,
                                "exit_code": self.exit_code if self.exit_code is not None else code})

    def _close_events(self) -> None:
        if self._events_fd is not None:
            if self._loop is not None:
                self._loop.remove_reader(self._events_fd)
            os.close(self._events_fd)
            self._events_fd = None

    def _close_output(self, fd: int) -> None:
        if self._output_fds.pop(fd, None) is not None:
            if self._loop is not None:
                self._loop.remove_reader(fd)
            os.close(fd)

    def _close_readers(self) -> None:
        self._close_events()
        for fd in list(self._output_fds):
            self._close_output(fd)


def _read_some(fd: int) -> Optional[bytes]:
    """What a non-blocking pipe holds now: bytes, ``b""`` at its end (or when it broke), None if nothing yet."""
    try:
        return os.read(fd, CHUNK)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""
