"""Breakpoints, finish and evaluate in the UI, driven with Textual's Pilot.

The program is ``programs/race.py``: two tasks (A in Task-2, B in Task-3) each
read ``counter`` (line 9), yield at ``await asyncio.sleep(0)`` (line 10) and
write it back (line 11).
"""

from __future__ import annotations

from ui_helpers import make_app, output_text, press_and_settle, run_async, settle

from corodbg.ui.screens.breakpoint_dialog import BreakpointDialog
from corodbg.ui.screens.breakpoints import BreakpointsScreen
from corodbg.ui.screens.console import ConsoleScreen
from corodbg.ui.widgets.coroutines import CoroutinesPane
from corodbg.ui.widgets.source import SourcePane
from corodbg.ui.widgets.step_log import StepLogPane

SIZE = (120, 40)
PROGRAM = "race.py"
FILE = "tests/ui/programs/race.py"
READ, AWAIT, WRITE = 9, 10, 11


async def put_cursor_on(pilot, line: int) -> None:
    """Focus Source and walk its cursor to ``line`` with the keys a user would press."""
    await settle(pilot)  # a pause arriving later would move the cursor to its line
    source = pilot.app.query_one(SourcePane)
    source.focus()
    await pilot.press("home", *["down"] * (line - 1))
    assert source.cursor_line == line


def stop(app) -> tuple:
    """Where the program is paused: (reason, line, task)."""
    return app.state.reason, app.state.location["line"], app.state.task


def log_text(app) -> str:
    return app.query_one(StepLogPane).text


def lines_with_breakpoints(app) -> list:
    return sorted(b["line"] for b in app.state.breakpoints)


@run_async
async def test_b_toggles_a_breakpoint_that_continue_stops_at():
    app = make_app(PROGRAM)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor_on(pilot, WRITE)
        await press_and_settle(pilot, "b")
        assert lines_with_breakpoints(app) == [WRITE]
        assert WRITE in app.query_one(SourcePane).breakpoint_lines  # the gutter mark
        await press_and_settle(pilot, "c")
        assert stop(app) == ("breakpoint", WRITE, "Task-2")
        await put_cursor_on(pilot, WRITE)
        await press_and_settle(pilot, "b")  # toggles it off again
        assert app.state.breakpoints == []
        await press_and_settle(pilot, "c")
        assert app.state.status_text() == "finished (exit 0)"
        assert "counter = 3" in output_text(app)


@run_async
async def test_one_shot_breakpoint_then_next_stays_in_the_same_task():
    """The issue's race: tbreak on the await, continue, next -> the same task's next line."""
    app = make_app(PROGRAM)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor_on(pilot, AWAIT)
        await press_and_settle(pilot, "B")
        dialog = app.screen
        assert isinstance(dialog, BreakpointDialog)
        await pilot.press("tab", "tab", "space", "enter")  # condition, task, one-shot: on; set
        await press_and_settle(pilot)
        assert [(b["line"], b["temporary"]) for b in app.state.breakpoints] == [(AWAIT, True)]
        await press_and_settle(pilot, "c")
        assert stop(app) == ("breakpoint", AWAIT, "Task-2")
        assert app.state.breakpoints == []  # one-shot: gone once hit
        await press_and_settle(pilot, "n")
        assert stop(app) == ("next", WRITE, "Task-2")
        assert "B: read 0" not in output_text(app)  # B has read but not written yet: it ran meanwhile
        heads = [line.split(" → ")[0].split(" ran ")[0] for line in log_text(app).splitlines()]
        assert heads[1:] == ["#1 continue", "#2", "#3 next"]  # step 2 ran unwatched (continue), then said so
        assert "#2 ran without stopping (1 step)" in log_text(app)
        assert "#3 next → Task-3 increment()" in log_text(app)  # B ran meanwhile


@run_async
async def test_condition_dialog_stops_only_where_the_condition_holds():
    app = make_app(PROGRAM)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor_on(pilot, WRITE)
        await press_and_settle(pilot, "B")
        await pilot.press(*"value == 1", "enter")
        await press_and_settle(pilot)
        assert [(b["line"], b["condition"]) for b in app.state.breakpoints] == [(WRITE, "value == 1")]
        await press_and_settle(pilot, "c")
        assert stop(app)[:2] == ("breakpoint", WRITE)
        assert app.state.selected_frame()["locals"]["value"] == "1"
        await press_and_settle(pilot, "c")
        assert app.state.selected_frame()["locals"]["value"] == "1"  # the other task's write of 1
        await press_and_settle(pilot, "c")
        assert app.state.status_text() == "finished (exit 0)"


