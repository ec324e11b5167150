"""The agent's end of the pipe: JSON lines up and down, and the program's output.

Events go up one pipe, commands come down another (inherited file
descriptors, never a socket). The program's output reaches the controller in
its true order with the pause events:

- ``sys.stdout`` and ``sys.stderr`` are replaced with writers that send each
  write as an ``output`` event at once, under the same lock as every event;
- file descriptors 1 and 2 (C code, ``os.write``, child processes) are pipes
  that a forwarder thread reads, and that are drained before each event.

A reader thread takes commands as they come, so that ``pause`` works while
the program runs, and so that the agent notices when the controller is gone
(the pipe closes): then it ends its process group and exits.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import codecs
import io
import os
import queue
import select
import signal
import sys
import threading
from typing import Any, Callable, Dict, List, Optional

from corodbg.agent.delta import TaskDelta
from corodbg.agent.protocol import decode, encode

CHUNK = 65536
FLUSH_INTERVAL = 0.02  # seconds output may wait to be sent with the next writes


def start_internal_thread(target: Callable[[], None], name: str) -> threading.Thread:
    """A daemon thread of corodbg's own, marked so the step loop does not take it
    for the program's real work (which would stop the virtual clock's jumps)."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.corodbg_internal = True  # type: ignore[attr-defined]
    thread.start()
    return thread


class Channel:
    """Writes events and reads commands; thread-safe."""

    def __init__(self, commands_fd: int, events_fd: int) -> None:
        self.lock = threading.RLock()
        self._events = events_fd
        self._commands = commands_fd
        self.inbox: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        self.on_pause_request: Optional[Callable[[], None]] = None
        self.closed = False
        self.capture: Optional[OutputCapture] = None
        self._pending_stream: Optional[str] = None
        self._pending_text: List[str] = []
        self._pending_size = 0

    def send(self, message: Dict[str, Any]) -> None:
        """Send an event, after all the output written before it."""
        data = encode(message)
        with self.lock:
            if self.capture is not None:
                self.capture.drain()
            self.flush_output()
            self._write(data)

    def send_output(self, stream: str, text: str) -> None:
        """Queue output; consecutive writes to one stream travel as one event.

        Each print() is two writes; a million lines would be two million events.
        Queued output is sent before any other event, when it grows past
        ``CHUNK``, and every few milliseconds by the forwarder thread.
        """
        with self.lock:
            if self._pending_stream != stream:
                self.flush_output()
                self._pending_stream = stream
            self._pending_text.append(text)
            self._pending_size += len(text)
            if self._pending_size >= CHUNK:
                self.flush_output()

    def flush_output(self) -> None:
        with self.lock:
            if not self._pending_text:
                return
            message = {"event": "output", "stream": self._pending_stream, "data": "".join(self._pending_text)}
            self._pending_text = []
            self._pending_size = 0
            self._write(encode(message))

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._events, view)
            except InterruptedError:
                continue
            except OSError:
                self.controller_gone()
                return
            view = view[written:]

    def start_reader(self) -> None:
        start_internal_thread(self._read_commands, "corodbg-commands")

    def _read_commands(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._commands, CHUNK)
            except InterruptedError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self.controller_gone()
                return
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if not line.strip():
                    continue
                command = decode(line)
                if command.get("cmd") == "pause" and self.on_pause_request is not None:
                    self.on_pause_request()
                else:
                    self.inbox.put(command)

    def controller_gone(self) -> None:
        """The UI went away: end everything this program started, then ourselves."""
        if self.closed:
            return
        self.closed = True
        try:
            os.killpg(os.getpgrp(), signal.SIGKILL)
        finally:
            os._exit(1)


class OutputCapture:
    """The program's output, at both the Python and the file-descriptor level."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.pipes: Dict[int, str] = {}
        self.decoders = {name: codecs.getincrementaldecoder("utf-8")("replace") for name in ("stdout", "stderr")}

    def install(self) -> None:
        for fd, name in ((1, "stdout"), (2, "stderr")):
            read_end, write_end = os.pipe()
            os.dup2(write_end, fd)
            os.close(write_end)
            os.set_blocking(read_end, False)
            self.pipes[read_end] = name
        sys.stdout = _text_writer(self, "stdout", 1)
        sys.stderr = _text_writer(self, "stderr", 2)
        self.channel.capture = self
        start_internal_thread(self._forward, "corodbg-output")

    def emit(self, stream: str, data: bytes, final: bool = False) -> None:
        text = self.decoders[stream].decode(data, final)
        if text:
            self.channel.send_output(stream, text)

    def drain(self) -> None:
        """Forward whatever the descriptors hold now (called before each event)."""
        with self.channel.lock:
            for fd, name in self.pipes.items():
                while True:
                    try:
                        data = os.read(fd, CHUNK)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break
                    if not data:
                        break
                    self.emit(name, data)

    def _forward(self) -> None:
        fds = list(self.pipes)
        while True:
            try:
                readable, _, _ = select.select(fds, [], [], FLUSH_INTERVAL)
            except InterruptedError:
                continue
            except OSError:
                return
            if readable:
                self.drain()
            self.channel.flush_output()


class _ChannelRaw(io.RawIOBase):
    """A raw stream whose writes become output events."""

    def __init__(self, capture: OutputCapture, stream: str, fd: int) -> None:
        super().__init__()
        self.capture = capture
        self.stream = stream
        self.fd = fd

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        self.capture.emit(self.stream, data)
        return len(data)

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return False


def _text_writer(capture: OutputCapture, stream: str, fd: int) -> io.TextIOWrapper:
    raw = _ChannelRaw(capture, stream, fd)
    buffered = io.BufferedWriter(raw, buffer_size=8192)
    return _UnbufferedText(buffered, encoding="utf-8", errors="backslashreplace" if stream == "stderr" else "strict",
                           line_buffering=False, write_through=True)


class _UnbufferedText(io.TextIOWrapper):
    """A text stream that passes every write straight through to the channel."""

    def write(self, text: str) -> int:
        written = super().write(text)
        self.buffer.flush()
        return written


class ChannelFrontend:
    """The debugger's frontend in the child: pauses go up the pipe, commands come down."""

    wants_pauses = True
    #: After ``!STMT`` the pause is sent again (``"refresh": true``) so the panes show the change.
    shows_refreshes = True

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self._sent: Optional[Dict[str, Any]] = None
        self._delta = TaskDelta()

    def next_command(self, pause: Dict[str, Any]) -> Dict[str, Any]:
        if pause is not self._sent:
            sys.stdout.flush()
            sys.stderr.flush()
            self.channel.send(self._delta.encode(pause))
            self._sent = pause
        return self.channel.inbox.get()

    def reply(self, command: Dict[str, Any], text: str, ok: bool) -> None:
        if ok:
            self.channel.send({"event": "reply", "command": command, "text": text,
                               "breakpoints": self._sent.get("breakpoints", []) if self._sent else []})
        else:
            self.channel.send({"event": "error", "command": command, "message": text})

    def on_exit(self, code: int) -> None:
        self.channel.send({"event": "exit", "code": code})

