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
                  on_debugger: Optional[Callable[[Debugger], None]] = None) -> Outcome:
    """Run ``target`` on the step loop, reporting pauses to ``frontend``."""
    install_step_loop(virtual_time=virtual_time)
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
    debugger.finish(outcome.code)
    debugger.detach()
    return outcome


def run_headless(target: Target, commands: List[str], trace: Optional[IO[str]], *,
                 virtual_time: bool = True) -> int:
    """``corodbg --headless``: the program's stdio and exit status, as with ``python``."""
    from corodbg.agent.headless import ScriptedFrontend

    frontend = ScriptedFrontend(commands, trace)
    outcome = debug_program(target, frontend, pause_at_start=bool(commands or trace),
                            virtual_time=virtual_time)
    if outcome.interrupted:
        try:
            sys.stdout.flush()
        except Exception:
            pass
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return outcome.code
