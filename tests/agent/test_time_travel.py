"""Time travel: --record/--replay schedules, goto/reverse-step/reverse-continue, --timeline.

Real runs of ``python -m corodbg --headless`` in a subprocess, as a user runs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from support import CHAIN_OUTPUT, SAMPLES, corodbg_env

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
DEBUGGING = HERE / "debugging"
TIMEOUT = 60


def corodbg(cwd: Path, *args: str, env: Dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corodbg", "--headless", *args], cwd=cwd, capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT, env=env or corodbg_env())


def traced(cwd: Path, program: str, *commands: str, tmp_path: Path,
           extra: Tuple[str, ...] = ()) -> Tuple[subprocess.CompletedProcess, List[Dict[str, Any]]]:
    trace = tmp_path / "trace.jsonl"
    args = ["--trace", str(trace), *extra]
    for command in commands:
        args += ["-c", command]
    done = corodbg(cwd, *args, program)
    return done, [json.loads(line) for line in trace.read_text().splitlines()]


def pauses(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [e for e in events if e["event"] == "pause"]


# -- going back ----------------------------------------------------------------------


def test_reverse_step_returns_to_the_previous_pause_identically_without_repeating_output(tmp_path: Path) -> None:
    done, events = traced(SAMPLES, "chain.py", *["step"] * 6, "rs", tmp_path=tmp_path)
    shown = pauses(events)
    # start, six steps, then the fifth step's pause again, then the end.
    assert [p["reason"] for p in shown] == ["start"] + ["step"] * 6 + ["step", "end"]
    assert shown[7] == shown[5]  # location, locals, ready queue, step, clock: all the same
    assert done.stdout == CHAIN_OUTPUT
    assert done.returncode == 0


def test_reverse_continue_returns_to_the_previous_breakpoint_hit(tmp_path: Path) -> None:
    done, events = traced(DEBUGGING, "race.py", "break race.py:9", "continue", "continue", "rc", "p name",
                          tmp_path=tmp_path)
    shown = pauses(events)
    hits = [(p["reason"], p["task"], p["location"]["line"]) for p in shown[1:4]]
    assert hits == [("breakpoint", "Task-2", 9), ("breakpoint", "Task-3", 9), ("breakpoint", "Task-2", 9)]
    assert {k: v for k, v in shown[3].items() if k != "breakpoints"} == \
        {k: v for k, v in shown[1].items() if k != "breakpoints"}
    assert [e["text"] for e in events if e["event"] == "reply"][-1] == "'a'"
    assert done.stdout == subprocess.run([sys.executable, "race.py"], cwd=DEBUGGING, capture_output=True).stdout
    assert done.returncode == 0


def test_goto_goes_forwards_and_back_and_keeps_the_exit_status(tmp_path: Path) -> None:
    done, events = traced(DEBUGGING, "race.py", "goto 9", "goto 3", "goto 9", "rs", tmp_path=tmp_path)
    shown = pauses(events)
    # rs goes to the previous pause of the run as it now is: start, goto 3, goto 9 (goto 9's first
    # pause belongs to a run that went back).
    assert [(p["reason"], p["step"]) for p in shown] == [("start", 0), ("goto", 9), ("goto", 3), ("goto", 9),
                                                        ("goto", 3), ("end", 13)]
    def same(a: Dict[str, Any], b: Dict[str, Any]) -> bool:  # (the step log says where each came from)
        return {k: v for k, v in a.items() if k != "log"} == {k: v for k, v in b.items() if k != "log"}

    assert same(shown[3], shown[1]) and shown[4] == shown[2]
    assert done.returncode == 0


def test_going_back_keeps_a_failing_programs_exit_status_and_output(tmp_path: Path) -> None:
    program = tmp_path / "fails.py"
    program.write_text("import asyncio\n\nasync def main():\n    for i in range(3):\n        print('tick', i)\n"
                       "        await asyncio.sleep(1)\n    raise SystemExit(7)\n\nasyncio.run(main())\n")
    done = corodbg(tmp_path, "-c", "goto 6", "-c", "goto 2", "-c", "goto 5", "-c", "rs", "fails.py")
    assert done.stdout == b"tick 0\ntick 1\ntick 2\n"
    assert done.returncode == 7


def test_from_the_end_of_the_program_one_goes_back_as_from_any_pause(tmp_path: Path) -> None:
    """As rr and gdb: at "the program exited", reverse-step and goto N are still there (forwards is refused)."""
    done, events = traced(DEBUGGING, "race.py", "goto 9", "continue", "goto 20", "rs", "goto 3", tmp_path=tmp_path)
    shown = pauses(events)
    assert [(p["reason"], p["step"]) for p in shown] == [("start", 0), ("goto", 9), ("end", 13), ("goto", 9),
                                                        ("goto", 3), ("end", 13)]
    answers = [e for e in events if e["event"] == "reply"]
    assert any("goto 20: the program is over at step 13" in json.dumps(answer) for answer in answers), answers
    assert done.returncode == 0


def _where(pause: Dict[str, Any]) -> Tuple[str, int]:
    return pause["location"]["function"], pause["location"]["line"]


def test_reverse_next_passes_over_the_pauses_in_a_called_frame(tmp_path: Path) -> None:
    """gdb's reverse-next: back to the previous line of this frame, over the calls it made.
    Stepped into phase1 and out again to outer:8, rn goes back to outer:7 (the call), not into phase1."""
    done, events = traced(SAMPLES, "chain.py", *["step"] * 6, "rn", tmp_path=tmp_path)
    shown = pauses(events)
    assert [_where(p) for p in shown[1:7]] == [("outer", 5), ("outer", 6), ("outer", 7), ("phase1", 14),
                                              ("phase1", 15), ("outer", 8)]
    assert shown[7] == shown[3]  # outer:7 again, every field the same
    assert done.stdout == CHAIN_OUTPUT and done.returncode == 0


def test_reverse_next_in_one_frame_is_the_previous_next(tmp_path: Path) -> None:
    done, events = traced(SAMPLES, "chain.py", "next", "next", "next", "rn", "rn", tmp_path=tmp_path)
    shown = pauses(events)
    assert [_where(p) for p in shown[1:6]] == [("outer", 5), ("outer", 6), ("outer", 7), ("outer", 6), ("outer", 5)]
    assert shown[4] == shown[2] and shown[5] == shown[1]
    assert done.stdout == CHAIN_OUTPUT


def test_reverse_finish_goes_back_to_the_call_site_in_the_caller(tmp_path: Path) -> None:
    """gdb's reverse-finish: back to where the current function was called."""
    done, events = traced(SAMPLES, "chain.py", *["step"] * 5, "reverse-finish", tmp_path=tmp_path)
    shown = pauses(events)
    assert _where(shown[5]) == ("phase1", 15)
    assert _where(shown[6]) == ("outer", 7) and shown[6] == shown[3]
    assert done.stdout == CHAIN_OUTPUT


