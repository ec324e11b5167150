"""Shared by the bench scripts: the 100,000-step program and a fair timer.

Each figure is a median over several rounds, the two commands alternating in
one run, so that the machine's state affects both alike. Not tests: scripts
that print ratios (see docs/performance.md).
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from contextlib import contextmanager
from typing import Dict, Iterator, List, Sequence

ROOT = Path(__file__).resolve().parents[1]

STEPS_PROGRAM = '''\
import asyncio

TASKS, ROUNDS = 500, 200


async def worker(n):
    total = 0
    for i in range(ROUNDS):
        await asyncio.sleep(0)
        if total < 0:
            print("never")   # the unhit breakpoint goes here
        total += i
    return total


async def main():
    results = await asyncio.gather(*(worker(n) for n in range(TASKS)))
    print(len(results), sum(results))


asyncio.run(main())
'''
UNHIT_LINE = 11


@contextmanager
def bench_program(text: str = STEPS_PROGRAM) -> Iterator[Path]:
    """The program written to a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="corodbg-bench-") as folder:
        path = Path(folder) / "steps.py"
        path.write_text(text)
        yield path


_PYCACHE = tempfile.mkdtemp(prefix="corodbg-bench-pycache-")
atexit.register(shutil.rmtree, _PYCACHE, True)


def env() -> Dict[str, str]:
    """The environment of timed runs: corodbg importable, bytecode cached (as an installed package has it).

    With PYTHONDONTWRITEBYTECODE every run would compile corodbg's modules again
    (~35 ms); the cache goes to a temporary folder, not the source tree.
    """
    variables = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                 "PYTHONPYCACHEPREFIX": _PYCACHE}
    variables.pop("PYTHONDONTWRITEBYTECODE", None)
    return variables


def time_once(argv: Sequence[str], cwd: Path) -> float:
    """Wall time of one run; a failing run ends the benchmark with its stderr."""
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{result.stderr.decode()}")
    return elapsed


def compare(commands: Dict[str, List[str]], cwd: Path, rounds: int = 5) -> Dict[str, float]:
    """Median wall time of each command, alternating them for ``rounds`` rounds."""
    times: Dict[str, List[float]] = {name: [] for name in commands}
    for name, argv in commands.items():  # warm the caches once
        time_once(argv, cwd)
    for _ in range(rounds):
        for name, argv in commands.items():
            times[name].append(time_once(argv, cwd))
    return {name: statistics.median(values) for name, values in times.items()}


def corodbg(*args: str) -> List[str]:
    return [sys.executable, "-m", "corodbg", *args]
