"""``corodbg --serve``: the same UI in a web browser, through textual-serve.

textual-serve (the optional extra ``corodbg[serve]``) runs one command per
browser session and relays its terminal to xterm.js in the page. That command
is the ordinary UI, ``python -m corodbg [the same options] SCRIPT ARGS``, with
this python, so each tab debugs its own run of the program. The server listens
on 127.0.0.1 only: whoever opens the page runs the program, and can evaluate
anything in it.
"""

from __future__ import annotations

import asyncio
import gc
import shlex
import socket
import sys
from typing import TYPE_CHECKING, Any, List, Set

if TYPE_CHECKING:
    from corodbg.cli import Options

HOST = "127.0.0.1"
EXTRA = "corodbg[serve]"


def ui_command(options: Options) -> List[str]:
    """The command textual-serve runs for each browser session: the terminal UI for the same program."""
    target = options.target
    head = [sys.executable, "-m", "corodbg", *options.ui_options]
    if target.is_module:
        return [*head, "-m", target.path_or_module, *target.args]
    return [*head, "--", target.path_or_module, *target.args]


def url(port: int) -> str:
    return f"http://{HOST}:{port}"


def port_problem(port: int) -> str:
    """Why the port can't be listened on ("" if it can): said before any "open this URL"."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does
        try:
            probe.bind((HOST, port))
        except OSError as error:
            return error.strerror or str(error)
    return ""


def serve(options: Options) -> int:
    """Serve the UI until Ctrl-C (or SIGTERM); 2 without the extra, 1 if the port can't be had."""
    try:
        return _serve(options)
    except KeyboardInterrupt:  # Ctrl-C before the server took SIGINT over (while importing): nothing served
        return 130


def _serve(options: Options) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        sys.stderr.write(f"corodbg: --serve needs the {EXTRA} extra: pip install '{EXTRA}'\n")
        return 2

    class CorodbgServer(Server):
        def initialize_logging(self) -> None:  # textual-serve's rich logging: only its warnings and errors
            super().initialize_logging()
            import logging

            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
            logging.getLogger("textual-serve").setLevel(logging.WARNING)

        sessions: Set[asyncio.Task[Any]] = set()

        async def handle_websocket(self, request: Any) -> Any:  # a browser tab's run
            task = asyncio.current_task()
            assert task is not None
            self.sessions.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions.discard(task)

        async def on_shutdown(self, app: Any) -> None:
            # Ctrl-C: end every tab's run now (textual-serve then tells its UI to quit and waits for it;
            # the UI kills its program). Left alone, aiohttp would wait for the tabs to close themselves.
            for task in self.sessions:
                task.cancel()
            await asyncio.gather(*self.sessions, return_exceptions=True)
            await _close_subprocess_transports()

        async def on_startup(self, app: Any) -> None:  # instead of textual-serve's banner
            print(f"corodbg: debugging {options.target.display} at {self.public_url}  (open it in a browser;"
                  " each tab is its own run; Ctrl-C stops)", flush=True)

    problem = port_problem(options.port)
    if problem:
        sys.stderr.write(f"corodbg: cannot serve on {url(options.port)}: {problem}\n")
        return 1
    server = CorodbgServer(shlex.join(ui_command(options)), host=HOST, port=options.port,
                           title=f"corodbg {options.target.display}")
    # Server.serve() asks get_event_loop() for its loop: give it one, so that 3.12+ don't warn and 3.14+ don't fail.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        server.serve()
    except OSError as error:  # the port was taken meanwhile
        sys.stderr.write(f"corodbg: cannot serve on {url(options.port)}: {error.strerror or error}\n")
        return 1
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    print("corodbg: stopped serving", flush=True)
    return 0


async def _close_subprocess_transports() -> None:
    """Close the tabs' finished subprocess transports while the loop still runs.

    textual-serve never closes them (it waits for the process and drops it). One freed later, after
    aiohttp has closed the loop, closes its pipes from ``__del__`` through the closed loop and prints
    "Event loop is closed" at exit: noise from corodbg's own server, on any Python, at random (it
    depends on when the garbage collector gets there). They are found the only way textual-serve
    leaves open, among the live objects; this runs once, at shutdown.
    """
    from asyncio.base_subprocess import BaseSubprocessTransport

    gc.collect()
    for transport in [obj for obj in gc.get_objects() if isinstance(obj, BaseSubprocessTransport)]:
        transport.close()
    await asyncio.sleep(0)  # the pipes' closing callbacks run now, on the open loop
