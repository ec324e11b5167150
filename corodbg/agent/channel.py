"""The agent's end of the pipe: JSON lines up and down, and the program's Python-level output.

Events go up one pipe, commands come down another (file descriptors the
session passes, made non-inheritable here at once, so that the program's
children -- ``os.system``, ``close_fds=False`` -- never hold them, and never
named in ``sys.orig_argv``). The program's output reaches the controller in
its true order with the pause events, and is never lost when the process dies
the next instant:

- ``sys.stdout`` and ``sys.stderr`` are replaced with line-buffered text
  streams (what python gives a program in a terminal) whose every flush is an
  ``output`` event written to the pipe at once, under the same lock as every
  event; both are flushed before any other event. What was flushed is in the
  kernel's pipe, beyond the reach of a segfault or a SIGKILL.
- File descriptors 1 and 2 are left alone: they are pipes the session reads
  itself (C code, ``os.write``, child processes, faulthandler), so bytes written
  there survive the process too.

A reader thread takes commands as they come, so that ``pause`` works while
the program runs, and so that the agent notices when the controller is gone
(the pipe closes): then it ends its process group and exits.

A program may close the channel's descriptors (daemons call
``os.closerange(3, ...)``) and even reuse their numbers for its own files. The
channel checks, before each write and after each read, that its descriptor
still is the pipe it was given (device and inode); if not, the channel is
*lost*: nothing more is written or read, the debugger stops pausing, and the
program runs to its end unobserved (the session says so).

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
import queue
import select
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from corodbg.agent.inspection.delta import TaskDelta
from corodbg.agent.protocol import decode, encode

if TYPE_CHECKING:
    from corodbg.agent.protocol import PauseEvent

CHUNK = 65536
#: Output queued less than this long after the previous send waits to go with the next lines.
BURST_WINDOW = 0.002


def start_internal_thread(target: Callable[[], None], name: str) -> threading.Thread:
    """A daemon thread of corodbg's own, marked so the step loop does not take it
    for the program's real work (which would stop the virtual clock's jumps)."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.corodbg_internal = True  # type: ignore[attr-defined]
    thread.start()
    return thread


def fd_identity(fd: int) -> Optional[Tuple[int, int]]:
    """(device, inode) of what ``fd`` refers to now, or None when it is closed."""
    try:
        stat = os.fstat(fd)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


