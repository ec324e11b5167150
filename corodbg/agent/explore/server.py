"""The fork server: start python once, import the program's modules once, fork a child per run.

``python -m corodbg.agent.explore.server SETUP`` (SETUP: JSON with the target
and the check) reads one request per line on stdin and answers one result per
line on stdout (the requests and results of ``run.ChildRun``). Each run is a
fork of this process, so it costs the program's own work, not python's
start-up and imports (AFL's fork server). The server itself never runs the
program: only the modules its top level imports, as python would import them
before its first line runs.

A program that leaves a thread alive at import cannot be forked safely (a
fork copies only the calling thread): the server says so in one line and exits.

Standard library only: this module runs inside the debuggee.
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.util
import json
import os
import random
import select
import signal
import sys
import threading
import time
from typing import Any, BinaryIO, Dict, List, Optional

from corodbg.agent import runner
from corodbg.agent.explore.run import OUTPUT_LIMIT, ChildRun, install_run_hooks
from corodbg.agent.explore.warmup import warm_up
from corodbg.agent.loop.install import install_step_loop
from corodbg.agent.loop.step_loop import step_the_programs_own_loop_classes, track_wrapped_futures
from corodbg.agent.runner import Target

#: Real seconds beyond the run's own --timeout (its alarm) before the server kills a child outright.
KILL_GRACE = 3.0


def imported_modules(source_path: str) -> List[str]:
    """The absolute module names a file's top level imports (``import a.b``, ``from a import b``)."""
    try:
        with open(source_path, "rb") as file:
            tree = ast.parse(file.read(), source_path)
    except (OSError, SyntaxError, ValueError):
        return []
    names: List[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def preimport(target: Target) -> None:
    """Import what the program's first lines would import, so each forked run finds them loaded.

    ``-m PACKAGE`` imports the package (runpy would too) and reads its
    ``__main__``; ``-m MODULE`` and a script are only read, never imported
    (their code runs in each run, as ``__main__``). A module that fails to
    import is left to fail in the run, where the user sees it.
    """
    source: Optional[str] = None
    if target.is_module:
        sys.path[0] = os.getcwd()
        try:
            spec = importlib.util.find_spec(target.path_or_module)
            if spec is not None and spec.submodule_search_locations is not None:
                importlib.import_module(target.path_or_module)
                _preimport_plugins(target.path_or_module)
                spec = importlib.util.find_spec(target.path_or_module + ".__main__")
            source = spec.origin if spec is not None else None
        except Exception:
            source = None
    else:
        path = os.path.abspath(target.path_or_module)
        sys.path[0] = os.path.dirname(os.path.realpath(path))
        source = path
        try:
            runner.precompiled[path] = runner.compile_script(path)
        except Exception:
            pass
    random.Random("warm")  # a str seed imports its hash lazily: once here, not in every run
    for name in imported_modules(source) if source else []:
        try:
            importlib.import_module(name)
        except BaseException:
            pass


def _preimport_plugins(package: str) -> None:
    """pytest imports its plugins at each start: import them once here, so that a run costs the test."""
    if package != "pytest":
        return
    try:
        from _pytest.config import default_plugins  # type: ignore[import-not-found, unused-ignore]
    except Exception:
        return
    names = [f"_pytest.{name}" for name in default_plugins]
    try:  # the installed plugins (their entry points), which pytest loads at each start too
        from importlib.metadata import entry_points

        names += [point.module for point in entry_points(group="pytest11")]
    except Exception:
        pass
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # pytest will say what is wrong, in the run
            continue


def serve(setup: Dict[str, Any]) -> int:
    target = Target(setup["program"], list(setup["args"]), bool(setup["module"]))
    check = setup.get("check")
    control = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # a stray print of the server's goes to stderr, never into the results
    install_step_loop(virtual_time=True, strict=bool(setup.get("strict")))
    track_wrapped_futures()
    step_the_programs_own_loop_classes()
    install_run_hooks()
    warm_up()  # before the program's modules: asyncio as python left it, whatever they patch
    preimport(target)
    threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if threads:
        control.write(json.dumps({"error": f"cannot explore: importing the program starts threads "
                                           f"({', '.join(threads)}); a forked run would not have them"}) + "\n")
        return 2
    gc.collect()
    if hasattr(gc, "freeze"):
        gc.freeze()  # the children share these pages instead of copying them when the collector walks them
    runs = Runs(target, check, control.fileno())
    control.write(json.dumps({"ready": os.getpid()}) + "\n")
    for line in sys.stdin:
        if line.strip():
            control.write(json.dumps(runs.run_one(json.loads(line))) + "\n")
    runs.reap()
    return 0


class Runs:
    """The server's runs, one forked child each, answered as soon as the child has said how it ended.

    A child's exit (the kernel unmapping what it copied) takes as long as a
    third of a run: the answer does not wait for it. The child is reaped when
    the next one has been forked, and its output file is one of two used in
    turn, so that whatever it might still write cannot land in the next run's
    output.
    """

    def __init__(self, target: Target, check: Optional[str], control_fd: int) -> None:
        self.target = target
        self.check = check
        self.control_fd = control_fd  # the server's answers: not the program's to hold
        self.output_files = [_anonymous_file(), _anonymous_file()]
        self.turn = 0
        self.exiting: Optional[int] = None  # the last child: it has answered, it may not have exited yet

    def reap(self) -> None:
        if self.exiting is not None:
            os.waitpid(self.exiting, 0)
            self.exiting = None

    def run_one(self, request: Dict[str, Any]) -> Dict[str, Any]:
        """Fork a child for one run, collect its answer (or how it died), attach its output if it failed."""
        self.turn ^= 1
        output_fd = self.output_files[self.turn].fileno()
        os.ftruncate(output_fd, 0)
        os.lseek(output_fd, 0, os.SEEK_SET)
        readable, writable = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                for fd in (readable, self.control_fd, self.output_files[self.turn ^ 1].fileno()):
                    os.close(fd)
                ChildRun(self.target, request, self.check, writable).start(output_fd)
            finally:
                os._exit(70)
        os.close(writable)
        self.reap()  # the previous child, while this one starts
        timeout = float(request.get("timeout", 0) or 0)
        deadline = time.monotonic() + timeout + KILL_GRACE if timeout > 0 else None
        chunks: List[bytes] = []
        killed = False
        while not (chunks and chunks[-1].endswith(b"\n")):  # the child's one line, then it only exits
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([readable], [], [], wait)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            chunk = os.read(readable, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(readable)
        try:
            result = json.loads(b"".join(chunks))
            self.exiting = pid
        except ValueError:
            _, status = os.waitpid(pid, 0)
            why = (f"still running {timeout + KILL_GRACE:g} s after it started (--timeout), killed" if killed
                   else f"the run died ({_status_text(status)}) before it could say how it ended")
            result = {"run": request["run"], "failure": {"kind": "hang" if killed else "crash", "text": why},
                      "steps": None, "deviations": None, "signature": None, "outside": 0}
        if result.get("failure") is not None:
            size = os.fstat(output_fd).st_size
            start = max(0, size - OUTPUT_LIMIT)
            result["output"] = os.pread(output_fd, size - start, start).decode("utf-8", "replace")
        return result


def _anonymous_file() -> BinaryIO:
    """A file in memory where memfd exists (tempfile would load shutil, bz2 and lzma into every run)."""
    if hasattr(os, "memfd_create"):
        return os.fdopen(os.memfd_create("corodbg-run-output"), "w+b")
    import tempfile

    return tempfile.TemporaryFile()


def _status_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def main() -> int:
    return serve(json.loads(sys.argv[1]))


if __name__ == "__main__":
    raise SystemExit(main())
