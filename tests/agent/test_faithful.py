"""Faithful: the program under corodbg does what it does under ``python``, in the same order.

Each program in ``tests/agent/faithful`` is run with plain python and under
``corodbg --headless`` (with ``--trace``, so that every pause is described as
in the UI), and compared byte for byte, or checked against what python would
do where plain python cannot be run (it would hang, or needs another process).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest
from support import corodbg_env

PROGRAMS = Path(__file__).resolve().parent / "faithful"
TIMEOUT = 60


def _env() -> Dict[str, str]:
    environment = corodbg_env()
    for name in ("PYTHONASYNCIODEBUG", "PYTHONDEVMODE", "PYTHONWARNINGS"):
        environment.pop(name, None)
    return environment


def python(program: str, *args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, program, *args], cwd=PROGRAMS, env=_env(), stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout)


def corodbg(program: str, *args: str, commands: List[str] = (), trace: bool = True,
            options: List[str] = (), timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """Run under ``corodbg --headless``; ``result.events`` holds the trace's events."""
    trace_file = PROGRAMS / f".{Path(program).stem}.{os.getpid()}.jsonl"
    argv = [sys.executable, "-m", "corodbg", "--headless", *options]
    if trace:
        argv += ["--trace", str(trace_file)]
    for command in commands:
        argv += ["-c", command]
    try:
        result = subprocess.run([*argv, program, *args], cwd=PROGRAMS, env=_env(), stdin=subprocess.DEVNULL,
                                capture_output=True, timeout=timeout)
        result.events = ([json.loads(line) for line in trace_file.read_text().splitlines()]  # type: ignore[attr-defined]
                         if trace else [])
    finally:
        trace_file.unlink(missing_ok=True)
    return result


def same(expected: subprocess.CompletedProcess, actual: subprocess.CompletedProcess) -> None:
    assert (actual.stdout.decode(), actual.stderr.decode(), actual.returncode) == \
        (expected.stdout.decode(), expected.stderr.decode(), expected.returncode)


# -- 10: exceptions never retrieved ------------------------------------------------------


def test_an_exception_never_retrieved_is_reported_when_python_reports_it() -> None:
    """Pause descriptions must not keep a finished task (or a frame's locals snapshot) alive."""
    same(python("unretrieved_exception.py"), corodbg("unretrieved_exception.py"))


# -- 3: virtual time and the outside ---------------------------------------------------------


@pytest.mark.parametrize("program", [
    "signal_add_handler.py",   # loop.add_signal_handler, the signal sent by another process
    "signal_wakeup_fd.py",     # signal.signal + call_soon_threadsafe, no timer at all
    "wrap_future_pool.py",     # asyncio.wrap_future of work in a concurrent.futures pool
    "popen_connect_retry.py",  # a server started with Popen, a connect-retry loop
    "child_watcher.py",        # a child watched through SIGCHLD (SafeChildWatcher where it exists)
])
def test_the_clock_waits_for_real_while_the_outside_may_wake_the_loop(program: str) -> None:
    same(python(program), corodbg(program, trace=False))


def test_a_program_that_waits_for_ctrl_c_waits_as_under_python() -> None:
    """A SIGINT handler and nothing else pending: no deadlock report; the user's Ctrl-C stops it."""
    def run(argv: List[str]) -> subprocess.CompletedProcess:
        process = subprocess.Popen([*argv, "sigint_stop.py"], cwd=PROGRAMS, env=_env(), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert process.stdout.readline() == b"ready\n"
            time.sleep(0.5)  # whatever it does next, it must still be waiting after this
            assert process.poll() is None, process.stderr.read()
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=TIMEOUT)
        finally:
            process.kill()
        return subprocess.CompletedProcess(argv, process.returncode, b"ready\n" + out, err)

    same(run([sys.executable]), run([sys.executable, "-m", "corodbg", "--headless"]))


def test_a_deadlock_with_nothing_outside_is_still_reported_and_names_real_time() -> None:
    result = corodbg(str(Path(__file__).resolve().parents[2] / "samples" / "deadlock.py"), trace=False, timeout=30)
    assert result.returncode == 1
    assert b"deadlock" in result.stderr and b"--real-time" in result.stderr


# -- 9: os.fork and ProcessPoolExecutor ------------------------------------------------------------


