"""The session API, driven headlessly: child process, pipe, events in order."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import time
from pathlib import Path
from typing import Any, Dict, List

from corodbg.agent.runner import Target
from corodbg.session import Session

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
PROGRAMS = Path(__file__).parent / "sessions"


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 30))


async def collect(session: Session, commands: List[str]) -> List[Dict[str, Any]]:
    """Answer each pause with the next command (then continue); return every event."""
    events = []
    while True:
        event = await session.next_event()
        events.append(event)
        if event["event"] == "pause":
            await session.command(commands.pop(0) if commands else "continue")
        if event["event"] == "terminated":
            return events


def test_session_opens_paused_at_start_before_anything_ran() -> None:
    async def scenario() -> Dict[str, Any]:
        session = Session(Target("chain.py"), cwd=str(SAMPLES))
        await session.start()
        try:
            pause = await session.wait_for("pause")
            assert session.state == "paused"
            return pause
        finally:
            await session.close()

    pause = run(scenario())
    assert pause["reason"] == "start"
    assert pause["step"] == 0
    assert [item["description"] for item in pause["ready"]] == ["Task-1 outer(): start"]
    assert pause["tasks"][0]["state"] == "ready"


def test_output_arrives_between_the_pauses_it_happened_between() -> None:
    async def scenario() -> List[Dict[str, Any]]:
        session = Session(Target("chain.py"), cwd=str(SAMPLES))
        await session.start()
        try:
            return await collect(session, ["step", "step", "step"])
        finally:
            await session.close()

    events = run(scenario())
    kinds = [(e["event"], e.get("reason") or e.get("data")) for e in events
             if e["event"] == "pause" or (e["event"] == "output" and e["stream"] == "stdout")]
    # start, outer:5, then "in outer" is printed by line 5, then the pause at outer:6
    assert kinds[:4] == [("pause", "start"), ("pause", "step"), ("output", "in outer\n"), ("pause", "step")]
    output = "".join(e["data"] for e in events if e["event"] == "output")
    assert output.endswith("return value: ('result1', 'result2 derived from result1')\n")
    assert events[-1]["event"] == "terminated" and events[-1]["exit_code"] == 0
    assert any(e["event"] == "exit" and e["code"] == 0 for e in events)


def test_stdout_and_stderr_keep_their_order_and_streams() -> None:
    async def scenario() -> List[Dict[str, Any]]:
        session = Session(Target("mixed_output.py"), cwd=str(PROGRAMS))
        await session.start()
        try:
            return await collect(session, [])
        finally:
            await session.close()

    events = run(scenario())
    pieces = [(e["stream"], e["data"]) for e in events if e["event"] == "output"]
    lines = []
    for stream, data in pieces:
        lines += [(stream, line) for line in data.splitlines()]
    assert lines == [("stdout", "out 0"), ("stderr", "err 0"), ("stdout", "out 1"), ("stderr", "err 1"),
                     ("stdout", "out 2"), ("stderr", "err 2")]


def test_pause_interrupts_a_step_that_never_returns_and_close_ends_its_children() -> None:
    async def scenario() -> Dict[str, Any]:
        session = Session(Target("spin.py"), cwd=str(PROGRAMS))
        await session.start()
        await session.wait_for("pause")
        await session.command("continue")
        child_line = await session.wait_for("output")
        await asyncio.sleep(0.2)
        started = time.monotonic()
        session.pause()
        pause = await session.wait_for("pause")
        pause["elapsed"] = time.monotonic() - started
        pause["child"] = int(child_line["data"].split()[1])
        await session.close()
        return pause

    pause = run(scenario())
    assert pause["reason"] == "pause"
    assert pause["elapsed"] < 1.0
    assert pause["location"]["function"] == "spin"
    assert pause["location"]["line"] in (11, 12)  # in the loop: its body, or (3.14+) its header
    assert not _alive(pause["child"])


def _alive(pid: int, within: float = 2.0) -> bool:
    """Whether ``pid`` still runs after ``within`` seconds (a zombie waiting to be reaped is gone)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(")")[-1].split()[0] in ("Z", "X"):
                    return False
        except FileNotFoundError:
            return False
        time.sleep(0.05)
    return True


def test_a_crashing_agent_is_reported_as_terminated() -> None:
    async def scenario() -> List[Dict[str, Any]]:
        session = Session(Target("chain.py"), cwd=str(SAMPLES))
        await session.start()
        await session.wait_for("pause")
        assert session.process is not None
        os.kill(session.process.pid, signal.SIGKILL)
        events = [await session.wait_for("terminated")]
        await session.close()
        return events

    (terminated,) = run(scenario())
    assert terminated["code"] == -signal.SIGKILL


def test_a_refused_command_leaves_the_session_paused() -> None:
    async def scenario() -> Dict[str, Any]:
        session = Session(Target("chain.py"), cwd=str(SAMPLES))
        await session.start()
        try:
            await session.wait_for("pause")
            await session.command("send 5")
            error = await session.wait_for("error")
            assert session.state == "paused"
            await session.command("step")
            pause = await session.wait_for("pause")
            pause["error"] = error
            return pause
        finally:
            await session.close()

    pause = run(scenario())
    assert "the ready queue has 1 item" in pause["error"]["message"]
    assert pause["location"]["line"] == 5


