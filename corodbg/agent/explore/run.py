"""One explored run, in a child forked by the fork server: the program under a schedule, and how it ended.

The child runs the program as ``corodbg --headless`` would (``runner.run_target``
on the step loop), with its own observer instead of the debugger: the
``Explorer`` asks a chooser which ready item runs at each step and keeps the
picks, exactly as the debugger records them, so that the schedule it writes
replays under ``corodbg --headless --replay``. A run fails when:

- the program's exit status is not 0 (an assertion, an uncaught exception);
- asyncio reports an exception that was never retrieved (a task's or a future's);
- nothing is ready and nothing can wake the loop (a deadlock);
- it is still running after ``timeout`` seconds of real time (a hang);
- the user's ``--check`` expression, evaluated in ``__main__`` at the end, is false or raises.

The child answers with one JSON object on its result pipe, then leaves with
``os._exit``, after the program's atexit handlers (run as python runs them at exit).

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import gc
import json
import os
import random
import signal
import sys
from typing import Any, Dict, List, NoReturn, Optional, Tuple

from corodbg.agent.explore import choosers, timing, words
from corodbg.agent.inspection import introspect
from corodbg.agent.loop.step_loop import StepLoop
from corodbg.agent.recording import schedule
from corodbg.agent.recording.schedule import handle_identity
from corodbg.agent.runner import Target, flush_std_streams, run_target

#: How much of a failing run's output the report gets (its end).
OUTPUT_LIMIT = 64 * 1024


class Explorer:
    """The step loop's observer in an explored run: the chooser decides, the picks are kept."""

    def __init__(self, chooser: Any, describe: bool) -> None:
        self.chooser = chooser
        self.describe = describe
        self.loop: Optional[StepLoop] = None
        self.steps_before = 0
        self.records: List[Tuple[int, Any]] = []
        self.picks: List[Dict[str, Any]] = []
        self.words: List[str] = []
        self.deadlock: Optional[str] = None

    def adopt(self, loop: StepLoop) -> None:
        if self.loop is not None:
            self.steps_before += self.loop.steps
        self.loop = loop
        loop.observer = self
        loop.observe_steps = self.chooser.observes
        self.records.append((self.steps_before, loop.record))

    @property
    def steps(self) -> int:
        return self.steps_before + (self.loop.steps if self.loop is not None else 0)

    def before_step(self, loop: StepLoop) -> int:
        step = self.steps_before + loop.steps
        ready = loop._ready
        index = self.chooser.choose(ready, step)
        if index:
            self.picks.append({"step": step, "index": index, "item": handle_identity(ready[index])})
            if self.describe:
                self.words.append(words.pick(step, ready, index))
        return index

    def after_step(self, loop: StepLoop, handle: asyncio.Handle) -> None:
        pass

    def on_task_done(self, loop: StepLoop, task: asyncio.Task) -> None:
        pass

    def on_deadlock(self, loop: StepLoop) -> None:
        """The debugger's words (a replay says the same), then the run ends here."""
        waits = []
        tasks = asyncio.all_tasks(loop) if not loop.is_closed() else set()
        for task in sorted(tasks, key=_creation_order):
            chain = introspect.await_chain(task.get_coro())
            what = introspect.awaiting_description(chain) or "a future"
            waits.append(f"{introspect.task_label(task)} waits on {what}")
        self.deadlock = "deadlock: nothing is ready and nothing can wake the loop" + (
            "; " + "; ".join(waits) if waits else "")
        # As ``corodbg --headless`` does at a deadlock (a replay of this schedule will): say it, and
        # leave by SystemExit(1) from inside the loop, so that asyncio.run's clean-up runs the same steps.
        sys.stderr.write(f"corodbg: {self.deadlock} (if something outside the program would wake it, "
                         "run with --real-time)\n")
        raise SystemExit(1)

    def clock_and_outside(self) -> Tuple[List[Tuple[int, float]], List[Tuple[int, float, int]]]:
        clock: List[Tuple[int, float]] = []
        outside: List[Tuple[int, float, int]] = []
        for offset, record in self.records:
            clock += [(offset + step, when) for step, when in record.clock]
            outside += [(offset + step, waited, events) for step, waited, events in record.outside]
        return clock, outside


