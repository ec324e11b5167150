"""Running a program under the debugger: the glue between runner, debugger and a frontend.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import IO, Callable, List, Optional

from corodbg.agent.debugger import Debugger, Frontend
from corodbg.agent.install import install_step_loop
from corodbg.agent.loop import step_the_programs_own_loop_classes, track_wrapped_futures, watch_running_loops
from corodbg.agent.runner import Outcome, Target, run_target


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


def run_headless(target: Target, commands: List[str], trace: Optional[IO[str]], *,
                 virtual_time: bool = True, strict: bool = False) -> int:
    """``corodbg --headless``: the program's stdio and exit status, as with ``python``."""
    from corodbg.agent.headless import ScriptedFrontend

    frontend = ScriptedFrontend(commands, trace)
    outcome = debug_program(target, frontend, pause_at_start=bool(commands or trace),
                            virtual_time=virtual_time, strict=strict)
    if outcome.interrupted:
        try:
            sys.stdout.flush()
        except Exception:
            pass
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return outcome.code