def test_reverse_finish_of_a_frame_entered_before_the_first_pause_is_refused(tmp_path: Path) -> None:
    done, events = traced(SAMPLES, "chain.py", "step", "rf", tmp_path=tmp_path)
    errors = [e for e in events if e["event"] == "reply" and not e["ok"]]
    assert [e["text"] for e in errors] == ["reverse-finish: this frame was entered before the first pause"]
    assert done.stdout == CHAIN_OUTPUT


# -- record and replay -----------------------------------------------------------------

EQUIVALENCE = sorted(p for p in PROGRAMS.glob("*.py") if p.stem not in ("exc_keyboard_interrupt",))


@pytest.mark.parametrize("program", EQUIVALENCE, ids=[p.stem for p in EQUIVALENCE])
def test_a_recorded_run_replays_identically(program: Path, tmp_path: Path) -> None:
    schedule = tmp_path / "run.json"
    recorded = corodbg(program.parent, "--record", str(schedule), program.name)
    data = json.loads(schedule.read_text())
    assert data["format"] == "corodbg-schedule" and data["version"] == 1 and data["steps"] >= 0
    replayed = corodbg(program.parent, "--replay", str(schedule), program.name)
    assert replayed.stdout == recorded.stdout
    assert replayed.returncode == recorded.returncode, replayed.stderr.decode()