def _creation_order(task: asyncio.Task) -> Any:
    name = task.get_name()
    number = name[5:] if name.startswith("Task-") else ""
    return (0, int(number), "") if number.isdigit() else (1, 0, name)


def make_chooser(request: Dict[str, Any], rng: random.Random) -> Any:
    """The any-order family's chooser for this run (FIFO for the timing family and run 0)."""
    if request["family"] != "any-order" or request.get("strategy") == "default":
        return choosers.Fifo()
    guide = request.get("guide")
    if guide is not None:
        return choosers.GivenPicks({int(step): str(item) for step, item in guide.get("picks", [])})
    if request.get("strategy") == "pct":
        return choosers.PCT(rng, int(request.get("depth", 3)), int(request.get("steps_hint", 100)))
    return choosers.RandomOrder(rng)


def make_factors(request: Dict[str, Any], rng: random.Random) -> Optional[timing.TimerFactors]:
    """The timing family's timer factors for this run (none for the any-order family)."""
    if request["family"] != "timing":
        return None
    guide = request.get("guide")
    if guide is not None:
        return timing.TimerFactors.from_entries(guide.get("timers", []))
    if request.get("strategy") == "default":
        return timing.TimerFactors()
    return timing.TimerFactors(rng=rng, jitter=float(request.get("jitter", 2.0)))


#: The run this process is (a forked child has one): what the hooks below report to.
_this_run: List[ChildRun] = []


def install_run_hooks() -> None:
    """Once, in the fork server: every new step loop is adopted by the run's explorer, and
    exceptions never retrieved are noted for the run.

    Hooks that look the run up, rather than ones a child would set on the
    step loop's class: a class changed in a child would drop the bytecode
    specialized on it, and copy pages of the server's memory re-specializing.
    """
    StepLoop.on_created = _adopt_in_this_run
    original = StepLoop.call_exception_handler

    def call_exception_handler(loop: StepLoop, context: Dict[str, Any]) -> None:
        message = str(context.get("message", ""))
        if _this_run and "never retrieved" in message:
            error = context.get("exception")
            _this_run[0].unretrieved.append(f"{message}: {type(error).__name__}: {error}" if error is not None
                                            else message)
        original(loop, context)

    StepLoop.call_exception_handler = call_exception_handler  # type: ignore[method-assign, assignment]
    timing.patch_step_loop()


def _adopt_in_this_run(loop: StepLoop) -> None:
    if _this_run:
        _this_run[0].explorer.adopt(loop)


