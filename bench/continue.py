"""Benchmark: ``continue`` speed of corodbg against plain asyncio.

Runs the 100,000-step program of ``_common`` (500 tasks x 200
``await asyncio.sleep(0)``) alternately with ``python PROGRAM`` and
``python -m corodbg --headless PROGRAM`` and prints the median wall times and
their ratio. Goal: corodbg at most 1.5x plain python.

    python bench/continue.py [--rounds N]

A script, not a test: timings belong in a report, never in an assertion.
"""

from __future__ import annotations

import argparse
import sys

from _common import bench_program, compare, corodbg

GOAL = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with bench_program() as program:
        medians = compare({
            "python": [sys.executable, program.name],
            "corodbg": corodbg("--headless", program.name),
        }, program.parent, rounds=rounds)
    python_s, corodbg_s = medians["python"], medians["corodbg"]
    print(f"continue: python {python_s:.3f} s, corodbg {corodbg_s:.3f} s, "
          f"ratio {corodbg_s / python_s:.2f}x (goal <= {GOAL}x)")


if __name__ == "__main__":
    main()