def test_picks_are_recorded_and_replayed(tmp_path: Path) -> None:
    schedule = tmp_path / "race.json"
    recorded = corodbg(DEBUGGING, "--record", str(schedule), "-c", "send", "-c", "send 2", "-c", "send 2",
                       "race.py")
    data = json.loads(schedule.read_text())
    assert data["picks"] == [{"step": 1, "index": 1, "item": "Task-3 worker()"},
                             {"step": 2, "index": 1, "item": "Task-3 worker()"}]
    assert recorded.stdout == b"b wrote 1\na wrote 2\ncounter 2\n"  # not python's order: the picks show
    again = tmp_path / "again.json"
    replayed = corodbg(DEBUGGING, "--replay", str(schedule), "--record", str(again), "race.py")
    assert replayed.stdout == recorded.stdout and replayed.returncode == 0
    assert json.loads(again.read_text())["picks"] == data["picks"]


def test_a_divergence_is_reported_where_it_happens(tmp_path: Path) -> None:
    shutil.copy(DEBUGGING / "race.py", tmp_path / "race.py")
    schedule = tmp_path / "race.json"
    corodbg(tmp_path, "--record", str(schedule), "-c", "send", "-c", "send 2", "race.py")
    source = (tmp_path / "race.py").read_text()
    (tmp_path / "race.py").write_text(source.replace("worker", "work"))
    replayed = corodbg(tmp_path, "--replay", str(schedule), "race.py")
    assert replayed.returncode == 3
    assert replayed.stdout == b""
    assert replayed.stderr.decode().splitlines()[-1] == \
        "corodbg: replay diverged: step 1: Task-3 worker() expected ready, not there"


def test_a_tampered_pick_diverges_at_its_step(tmp_path: Path) -> None:
    from corodbg.agent.recording import schedule as schedule_module

    path = tmp_path / "race.json"
    corodbg(DEBUGGING, "--record", str(path), "-c", "send", "-c", "send 2", "race.py")
    data = json.loads(path.read_text())
    data["picks"][0]["item"] = "Task-9 nobody()"
    data["checksum"] = schedule_module.checksum(data)
    path.write_text(json.dumps(data))
    replayed = corodbg(DEBUGGING, "--replay", str(path), "race.py")
    assert replayed.returncode == 3
    assert "step 1: Task-9 nobody() expected ready, not there" in replayed.stderr.decode()


def test_a_run_that_ends_early_diverges_at_its_end(tmp_path: Path) -> None:
    program = tmp_path / "count.py"
    program.write_text("import asyncio\n\nasync def main():\n    for i in range(3):\n"
                       "        await asyncio.sleep(0)\n\nasyncio.run(main())\n")
    path = tmp_path / "count.json"
    corodbg(tmp_path, "--record", str(path), "count.py")
    program.write_text(program.read_text().replace("range(3)", "range(2)"))
    replayed = corodbg(tmp_path, "--replay", str(path), "count.py")
    assert replayed.returncode == 3
    assert "the program ended; the recording ended at step" in replayed.stderr.decode()


