"""``python -m corodbg.agent``: the child process that runs the program for the UI.

    python -m corodbg.agent --commands FD --events FD [--real-time] (SCRIPT | -m MODULE) [ARGS...]

Started by ``corodbg.session``, never by hand. Standard library only.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import TYPE_CHECKING, List

if TYPE_CHECKING:
    from corodbg.agent.channel import Channel


def _undo_path_injection() -> None:
    """The session put corodbg on PYTHONPATH; the program must not see that."""
    added = os.environ.pop("CORODBG_ADDED_PATH", None)
    if added is None:
        return
    if os.environ.pop("CORODBG_NO_PYTHONPATH", None):
        os.environ.pop("PYTHONPATH", None)
    else:
        parts = os.environ.get("PYTHONPATH", "").split(os.pathsep)
        os.environ["PYTHONPATH"] = os.pathsep.join(parts[1:])
    # corodbg itself is imported by now; keep it importable only where it is installed.
    if added in sys.path[1:]:
        sys.path.remove(added)


def main(argv: List[str]) -> int:
    _undo_path_injection()
    args = list(argv)
    commands_fd = events_fd = -1
    virtual_time = True
    while args and args[0].startswith("--"):
        option = args.pop(0)
        if option == "--commands":
            commands_fd = int(args.pop(0))
        elif option == "--events":
            events_fd = int(args.pop(0))
        elif option == "--real-time":
            virtual_time = False
        elif option == "--":
            break
    is_module = bool(args) and args[0] == "-m"
    if is_module:
        args.pop(0)
    if commands_fd < 0 or events_fd < 0 or not args:
        sys.stderr.write("corodbg.agent: started without its pipes; run corodbg instead\n")
        return 2

    from corodbg.agent.channel import Channel, ChannelFrontend, OutputCapture
    from corodbg.agent.debugger import Debugger
    from corodbg.agent.interrupt import PauseInterrupter
    from corodbg.agent.main import debug_program
    from corodbg.agent.runner import Target

    agent_stderr = os.fdopen(os.dup(2), "w")
    channel = Channel(commands_fd, events_fd)
    OutputCapture(channel).install()
    frontend = ChannelFrontend(channel)
    debugger_box: List[Debugger] = []

    # A pause interrupts any step without a signal the program could see (agent/interrupt.py);
    # SIGINT stays the program's, as under python.
    interrupter = PauseInterrupter(lambda: debugger_box[0] if debugger_box else None, channel.send)
    interrupter.install()
    channel.on_pause_request = interrupter.request
    _report_os_exit(channel)
    if os.environ.pop("CORODBG_STDIN_IS_NULL", None):
        from corodbg.agent.stdin_notice import NOTICE, NoticingStdin

        sys.stdin = NoticingStdin(sys.stdin, lambda: channel.send_output("agent", NOTICE))  # type: ignore[assignment]
    channel.start_reader()
    channel.send({"event": "hello", "python": sys.version.split()[0], "target": " ".join(args)})
    target = Target(args[0], args[1:], is_module=is_module)
    try:
        outcome = debug_program(target, frontend, virtual_time=virtual_time, on_debugger=debugger_box.append)
    except BaseException:
        agent_stderr.write("corodbg: internal error in the agent:\n" + traceback.format_exc())
        agent_stderr.flush()
        return 70
    return outcome.code


def _report_os_exit(channel: "Channel") -> None:
    """``os._exit(n)`` skips every cleanup, ours too: send the output and the exit status first,
    so the UI shows "finished (exit n)", not a crash."""
    real_exit = os._exit

    def exit_reporting(code: int) -> None:
        try:
            if not channel.closed and channel.lock.acquire(timeout=1):  # never hang on the way out
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
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
