"""The fork servers (``corodbg.agent.explore.server``) seen from ``corodbg explore``: start, ask, read answers.

Each server is a python process that imported the program's modules once and
forks a child per run; requests and results are JSON lines over its stdin and
stdout. PYTHONHASHSEED is fixed for every server from the session's seed (it
orders sets and dicts keyed by objects, so a run is only repeatable with it),
and a saved schedule names it, so a replay re-executes itself with it.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from typing import Any, Dict, List, Optional

from corodbg.agent.runner import Target


class ExploreError(Exception):
    """The program cannot be explored; the message is the one line the user sees."""


class Server:
    """One fork server and its line-buffered answers (read from the raw fd, so select tells the truth)."""

    def __init__(self, target: Target, check: Optional[str], hash_seed: int) -> None:
        setup = {"program": target.path_or_module, "args": target.args, "module": target.is_module, "check": check}
        env = dict(os.environ, PYTHONHASHSEED=str(hash_seed))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "corodbg.agent.explore.server", json.dumps(setup)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        assert self.process.stdout is not None and self.process.stdin is not None
        self.fd = self.process.stdout.fileno()
        self.stdin = self.process.stdin
        self.buffer = b""
        self.pending = 0
        hello = self.read_line()
        if hello is None:
            raise ExploreError("the fork server did not start (see the lines above)")
        if "error" in hello:
            raise ExploreError(hello["error"])

    def send(self, request: Dict[str, Any]) -> None:
        self.stdin.write((json.dumps(request) + "\n").encode())
        self.stdin.flush()
        self.pending += 1

    def has_line(self) -> bool:
        return b"\n" in self.buffer

    def read_line(self) -> Optional[Dict[str, Any]]:
        """The next answer, blocking; None if the server is gone."""
        while b"\n" not in self.buffer:
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)

    def receive(self) -> Dict[str, Any]:
        result = self.read_line()
        if result is None:
            raise ExploreError(f"the fork server exited (status {self.process.wait()})")
        self.pending -= 1
        return result

    def run(self, request: Dict[str, Any]) -> Dict[str, Any]:
        """One run, waited for (shrinking goes one run at a time)."""
        self.send(request)
        return self.receive()

    def close(self) -> None:
        try:
            self.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_servers(target: Target, check: Optional[str], hash_seed: int, count: int) -> List[Server]:
    servers: List[Server] = []
    try:
        for _ in range(count):
            servers.append(Server(target, check, hash_seed))
    except BaseException:
        for server in servers:
            server.close()
        raise
    return servers


def wait_for_answers(servers: List[Server], timeout: Optional[float]) -> List[Server]:
    """The servers with an answer to read (one already buffered counts)."""
    buffered = [server for server in servers if server.pending and server.has_line()]
    if buffered:
        return buffered
    waiting = {server.fd: server for server in servers if server.pending}
    if not waiting:
        return []
    ready, _, _ = select.select(list(waiting), [], [], timeout)
    return [waiting[fd] for fd in ready]
