"""Driving the real app in-process for the UI benchmarks: Textual's Pilot (headless), the real agent in a child.

Two moments are recorded for each key: when the agent's answer (the pause
event) reached the app, and when the compositor handed the first frame painted
after it to the driver. The first is the reference of UI figures: what the
engine and the pipe cost; the second minus the first is the UI's own share.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, List, Optional, Tuple

from textual import events

from corodbg.agent.runner import Target
from corodbg.ui.app import CorodbgApp

SIZE = (120, 40)


class Probe:
    """Paint and pause-arrival times of one app."""

    def __init__(self, app: CorodbgApp) -> None:
        self.app = app
        self.paints: List[float] = []
        self.pauses: List[float] = []
        display, absorb = app._display, app._absorb

        def record_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            self.paints.append(time.perf_counter())

        def record_absorb(batch: Any) -> Any:
            batch = list(batch)
            if any(event.get("event") == "pause" for event in batch):
                self.pauses.append(time.perf_counter())
            return absorb(batch)

        app._display = record_display  # type: ignore[method-assign]
        app._absorb = record_absorb  # type: ignore[method-assign]

    async def painted_after(self, moment: float) -> float:
        """The first paint after ``moment`` (waits for it)."""
        while not self.paints or self.paints[-1] < moment:
            await asyncio.sleep(0.0005)
        return self.paints[-1]


async def open_app(program: str, cwd: Path) -> Tuple[CorodbgApp, Probe, Any, Any, float, float]:
    """Start the app on ``program``; returns (app, probe, pilot, context, first paint, start pause arrival),
    times relative to the start."""
    start = time.perf_counter()
    app = CorodbgApp(Target(program), cwd=str(cwd))
    probe = Probe(app)
    context = app.run_test(size=SIZE)
    pilot = await context.__aenter__()
    await asyncio.wait_for(app.settled(), 300)
    painted = await probe.painted_after(app.last_render_time)
    await pilot.pause()
    arrived = probe.pauses[0] if probe.pauses else painted
    return app, probe, pilot, context, painted - start, arrived - start


async def press(app: CorodbgApp, probe: Probe, pilot: Any, key: str,
                until_over: bool = False) -> Tuple[float, float]:
    """Seconds from the key event to (the first frame painted with the answer, the answer's arrival).

    Pilot.press() waits for idle several times (~100 ms of its own), so the key
    event goes to the driver directly and the paint is observed instead.
    """
    before, pauses = app.command_count, len(probe.pauses)
    start = time.perf_counter()
    character: Optional[str] = key if len(key) == 1 else (" " if key == "space" else None)
    app._driver.send_message(events.Key(key, character))
    while app.command_count == before:
        await asyncio.sleep(0.0005)
    while True:
        await asyncio.wait_for(app.settled(), 600)
        if not until_over or app.state.is_over:
            break
        await asyncio.sleep(0.001)
    painted = await probe.painted_after(app.last_render_time)
    await pilot.pause()
    arrived = probe.pauses[-1] if len(probe.pauses) > pauses else painted
    return painted - start, arrived - start


async def close_app(pilot: Any, context: Any) -> None:
    await pilot.press("q")
    await context.__aexit__(None, None, None)