def _session_run(program: str, commands: List[str]) -> List[Dict[str, Any]]:
    """Run ``program`` in the UI's agent, answering pauses with ``commands`` then continue; every event."""
    import asyncio

    from corodbg.agent.runner import Target
    from corodbg.session import Session

    async def scenario() -> List[Dict[str, Any]]:
        session = Session(Target(program), cwd=str(PROGRAMS))
        await session.start()
        events = []
        left = list(commands)
        try:
            while True:
                event = await session.next_event()
                events.append(event)
                if event["event"] == "pause":
                    await session.command(left.pop(0) if left else "continue")
                if event["event"] == "terminated":
                    return events
        finally:
            await session.close()

    return asyncio.run(asyncio.wait_for(scenario(), TIMEOUT))


def test_a_forked_child_is_detached_and_the_parent_goes_on() -> None:
    events = _session_run("fork_child.py", ["step"] * 6)
    output = "".join(e["data"] for e in events if e["event"] == "output")
    assert output.splitlines() == ["child says hi", "child exited with 5", "parent done"]
    assert [e["code"] for e in events if e["event"] == "exit"] == [0]
    assert events[-1]["event"] == "terminated" and events[-1]["exit_code"] == 0
    pauses = [e for e in events if e["event"] == "pause"]
    assert [p["reason"] for p in pauses].count("end") == 1


def test_stepping_through_a_process_pool_never_pauses_in_a_worker() -> None:
    events = _session_run("process_pool.py", ["step"] * 40)
    output = "".join(e["data"] for e in events if e["event"] == "output")
    assert output == "[0, 1, 4]\n"
    assert [e["code"] for e in events if e["event"] == "exit"] == [0]
    for pause in (e for e in events if e["event"] == "pause"):
        assert (pause.get("location") or {}).get("function") != "square"


def test_a_forked_child_writes_nothing_into_the_trace() -> None:
    result = corodbg("fork_child.py", commands=["step"] * 4)
    same(python("fork_child.py"), result)
    assert [e["code"] for e in result.events if e["event"] == "exit"] == [0]


# -- 6: the end of the program -------------------------------------------------------------------


def test_quit_at_the_end_pause_runs_the_programs_ending(tmp_path: Path) -> None:
    """atexit handlers, as under python; the exit status is the program's."""
    state = tmp_path / "state.txt"
    result = corodbg("saves_at_exit.py", str(state), commands=["continue", "quit"])
    assert result.returncode == 3
    assert state.read_text() == "saved\n"
    assert result.stdout == b"working\n"


# -- 20: daemon threads after the end -----------------------------------------------------------------


def test_daemon_threads_print_nothing_after_the_end() -> None:
    """python stops daemon threads when the program ends; the end pause must not let them print on."""
    import asyncio

    from corodbg.agent.runner import Target
    from corodbg.session import Session

    async def scenario() -> List[Dict[str, Any]]:
        session = Session(Target("daemon_printer.py"), cwd=str(PROGRAMS), real_time=True)
        await session.start()
        try:
            await session.wait_for("pause")
            await session.command("continue")
            while True:
                event = await session.next_event()
                if event["event"] == "pause" and event["reason"] == "end":
                    break
            await asyncio.sleep(1.0)  # a daemon thread printing every 20 ms would show here
            late = []
            while not session.events.empty():
                late.append(session.events.get_nowait())
            return late
        finally:
            await session.close()

    late = asyncio.run(asyncio.wait_for(scenario(), TIMEOUT))
    assert [e for e in late if e["event"] == "output"] == []


# -- 12, 19: loops that are not the step loop ---------------------------------------------------------


@pytest.mark.parametrize("program", ["own_loop_class.py", "own_policy.py", "event_loop_alias.py"])
def test_a_loop_class_or_policy_of_the_programs_own_runs_on_the_step_loop(program: str) -> None:
    result = corodbg(program, commands=["step", "step"])
    expected = python(program)
    assert (result.stdout, result.returncode) == (expected.stdout, expected.returncode)
    pauses = [e for e in result.events if e["event"] == "pause"]
    assert [p["reason"] for p in pauses][:3] == ["start", "step", "step"]
    assert pauses[-1]["reason"] == "end" and pauses[-1]["step"] > 0


def test_uvloop_is_named_at_once_in_the_ui() -> None:
    pytest.importorskip("uvloop")
    events = _session_run("uvloop_program.py", [])
    notices = [e["data"] for e in events if e["event"] == "output" and e["stream"] == "agent"]
    assert any("runs its own event loop (uvloop.Loop)" in text for text in notices), events
    output = "".join(e["data"] for e in events if e["event"] == "output" and e["stream"] == "stdout")
    assert output == "done\n"
    first_notice = next(i for i, e in enumerate(events) if e["event"] == "output" and e["stream"] == "agent")
    first_stdout = next(i for i, e in enumerate(events) if e["event"] == "output" and e["stream"] == "stdout")
    assert first_notice < first_stdout  # said when the loop starts, not at the end