@run_async
async def test_the_list_shows_edits_and_deletes_breakpoints():
    app = make_app(PROGRAM)
    async with app.run_test(size=SIZE) as pilot:
        for line in (READ, WRITE):
            await put_cursor_on(pilot, line)
            await press_and_settle(pilot, "b")
        await press_and_settle(pilot, "L")
        listing = app.screen
        assert isinstance(listing, BreakpointsScreen)
        assert [b["line"] for b in listing.breakpoints] == [READ, WRITE]
        await pilot.press("e")  # edit the first one: a condition
        await press_and_settle(pilot)
        assert isinstance(app.screen, BreakpointDialog)
        await pilot.press(*"counter > 1", "enter")
        await press_and_settle(pilot)
        assert isinstance(app.screen, BreakpointsScreen)
        assert {b["line"]: b["condition"] for b in app.state.breakpoints} == {READ: "counter > 1", WRITE: None}
        await pilot.press("down", "d")  # delete the second one
        await press_and_settle(pilot)
        assert lines_with_breakpoints(app) == [READ]
        assert [b["line"] for b in listing.breakpoints] == [READ]
        await pilot.press("escape")
        await press_and_settle(pilot, "c")
        assert stop(app)[:2] == ("breakpoint", READ)
        assert app.state.selected_frame()["locals"]["_"] == "2"  # the lost updates: counter is 2 only in round 3


@run_async
async def test_restart_keeps_the_breakpoints():
    app = make_app(PROGRAM)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor_on(pilot, WRITE)
        await press_and_settle(pilot, "B")
        await pilot.press(*"value == 2", "enter")
        await press_and_settle(pilot, "c", "r")
        assert app.state.reason == "start"
        assert [(b["line"], b["condition"]) for b in app.state.breakpoints] == [(WRITE, "value == 2")]
        assert not any("breakpoint 1" in n.message for n in app._notifications if "restored" in n.message)
        await press_and_settle(pilot, "c")
        assert stop(app)[:2] == ("breakpoint", WRITE)
        assert app.state.selected_frame()["locals"]["value"] == "2"


@run_async
async def test_evaluate_runs_in_the_selected_frame_and_reports_errors():
    app = make_app(PROGRAM)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor_on(pilot, WRITE)
        await press_and_settle(pilot, "b", "c")
        await press_and_settle(pilot, "e")
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        await pilot.press(*"name * 2", "enter")
        await press_and_settle(pilot)
        await pilot.press(*"!value = 41", "enter")
        await press_and_settle(pilot)
        for _ in range(200):  # the pause comes again, redescribed: the Frame pane shows the change
            if app.state.selected_frame()["locals"]["value"] == "41":
                break
            await pilot.pause(0.01)
        assert app.state.selected_frame()["locals"]["value"] == "41"
        assert app.state.selected.task == "Task-2"
        await pilot.press(*"value + 1", "enter")
        await press_and_settle(pilot)
        await pilot.press(*"missing", "enter")
        await press_and_settle(pilot)
        assert app.console_history == [
            ("name * 2", "'AA'", True), ("!value = 41", "ok", True), ("value + 1", "42", True),
            ("missing", "*** NameError: name 'missing' is not defined", False)]
        assert "» value + 1 → 42" in log_text(app).splitlines()
        await pilot.press("escape")
        app.query_one(CoroutinesPane).focus()  # pick the other task's frame: p runs there
        for _ in range(12):
            if app.state.selected and app.state.selected.task == "Task-3":
                break
            await pilot.press("down")
        await press_and_settle(pilot, "e")
        await pilot.press(*"(name, value)", "enter")
        await press_and_settle(pilot)
        assert app.console_history[-1] == ("(name, value)", "('B', 0)", True)
        await pilot.press("escape")
        await press_and_settle(pilot, "c")  # the changed local is what the program writes
        assert "A: read 41, wrote 42" in output_text(app)


@run_async
async def test_finish_runs_until_the_frame_returns():
    app = make_app("chain.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, "s", "s", "s", "s", "s")
        assert (app.state.location["function"], app.state.location["line"]) == ("phase1", 15)
        await press_and_settle(pilot, "f")
        assert app.state.reason == "finish"
        assert app.state.location["function"] == "outer"
