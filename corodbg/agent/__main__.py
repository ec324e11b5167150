"""The child process that runs the program for the UI.

    python .../corodbg/agent/__main__.py --commands FD --events FD [--real-time] [--strict] [--travel]
           [--record FILE] [--replay FILE]
           -- (SCRIPT | -m MODULE) [ARGS...]

Started by ``corodbg.session``, never by hand, **by file path** and with the
environment untouched: putting corodbg on ``PYTHONPATH`` would change the
program's ``sys.path`` (``site`` drops a duplicate of site-packages, and taking
the entry out again removed the venv's only copy: ``import rich`` failed in
the UI only). Run by path, python puts this file's folder first on
``sys.path``; that slot is where the runner later puts the program's folder,
as ``python SCRIPT`` would. corodbg's root is added only when corodbg is not
importable from this interpreter as it is (a checkout), and taken out again
before the program runs. The program then sees python's own ``sys.path``,
``sys.argv`` and ``sys.orig_argv`` (``[python, SCRIPT, ARGS...]``).

Standard library only.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__" and not __package__:  # run by path, as the session does
    _ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    _ADDED_ROOT = False
    try:
        import corodbg as _corodbg  # installed beside the program's packages, or on its PYTHONPATH

        if os.path.dirname(os.path.dirname(os.path.abspath(_corodbg.__file__))) != _ROOT:
            raise ImportError("another corodbg")
    except ImportError:
        for _name in [name for name in sys.modules if name == "corodbg" or name.startswith("corodbg.")]:
            del sys.modules[_name]
        sys.path.insert(1, _ROOT)  # after the slot the runner replaces with the program's folder
        _ADDED_ROOT = True

import signal
import traceback
from typing import TYPE_CHECKING, Any, Dict, List, Optional

if TYPE_CHECKING:
    from corodbg.agent.channel import Channel


def main(argv: List[str]) -> int:
    args = list(argv)
    commands_fd = events_fd = -1
    virtual_time = True
    strict = False
    record = None
    replay_path: Optional[str] = None
    travel = False
    own_argv = [sys.executable, os.path.abspath(__file__), *argv]  # going back by re-running: the same agent
    while args and args[0].startswith("--"):
        option = args.pop(0)
        if option == "--commands" and args:
            commands_fd = int(args.pop(0))
        elif option == "--events" and args:
            events_fd = int(args.pop(0))
        elif option == "--real-time":
            virtual_time = False
        elif option == "--strict":
            strict = True
        elif option == "--travel":
            travel = True  # fork checkpoints: going back (docs/time-travel.md); the session fixes PYTHONHASHSEED
        elif option == "--record" and args:
            record = args.pop(0)  # the run's schedule (docs/trace-format.md); the session fixes PYTHONHASHSEED
        elif option == "--replay" and args:
            replay_path = args.pop(0)  # checked by the command line; PYTHONHASHSEED is the recorded one
        elif option == "--":
            break
    is_module = bool(args) and args[0] == "-m"
    if is_module:
        args.pop(0)
    if commands_fd < 0 or events_fd < 0 or not args:
        sys.stderr.write("corodbg.agent: started without its pipes; run corodbg instead\n")
        return 2

    from corodbg.agent.channel import Channel, ChannelFrontend, install_writers
    from corodbg.agent.debugger import Debugger
    from corodbg.agent.loop.interrupt import PauseInterrupter
    from corodbg.agent.main import debug_program
    from corodbg.agent.runner import Target

    if globals().get("_ADDED_ROOT"):
        sys.path.remove(_ROOT)  # corodbg is imported; the program's sys.path is python's own
    # What python would show for ``python SCRIPT ARGS`` (the runner sets sys.argv the same way).
    sys.orig_argv = [sys.orig_argv[0] if getattr(sys, "orig_argv", None) else sys.executable,
                     *(["-m"] if is_module else []), *args]

    if travel:
        # Before os._exit is wrapped below: a run that goes back, a checkpoint or the supervisor
        # ends by the real one, without an exit event (the live run's exit is the program's).
        import corodbg.agent.recording.timetravel  # noqa: F401
        sys.corodbg_argv = own_argv  # type: ignore[attr-defined]
    channel = Channel(commands_fd, events_fd)
    install_writers(channel)
    frontend = ChannelFrontend(channel)
    debugger_box: List[Debugger] = []

    # A pause interrupts any step without a signal the program could see (agent/loop/interrupt.py);
    # SIGINT stays the program's, as under python.
    interrupter = PauseInterrupter(lambda: debugger_box[0] if debugger_box else None, channel.send)
    interrupter.install()
    channel.on_pause_request = interrupter.request
    _report_os_exit(channel)
    if os.environ.pop("CORODBG_STDIN_IS_NULL", None):
        frontend.stdin_is_null = True  # (said again to a re-run of the agent)
        from corodbg.agent.stdin_notice import NOTICE, NoticingStdin

        sys.stdin = NoticingStdin(sys.stdin, lambda: channel.send_output("agent", NOTICE))
    channel.start_reader()
    channel.send({"event": "hello", "python": sys.version.split()[0], "target": " ".join(args)})
    target = Target(args[0], args[1:], is_module=is_module)
    on_debugger = debugger_box.append
    if record is not None or travel or replay_path is not None:
        from corodbg.agent.main import recording_hooks
        from corodbg.agent.recording.schedule import ScheduleError, load

        replay = None
        if replay_path is not None:
            try:
                replay = load(replay_path, target.path_or_module, target.is_module)
            except ScheduleError as error:  # (the command line checked it: changed since)
                channel.send_output("agent", f"{error}\n")
                return 2
        hooks = recording_hooks(target, record=record, travel=travel, raws=channel.raws, replay=replay,
                                resume=_resume_request() if travel else None)

        def on_debugger(debugger: Debugger) -> None:
            debugger_box.append(debugger)
            hooks(debugger)
    try:
        outcome = debug_program(target, frontend, virtual_time=virtual_time, on_debugger=on_debugger,
                                strict=strict,
                                notice=lambda text: channel.send_output("agent",
                                                                        text.removeprefix("corodbg: ") + "\n"))
    except BaseException:
        report = "corodbg: internal error in the agent:\n" + traceback.format_exc()
        channel.send_output("agent", report)
        if channel.lost:
            os.write(2, report.encode("utf-8", "replace"))
        return 70
    if outcome.interrupted:
        _die_by_sigint(channel)
    return outcome.code


def _resume_request() -> Optional[Dict[str, Any]]:
    """Going back by re-running the agent (no checkpoint could be forked): where to go, and how."""
    path = os.environ.pop("CORODBG_RESUME", None)
    if not path:
        return None
    import json

    try:
        with open(path, encoding="utf-8") as file:
            request = json.load(file)
        os.unlink(path)
    except (OSError, ValueError):
        return None
    return request if isinstance(request, dict) else None


def _die_by_sigint(channel: Channel) -> None:
    """A KeyboardInterrupt ended the program: python then kills itself with SIGINT, so do we
    (the UI shows "killed by SIGINT", a shell sees status 130 from the signal)."""
    channel.flush_writers()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)


def _report_os_exit(channel: Channel) -> None:
    """``os._exit(n)`` skips every cleanup, ours too: send the output and the exit status first,
    so the UI shows "finished (exit n)", not a crash."""
    real_exit = os._exit

    def exit_reporting(code: int) -> None:
        try:
            if not channel.closed and not channel.lost:
                channel.flush_writers()
                if channel.lock.acquire(timeout=1):  # never hang on the way out
                    try:
                        channel.send({"event": "exit", "code": code})
                    finally:
                        channel.lock.release()
        finally:
            real_exit(code)

    os._exit = exit_reporting  # type: ignore[assignment]


if __name__ == "__main__":
    code = main(sys.argv[1:])
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    sys.exit(code)
