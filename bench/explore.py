"""corodbg explore's speed: runs per second through the fork server, beside plain python's start-up rate.

The program: 3 tasks of 5 ``sleep(0)`` each, gathered (22 steps); for the
timing family, the same with ``sleep(0.001)`` (15 timers to scale: a program
without timers gives that family nothing to vary, and explore stops after one
run). Its plain ``python`` start-up rate (sequential runs) is measured in the
same run as ``corodbg explore --any-order`` (every step observed and decided)
and the default timing family (steps unobserved, each timer scaled). The explore rate
is the one the session reports on stderr (its search, not the fork servers'
start), with one fork server (``--jobs 1``).

"Per core" is judged on CPU time, not on that rate: one server's run uses
more than one core at moments (its child exits while the next one starts, and
``corodbg explore`` reads answers beside them), so the goal is met when the
CPU time a run costs, summed over every process of the session, is at most
5 ms: 200 runs per CPU-second. A run's CPU time is the difference between a
session of N runs and a session of 1, divided by N - 1 (start-up cancels).

    python bench/explore.py [--runs N] [--rounds R]
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

from _common import bench_program, corodbg, env, header

PROGRAM = '''\
import asyncio


async def worker(n):
    for i in range(5):
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(*(worker(n) for n in range(3)))


asyncio.run(main())
'''
TIMED_PROGRAM = PROGRAM.replace("asyncio.sleep(0)", "asyncio.sleep(0.001)")
GOAL = 200.0


def explore_session(program: Path, runs: int, *family: str) -> Tuple[float, float]:
    """One ``corodbg explore`` session: its reported runs per second, and the CPU seconds of all its processes."""
    before = _children_cpu()
    done = subprocess.run(corodbg("explore", "--seed", "1", "--runs", str(runs), *family, str(program)),
                          cwd=program.parent, env=env(), capture_output=True, text=True)
    cpu = _children_cpu() - before
    if done.returncode != 0:
        sys.exit(f"corodbg explore failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    found = re.search(r"(\d+) runs in ([\d.]+) s", done.stderr)
    if found is None:
        sys.exit(f"no rate in corodbg explore's output:\n{done.stderr}")
    return int(found.group(1)) / max(float(found.group(2)), 1e-3), cpu


def explore_figures(program: Path, runs: int, *family: str) -> Tuple[float, float]:
    """Runs per second with one fork server, and runs per CPU-second (the per-core figure)."""
    _, start_up = explore_session(program, 1, *family)
    rate, cpu = explore_session(program, runs, *family)
    return rate, (runs - 1) / max(cpu - start_up, 1e-9)


def _children_cpu() -> float:
    """User and system time of every finished child process (a session's servers and their runs included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def python_rate(program: Path, runs: int) -> float:
    started = time.perf_counter()
    for _ in range(runs):
        subprocess.run([sys.executable, str(program)], cwd=program.parent, env=env(), check=True,
                       stdout=subprocess.DEVNULL)
    return runs / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs per explore session")
    parser.add_argument("--rounds", type=int, default=3, help="sessions per figure (median)")
    options = parser.parse_args()
    header("bench/explore.py")
    with bench_program(PROGRAM) as program, bench_program(TIMED_PROGRAM) as timed:
        python_rate(program, 3)  # warm the bytecode cache
        rates: Dict[str, List[float]] = {"explore --any-order": [], "explore (timing)": [], "python start-up": []}
        per_cpu: Dict[str, List[float]] = {"explore --any-order": [], "explore (timing)": []}
        for _ in range(options.rounds):
            for name, path, family in (("explore --any-order", program, ("--any-order",)),
                                       ("explore (timing)", timed, ())):
                rate, cpu_rate = explore_figures(path, options.runs, *family)
                rates[name].append(rate)
                per_cpu[name].append(cpu_rate)
            rates["python start-up"].append(python_rate(program, 50))
    python = statistics.median(rates["python start-up"])
    for name in per_cpu:
        rate, cpu_rate = statistics.median(rates[name]), statistics.median(per_cpu[name])
        met = cpu_rate >= GOAL
        print(f"{name}: {rate:.0f} runs/s, {cpu_rate:.0f} runs per CPU-second | plain python: {python:.0f} runs/s | "
              f"ratio {rate / python:.1f}x | goal >= {GOAL:.0f} runs/s/core | {'met' if met else 'NOT MET'}",
              flush=True)


if __name__ == "__main__":
    main()