def _bad(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    program = tmp_path / "marker.py"
    program.write_text("open('ran', 'w').write('yes')\n")
    (tmp_path / "bad.json").write_text(text)
    return corodbg(tmp_path, "--replay", "bad.json", "marker.py")


def _good(tmp_path: Path) -> Dict[str, Any]:
    program = tmp_path / "marker.py"
    program.write_text("open('ran', 'w').write('yes')\n")
    corodbg(tmp_path, "--record", "good.json", "marker.py")
    (tmp_path / "ran").unlink()
    return json.loads((tmp_path / "good.json").read_text())


@pytest.mark.parametrize("case", ["truncated", "edited", "version", "other program", "not json"])
def test_a_bad_schedule_is_one_line_and_exit_2_and_nothing_runs(case: str, tmp_path: Path) -> None:
    from corodbg.agent.recording import schedule as schedule_module

    good = _good(tmp_path)
    text = json.dumps(good)
    if case == "truncated":
        text = text[: len(text) // 2]
    elif case == "edited":
        text = json.dumps({**good, "steps": good["steps"] + 1})
    elif case == "version":
        changed = {**good, "version": 99}
        text = json.dumps({**changed, "checksum": schedule_module.checksum(changed)})
    elif case == "other program":
        changed = {**good, "program": "other.py", "program_path": str(tmp_path / "other.py")}
        text = json.dumps({**changed, "checksum": schedule_module.checksum(changed)})
    else:
        text = "hello"
    done = _bad(tmp_path, text)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(b"corodbg: ")
    assert done.stdout == b""
    assert not (tmp_path / "ran").exists()


def test_record_fixes_the_hash_seed_and_the_random_seed(tmp_path: Path) -> None:
    program = tmp_path / "seeds.py"
    program.write_text("import os, random\nprint(os.environ['PYTHONHASHSEED'], random.random(), "
                       "sorted({'a', 'b', 'c'}, key=hash) == list({'a', 'b', 'c'}) or True)\n")
    env = corodbg_env()
    env.pop("PYTHONHASHSEED", None)
    recorded = corodbg(tmp_path, "--record", "s.json", "seeds.py", env=env)
    data = json.loads((tmp_path / "s.json").read_text())
    assert recorded.stdout.split()[0].decode() == data["hash_seed"]
    replayed = corodbg(tmp_path, "--replay", "s.json", "seeds.py", env=env)
    assert replayed.stdout == recorded.stdout


# -- the timeline -------------------------------------------------------------------------


def test_the_timeline_is_chrome_trace_event_json(tmp_path: Path) -> None:
    timeline = tmp_path / "race.json"
    done = corodbg(DEBUGGING, "--timeline", str(timeline), "-c", "break race.py:9", "-c", "continue", "race.py")
    assert done.returncode == 0
    data = json.loads(timeline.read_text())
    events = data["traceEvents"]
    steps = [e for e in events if e["ph"] == "X"]
    assert len(steps) == 13
    for event in steps:
        assert {"name", "ts", "dur", "pid", "tid"} <= event.keys()
        assert isinstance(event["ts"], (int, float)) and event["dur"] > 0
    names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert {names[e["tid"]] for e in steps} >= {"Task-1", "Task-2", "Task-3"}
    assert all(names[e["tid"]] == e["name"] for e in steps if e["tid"])
    instants = [e for e in events if e["ph"] == "i"]
    assert any(e["cat"] == "breakpoint" for e in instants)
    assert all({"name", "ts", "pid", "tid", "s"} <= e.keys() for e in instants)
    assert sorted(e["ts"] for e in steps) == [e["ts"] for e in steps]


def test_no_duplicate_output_from_output_heavy_programs(tmp_path: Path) -> None:
    program = tmp_path / "loud.py"
    program.write_text("import asyncio, sys\n\nasync def talk(n):\n    for i in range(50):\n"
                       "        print(n, i, 'x' * 200)\n        print('err', n, i, file=sys.stderr)\n"
                       "        await asyncio.sleep(0)\n\nasync def main():\n"
                       "    await asyncio.gather(*(talk(n) for n in range(4)))\n\nasyncio.run(main())\n")
    plain = subprocess.run([sys.executable, "loud.py"], cwd=tmp_path, capture_output=True)
    done = corodbg(tmp_path, "-c", "goto 150", "-c", "goto 20", "-c", "goto 180", "-c", "goto 60", "loud.py")
    assert done.stdout == plain.stdout
    assert done.stderr == plain.stderr
    assert os.path.exists(tmp_path / "loud.py")


def test_with_a_thread_alive_going_back_re_runs_from_the_start_and_says_so_once(tmp_path: Path) -> None:
    program = tmp_path / "thready.py"
    program.write_text("import asyncio, threading\n\nstop = threading.Event()\n"
                       "threading.Thread(target=stop.wait, daemon=True).start()\n\n\nasync def main():\n"
                       "    for i in range(4):\n        print('tick', i, flush=True)\n"
                       "        await asyncio.sleep(1)\n    stop.set()\n\nasyncio.run(main())\n")
    done, events = traced(tmp_path, "thready.py", "goto 5", "goto 2", "goto 6", "rs", tmp_path=tmp_path)
    assert [(p["reason"], p["step"]) for p in pauses(events)] == \
        [("start", 0), ("goto", 5), ("goto", 2), ("goto", 6), ("goto", 2), ("end", 14)]
    assert done.stdout == b"tick 0\ntick 1\ntick 2\ntick 3\n"
    assert done.stderr.decode().splitlines() == [
        "corodbg: no checkpoint at step 0: threads alive (Thread-1 (wait)); going back re-runs from the start"]
    assert done.returncode == 0
