"""The UI's side of "faithful": what it shows when the program cannot be paused at once, and at the end."""

from __future__ import annotations

import asyncio

from ui_helpers import make_app, output_text, run_async, settle

from corodbg.ui.widgets.step_log import StepLogPane

SIZE = (110, 32)


def log_text(app) -> str:
    return "\n".join(strip.text for strip in app.query_one(StepLogPane).lines)


async def wait_until(pilot, condition, seconds: float = 20.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


@run_async
async def test_pause_in_a_blocking_call_shows_where_it_is_blocked():
    app = make_app("blocked_sleep.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        assert await wait_until(pilot, lambda: "sleeping" in output_text(app)), (output_text(app), app.state.status_text(), log_text(app))
        await pilot.press("p")
        assert await wait_until(pilot, lambda: "blocked in" in log_text(app))
        assert app.state.status_text().startswith("running (blocked in ")
        assert "time.sleep" in app.state.status_text()
        log = log_text(app)
        assert "blocked_sleep.py:8 nap" in log and "▶" in log  # the blocking line, marked, in the stack
        process = app.session.process
        await pilot.press("q")
        await asyncio.wait_for(process.wait(), 10)
