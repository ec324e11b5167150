"""next, finish, breakpoints, exceptions, deadlocks and evaluation, through -c and --trace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

from support import corodbg_env

PROGRAMS = Path(__file__).parent / "debugging"


def debug(program: str, *commands: str, env: Dict[str, str] | None = None,
          timeout: float = 30) -> Tuple[subprocess.CompletedProcess, List[Dict[str, Any]]]:
    trace = PROGRAMS / f".{program}.{os.getpid()}.jsonl"
    argv = [sys.executable, "-m", "corodbg", "--headless", "--trace", str(trace)]
    for command in commands:
        argv += ["-c", command]
    full_env = corodbg_env(**(env or {}))
    try:
        done = subprocess.run([*argv, program], cwd=PROGRAMS, capture_output=True, text=True,
                              timeout=timeout, env=full_env)
        events = [json.loads(line) for line in trace.read_text().splitlines()]
    finally:
        trace.unlink(missing_ok=True)
    return done, events


def stops(events: List[Dict[str, Any]]) -> List[Tuple[str, str, Any]]:
    """(reason, function:line, task) of each pause."""
    result = []
    for event in events:
        if event["event"] == "pause":
            where = event["location"]
            result.append((event["reason"], f"{where['function']}:{where['line']}" if where else None, event["task"]))
    return result


def replies(events: List[Dict[str, Any]]) -> List[str]:
    return [e["text"] for e in events if e["event"] == "reply"]


def test_next_over_a_suspending_await_stops_in_the_same_task_after_the_other_ran() -> None:
    done, events = debug("race.py", "tbreak race.py:9", "continue", "next", "p value, counter")
    assert stops(events)[1:3] == [("breakpoint", "worker:9", "Task-2"), ("next", "worker:10", "Task-2")]
    # Task-3 read the counter while Task-2 was suspended: the lost update is visible.
    assert replies(events)[-1] == "(0, 0)"
    assert done.returncode == 0


def test_next_with_a_plain_breakpoint_stops_where_the_other_task_hits_it() -> None:
    _, events = debug("race.py", "break race.py:9", "continue", "next")
    assert stops(events)[1:3] == [("breakpoint", "worker:9", "Task-2"), ("breakpoint", "worker:9", "Task-3")]


def test_next_steps_over_a_line_and_out_of_a_returning_frame_into_its_caller() -> None:
    _, events = debug("nested.py", "break nested.py:5", "continue", "next", "next", "next", "next", "next")
    assert [s[1] for s in stops(events)[1:7]] == ["inner:5", "inner:6", "inner:7", "inner:8", "outer:13", "outer:14"]


def test_finish_runs_until_the_frame_returns() -> None:
    _, events = debug("nested.py", "break nested.py:5", "continue", "finish")
    assert stops(events)[2][:2] == ("finish", "outer:13")


def test_conditional_breakpoint_stops_only_where_its_condition_holds() -> None:
    _, events = debug("builtin_breakpoint.py", "break builtin_breakpoint.py:8 if i == 1", "continue",
                      "p i", "continue", "continue", "continue", env={"PYTHONBREAKPOINT": "0"})
    assert [s[:2] for s in stops(events)] == [("start", "count:4"), ("breakpoint", "count:8"), ("end", None)]
    assert replies(events)[-1] == "1"


def test_builtin_breakpoint_stops_at_its_line_unless_turned_off() -> None:
    _, events = debug("builtin_breakpoint.py", "continue")
    assert [s[:2] for s in stops(events)][1:4] == [("breakpoint", "count:7")] * 3
    _, events = debug("builtin_breakpoint.py", "continue", env={"PYTHONBREAKPOINT": "0"})
    assert [s[0] for s in stops(events)] == ["start", "end"]


def test_breakpoint_for_one_task_ignores_the_others() -> None:
    _, events = debug("race.py", "break race.py:10 task Task-3", "continue", "continue")
    assert [s for s in stops(events) if s[0] == "breakpoint"] == [("breakpoint", "worker:10", "Task-3")]


def test_clear_removes_breakpoints() -> None:
    _, events = debug("race.py", "break race.py:9", "clear race.py:9", "continue")
    assert [s[0] for s in stops(events)] == ["start", "end"]


def test_a_task_exception_pauses_at_its_raise_site_and_the_exit_code_is_pythons() -> None:
    done, events = debug("task_error.py", "continue")
    pause = next(e for e in events if e["event"] == "pause" and e["reason"] == "exception")
    assert pause["location"]["function"] == "fail" and pause["location"]["line"] == 7
    assert "ValueError: bad value 42" in pause["exception"]["traceback"]
    assert pause["exception"]["frame"]["locals"]["bad"] == "42"
    assert "Task exception was never retrieved" in done.stderr
    plain = subprocess.run([sys.executable, "task_error.py"], cwd=PROGRAMS, capture_output=True)
    assert done.returncode == plain.returncode == 0


def test_unhandled_exception_in_main_stops_at_raise_and_exits_1() -> None:
    done, events = debug("nested.py", "continue")
    assert ("exception", "main:20", "Task-1") in stops(events)
    assert done.returncode == 1
    assert done.stderr.rstrip().endswith("RuntimeError: boom")


def test_deadlock_is_reported_within_a_second_not_hung() -> None:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "corodbg", "--headless", "deadlock_lock_event.py"],
                          cwd=PROGRAMS, capture_output=True, text=True, timeout=20,
                          env=corodbg_env())
    assert time.monotonic() - started < 5
    assert done.returncode != 0
    assert "deadlock" in done.stderr and "Event.wait()" in done.stderr
    assert "Lock lock (held by Task-2 main.<locals>.a())" in done.stderr  # the lock by name, and its holder


def test_a_lock_waiter_woken_up_names_the_lock_and_the_task_that_released_it() -> None:
    _, events = debug("lock_handoff.py", *["send"] * 5)
    wakes = [item["description"] for e in events if e["event"] == "pause" for item in e["ready"]
             if item["task"] == "Task-3" and "released" in item["description"]]
    assert wakes == ["wake Task-3 b(): Lock lock released by Task-2 a()"]


def test_gathers_callbacks_count_the_children_as_gather_will_when_they_run() -> None:
    _, events = debug("lock_handoff.py", *["send"] * 6)
    descriptions = {item["description"] for e in events if e["event"] == "pause" for item in e["ready"]}
    # Both children done before either callback ran: the second to run is the one that completes gather.
    assert {"gather in Task-1 main(): Task-2 a() finished (1 of 2 done)",
            "gather in Task-1 main(): Task-3 b() finished (2 of 2 done)"} <= descriptions


def test_a_lock_released_while_several_steps_ran_is_not_pinned_on_one_of_them() -> None:
    _, events = debug("lock_handoff.py", "break lock_handoff.py:7", "continue", "continue")
    pause = next(e for e in events if e["event"] == "pause" and e["reason"] == "breakpoint")
    assert [item["description"] for item in pause["ready"] if item["task"] == "Task-3"] == \
        ["wake Task-3 b(): Lock lock released"]  # by Task-2, surely, but other steps ran unobserved too


def test_evaluate_and_execute_report_errors_without_crashing() -> None:
    done, events = debug("race.py", "break race.py:10", "continue", "p value + 1", "p nope", "!value = 41",
                         "p value", "p 1/0", "clear", "continue")
    texts = replies(events)
    assert texts[1] == "1"
    assert texts[2].startswith("*** NameError")
    assert texts[4] == "41"  # the statement changed the frame's variable, and it stays changed
    assert texts[5].startswith("*** ZeroDivisionError")
    assert "a wrote 42" in done.stdout
    assert done.returncode == 0


def test_finished_tasks_stay_listed_with_their_results_after_they_are_collected() -> None:
    done, events = debug("collected_tasks.py", "continue")
    end = next(e for e in events if e["event"] == "pause" and e["reason"] == "end")
    children = [(t["name"], t["state"], t["result"]) for t in end["tasks"] if t["coroutine"] == "child()"]
    assert children == [("Task-2", "done", "0"), ("Task-3", "done", "10"), ("Task-4", "done", "20")]
    assert done.stdout == "30\n"


def test_every_way_a_task_ends_is_kept_and_a_raise_made_without_create_task_pauses_at_once() -> None:
    """Under continue, task ends come as sys.monitoring hints on 3.12+ (agent/tracing/taskends.py).

    Returns of a coroutine also awaited directly, an exception caught inside the task, a
    generator-based coroutine, a cancel before the first step, and a task made with
    ``asyncio.Task(...)`` (no ``create_task``) that raises: each must be kept (or pause) as
    the per-handle check of 3.10/3.11 does, at the same step.
    """
    done, events = debug("task_ends.py", "continue")
    assert done.stdout == "2450 [42, 'caught', 'generator-based', 'cancelled']\n"
    pauses = [e for e in events if e["event"] == "pause"]
    assert [(p["reason"], p["step"]) for p in pauses] == [("start", 0), ("exception", 61), ("end", 70)]
    assert stops(events)[1] == ("exception", "direct_fail:31", "direct")
    ended = [(t["name"], t["state"], t["result"]) for t in pauses[1]["tasks"]]
    assert ended == [("Task-1", "waiting", None), ("cancelled", "cancelled", None), ("double", "done", "42"),
                     ("catches", "done", "'caught'"), ("old_style", "done", "'generator-based'"),
                     ("direct", "failed", None)]


def test_the_step_loop_adds_two_attributes_only_to_asyncios_loop() -> None:
    """Past ~30 instance attributes CPython gives up its compact layout, and asyncio's own
    ``self._ready`` lookups in ``call_soon`` slow every task switch (8-12 %): the step loop keeps
    its state in one object (``_s``) plus the per-handle flag (agent/loop/step_loop.py, _LoopState)."""
    done, _ = debug("loop_layout.py", "continue")
    assert done.stdout == "['_attention', '_s'] 2\n"


def test_a_breakpoint_on_a_line_without_code_moves_to_the_next_line_with_code() -> None:
    _done, events = debug("race.py", "break race.py:7", "continue")
    assert replies(events)[0].endswith("race.py:8")  # line 7 is `global counter`: no instruction
    pause = [e for e in events if e["event"] == "pause"][1]
    assert (pause["reason"], pause["location"]["line"]) == ("breakpoint", 8)


def test_next_over_a_wait_for_that_times_out_lands_on_the_except_line() -> None:
    """3.13+ repeats the line where an exception is thrown into a suspended frame: one stop, not two."""
    done, events = debug("wait_for_timeout.py", "tbreak wait_for_timeout.py:10", "continue", "next", "next")
    assert stops(events)[1:4] == [("breakpoint", "main:10", "Task-1"), ("next", "main:11", "Task-1"),
                                  ("next", "main:12", "Task-1")]
    assert done.stdout == "timed out\nafter\n"


def test_break_on_a_function_name_with_a_condition_kept_as_written() -> None:
    """pdb's ``b name``: the function's first body line; the condition keeps its quotes."""
    done, events = debug("race.py", "break worker if name == 'b'", "continue", "p name")
    assert replies(events)[0] == "breakpoint 1: break race.py:8 if name == 'b'"
    assert stops(events)[1] == ("breakpoint", "worker:8", "Task-3")
    assert replies(events)[1] == "'b'"
    assert done.returncode == 0


def test_a_condition_keeps_its_spaces_and_a_missing_function_is_named() -> None:
    _, events = debug("race.py", "break race.py:8 if name == 'b  c'", "break no_such_function")
    texts = [e.get("text") or e.get("message") for e in events if e["event"] in ("reply", "error")]
    assert "breakpoint 1: break race.py:8 if name == 'b  c'" in texts
    assert any("no function named 'no_such_function'" in (text or "") for text in texts)


def test_commands_left_at_a_deadlock_are_not_waited_on_for_ever() -> None:
    """A resuming command at a deadlock cannot make progress: the deadlock is reported (exit 1)
    as without commands; answering commands are still taken first."""
    done, events = debug("deadlock_lock_event.py", "continue", "breakpoints", "step", "step", timeout=20)
    assert done.returncode == 1
    assert "deadlock" in done.stderr
    assert len(replies(events)) == 1  # "breakpoints" answered; the steps never ran


def test_a_pause_describes_the_loop_of_its_own_thread() -> None:
    """After a loop ran in a thread (asyncio.run in threading.Thread), the main loop's pauses
    still name its task and list its tasks."""
    done, events = debug("thread_loop.py", *["step"] * 8)
    assert done.stdout == "thread said from the thread\ndone\n"
    main_pauses = [e for e in events if e["event"] == "pause" and e["location"]
                   and e["location"]["function"] == "main" and e["location"]["line"] >= 19]
    assert main_pauses and all(p["task"] == "Task-1" for p in main_pauses)
    assert all(any(t["name"] == "Task-1" for t in p["tasks"]) for p in main_pauses)


def test_await_in_p_runs_the_loop_but_holds_the_paused_task() -> None:
    """pdb 3.14 accepts ``await`` at a coroutine's pause: the awaitable runs on the program's
    loop, other tasks run meanwhile, the task paused in stays where it was."""
    done, events = debug("await_console.py", "send", "send", "p await asyncio.sleep(0.5, result=42)",
                         "p await queue.get()", "p queue.qsize()", "quit")
    assert replies(events) == ["42", "'from the producer'", "0"]
    pauses = [e for e in events if e["event"] == "pause"]
    assert [p["reason"] for p in pauses[2:5]] == ["send", "await", "await"]
    assert pauses[3]["time"] == 0.5  # the virtual clock moved for the sleep
    # main() did not run on: still at the await it was paused before (line 12), still ready
    assert [(p["task"], p["ready"][0]["description"]) for p in pauses[3:5]] == \
        [("Task-1", "Task-1 main(): resume after sleep(0) yield")] * 2
    assert "main got" not in done.stdout


def test_await_mid_line_is_refused_with_the_reason() -> None:
    _, events = debug("await_console.py", "step", "step", "p await asyncio.sleep(0)", "quit")
    errors = [e.get("text") for e in events if e["event"] == "reply" and not e.get("ok", True)]
    assert errors and "await works at a pause between steps" in errors[0]