class Channel:
    """Writes events and reads commands; thread-safe."""

    def __init__(self, commands_fd: int, events_fd: int) -> None:
        for fd in (commands_fd, events_fd):
            os.set_inheritable(fd, False)  # pass_fds made them inheritable: the program's children must not hold them
        self.lock = threading.RLock()
        self._events = events_fd
        self._commands = commands_fd
        self._identities = {fd: fd_identity(fd) for fd in (commands_fd, events_fd)}
        self.inbox: queue.Queue[Dict[str, Any]] = queue.Queue()
        self.on_pause_request: Optional[Callable[[], None]] = None
        #: The controller is gone (the agent is on its way out).
        self.closed = False
        #: The program closed or replaced the channel's descriptors: it runs unobserved.
        self.lost = False
        #: The program's text streams, flushed before every other event.
        self.writers: List[io.TextIOBase] = []
        #: Their raw streams, which count the characters sent (time travel).
        self.raws: List[_ChannelRaw] = []
        self._pending_stream: Optional[str] = None
        self._pending_text: List[str] = []
        self._pending_size = 0
        self._last_send = 0.0
        self._pending_wakeup = threading.Event()
        self._threads: List[threading.Thread] = []
        self._stop_reader: Optional[Tuple[int, int]] = None  # a pipe whose write end stops the reader
        self._stop_flusher = False
        self._reading = False
        self._leftover = b""  # a command line half read when the reader was stopped
        self._threads.append(start_internal_thread(self._flush_bursts, "corodbg-output"))

    def is_ours(self, fd: int) -> bool:
        """Whether ``fd`` still is the pipe the session gave us (not closed, not reused by the program)."""
        return fd_identity(fd) == self._identities.get(fd)

    def send(self, message: Dict[str, Any]) -> None:
        """Send an event, after all the output written before it."""
        self.flush_writers()  # outside our lock: a writer's flush takes its own lock first, then ours
        data = encode(message)
        with self.lock:
            self.flush_output()
            self._write(data)

    def send_output(self, stream: str, text: str) -> None:
        """Send output now, with whatever output is pending before it (corodbg's notes, a stderr line)."""
        with self.lock:
            self.queue_output(stream, text)
            self.flush_output()

    def queue_output(self, stream: str, text: str) -> None:
        """Output to send: at once when output is sparse, within ``BURST_WINDOW`` during a flood.

        Each line of a flood as its own write costs ~4 us of system calls; a
        million lines would take twice as long as before. So a line that comes
        less than ``BURST_WINDOW`` after the previous send waits for the flusher
        thread (or the next event, an explicit ``flush()``, 64 KiB): only the
        last milliseconds of a flood can be lost if the process dies then.
        """
        with self.lock:
            if self._pending_stream != stream:
                self.flush_output()
                self._pending_stream = stream
            self._pending_text.append(text)
            self._pending_size += len(text)
            if self._pending_size >= CHUNK or time.monotonic() - self._last_send >= BURST_WINDOW:
                self.flush_output()
            else:
                self._pending_wakeup.set()

    def flush_output(self) -> None:
        """Write the pending output now (synchronously: it is in the kernel's pipe on return)."""
        with self.lock:
            if not self._pending_text:
                return
            if self.lost:
                self._pending_text = []
                return
            text = "".join(self._pending_text)
            self._pending_text = []
            self._pending_size = 0
            # Encoded by hand (only the text needs JSON): it is most of the cost of a flood.
            self._write(b"".join((b'{"event":"output","stream":"', (self._pending_stream or "stdout").encode("ascii"),
                                  b'","data":', json.dumps(text, ensure_ascii=False).encode("utf-8", "surrogateescape"),
                                  b"}\n")))
            self._last_send = time.monotonic()

    def _flush_bursts(self) -> None:
        """The flusher thread: pending output of a flood goes out ``BURST_WINDOW`` after it was queued."""
        while True:
            self._pending_wakeup.wait()
            if self._stop_flusher:
                return
            time.sleep(BURST_WINDOW)
            self._pending_wakeup.clear()
            self.flush_output()

    # -- forks of the live run (time travel) ----------------------------------------------

    def suspend_threads(self) -> None:
        """Stop the reader and flusher threads (before a fork: a fork copies only the calling thread).

        Nothing is lost: pending output is written now, and commands not yet read stay in
        the pipe for whichever process reads next (only the live run ever does).
        """
        reading = self._reading
        if self._stop_reader is not None:
            os.write(self._stop_reader[1], b"x")
        self._stop_flusher = True
        self._pending_wakeup.set()
        for thread in self._threads:
            thread.join(1.0)
        self._threads = []
        if self._stop_reader is not None:
            for fd in self._stop_reader:
                os.close(fd)
            self._stop_reader = None
        self._reading = reading
        self.flush_output()

    def resume_threads(self) -> None:
        """Start the threads again: in the run that goes on (the parent of a checkpoint, a new live run)."""
        if self._threads:
            return
        self._stop_flusher = False
        self._pending_wakeup = threading.Event()
        self._threads.append(start_internal_thread(self._flush_bursts, "corodbg-output"))
        if self._reading:
            self._reading = False
            self.start_reader()

    def flush_writers(self) -> None:
        for writer in self.writers:
            try:
                writer.flush()
            except (OSError, ValueError, RuntimeError):  # closed by the program, or a re-entrant flush
                pass

    def _write(self, data: bytes) -> None:
        if self.closed or self.lost:
            return
        if not self.is_ours(self._events):
            self.lose()
            return
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._events, view)
            except InterruptedError:
                continue
            except OSError as error:
                if error.errno == errno.EBADF:
                    self.lose()
                else:
                    self.controller_gone()  # EPIPE: the session closed its end
                return
            view = view[written:]

    def start_reader(self) -> None:
        self._reading = True
        self._stop_reader = os.pipe()
        self._threads.append(start_internal_thread(lambda: self._read_commands(self._stop_reader[0]),  # type: ignore[index]
                                                   "corodbg-commands"))

    def _read_commands(self, stop: int) -> None:
        buffer, self._leftover = self._leftover, b""
        while True:
            try:
                readable, _, _ = select.select([self._commands, stop], [], [])
            except InterruptedError:
                continue
            except (OSError, ValueError):
                readable = [self._commands]  # (closed by the program: the read says so)
            if stop in readable:
                if buffer:  # a command half read: the next reader must see it whole
                    self._leftover = buffer
                return
            try:
                chunk: Optional[bytes] = os.read(self._commands, CHUNK)
            except InterruptedError:
                continue
            except OSError:
                chunk = None
            if chunk is None or not self.is_ours(self._commands):
                self.lose()  # closed (EBADF) or its number reused: not the session's pipe any more
                return
            if not chunk:
                self.controller_gone()
                return
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if not line.strip():
                    continue
                try:
                    command = decode(line)
                except ValueError:
                    continue  # only the session writes here; never die of a bad line
                if not isinstance(command, dict):
                    continue
                if command.get("cmd") == "pause" and self.on_pause_request is not None:
                    self.on_pause_request()
                else:
                    self.inbox.put(command)

    def lose(self) -> None:
        """The program took the channel's descriptors: stop using them, let the program run on.

        From now on the program's ``sys.stdout``/``sys.stderr`` write to fds 1 and 2,
        which the session reads directly: its output still shows, unobserved.
        """
        if self.lost:
            return
        self.lost = True
        self.inbox.put({"cmd": "continue"})  # a pause waiting for its command resumes, unobserved
        pending, self._pending_text = "".join(self._pending_text), []
        if pending:
            write_fd(1 if self._pending_stream == "stdout" else 2, pending.encode("utf-8", "surrogateescape"))
        write_fd(2, LOST_NOTICE.encode())

    def controller_gone(self) -> None:
        """The UI went away: end everything this program started, then ourselves."""
        if self.closed or self.lost:
            return
        self.closed = True
        try:
            os.killpg(os.getpgrp(), signal.SIGKILL)
        finally:
            os._exit(1)


