"""Going back in the UI (S, C, g, the timeline's enter): every pane as it was, Output cut, branches in the Log."""

from __future__ import annotations

from typing import Dict

from textual.geometry import Region
from ui_helpers import make_app, output_text, press_and_settle, run_async

from corodbg.ui.screens.timeline import TimelineScreen
from corodbg.ui.widgets.coroutines import CoroutinesPane
from corodbg.ui.widgets.frame import FramePane
from corodbg.ui.widgets.output import OutputPane
from corodbg.ui.widgets.ready_queue import ReadyQueuePane
from corodbg.ui.widgets.source import SourcePane
from corodbg.ui.widgets.status_line import StatusLine
from corodbg.ui.widgets.step_log import StepLogPane

SIZE = (110, 32)
PANES = (StatusLine, ReadyQueuePane, CoroutinesPane, FramePane, SourcePane, OutputPane)


def screen_of_panes(app) -> Dict[str, str]:
    """What each pane but the Log shows, as plain text."""
    shown = {}
    for kind in PANES:
        widget = app.query_one(kind)
        strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
        shown[kind.__name__] = "\n".join(strip.text for strip in strips)
    return shown


@run_async
async def test_reverse_step_after_six_steps_shows_the_fifth_pause_again():
    five = make_app("chain.py")
    async with five.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, *"sssss")
        expected, expected_output = screen_of_panes(five), output_text(five)
        await press_and_settle(pilot, "q")
    app = make_app("chain.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, *"ssssss")
        assert screen_of_panes(app) != expected  # the sixth step left phase1 for outer
        await press_and_settle(pilot, "S")
        assert screen_of_panes(app) == expected
        assert output_text(app) == expected_output == "in outer\nwaiting for result1\nin phase1"
        assert "↶ reverse-step: back to step 1" in app.query_one(StepLogPane).text
        await press_and_settle(pilot, "c")  # on to the end: the rest printed once
        assert output_text(app).count("in phase1") == 1 and "return value:" in output_text(app)
        await press_and_settle(pilot, "q")


@run_async
async def test_a_send_from_a_past_step_starts_a_branch():
    app = make_app("race.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, *["space"] * 4)
        assert output_text(app) == "A: read 0, wrote 1"
        await press_and_settle(pilot, "S")
        assert app.state.step == 3 and output_text(app) == ""
        await press_and_settle(pilot, "down", "space")  # send 2: Task-3 before Task-2
        log = app.query_one(StepLogPane).text
        assert "⑂ branch 2 of the run starts at step 3: send 2" in log
        assert "#4 send → Task-3" in log
        assert output_text(app) == "B: read 0, wrote 1"
        await press_and_settle(pilot, "c")
        assert output_text(app).splitlines()[:2] == ["B: read 0, wrote 1", "A: read 0, wrote 1"]
        await press_and_settle(pilot, "q")


@run_async
async def test_reverse_continue_and_the_timeline_go_back_and_forth():
    app = make_app("race.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, *["space"] * 8)
        await press_and_settle(pilot, "t")
        assert isinstance(app.screen, TimelineScreen)
        await press_and_settle(pilot, "left", "left", "left", "enter")
        assert app.state.step == 5 and app.state.reason == "goto"
        assert output_text(app) == "A: read 0, wrote 1\nB: read 0, wrote 1"
        await press_and_settle(pilot, "C")  # no breakpoint: back to the start
        assert app.state.step == 0 and app.state.reason == "start" and output_text(app) == ""
        await press_and_settle(pilot, "q")