class ChildRun:
    """The forked child's whole life: set up, run the program, answer, leave (``install_run_hooks`` first)."""

    def __init__(self, target: Target, request: Dict[str, Any], check: Optional[str], result_fd: int) -> None:
        self.target = target
        self.request = request
        self.check = check
        self.result_fd = result_fd
        rng = random.Random(str(request["seed"]))  # a str seed: the same in every process (no hash)
        self.random_seed = rng.getrandbits(32)
        self.explorer = Explorer(make_chooser(request, rng), bool(request.get("describe")))
        self.factors = make_factors(request, rng)
        self.unretrieved: List[str] = []
        self.ended = False

    def start(self, output_fd: int) -> NoReturn:
        _redirect_output(output_fd)
        if self.factors is not None:
            timing.install(self.factors)
            if self.explorer.describe:
                explorer = self.explorer
                self.factors.on_made = lambda source=None: (explorer.steps, source or words.origin())
                self.factors.on_scaled = lambda index, asked, given, kind, made: explorer.words.append(
                    words.wait(kind, index, asked, given, *made))
        _this_run[:] = [self]
        random.seed(self.random_seed)
        timeout = float(self.request.get("timeout", 0) or 0)
        if timeout > 0:
            signal.signal(signal.SIGALRM, lambda signum, frame: self.end(None, hang=timeout))
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            outcome = run_target(self.target)
            code = outcome.code
        except BaseException:  # (run_target reports the program's own; this would be corodbg's)
            code = 70
        # The program's atexit handlers, as python runs them at exit (the run ends with os._exit):
        # still under --timeout, so a handler that hangs is reported as a hang.
        atexit._run_exitfuncs()
        self.end(code)

    def end(self, code: Optional[int], hang: float = 0.0) -> NoReturn:
        """However the run ended: the failure (if any), the schedule if asked, one JSON object, exit."""
        if self.ended:
            os._exit(0)
        self.ended = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        explorer = self.explorer
        failure: Optional[Dict[str, str]] = None
        if hang:
            failure = {"kind": "hang", "text": f"still running after {hang:g} s (--timeout)"}
        elif explorer.deadlock is not None:
            failure = {"kind": "deadlock", "text": explorer.deadlock}
        if code is not None and failure is None:
            try:
                gc.collect()  # a failed task nobody holds: asyncio reports it when it is freed
            except Exception:
                pass
            if code != 0:
                failure = {"kind": "exit", "text": f"exit status {code}"}
            elif self.unretrieved:
                failure = {"kind": "unretrieved", "text": self.unretrieved[0]}
            elif self.check is not None:
                failure = self._check()
        flush_std_streams()
        clock, outside = explorer.clock_and_outside()
        result: Dict[str, Any] = {
            "run": self.request["run"], "failure": failure, "steps": explorer.steps,
            "deviations": len(explorer.picks) + (len(self.factors.scaled) if self.factors is not None else 0),
            "signature": signature(explorer.picks, clock), "outside": _outside_waits(outside),
            "timers": self.factors.count if self.factors is not None else None,  # what the timing family can vary
        }
        if failure is not None or self.request.get("schedule"):
            exit_code = 1 if code is None else code
            data = schedule.build(program=self.target.path_or_module, is_module=self.target.is_module,
                                  argv=self.target.args, steps=explorer.steps, picks=explorer.picks, clock=clock,
                                  outside=outside, exit_code=exit_code, random_seed=self.random_seed)
            if self.factors is not None and self.factors.scaled:
                data["timers"] = self.factors.scaled
                data["checksum"] = schedule.checksum(data)
            result["schedule"] = data
            result["words"] = explorer.words
        _write_all(self.result_fd, (json.dumps(result) + "\n").encode())
        os._exit(0)

    def _check(self) -> Optional[Dict[str, str]]:
        """--check EXPR in the program's ``__main__``: false or raising is a failure, with the names' values."""
        assert self.check is not None
        main = sys.modules.get("__main__")
        namespace = dict(vars(main)) if main is not None else {}
        try:
            value = eval(self.check, namespace)
        except BaseException as error:
            return {"kind": "check", "text": f"--check {self.check!r} raised {type(error).__name__}: {error}"}
        if value:
            return None
        names = sorted({node.id for node in ast.walk(ast.parse(self.check, mode="eval"))
                        if isinstance(node, ast.Name) and node.id in namespace})
        shown = ", ".join(f"{name} = {_short_repr(namespace[name])}" for name in names)
        return {"kind": "check", "text": f"--check {self.check!r} is false" + (f" ({shown})" if shown else "")}


def _outside_waits(outside: List[Tuple[int, float, int]]) -> int:
    """The real waits long enough to be the outside's: not the microseconds loopback takes to carry
    what the program wrote to itself (its own server and client), which asyncio sees as I/O too."""
    return sum(1 for _, waited, _ in outside if waited >= timing.OUTSIDE_READ)


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


def signature(picks: List[Dict[str, Any]], clock: List[Tuple[int, float]]) -> str:
    """What tells two runs' orders apart: where they deviated, and at which steps the clock jumped.

    Not the times the clock jumped to: in the timing family every run has its own durations,
    but many of them run the program's steps in the same order. Python's own string hash is
    enough: signatures are only compared within one session, whose servers share PYTHONHASHSEED.
    """
    body = json.dumps([[(p["step"], p["item"]) for p in picks], [step for step, _ in clock]],
                      separators=(",", ":"))
    return f"{hash(body) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def _redirect_output(output_fd: int) -> None:
    """The program's stdin is empty; its stdout and stderr go to the server's output file (line by line)."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]
        except Exception:
            pass


def _write_all(fd: int, data: bytes) -> None:
    while data:
        written = os.write(fd, data)
        data = data[written:]
