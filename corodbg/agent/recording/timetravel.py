"""Going back: fork checkpoints of the running program, resumed and replayed forward to a target.

The process tree (docs/time-travel.md):

- the *supervisor*: the process the shell started. At the first checkpoint it
  forks the run and from then on only waits: it is a child subreaper
  (``PR_SET_CHILD_SUBREAPER``), so every later run is reparented to it, and it
  exits with the status of the run the user ends up with (its pid is
  announced on a status pipe), after killing the checkpoints;
- the *live run*: the program as the user debugs it;
- *checkpoints*: sleeping copies of the live run (``os.fork``), at the start
  pause and every ``INTERVAL`` steps (at most one per ``MIN_GAP`` seconds).

Going back from pause P to a target T (an earlier pause, or a step N): the live
run sends the nearest checkpoint at or before T a request (the commands applied
at the pauses since that checkpoint, the -c commands left, how much output was
already written) and exits; the checkpoint forks twice (the grandchild is
reparented to the supervisor) and stays reusable. The new live run applies the
recorded commands at each pause it passes without showing them (same program,
same commands, same choices: the same run) and presents T. The program's
writes through ``sys.stdout``/``sys.stderr`` are counted in bytes, and bytes
already written by an earlier run are dropped: output is never written twice.

Where fork cannot serve (threads of the program alive, the loop waiting on
the outside), the run is re-executed from the start (``os.execv`` of the same
command line, the request in ``CORODBG_RESUME``), said once on stderr.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import threading
import time
import weakref
from typing import Any, Dict, List, Optional, Sequence, Tuple

from corodbg.agent import debugger as debugger_module
from corodbg.agent.loop.step_loop import OWN_CHILDREN
from corodbg.agent.runner import flush_std_streams

INTERVAL = 1000        # steps between checkpoints while the program runs
MIN_GAP = 0.05         # seconds of run time at least between two checkpoints
MAX_CHECKPOINTS = 64   # beyond, every second one of the older half is dropped
RESUME_VARIABLE = "CORODBG_RESUME"
_exit = os._exit  # (--record wraps os._exit to write the schedule: a run that goes back must not)


class CountingRaw(io.RawIOBase):
    """fd 1 or 2 for the program's sys.stdout/sys.stderr: counts bytes, drops those already written."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd
        self.count = 0   # bytes the program wrote so far, in this run's history
        self.limit = 0   # bytes an earlier run already wrote: not written again

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return os.isatty(self.fd)

    def write(self, data: Any) -> int:
        data = bytes(data)
        size = len(data)
        start = self.count
        self.count += size
        if start + size <= self.limit:
            return size
        view = data[max(0, self.limit - start):]
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        return size


def count_output() -> Tuple[CountingRaw, CountingRaw]:
    """Give the program sys.stdout/sys.stderr that count what they write (same encoding and buffering)."""
    raws = []
    for name, fd in (("stdout", 1), ("stderr", 2)):
        old = getattr(sys, name)
        raw = CountingRaw(fd)
        raws.append(raw)
        if old is None:
            continue
        try:
            old.flush()
        except Exception:
            pass
        buffered = io.BufferedWriter(raw)
        setattr(sys, name, io.TextIOWrapper(buffered, encoding=getattr(old, "encoding", "utf-8"),
                                            errors=getattr(old, "errors", "strict"),
                                            line_buffering=getattr(old, "line_buffering", False),
                                            write_through=fd == 2))
    return raws[0], raws[1]


def fork_blocker(loop: Any) -> Optional[str]:
    """Why a checkpoint cannot be a fork here, or None."""
    if not hasattr(os, "fork"):
        return "this platform has no fork"
    main = threading.main_thread()
    others = [t for t in threading.enumerate() if t is not main and not getattr(t, "corodbg_internal", False)]
    if others:
        return f"threads alive ({others[0].name})"
    if any(getattr(t, "corodbg_internal", False) for t in threading.enumerate() if t is not main):
        return "corodbg's own threads run in this process"
    if loop is not None and len(loop._selector.get_map()) > loop.internal_fds:
        return "the program waits on file descriptors (sockets, pipes)"
    return None


class Checkpoint:
    def __init__(self, pid: int, fd: int, step: int, first_pause: int) -> None:
        self.pid, self.fd, self.step, self.first_pause = pid, fd, step, first_pause


