"""corodbg explore's speed: runs per second through the fork server, beside plain python's start-up rate.

The program: 3 tasks of 5 ``sleep(0)`` each, gathered (22 steps); for the
timing family, the same with ``sleep(0.001)`` (15 timers to scale: a program
without timers gives that family nothing to vary, and explore stops after one
run). Its plain ``python`` start-up rate (sequential runs) is measured in the
same run as ``corodbg explore --any-order`` (every step observed and decided)
and the default timing family (steps unobserved, each timer scaled). The explore rate
is the one the session reports on stderr (its search, not the fork servers'
start). Goal: >= 200 runs/s per core (one fork server, ``--jobs 1``).

    python bench/explore.py [--runs N] [--rounds R]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def explore_rate(program: Path, runs: int, *family: str) -> float:
    done = subprocess.run(corodbg("explore", "--seed", "1", "--runs", str(runs), *family, str(program)),
                          cwd=program.parent, env=env(), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"corodbg explore failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    found = re.search(r"(\d+) runs in ([\d.]+) s", done.stderr)
    if found is None:
        sys.exit(f"no rate in corodbg explore's output:\n{done.stderr}")
    return int(found.group(1)) / float(found.group(2))


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
        rates = {"explore --any-order": [], "explore (timing)": [], "python start-up": []}
        for _ in range(options.rounds):
            rates["explore --any-order"].append(explore_rate(program, options.runs, "--any-order"))
            rates["explore (timing)"].append(explore_rate(timed, options.runs))
            rates["python start-up"].append(python_rate(program, 50))
    medians = {name: statistics.median(values) for name, values in rates.items()}
    python = medians["python start-up"]
    for name in ("explore --any-order", "explore (timing)"):
        rate = medians[name]
        met = rate >= GOAL
        print(f"{name}: {rate:.0f} runs/s | plain python: {python:.0f} runs/s | ratio {rate / python:.1f}x | "
              f"goal >= {GOAL:.0f} runs/s/core | {'met' if met else 'NOT MET'}", flush=True)


if __name__ == "__main__":
    main()