LOST_NOTICE = ("corodbg: the program closed corodbg's channel (its file descriptors); "
               "it runs to its end unobserved\n")


def write_fd(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd``, ignoring errors (the program may have closed it too)."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except InterruptedError:
            continue
        except OSError:
            return


class _ChannelRaw(io.RawIOBase):
    """A raw stream whose writes become output events at once (text decoded as UTF-8)."""

    def __init__(self, channel: Channel, stream: str, fd: int) -> None:
        super().__init__()
        self.channel = channel
        self.stream = stream
        self.fd = fd
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        #: Characters sent so far in this run's history (time travel: the UI cuts its Output
        #: pane to a count); those below ``limit`` were already sent by an earlier run: dropped.
        self.count = 0
        self.limit = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        if self.channel.lost:
            write_fd(self.fd, data)  # unobserved: straight to the pipe the session reads
            return len(data)
        text = self.decoder.decode(data)
        if text:
            start = self.count
            self.count += len(text)
            if self.count <= self.limit:
                return len(data)
            if start < self.limit:
                text = text[self.limit - start:]
            if self.stream == "stderr":
                self.channel.send_output(self.stream, text)  # tracebacks and warnings: never held back
            else:
                self.channel.queue_output(self.stream, text)
        return len(data)

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return False


class _ChannelText(io.TextIOWrapper):
    """A line-buffered text stream whose explicit ``flush()`` puts everything in the pipe at once."""

    channel: Channel

    def flush(self) -> None:
        super().flush()
        self.channel.flush_output()  # print(..., flush=True) then a crash: the line is already sent


def install_writers(channel: Channel) -> None:
    """Replace ``sys.stdout``/``sys.stderr`` with streams whose flushes go up the channel.

    Line-buffered, as python's are in a terminal: a line is sent when it ends
    (stdout: within ``BURST_WINDOW`` during a flood), ``flush()`` sends at once,
    and every event sends what is buffered first.
    """
    for name, fd in (("stdout", 1), ("stderr", 2)):
        raw = _ChannelRaw(channel, name, fd)
        buffered = io.BufferedWriter(raw, buffer_size=8192)
        text = _ChannelText(buffered, encoding="utf-8", errors="backslashreplace" if name == "stderr" else "strict",
                            line_buffering=True)
        text.channel = channel
        setattr(sys, name, text)
        channel.writers.append(text)
        channel.raws.append(raw)


class ChannelFrontend:
    """The debugger's frontend in the child: pauses go up the pipe, commands come down."""

    #: After ``!STMT`` the pause is sent again (``"refresh": true``) so the panes show the change.
    shows_refreshes = True

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self._sent: Optional[PauseEvent] = None
        self._delta = TaskDelta()
        self.stdin_is_null = False  # the session gave the program no stdin (a re-run is told again)

    @property
    def wants_pauses(self) -> bool:
        """No pauses once the program has taken the channel away: it runs to its end unobserved."""
        return not self.channel.lost

    def next_command(self, pause: PauseEvent) -> Dict[str, Any]:
        if self.channel.lost:
            return {"cmd": "continue"}
        if pause is not self._sent:
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

    # -- time travel (agent/recording/timetravel.py) ----------------------------------

    def notice(self, text: str) -> None:
        """corodbg's own remarks (going back, replay): a ``[corodbg]`` line in the Output pane."""
        self.channel.send_output("agent", text + "\n")

    def before_fork(self) -> None:
        self.channel.suspend_threads()

    def after_fork(self) -> None:
        """In the run that goes on after a fork: the channel's threads again."""
        self.channel.resume_threads()

    def went_back(self) -> None:
        """A new live run, forked from a checkpoint: the UI holds the leaving run's tasks, not the
        checkpoint's, so the next pause is sent whole; nothing read before the fork is answered."""
        self._sent = None
        self._delta = TaskDelta()
        while not self.channel.inbox.empty():
            try:
                self.channel.inbox.get_nowait()
            except queue.Empty:
                break

    def rewound(self, info: Dict[str, Any]) -> None:
        """Arrived where going back was headed: the UI cuts its Output to ``info["output"]``."""
        self.channel.send({"event": "rewind", **info})

    def before_exec(self) -> None:
        """Going back by re-running the agent (os.execv): the channel's pipes must survive it."""
        self.channel.flush_writers()
        self.channel.flush_output()
        for fd in (self.channel._commands, self.channel._events):
            os.set_inheritable(fd, True)
        if self.stdin_is_null:
            os.environ["CORODBG_STDIN_IS_NULL"] = "1"

