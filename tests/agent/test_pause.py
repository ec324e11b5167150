"""Pause (``p``) while the program runs: it stops any step, and the program never sees a signal for it.

Driven through the session API, as the UI drives it. No timing is asserted
beyond generous bounds (the machine may be loaded).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from corodbg.agent.runner import Target
from corodbg.session import Session

PROGRAMS = Path(__file__).parent / "sessions"


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))


async def _events_until(session: Session, kinds: tuple) -> List[Dict[str, Any]]:
    events = []
    while True:
        event = await session.next_event()
        events.append(event)
        if event["event"] in kinds:
            return events


@pytest.mark.parametrize("how", ["signal", "loop", "ignore"])
def test_pause_stops_a_spinning_step_without_the_program_seeing_sigint(how: str) -> None:
    """signal.signal(SIGINT), loop.add_signal_handler(SIGINT), SIG_IGN: the pause is not a Ctrl-C."""
    async def scenario() -> List[Dict[str, Any]]:
        session = Session(Target("sigint_owner.py", [how, "spin"]), cwd=str(PROGRAMS))
        await session.start()
        try:
            await session.wait_for("pause")
            await session.command("continue")
            events = await _events_until(session, ("output",))
            await asyncio.sleep(0.3)
            session.pause()
            events += await _events_until(session, ("pause", "terminated"))
            await session.command("continue")
            await asyncio.sleep(0.5)  # a handler run by the pause would print now
            session.pause()
            events += await _events_until(session, ("pause", "terminated"))
            return events
        finally:
            await session.close()

    events = run(scenario())
    output = "".join(e["data"] for e in events if e["event"] == "output")
    assert "SIGINT handler" not in output
    pauses = [e for e in events if e["event"] == "pause"]
    assert [p["reason"] for p in pauses] == ["pause", "pause"]
    assert all(p["location"]["function"] == "main" for p in pauses)


@pytest.mark.parametrize("blocking, call",
                         [("sleep", "time.sleep"), ("recv", "left.recv"), ("queue", "queue.Queue().get")])
def test_pause_in_a_blocking_call_reports_where_the_program_is_blocked(blocking: str, call: str) -> None:
    """The call cannot be stopped; the report comes at once, with the whole stack and the blocking line."""
    async def scenario() -> Dict[str, Any]:
        session = Session(Target("sigint_owner.py", ["ignore", blocking]), cwd=str(PROGRAMS))
        await session.start()
        try:
            await session.wait_for("pause")
            await session.command("continue")
            await _events_until(session, ("output",))
            await asyncio.sleep(0.3)
            session.pause()
            return (await _events_until(session, ("blocked", "pause", "terminated")))[-1]
        finally:
            await session.close()

    report = run(scenario())
    assert report["event"] == "blocked"
    assert report["location"]["function"] == "main"
    assert report["location"]["file"] == "sigint_owner.py"
    if sys.version_info >= (3, 11):  # 3.10 has no column positions: the line is named instead
        assert report["call"] == call
    assert f"blocked in {report['call']}" in report["message"]
    functions = [frame["function"] for frame in report["stack"]]
    assert functions[0] == "<module>" and "main" in functions
    assert not any("corodbg" in f["file"] for f in report["stack"])
    assert next(frame for frame in report["stack"] if frame.get("blocking"))["function"] == "main"
