"""Benchmark: ``continue`` speed of corodbg against plain asyncio.

Writes a program of 500 tasks x 200 ``await asyncio.sleep(0)`` (100,000 task
steps) to a temporary file, then runs it alternately with ``python PROGRAM``
and ``python -m corodbg --headless PROGRAM``, 5 rounds each, and prints the
median wall times and their ratio. Goal: corodbg at most 1.5x plain python.

    python bench/continue.py [--rounds N]

A script, not a test: timings belong in a report, never in an assertion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL = 1.5

PROGRAM = '''\
import asyncio

TASKS = 500
SLEEPS = 200


async def worker(n):
    for _ in range(SLEEPS):
        await asyncio.sleep(0)
    return n


async def main():
    results = await asyncio.gather(*(worker(n) for n in range(TASKS)))
    print(len(results), "tasks,", TASKS * SLEEPS, "task steps")


asyncio.run(main())
'''


def timed(argv: list, env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"continue.py: {' '.join(argv)} failed:\n{result.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as tmp:
        program = os.path.join(tmp, "many_steps.py")
        with open(program, "w") as file:
            file.write(PROGRAM)
        plain, debugged = [], []
        for _ in range(rounds):
            plain.append(timed([sys.executable, program], env))
            debugged.append(timed([sys.executable, "-m", "corodbg", "--headless", program], env))
    python_s, corodbg_s = statistics.median(plain), statistics.median(debugged)
    ratio = corodbg_s / python_s
    print(f"continue: python {python_s:.3f} s, corodbg {corodbg_s:.3f} s, "
          f"ratio {ratio:.2f}x (goal <= {GOAL}x)")


if __name__ == "__main__":
    main()
