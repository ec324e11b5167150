"""Shared by the bench scripts: the 100,000-step program, a fair timer, and one format for figures.

Each figure is a median over several rounds, the figure's command and its
reference alternating in one run, so that the machine's state affects both
alike. Every script prints its figures through ``report()``:

    FIGURE: VALUE | REFERENCE: VALUE | ratio R.RRx | goal ... | met / NOT MET

Not tests: scripts that print ratios (see docs/performance.md).
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
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

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


def use_bytecode_cache() -> None:
    """For in-process benchmarks: the agents they start get ``env()``'s bytecode cache too."""
    os.environ.update(env())
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def time_once(argv: Sequence[str], cwd: Path, stdin: bytes = b"") -> float:
    """Wall time of one run (``stdin`` its input); a failing run ends the benchmark with its stderr."""
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env(), input=stdin, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{result.stderr.decode()}")
    return elapsed


def compare_runs(commands: Dict[str, List[str]], cwd: Path, rounds: int = 5,
                 stdin: Optional[Dict[str, bytes]] = None) -> Dict[str, List[float]]:
    """Every wall time of each command (fed ``stdin[name]``), alternating them for ``rounds`` rounds."""
    inputs = stdin or {}
    times: Dict[str, List[float]] = {name: [] for name in commands}
    for name, argv in commands.items():  # warm the caches once
        time_once(argv, cwd, inputs.get(name, b""))
    for _ in range(rounds):
        for name, argv in commands.items():
            times[name].append(time_once(argv, cwd, inputs.get(name, b"")))
    return times


def compare(commands: Dict[str, List[str]], cwd: Path, rounds: int = 5,
            stdin: Optional[Dict[str, bytes]] = None) -> Dict[str, float]:
    """Median wall time of each command (see ``compare_runs``)."""
    return {name: statistics.median(values) for name, values in compare_runs(commands, cwd, rounds, stdin).items()}


def corodbg(*args: str) -> List[str]:
    return [sys.executable, "-m", "corodbg", *args]


def machine() -> str:
    """Python version, cores and CPU model: the header line of every script."""
    model = ""
    try:
        with open("/proc/cpuinfo") as info:
            model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    return f"Python {sys.version.split()[0]}, {os.cpu_count()} cores{', ' + model if model else ''}"


def header(script: str) -> None:
    print(f"# {script} -- {machine()}", flush=True)


def _format(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}"


def report(figure: str, value: float, reference_name: str, reference: float, *, unit: str = "s",
           max_ratio: Optional[float] = None, max_value: Optional[float] = None) -> bool:
    """Print one figure with its reference and ratio, and whether it meets its goal.

    Values are in seconds (``unit`` "s" or "ms": shown in ms) or in MB. The goal
    is a ratio to the reference (``max_ratio``) or an absolute bound (``max_value``).
    """
    ratio = value / reference if reference else float("inf")
    if max_ratio is not None:
        goal, met = f"<= {max_ratio:g}x", ratio <= max_ratio
    elif max_value is not None:
        goal, met = f"<= {_format(max_value, unit)}", value <= max_value
    else:
        goal, met = "none", True
    print(f"{figure}: {_format(value, unit)} | {reference_name}: {_format(reference, unit)} | "
          f"ratio {ratio:.2f}x | goal {goal} | {'met' if met else 'NOT MET'}", flush=True)
    return met
