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

from corodbg import __version__
from corodbg.agent.runner import Target

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Callable, List, Optional, Sequence

USAGE = """\
usage: corodbg [options] SCRIPT [ARGS...]
       corodbg [options] -m MODULE [ARGS...]
       corodbg explore [options] SCRIPT|-m MODULE [ARGS...]   (corodbg explore --help)

A step debugger for Python coroutines: the program starts paused before its
event loop runs anything.

options:
  --headless       no UI: run with the program's own stdin, stdout, stderr and
                   exit status; pauses are answered by -c commands
  -c CMD           a debugger command for the next pause (repeatable, in order;
                   when they run out the program continues to its end):
                   send [N], step, continue, quit
  --trace FILE     write each pause as a JSON line to FILE (docs/trace-format.md)
  --record FILE    write the run's schedule (its choices) to FILE as JSON
  --replay FILE    rerun the program making the choices recorded in FILE (one
                   saved by corodbg explore pauses before its first deviation)
  --timeline FILE  with --headless: write the run as Chrome trace-event JSON
                   (Perfetto); the UI draws it on key t
                   (time travel: -c goto N, -c reverse-step/rs, -c reverse-next/rn,
                   -c reverse-finish/rf, -c reverse-continue/rc)
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


class Options:
    """The command line, parsed (a plain class, not a dataclass: start-up, see docs/performance.md)."""

    def __init__(self, target: Target, headless: bool = False, commands: Optional[List[str]] = None,
                 trace: Optional[str] = None, real_time: bool = False, stdin: Optional[str] = None,
                 strict: bool = False, record: Optional[str] = None, replay: Optional[str] = None,
                 timeline: Optional[str] = None, serve: bool = False, port: int = DEFAULT_PORT,
                 ui_options: Optional[List[str]] = None) -> None:
        self.target = target
        self.headless = headless
        self.commands: List[str] = commands if commands is not None else []
        self.trace = trace
        self.real_time = real_time
        self.stdin = stdin
        self.strict = strict
        self.record = record
        self.replay = replay
        self.timeline = timeline
        self.serve = serve
        self.port = port
        #: The options as given, less --serve and --port: the UI command that --serve runs per browser session.
        self.ui_options: List[str] = ui_options if ui_options is not None else []


def parse_args(argv: Sequence[str]) -> Options:
    """Parse corodbg's options up to the program to debug; the rest is the program's."""
    args = list(argv)
    headless = real_time = strict = serve = options_ended = False
    port: Optional[int] = None
    commands: List[str] = []
    ui_options: List[str] = []
    trace = stdin = None
    travel: dict = {}  # --record, --replay, --timeline

    def options(target: Target) -> Options:
        if port is not None and not serve:
            raise UsageError("option --port is for --serve")
        if serve and headless:
            raise UsageError("--serve opens the UI in a browser; it does not go with --headless")
        return Options(target, headless, commands, trace, real_time, stdin, strict, serve=serve,
                       port=DEFAULT_PORT if port is None else port, ui_options=ui_options, **travel)

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
        elif word in ("--record", "--replay", "--timeline") or word.startswith(("--record=", "--replay=",
                                                                                   "--timeline=")):
            name, _, value = word.partition("=")
            if not value:
                if not args:
                    raise UsageError(f"option {name} needs a value")
                value = args.pop(0)
            travel[name[2:]] = value
            ui_options += [name, value]
            continue
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
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["explore"]:
        from corodbg.explore import main as explore

        return explore(words[1:])
    try:
        options = parse_args(words)
        if options.trace is not None:
            trace_dir = os.path.dirname(os.path.abspath(options.trace))
            if not os.path.isdir(trace_dir):
                raise UsageError(f"cannot write the trace: no such directory {trace_dir}")
    except UsageError as error:
        sys.stderr.write(f"corodbg: {error}\n")
        return 2
    if not options.headless and options.timeline:
        sys.stderr.write("corodbg: --timeline needs --headless (the UI draws the timeline: key t)\n")
        return 2
    if not options.headless and options.replay:
        problem = _take_schedule_for_the_ui(options)
        if problem:
            sys.stderr.write(f"corodbg: {problem}\n")
            return 2
    if options.headless:
        if options.record or options.replay or options.timeline or _travels(options):
            _fix_hash_seed(options)
            return run_recorded(options)
        return run_headless(options)
    if options.serve:
        from corodbg.serve import serve

        return serve(options)
    return run_ui(options)


def run_headless(options: Options, on_debugger: Optional[Callable] = None, append: bool = False) -> int:
    from corodbg.agent.main import run_headless as run

    trace = open(options.trace, "a" if append else "w", encoding="utf-8") if options.trace else None
    identity = None
    if trace is not None:
        from corodbg.agent.channel import fd_identity  # only here: the channel's imports cost start-up time

        identity = fd_identity(trace.fileno())
    try:
        return run(options.target, options.commands, trace, virtual_time=not options.real_time,
                   strict=options.strict, on_debugger=on_debugger)
    finally:
        # Only if the fd is still the trace: the program may have closed it and reused the number.
        if trace is not None and fd_identity(trace.fileno()) == identity:
            try:
                trace.close()
            except OSError:
                pass


def _travels(options: Options) -> bool:
    """Whether any -c command goes back (or to a step): then checkpoints are kept."""
    from corodbg.agent.protocol import TRAVEL_COMMANDS, CommandError, parse_command

    for text in options.commands:
        try:
            if parse_command(text)["cmd"] in TRAVEL_COMMANDS:
                return True
        except CommandError:
            continue
    return False


def _fix_hash_seed(options: Options) -> None:
    """--record, --replay, going back: PYTHONHASHSEED fixed (it orders sets and dicts keyed by objects).

    The seed is read when the interpreter starts: this command line is re-executed with it,
    before anything heavy is imported. Replay takes the recorded seed; record keeps the
    seed that is set, or sets a new one.
    """
    if not (options.replay or options.record or _travels(options)):
        return
    seed = os.environ.get("PYTHONHASHSEED", "")
    if options.replay:
        import json

        try:
            with open(options.replay, encoding="utf-8") as file:
                seed = str(json.load(file).get("hash_seed") or seed)
        except (OSError, ValueError, AttributeError):
            pass  # (checked, and refused in one line, after the re-execution)
    if not seed.isdigit():
        seed = str(int.from_bytes(os.urandom(4), "big"))
    argv = [sys.executable, *getattr(sys, "orig_argv", [sys.executable, *sys.argv])[1:]]
    if os.environ.get("PYTHONHASHSEED") != seed:
        os.environ["PYTHONHASHSEED"] = seed
        sys.stdout.flush()
        os.execv(sys.executable, argv)
    sys.corodbg_argv = argv  # type: ignore[attr-defined]  # a re-run from the start (time travel)


def _take_schedule_for_the_ui(options: Options) -> str:
    """--replay in the UI: why the schedule cannot serve for this program ("" if it can).

    Checked before the UI starts; the UI's agent then starts with the recorded
    PYTHONHASHSEED (the session passes the environment on).
    """
    from corodbg.agent.recording.schedule import ScheduleError, load

    try:
        data = load(options.replay or "", options.target.path_or_module, options.target.is_module)
    except ScheduleError as error:
        return str(error)
    seed = str(data.get("hash_seed") or "")
    if seed.isdigit():
        os.environ["PYTHONHASHSEED"] = seed
    return ""


def run_recorded(options: Options) -> int:
    """--record, --replay, --timeline, going back: seeds fixed, the schedule checked before anything runs."""
    from corodbg.agent.main import recording_hooks
    from corodbg.agent.recording.schedule import ScheduleError, load

    replay = None
    if options.replay:
        try:
            replay = load(options.replay, options.target.path_or_module, options.target.is_module)
        except ScheduleError as error:
            sys.stderr.write(f"corodbg: {error}\n")
            return 2
    travel = _travels(options)
    resume = None
    path = os.environ.pop("CORODBG_RESUME", None)
    if path:
        import json

        try:
            with open(path) as file:
                resume = json.load(file)
            os.unlink(path)
        except (OSError, ValueError):
            resume = None
    hook = recording_hooks(options.target, record=options.record, replay=replay, timeline=options.timeline,
                           travel=travel, resume=resume)
    return run_headless(options, on_debugger=hook, append=resume is not None)


def run_ui(options: Options) -> int:
    try:
        from corodbg.ui.app import run_app
    except ImportError as error:
        sys.stderr.write(f"corodbg: the UI is not available ({error}); use --headless\n")
        return 2
    return run_app(options)
