"""Running a program under the debugger: the glue between runner, debugger and a frontend.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import os
import signal
import sys

from corodbg.agent.debugger import Debugger
from corodbg.agent.loop.install import install_step_loop
from corodbg.agent.loop.step_loop import step_the_programs_own_loop_classes, track_wrapped_futures, watch_running_loops
from corodbg.agent.runner import Outcome, Target, run_target

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import IO, Any, Callable, Dict, List, Optional, Tuple

    from corodbg.agent.debugger import Frontend


def debug_program(target: Target, frontend: Frontend, *, pause_at_start: bool = True,
                  virtual_time: bool = True,
                  on_debugger: Optional[Callable[[Debugger], None]] = None,
                  strict: bool = False, notice: Optional[Callable[[str], None]] = None) -> Outcome:
    """Run ``target`` on the step loop, reporting pauses to ``frontend``.

    ``strict``: no compatibility shims (python's own behaviour); ``notice`` says
    once, in corodbg's voice, when the program relies on one.
    """
    install_step_loop(virtual_time=virtual_time, strict=strict, notice=notice or _say)
    track_wrapped_futures()
    debugger = Debugger(frontend, pause_at_start=pause_at_start)
    debugger.attach()
    step_the_programs_own_loop_classes()
    watch_running_loops(debugger.on_foreign_loop)
    if on_debugger is not None:
        on_debugger(debugger)
    try:
        outcome = run_target(target)
    finally:
        debugger._stop_tracing()
    try:
        sys.stdout.flush()
    except Exception:
        pass
    # A KeyboardInterrupt kills python by SIGINT: report that status, not 130 (as a shell shows it).
    debugger.finish(-signal.SIGINT if outcome.interrupted else outcome.code)
    debugger.detach()
    return outcome


def _say(text: str) -> None:
    """corodbg's own notices on stderr (headless: the program's stderr, prefixed ``corodbg:``)."""
    try:
        sys.stderr.flush()
    except Exception:
        pass
    stream = sys.__stderr__
    if stream is not None:
        try:
            stream.write(text + "\n")
            stream.flush()
        except (OSError, ValueError):
            pass


def recording_hooks(target: Target, *, record: Optional[str] = None, replay: Optional[Dict[str, Any]] = None,
                    timeline: Optional[str] = None, travel: bool = False,
                    resume: Optional[Dict[str, Any]] = None,
                    raws: Optional[List[Any]] = None) -> Callable[[Debugger], None]:
    """What --record, --replay, --timeline and time travel add to a debugger (before the program runs).

    ``random`` is seeded (from the schedule when replaying, else a new seed that the
    record keeps); PYTHONHASHSEED was fixed by the command line (it re-executes itself).
    ``raws``: the UI's channel streams, which count what they send (else sys.stdout and
    sys.stderr are given counting streams of their own).
    """
    random_seed: Optional[int] = None
    if replay is not None and replay.get("random_seed") is not None:
        random_seed = int(replay["random_seed"])
    elif resume is not None and resume.get("random_seed") is not None:
        random_seed = int(resume["random_seed"])
    elif record is not None or travel:
        random_seed = int.from_bytes(os.urandom(4), "big")
    if random_seed is not None:
        import random

        random.seed(random_seed)

    def hook(debugger: Debugger) -> None:
        if replay is not None:
            from corodbg.agent.recording.schedule import Replay

            debugger.replay = Replay(replay)
            if replay.get("timers"):  # a schedule of the timing family (corodbg explore): the same durations
                from corodbg.agent.explore import timing

                factors = timing.TimerFactors.from_entries(replay["timers"])
                factors.on_made = debugger.scaled_wait_made
                factors.on_scaled = debugger.scaled_wait
                timing.install(factors)
        if timeline is not None:
            debugger.timeline = []
        if travel:
            from corodbg.agent.recording.timetravel import TimeTravel, count_output

            debugger.time_travel = TimeTravel(raws if raws is not None else count_output(), random_seed=random_seed)
            if raws is not None:  # the UI: its Output pane is cut when going back; blockers said then
                from corodbg.agent.recording.lanes import Lanes

                debugger.time_travel.rewinds_output = debugger.time_travel.quiet = True
                debugger.lanes = Lanes()
            if resume is not None:
                debugger.time_travel.resume_from_exec(debugger, resume)
        if record is None and timeline is None:
            return

        def on_end(code: int) -> None:
            if debugger.on_end is None:
                return
            debugger.on_end = None  # once
            if record is not None:
                write_record(debugger, target, record, code, random_seed)
            if timeline is not None:
                from corodbg.agent.recording.timeline import write_timeline

                write_timeline(debugger, timeline)

        debugger.on_end = on_end
        if record is not None:
            original_exit = os._exit

            def _exit(status: int) -> None:  # os._exit skips finish(): the schedule is written here
                try:
                    if debugger.on_end is not None and not debugger.detached:
                        debugger.on_end(status)
                finally:
                    original_exit(status)

            os._exit = _exit  # type: ignore[assignment]

    return hook


def write_record(debugger: Debugger, target: Target, path: str, code: int, random_seed: Optional[int]) -> None:
    from corodbg.agent.recording import schedule

    clock: List[Tuple[int, float]] = []
    outside: List[Tuple[int, float, int]] = []
    for offset, record in debugger.records:
        clock += [(offset + step, when) for step, when in record.clock]
        outside += [(offset + step, waited, events) for step, waited, events in record.outside]
    last = debugger.last_loop
    steps = debugger.steps_before + (last.steps if last is not None else 0)
    data = schedule.build(program=target.path_or_module, is_module=target.is_module, argv=target.args,
                          steps=steps, picks=debugger.picks, clock=clock, outside=outside, exit_code=code,
                          random_seed=random_seed)
    try:
        schedule.write(path, data)
    except OSError as error:
        _say(f"corodbg: cannot write the schedule {path}: {error.strerror}")


def run_headless(target: Target, commands: List[str], trace: Optional[IO[str]], *,
                 virtual_time: bool = True, strict: bool = False,
                 on_debugger: Optional[Callable[[Debugger], None]] = None) -> int:
    """``corodbg --headless``: the program's stdio and exit status, as with ``python``."""
    from corodbg.agent.headless import ScriptedFrontend

    frontend = ScriptedFrontend(commands, trace)
    outcome = debug_program(target, frontend, pause_at_start=bool(commands or trace),
                            virtual_time=virtual_time, strict=strict, on_debugger=on_debugger)
    if outcome.interrupted:
        try:
            sys.stdout.flush()
        except Exception:
            pass
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return outcome.code