def _fork() -> int:
    """os.fork, the debugger kept attached in the child, and the running loop still running there
    (asyncio forgets it in a child: its pid is not the loop's)."""
    import asyncio

    running = asyncio.events._get_running_loop()
    tasks = list(asyncio.all_tasks(running)) if running is not None else []
    debugger_module._own_fork.append(True)
    try:
        pid = os.fork()
    finally:
        debugger_module._own_fork.clear()
    if pid == 0 and running is not None:
        asyncio.events._set_running_loop(running)
        if tasks and not asyncio.all_tasks(running):
            _keep_tasks_over_fork(tasks)
    return pid


#: Tasks that lived before one of corodbg's forks, which asyncio forgot in the child (3.14).
_SURVIVORS: weakref.WeakSet[Any] = weakref.WeakSet()


def _keep_tasks_over_fork(tasks: List[Any]) -> None:
    """3.14 keeps tasks in per-thread lists that a fork empties in the child: ``all_tasks()``
    there forgets every task made before the fork (the panes showed none; ``asyncio.run``
    would not cancel them at its end). The tasks are alive in the child: ``all_tasks`` (the
    program's, asyncio's and the debugger's) lists them again, those still pending."""
    import asyncio
    import asyncio.tasks

    _SURVIVORS.update(tasks)
    if getattr(asyncio.tasks.all_tasks, "corodbg_survivors", False):
        return
    original = asyncio.tasks.all_tasks

    def all_tasks(loop: Any = None) -> set:
        found = original(loop)
        if loop is None:
            loop = asyncio.events.get_running_loop()
        return found | {task for task in _SURVIVORS if not task.done() and task.get_loop() is loop}

    all_tasks.corodbg_survivors = True  # type: ignore[attr-defined]
    asyncio.tasks.all_tasks = all_tasks
    asyncio.all_tasks = all_tasks


def _send(fd: int, message: Dict[str, Any]) -> None:
    data = json.dumps(message).encode()
    data = len(data).to_bytes(4, "big") + data
    while data:
        data = data[os.write(fd, data):]


def _receive(fd: int) -> Optional[Dict[str, Any]]:
    def exactly(size: int) -> Optional[bytes]:
        chunks = b""
        while len(chunks) < size:
            try:
                chunk = os.read(fd, size - len(chunks))
            except InterruptedError:
                continue
            if not chunk:
                return None
            chunks += chunk
        return chunks

    head = exactly(4)
    if head is None:
        return None
    body = exactly(int.from_bytes(head, "big"))
    return None if body is None else json.loads(body)


