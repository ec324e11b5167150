"""Behaviour of the UI driven with Textual's Pilot (no snapshots): output, the end, quitting."""

from __future__ import annotations

import asyncio
import time

from ui_helpers import make_app, output_text, press_and_settle, run_async, settle

from corodbg.ui.screens.console import ConsoleScreen
from corodbg.ui.widgets.ready_queue import ReadyQueuePane
from corodbg.ui.widgets.step_log import StepLogPane

SIZE = (110, 32)


@run_async
async def test_two_steps_print_in_outer():
    app = make_app("chain.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, "s")
        assert "in outer" not in output_text(app)
        await press_and_settle(pilot, "s")
        assert "in outer" in output_text(app)
        await press_and_settle(pilot, "q")


@run_async
async def test_continue_finishes():
    app = make_app("chain.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, "c")
        assert app.state.status_text() == "finished (exit 0)"
        assert "return value:" in output_text(app)
        await press_and_settle(pilot, "c")  # past the end pause: the process exits
        assert app.session.state == "exited"
        assert app.state.status_text() == "finished (exit 0)"


@run_async
async def test_quit_leaves_no_child():
    app = make_app("gather.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        process = app.session.process
        assert process is not None and process.returncode is None
        await pilot.press("q")
        await asyncio.wait_for(process.wait(), 5)
    assert process.returncode is not None
    assert app.return_code == 0


@run_async
async def test_next_pauses_at_the_next_line_and_keys_still_work():
    """`n` at the start runs the head task to its first line and pauses there (reason next)."""
    app = make_app("chain.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, "n")
        assert app.state.reason == "next"
        assert app.state.location["function"] == "outer" and app.state.location["line"] == 5
        await press_and_settle(pilot, "s", "s")  # the session still takes commands
        assert "in outer" in output_text(app)


@run_async
async def test_agent_error_is_notified_and_unblocks_the_session():
    app = make_app("chain.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app._send_command("send 9")  # the agent refuses: there is one ready item
        await settle(pilot)
        assert any("the ready queue has 1 item" in n.message for n in app._notifications)
        assert app.session.state == "paused"
        await press_and_settle(pilot, "s")  # and the next key works
        assert app.state.location["line"] == 5


@run_async
async def test_restart_after_each_end():
    for program, keys, status in [("chain.py", ("c", "c"), "finished (exit 0)"),
                                  ("crash.py", ("c", "c"), "finished (exit 1)"),
                                  ("syntax_error.py", (), "finished (exit 1)"),
                                  ("exit3.py", ("c",), "finished (exit 3)"),
                                  ("os_exit.py", ("c",), "finished (exit 4)"),
                                  ("dies.py", ("c",), "crashed (signal 9)")]:
        app = make_app(program)
        async with app.run_test(size=SIZE) as pilot:
            await press_and_settle(pilot, *keys)
            assert app.state.status_text() == status, program
            old = app.session.process
            await press_and_settle(pilot, "r")
            assert old.returncode is not None
            expected = "finished (exit 1)" if program == "syntax_error.py" else "paused (start)"
            assert app.state.status_text() == expected, program


@run_async
async def test_send_picks_the_item_under_the_cursor():
    app = make_app("gather.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, "space", "space")
        ready = app.query_one(ReadyQueuePane)
        assert ready.row_count == 2
        await press_and_settle(pilot, "down", "space")
        assert app.state.ready[0]["task"] == "Task-3"
        assert "c starts" in output_text(app)


@run_async
async def test_pause_interrupts_continue():
    app = make_app("spin.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        for _ in range(300):
            if "tick" in output_text(app):
                break
            await pilot.pause(0.01)
        assert app.state.status_text() == "running"
        started = time.monotonic()
        await pilot.press("p")
        await settle(pilot)
        assert time.monotonic() - started < 1.0  # inside a step that never returns
        assert app.state.status_text() == "paused (pause)"
        assert app.state.location["file"].endswith("spin.py")  # and it shows where
        process = app.session.process
        await pilot.press("c")  # running again: no pause will come
        await pilot.pause(0.2)
        started = time.monotonic()
        await pilot.press("q")  # quits a running CPU loop within a second too
        await asyncio.wait_for(process.wait(), 1.0)
        assert time.monotonic() - started < 1.0


@run_async
async def test_never_retrieved_and_never_awaited_are_named_in_the_log():
    app = make_app("forgotten.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, "c")
        assert app.state.reason == "exception"  # the task's exception, at its raise site
        await press_and_settle(pilot, "c")
        assert app.state.status_text() == "finished (exit 0)"
        log = app.query_one(StepLogPane).text
        assert "⚠ Task-2 fail(): its exception was never retrieved (traceback in Output)" in log
        assert "⚠ coroutine helper() was never awaited" in log
        assert "Task exception was never retrieved" in output_text(app)


def test_an_answer_arriving_after_the_console_closed_is_dropped():
    """e then q at once: the evaluation's answer can reach a console that is no longer
    composed; it must be dropped, not crash the app (NoMatches on its RichLog)."""
    console = ConsoleScreen("Task-1 · outer (chain.py:4)", [])
    console.show_answer("x", "1", True)  # not mounted: no RichLog to write in


@run_async
async def test_panes_are_marked_stale_while_the_program_runs():
    """While running, the panes still show the last pause: they are dimmed, and the header says so."""
    app = make_app("spin.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panes = app.query_one("#panes")
        assert not panes.has_class("-stale")
        await pilot.press("c")
        for _ in range(200):
            if panes.has_class("-stale"):
                break
            await pilot.pause(0.01)
        assert panes.has_class("-stale")
        assert "the panes show step 0" in str(app.query_one("#status").render())
        await pilot.press("p")
        await settle(pilot)
        assert app.state.status_text() == "paused (pause)"
        assert not panes.has_class("-stale")
        await pilot.press("q")
