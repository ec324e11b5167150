"""Going back in the UI (S, C, g, the timeline's enter): every pane as it was, Output cut, branches in the Log."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict

from support import corodbg_env
from textual.geometry import Region
from ui_helpers import REPO_ROOT, make_app, output_text, press_and_settle, run_async

from corodbg.agent.runner import Target
from corodbg.ui.app import CorodbgApp
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


@run_async
async def test_a_schedule_saved_by_explore_replays_in_the_ui_and_pauses_before_its_first_deviation():
    program = "tests/agent/programs/explore/check_then_act.py"
    schedule = Path(tempfile.mkdtemp()) / "race.json"
    found = subprocess.run([sys.executable, "-m", "corodbg", "explore", "--seed", "1", "--any-order", "--save",
                            str(schedule), program], cwd=REPO_ROOT, capture_output=True, text=True,
                           env=corodbg_env(), timeout=240)
    assert found.returncode == 1, found.stderr
    app = CorodbgApp(Target(program), cwd=str(REPO_ROOT), replay=str(schedule))
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, "c")
        assert app.state.reason == "deviation"
        assert "first deviation" in app.query_one(StepLogPane).text
        await press_and_settle(pilot, "s")  # the deviation's step, observed (continue would run it unobserved)
        await press_and_settle(pilot, "t")
        assert isinstance(app.screen, TimelineScreen)
        assert "⇄" in [mark for lane in app.screen.model.lanes for mark in lane.marks.values()]
        await press_and_settle(pilot, "escape", "c")  # on along the schedule: the race it found
        await press_and_settle(pilot, "c")
        assert "AssertionError: oversold" in output_text(app)


@run_async
async def test_a_run_recorded_in_the_ui_replays_headless_with_the_same_choices():
    schedule = Path(tempfile.mkdtemp()) / "gather.json"
    app = CorodbgApp(Target("tests/ui/programs/gather.py"), cwd=str(REPO_ROOT), record=str(schedule))
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, "space", "space", "down", "space", "c")  # the second ready item first
        shown = output_text(app)
        await press_and_settle(pilot, "q")
    recorded = json.loads(schedule.read_text())
    assert recorded["picks"], "the out-of-order send is a pick of the schedule"
    replayed = subprocess.run([sys.executable, "-m", "corodbg", "--headless", "--replay", str(schedule),
                               "tests/ui/programs/gather.py"], cwd=REPO_ROOT, capture_output=True, text=True,
                              env=corodbg_env(), timeout=60)
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout.strip() and replayed.stdout.strip() in shown


@run_async
async def test_going_back_where_fork_cannot_serve_reruns_the_program_and_says_so():
    """A live thread: no checkpoint; S re-executes the agent from the start and stops at the previous pause."""
    app = make_app("thread_alive.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, *["space"] * 5)
        assert app.state.step == 5
        await press_and_settle(pilot, "S")
        assert app.state.step == 4 and app.state.reason == "send"
        shown = output_text(app)
        assert shown.startswith("a 0\nb 0\na 1\n") and "b 1" not in shown
        assert "no checkpoint at step 0: threads alive" in shown
        await press_and_settle(pilot, "c")
        assert app.state.status_text() == "finished (exit 0)"
        assert output_text(app).count("b 2") == 1


@run_async
async def test_the_timeline_at_a_pause_inside_a_step_says_which_task_is_running_it():
    app = make_app("chain.py")
    async with app.run_test(size=SIZE) as pilot:
        await press_and_settle(pilot, "s", "s", "t")  # paused inside step 1, in Task-1's coroutine
        assert isinstance(app.screen, TimelineScreen)
        model = app.screen.model
        described = model.describe(model.column_of(model.current))
        assert described == "step 1 · Task-1 is running it (paused inside the step)"
        await press_and_settle(pilot, "escape", "q")


def test_a_mark_in_a_lane_with_no_step_in_view_gets_its_lane() -> None:
    """Under continue no step is observed: a replayed deviation of the callbacks (a read held back,
    made in a transport's callback) still shows, in a lane of its own."""
    from corodbg.ui.screens.timeline import TimelineModel

    data = {"first": 1, "current": 12, "clock": 0.0, "steps": [[1, 1, 0.0, "suspended on sleep"]],
            "ready": [], "marks": [[11, 0, "deviation", "read #0 let through after 0.04 s, not 0.01 s"]],
            "names": {"0": "callbacks", "1": "Task-1"}}
    model = TimelineModel(data)
    marked = {lane.name: lane.marks for lane in model.lanes}
    assert marked.get("callbacks") == {11: "⇄"}, marked
