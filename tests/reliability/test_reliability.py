"""Broken and unusual programs, headless: corodbg gives what ``python`` gives, and stays itself.

Each program in ``programs/`` runs under plain ``python`` and under
``corodbg --headless`` from the same directory; stdout bytes, stderr bytes and
the exit status must be equal. The UI side of the same cases is in
``test_reliability_ui.py``; docs/reliability.md lists every case.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest
from support import corodbg_env

PROGRAMS = Path(__file__).resolve().parent / "programs"


def run(argv: List[str], *, stdin: bytes = b"", timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=PROGRAMS, env=corodbg_env(), input=stdin, capture_output=True,
                          timeout=timeout)


def python(name: str, **kwargs) -> subprocess.CompletedProcess:
    return run([sys.executable, name], **kwargs)


def corodbg(name: str, *options: str, **kwargs) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "corodbg", "--headless", *options, name], **kwargs)


@pytest.mark.parametrize("name", [
    "killed_by_signal.py",            # the exit status is -SIGKILL, output so far is kept
    "close_twice.py",                 # asyncio's own RuntimeError, not a debugger crash
    "reentrant_run.py",               # run_until_complete / asyncio.run inside a running loop
    "invalid_utf8_and_ansi.py",       # bytes that are not UTF-8, escapes, a 200,000-character line
    "threads_subprocesses_loops.py",  # to_thread, a subprocess, three loops in a row, a loop in a thread
])
def test_same_as_python(name: str) -> None:
    expected, actual = python(name), corodbg(name)
    assert (actual.stdout, actual.stderr, actual.returncode) == \
        (expected.stdout, expected.stderr, expected.returncode)


def test_a_million_lines_pass_through_in_order_and_complete() -> None:
    started = time.monotonic()
    result = corodbg("million_lines.py")
    elapsed = time.monotonic() - started
    lines = result.stdout.split(b"\n")
    assert result.returncode == 0 and result.stderr == b""
    assert lines[-2:] == [b"last line", b""]
    assert lines[:-2] == [str(number).encode() for number in range(1_000_000)]
    assert elapsed < 60


def test_stdin_passes_through_headless() -> None:
    assert corodbg("stdin_echo.py", stdin=b"hello\n").stdout == b"read: hello\n"
    assert corodbg("stdin_echo.py").stdout == b"read: (nothing: end of file)\n"


def test_misbehaving_reprs_become_placeholders_within_bounds(tmp_path: Path) -> None:
    """A repr that raises, one that takes seconds, one of megabytes: the pause still comes quickly."""
    trace = tmp_path / "trace.jsonl"
    started = time.monotonic()
    result = corodbg("bad_reprs.py", "-c", "break bad_reprs.py:27", "-c", "continue", "-c", "continue",
                     "--trace", str(trace))
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    pause = next(json.loads(line) for line in trace.read_text().splitlines()
             if '"reason":"breakpoint"' in line.replace(" ", ""))
    local_vars = pause["tasks"][0]["frames"][0]["locals"]
    assert local_vars["raises"] == "<repr of Raises failed: ValueError>"
    assert local_vars["slow"] == "<repr of Slow timed out>"
    assert len(local_vars["huge"]) <= 120 and local_vars["huge"].endswith("...")
    assert local_vars["fine"] == "[1, 2, 3]"
    assert elapsed < 10  # one slow repr is cut at its budget (0.2 s), not waited for (5 s)


UI_STAND_IN = """
import asyncio, sys
from corodbg.agent.runner import Target
from corodbg.session import Session

async def main():
    session = Session(Target("grandchild.py"))
    await session.start()
    print("agent", session.process.pid, flush=True)
    await session.wait_for("pause")
    await session.command("continue")
    while True:
        event = await session.next_event()
        if event["event"] == "output" and "grandchild" in event["data"]:
            print(event["data"].strip(), flush=True)
            await asyncio.sleep(3600)

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie is gone for our purpose
    except OSError:
        return False


def test_a_killed_ui_leaves_no_agent_and_no_grandchild() -> None:
    """The agent runs in its own process group and ends it all when its parent's pipe closes."""
    parent = subprocess.Popen([sys.executable, "-c", UI_STAND_IN], cwd=PROGRAMS, env=corodbg_env(),
                              stdout=subprocess.PIPE, text=True)
    try:
        pids = {}
        for _ in range(2):
            name, pid = parent.stdout.readline().split()
            pids[name] = int(pid)
        assert _alive(pids["agent"]) and _alive(pids["grandchild"])
        parent.kill()  # SIGKILL: no cleanup of its own runs
        parent.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (_alive(pids["agent"]) or _alive(pids["grandchild"])):
            time.sleep(0.05)
        assert not _alive(pids["agent"]) and not _alive(pids["grandchild"])
    finally:
        parent.kill()


@pytest.mark.parametrize("name", [
    "exc_str_raises.py",              # an exception whose __str__ raises: python's "<exception str() failed>"
])
def test_same_as_python_while_traced(name: str, tmp_path: Path) -> None:
    """Pauses look at the program's objects (a task's exception, locals); that must change nothing."""
    expected = python(name)
    actual = corodbg(name, "--trace", str(tmp_path / "trace.jsonl"))
    assert (actual.stdout, actual.stderr, actual.returncode) == \
        (expected.stdout, expected.stderr, expected.returncode)


def test_a_len_that_never_returns_does_not_freeze_the_pause(tmp_path: Path) -> None:
    """is_expandable calls __len__: bounded like a repr, so the pause comes and says "not expandable"."""
    trace = tmp_path / "trace.jsonl"
    started = time.monotonic()
    result = corodbg("endless_len.py", "-c", "break endless_len.py:18", "-c", "continue", "--trace", str(trace),
                     timeout=30)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10
    pause = [json.loads(line) for line in trace.read_text().splitlines() if '"breakpoint"' in line][-1]
    frame = pause["tasks"][0]["frames"][0]
    assert frame["locals"]["forever"] == "<__main__.Forever object>"
    assert "forever" not in frame["expandable"]
