"""Breakpoints where the code object is recompiled (3.10-3.11) or traced: the same stops on every Python.

Before 3.12 an unhit breakpoint costs nothing because the functions that hold
one are recompiled with a call at its line (corodbg/agent/tracing/linehooks.py); frames
that already run the old code, loop headers and module-level lines stay with
settrace. These cases pin down that both paths stop where settrace did.
"""

from __future__ import annotations

from test_stepping import debug, replies, stops


def breakpoint_stops(events):
    return [(s[0], s[1].rpartition(".")[2]) for s in stops(events) if s[0] == "breakpoint"]


def test_a_breakpoint_in_a_closure_made_after_it_was_set() -> None:
    _, events = debug("hooks.py", "break hooks.py:14", "continue", "continue", "continue")
    assert breakpoint_stops(events) == [("breakpoint", "add:14")] * 2


def test_a_loop_header_stops_on_each_iteration() -> None:
    _, events = debug("hooks.py", "break hooks.py:6", *["continue"] * 6)
    assert len(breakpoint_stops(events)) >= 3
    assert set(breakpoint_stops(events)) == {("breakpoint", "ticker:6")}


def test_a_breakpoint_added_while_its_frame_is_suspended() -> None:
    _, events = debug("hooks.py", "break hooks.py:7", "continue", "break hooks.py:8", "continue", "p i",
                      "clear", "continue")
    assert breakpoint_stops(events) == [("breakpoint", "ticker:7"), ("breakpoint", "ticker:8")]
    assert "0" in replies(events)
    assert stops(events)[-1][0] == "end"


def test_a_module_level_line_after_the_loop() -> None:
    done, events = debug("hooks.py", "break hooks.py:26", "continue", "continue")
    assert breakpoint_stops(events) == [("breakpoint", "<module>:26")]
    assert done.stdout.splitlines() == ["2", "3", "3", "after"]


def test_a_line_reached_by_step_does_not_stop_twice() -> None:
    _, events = debug("hooks.py", "break hooks.py:8", *["step"] * 12, "p i", "continue", "p i", "clear", "continue")
    lines = [s for s in stops(events) if s[1] == "ticker:8"]
    assert [s[0] for s in lines][:2] == ["breakpoint", "breakpoint"]
    assert [r for r in replies(events) if r.isdigit()] == ["0", "1"]


def test_clear_restores_and_unhit_lines_never_stop() -> None:
    done, events = debug("hooks.py", "break hooks.py:14", "continue", "clear hooks.py:14", "continue")
    assert breakpoint_stops(events) == [("breakpoint", "add:14")]
    assert done.stdout.splitlines() == ["2", "3", "3", "after"]
