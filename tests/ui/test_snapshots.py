"""Snapshot tests of the corodbg UI on small fixed programs (tests/ui/programs/).

Each app runs its program with the repository root as working directory, so
every path on screen is relative; the app's ``settled()`` is awaited after each
key, so a snapshot never catches the screen halfway.
"""

from __future__ import annotations

import sys

import pytest
from textual.widgets import Input
from ui_helpers import make_app, press_and_settle

SIZE = (110, 32)


#: 3.10 has no co_qualname: library frames are named without their class there ("acquire", not
#: "Lock.acquire"), and asyncio.coroutine still exists, so these two screens differ on 3.10.
NEEDS_QUALNAMES = pytest.mark.skipif(sys.version_info < (3, 11), reason="3.10 names frames without "
                                     "their class (no co_qualname); the snapshot was made on 3.11")


def snap(snap_compare, program: str, *keys: str, size=SIZE) -> bool:
    async def run_before(pilot) -> None:
        await press_and_settle(pilot, *keys)
        # A text box's cursor blinks on a timer: shown or not depends on when the screen is taken.
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return snap_compare(make_app(program), terminal_size=size, run_before=run_before)


def test_chain_at_start(snap_compare):
    assert snap(snap_compare, "chain.py")


def test_chain_after_four_steps(snap_compare):
    """Inside phase1: the Coroutines tree shows the chain outer → phase1."""
    assert snap(snap_compare, "chain.py", "s", "s", "s", "s")


@NEEDS_QUALNAMES
def test_generator_mid_chain(snap_compare):
    assert snap(snap_compare, "generator.py", "s", "s", "s", "s")


def test_gather_several_ready(snap_compare):
    assert snap(snap_compare, "gather.py", "space", "space")


def test_gather_pick_out_of_order(snap_compare):
    """Sending the second ready item first: the Log marks the pick."""
    assert snap(snap_compare, "gather.py", "space", "space", "down", "space")


def test_task_asleep_virtual_clock(snap_compare):
    assert snap(snap_compare, "sleeper.py", "space", "space", "space")


def test_finished(snap_compare):
    assert snap(snap_compare, "chain.py", "c")


def test_unhandled_exception_pause(snap_compare):
    """Continue stops where the exception escapes the task."""
    assert snap(snap_compare, "crash.py", "c")


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="python's traceback (in Output) differs per "
                    "version; the snapshot was made on 3.11, which CI runs")
def test_unhandled_exception_finished(snap_compare):
    """Past the exception: the traceback in Output, state finished (exit 1)."""
    assert snap(snap_compare, "crash.py", "c", "c")


def test_syntax_error(snap_compare):
    assert snap(snap_compare, "syntax_error.py")


def test_child_dies(snap_compare):
    assert snap(snap_compare, "dies.py", "c")


def test_help_screen(snap_compare):
    assert snap(snap_compare, "chain.py", "question_mark")


def test_layout_80x24(snap_compare):
    assert snap(snap_compare, "chain.py", "s", "s", size=(80, 24))


#: Focus Source and walk its cursor down to line N of the program.
def to_source_line(line: int):
    return ("tab", "tab", "tab", "home", *["down"] * (line - 1))


def test_breakpoint_pause(snap_compare):
    """A breakpoint set with b at the Source cursor (line 11 of race.py), hit by continue."""
    assert snap(snap_compare, "race.py", *to_source_line(11), "b", "c")


@NEEDS_QUALNAMES
def test_deadlock_pause(snap_compare):
    """Both tasks wait on the lock the other holds: reason deadlock, who waits on what."""
    assert snap(snap_compare, "deadlock.py", "c")


def test_breakpoint_list(snap_compare):
    """Two breakpoints, one with a condition (B), listed with L."""
    assert snap(snap_compare, "race.py", *to_source_line(9), "b", "down", "down", "B", *"value == 1", "enter",
                "L")


def test_evaluate_console(snap_compare):
    """At a breakpoint, e evaluates in the selected frame; an error is shown in red."""
    assert snap(snap_compare, "race.py", *to_source_line(11), "b", "c", "e", *"(name, value)", "enter",
                *"nope", "enter")


def test_frame_tree_expanded(snap_compare):
    """At a breakpoint, a dict local opened in the Frame pane, and a list inside it."""
    # Frame: config, then its points
    assert snap(snap_compare, "nested.py", *to_source_line(22), "b", "c", "shift+tab", "enter", "down", "down", "enter")


def test_cancellation_wake_reason(snap_compare):
    """The ready queue says a CancelledError is thrown into the task (not "sleep(10) done")."""
    assert snap(snap_compare, "cancel_timeout.py", "space", "space", "space", "space")


def test_real_server_without_asyncio_internals(snap_compare):
    """asyncio.start_server and two clients, stopped in the handler: the program's tasks and
    what they wait on (StreamReader.readline(), gather: 0 of 2 done), asyncio's own tasks
    counted but not listed."""
    assert snap(snap_compare, "echo_server.py", *to_source_line(7), "b", "c")


def test_reverse_step_back_to_the_fifth_pause(snap_compare):
    """Six steps, then S: the fifth step's pause again (panes and Output as they were), the Log says so."""
    assert snap(snap_compare, "chain.py", *"ssssss", "S")


def test_timeline_of_the_race(snap_compare):
    """t after nine sends of the two-task race: a lane per task, ran / ready / waiting, the cursor at now."""
    assert snap(snap_compare, "race.py", *["space"] * 9, "t", "left", "left")
