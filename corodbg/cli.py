"""The ``corodbg`` command line.

    corodbg [options] SCRIPT [ARGS...]
    corodbg [options] -m MODULE [ARGS...]

Options end at the script (or at ``-m MODULE``): everything after belongs to
the program, as with ``python``. Bad input gets one line on stderr and exit
status 2, never a traceback. The UI (Textual) is imported only when it is used,
so ``--headless`` starts as fast as the standard library allows.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

from corodbg import __version__
from corodbg.agent.channel import fd_identity
from corodbg.agent.runner import Target

USAGE = """\
usage: corodbg [options] SCRIPT [ARGS...]
       corodbg [options] -m MODULE [ARGS...]

A step debugger for Python coroutines: the program starts paused before its
event loop runs anything.

options:
  --headless       no UI: run with the program's own stdin, stdout, stderr and
                   exit status; pauses are answered by -c commands
  -c CMD           a debugger command for the next pause (repeatable, in order;
                   when they run out the program continues to its end):
                   send [N], step, continue, quit
  --trace FILE     write each pause as a JSON line to FILE (docs/trace-format.md)
  --real-time      use the monotonic clock instead of the virtual one
  --strict         no compatibility shims: asyncio.coroutine (removed in 3.11)
                   and get_event_loop() creating a loop (removed in 3.14)
                   behave as in this python (docs/engine.md)
  --stdin FILE     the program's stdin in the UI (default: the null device)
  --serve          open the UI in a web browser instead of this terminal: print
                   a URL on 127.0.0.1 (this machine only; the page runs the
                   program, so anyone who can open it can run code as you);
                   each browser tab is its own session; Ctrl-C stops serving.
                   Needs the extra: pip install 'corodbg[serve]'
  --port N         the port for --serve (default 8000)
  --version        print the version and exit
  -h, --help       show this help and exit
"""


DEFAULT_PORT = 8000


class UsageError(Exception):
    """A bad command line; the message is the one line the user sees."""


@dataclass
class Options:
    target: Target
    headless: bool = False
    commands: List[str] = field(default_factory=list)
    trace: Optional[str] = None
    real_time: bool = False
    stdin: Optional[str] = None
    strict: bool = False
    serve: bool = False
    port: int = DEFAULT_PORT
    # The options as given, less --serve and --port: the UI command that --serve runs per browser session.
    ui_options: List[str] = field(default_factory=list)


def parse_args(argv: Sequence[str]) -> Options:
    """Parse corodbg's options up to the program to debug; the rest is the program's."""
    args = list(argv)
    headless = real_time = strict = serve = options_ended = False
    port: Optional[int] = None
    commands: List[str] = []
    ui_options: List[str] = []
    trace = stdin = None

    def options(target: Target) -> Options:
        if port is not None and not serve:
            raise UsageError("option --port is for --serve")
        if serve and headless:
            raise UsageError("--serve opens the UI in a browser; it does not go with --headless")
        return Options(target, headless, commands, trace, real_time, stdin, strict, serve,
                       DEFAULT_PORT if port is None else port, ui_options)

    while args:
        word = args.pop(0)
        if options_ended or word == "-" or not word.startswith("-"):
            check_script(word)
            return options(Target(word, args))
        if word in ("-h", "--help"):
            sys.stdout.write(USAGE)
            raise SystemExit(0)
        if word == "--version":
            print(f"corodbg {__version__}")
            raise SystemExit(0)
        if word == "--":
            options_ended = True  # the serve command puts its own before the script
            continue
        if word == "--headless":
            headless = True
        elif word == "--real-time":
            real_time = True
        elif word == "--strict":
            strict = True
        elif word == "--serve":
            serve = True
            continue
        elif word in ("-c", "--trace", "--stdin", "--port") or word.startswith(("--trace=", "--stdin=", "--port=")):
            name, _, value = word.partition("=")
            if not value:
                if not args:
                    raise UsageError(f"option {name} needs a value")
                value = args.pop(0)
            if name == "-c":
                commands.append(value)
            elif name == "--trace":
                trace = value
            elif name == "--port":
                port = parse_port(value)
                continue
            else:
                stdin = value
            ui_options += [name, value]
            continue
        elif word.startswith("-m"):
            module = word[2:] or (args.pop(0) if args else "")
            if not module:
                raise UsageError("option -m needs a module name")
            return options(Target(module, args, is_module=True))
        else:
            raise UsageError(f"unknown option {word} (see corodbg --help)")
        ui_options.append(word)
    raise UsageError("no script given (see corodbg --help)")


def parse_port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise UsageError(f"option --port needs a port number from 1 to 65535, not {value!r}")
    return port


def check_script(path: str) -> None:
    if path == "-":
        raise UsageError("reading the program from stdin is not supported; give a script path")
    if not os.path.exists(path):
        raise UsageError(f"no such file: {path}")
    if os.path.isdir(path):
        raise UsageError(f"{path} is a directory, not a Python script")
    try:
        with open(path, "rb") as file:
            head = file.read(65536)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    if b"\0" in head:
        raise UsageError(f"{path} is not a Python script (it holds binary data)")


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        options = parse_args(sys.argv[1:] if argv is None else argv)
        if options.trace is not None:
            trace_dir = os.path.dirname(os.path.abspath(options.trace))
            if not os.path.isdir(trace_dir):
                raise UsageError(f"cannot write the trace: no such directory {trace_dir}")
    except UsageError as error:
        sys.stderr.write(f"corodbg: {error}\n")
        return 2
    if options.headless:
        return run_headless(options)
    if options.serve:
        from corodbg.serve import serve

        return serve(options)
    return run_ui(options)


def run_headless(options: Options) -> int:
    from corodbg.agent.main import run_headless as run

    trace = open(options.trace, "w", encoding="utf-8") if options.trace else None
    identity = fd_identity(trace.fileno()) if trace is not None else None
    try:
        return run(options.target, options.commands, trace, virtual_time=not options.real_time,
                   strict=options.strict)
    finally:
        # Only if the fd is still the trace: the program may have closed it and reused the number.
        if trace is not None and fd_identity(trace.fileno()) == identity:
            try:
                trace.close()
            except OSError:
                pass


def run_ui(options: Options) -> int:
    try:
        from corodbg.ui.app import run_app
    except ImportError as error:
        sys.stderr.write(f"corodbg: the UI is not available ({error}); use --headless\n")
        return 2
    return run_app(options)
