"""``corodbg --serve``: the UI in a browser, tried once in a real headless Chromium.

The browser test starts ``corodbg --serve`` on a free port, opens the page in
headless Chromium driven over the DevTools protocol (on ``--remote-debugging-pipe``:
the standard library is enough), reads what xterm.js holds on its screen until
the corodbg UI is there, presses ``s`` (Step) and sees the step happen, then
stops the server as Ctrl-C does and checks that no process it started is left.

Chromium comes from Debian (``apt-get install chromium``; .ci/run installs it).
Without it the test fails, except where .ci/run says that there is no browser
to be had (``CORODBG_NO_BROWSER=1``: its Debian sid root).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

import pytest
from support import REPO, corodbg_env

CHAIN = REPO / "tests" / "ui" / "programs" / "chain.py"


def corodbg(*args: str, python: Optional[List[str]] = None) -> subprocess.CompletedProcess:
    return subprocess.run([*(python or [sys.executable, "-m", "corodbg"]), *args], cwd=REPO, env=corodbg_env(),
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=60)


def one_error_line(result: subprocess.CompletedProcess, status: int) -> str:
    stderr = result.stderr.decode()
    assert result.returncode == status, stderr
    assert b"Traceback" not in result.stdout + result.stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("corodbg: "), stderr
    return lines[0]


# --- the command line --------------------------------------------------------------------------


def test_without_the_extra_one_line_names_it() -> None:
    hide_textual_serve = [sys.executable, "-c",
                          "import sys; sys.modules['textual_serve'] = None; from corodbg.cli import main; "
                          "sys.exit(main())"]
    line = one_error_line(corodbg("--serve", str(CHAIN), python=hide_textual_serve), 2)
    assert "pip install 'corodbg[serve]'" in line


@pytest.mark.parametrize("args, mentions", [
    pytest.param(["--port", "8000", str(CHAIN)], "--serve", id="port-without-serve"),
    pytest.param(["--serve", "--port", "http", str(CHAIN)], "'http'", id="port-not-a-number"),
    pytest.param(["--serve", "--port=70000", str(CHAIN)], "70000", id="port-out-of-range"),
    pytest.param(["--serve", "--port"], "--port", id="port-without-value"),
    pytest.param(["--serve", "--headless", str(CHAIN)], "--headless", id="with-headless"),
])
def test_usage_errors(args: List[str], mentions: str) -> None:
    assert mentions in one_error_line(corodbg(*args), 2)


def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = corodbg("--serve", "--port", str(port), str(CHAIN))
    assert f"127.0.0.1:{port}" in one_error_line(result, 1)
    assert result.stdout == b""  # no URL to open when nothing is served


def test_help_says_it_runs_code_and_binds_locally() -> None:
    help_text = corodbg("--help").stdout.decode()
    assert "--serve" in help_text and "--port N" in help_text
    assert "127.0.0.1" in help_text and "run code" in help_text


def test_the_served_command_is_the_ui_with_the_same_options() -> None:
    from corodbg.cli import parse_args
    from corodbg.serve import ui_command

    script = str(CHAIN)
    options = parse_args(["--serve", "--strict", "--port", "9000", "--stdin=in put.txt", "--real-time", "--",
                          script, "an arg", "--port", "$(rm -rf /)"])
    command = ui_command(options)
    assert command == [sys.executable, "-m", "corodbg", "--strict", "--stdin", "in put.txt", "--real-time", "--",
                       script, "an arg", "--port", "$(rm -rf /)"]
    assert shlex.split(shlex.join(command)) == command  # what textual-serve hands to the shell
    served = parse_args(command[3:])
    assert (served.serve, served.strict, served.real_time, served.stdin) == (False, True, True, "in put.txt")
    assert served.target == options.target

    module = parse_args(["--serve", "-m", "pkg.main", "x"])
    assert ui_command(module)[3:] == ["-m", "pkg.main", "x"]


# --- in a real browser ----------------------------------------------------------------------------


@pytest.fixture
def chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if path:
        return path
    if os.environ.get("CORODBG_NO_BROWSER") == "1":
        pytest.skip("no Chromium here, and CORODBG_NO_BROWSER=1 says there is none to be had")
    pytest.fail("this test needs Chromium: apt-get install chromium (.ci/run installs it); "
                "set CORODBG_NO_BROWSER=1 only where no browser can be installed")


class DevTools:
    """Chromium driven over --remote-debugging-pipe: JSON messages ending in NUL, in on fd 3, out on fd 4."""

    def __init__(self, executable: str, profile: str) -> None:
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # bash puts the browser's ends at 3 and 4; from numbers above 9 so that none is 3 or 4 already.
        high_read, high_write = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_browser_read,
                                                                                     from_browser_write))
        os.close(to_browser_read)
        os.close(from_browser_write)
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900", f"--user-data-dir={profile}",
                 "--remote-debugging-pipe", "about:blank"]
        self.process = subprocess.Popen(
            ["bash", "-c", f'exec "$@" 3<&{high_read} 4>&{high_write} {high_read}<&- {high_write}>&-',
             "bash", executable, *flags],
            pass_fds=(high_read, high_write), start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(high_read)
        os.close(high_write)
        self._messages: queue.Queue[Optional[Dict[str, Any]]] = queue.Queue()
        self._next_id = 0
        self.stderr: List[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        pending = b""
        while chunk := os.read(self._from_browser, 65536):
            pending += chunk
            *messages, pending = pending.split(b"\0")
            for message in messages:
                self._messages.put(json.loads(message))
        self._messages.put(None)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def call(self, method: str, session: Optional[str] = None, timeout: float = 30, **params: Any) -> Any:
        self._next_id += 1
        message: Dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise AssertionError(f"Chromium is gone (status {self.process.wait()}); its stderr:\n"
                                 f"{self.stderr_text()}") from None
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = self._messages.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"Chromium did not answer {method} in {timeout} s") from None
            if answer is None:
                raise AssertionError(f"Chromium ended; its stderr:\n{self.stderr_text()}")
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise AssertionError(f"{method}: {answer['error']}")
                return answer["result"]

    def stderr_text(self) -> str:
        return b"".join(self.stderr[-30:]).decode(errors="replace")

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.call("Browser.close", timeout=10)
            self.process.wait(timeout=10)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # its renderers and helpers too
            except ProcessLookupError:
                pass
            self.process.wait()
            os.close(self._to_browser)


#: Run in the page before its own scripts: textual-serve's client does ``this.terminal = new Terminal(...)``;
#: a setter on Object.prototype keeps that xterm.js Terminal, whose buffer is then the text on the screen.
KEEP_THE_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    set(value) {
        Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
        if (value && value.buffer && !window.__xterm) window.__xterm = value;
    },
});
window.__screen = () => {
    const term = window.__xterm;
    if (!term) return null;
    const buffer = term.buffer.active, lines = [];
    for (let y = 0; y < term.rows; y++) {
        const line = buffer.getLine(buffer.viewportY + y);
        lines.push(line ? line.translateToString(true) : "");
    }
    return lines.join("\\n");
};
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, f"corodbg --serve ended with status {server.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"corodbg --serve did not listen on port {port} in {timeout} s")


def descendants(root: int) -> Set[int]:
    """Every process below ``root`` now (children whose parent has died are no longer found)."""
    parents: Dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rpartition(")")[2].split()[1])
    found: Set[int] = set()
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in found]
        found.update(children)
        frontier += children
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def served() -> Iterator[Any]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "corodbg", "--serve", "--port", str(port), str(CHAIN)],
                              cwd=REPO, env=corodbg_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, start_new_session=True)
    seen: Set[int] = set()
    try:
        wait_for_port(port, server)
        yield port, server, seen
    finally:
        seen |= descendants(server.pid)
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        for pid in [server.pid, *seen]:  # whatever the test's outcome, nothing stays behind
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        server.wait()


def screen(tools: DevTools, page: str) -> str:
    value = tools.call("Runtime.evaluate", page, expression="window.__screen && window.__screen()",
                       returnByValue=True)["result"].get("value")
    return value or ""


def wait_for_screen(tools: DevTools, page: str, wanted: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = screen(tools, page)
        if wanted in text:
            return text
        time.sleep(0.2)
    raise AssertionError(f"{wanted!r} did not appear in the browser's terminal in {timeout} s; it shows:\n{text}")


def press(tools: DevTools, page: str, key: str) -> None:
    tools.call("Input.dispatchKeyEvent", page, type="keyDown", key=key, text=key, unmodifiedText=key,
               code=f"Key{key.upper()}", windowsVirtualKeyCode=ord(key.upper()))
    tools.call("Input.dispatchKeyEvent", page, type="keyUp", key=key, code=f"Key{key.upper()}",
               windowsVirtualKeyCode=ord(key.upper()))


def open_tab(tools: DevTools, port: int) -> Tuple[str, str]:
    """A new tab on the served page: its target id and its DevTools session."""
    target = tools.call("Target.createTarget", url="about:blank")["targetId"]
    page = tools.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    tools.call("Page.enable", page)
    tools.call("Page.addScriptToEvaluateOnNewDocument", page, source=KEEP_THE_TERMINAL)
    tools.call("Page.navigate", page, url=f"http://127.0.0.1:{port}/")
    return target, page


def runs_of_chain(server: subprocess.Popen, seen: Set[int]) -> Set[int]:
    """The processes below the server that run chain.py (the UI and the program's agent), added to ``seen``."""
    now = descendants(server.pid)
    seen |= now
    return {pid for pid in now if str(CHAIN) in " ".join(cmdline(pid))}


def test_the_ui_in_headless_chromium(chromium: str, served: Any) -> None:
    port, server, seen = served
    with tempfile.TemporaryDirectory(prefix="corodbg-chromium-") as profile:
        tools = DevTools(chromium, profile)
        try:
            target, page = open_tab(tools, port)
            before = wait_for_screen(tools, page, "paused (start) · step 0")  # the program, paused at its start
            assert "corodbg" in before and "Ready queue" in before and "Task-1 outer(): start" in before
            first_run = runs_of_chain(server, seen)
            assert len(first_run) >= 2, f"no UI and program for the tab: {[cmdline(pid) for pid in seen]}"

            tools.call("Runtime.evaluate", page, expression="document.querySelector('.xterm-helper-textarea').focus()")
            press(tools, page, "s")
            after = wait_for_screen(tools, page, "paused (step) · step 1")
            assert "outer  chain.py:5" in after  # Step: outer()'s first line, before its print
            press(tools, page, "s")
            after = wait_for_screen(tools, page, "outer  chain.py:6")  # the next line ...
            assert "│in outer" in after  # ... once the print has run: the Output pane shows it
            shot = os.environ.get("CORODBG_SERVE_SCREENSHOT")  # a path for a PNG, to look at
            if shot:
                Path(shot).write_bytes(base64.b64decode(tools.call("Page.captureScreenshot", page)["data"]))

            # Closing the tab ends its run (the UI and the program); the server goes on.
            tools.call("Target.closeTarget", targetId=target)
            wait_until_gone(first_run, "after their tab closed")
            assert server.poll() is None

            # A second tab is a new run; Ctrl-C while it is open stops the server, the UI and the program.
            _, page = open_tab(tools, port)
            wait_for_screen(tools, page, "paused (start) · step 0")
            second_run = runs_of_chain(server, seen)
            assert len(second_run) >= 2 and not second_run & first_run
            os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C in its terminal does
            started = time.monotonic()
            out, err = server.communicate(timeout=30)
            took = time.monotonic() - started
        finally:
            tools.close()
    assert server.returncode == 0, err.decode()
    assert took < 10, f"Ctrl-C took {took:.1f} s to stop the server"
    assert f"http://127.0.0.1:{port}" in out.decode() and b"Traceback" not in out + err
    wait_until_gone(seen, "after Ctrl-C")


def wait_until_gone(pids: Iterable[int], when: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while [pid for pid in pids if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    left = {pid: cmdline(pid) for pid in pids if alive(pid)}
    assert not left, f"processes left {when}: {left}"


def cmdline(pid: int) -> List[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []
