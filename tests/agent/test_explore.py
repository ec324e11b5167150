"""corodbg explore: planted races found with --seed 1, shrunk, saved, replayed to the same failure; fixed twins clean.

Real runs of ``python -m corodbg explore`` and ``python -m corodbg --headless --replay``
in a subprocess, as a user runs them (tests/agent/programs/explore holds the programs).
"""

from __future__ import annotations

import json
import re
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from support import corodbg_env

PROGRAMS = Path(__file__).resolve().parent / "programs" / "explore"
TIMEOUT = 240

#: program -> (family options, what the failure line says, what the replay's stderr says)
RACES = {
    "check_then_act.py": (["--any-order"], "AssertionError: oversold", "AssertionError: oversold"),
    "lost_wakeup.py": (["--any-order"], "deadlock: nothing is ready", "deadlock: nothing is ready"),
    "loaded_by_now.py": ([], "KeyError: 'url'", "KeyError: 'url'"),
    "semaphore_twice.py": ([], "AssertionError: two jobs hold the one connection",
                           "AssertionError: two jobs hold the one connection"),
    # No timer at all: only the executor jobs' durations can break it.
    "executor_order.py": ([], "AssertionError: data arrived before the config",
                          "AssertionError: data arrived before the config"),
}


def run(*args: str, cwd: Path = PROGRAMS) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corodbg", *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT, env=corodbg_env())


def explore(*args: str) -> subprocess.CompletedProcess:
    return run("explore", *args)


def saved(path: Path) -> Dict[str, Any]:
    return json.loads(path.read_text())


def replay_pauses(schedule: Path, program: str, tmp_path: Path) -> Tuple[subprocess.CompletedProcess,
                                                                          List[Dict[str, Any]]]:
    """``corodbg --headless --replay`` of a saved schedule, continued twice: how it ended, and its pauses."""
    trace = tmp_path / "trace.jsonl"
    done = run("--headless", "--replay", str(schedule), "--trace", str(trace), "-c", "continue", "-c", "continue",
               program)
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    return done, [event for event in events if event["event"] == "pause"]


def deviation_count(data: Dict[str, Any]) -> int:
    return len(data["picks"]) + len(data.get("timers", []))


@pytest.mark.parametrize("program", sorted(RACES))
def test_a_planted_race_is_found_shrunk_saved_and_replayed_to_the_same_failure(program: str, tmp_path: Path) -> None:
    family, failure, replayed = RACES[program]
    schedule = tmp_path / "failing.json"
    done = explore("--seed", "1", "--runs", "2000", "--save", str(schedule), *family, program)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "failure: " in done.stdout and failure in done.stdout.split("failure: ", 1)[1].splitlines()[0]
    data = saved(schedule)
    assert 1 <= deviation_count(data) <= 2, done.stdout
    words = re.findall(r"^  \d+\. (.*)$", done.stdout, re.M)
    assert len(words) == deviation_count(data)  # each deviation named in words
    assert data["explore"]["deviations"] == words
    assert f"replay it: corodbg --headless --replay {schedule} {program}" in done.stdout
    again = run("--headless", "--replay", str(schedule), program)
    assert again.returncode == 1, again.stderr
    assert replayed in again.stderr
    assert "diverged" not in again.stderr


