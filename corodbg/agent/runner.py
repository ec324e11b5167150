"""Running the user's program as ``python SCRIPT`` or ``python -m MODULE`` would.

Sets ``sys.argv`` and ``sys.path[0]`` the way the interpreter does, runs the
code as ``__main__``, and turns however it ended into an exit status: a
traceback printed without corodbg's own frames, ``SystemExit``'s code, or the
message of ``sys.exit("...")``.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import io
import os
import sys
import types

from corodbg.agent.tracing.usercode import OWN_FILES

TYPE_CHECKING = False  # typing is not imported at run time: ~2 ms of start-up (docs/performance.md)
if TYPE_CHECKING:
    from typing import Dict, List, Optional


class Target:
    """What to run: a script path or a module name, with its arguments.

    Plain classes here and in the rest of the start-up path, not dataclasses: each
    ``@dataclass`` costs ~0.35 ms of start-up on 3.14 (docs/performance.md).
    """

    __slots__ = ("args", "is_module", "path_or_module")

    def __init__(self, path_or_module: str, args: Optional[List[str]] = None, is_module: bool = False) -> None:
        self.path_or_module = path_or_module
        self.args: List[str] = list(args) if args is not None else []
        self.is_module = is_module

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Target):
            return NotImplemented
        return (self.path_or_module, self.args, self.is_module) == (other.path_or_module, other.args, other.is_module)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return f"Target({self.path_or_module!r}, {self.args!r}, is_module={self.is_module})"

    @property
    def display(self) -> str:
        return f"-m {self.path_or_module}" if self.is_module else self.path_or_module


class Outcome:
    """How the program ended."""

    __slots__ = ("code", "interrupted")

    def __init__(self, code: int, interrupted: bool = False) -> None:
        self.code = code
        self.interrupted = interrupted


def run_target(target: Target) -> Outcome:
    """Run the program to its end; print what ``python`` would print for how it ended."""
    sys.argv = [target.path_or_module, *target.args]
    path = os.path.abspath(target.path_or_module)
    # python puts the script's real folder first (symlinks resolved: ~/bin/tool -> src/tool/main.py
    # imports from src/tool), while __file__ keeps the path as given.
    sys.path[0] = os.getcwd() if target.is_module else os.path.dirname(os.path.realpath(path))
    try:
        if target.is_module:
            run_module(target.path_or_module)
        else:
            run_script(path)
    except SystemExit as exit_:
        return Outcome(code=exit_status(exit_))
    except KeyboardInterrupt as error:
        print_traceback(error)
        return Outcome(code=130, interrupted=True)
    except BaseException as error:  # the program's own exception: report it as python does
        print_traceback(error)
        return Outcome(code=1)
    return Outcome(code=0)


#: Scripts compiled ahead (``corodbg explore``'s fork server compiles once for all its runs): path -> code.
precompiled: Dict[str, types.CodeType] = {}


def compile_script(path: str) -> types.CodeType:
    with io.open_code(path) as file:
        source = file.read()
    return compile(source, path, "exec", dont_inherit=True)


def run_script(path: str) -> None:
    """Run a file as ``__main__`` the way the interpreter does (runpy would change sys.argv[0])."""
    code = precompiled.get(path) or compile_script(path)
    module = types.ModuleType("__main__")
    module.__dict__.update({
        "__file__": path, "__cached__": None, "__builtins__": builtins, "__spec__": None,
        "__loader__": importlib.machinery.SourceFileLoader("__main__", path),
    })
    sys.modules["__main__"] = module
    exec(code, module.__dict__)


def run_module(name: str) -> None:
    """Run a module as ``python -m NAME`` does: found here, with the working directory first on
    sys.path (not in corodbg's command line, whose sys.path[0] is a venv's bin), and a module
    that cannot be found reported as python reports it (``/path/python: No module named X``,
    exit 1, through SystemExit). runpy runs the code in ``sys.modules['__main__']``: give it a
    fresh module, not the one corodbg itself was started as."""
    import runpy  # only for -m, as python imports it only then

    sys.modules["__main__"] = types.ModuleType("__main__")
    runpy._run_module_as_main(name, alter_argv=True)  # type: ignore[attr-defined]


def exit_status(exit_: SystemExit) -> int:
    """The status ``python`` exits with for this SystemExit, printing its message if any."""
    code = exit_.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(f"{code}\n")
        sys.stderr.flush()
    except Exception:
        pass
    return 1


def print_traceback(error: BaseException) -> None:
    """Print ``error`` through ``sys.excepthook`` with corodbg's and runpy's frames removed."""
    tb = user_traceback(error.__traceback__)
    error.__traceback__ = tb  # the default hook prints the exception's own traceback, not the argument
    # As python's PyErr_Print: the exception stays reachable until the interpreter shuts
    # down, so what it holds (an unawaited coroutine in a frame's locals) is freed then,
    # and its warnings say "sys:1" as python's do, not a line of corodbg's.
    sys.last_type, sys.last_value, sys.last_traceback = type(error), error, tb
    if sys.version_info >= (3, 12):
        sys.last_exc = error
    sys.excepthook(type(error), error, tb)


def user_traceback(tb: Optional[types.TracebackType]) -> Optional[types.TracebackType]:
    """Drop the leading frames that belong to corodbg, not to the program. runpy's stay: python
    shows them too for ``-m`` (``File "<frozen runpy>", line 198, in _run_module_as_main``)."""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(OWN_FILES):
            tb = tb.tb_next
            continue
        break
    return tb


def flush_std_streams() -> None:
    """Flush the program's ``sys.stdout`` and ``sys.stderr`` as they are now (before a fork or an
    ``os._exit``: nothing buffered is lost or written twice); a stream that cannot flush is left."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
