"""The headless debugger driven by ``-c`` commands, observed through ``--trace``.

Each test runs ``python -m corodbg --headless -c ... --trace FILE PROGRAM`` in
a subprocess and reads the JSON lines (docs/trace-format.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

from support import CHAIN_OUTPUT, REPO, SAMPLES, corodbg_env

PROGRAMS = Path(__file__).resolve().parent / "programs"



def run_traced(tmp_path: Path, program: Path,
               *commands: str) -> Tuple[subprocess.CompletedProcess, List[Dict[str, Any]]]:
    """Run ``program`` under corodbg with these ``-c`` commands; the result and the trace's lines."""
    trace = tmp_path / "t.jsonl"
    argv = [sys.executable, "-m", "corodbg", "--headless"]
    for command in commands:
        argv += ["-c", command]
    argv += ["--trace", str(trace), str(program.relative_to(REPO))]
    result = subprocess.run(argv, cwd=REPO, env=corodbg_env(), stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=60)
    lines = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()] \
        if trace.exists() else []
    return result, lines


def pauses(lines: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [line for line in lines if line.get("event") == "pause"]


def where(pause: Dict[str, Any]) -> str:
    location = pause["location"]
    return f"{location['function']}:{location['line']}"


def ready_tasks(pause: Dict[str, Any]) -> List[str]:
    return [item["task"] for item in pause["ready"]]


# -- line steps through the seed's chain ------------------------------------------

def test_six_steps_through_chain(tmp_path: Path) -> None:
    result, lines = run_traced(tmp_path, SAMPLES / "chain.py", *["step"] * 6)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == CHAIN_OUTPUT
    stops = pauses(lines)
    assert stops[0]["reason"] == "start"
    steps = [p for p in stops if p["reason"] == "step"]
    assert [where(p) for p in steps] == [
        "outer:5", "outer:6", "outer:7", "phase1:14", "phase1:15", "outer:8"]
    assert lines[-1] == {"event": "exit", "code": 0}


def test_every_pause_has_the_documented_keys(tmp_path: Path) -> None:
    _, lines = run_traced(tmp_path, SAMPLES / "chain.py", *["step"] * 6)
    stops = [p for p in pauses(lines) if p["reason"] != "end"]
    assert len(stops) == 7
    for pause in stops:
        for key in ("reason", "step", "time", "location", "task", "ready", "tasks"):
            assert key in pause, f"{key} missing from a {pause['reason']} pause"
        assert isinstance(pause["step"], int)
        assert isinstance(pause["time"], (int, float))
        assert pause["tasks"], "a pause inside the loop lists its tasks"
        for task in pause["tasks"]:
            for frame in task["frames"]:
                for key in ("function", "file", "line", "source", "locals"):
                    assert key in frame, f"{key} missing from a frame of {task['name']}"
    # While stepping in phase1, the frame of outer shows where it awaits.
    in_phase1 = next(p for p in stops if p["location"]["function"] == "phase1")
    frames = in_phase1["tasks"][0]["frames"]
    user = [f for f in frames if f["file"].endswith("chain.py")]
    assert [f["function"] for f in user] == ["outer", "phase1"]
    assert user[0]["source"] == "result1 = await phase1()"


def test_the_program_output_is_unchanged_by_stepping(tmp_path: Path) -> None:
    """Stepping through a program changes none of its output (compared with a run nobody pauses,
    which the equivalence tests compare with python; 3.14+ python fails on chain.py: a shim)."""
    plain = subprocess.run([sys.executable, "-m", "corodbg", "--headless", "samples/chain.py"], cwd=REPO,
                           env=corodbg_env(), capture_output=True)
    assert plain.stdout == CHAIN_OUTPUT
    result, _ = run_traced(tmp_path, SAMPLES / "chain.py", *["step"] * 20)
    assert (result.stdout, result.stderr, result.returncode) == (plain.stdout, plain.stderr, plain.returncode)


# -- send -----------------------------------------------------------------------------

def test_send_runs_exactly_one_task_step(tmp_path: Path) -> None:
    result, lines = run_traced(tmp_path, SAMPLES / "gather.py", "send", "send", "send")
    assert result.returncode == 0, result.stderr.decode()
    start, first, second, third = pauses(lines)[:4]
    assert start["reason"] == "start" and start["step"] == 0
    assert ready_tasks(start) == ["Task-1"]
    # One send: main() ran once (step 1) and gather made three tasks ready.
    assert first["reason"] == "send" and first["step"] == 1
    assert ready_tasks(first) == ["Task-2", "Task-3", "Task-4"]
    # Each further send runs the head and nothing else.
    assert second["step"] == 2 and ready_tasks(second) == ready_tasks(first)[1:]
    assert third["step"] == 3 and ready_tasks(third) == ready_tasks(second)[1:]
    states = {t["name"]: t["state"] for t in third["tasks"]}
    assert states["Task-2"] == "waiting" and states["Task-3"] == "waiting"
    assert states["Task-4"] == "ready"


def test_send_2_runs_the_second_ready_item_first(tmp_path: Path) -> None:
    program = PROGRAMS / "sleep_zero_interleave.py"
    plain, _ = run_traced(tmp_path, program)
    assert plain.stdout.splitlines()[:3] == [b"a 0", b"b 0", b"c 0"]
    result, lines = run_traced(tmp_path, program, "send", "send 2")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.splitlines()[:3] == [b"b 0", b"a 0", b"c 0"]
    after = pauses(lines)[2]
    assert after["step"] == 2
    # b (Task-3) ran first; its sleep(0) put it back at the end of the queue.
    assert ready_tasks(after) == ["Task-2", "Task-4", "Task-3"]


def test_send_beyond_the_ready_queue_is_refused(tmp_path: Path) -> None:
    result, _lines = run_traced(tmp_path, SAMPLES / "chain.py", "send 5")
    assert result.returncode == 0
    assert result.stdout == CHAIN_OUTPUT
    assert b"corodbg: send 5" in result.stderr
    assert b"Traceback" not in result.stderr


# -- bad commands and quit -------------------------------------------------------------

def test_bad_command_is_reported_and_the_run_completes(tmp_path: Path) -> None:
    result, lines = run_traced(tmp_path, SAMPLES / "chain.py", "frobnicate")
    assert result.returncode == 0
    assert result.stdout == CHAIN_OUTPUT
    complaints = [line for line in result.stderr.decode().splitlines()
                  if line.startswith("corodbg:") and "--strict" not in line]  # (not a shim's notice)
    assert len(complaints) == 1 and "frobnicate" in complaints[0]
    assert b"Traceback" not in result.stderr
    assert lines[-1] == {"event": "exit", "code": 0}


def test_quit_stops_early(tmp_path: Path) -> None:
    result, lines = run_traced(tmp_path, SAMPLES / "chain.py", "step", "quit")
    assert b"in outer" not in result.stdout
    assert b"return value" not in result.stdout
    assert b"Traceback" not in result.stderr
    assert [p["reason"] for p in pauses(lines)] == ["start", "step"]


def test_quit_leaves_no_warning_from_corodbg_itself(tmp_path: Path) -> None:
    """Quitting at the start must not print asyncio/corodbg internals (a never-awaited warning)."""
    result, _ = run_traced(tmp_path, SAMPLES / "coroutine_return.py", "quit")
    assert b"in coroutine" not in result.stdout
    assert b"corodbg/agent" not in result.stderr, result.stderr.decode()
    assert b"was never awaited" not in result.stderr, result.stderr.decode()


# -- the tasks list --------------------------------------------------------------------

def test_tasks_are_listed_in_creation_order(tmp_path: Path) -> None:
    """docs/trace-format.md: ``tasks`` lists every task of the loop, in creation order."""
    _result, lines = run_traced(tmp_path, SAMPLES / "gather.py", "send")
    first = pauses(lines)[1]
    names = [t["name"] for t in first["tasks"]]
    assert names == ["Task-1", "Task-2", "Task-3", "Task-4"]
    assert [t["id"] for t in first["tasks"]] == [1, 2, 3, 4]


def test_deadlock_message_lists_tasks_in_creation_order() -> None:
    result = subprocess.run([sys.executable, "-m", "corodbg", "--headless", "samples/deadlock.py"],
                            cwd=REPO, env=corodbg_env(), capture_output=True, timeout=10)
    message = next(line for line in result.stderr.decode().splitlines() if "deadlock" in line)
    positions = [message.index(name) for name in ("Task-1", "Task-2", "Task-3")]
    assert positions == sorted(positions), message


def test_log_entries_describe_the_step_they_name(tmp_path: Path) -> None:
    """A step run while nobody observed (continue) must not lend its entry to a later step."""
    program = REPO / "tests" / "agent" / "debugging" / "race.py"
    _result, lines = run_traced(tmp_path, program, "tbreak race.py:9", "continue", "next")
    entries = [entry for pause in pauses(lines) for entry in pause["log"]]
    assert entries, "the next command's steps are logged"
    for entry in entries:
        assert entry["task"] is None or entry["item"].startswith(entry["task"] + " ") \
            or entry["item"].startswith("wake " + entry["task"] + " "), entry
    # The step that continue ran is logged as such: Task-1 started and suspended on gather.
    (continued,) = [entry for entry in entries if entry["command"] == "continue"]
    assert continued["item"] == "Task-1 main(): start"
    assert continued["outcome"] == "suspended on gather: 0 of 2 done (Task-2, Task-3)"


def test_a_step_finished_by_continue_is_logged_with_its_outcome(tmp_path: Path) -> None:
    _result, lines = run_traced(tmp_path, SAMPLES / "chain.py", "step", "step", "continue")
    end = pauses(lines)[-1]
    first = [entry for entry in end["log"] if entry["step"] == 1]
    assert first and first[0]["item"] == "Task-1 outer(): start"
    assert first[0]["outcome"] == "returned ('result1', 'result2 derived from result1')"