@pytest.mark.parametrize("program", sorted(RACES))
def test_the_fixed_twin_is_clean_for_1000_runs(program: str) -> None:
    family = RACES[program][0]
    twin = program.replace(".py", "_fixed.py")
    done = explore("--seed", "1", "--runs", "1000", *family, twin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"no failing schedule for {twin} in 1000 runs (seed 1)" in done.stdout


def test_the_same_seed_repeats_the_session_exactly_whatever_the_jobs(tmp_path: Path) -> None:
    reports: List[str] = []
    files: List[str] = []
    for jobs in ("1", "1", "2"):
        schedule = tmp_path / f"jobs{jobs}-{len(files)}.json"
        done = explore("--seed", "7", "--any-order", "--jobs", jobs, "--save", str(schedule), "check_then_act.py")
        assert done.returncode == 1, done.stderr
        reports.append(done.stdout.replace(str(schedule), "FILE"))
        files.append(json.dumps(saved(schedule)["picks"]))
    assert reports[0] == reports[1] == reports[2]
    assert files[0] == files[1] == files[2]
    other = explore("--seed", "8", "--any-order", "--save", str(tmp_path / "other.json"), "check_then_act.py")
    assert other.stdout.replace(str(tmp_path / "other.json"), "FILE") != reports[0]


def test_pct_finds_the_check_then_act_race(tmp_path: Path) -> None:
    schedule = tmp_path / "pct.json"
    done = explore("--seed", "1", "--strategy", "pct", "--depth", "2", "--save", str(schedule), "check_then_act.py")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "strategy: pct, depth 2" in done.stdout
    assert run("--headless", "--replay", str(schedule), "check_then_act.py").returncode == 1


def test_a_check_that_is_false_at_the_end_fails_the_run(tmp_path: Path) -> None:
    schedule = tmp_path / "check.json"
    done = explore("--seed", "1", "--check", "counter == 4", "--save", str(schedule), "lost_update.py")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "failure: --check 'counter == 4' is false (counter = 3)" in done.stdout
    assert deviation_count(saved(schedule)) <= 2
    assert explore("--seed", "1", "--runs", "50", "lost_update.py").returncode == 0  # exits 0 without the check


def test_an_unretrieved_task_exception_and_a_hang_are_failures(tmp_path: Path) -> None:
    done = explore("--save", str(tmp_path / "u.json"), "unretrieved.py")
    assert done.returncode == 1
    assert "failure: Task exception was never retrieved: ValueError: nobody looked" in done.stdout
    assert "fails under the default schedule" in done.stdout
    hang = explore("--timeout", "0.3", "--save", str(tmp_path / "h.json"), "forever.py")
    assert hang.returncode == 1
    assert "failure: still running after 0.3 s (--timeout)" in hang.stdout


@pytest.mark.parametrize("args, message", [
    (["missing.py"], "corodbg explore: no such file: missing.py"),
    (["--check", "counter =", "lost_update.py"], "corodbg explore: --check 'counter =' is not a Python expression"),
    (["--strategy", "dfs", "lost_update.py"], "corodbg explore: option --strategy is random or pct, not 'dfs'"),
    (["--runs", "many", "lost_update.py"], "corodbg explore: option --runs needs an integer of at least 1"),
    (["--save", "/no/such/dir/x.json", "lost_update.py"],
     "corodbg explore: cannot save the schedule: no such directory"),
])
def test_bad_input_is_one_line_and_exit_2(args: List[str], message: str) -> None:
    done = explore(*args)
    assert done.returncode == 2
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr
    assert done.stdout == ""


def test_a_saved_schedule_does_not_replay_another_program(tmp_path: Path) -> None:
    schedule = tmp_path / "race.json"
    assert explore("--seed", "1", "--any-order", "--save", str(schedule), "check_then_act.py").returncode == 1
    done = run("--headless", "--replay", str(schedule), "check_then_act_other.py")
    assert done.returncode == 2
    assert done.stderr == (f"corodbg: {schedule} is a schedule of 'check_then_act.py', "
                           "not of 'check_then_act_other.py'\n")


def test_a_pytest_test_is_explored_as_a_module_target(tmp_path: Path) -> None:
    (tmp_path / "test_shop.py").write_text((PROGRAMS / "shop_race_check.py").read_text())
    schedule = tmp_path / "shop.json"
    target = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_shop.py::test_two_buyers_one_widget"]
    done = run("explore", "--seed", "1", "--any-order", "--save", str(schedule), *target, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED test_shop.py::test_two_buyers_one_widget - assert -1 >= 0" in done.stdout
    assert deviation_count(saved(schedule)) <= 2
    again = run("--headless", "--replay", str(schedule), *target, cwd=tmp_path)
    assert again.returncode == 1 and "assert -1 >= 0" in again.stdout, again.stdout + again.stderr
    clean = run("explore", "--seed", "1", "--any-order", "--runs", "20", *target[:-1], "test_shop.py::test_other",
                cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_the_timing_family_stops_at_once_when_the_program_makes_no_timer() -> None:
    """No sleep > 0, no timeout: every timing run would be the default one; it says so, exit 0."""
    done = explore("--seed", "1", "check_then_act_fixed.py")
    assert done.returncode == 0, done.stderr
    assert "in 1 run (seed 1)" in done.stdout
    assert "the program made no timer" in done.stdout and "--any-order" in done.stdout


def test_each_run_ends_as_python_ends_a_program_with_its_atexit_handlers() -> None:
    done = explore("--seed", "1", "--any-order", "--runs", "5", "--check", "saved", "saves_at_exit.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no failing schedule" in done.stdout


def test_a_run_is_answered_when_it_ends_not_when_the_children_it_left_do() -> None:
    """A grandchild holds the run's descriptors for 60 s: the run still counts as ended with its program."""
    done = subprocess.run([sys.executable, "-m", "corodbg", "explore", "--seed", "1", "--any-order", "--runs", "3",
                           "leaves_a_child.py", "60"], cwd=PROGRAMS, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=30, env=corodbg_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no failing schedule" in done.stdout and "in 3 runs" in done.stdout


def test_a_run_starts_as_a_fresh_python_whatever_the_server_ran_before_forking_it() -> None:
    """The fork server warms its loop up before the first fork: the program's first task is still Task-1."""
    done = explore("--seed", "1", "--any-order", "--runs", "5", "first_tasks.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no failing schedule" in done.stdout


def test_an_executor_job_that_waits_for_a_timer_of_the_loop_still_ends() -> None:
    # While a job runs, the timing family holds the virtual clock; the hold lets go after a while.
    done = explore("--seed", "1", "--runs", "3", "--timeout", "20", "job_waits_for_timer.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no failing schedule" in done.stdout


def test_the_replay_of_a_saved_schedule_pauses_before_its_first_deviation(tmp_path: Path) -> None:
    schedule = tmp_path / "race.json"
    assert explore("--seed", "1", "--any-order", "--save", str(schedule), "check_then_act.py").returncode == 1
    first = saved(schedule)["picks"][0]
    done, pauses = replay_pauses(schedule, "check_then_act.py", tmp_path)
    assert [event["reason"] for event in pauses][:2] == ["start", "deviation"]
    deviation = pauses[1]
    assert deviation["step"] == first["step"]
    assert deviation["message"].startswith("next is the saved schedule's first deviation: at step")
    assert first["item"] in [item["description"].split(":")[0] for item in deviation["ready"]]
    assert done.returncode == 1 and "AssertionError: oversold" in done.stderr  # then on to the same failure


def test_the_replay_of_a_timing_schedule_pauses_where_its_first_scaled_timer_is_made(tmp_path: Path) -> None:
    schedule = tmp_path / "race.json"
    assert explore("--seed", "1", "--save", str(schedule), "loaded_by_now.py").returncode == 1
    index, factor = saved(schedule)["timers"][0][:2]
    done, pauses = replay_pauses(schedule, "loaded_by_now.py", tmp_path)
    assert [event["reason"] for event in pauses][:2] == ["start", "deviation"]
    deviation = pauses[1]
    assert deviation["message"].startswith(f"the saved schedule's first scaled timer is made here: timer #{index} ")
    assert f"(x{factor:.3g})" in deviation["message"]
    assert deviation["location"]["line"] == 8 and deviation["location"]["function"] == "load"  # its sleep(0.1)
    assert done.returncode == 1 and "KeyError: 'url'" in done.stderr  # then on to the same failure


def test_the_ui_refuses_a_schedule_of_another_program_before_it_starts(tmp_path: Path) -> None:
    schedule = tmp_path / "race.json"
    assert explore("--seed", "1", "--any-order", "--save", str(schedule), "check_then_act.py").returncode == 1
    done = run("--replay", str(schedule), "lost_update.py")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "is a schedule of" in done.stderr and "Traceback" not in done.stderr


class _SlowAnswer(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.rfile.readline()
        time.sleep(self.server.delay)  # type: ignore[attr-defined]
        self.wfile.write(self.server.word + b"\n")  # type: ignore[attr-defined]


@pytest.fixture
def two_servers() -> Iterator[Tuple[str, str]]:
    """Two servers outside the explored program: "a" answers after 10 ms, "b" after 25 ms."""
    servers = []
    for delay, word in ((0.01, b"a"), (0.025, b"b")):
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SlowAnswer)
        server.daemon_threads = True
        server.delay, server.word = delay, word  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield str(servers[0].server_address[1]), str(servers[1].server_address[1])
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_read_from_a_slower_outside_server_is_found_shrunk_saved_and_replayed(
        two_servers: Tuple[str, str], tmp_path: Path) -> None:
    schedule = tmp_path / "outside.json"
    # (a read comes later by up to ×4: "a" then lands well after "b" at the bound, whatever the machine's load)
    done = explore("--seed", "1", "--runs", "500", "--jitter", "4", "--save", str(schedule), "outside_order.py",
                   *two_servers)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "failure: exit status 1: AssertionError: b answered before a: ['b', 'a']" in done.stdout
    data = saved(schedule)
    assert 1 <= deviation_count(data) <= 2
    assert [entry[1:] for entry in data["timers"]] == [[4.0, "read"]] * len(data["timers"])  # pushed to the bound
    words = re.findall(r"^  \d+\. (.*)$", done.stdout, re.M)
    assert words and all(re.match(r"read #\d+ from 127\.0\.0\.1:\d+ .* the outside answered later", text)
                         for text in words), words
    again = run("--headless", "--replay", str(schedule), "outside_order.py", *two_servers)
    assert again.returncode == 1 and "b answered before a" in again.stderr, again.stderr


def test_the_outside_twin_that_takes_answers_in_any_order_is_clean(two_servers: Tuple[str, str]) -> None:
    done = explore("--seed", "1", "--runs", "200", "--jitter", "4", "outside_order_fixed.py", *two_servers)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no failing schedule" in done.stdout and "in 200 runs" in done.stdout


def test_a_read_of_what_the_program_wrote_itself_is_never_held() -> None:
    """Its own server and client: no read waited on the outside, so the timing family has nothing to vary."""
    done = explore("--seed", "1", "echo_in_program.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "in 1 run (seed 1)" in done.stdout and "no read from the outside" in done.stdout
    assert "waited on the outside" not in done.stdout
