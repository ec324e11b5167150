"""The UI's side of "faithful": what it shows when the program cannot be paused at once, and at the end."""

from __future__ import annotations

import asyncio

from ui_helpers import make_app, output_text, run_async, settle

from corodbg.ui.widgets.step_log import StepLogPane

SIZE = (110, 32)


def log_text(app) -> str:
    return app.query_one(StepLogPane).text


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
        assert await wait_until(pilot, lambda: "sleeping" in output_text(app)), \
            (output_text(app), app.state.status_text(), log_text(app))
        await pilot.press("p")
        assert await wait_until(pilot, lambda: "blocked in" in log_text(app))
        assert app.state.status_text().startswith("running (blocked in ")
        assert "time.sleep" in app.state.status_text()
        log = log_text(app)
        assert "blocked_sleep.py:8 nap" in log and "▶" in log  # the blocking line, marked, in the stack
        process = app.session.process
        await pilot.press("q")
        await asyncio.wait_for(process.wait(), 10)


async def _at_the_end_pause(pilot) -> None:
    await settle(pilot)
    await pilot.press("c")
    assert await wait_until(pilot, lambda: pilot.app.state.reason == "end")
    await settle(pilot)


def test_quit_and_restart_at_the_end_pause_run_the_programs_atexit_handlers(tmp_path):
    from ui_helpers import PROGRAMS, REPO_ROOT

    from corodbg.agent.runner import Target
    from corodbg.ui.app import CorodbgApp

    state = tmp_path / "state.txt"

    async def scenario():
        app = CorodbgApp(Target(f"{PROGRAMS}/saves_at_exit.py", [str(state)]), cwd=str(REPO_ROOT))
        async with app.run_test(size=SIZE) as pilot:
            await _at_the_end_pause(pilot)
            assert not state.exists()  # python runs atexit after the last line: not yet
            await pilot.press("r")
            await _at_the_end_pause(pilot)
            assert state.read_text() == "saved\n"  # the first run's ending ran before the restart
            process = app.session.process
            await pilot.press("q")
            await asyncio.wait_for(process.wait(), 20)
        assert state.read_text() == "saved\nsaved\n"

    asyncio.run(scenario())
