"""Shared by the UI tests: an app on a fixed program, and pressing keys until the screen settles."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from corodbg.agent.runner import Target
from corodbg.ui.app import CorodbgApp
from corodbg.ui.widgets.output import OutputPane

#: The repository holding the test programs; programs are given relative to it. (Not corodbg's
#: own folder: the engine under test may be an installation, as a user's is.)
REPO_ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = "tests/ui/programs"

#: Keys that send a command to the program (the app counts those).
COMMAND_KEYS = {"s", "c", "n", "f", "b", "space"}


def make_app(program: str) -> CorodbgApp:
    return CorodbgApp(Target(f"{PROGRAMS}/{program}"), cwd=str(REPO_ROOT))


async def settle(pilot, timeout: float = 15.0) -> None:
    """Wait for the program to pause or end and for the screen to show it."""
    app = pilot.app
    await asyncio.wait_for(app.settled(), timeout)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def press_and_settle(pilot, *keys: str) -> None:
    """Press keys one at a time; after a command key, wait until its answer is on screen."""
    app = pilot.app
    await settle(pilot)
    for key in keys:
        before = app.command_count
        await pilot.press(key)
        if key in COMMAND_KEYS:
            for _ in range(500):
                if app.command_count > before:
                    break
                await pilot.pause(0.01)
        await settle(pilot)


def run_async(test):
    """No async pytest plugin in the dev venv: each test runs its own event loop."""
    @functools.wraps(test)
    def wrapper() -> None:
        asyncio.run(test())
    return wrapper


def output_text(app) -> str:
    return "\n".join(app.query_one(OutputPane).text_lines())