def test_expand_lists_a_locals_children_one_level_at_a_time() -> None:
    """The Frame pane's tree: which locals expand, and their children by path."""
    async def scenario() -> Dict[str, Any]:
        session = Session(Target("nested.py"), cwd=str(ROOT / "tests" / "ui" / "programs"))  # shared with the UI
        await session.start()
        answers: Dict[str, Any] = {}
        try:
            await session.wait_for("pause")
            await session.command("break nested.py:22")
            await session.wait_for("reply")
            await session.command("continue")
            pause = await session.wait_for("pause")
            answers["expandable"] = pause["tasks"][0]["frames"][0]["expandable"]
            for key, path in {"config": ["config"], "points": ["config", 1], "point": ["config", 1, 0],
                              "many": ["many"], "slotted": ["slotted"], "gone": ["config", 9]}.items():
                await session.command({"cmd": "expand", "task": "Task-1", "frame": 0, "path": path})
                answers[key] = await session.wait_for("reply", "error")
            return answers
        finally:
            await session.close()

    answers = run(scenario())
    assert answers["expandable"] == ["config", "many", "slotted"]

    def children(key: str) -> List[Any]:
        return [(c["name"], c["value"], c["expandable"]) for c in json.loads(answers[key]["text"])["children"]]

    assert [name for name, _, _ in children("config")] == ["'name'", "'points'", "'empty'"]
    assert children("config")[1][2] and not children("config")[2][2]  # a list of points; an empty list
    assert [name for name, _, _ in children("points")] == ["[0]", "[1]"]
    assert children("point") == [("x", "1", False), ("y", "2", False)]
    assert json.loads(answers["many"]["text"])["more"] == 300
    assert children("slotted") == [("a", "[1, 2]", True), ("b", "'two'", False)]
    assert answers["gone"]["event"] == "error" and "no child 9" in answers["gone"]["message"]


async def _run_to_the_end(program: str, *args: str, timeout: float = 20) -> List[Dict[str, Any]]:
    session = Session(Target(program, list(args)), cwd=str(PROGRAMS))
    await session.start()
    try:
        return await asyncio.wait_for(collect(session, []), timeout)
    finally:
        await session.close()


def _output(events: List[Dict[str, Any]], stream: str) -> str:
    return "".join(e["data"] for e in events if e["event"] == "output" and e["stream"] == stream)


def test_output_flushed_before_a_sigkill_is_shown() -> None:
    events = run(_run_to_the_end("flush_then_die.py", "kill"))
    assert _output(events, "stdout") == "flushed before dying\n"
    assert events[-1] == {"event": "terminated", "code": -signal.SIGKILL, "exit_code": -signal.SIGKILL}


def test_output_before_a_segfault_and_faulthandlers_traceback_are_shown_in_order() -> None:
    events = run(_run_to_the_end("flush_then_die.py"))
    outputs = [(e["stream"], e["data"]) for e in events if e["event"] == "output"]
    assert outputs[0] == ("stdout", "flushed before dying\n")
    assert "Fatal Python error: Segmentation fault" in _output(events, "stderr")
    assert events[-1]["code"] == -signal.SIGSEGV


def test_the_program_sees_pythons_argv_no_inheritable_channel_and_its_venvs_packages() -> None:
    events = run(_run_to_the_end("identity.py", "an-arg"))
    assert _output(events, "stderr") == ""
    has_rich = importlib.util.find_spec("rich") is not None  # what this interpreter's own site offers
    assert _output(events, "stdout") == f"['identity.py', 'an-arg'] ['identity.py', 'an-arg'] []\n{has_rich} True\n"


def test_a_program_that_closes_the_channel_runs_to_its_end_unobserved() -> None:
    events = run(_run_to_the_end("closes_fds.py"))
    assert "done after closing\n" in _output(events, "stdout")
    assert "closed corodbg's channel" in _output(events, "stderr")
    assert events[-1]["code"] == 0


def test_the_end_is_noticed_while_a_grandchild_holds_the_pipes() -> None:
    started = time.monotonic()
    events = run(_run_to_the_end("leaves_a_daemon.py"))
    assert time.monotonic() - started < 10
    assert _output(events, "stdout") == "parent exits\n"
    assert events[-1]["event"] == "terminated" and events[-1]["exit_code"] == 0


def test_malformed_messages_become_notes_and_change_nothing() -> None:
    async def scenario() -> List[Dict[str, Any]]:
        session = Session(Target("chain.py"))
        session.state = "running"
        session._take_events(b"not json at all\n"
                             b'{"event":"pause","reason":"step","step":"three"}\n'
                             b'{"event":"output","stream":"agent","data":"ok\\n"}\n'
                             b'[1, 2]\n{"event":"pause","reason":"step","step":3,"tasks":[{"id":1}]}\n')
        return [session.events.get_nowait() for _ in range(session.events.qsize())] + [session.state]

    *events, state = run(scenario())
    assert state == "running"  # no malformed pause was taken for one
    notes = [e["data"] for e in events if e["stream"] == "agent"]
    assert len(notes) == 5 and notes[2] == "ok\n"
    assert all("malformed" in note for index, note in enumerate(notes) if index != 2)