class TimeTravel:
    """Checkpoints of the live run, and the replay forward from one of them."""

    def __init__(self, raws: Sequence[Any], *, random_seed: Optional[int] = None) -> None:
        self.raws = raws
        self.random_seed = random_seed
        self.checkpoints: List[Checkpoint] = []
        self.status_fd: Optional[int] = None     # to the supervisor
        self.next_step: Optional[int] = 0        # the step of the next checkpoint (0: at the start)
        self.last_time = 0.0
        self.blocked_said = False
        #: Why no checkpoint could be taken (said once), kept to be said when going back if ``quiet``.
        self.blocker_note: Optional[str] = None
        #: The UI: a checkpoint that cannot be taken is said only when the user goes back (not in
        #: every run of a program with threads); the Output pane is cut to the target (output).
        self.quiet = False
        #: The UI: output written while passing over the past is dropped, and the run arrived says
        #: how much output there was at the target (the ``rewind`` event), so the UI cuts its pane.
        self.rewinds_output = False
        #: While going back: {"history": [[pause, command], ...], "pause": j | None, "step": N | None}.
        self.replaying: Optional[Dict[str, Any]] = None
        self.going: Optional[str] = None  # the command that went back (said in the rewind event)

    # -- checkpoints ---------------------------------------------------------------

    def at_pause(self, debugger: Any, loop: Any, index: int) -> None:
        step = debugger.current_step()
        if self.next_step is not None and step >= self.next_step:
            self._checkpoint(debugger, loop, step, first_pause=index)

    def between_steps(self, debugger: Any, loop: Any) -> None:
        self._checkpoint(debugger, loop, debugger.current_step(), first_pause=debugger.pause_index)

    def _checkpoint(self, debugger: Any, loop: Any, step: int, first_pause: int) -> None:
        now = time.monotonic()
        self.next_step = step + INTERVAL
        if self.checkpoints and now - self.last_time < MIN_GAP:
            return
        if self.checkpoints and self.checkpoints[-1].step == step:
            return
        # The UI's channel runs threads of corodbg's own (a fork copies only this one): stopped
        # for the fork, started again in whichever run goes on (this one, or a new live run
        # returning here from _sleep); never in the supervisor or a sleeping checkpoint.
        _frontend_hook(debugger, "before_fork")
        try:
            self._fork_checkpoint(debugger, loop, step, first_pause, now)
        finally:
            _frontend_hook(debugger, "after_fork")

    def _fork_checkpoint(self, debugger: Any, loop: Any, step: int, first_pause: int, now: float) -> None:
        blocker = fork_blocker(loop)
        if blocker is not None:
            if not self.blocked_said:
                self.blocked_said = True
                self.blocker_note = f"no checkpoint at step {step}: {blocker}; going back re-runs from the start"
                if not self.quiet:
                    debugger._note(self.blocker_note)
            return
        if self.status_fd is None and not self._start_supervisor():
            self.next_step = None
            return
        self.last_time = now
        read_fd, write_fd, pid = _flushed_fork()
        if pid:
            os.close(read_fd)
            self.checkpoints.append(Checkpoint(pid, write_fd, step, first_pause))
            OWN_CHILDREN.add(pid)  # (a sleeping checkpoint does not stop the virtual clock)
            self._tell(f"checkpoint {pid}")
            self._thin()
            return
        self._sleep(debugger, read_fd, Checkpoint(os.getpid(), write_fd, step, first_pause))

    def _thin(self) -> None:
        if len(self.checkpoints) <= MAX_CHECKPOINTS:
            return
        older = self.checkpoints[1:len(self.checkpoints) // 2]
        dropped = older[1::2]
        for checkpoint in dropped:
            self._kill(checkpoint)
        self.checkpoints = [c for c in self.checkpoints if c not in dropped]

    @staticmethod
    def _kill(checkpoint: Checkpoint) -> None:
        OWN_CHILDREN.discard(checkpoint.pid)
        try:
            os.kill(checkpoint.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.close(checkpoint.fd)
        except OSError:
            pass

    def _sleep(self, debugger: Any, read_fd: int, me: Checkpoint) -> None:
        """In the checkpoint: wait for requests; each one forks a new live run, which returns from here."""
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            request = _receive(read_fd)
            if request is None:
                _exit(0)
            child = _fork()
            if child == 0:
                if _fork() != 0:
                    _exit(0)  # the intermediate: the new run is reparented to the supervisor
                signal.signal(signal.SIGINT, previous)
                os.close(read_fd)
                self.checkpoints.append(me)
                self._become_live(debugger, request, me)
                return
            while True:
                try:
                    os.waitpid(child, 0)
                    break
                except InterruptedError:
                    continue
                except ChildProcessError:
                    break

    def _become_live(self, debugger: Any, request: Dict[str, Any], origin: Optional[Checkpoint]) -> None:
        self._tell(f"live {os.getpid()}")
        for raw, limit in zip(self.raws, request["out"], strict=False):
            raw.limit = sys.maxsize if self.rewinds_output else limit
        _frontend_hook(debugger, "went_back")
        self.going = request.get("command")
        history = [tuple(entry) for entry in request["history"]]
        for entry in [e for e in history if e[0] < debugger.pause_index and e[1].get("cmd") == "_arm"]:
            history.remove(entry)  # a goto armed before the next pause: armed now
            debugger.goto_step = entry[1]["step"]
            debugger.history.insert(next((k for k, (i, _) in enumerate(debugger.history) if i >= entry[0]),
                                         len(debugger.history)), entry)
        self.replaying = {"history": history,
                          "pause": request.get("pause"), "step": request.get("step"),
                          "expect": request.get("expect"), "breakpoints": request.get("breakpoints"),
                          "next_breakpoint": request.get("next_breakpoint")}
        frontend = debugger.frontend
        if isinstance(getattr(frontend, "commands", None), list):
            frontend.commands = list(request["commands"])
        if request.get("step") is not None:
            debugger.goto_step = request["step"]
            # A later replay of this run must arm the same goto at the same point (at or before
            # this checkpoint: it fires at the first step >= N either way): in the history,
            # before the commands of the checkpoint's pause (or of the pause before it).
            at = origin.first_pause if origin is not None else 0
            if origin is not None and origin.first_pause == debugger.pause_index:
                at -= 1  # taken between steps: the pause before it
            arm = (at, {"cmd": "_arm", "step": request["step"]})
            where = next((k for k, (i, _) in enumerate(debugger.history) if i >= at), len(debugger.history))
            debugger.history.insert(where, arm)
        self.next_step = None  # no new checkpoints while passing over the past: they exist
        debugger._update_watch(debugger.loop)

    # -- the supervisor --------------------------------------------------------------

    def _start_supervisor(self) -> bool:
        """Fork once: the parent supervises (and never returns), the child goes on as the live run."""
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
                return False
        except (OSError, AttributeError):
            return False
        read_fd, write_fd, pid = _flushed_fork()
        if pid:
            os.close(write_fd)
            _supervise(pid, read_fd)  # never returns
        os.close(read_fd)
        self.status_fd = write_fd
        return True

    def _tell(self, line: str) -> None:
        if self.status_fd is not None:
            os.write(self.status_fd, (line + "\n").encode())

    # -- going back ------------------------------------------------------------------

    def go_back(self, debugger: Any, target: Dict[str, Any]) -> None:
        """End this run; an earlier checkpoint (or a re-run) goes on to ``target``. Never returns."""
        if self.quiet and self.blocker_note is not None:
            debugger._note(self.blocker_note)
            self.blocker_note = None
        pause = target.get("pause")
        step = target.get("step")
        if pause is not None:
            usable = [c for c in self.checkpoints if c.first_pause <= pause]
        else:
            usable = [c for c in self.checkpoints if step is not None and c.step <= step]
        flush_std_streams()
        current = debugger.pause_index - 1
        first = usable[-1].first_pause if usable else 0
        last = pause if pause is not None else current
        request = {
            "history": [[i, command] for i, command in debugger.history
                        if first <= i < last or (i == first - 1 and command.get("cmd") == "_arm")],
            "pause": pause, "step": step, "expect": target.get("expect"),
            "commands": list(getattr(debugger.frontend, "commands", None) or []),
            "out": [max(raw.count, raw.limit) for raw in self.raws],
            "random_seed": self.random_seed,
            # Breakpoints are the debugger's, not the program's: they stay as they are now.
            "breakpoints": [b.fields() for b in debugger.breakpoints.items],
            "next_breakpoint": debugger.breakpoints.next_number,
            "command": target.get("command"),
        }
        if not usable:
            self._reexecute(debugger, request)
        checkpoint = usable[-1]
        for later in self.checkpoints:
            if later.step > checkpoint.step or (later.step == checkpoint.step and later is not checkpoint
                                                and later.first_pause > checkpoint.first_pause):
                self._kill(later)
        self._tell(f"leaving {os.getpid()}")
        trace = getattr(debugger.frontend, "trace", None)
        if trace is not None:
            try:
                trace.flush()
            except Exception:
                pass
        _send(checkpoint.fd, request)
        _exit(0)

    def _reexecute(self, debugger: Any, request: Dict[str, Any]) -> None:
        if not self.blocked_said:
            debugger._note("going back by re-running the program from the start (no checkpoint to fork from)")
        request["said"] = True  # once per session, not once per re-run
        import tempfile

        handle, path = tempfile.mkstemp(prefix="corodbg-resume-", suffix=".json")
        with os.fdopen(handle, "w") as file:
            json.dump(request, file)
        os.environ[RESUME_VARIABLE] = path
        argv = list(getattr(sys, "corodbg_argv", None) or [sys.executable])
        trace = getattr(debugger.frontend, "trace", None)
        if trace is not None:
            trace.flush()
        _frontend_hook(debugger, "before_exec")
        os.execv(argv[0], argv)

    def resume_from_exec(self, debugger: Any, request: Dict[str, Any]) -> None:
        """A re-run from the start (see _reexecute): pass over the past as a forked run would."""
        self._become_live(debugger, request, None)
        self.next_step = 0
        self.blocked_said = bool(request.get("said"))

    # -- passing over the past ----------------------------------------------------------

    def swallow(self, debugger: Any, index: int, reason: str, context: Any) -> bool:
        """At a pause while going back: True if it was passed over (its recorded commands applied)."""
        state = self.replaying
        assert state is not None
        arrived = (state["pause"] is not None and index >= state["pause"]) or \
                  (state["step"] is not None and reason == "goto")
        history: List[Tuple[int, Dict[str, Any]]] = state["history"]
        while history and history[0][0] < index:
            history.pop(0)  # (cannot happen in a run that repeats itself)
        if not arrived and not (history and history[0][0] == index):
            arrived = True  # the recorded commands end here
        if arrived:
            self._arrived(debugger, index, reason)
            return False
        debugger.log, debugger.log_dropped = [], 0
        while history and history[0][0] == index:
            _, command = history.pop(0)
            debugger.history.append((index, command))
            if command.get("cmd") == "_arm":
                debugger.goto_step = command["step"]
                debugger._update_watch(debugger.loop)
                continue
            if command.get("cmd") == "_breakpoints":
                _set_breakpoints(debugger, command)
                continue
            try:
                resumed = debugger._apply(command, context) is None
            except debugger_module.CommandFailed:
                continue
            if resumed:
                return True
        self._arrived(debugger, index, reason)
        return False

    def _arrived(self, debugger: Any, index: int, reason: str) -> None:
        state = self.replaying
        self.replaying = None
        if self.rewinds_output:
            flush_std_streams()  # (what passing over the past wrote: dropped)
            for raw in self.raws:
                raw.limit = raw.count
            _frontend_hook(debugger, "rewound", {"step": debugger.current_step(), "pause": index,
                                                 "output": [raw.count for raw in self.raws],
                                                 "command": self.going})
        if state and state.get("breakpoints") is not None:
            command = {"cmd": "_breakpoints", "items": state["breakpoints"], "next": state["next_breakpoint"]}
            _set_breakpoints(debugger, command)
            debugger.history.append((index, command))  # a replay of this run sets them here too
        armed = debugger.goto_step
        if armed is not None:  # armed on the way but not reached: not part of this run's past
            debugger.goto_step = None
            debugger.history = [(i, c) for i, c in debugger.history
                                if not (c.get("cmd") == "_arm" and c.get("step") == armed)]
        self.next_step = debugger.current_step() + INTERVAL
        if state and state.get("expect") and [debugger.current_step(), reason] != list(state["expect"]):
            step, wanted = state["expect"]
            debugger._note(f"went back to step {debugger.current_step()} ({reason}), not step {step} ({wanted}): "
                           "the run did not repeat itself (input, threads or time from outside)")
        debugger._update_watch(debugger.loop)


def _frontend_hook(debugger: Any, name: str, *args: Any) -> None:
    """Call the frontend's ``name`` if it has one (the UI's channel frontend; headless has none)."""
    hook = getattr(debugger.frontend, name, None)
    if hook is not None:
        hook(*args)


def _set_breakpoints(debugger: Any, command: Dict[str, Any]) -> None:
    from corodbg.agent.tracing.breakpoints import Breakpoint

    table = debugger.breakpoints
    table.items = [Breakpoint(**fields) for fields in command["items"]]
    table.next_number = max(table.next_number, command["next"] or 1)
    table._reindex()


def _supervise(live: Optional[int], status_fd: int) -> None:
    """The supervisor: wait for the run the user ends up with, exit with its status."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import select

    checkpoints: List[int] = []
    leaving: set = set()
    exited: Dict[int, int] = {}  # pid -> status, of processes that ended (the live one may be told later)
    buffer = b""
    while True:
        readable, _, _ = select.select([status_fd], [], [], 0.05)
        if readable:
            chunk = os.read(status_fd, 65536)
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                word, _, number = line.decode().partition(" ")
                if word == "live":
                    live = int(number)
                elif word == "leaving":
                    leaving.add(int(number))
                    if live == int(number):
                        live = None
                elif word == "checkpoint":
                    checkpoints.append(int(number))
            if chunk:
                continue  # read everything before looking at who ended
        while True:
            try:
                pid, code = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = 0
            if pid == 0:
                break
            exited[pid] = code
        if live is not None and live in exited and live not in leaving:
            status = exited[live]
            break
    for pid in checkpoints:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    deadline = time.monotonic() + 1.0  # the checkpoints just killed; not the program's orphans, if any
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.005)
        except ChildProcessError:
            break
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL, SIGSTOP: no handler can be set (nor was one); they kill as they are
        os.kill(os.getpid(), sig)
    _exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def _flushed_fork() -> tuple[int, int, int]:
    """Flush the program's streams (nothing buffered is written twice), make a pipe, fork:
    (read end, write end, the child's pid or 0 in the child)."""
    flush_std_streams()
    read_fd, write_fd = os.pipe()
    return read_fd, write_fd, _fork()
